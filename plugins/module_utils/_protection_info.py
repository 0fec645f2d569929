# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bodies of cdp_policy_info and failover_plan_info: options in, records and judgements out.

Rights (Veeam's security_roles_concept page; module _rights): a Portal User may read CDP
sessions but not CDP policies, so cdp_policy_info judges that user's CDP VMs on the sessions
with the user's rpo and says why (not_judged); a Portal User may not read failover plans, so
failover_plan_info fails with the refusal; a VM Restore Operator may read plans and restore
points but no task sessions, so its plans are judged on restore points.
"""
from __future__ import annotations

from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._gather import (
    CDP_POLICIES_REFUSED,
    cdp_policies_not_shown,
    gather_cdp_policies,
    gather_cdp_task_sessions,
    gather_failover_plans,
    gather_replica_evidence,
    read_beside,
    unless_refused,
)
from ansible_collections.veeam_em.core.plugins.module_utils._rights import CDP_POLICIES
from ansible_collections.veeam_em.core.plugins.module_utils._times import utc_now
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._cdp_status import OPTION, POLICY
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import judge_records, read_criteria
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plans import judge_plans, plan_vm_name


def gather_cdp_policy_info(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    """The CDP policies (names, backup_server_names; includes with include_objects) and the CDP
    task sessions of the window of those policies, read beside each other, and each CDP VM judged
    on them (cdp_vms). `cdp_policies` is left out when EM refused the account the policies (a
    Portal User), and not_judged says so: its VMs are judged on the rpo option."""
    # The rpo, given, overrides every policy's own (cdp_rpo_source option); checked before any read.
    criteria = read_criteria(rpo=params.get("rpo"), cdp_rpo_source=OPTION if params.get("rpo") else POLICY)
    now = utc_now()
    parts = read_beside({
        "policies": lambda: unless_refused(CDP_POLICIES, CDP_POLICIES_REFUSED, lambda: gather_cdp_policies(api, params)),
        "sessions": lambda: gather_cdp_task_sessions(api, params, now),
    })
    policies, not_judged = parts["policies"]
    sessions = parts["sessions"]["cdp_task_sessions"]
    cdp_policies = None if policies is None else policies["cdp_policies"]
    not_judged += cdp_policies_not_shown(cdp_policies, sessions)
    result: dict[str, Any] = {**(policies or {}), "not_judged": not_judged}
    result["cdp_vms"] = judge_records([], utc_now(), criteria, not_judged=not_judged, cdp_sessions=sessions,
                                      cdp_policies=cdp_policies)
    if params.get("include_sessions"):
        result["cdp_task_sessions"] = sessions
    return result


def plan_vm_names(plans: list[dict[str, Any]]) -> list[str]:
    """The names the plans' VMs go by in sessions and restore points (DisplayName, else Name), each once."""
    return sorted({plan_vm_name(vm) for plan in plans for vm in plan["vms"]} - {None, ""})


def plan_evidence(api: EmApi, params: dict[str, Any], vm_names: list[str]) -> dict[str, Any]:
    """What judges the plans' VMs: the replica evidence of just those VMs over the window, with
    restore points, jobs (coverage and schedules) and CDP; a task session read refused (a VM
    Restore Operator) leaves the sessions out, and the VMs are judged on restore points."""
    return gather_replica_evidence(api, {
        "vm_names": vm_names, "created_after": params.get("created_after"),
        "backup_server_names": params.get("backup_server_names"), "include_restore_points": True,
        "include_replication_jobs": True, "include_cdp": True, "sessions_may_be_refused": True,
    })


def gather_failover_plan_info(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    """The failover plans; with include_evidence each judged as a unit on its VMs' evidence."""
    criteria = read_criteria(rpo=params.get("rpo"))  # before any read: a bad rpo costs nothing
    plans = gather_failover_plans(api, params)["failover_plans"]
    if not params.get("include_evidence", True):
        return {"failover_plans": plans}
    vm_names = plan_vm_names(plans)
    evidence = plan_evidence(api, params, vm_names) if vm_names else {"not_judged": []}
    statuses = judge_records(evidence.get("replica_task_sessions", []), utc_now(), criteria,
                             points=evidence.get("replica_points"), jobs=evidence.get("replication_jobs"),
                             not_judged=evidence["not_judged"], cdp_sessions=evidence.get("cdp_task_sessions", []),
                             cdp_policies=evidence.get("cdp_policies"), failover_plans=plans)
    return {"failover_plans": judged_plans(plans, statuses), "not_judged": evidence["not_judged"]}


def judged_plans(plans: list[dict[str, Any]], statuses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each plan record with its judgement (verdict._plans.judge_plans) laid over it: ready,
    held_back_by and message per plan, and each VM's record with its status."""
    by_id = {status["id"]: status for status in judge_plans(plans, statuses)}
    judged = []
    for plan in plans:
        status = by_id[plan["id"]]
        records = {(vm["order"], plan_vm_name(vm)): vm for vm in plan["vms"]}
        # The judgement names a VM by plan_vm_name; the record's own name is kept.
        vms = [{**vm, **records.get((vm.get("order"), vm.get("name")), {})} for vm in status["vms"]]
        judged.append({**plan, **status, "vms": vms})
    return judged
