# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-VM replica status from task sessions: pure functions, no I/O.

The statuses that _judgement judges for the replica_status filter, the replicas inventory
and the replica_compliance role. Input records have the keys replica_task_session_info returns,
with times as ISO 8601 text (the module's records) or aware datetimes (the inventory's, which
are never turned into text and parsed back); sessions are folded one at a time, so a caller can stream
them without keeping them. A status is computed in two steps: a summary per VM of what
its sessions say (summaries()), then its age and RPO state at a moment
(status_from_summary()); the inventory caches the summaries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._cdp_status import (
    CDP_RUNNING,
    POLICY,
    cdp_status,
    freshest_evidence,
    rpo_state,
    vm_rpo as _vm_rpo,
)
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._coverage import coverage_facts
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._evidence import DEFAULT_RPO_BASIS, PointFold, evidence
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._history import History, evidence_times
from ansible_collections.veeam_em.core.plugins.module_utils._outcome import (
    is_running,
    real_time,
    settle,
    settled_result,
)
from ansible_collections.veeam_em.core.plugins.module_utils._records import parse_record_time
from ansible_collections.veeam_em.core.plugins.module_utils._times import PLACEHOLDER_BEFORE, iso

# A Warning still produced the replica restore point; only Failed did not.
SUCCESS_RESULTS = ("Success", "Warning")


@dataclass
class _Fold:
    """What is known of one VM on one backup server after some of its sessions.

    Sessions may come in any order; only failures newer than the best success so far are
    remembered, so memory stays per VM, not per session.
    """

    latest: dict[str, Any] | None = None
    latest_time: datetime | None = None
    last_result: str | None = None
    last_result_time: datetime | None = None
    last_success_time: datetime | None = None
    # The last Success alone: with restore points read, a Warning is no proof of a new point.
    last_clean_success_time: datetime | None = None
    failures_since_success: list[datetime] = field(default_factory=list)
    job_names: set[str] = field(default_factory=set)
    count: int = 0
    sessions: list[dict[str, Any]] | None = None
    # Kept only when the judgements over the window are asked for (StatusBuilder.keep_history):
    # it grows with the sessions, and the inventory's cache otherwise grows with VMs alone.
    history: History | None = None

    def add(self, record: Mapping[str, Any], created: datetime | None, keep: bool) -> None:
        """Fold one record; `created` is its real creation time (None for a placeholder)."""
        self.count += 1
        if record.get("job_name"):
            self.job_names.add(record["job_name"])
        newest = self.latest is None or (created is not None and (self.latest_time is None or created > self.latest_time))
        if keep or newest:
            settled = settled_record(record)  # once per record, kept or latest or both
            if keep:
                self.sessions = self.sessions if self.sessions is not None else []
                self.sessions.append(settled)
            if newest:
                self.latest, self.latest_time = settled, created
        if self.history is not None and created is not None:
            self.history.seen(created)
        result = settled_result(record.get("state"), record.get("result"))
        if result is None or created is None:
            return  # not completed, or of unknown time: it proves nothing about the RPO
        if self.last_result_time is None or created > self.last_result_time:
            self.last_result, self.last_result_time = result, created
        if result == "Success" and (self.last_clean_success_time is None or created > self.last_clean_success_time):
            self.last_clean_success_time = created
        if result in SUCCESS_RESULTS:
            if self.history is not None:
                self.history.add(record, created)
            if self.last_success_time is None or created > self.last_success_time:
                self.last_success_time = created
                self.failures_since_success = [when for when in self.failures_since_success if when > created]
        elif result == "Failed" and (self.last_success_time is None or created > self.last_success_time):
            self.failures_since_success.append(created)


def settled_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a task session record with _outcome's rules applied (records from the
    module already obey them; records from elsewhere may not)."""
    outcome = settle(record.get("state"), record.get("result"), parse_record_time(record.get("creation_time")),
                     parse_record_time(record.get("end_time")))
    return {
        **record,
        "result": outcome.result,
        # The caller's own spelling of a real time is kept; a placeholder becomes null.
        "creation_time": record.get("creation_time") if outcome.creation_time else None,
        "end_time": record.get("end_time") if outcome.end_time else None,
        "duration_seconds": outcome.duration_seconds,
    }


class StatusBuilder:
    """Fold task sessions (add()) and restore points (add_point()) into per-VM summaries
    (summaries()); _fold.VmFold selects what is added.

    points_read says that the caller read the restore points of the window: a VM without one
    then has none (restore_points 0), rather than unknown (None).
    """

    def __init__(self, include_sessions: bool = False, points_read: bool = False, keep_history: bool = False) -> None:
        self.include_sessions = include_sessions
        self.points_read = points_read
        self.keep_history = keep_history
        self._folds: dict[tuple[str | None, str | None], _Fold] = {}
        self._points: dict[tuple[str | None, str | None], PointFold] = {}
        self._servers: dict[str | None, str | None] = {}
        self._point_server_ids: dict[tuple[str | None, str | None], str | None] = {}

    def add_point(self, record: Mapping[str, Any]) -> None:
        """Fold one restore point (a replica_point_info record, or the client's raw one)."""
        key = (record.get("backup_server_id") or record.get("backup_server_name"), record.get("vm_name"))
        self._servers.setdefault(key[0], record.get("backup_server_name"))
        self._point_server_ids.setdefault(key, record.get("backup_server_id"))
        self._points.setdefault(key, PointFold(keep_times=self.keep_history)).add(real_time(parse_record_time(record.get("creation_time"))))

    def add(self, record: Mapping[str, Any]) -> None:
        created = real_time(parse_record_time(record.get("creation_time")))
        key = (record.get("backup_server_id") or record.get("backup_server_name"), record.get("vm_name"))
        self._servers[key[0]] = record.get("backup_server_name")
        fold = self._folds.get(key)
        if fold is None:
            fold = self._folds[key] = _Fold(history=History() if self.keep_history else None)
        fold.add(record, created, self.include_sessions)

    def summaries(self) -> list[dict[str, Any]]:
        """One summary per (backup server, VM), in status order: what the sessions say, not how old it is.

        Nothing in it depends on the moment of asking, and it is plain JSON data (but for a
        kept history's datetimes: _history.history_as_text), so a cache can keep it (one per
        VM, however many sessions) and status_from_summary ages it later.
        """
        # A VM with points but no session in the window is still a replicated VM.
        keys = list(self._folds) + [key for key in self._points if key not in self._folds]
        summaries = [self._summary(key) for key in keys]
        # Sorted so the same sessions give the same list whatever order they came in.
        return sorted(summaries, key=status_order)

    def _summary(self, key: tuple[str | None, str | None]) -> dict[str, Any]:
        summary = _summary(self._folds.get(key) or _Fold(), self._servers[key[0]], key[1])
        points = self._points.get(key, PointFold())
        summary["backup_server_id"] = summary["backup_server_id"] or self._point_server_ids.get(key)
        summary["last_point_time"] = iso(points.newest)
        summary["restore_points"] = points.count if self.points_read else None
        history = (self._folds.get(key) or _Fold(history=History())).history
        kept = self.keep_history and history is not None
        summary["evidence_times"] = evidence_times(points.times if self.points_read else None, history) if kept else None
        summary["runs"] = history.ordered_runs() if kept else None
        summary["first_seen_time"] = history.first_seen if kept else None
        return summary


def status_order(record: Mapping[str, Any]) -> tuple[str, str, str]:
    return (record["backup_server_name"] or "", record["vm_name"] or "", record["backup_server_id"] or "")


def _summary(fold: _Fold, server_name: str | None, vm_name: str | None) -> dict[str, Any]:
    latest = fold.latest or {}
    summary = {
        "vm_name": vm_name,
        "backup_server_id": latest.get("backup_server_id"),
        "backup_server_name": server_name,
        "job_name": latest.get("job_name"),
        "job_names": sorted(fold.job_names),
        "latest_session": _session_summary(latest),
        "last_result": fold.last_result,
        "last_success_time": iso(fold.last_success_time),
        "last_clean_success_time": iso(fold.last_clean_success_time),
        "consecutive_failures": len(fold.failures_since_success),
        "running": is_running(latest.get("state")),
        "session_count": fold.count,
    }
    if fold.sessions is not None:
        # Newest first by time, not by text: a caller's ISO spellings need not sort as text.
        ordered = sorted(fold.sessions, key=_created_or_oldest, reverse=True)
        summary["sessions"] = [_with_text_times(session) for session in ordered]
    return summary


def status_from_summary(summary: Mapping[str, Any], now: datetime, rpo: timedelta | None = None,
                        rpo_by_job: Mapping[str, timedelta] | None = None,
                        basis: str = DEFAULT_RPO_BASIS, cdp_rpo_source: str = POLICY) -> dict[str, Any]:
    """A VM's status at `now` from its summary: the ages of its last success and newest
    restore point, and its RPO state judged on the evidence `basis` asks for (_evidence) or
    its newest good CDP session, against its RPO (_cdp_status.vm_rpo)."""
    last_success = parse_record_time(summary["last_success_time"])
    last_point = parse_record_time(summary.get("last_point_time"))
    rpo_basis, evidence_key = evidence(summary, basis)
    rpo_basis, evidence_time = freshest_evidence(summary, rpo_basis, summary.get(evidence_key) if evidence_key else None)
    vm_rpo, rpo_source = _vm_rpo(summary, rpo, rpo_by_job or {}, cdp_rpo_source)
    rpo_age, rpo_breached = rpo_state(summary, rpo_basis, evidence_time, now, vm_rpo)
    # Fresh containers, in the key order statuses always had: a caller may change a status
    # (the inventory's host vars) while its summary is still to be cached.
    status = {
        "vm_name": summary["vm_name"],
        "backup_server_id": summary["backup_server_id"],
        "backup_server_name": summary["backup_server_name"],
        "job_name": summary["job_name"],
        "job_names": list(summary["job_names"]),
        "latest_session": dict(summary["latest_session"]),
        "last_result": summary["last_result"],
        "last_success_time": summary["last_success_time"],
        "last_success_age_seconds": _age(now, last_success),
        "consecutive_failures": summary["consecutive_failures"],
        "running": summary["running"],
        # A CDP chain replicating now (its first session still running, VBR marking nothing) has succeeded.
        "never_succeeded": last_success is None and last_point is None and not (
            rpo_basis == CDP_RUNNING and (summary.get("cdp") or {}).get("running_result") != "Failed"),
        "session_count": summary["session_count"],
        "last_point_time": summary.get("last_point_time"),
        "last_point_age_seconds": _age(now, last_point),
        "restore_points": summary.get("restore_points"),
        "rpo_basis": rpo_basis,
        "rpo_evidence_time": evidence_time,
        "rpo_age_seconds": rpo_age,
        "rpo_seconds": vm_rpo.total_seconds() if vm_rpo is not None else None,
        "rpo_breached": rpo_breached,
        "rpo_source": rpo_source,
        "protection": list(summary.get("protection", ["replica"])),
        "cdp": cdp_status(summary, vm_rpo),
        "failover_plans": [dict(member) for member in summary.get("failover_plans") or ()],
    }
    status.update(coverage_facts(summary, now))
    status["not_judged"] = [dict(entry) for entry in summary.get("not_judged") or ()]
    if "sessions" in summary:
        status["sessions"] = [dict(session) for session in summary["sessions"]]
    return status


def _age(now: datetime, then: datetime | None) -> float | None:
    return (now - then).total_seconds() if then is not None else None


def statuses_from_summaries(summaries: Iterable[Mapping[str, Any]], now: datetime, rpo: timedelta | None = None,
                            rpo_by_job: Mapping[str, timedelta] | None = None,
                            basis: str = DEFAULT_RPO_BASIS, cdp_rpo_source: str = POLICY) -> list[dict[str, Any]]:
    """The statuses of summaries at `now`, sorted by server name, VM name, server id (as statuses())."""
    return sorted((status_from_summary(summary, now, rpo, rpo_by_job, basis, cdp_rpo_source) for summary in summaries),
                  key=status_order)


def _session_summary(record: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("id", "creation_time", "end_time", "state", "result", "reason", "duration_seconds", "total_size", "job_name")
    return _with_text_times({key: record.get(key) for key in keys})


def _with_text_times(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record with datetime times as ISO text: summaries are plain JSON data (the cache keeps them;
    only a kept history's many times stay datetimes, _history).

    Records from the inventory carry datetimes (turned into text here, once per kept
    session); records from the module already carry text, kept as the caller spelt it.
    """
    return {**record, **{key: iso(record[key]) for key in ("creation_time", "end_time")
                         if isinstance(record.get(key), datetime)}}


def _created_or_oldest(record: Mapping[str, Any]) -> datetime:
    return parse_record_time(record.get("creation_time")) or PLACEHOLDER_BEFORE
