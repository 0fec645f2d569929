# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bodies of the info modules: options in, normalised records out."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Callable, Mapping, TypeVar

from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied, ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._records import (
    backup_server_record,
    latest_per_vm,
    replica_point_record,
    replication_job_record,
    task_session_record,
)
from ansible_collections.veeam_em.core.plugins.module_utils._protection_records import (
    cdp_policy_record,
    cdp_task_session_record,
    failover_plan_record,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, PointQuery, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_protection import CdpTaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils._rights import (
    CDP_POLICIES,
    CDP_SESSIONS,
    FAILOVER_PLANS,
    REPLICATION_JOBS,
    TASK_SESSIONS,
    Right,
)
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
# What is not judged when EM refuses the account a CDP or failover plan read (_not_judged's entries).
CDP_POLICIES_REFUSED = {"checks": "cdp_policy_rpo", "reason": CDP_POLICIES.reason}
CDP_SESSIONS_REFUSED = {"checks": "cdp", "reason": CDP_SESSIONS.reason}
# An account without the right may be shown none instead of a refusal (em_api_notes.rst, "Roles").
CDP_POLICIES_NOT_SHOWN = {"checks": "cdp_policy_rpo", "reason": "Enterprise Manager showed no CDP policy"}
FAILOVER_PLANS_REFUSED = {"checks": "failover_plans", "reason": FAILOVER_PLANS.reason}
TASK_SESSIONS_REFUSED = {"checks": "replica_task_sessions", "reason": TASK_SESSIONS.reason}


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
    return {"replication_jobs": _with_includes(params, api.replication_jobs, api.job_includes, replication_job_record)}


def _with_includes(params: dict[str, Any], read: Callable[..., list[dict[str, Any]]],
                   read_includes: Callable[[list[str]], dict[str, Any]],
                   record: Callable[[dict[str, Any], Any], dict[str, Any]]) -> list[dict[str, Any]]:
    """The records of read(backup_server_names, names), each with what it includes (read_includes,
    one request per item) when include_objects, else with includes None (not read)."""
    items = read(tuple(params.get("backup_server_names") or ()), tuple(params.get("names") or ()))
    if not params.get("include_objects", True):
        return [record(item, None) for item in items]
    includes = read_includes([item["id"] for item in items])
    return [record(item, includes[item["id"]]) for item in items]


def gather_backup_servers(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    """Backup servers by name or id; all of them (the query the name checks share) when neither is given."""
    names, ids = tuple(params.get("name") or ()), tuple(params.get("id") or ())
    servers = api.backup_servers(names=names, ids=ids) if names or ids else api.all_backup_servers()
    return {"backup_servers": [backup_server_record(server) for server in servers]}


def gather_cdp_policies(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    """CDP policies, filtered by EM on names and backup server names, with the objects each
    includes when include_objects (one request per policy)."""
    return {"cdp_policies": _with_includes(params, api.cdp_policies, api.cdp_policy_includes, cdp_policy_record)}


def cdp_task_session_query(params: dict[str, Any], now: datetime) -> CdpTaskSessionQuery:
    """The CDP task sessions the listing options describe, of the policies in `names` (matched
    after the read: EM has no policy field to filter on)."""
    return CdpTaskSessionQuery(policy_names=tuple(params.get("names") or ()), **listing_options(params, now))


def gather_cdp_task_sessions(api: EmApi, params: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """CDP task sessions of the window, VMs, backup servers and policy names; `now` as for gather_task_sessions."""
    query = cdp_task_session_query(params, now or utc_now())
    sessions = _latest_per_vm(api.cdp_task_sessions(query), params, query.descending)
    return {"cdp_task_sessions": [cdp_task_session_record(session) for session in sessions]}


def gather_failover_plans(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    """Failover plans, filtered by EM on names and backup server names, each with its VMs in start order."""
    plans = api.failover_plans(tuple(params.get("backup_server_names") or ()), tuple(params.get("names") or ()))
    return {"failover_plans": [failover_plan_record(plan) for plan in plans]}


def gather_replica_evidence(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    """What a compliance check reads, over the one logged-on `api`: the task sessions of the
    window (created_after, created_before, vm_names, job_names, backup_server_names), and with
    include_restore_points the restore points of the same window and names (EM cannot filter
    points by job), with include_replication_jobs the jobs of those names and servers with their
    includes, with include_backup_servers every backup server; with include_cdp (default true)
    the CDP policies and CDP task sessions (_cdp_evidence) and with include_failover_plans the
    failover plans, both read beside the task sessions, not after them. A part not included is
    left out of the result (not read), which is not the same as read and empty; not_judged lists
    what the account could not be shown (_jobs_for_coverage, refused CDP and plan reads). It only
    reads: a collection first is backup_server_collect's (acting/_backup_server_collect)."""
    now = utc_now()  # one moment, so a duration gives the sessions and the points the same window
    beside = read_beside(_reads_beside_sessions(api, params, now))
    evidence = beside.pop("sessions")
    not_judged = evidence.pop("not_judged", [])
    if params.get("include_restore_points"):
        evidence.update(gather_replica_points(api, params, now))
    if params.get("include_replication_jobs"):
        jobs = _jobs_for_coverage(api, params, evidence.get("replica_task_sessions", []))
        not_judged += jobs.pop("not_judged", [])
        evidence.update(jobs)
    if params.get("include_backup_servers"):
        evidence.update(gather_backup_servers(api, {}))
    for part in beside.values():
        not_judged += part.pop("not_judged", [])
        evidence.update(part)
    return {**evidence, "not_judged": not_judged}


def _reads_beside_sessions(api: EmApi, params: dict[str, Any], now: datetime) -> dict[str, Callable[[], dict[str, Any]]]:
    """The task session read and the CDP and failover plan reads that go beside it. With
    sessions_may_be_refused (failover_plan_info) a refused task session read is a not_judged
    entry: a VM Restore Operator is judged on restore points."""
    def sessions() -> dict[str, Any]:
        return gather_task_sessions(api, params, now)

    reads = {"sessions": sessions}
    if params.get("sessions_may_be_refused"):
        reads["sessions"] = lambda: _unless_refused_part(TASK_SESSIONS, TASK_SESSIONS_REFUSED, sessions)
    if params.get("include_cdp", True):
        reads["cdp"] = lambda: _cdp_evidence(api, params, now)
    if params.get("include_failover_plans"):
        wanted = {"backup_server_names": params.get("backup_server_names")}
        reads["plans"] = lambda: _unless_refused_part(FAILOVER_PLANS, FAILOVER_PLANS_REFUSED,
                                                      lambda: gather_failover_plans(api, wanted))
    return reads


def read_beside(reads: Mapping[str, Callable[[], T]]) -> dict[str, T]:
    """{name: read()} with the reads run at the same time (each pages with the client's own
    concurrency); the first error raised is raised once every read has ended."""
    with ThreadPoolExecutor(max_workers=max(1, len(reads))) as pool:
        futures = {name: pool.submit(read) for name, read in reads.items()}
        return {name: future.result() for name, future in futures.items()}


def _cdp_evidence(api: EmApi, params: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The CDP policies (with their includes when coverage is read) and the CDP task sessions of
    the evidence's window, VMs and backup servers, read beside each other; job_names match policy
    names, since a CDP VM's job is its policy. A refused read is a not_judged entry, not a failure
    (refused policies only when the window has CDP sessions)."""
    policy_params = {"names": params.get("job_names"), "backup_server_names": params.get("backup_server_names"),
                     "include_objects": bool(params.get("include_replication_jobs"))}
    session_params = {**params, "names": params.get("job_names"), "latest_per_vm": False, "limit": None}
    parts = read_beside({
        "policies": lambda: _unless_refused_part(CDP_POLICIES, CDP_POLICIES_REFUSED,
                                                 lambda: gather_cdp_policies(api, policy_params)),
        "sessions": lambda: _unless_refused_part(CDP_SESSIONS, CDP_SESSIONS_REFUSED,
                                                 lambda: gather_cdp_task_sessions(api, session_params, now)),
    })
    # Policies refused matter only where there are CDP sessions to judge: no noise for an estate without CDP.
    policies_refused = parts["policies"].pop("not_judged", [])
    not_judged = (policies_refused if parts["sessions"].get("cdp_task_sessions") else [])
    not_judged += parts["sessions"].pop("not_judged", [])
    not_judged += cdp_policies_not_shown(parts["policies"].get("cdp_policies"), parts["sessions"].get("cdp_task_sessions"))
    return {**parts["policies"], **parts["sessions"], "not_judged": not_judged}


def cdp_policies_not_shown(policies: list[Any] | None, sessions: list[Any] | None) -> list[dict[str, Any]]:
    """[CDP_POLICIES_NOT_SHOWN] when the policies were read and none came back although there are
    CDP task sessions (what an account without the right may be shown); [] otherwise."""
    return [dict(CDP_POLICIES_NOT_SHOWN)] if policies == [] and sessions else []


def _unless_refused_part(right: Right, entry: dict[str, Any], read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """read()'s part, or {"not_judged": [entry]} when EM refused the account `right`."""
    part, refused = unless_refused(right, entry, read)
    return part if part is not None else {"not_judged": refused}


def unless_refused(right: Right, entry: Mapping[str, Any], read: Callable[[], T]) -> tuple[T | None, list[dict[str, Any]]]:
    """(read(), []) or, when EM refused this account `right`, (None, [entry]): what is then not
    judged instead of the read failing. Any other refusal is raised."""
    try:
        return read(), []
    except AccessDenied as refusal:
        if refusal.right is not right:
            raise
        return None, [dict(entry)]


def unless_jobs_refused(read: Callable[[], T]) -> tuple[T | None, list[dict[str, Any]]]:
    """(read(), []) for a read of the replication jobs (and their includes); (None, [JOBS_REFUSED])
    when EM refused this account the right to read them, so coverage is not judged instead of the
    read failing. Any other refusal is raised: it is not coverage that is missing."""
    return unless_refused(REPLICATION_JOBS, JOBS_REFUSED, read)


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
