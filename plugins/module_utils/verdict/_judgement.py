# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-VM judgement: statuses (_status) with RPOs (_rpo), findings (_findings) and
messages (_messages), of the summaries of the one fold (_fold). The replica_status filter
(and so the replica_compliance role), the replicas inventory and the event source call
these functions, so they judge the same data alike.

Pure functions over records and summaries, no I/O; times are datetimes.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Iterable

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._findings import findings_of
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._messages import findings_message, formatted_values
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._rpo import job_rpos
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._fold import VmFold
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import Selection, read_selection
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._status import status_from_summary, status_order
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._period import period_facts
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waivers import apply_waivers
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._criteria import Criteria, read_criteria  # noqa: F401 (callers import them from here)
from ansible_collections.veeam_em.core.plugins.module_utils._times import parse_moment, read_now


def judge(status: dict[str, Any], fail_on: frozenset[str]) -> dict[str, Any]:
    """The status with `findings` (worst first), `status` (the worst, or 'ok'), `failing`
    (a finding is in fail_on), `message` (the findings for people) and the formatted
    durations of _messages.formatted_values added."""
    findings = findings_of(status)
    status["findings"] = findings
    status["status"] = findings[0] if findings else "ok"
    status["failing"] = any(finding in fail_on for finding in findings)
    status["message"] = findings_message(status, findings)
    status.update(formatted_values(status))
    return status


def judge_summaries(summaries: Iterable[Mapping[str, Any]], now: datetime, criteria: Criteria) -> list[dict[str, Any]]:
    """Judged statuses at `now` of per-VM summaries (StatusBuilder.summaries()), in status order:
    each one's status (_status), its window (_period: SLA, anomalies), its findings, and then
    the waivers (_waivers: every status has waived_findings, waivers and waived)."""
    summaries = list(summaries)
    names = {summary["job_name"] or "" for summary in summaries}
    names.update((summary.get("cdp") or {}).get("policy_name") or "" for summary in summaries)
    overrides = job_rpos(criteria.rpo_by_job, names)
    statuses = []
    for summary in summaries:
        status = status_from_summary(summary, now, criteria.rpo, overrides, criteria.rpo_basis, criteria.cdp_rpo_source)
        status.update(period_facts(summary, status, now, criteria.period))
        statuses.append(judge(status, criteria.fail_on))
    statuses.sort(key=status_order)
    return apply_waivers(statuses, criteria.waivers, now, criteria.fail_on, criteria.em).statuses


def judge_vms(summaries: Iterable[Mapping[str, Any]], now: datetime, criteria: Criteria,
              selection: Selection | None = None) -> list[dict[str, Any]]:
    """The judged statuses at `now` of the VMs the selection keeps (Selection.keeps_vm), from
    VmFold's summaries (fresh or cached): the last step of the one fold, in status order."""
    kept = summaries if selection is None else (summary for summary in summaries if selection.keeps_vm(summary))
    return judge_summaries(kept, now, criteria)


def judge_records(records: Iterable[Mapping[str, Any]], now: datetime, criteria: Criteria,
                  selection: Selection | None = None, include_sessions: bool = False,
                  points: Iterable[Mapping[str, Any]] | None = None,
                  jobs: Iterable[Mapping[str, Any]] | None = None,
                  not_judged: Iterable[Mapping[str, Any]] = (),
                  cdp_sessions: Iterable[Mapping[str, Any]] = (),
                  cdp_policies: Iterable[Mapping[str, Any]] | None = None,
                  failover_plans: Iterable[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Judged statuses at `now` of task session records and, when given, restore point
    records, replication job records with their includes (None: not read), CDP task session
    records, CDP policy records and failover plan records (None: not read), through the one fold (_fold.VmFold, then
    judge_vms); `not_judged` as VmFold.summaries takes it."""
    fold = VmFold(selection, include_sessions, points_read=points is not None,
                  keep_history=criteria.period.include_sla or criteria.period.include_anomalies)
    fold.add_sessions(records).add_points(points or ()).add_cdp_sessions(cdp_sessions)
    summaries = fold.summaries(jobs, not_judged=not_judged, cdp_policies=cdp_policies, failover_plans=failover_plans)
    return judge_vms(summaries, now, criteria, selection)


def replica_statuses(records: Any, rpo: Any = None, rpo_by_job: Any = None, now: Any = None, include: Any = None,
                     exclude: Any = None, fail_on: Any = None, include_sessions: bool = False, points: Any = None,
                     rpo_basis: Any = None, jobs: Any = None, not_judged: Any = None, cdp_sessions: Any = None,
                     cdp_policies: Any = None, cdp_rpo_source: Any = None, failover_plans: Any = None,
                     **window: Any) -> list[dict[str, Any]]:
    """The replica_status filter's contract: option values as users give them, judged statuses out.
    `window` holds the judgements over the window and the waivers (window_start, include_sla,
    include_anomalies, sla_target, anomaly_threshold, anomaly_min_history, waivers, em: read_criteria's).

    ConfigurationError, with a message that names the option, for anything that cannot work.
    """
    moment = read_now(now)
    window["window_start"] = parse_moment(window.get("window_start"), "window_start", moment)
    criteria = read_criteria(rpo, rpo_by_job, fail_on, rpo_basis, cdp_rpo_source, **window)
    return judge_records(records_list(records, "replica task session records (as replica_task_session_info returns them)"),
                         moment, criteria, read_selection(include, exclude), include_sessions=bool(include_sessions),
                         points=_optional(points, "restore point records (as replica_point_info returns them)", "points"),
                         jobs=_optional(jobs, "replication job records (as replication_job_info returns them)", "jobs"),
                         not_judged=records_list(not_judged or [], "entries (as replica_evidence_info returns them)",
                                                 "not_judged: "),
                         cdp_sessions=_optional(cdp_sessions, "CDP task session records (as cdp_policy_info returns "
                                                "them with include_sessions)", "cdp_sessions") or (),
                         cdp_policies=_optional(cdp_policies, "CDP policy records (as cdp_policy_info returns them)",
                                                "cdp_policies"),
                         failover_plans=_optional(failover_plans, "failover plan records (as failover_plan_info returns "
                                                  "them)", "failover_plans"))


def _optional(records: Any, wanted: str, option: str) -> list[Mapping[str, Any]] | None:
    """records_list of an optional argument (None: not read)."""
    return None if records is None else records_list(records, wanted, f"{option}: ")


def records_list(records: Any, wanted: str, option: str = "") -> list[Mapping[str, Any]]:
    """The records as a list; ConfigurationError (after `option`) for anything that is not a list of dicts."""
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Sequence):
        raise ConfigurationError(f"{option}expects a list of {wanted}, got {type(records).__name__}")
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise ConfigurationError(f"{option}record {index} is a {type(record).__name__}, not a dict")
    return list(records)
