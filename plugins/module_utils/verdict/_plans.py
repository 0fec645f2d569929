# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failover plans judged as units: is every VM in a plan ready to fail over, in the plan's order?

EM describes a plan (/failoverPlans/{ID}, FailoverPlanInfo/Includes/FailoveredVm with Order;
Veeam's get_failoverplans_id page) but keeps no state or readiness for it. A plan is ready
when every VM in it has a replica point (or CDP session) within its RPO; each VM that holds it
back is named with its reasons, worst first:

- no_replica: no evidence of any kind in the window (no task session, restore point or CDP
  session), or none that succeeded;
- stale: its newest evidence is older than its RPO;
- failed: its last replica or CDP result is Failed;
- job_disabled: the schedule of its replication job or CDP policy is disabled, so no new point
  will come.

The plan VMs' statuses come from the one fold (_fold.VmFold with failover_plans, then
_judgement), so a plan and its VMs' hosts and report rows agree. Pure functions, no I/O.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

HOLD_BACK = ("no_replica", "stale", "failed", "job_disabled")  # worst first
_WORDS = {"no_replica": "no replica", "stale": "stale", "failed": "failed last run", "job_disabled": "job disabled"}


def plan_vm_name(vm: Mapping[str, Any]) -> str | None:
    """The name a plan's VM is matched by: its display name, as the includes of jobs are."""
    return vm.get("display_name") or vm.get("name")


def hold_back(status: Mapping[str, Any] | None) -> list[str]:
    """Why a VM holds its plan back (a subset of HOLD_BACK, worst first); [] when it is ready."""
    if status is None:
        return ["no_replica"]
    found = {
        "no_replica": bool(status.get("never_replicated")) or bool(status.get("never_succeeded")),
        "stale": bool(status.get("rpo_breached")),
        "failed": "failed" in (status.get("findings") or ()),
        "job_disabled": status.get("job_schedule_enabled") is False,
    }
    if found["no_replica"]:
        found["stale"] = False  # no replica at all says more than an old one
    return [reason for reason in HOLD_BACK if found[reason]]


def judge_plans(plans: Iterable[Mapping[str, Any]], statuses: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Each plan (failover_plan_record's) judged on its VMs' judged statuses; ready None
    (and no VM held back) when `statuses` is None (the evidence was not read)."""
    index: dict[tuple[Any, Any], Mapping[str, Any]] = {}
    for status in statuses or ():
        for server in (status.get("backup_server_id"), status.get("backup_server_name")):
            index.setdefault((server, status.get("vm_name")), status)
    return [_judge_plan(plan, index, statuses is not None) for plan in plans]


def _judge_plan(plan: Mapping[str, Any], index: Mapping[tuple[Any, Any], Mapping[str, Any]],
                judged: bool) -> dict[str, Any]:
    vms = [_plan_vm(vm, _status_of(plan, vm, index), judged) for vm in plan.get("vms") or ()]
    held = [{"order": vm["order"], "vm_name": vm["name"], "reasons": vm["hold_back"], "message": vm["message"]}
            for vm in vms if vm["hold_back"]]
    ready = (not held) if judged else None
    return {
        "name": plan.get("name"), "id": plan.get("id"), "description": plan.get("description"),
        "backup_server_id": plan.get("backup_server_id"), "backup_server_name": plan.get("backup_server_name"),
        "ready": ready, "vms": vms, "held_back_by": held, "message": _plan_message(plan, vms, held, ready),
    }


def _status_of(plan: Mapping[str, Any], vm: Mapping[str, Any],
               index: Mapping[tuple[Any, Any], Mapping[str, Any]]) -> Mapping[str, Any] | None:
    name = plan_vm_name(vm)
    return index.get((plan.get("backup_server_id"), name)) or index.get((plan.get("backup_server_name"), name))


def _plan_vm(vm: Mapping[str, Any], status: Mapping[str, Any] | None, judged: bool) -> dict[str, Any]:
    reasons = hold_back(status) if judged else []
    status = status or {}
    return {
        "order": vm.get("order"), "name": plan_vm_name(vm), "status": status.get("status"),
        "findings": list(status.get("findings") or ()), "protection": list(status.get("protection") or ()),
        "rpo_evidence_time": status.get("rpo_evidence_time"), "rpo_age_seconds": status.get("rpo_age_seconds"),
        "rpo_seconds": status.get("rpo_seconds"), "last_point_time": status.get("last_point_time"),
        "job_name": status.get("job_name"), "hold_back": reasons,
        "message": _vm_message(reasons, status),
    }


def _vm_message(reasons: list[str], status: Mapping[str, Any]) -> str:
    if not reasons:
        return ""
    words = ", ".join(_WORDS[reason] for reason in reasons)
    if status.get("message"):
        detail = status["message"]
    elif reasons == ["job_disabled"]:
        detail = f"the schedule of {status.get('job_name')!r} is disabled, so no new restore point will come"
    else:
        detail = "no replica, restore point or CDP session in the window"
    return f"{words}: {detail}"


def _plan_message(plan: Mapping[str, Any], vms: list[dict[str, Any]], held: list[dict[str, Any]],
                  ready: bool | None) -> str:
    if ready is None:
        return f"failover plan {plan.get('name')!r}: readiness not judged (the evidence of its VMs was not read)"
    if ready:
        return f"failover plan {plan.get('name')!r} is ready: all {len(vms)} VMs have a replica within their RPO"
    names = ", ".join(f"{entry['vm_name']} ({', '.join(_WORDS[r] for r in entry['reasons'])})" for entry in held)
    return f"failover plan {plan.get('name')!r} is held back by {len(held)} of {len(vms)} VMs: {names}"
