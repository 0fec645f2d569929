# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failover plan membership on the per-VM summaries of the one fold (_fold.VmFold).

Every summary says which plans hold its VM, and in which order (`failover_plans`, the
inventory's veeam_failover_plans), and a VM a plan holds that has no evidence of any kind gets
a summary of its own, never replicated: it is the VM that would fail the plan in a disaster,
so it is never left out. Pure functions over plain data (JSON but for a kept history's
datetimes, _history), no I/O.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._coverage import summary_without_sessions
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plans import plan_vm_name


def with_plan_members(summaries: Iterable[dict[str, Any]],
                      plans: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """The summaries with `failover_plans` ([{name, order}], sorted by plan name; [] when in
    none or plans were not read), plus one summary per plan VM without evidence."""
    summaries = [{**summary, "failover_plans": []} for summary in summaries]
    index: dict[tuple[Any, Any], dict[str, Any]] = {}
    for summary in summaries:
        for server in (summary.get("backup_server_id"), summary.get("backup_server_name")):
            index.setdefault((server, summary.get("vm_name")), summary)
    for plan in plans or ():
        for vm in plan.get("vms") or ():
            name = plan_vm_name(vm)
            summary = index.get((plan.get("backup_server_id"), name)) or index.get((plan.get("backup_server_name"), name))
            if summary is None:
                summary = _no_evidence(plan, name)
                summaries.append(summary)
                index[(plan.get("backup_server_id"), name)] = summary
            summary["failover_plans"].append({"name": plan.get("name"), "order": vm.get("order")})
    for summary in summaries:
        summary["failover_plans"].sort(key=lambda member: (member["name"] or "", member["order"] or 0))
    return summaries


def _no_evidence(plan: Mapping[str, Any], name: str | None) -> dict[str, Any]:
    """A summary for a plan VM without a task session, point or CDP session."""
    return summary_without_sessions(name, plan.get("backup_server_id"), plan.get("backup_server_name"),
                                    job_schedule_enabled=None, job_next_run=None, protection=[], cdp=None,
                                    failover_plans=[])
