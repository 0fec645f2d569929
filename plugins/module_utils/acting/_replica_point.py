# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""replica_point's ensure: each VM has a restore point no older than max_age, or its replication
job runs (started once per job, or waited for when it runs already) until it has a newer one.

The steps: (collect, when asked) -> each VM's newest point -> the stale VMs' jobs through the
includes (_replica_point_jobs) -> the jobs' sessions (running already?) -> start, and wait in one
loop (_replica_point_wait), collecting again meanwhile when asked to collect
(_replica_point_recollect). wait_timeout bounds all of it from the first collect on: what the
collection took is not waited again for the points. Errors after a start carry what is known
(`known`), so a failed run still returns every started job and its session: none is left untracked.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any, Callable

from ansible_collections.veeam_em.core.plugins.module_utils.acting._collection import agreeing_reads, collect
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ActionFailed, ConfigurationError, VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils._records import replica_point_record
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_jobs import jobs_of_vms
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_recollect import Recollector
from ansible_collections.veeam_em.core.plugins.module_utils._outcome import run_going
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_runs import JobRun
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_wait import Timing, start, wait_for_points
from ansible_collections.veeam_em.core.plugins.module_utils._times import utc_now
from ansible_collections.veeam_em.core.plugins.module_utils.acting._waiting import Backoff
from ansible_collections.veeam_em.core.plugins.module_utils.em._actions import EmActions
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import PointQuery
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._rpo import read_rpo

# For a job never run: a session of the run it starts is newer than this before now (clock skew).
SESSION_LOOKBACK = timedelta(days=1)
# With collect: true, collect again while waiting at most this often per backup server (seconds):
# a run's point shows within about this long after it ends, for a few collections per run.
DEFAULT_COLLECT_INTERVAL = 60.0


class EnsureFailed(ActionFailed):
    """A failure after the module acted or looked: `known` is the result so far (per VM)."""


def ensure(api: Any, params: dict[str, Any], check_mode: bool, clock: Callable[[], float] = time.monotonic,
           sleep: Callable[[float], None] = time.sleep, now: Callable[[], datetime] = utc_now) -> dict[str, Any]:
    """The module's result: changed, vms (per VM), started_jobs, would_start (check mode) and
    collection (with collect). EnsureFailed (with what is known) or another VeeamEmError."""
    vm_names = list(dict.fromkeys(params["vm_names"] or ()))
    if not vm_names:
        raise ConfigurationError("vm_names must name at least one VM")
    max_age = read_rpo(params.get("max_age"), "max_age")
    if max_age is None:
        raise ConfigurationError("max_age is required: a duration such as 4h")
    servers = tuple(params.get("backup_server_names") or ())
    backoff = Backoff(first=1.0, factor=1.5, cap=float(params.get("poll_interval_max") or 30))
    timing = Timing(float(params.get("wait_timeout") or 0), backoff, clock, sleep)
    interval, began = _collect_interval(params), clock()
    collected = _collect_first(api, vm_names, servers, timing) if params.get("collect") and not check_mode else None
    before = newest_points(api, vm_names, servers)
    moment = now()
    stale = [vm for vm in vm_names if before[vm] is None or before[vm]["creation_time"] < moment - max_age]
    result: dict[str, Any] = {"changed": False, "started_jobs": [], "collection": collected,
                              "vms": [_vm_entry(vm, before[vm]) for vm in vm_names]}
    if not stale:
        return result
    runs = plan_runs(api, jobs_of_vms(api, stale, servers), moment)
    if check_mode:
        result["would_start"] = [run.job["name"] for run in runs if run.session is None]
        result["changed"] = bool(result["would_start"])
        return _with_runs(result, runs, None)
    recollect = Recollector(EmActions(api.session), interval, clock) if collected else None
    return _act(api, runs, servers, result, timing, recollect, clock() - began)


def _collect_interval(params: dict[str, Any]) -> float:
    """collect_interval in seconds; under a second would ask EM to collect at every poll."""
    interval = params.get("collect_interval")
    interval = DEFAULT_COLLECT_INTERVAL if interval is None else float(interval)
    if interval < 1:
        raise ConfigurationError(f"collect_interval must be at least 1 second, not {interval:g}")
    return interval


def newest_points(api: Any, vm_names: list[str], servers: tuple[str, ...]) -> dict[str, dict[str, Any] | None]:
    """{VM: its newest restore point or None}: one query per VM, limited to one point."""
    newest = {}
    for vm in vm_names:
        points = api.replica_points(PointQuery(vm_names=(vm,), backup_servers=servers, limit=1))
        newest[vm] = points[0] if points else None
    return newest


def plan_runs(api: Any, jobs: dict[str, dict[str, Any]], moment: datetime) -> list[JobRun]:
    """One JobRun per job, with its VMs; a job whose newest session runs is followed, not started.

    The newest session is read per job (one request each, at most one session): a run can go on
    for days, so no time window would be sure to hold it."""
    by_id: dict[str, JobRun] = {}
    for vm, job in jobs.items():
        run = by_id.get(job["id"])
        if run is None:
            newest = api.job_sessions((job["uid"],), limit=1)
            floor = newest[0]["creation_time"] if newest else moment - SESSION_LOOKBACK
            run = by_id[job["id"]] = JobRun(job, [], frozenset(s.get("id") for s in newest), floor)
            run.session = newest[0] if newest and run_going(newest[0]) else None
        run.vms.append(vm)
    return list(by_id.values())


def _act(api: Any, runs: list[JobRun], servers: tuple[str, ...], result: dict[str, Any],
         timing: Timing, recollect: Recollector | None, spent: float) -> dict[str, Any]:
    """Start the jobs not running and wait for what is left of wait_timeout after `spent` seconds."""
    actions = EmActions(api.session)
    floor = min(run.floor for run in runs)
    waited = None
    try:
        for run in runs:
            if run.session is None:
                start(actions, run)
        waited = wait_for_points(api, actions, runs, servers, floor, timing, recollect, spent)
    except VeeamEmError as error:
        known = _with_runs(result, runs, None, recollect)
        known["changed"] = any(run.started for run in runs)
        raise EnsureFailed(str(error), known) from error
    result["changed"] = any(run.started for run in runs)
    return _with_runs(result, runs, waited, recollect)


def _collect_first(api: Any, vm_names: list[str], servers: tuple[str, ...], timing: Timing) -> dict[str, Any]:
    """Collect from the backup servers of the VMs' points (all, or those named, for a VM without
    one) and wait until two reads of the newest points agree (_collection says what that proves)."""
    before = newest_points(api, vm_names, servers)
    known = {server["name"]: server["id"] for server in api.all_backup_servers()}
    names = {point["backup_server_name"] for point in before.values() if point is not None}
    if None in before.values() or not names:
        names |= set(servers or known)
    targets = {known[name]: name for name in sorted(names) if name in known}

    def read() -> list[Any]:
        return [point and point["id"] for point in newest_points(api, vm_names, servers).values()]

    done = collect(EmActions(api.session), targets, timing.timeout, agreeing_reads(read), *timing[1:])
    return {"backup_server_names": sorted(targets.values()), "proof": done.proof, "seconds": done.seconds,
            "collected_again": {}}


def _vm_entry(vm: str, point: dict[str, Any] | None) -> dict[str, Any]:
    return {"vm_name": vm, "point_before": replica_point_record(point) if point else None, "point_after": None,
            "job_name": None, "backup_server_name": None, "job_session": None, "started": False,
            "waited_seconds": None}


def _with_runs(result: dict[str, Any], runs: list[JobRun], waited: float | None,
               recollect: Recollector | None = None) -> dict[str, Any]:
    """The result with each run's job, session, new point and the time waited filled per VM, and
    the collections asked for while waiting."""
    if recollect is not None:
        result["collection"]["collected_again"] = recollect.counts()
    by_vm = {vm: run for run in runs for vm in run.vms}
    seconds = None if waited is None else round(waited, 1)
    for entry in result["vms"]:
        run = by_vm.get(entry["vm_name"])
        if run is None:
            continue
        point = run.points.get(entry["vm_name"])
        entry.update(job_name=run.job["name"], backup_server_name=run.job.get("backup_server_name"),
                     job_session=run.session_summary(), started=run.started, waited_seconds=seconds,
                     point_after=replica_point_record(point) if point else None)
    result["started_jobs"] = sorted({run.job["name"] for run in runs if run.started})
    return result
