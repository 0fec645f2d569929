# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CDP evidence joined to the per-VM summaries of the one fold (_fold.VmFold).

A VM both replicated and CDP-protected is one summary with both kinds of evidence
(`protection` ["cdp", "replica"]); a VM only a CDP policy protects gets a summary of its own
whose job is its policy (so rpo_by_job, the job groups and the reports' job column name the
policy) and whose schedule is the policy's. A VM a policy includes with no CDP session in the
window is never replicated, as an object a replication job includes is. Pure functions over
plain data (JSON but for a kept history's datetimes, _history), no I/O.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._outcome import is_running
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._cdp import (
    CDP,
    REPLICA,
    policies_by_vm,
    policy_facts,
    vm_key,
    without_sessions,
)
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._coverage import summary_without_sessions


def with_cdp(summaries: Iterable[dict[str, Any]], cdp: Mapping[tuple[Any, Any], Mapping[str, Any]],
             policies: Iterable[Mapping[str, Any]] | None, keep_history: bool = False) -> list[dict[str, Any]]:
    """The summaries with `protection` and `cdp` (None for a VM without CDP evidence), plus one
    summary per VM that only CDP protects. `cdp` is CdpFold.summaries(); `policies` are
    cdp_policy_record's with their includes (None: not read, so no policy RPO is known);
    `keep_history` as the fold's: a VM only CDP sessions protect then has an (empty) replica
    history too, so its SLA over the window is measured on those sessions (_period); a VM with
    no session of either kind has no SLA, as a replicated VM never replicated has none."""
    policies = list(policies or ())
    named = {(policy.get("backup_server_id"), policy.get("name")): policy for policy in policies}
    included = policies_by_vm(policies)
    merged, seen = [], set()
    for summary in summaries:
        key = vm_key(summary)
        seen.add(key)
        facts = _cdp_facts(cdp.get(key), included.get((summary.get("backup_server_id"), summary.get("vm_name"))), named)
        merged.append({**summary, "protection": [CDP, REPLICA] if facts else [REPLICA], "cdp": facts})
    for key, vm in cdp.items():
        if key not in seen:
            seen.add(key)
            merged.append(_cdp_only(vm, _cdp_facts(vm, included.get((vm.get("backup_server_id"), vm["vm_name"])), named)))
    for (server_id, name), policy in included.items():
        if not any(key in seen for key in ((server_id, name), (policy.get("backup_server_name"), name))):
            seen.add((server_id, name))
            merged.append(_cdp_only(_no_session(policy, name), _cdp_facts(None, policy, named)))
    return [_with_empty_history(summary) for summary in merged] if keep_history else merged


def _with_empty_history(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary kept without replica history (a CDP-only VM's) with an empty one, when it has CDP sessions."""
    if summary.get("evidence_times") is None and (summary.get("cdp") or {}).get("sessions"):
        summary.update(evidence_times=[], runs=[], first_seen_time=None)
    return summary


def _cdp_facts(vm: Mapping[str, Any] | None, included_in: Mapping[str, Any] | None,
               named: Mapping[tuple[Any, Any], Mapping[str, Any]]) -> dict[str, Any] | None:
    """A VM's `cdp`: its folded sessions and its policy's facts; None without either."""
    if vm is None and included_in is None:
        return None
    vm = vm or _no_session(included_in or {}, None)
    policy = named.get((vm.get("backup_server_id"), vm.get("policy_name"))) or included_in
    facts = {key: value for key, value in vm.items() if key not in ("vm_name", "backup_server_id", "backup_server_name")}
    if policy is not None:
        facts["policy_name"] = policy.get("name")
    return {**facts, **policy_facts(policy), "policy_next_run": (policy or {}).get("next_run")}


def _no_session(policy: Mapping[str, Any], vm_name: str | None) -> dict[str, Any]:
    return without_sessions(vm_name, policy.get("backup_server_id"), policy.get("backup_server_name"), policy.get("name"))


def _cdp_only(vm: Mapping[str, Any], facts: dict[str, Any] | None) -> dict[str, Any]:
    """A summary for a VM only CDP protects: the policy is its job."""
    facts = facts or {}
    policy = facts.get("policy_name") or vm.get("policy_name")
    latest = {**(vm.get("last_session") or {}), "job_name": policy} if vm.get("last_session") else {}
    return summary_without_sessions(
        vm["vm_name"], vm.get("backup_server_id"), vm.get("backup_server_name"),
        job_name=policy, job_names=[policy] if policy else [], latest_session=latest, last_result=vm.get("last_result"),
        last_success_time=vm.get("last_completed_time"), last_clean_success_time=vm.get("last_completed_time"),
        consecutive_failures=_failures_since_good(vm.get("completed") or ()), running=is_running(latest.get("state")),
        session_count=vm.get("sessions") or 0, never_replicated=not vm.get("sessions"),
        object_type="Vm" if not vm.get("sessions") else None,
        job_schedule_enabled=facts.get("policy_enabled"), job_next_run=facts.get("policy_next_run"),
        protection=[CDP], cdp=facts or None)


def _failures_since_good(completed: Iterable[Iterable[Any]]) -> int:
    """How many completed sessions failed since the newest that did not (oldest first in)."""
    count = 0
    for _begun, _end, result in completed:
        count = count + 1 if result == "Failed" else 0
    return count
