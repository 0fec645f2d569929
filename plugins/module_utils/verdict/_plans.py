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

A reason rests on a finding of the VM (_REASON_FINDINGS): when an active waiver covers it (the
status' waived_findings, _waivers), the reason no longer holds the plan back; the VM row keeps it
in `waived`, with the waivers that waived it, and a plan whose every reason is waived is ready,
"with waivers" (its `waived_by` and message name them). job_disabled rests on no finding (FINDINGS
has none for a disabled schedule), so no waiver lifts it.

The plan VMs' statuses come from the one fold (_fold.VmFold with failover_plans, then
_judgement), so a plan and its VMs' hosts and report rows agree. Pure functions, no I/O.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waivers import active_covering

HOLD_BACK = ("no_replica", "stale", "failed", "job_disabled")  # worst first
_WORDS = {"no_replica": "no replica", "stale": "stale", "failed": "failed last run", "job_disabled": "job disabled"}
# The VM findings (_findings.FINDINGS) each reason rests on: waived when every one of them the VM carries is.
_REASON_FINDINGS = {"no_replica": ("never_replicated", "never_succeeded"), "stale": ("rpo_breach",),
                    "failed": ("failed",), "job_disabled": ()}


def plan_vm_name(vm: Mapping[str, Any]) -> str | None:
    """The name a plan's VM is matched by: its display name, as the includes of jobs are."""
    return vm.get("display_name") or vm.get("name")


def hold_back(status: Mapping[str, Any] | None) -> list[str]:
    """Why a VM holds its plan back (a subset of HOLD_BACK, worst first); [] when it is ready. A reason
    whose findings an active waiver covers (waived_reasons) does not hold it back."""
    return _reasons(status)[0]


def waived_reasons(status: Mapping[str, Any] | None) -> list[str]:
    """The reasons that would hold the plan back but whose findings an active waiver covers: every
    finding of _REASON_FINDINGS[reason] the VM carries is in its waived_findings (a disabled job
    rests on no finding, so it is never waived)."""
    return _reasons(status)[1]


def _reasons(status: Mapping[str, Any] | None) -> tuple[list[str], list[str]]:
    """(holding back, waived), each a subset of HOLD_BACK worst first."""
    if status is None:
        return ["no_replica"], []
    found = {
        "no_replica": bool(status.get("never_replicated")) or bool(status.get("never_succeeded")),
        "stale": bool(status.get("rpo_breached")),
        "failed": "failed" in (status.get("findings") or ()),
        "job_disabled": status.get("job_schedule_enabled") is False,
    }
    findings, waived = list(status.get("findings") or ()), set(status.get("waived_findings") or ())

    def is_waived(reason: str) -> bool:
        carried = [finding for finding in _REASON_FINDINGS[reason] if finding in findings]
        return bool(carried) and all(finding in waived for finding in carried)

    if found["no_replica"] and not is_waived("no_replica"):
        found["stale"] = False  # no replica at all says more than an old one (waived, the age speaks again)
    reasons = [reason for reason in HOLD_BACK if found[reason]]
    return ([reason for reason in reasons if not is_waived(reason)], [reason for reason in reasons if is_waived(reason)])


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
    waived = [{"order": vm["order"], "vm_name": vm["name"], "reasons": vm["waived"], "waivers": vm["waivers"],
               "message": vm["message"]} for vm in vms if vm["waived"]]
    ready = (not held) if judged else None
    return {
        "name": plan.get("name"), "id": plan.get("id"), "description": plan.get("description"),
        "backup_server_id": plan.get("backup_server_id"), "backup_server_name": plan.get("backup_server_name"),
        "ready": ready, "vms": vms, "held_back_by": held, "waived_by": waived,
        "message": _plan_message(plan, vms, held, waived, ready),
    }


def _status_of(plan: Mapping[str, Any], vm: Mapping[str, Any],
               index: Mapping[tuple[Any, Any], Mapping[str, Any]]) -> Mapping[str, Any] | None:
    name = plan_vm_name(vm)
    return index.get((plan.get("backup_server_id"), name)) or index.get((plan.get("backup_server_name"), name))


def _plan_vm(vm: Mapping[str, Any], status: Mapping[str, Any] | None, judged: bool) -> dict[str, Any]:
    reasons, waived = _reasons(status) if judged else ([], [])
    status = status or {}
    # Only the waivers that waived a reason here: a VM's waiver of every finding waives nothing a disabled job rests on.
    waivers = active_covering(status.get("waivers") or (), [finding for reason in waived
                                                            for finding in _REASON_FINDINGS[reason]]) if waived else []
    return {
        "order": vm.get("order"), "name": plan_vm_name(vm), "status": status.get("status"),
        "findings": list(status.get("findings") or ()), "protection": list(status.get("protection") or ()),
        "rpo_evidence_time": status.get("rpo_evidence_time"), "rpo_age_seconds": status.get("rpo_age_seconds"),
        "rpo_seconds": status.get("rpo_seconds"), "last_point_time": status.get("last_point_time"),
        "job_name": status.get("job_name"), "hold_back": reasons, "waived": waived, "waivers": list(waivers),
        "message": "; ".join(part for part in (_vm_message(reasons, status), _waived_message(waived, waivers)) if part),
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


def _waived_message(waived: list[str], waivers: Iterable[Mapping[str, Any]]) -> str:
    """Which reasons are waived, and by which waivers: nothing waived is hidden."""
    if not waived:
        return ""
    said = "; ".join(f"waiver {waiver.get('entry')} (line {waiver.get('line')}, "
                     f"{'permanent' if waiver.get('permanent') else 'expires ' + str(waiver.get('expires'))}): "
                     f"{waiver.get('justification')}" for waiver in waivers)
    return f"waived, not holding the plan back: {', '.join(_WORDS[reason] for reason in waived)} ({said})"


def _plan_message(plan: Mapping[str, Any], vms: list[dict[str, Any]], held: list[dict[str, Any]],
                  waived: list[dict[str, Any]], ready: bool | None) -> str:
    if ready is None:
        return f"failover plan {plan.get('name')!r}: readiness not judged (the evidence of its VMs was not read)"
    excused = ", ".join(f"{entry['vm_name']} ({', '.join(_WORDS[r] for r in entry['reasons'])})" for entry in waived)
    if ready and waived:
        return (f"failover plan {plan.get('name')!r} is ready, with waivers: of its {len(vms)} VMs, {excused} "
                f"would hold it back but an active waiver covers that")
    if ready:
        return f"failover plan {plan.get('name')!r} is ready: all {len(vms)} VMs have a replica within their RPO"
    names = ", ".join(f"{entry['vm_name']} ({', '.join(_WORDS[r] for r in entry['reasons'])})" for entry in held)
    return (f"failover plan {plan.get('name')!r} is held back by {len(held)} of {len(vms)} VMs: {names}"
            + (f"; waived: {excused}" if waived else ""))
