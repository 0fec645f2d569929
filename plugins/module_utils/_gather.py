# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bodies of the info modules: options in, normalised records out."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, TypeVar

from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied, ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._records import (
    backup_server_record,
    latest_per_vm,
    replica_point_record,
    replication_job_record,
    task_session_record,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, PointQuery, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils._rights import REPLICATION_JOBS
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso, parse_moment, utc_now
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_judged import (
    JOBS_REFUSED,
    jobs_not_shown,
    require_judged,
)

T = TypeVar("T")
RESULTS = ["Success", "Warning", "Failed"]
STATES = ["InProgress", "Pending", "Completed"]
ORDERS = ["newest_first", "oldest_first"]


def listing_options(params: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The options every listing module shares (the doc fragment veeam_em.core.listing), as
    query criteria: vm_names, backup_servers, created_after, created_before, descending and
    limit (None with latest_per_vm, which is applied after the read).

    ConfigurationError for times that cannot work and a limit below 1.
    """
    after = parse_moment(params.get("created_after"), "created_after", now)
    before = parse_moment(params.get("created_before"), "created_before", now)
    if after and before and after > before:
        raise ConfigurationError(
            f"created_after ({iso(after)}) is later than created_before ({iso(before)}): nothing can match; "
            "swap them or widen the window"
        )
    limit = params.get("limit")
    if limit is not None and limit < 1:
        raise ConfigurationError(f"limit must be 1 or more, not {limit}")
    return {
        "vm_names": tuple(params.get("vm_names") or ()), "backup_servers": tuple(params.get("backup_server_names") or ()),
        "created_after": after, "created_before": before,
        "descending": params.get("order", "newest_first") != "oldest_first",
        "limit": None if params.get("latest_per_vm") else limit,
    }


def task_session_query(params: dict[str, Any], now: datetime) -> TaskSessionQuery:
    """The query the options describe; ConfigurationError for times that cannot work."""
    return TaskSessionQuery(
        ids=tuple(params.get("id") or ()), job_names=tuple(params.get("job_names") or ()),
        results=tuple(params.get("result") or ()), states=tuple(params.get("state") or ()),
        **listing_options(params, now),
    )


def _latest_per_vm(records: list[dict[str, Any]], params: dict[str, Any], descending: bool) -> list[dict[str, Any]]:
    """latest_per_vm and limit applied after the read, in the order asked for."""
    if not params.get("latest_per_vm"):
        return records
    latest = latest_per_vm(records)
    if not descending:
        latest.reverse()
    return latest[: params.get("limit") or None]


def gather_task_sessions(api: EmApi, params: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Task sessions; durations in created_after/_before count back from `now` (default: this second)."""
    query = task_session_query(params, now or utc_now())
    sessions = _latest_per_vm(api.task_sessions(query), params, query.descending)
    return {"replica_task_sessions": [task_session_record(session) for session in sessions]}


def gather_replica_points(api: EmApi, params: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Restore points; `now` as for gather_task_sessions."""
    query = PointQuery(**listing_options(params, now or utc_now()))
    points = _latest_per_vm(api.replica_points(query), params, query.descending)
    return {"replica_points": [replica_point_record(point) for point in points]}


def gather_replication_jobs(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    """Replication jobs, filtered by EM on names and backup server names, with the objects each
    includes when include_objects (one request per job)."""
    jobs = api.replication_jobs(tuple(params.get("backup_server_names") or ()), tuple(params.get("names") or ()))
    if not params.get("include_objects", True):
        return {"replication_jobs": [replication_job_record(job, None) for job in jobs]}
    includes = api.job_includes([job["id"] for job in jobs])
    return {"replication_jobs": [replication_job_record(job, includes[job["id"]]) for job in jobs]}


def gather_backup_servers(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    """Backup servers by name or id; all of them (the query the name checks share) when neither is given."""
    names, ids = tuple(params.get("name") or ()), tuple(params.get("id") or ())
    servers = api.backup_servers(names=names, ids=ids) if names or ids else api.all_backup_servers()
    return {"backup_servers": [backup_server_record(server) for server in servers]}


def gather_replica_evidence(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    """What a compliance check reads, over the one logged-on `api`: the task sessions of the
    window (created_after, created_before, vm_names, job_names, backup_server_names), and with
    include_restore_points the restore points of the same window and names (EM cannot filter
    points by job), with include_replication_jobs the jobs of those names and servers with their
    includes, with include_backup_servers every backup server. A part not included is left out
    of the result (not read), which is not the same as read and empty; not_judged lists what the
    account could not be shown (_jobs_for_coverage). It only reads: a collection first is
    backup_server_collect's (acting/_backup_server_collect)."""
    now = utc_now()  # one moment, so a duration gives the sessions and the points the same window
    evidence = gather_task_sessions(api, params, now)
    if params.get("include_restore_points"):
        evidence.update(gather_replica_points(api, params, now))
    evidence["not_judged"] = []
    if params.get("include_replication_jobs"):
        evidence.update(_jobs_for_coverage(api, params, evidence["replica_task_sessions"]))
    if params.get("include_backup_servers"):
        evidence.update(gather_backup_servers(api, {}))
    return evidence


def unless_jobs_refused(read: Callable[[], T]) -> tuple[T | None, list[dict[str, Any]]]:
    """(read(), []) for a read of the replication jobs (and their includes); (None, [JOBS_REFUSED])
    when EM refused this account the right to read them, so coverage is not judged instead of the
    read failing. Any other refusal is raised: it is not coverage that is missing."""
    try:
        return read(), []
    except AccessDenied as refusal:
        if refusal.right is not REPLICATION_JOBS:
            raise
        return None, [dict(JOBS_REFUSED)]


def _jobs_for_coverage(api: EmApi, params: dict[str, Any], sessions: list[dict[str, Any]]) -> dict[str, Any]:
    """The replication jobs coverage needs, or what was not judged without them: refused
    (replication_jobs left out) or none shown although sessions name jobs; with
    require_coverage either is NotJudgedError instead."""
    wanted = {"backup_server_names": params.get("backup_server_names"), "names": params.get("job_names")}
    jobs, refused = unless_jobs_refused(lambda: gather_replication_jobs(api, wanted))
    if jobs is None:
        jobs, entry = {}, refused[0]
    else:
        entry = jobs_not_shown(jobs["replication_jobs"], (session["job_name"] for session in sessions))
    if entry is None:
        return jobs
    if params.get("require_coverage"):
        require_judged([entry], "require_coverage")
    return {**jobs, "not_judged": [entry]}
