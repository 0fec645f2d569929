# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM's replica resources: task sessions, job sessions, backup servers, replica restore
points, replication jobs and the objects they include.

Task sessions are read with one paged query; the job name of each is joined from one
paged job-session query over the same window (plus by-id reads for the few job sessions
that started before the window), never with a request per task session.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator, TypeVar

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_protection import ProtectionReads
from ansible_collections.veeam_em.core.plugins.module_utils.em._query_filter import All, QueryFilterBuilder
from ansible_collections.veeam_em.core.plugins.module_utils._outcome import COMPLETED
from ansible_collections.veeam_em.core.plugins.module_utils.em._paging import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_PAGE_SIZE,
    iter_pages,
    query_all,
)

# A job session starts before its tasks; reading job sessions from this long before the
# first task finds nearly all of them in the bulk query.
JOB_SESSION_LEAD = timedelta(days=1)
TASK_UID_PREFIX = "urn:veeam:ReplicaTaskSession:"
T = TypeVar("T")


@dataclass(frozen=True)
class TaskSessionQuery:
    """What to read; every criterion is applied by EM's query service."""

    ids: tuple[str, ...] = ()
    vm_names: tuple[str, ...] = ()
    job_names: tuple[str, ...] = ()
    backup_servers: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    sort_field: str = "CreationTime"
    descending: bool = True
    limit: int | None = None


@dataclass(frozen=True)
class PointQuery:
    """Which replica restore points to read; every criterion is applied by EM's query service."""

    vm_names: tuple[str, ...] = ()
    backup_servers: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    descending: bool = True
    limit: int | None = None


def point_filter(query: PointQuery) -> Any:
    build = QueryFilterBuilder("VmReplicaPoint")
    parts = [build.equals_any(field, values)
             for field, values in (("VmDisplayName", query.vm_names), ("BackupServerName", query.backup_servers))
             if values]
    if query.created_after is not None:
        parts.append(build.compare("CreationTime", ">=", query.created_after))
    if query.created_before is not None:
        parts.append(build.compare("CreationTime", "<=", query.created_before))
    return All(*parts) if parts else None


def task_uid(identifier: str) -> str:
    """A task session's UID from its UID or the GUID in its URL."""
    return identifier if identifier.startswith("urn:") else TASK_UID_PREFIX + identifier


def task_filter(query: TaskSessionQuery) -> Any:
    build = QueryFilterBuilder("ReplicaTaskSession")
    parts = [
        build.equals_any(field, values)
        for field, values in (
            ("UID", [task_uid(i) for i in query.ids]), ("VmDisplayName", query.vm_names),
            ("JobName", query.job_names), ("BackupServerName", query.backup_servers),
            ("Result", query.results), ("State", query.states),
        )
        if values
    ]
    if query.results:
        # EM fills Result before a task ends; only a Completed task has one (_outcome).
        parts.append(build.compare("State", "==", COMPLETED))
    if query.created_after is not None:
        parts.append(build.compare("CreationTime", ">=", query.created_after))
    if query.created_before is not None:
        parts.append(build.compare("CreationTime", "<=", query.created_before))
    return All(*parts) if parts else None


class EmApi(ProtectionReads):
    """Enterprise Manager's API as the collection reads it: replica task sessions (with their
    job names joined) and backup servers, over one logged-on session, pages read concurrently;
    CDP policies and sessions and failover plans (ProtectionReads) the same way."""

    def __init__(self, session: Any, page_size: int = DEFAULT_PAGE_SIZE, max_concurrency: int = DEFAULT_MAX_CONCURRENCY) -> None:
        self.session = session
        self.page_size = page_size
        self.max_concurrency = max_concurrency
        self._all_servers: list[dict[str, Any]] | None = None

    def _query(
        self, query_type: str, expression: Any, converter: Any, sort: dict[str, str] | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"type": query_type, "format": "Entities", **(sort or {})}
        if expression is not None:
            params["filter"] = expression.render()
        return query_all(
            self.session, params, converter, limit, page_size=self.page_size, max_concurrency=self.max_concurrency
        )

    def _query_pages(self, query_type: str, expression: Any, converter: Any,
                     sort: dict[str, str]) -> Iterator[list[dict[str, Any]]]:
        params: dict[str, Any] = {"type": query_type, "format": "Entities", **sort}
        if expression is not None:
            params["filter"] = expression.render()
        return iter_pages(self.session, params, converter, self.page_size, self.max_concurrency)

    def replica_points(self, query: PointQuery) -> list[dict[str, Any]]:
        """VM replica restore points, sorted by creation time, at most query.limit of them."""
        sort = {"sortDesc" if query.descending else "sortAsc": "CreationTime"}
        return self._query("VmReplicaPoint", point_filter(query), codec.replica_point, sort, query.limit)

    def iter_replica_points(self, query: PointQuery) -> Iterator[list[dict[str, Any]]]:
        """The same page by page, for callers that fold them without keeping them."""
        yield from self._query_pages("VmReplicaPoint", point_filter(query), codec.replica_point,
                                     {"sortDesc": "CreationTime"})

    def replication_jobs(self, backup_servers: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """The replication jobs (JobType Replica) with their schedule state and next run."""
        build = QueryFilterBuilder("Job")
        parts = [build.compare("JobType", "==", "Replica")]
        if backup_servers:
            parts.append(build.equals_any("BackupServerName", backup_servers))
        if names:
            parts.append(build.equals_any("Name", names))
        return self._query("Job", All(*parts), codec.job, {"sortAsc": "Name"})

    def job_includes(self, job_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """{job id: the objects it includes}: one request per job, at most max_concurrency at a time."""
        return self._each(job_ids, lambda job_id: codec.list_items(
            self.session.get(f"jobs/{job_id}/includes"), "ObjectsInJob", codec.object_in_job))

    def _each(self, ids: list[str], read: Callable[[str], T]) -> dict[str, T]:
        """{id: read(id)} for requests by id, at most max_concurrency at a time, in the order of `ids`."""
        if not ids:
            return {}
        with ThreadPoolExecutor(max_workers=max(1, min(self.max_concurrency, len(ids)))) as pool:
            return dict(zip(ids, pool.map(read, ids)))

    def backup_servers(self, names: tuple[str, ...] = (), ids: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        build = QueryFilterBuilder("BackupServer")
        parts = []
        if names:
            parts.append(build.equals_any("Name", names))
        if ids:
            parts.append(build.equals_any("UID", [i if i.startswith("urn:") else f"urn:veeam:BackupServer:{i}" for i in ids]))
        return self._query("BackupServer", All(*parts) if parts else None, codec.backup_server, {"sortAsc": "Name"})

    def all_backup_servers(self) -> list[dict[str, Any]]:
        """Every backup server EM knows, read once per EmApi: the name join and the check of
        the backup server names a user gave share this one query."""
        if self._all_servers is None:
            self._all_servers = self.backup_servers()
        return self._all_servers

    def job_sessions(self, job_uids: tuple[str, ...], created_after: datetime | None = None,
                     limit: int | None = None) -> list[dict[str, Any]]:
        """The runs (replica job sessions) of these jobs, by the jobs' UIDs, newest first; with
        `created_after` only those created then or later, with `limit` at most that many.

        What a caller acting on a job reads: whether a run is going (State not Stopped), how
        the last one ended, and which run a start made [get_query_replicajobsession].
        """
        build = QueryFilterBuilder("ReplicaJobSession")
        parts = [build.equals_any("JobUid", job_uids)]
        if created_after is not None:
            parts.append(build.compare("CreationTime", ">=", created_after))
        return self._query("ReplicaJobSession", All(*parts), codec.job_session, {"sortDesc": "CreationTime"}, limit)

    def task_sessions(self, query: TaskSessionQuery) -> list[dict[str, Any]]:
        """Task sessions with job_name and backup_server_name filled for every record.

        The job sessions are read after the task sessions, over just the time the tasks
        span: the cheapest join when a few tasks match a narrow filter.
        """
        sort = {"sortDesc" if query.descending else "sortAsc": query.sort_field}
        tasks = self._query("ReplicaTaskSession", task_filter(query), codec.task_session, sort, query.limit)
        times = [task["creation_time"] for task in tasks if task["creation_time"] is not None]
        if tasks:
            # Tasks whose creation time was a placeholder are joined by id (_join_names).
            first, last = (min(times), max(times)) if times else (None, None)
            jobs = self._job_sessions_between(first, last, query) if times else {}
            self._join_names(tasks, jobs)
        return tasks

    def iter_task_sessions(self, query: TaskSessionQuery) -> Iterator[list[dict[str, Any]]]:
        """The same records page by page, for callers that fold them without keeping them.

        The job sessions of the window are read first (one paged query), so each page is
        joined as it arrives; the caller must give created_after, or every job session of
        the history is read.
        """
        jobs = self._job_sessions_between(query.created_after, query.created_before, query)
        sort = {"sortDesc" if query.descending else "sortAsc": query.sort_field}
        for page in self._query_pages("ReplicaTaskSession", task_filter(query), codec.task_session, sort):
            self._join_names(page, jobs)
            yield page

    def task_sessions_where(self, expression: Any, known_jobs: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """Task sessions matching a filter the caller built, oldest first.

        With `known_jobs` (job sessions by UID, kept by the caller from call to call and
        filled here) the job names are joined, reading by id only the job sessions not yet
        known: a caller that polls pays for each job session once, not for a window per call.
        """
        tasks = self._query("ReplicaTaskSession", expression, codec.task_session, {"sortAsc": "CreationTime"})
        if known_jobs is not None and tasks:
            self._join_names(tasks, known_jobs)
        return tasks

    def _job_sessions_between(self, first: datetime | None, last: datetime | None,
                              query: TaskSessionQuery) -> dict[str, dict[str, Any]]:
        """Job sessions by UID that may own tasks created between first and last."""
        build = QueryFilterBuilder("ReplicaJobSession")
        parts = []
        if first is not None:
            parts.append(build.compare("CreationTime", ">=", first - JOB_SESSION_LEAD))
        if last is not None:
            parts.append(build.compare("CreationTime", "<=", last))
        if query.job_names:
            parts.append(build.equals_any("JobName", query.job_names))
        if query.backup_servers:
            parts.append(build.equals_any("BackupServerName", query.backup_servers))
        expression = All(*parts) if parts else None
        return {job["uid"]: job for job in self._query("ReplicaJobSession", expression, codec.job_session)}

    def _join_names(self, tasks: list[dict[str, Any]], jobs: dict[str, dict[str, Any]]) -> None:
        """Fill job_name (reading by id the few job sessions `jobs` lacks) and server names."""
        missing = sorted({task["job_session_id"] for task in tasks if task["job_session_uid"] not in jobs})
        for job in self._job_sessions_by_id(missing):
            jobs[job["uid"]] = job
        for task in tasks:
            job = jobs.get(task["job_session_uid"])
            task["job_name"] = job["job_name"] if job else None
        self._join_server_names(tasks)

    def _job_sessions_by_id(self, ids: list[str]) -> list[dict[str, Any]]:
        return list(self._each(ids, lambda job_id: codec.job_session(
            self.session.get(f"replicaSessions/{job_id}", {"format": "Entity"}))).values())

    def _join_server_names(self, tasks: list[dict[str, Any]]) -> None:
        # The task's own link names its server; read the servers (once) only if a link had no name.
        if all(task.get("backup_server_name") for task in tasks):
            return
        names = {server["id"]: server["name"] for server in self.all_backup_servers()}
        for task in tasks:
            if not task.get("backup_server_name"):
                task["backup_server_name"] = names.get(task.get("backup_server_id"))
