# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which RPO a VM is judged on, and on which evidence, when CDP may protect it.

By default (cdp_rpo_source 'policy') a VM a CDP policy protects is judged on its policy's own
RPO (PolicyScheduleOptions/RecoveryPointObjective*): an rpo_by_job entry that names (or whose
pattern matches) the policy overrides it, and without the policy (not read: a Portal User
may not read CDP policies) the general RPO applies. With 'option' the user's rpo and
rpo_by_job apply to every VM. A VM with both kinds of evidence is measured from the newer of
its replica evidence and its newest good CDP session. Pure functions, no I/O.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._records import parse_record_time
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._cdp import sla
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._evidence import read_choice

CDP_RPO_SOURCES = ("policy", "option")
POLICY, OPTION = CDP_RPO_SOURCES
CDP_SESSION, CDP_RUNNING = "cdp_session", "cdp_running"
POLICY_SESSION_SECONDS = 24 * 3600  # a CDP policy session lasts 24 hours (VBR user guide, cdp_session)


def read_cdp_rpo_source(value: Any) -> str:
    """The cdp_rpo_source option: 'policy' (the default, for None) or 'option'; ConfigurationError otherwise."""
    return read_choice(value, "cdp_rpo_source", CDP_RPO_SOURCES)


def vm_rpo(summary: Mapping[str, Any], rpo: timedelta | None, rpo_by_job: Mapping[str, timedelta],
           cdp_rpo_source: str = POLICY) -> tuple[timedelta | None, str | None]:
    """(the RPO a VM is judged on, where it came from: 'policy', 'option' or None without one).

    `rpo_by_job` is resolved to exact job and policy names (_rpo.job_rpos)."""
    policy = summary.get("cdp") or {}
    policy_name = policy.get("policy_name")
    if policy and cdp_rpo_source == POLICY:
        if policy_name in rpo_by_job:
            return rpo_by_job[policy_name], OPTION
        if policy.get("policy_rpo_seconds"):  # 0 (both elements 0) is no RPO: the general one applies
            return timedelta(seconds=policy["policy_rpo_seconds"]), POLICY
    chosen = rpo_by_job.get(summary.get("job_name") or "")
    if chosen is None and policy_name is not None:
        chosen = rpo_by_job.get(policy_name)
    chosen = chosen if chosen is not None else rpo
    return chosen, (OPTION if chosen is not None else None)


def freshest_evidence(summary: Mapping[str, Any], basis: str | None, evidence_time: Any) -> tuple[str | None, Any]:
    """(rpo_basis, evidence time) with the VM's CDP sessions counted: a session still running
    is the freshest state EM knows ('cdp_running', from its creation), unless VBR marks it Failed
    and replica evidence is newer; else its newest good CDP session wins when newer than the
    replica evidence, or when the VM has no other."""
    cdp = summary.get("cdp")
    if not cdp:
        return basis, evidence_time
    if cdp.get("running_since") and (cdp.get("running_result") != "Failed" or evidence_time is None or
                                     parse_record_time(evidence_time) <= parse_record_time(cdp["running_since"])):
        return CDP_RUNNING, cdp["running_since"]
    cdp_time = cdp.get("last_completed_time")
    newer = cdp_time is not None and (
        evidence_time is None or parse_record_time(cdp_time) > parse_record_time(evidence_time))
    return (CDP_SESSION, cdp_time) if basis is None or newer else (basis, evidence_time)


def rpo_state(summary: Mapping[str, Any], basis: str | None, evidence_time: Any, now: datetime,
              rpo: timedelta | None) -> tuple[float | None, bool | None]:
    """(rpo_age_seconds, rpo_breached). Exactly at the RPO is still within it; no evidence is a
    breach. For a CDP session still running the age is that of the session, and the RPO holds
    unless VBR already marks it Failed (past the policy's MarkAsFailed threshold) or it runs
    longer than a policy session (24 hours) plus the RPO: EM then shows no newer state."""
    moment = parse_record_time(evidence_time)
    age = (now - moment).total_seconds() if moment is not None else None
    if rpo is None:
        return age, None
    if basis == CDP_RUNNING:
        cdp = summary.get("cdp") or {}
        too_long = age is None or age > POLICY_SESSION_SECONDS + rpo.total_seconds()
        return age, cdp.get("running_result") == "Failed" or too_long
    return age, age is None or age > rpo.total_seconds()


def cdp_status(summary: Mapping[str, Any], rpo: timedelta | None) -> dict[str, Any] | None:
    """A status's `cdp`: the policy and its sessions, with the SLA share measured against `rpo`
    (the RPO the VM is judged on); None for a VM without CDP evidence."""
    cdp = summary.get("cdp")
    if not cdp:
        return None
    facts = {key: value for key, value in cdp.items() if key != "completed"}
    facts["last_session"] = dict(cdp.get("last_session") or {})
    return {**facts, **sla(cdp.get("completed") or (), rpo.total_seconds() if rpo is not None else None)}
