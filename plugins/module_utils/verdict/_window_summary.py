# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A compliance run's judgements over the window, summed up from its judged VMs (issue 28): the
SLA of each group (job, backup server, failover plan, the EM), the VMs with the lowest SLA, the
anomalous runs, the waived VMs and the waivers that match nothing (stale).

A group below the SLA target is a finding of the run, `sla_below_target` of that group. It fails
the run while sla_below_target is in fail_on and some VM of the group that is below the target
has not had that finding waived: a group's time-weighted share cannot be below the target unless
one of its VMs is, so a group fails only with a VM the waivers did not excuse.
Pure functions, no I/O (the caller reads the waivers file).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._findings import (
    DURATION_ANOMALY,
    SIZE_ANOMALY,
    SLA_BELOW_TARGET,
    WAIVER_EXPIRED,
)
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._sla import aggregate_sla, read_sla_target, with_target
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waiver_file import Waiver
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waivers import stale_waivers

WORST_SLA_SHOWN = 20  # the VMs the HTML strip draws besides the estate: readable at 500 VMs
GROUP_KINDS = ("em", "backup_server", "job", "failover_plan")  # the estate first, then wider groups before narrower


def _groups_of(vm: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(kind, name) of each group the VM is in: the EM, its backup server, each job (on its server:
    two servers may name a job alike), each failover plan."""
    server = str(vm.get("backup_server_name") or "")
    jobs = dict.fromkeys([vm.get("job_name")] + list(vm.get("job_names") or ()))
    groups = [("em", ""), ("backup_server", server)]
    groups += [("job", f"{name} on {server}") for name in jobs if name]
    groups += [("failover_plan", f"{plan.get('name')} on {server}") for plan in vm.get("failover_plans") or ()
               if plan.get("name")]
    return groups


def _below_unwaived(vm: Mapping[str, Any]) -> bool:
    """Whether the VM is below its target and that finding is not waived."""
    return (bool((vm.get("sla") or {}).get("below_target"))
            and SLA_BELOW_TARGET not in (vm.get("waived_findings") or ()))


def sla_groups(vms: Sequence[Mapping[str, Any]], target: float | None, fail_on: Sequence[str]) -> list[dict[str, Any]]:
    """Every group's aggregate SLA (aggregate_sla with_target): {kind, name ('' for the EM), percent,
    covered_seconds, span_seconds, vms, days, target, below_target, failing, message}, the EM first,
    then backup servers, jobs and failover plans, each by name ignoring case. Groups of VMs without
    an SLA (no RPO, or SLA not judged) are left out."""
    members: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for vm in vms:
        if vm.get("sla") is None:
            continue
        for key in _groups_of(vm):
            members.setdefault(key, []).append(vm)
    groups = []
    for (kind, name), grouped in sorted(members.items(), key=lambda item: (GROUP_KINDS.index(item[0][0]),
                                                                           item[0][1].lower(), item[0][1])):
        sla = with_target(aggregate_sla(vm["sla"] for vm in grouped), target) or {}
        below = bool(sla.get("below_target"))
        failing = below and SLA_BELOW_TARGET in fail_on and any(_below_unwaived(vm) for vm in grouped)
        groups.append({"kind": kind, "name": name, **sla, "failing": failing,
                       "message": _group_message(kind, name, sla) if below else None})
    return groups


def _group_message(kind: str, name: str, sla: Mapping[str, Any]) -> str:
    what = "the Enterprise Manager's VMs" if kind == "em" else f"{kind.replace('_', ' ')} {name}"
    return (f"{what}: within the RPO {sla['percent']}% of the window over {sla['vms']} VM(s), "
            f"below the target of {sla['target']}%")


def _named(vm: Mapping[str, Any]) -> dict[str, Any]:
    """Which VM, as the lists over the window name it (the VM itself is in worst_first)."""
    return {"vm_name": vm.get("vm_name"), "backup_server_name": vm.get("backup_server_name"),
            "job_name": vm.get("job_name"), "status": vm.get("status"), "failing": vm.get("failing")}


def worst_sla(vms: Sequence[Mapping[str, Any]], limit: int = WORST_SLA_SHOWN) -> list[dict[str, Any]]:
    """The `limit` VMs with the lowest SLA share (those without one left out), lowest first, then by
    VM name ignoring case and backup server: each named with its percent, below_target, gaps (how
    many), waived (sla_below_target waived) and days [{date, percent}]."""
    measured = [vm for vm in vms if (vm.get("sla") or {}).get("percent") is not None]
    lowest = sorted(measured, key=lambda vm: (vm["sla"]["percent"], str(vm.get("vm_name")).lower(),
                                              str(vm.get("backup_server_name") or "").lower()))[:limit]
    return [{**_named(vm), "percent": vm["sla"]["percent"], "below_target": vm["sla"].get("below_target"),
             "gaps": len(vm["sla"].get("gaps") or ()), "waived": SLA_BELOW_TARGET in (vm.get("waived_findings") or ()),
             "days": [{"date": day["date"], "percent": day["percent"]} for day in vm["sla"].get("days") or ()]}
            for vm in lowest]


def anomalous_runs(vms: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each anomalous run of the window, one entry per run and kind: the anomaly with vm_name,
    backup_server_name and waived (its finding waived for the VM); the newest run first, then by VM."""
    runs = [{**anomaly, **_named(vm), "waived": anomaly.get("kind") in (vm.get("waived_findings") or ())}
            for vm in vms for anomaly in vm.get("anomalies") or ()]
    runs.sort(key=lambda run: (str(run.get("vm_name")).lower(), str(run.get("kind"))))
    runs.sort(key=lambda run: str(run.get("creation_time")), reverse=True)
    return runs


def window_counts(vms: Sequence[Mapping[str, Any]], groups: Sequence[Mapping[str, Any]],
                  stale: Sequence[Any]) -> dict[str, int]:
    """The counts of the judgements over the window: VMs by each new finding, VMs waived (some finding
    waived), VMs with an expired waiver, the stale waivers, the groups below the SLA target (the EM
    counted as one) and the anomalous runs."""
    def having(finding: str) -> int:
        return sum(1 for vm in vms if finding in (vm.get("findings") or ()))

    return {SLA_BELOW_TARGET: having(SLA_BELOW_TARGET), DURATION_ANOMALY: having(DURATION_ANOMALY),
            SIZE_ANOMALY: having(SIZE_ANOMALY), WAIVER_EXPIRED: having(WAIVER_EXPIRED),
            "waived": sum(1 for vm in vms if vm.get("waived")), "stale_waivers": len(stale),
            "sla_groups_below_target": sum(1 for group in groups if group.get("below_target")),
            "anomalous_runs": sum(len(vm.get("anomalies") or ()) for vm in vms)}


def sla_junit(groups: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One test case per SLA group (the suite replica_compliance.sla): {'tests', 'failures', 'cases':
    [{'group', 'failure_type' (sla_below_target when it fails the run, else None)}]}."""
    cases = [{"group": group, "failure_type": SLA_BELOW_TARGET if group.get("failing") else None} for group in groups]
    return {"tests": len(cases), "failures": sum(1 for case in cases if case["failure_type"]), "cases": cases}


def read_stale(waivers: Sequence[Waiver] | None, vms: Sequence[Mapping[str, Any]], now: datetime | None,
               run_level: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """The waivers (the file's, read; None: none) that no VM, and no plan or name not found of `run_level`,
    matched, with messages. Each carries the waivers that matched it (apply_waivers did that in the
    judgement, _run_waivers in the summary)."""
    if not waivers or now is None:
        return []
    return stale_waivers(waivers, list(vms) + list(run_level), now)


def window_summary(vms: Sequence[Mapping[str, Any]], fail_on: Sequence[str], sla_target: Any = None,
                   waivers: Sequence[Waiver] | None = None, now: datetime | None = None, prefix: str = "",
                   run_level: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The summary's part over the window: 'sla' {target, estate (the EM group or None), groups,
    worst (worst_sla), groups_failing}, 'anomalies' (anomalous_runs), 'waived' (the VMs a waiver matched,
    in the order given, each named with its findings, waived_findings and waivers), 'stale_waivers',
    'window_counts' and 'window_warnings' (one per stale waiver); a waiver a plan or a name not found of
    `run_level` carries is not stale."""
    target = read_sla_target(sla_target, f"{prefix}sla_target")
    groups = sla_groups(vms, target, fail_on)
    stale = read_stale(waivers, vms, now, run_level)
    estate = next((group for group in groups if group["kind"] == "em"), None)
    return {
        "sla": {"target": target, "estate": estate, "groups": groups, "worst": worst_sla(vms),
                "groups_failing": [group for group in groups if group["failing"]]},
        "anomalies": anomalous_runs(vms),
        "waived": [{**_named(vm), "findings": list(vm.get("findings") or ()),
                    "waived_findings": list(vm.get("waived_findings") or ()), "waivers": list(vm["waivers"])}
                   for vm in vms if vm.get("waivers")],
        "stale_waivers": stale,
        "window_counts": window_counts(vms, groups, stale),
        "window_warnings": [f"stale waiver: {waiver['message']}" for waiver in stale],
    }
