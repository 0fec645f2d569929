# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which replica task sessions completed since the last poll: the heart of the event source.

A poll asks EM's query service two small questions instead of re-reading a window:

1. the sessions Completed with an EndTime since the previous poll (less OVERLAP, for a clock
   difference between EM and this host and for EM's own collection delay);
2. the sessions running now (InProgress or Pending), whose UIDs are kept.

A session that was running at one poll and is neither running nor among the completions of
the next (EM collected its end late, or wrote a placeholder EndTime) is read again by UID,
so it is never lost because its times are older than the watermark. Every UID is reported
once: the UIDs already reported are kept until no query can return them again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable

from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, TaskSessionQuery, task_filter
from ansible_collections.veeam_em.core.plugins.module_utils._outcome import COMPLETED, RUNNING_STATES
from ansible_collections.veeam_em.core.plugins.module_utils.em._query_filter import All, QueryFilterBuilder
from ansible_collections.veeam_em.core.plugins.module_utils._records import parse_record_time, task_session_record
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import ExactNames
from ansible_collections.veeam_em.core.plugins.module_utils._times import PLACEHOLDER_BEFORE, iso

# EM's clock and this host's may differ, and EM records a session's end only when it next
# collects from the backup server; completions are looked for from this long before the
# previous poll. Sessions seen running are re-checked by UID however late EM records them.
OVERLAP = timedelta(minutes=5)
# UIDs per re-check query: keeps the URL far below HTTP.sys's 16 KB request line.
RECHECK_CHUNK = 40
# Job sessions whose names are remembered between polls; beyond this the memory starts over.
KNOWN_JOBS_LIMIT = 5000


@dataclass(frozen=True)
class SessionScope:
    """The exact names a source is limited to (the selection's part EM applies, so nothing is
    selected again here), and the results it reports."""

    names: ExactNames = ExactNames()
    results: tuple[str, ...] = ("Failed", "Warning")

    def query(self, **criteria: Any) -> TaskSessionQuery:
        return TaskSessionQuery(vm_names=self.names.vm_names, job_names=self.names.job_names,
                                backup_servers=self.names.backup_server_names, **criteria)


class CompletionWatch:
    """Completed task sessions, each once, poll after poll; its state survives a restart (to_state)."""

    def __init__(self, scope: SessionScope, floor: datetime, all_results: bool = False) -> None:
        self.scope = scope
        self.floor = floor  # nothing that ended before this is reported: the start, or `since`
        self.all_results = all_results  # the RPO judgement needs successes too
        self.watermark: datetime | None = None  # start of the last successful poll
        self.reported: dict[str, str] = {}  # UID -> end time (or the poll's time), to prune by
        self.running: set[str] = set()
        self.known_jobs: dict[str, dict[str, Any]] = {}

    def since(self) -> datetime:
        """The earliest EndTime the next poll asks for."""
        if self.watermark is None:
            return self.floor
        return max(self.floor, self.watermark - OVERLAP)

    def poll(self, api: EmApi, now: datetime) -> list[dict[str, Any]]:
        """The sessions completed since the last poll and not reported yet, as the module's
        records, oldest first (every result when all_results, else only the scope's)."""
        if len(self.known_jobs) > KNOWN_JOBS_LIMIT:
            self.known_jobs = {}
        since = self.since()
        # EM's filter takes whole seconds, rounded down: what ended in the second before `since`
        # comes too, and is dropped here, or it would come back after being forgotten.
        completed = [task for task in api.task_sessions_where(self._completed_filter(since), self.known_jobs)
                     if task.get("end_time") is not None and task["end_time"] >= since]
        running_now = {task["uid"] for task in api.task_sessions_where(self._running_filter())}
        found = {task["uid"] for task in completed}
        late = sorted(self.running - running_now - found)
        completed += self._recheck(api, late)
        self.running = running_now
        fresh = [task_session_record(task) for task in completed if task["uid"] not in self.reported]
        fresh = [record for record in fresh if record["result"] is not None]  # still running: not yet
        for record in fresh:
            self.reported[record["uid"]] = record["end_time"] or iso(now)
        self.watermark = now
        self._forget_before(self.since())
        return sorted(fresh, key=_ended)

    def wanted(self, record: dict[str, Any]) -> bool:
        """Whether a completion is reported as an event (its result is one of the scope's)."""
        return record["result"] in self.scope.results

    def _completed_filter(self, since: datetime) -> Any:
        build = QueryFilterBuilder("ReplicaTaskSession")
        results = () if self.all_results else self.scope.results
        names = task_filter(self.scope.query(results=results))
        parts = [names] if names is not None else []
        if not results:
            parts.append(build.compare("State", "==", COMPLETED))
        parts.append(build.compare("EndTime", ">=", since))
        return All(*parts)

    def _running_filter(self) -> Any:
        return task_filter(self.scope.query(states=RUNNING_STATES))

    def _recheck(self, api: EmApi, uids: list[str]) -> list[dict[str, Any]]:
        """The sessions among `uids` that are Completed now (a vanished UID is simply dropped)."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(uids), RECHECK_CHUNK):
            chunk = tuple(uids[start:start + RECHECK_CHUNK])
            tasks = api.task_sessions_where(task_filter(TaskSessionQuery(ids=chunk)), self.known_jobs)
            found += [task for task in tasks if task.get("state") == COMPLETED]
        results = None if self.all_results else set(self.scope.results)
        return [task for task in found if results is None or task.get("result") in results]

    def _forget_before(self, since: datetime) -> None:
        # A UID that ended before the next query's start can only come back by re-check,
        # and a reported session is no longer running: it is safe to forget.
        self.reported = {uid: ended for uid, ended in self.reported.items()
                         if (parse_record_time(ended) or since) >= since}

    def to_state(self) -> dict[str, Any]:
        return {"floor": iso(self.floor), "watermark": iso(self.watermark),
                "reported": dict(self.reported), "running": sorted(self.running)}

    def restore(self, state: dict[str, Any]) -> None:
        """Take over a saved state (ConfigurationError-free: the state file reader checked its shape)."""
        self.floor = parse_record_time(state["floor"]) or self.floor
        self.watermark = parse_record_time(state.get("watermark"))
        self.reported = dict(state.get("reported") or {})
        self.running = set(_strings(state.get("running")))


def _strings(values: Iterable[Any] | None) -> list[str]:
    return [value for value in values or () if isinstance(value, str)]


def _ended(record: dict[str, Any]) -> datetime:
    # By time, not text: ISO spellings with and without a fraction do not sort as text.
    return parse_record_time(record["end_time"]) or PLACEHOLDER_BEFORE
