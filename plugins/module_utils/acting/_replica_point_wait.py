# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start replication jobs once each and wait, in one loop for all of them, until every VM has a
restore point newer than its job's run (_replica_point_runs says which run that is).

Each poll reads the start Tasks still followed (in the logon session that made them), then the
jobs' sessions (one query), then the new points of the VMs still waited for (one query): a
session that shows Stopped is judged against points read after it. With collect: true, a poll
that leaves VMs waiting may then ask EM to collect again (_replica_point_recollect).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, NamedTuple

from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    AccessDenied,
    ActionOutcomeUnknown,
    ApiError,
    VeeamEmError,
)
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_jobs import job_label
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_runs import (
    HOW_TO_SEE,
    JobRun,
    RunFailed,
    check_ended,
    follow_session,
    take_points,
    take_refusal,
)
from ansible_collections.veeam_em.core.plugins.module_utils.acting._waiting import Backoff, wait_until
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import PointQuery
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import FINISHED


class Timing(NamedTuple):
    """How long and how to wait (injectable clock and sleep for tests)."""

    timeout: float
    backoff: Backoff
    clock: Callable[[], float]
    sleep: Callable[[float], None]


class StartOutcomeUnknown(VeeamEmError):
    """A start was sent and no answer came: EM may have started the job."""


class WaitTimedOut(VeeamEmError):
    """wait_timeout passed with VMs still waiting for their point."""


def start(actions: Any, run: JobRun) -> None:
    """POST the job's start once. A refusal of the role or an answer that never came is raised
    naming the job and VMs; a refusal because it runs already is waited for (take_refusal)."""
    where = f"replication job {job_label(run.job)} (for VM(s) {', '.join(run.vms)})"
    try:
        run.task = actions.job_action(run.job["id"], "start")
    except AccessDenied as error:
        raise RunFailed(f"Could not start {where}: {error}") from error
    except ActionOutcomeUnknown as error:
        raise StartOutcomeUnknown(
            f"The start of {where} was sent but its answer never came ({error}). Enterprise Manager may have "
            f"started it, so it was not sent again: {HOW_TO_SEE} before running this task again.") from error
    except ApiError as error:
        if error.status_code not in (400, 409):
            raise
        take_refusal(run, error.em_message)
        return
    run.started = True


def follow_task(actions: Any, run: JobRun) -> None:
    """Read the start's Task until it is Finished; a failed one is a refusal (take_refusal)."""
    if run.task is None:
        return
    task = actions.task(run.task.task_id)
    if task is not None and task.failed:
        run.started, run.task = False, None
        take_refusal(run, task.message or task.described())
    elif task is None or task.state == FINISHED:
        run.task = None  # EM took the start (or dropped the Task, 404): the sessions tell the rest
    else:
        run.task = task


def wait_for_points(api: Any, actions: Any, runs: list[JobRun], servers: tuple[str, ...], floor: datetime | None,
                    timing: Timing, recollect: Callable[[list[JobRun]], None] | None = None,
                    spent: float = 0.0) -> float:
    """Poll until every run's VMs have their point; the seconds waited. RunFailed as a run ends
    without one, WaitTimedOut (naming each job still waited for) when `timing.timeout` passes, of
    which `spent` seconds went before (collecting). `recollect` is called after each poll that
    leaves VMs waiting (it decides whether to collect)."""
    uids = tuple(sorted({run.job["uid"] for run in runs}))

    def poll() -> tuple[bool, None]:
        for run in runs:
            follow_task(actions, run)
        sessions = api.job_sessions(uids, floor)
        for run in runs:
            follow_session(run, sessions)
        _read_points(api, runs, servers)
        for run in runs:
            check_ended(run)
        done = all(run.done for run in runs)
        if not done and recollect is not None:
            recollect(runs)
        return done, None

    waited = wait_until(poll, timing.timeout - spent, *timing[1:])
    if not waited.met:
        raise WaitTimedOut(_timed_out(runs, timing.timeout))
    return waited.seconds


def _read_points(api: Any, runs: list[JobRun], servers: tuple[str, ...]) -> None:
    waiting = [run for run in runs if not run.done and run.since is not None]
    if not waiting:
        return
    vms = tuple(sorted({vm for run in waiting for vm in run.vms if vm not in run.points}))
    since = min(run.since for run in waiting)  # type: ignore[type-var]
    points = api.replica_points(PointQuery(vm_names=vms, backup_servers=servers, created_after=since))
    for run in waiting:
        take_points(run, points)


def _timed_out(runs: list[JobRun], timeout: float) -> str:
    parts = []
    for run in runs:
        if run.done:
            continue
        missing = ", ".join(vm for vm in run.vms if vm not in run.points)
        session = run.session
        seen = (f"its session {session.get('id')} is {session.get('state')}" if session is not None
                else "Enterprise Manager shows no session of the run yet (it may not have collected it)")
        parts.append(f"replication job {job_label(run.job)}: {seen}; VM(s) {missing} have no new restore point")
    return (f"No new restore point within wait_timeout ({timeout:g} seconds) for " + "; ".join(parts)
            + f". The job still runs or EM has not collected it: {HOW_TO_SEE}. Running this task again waits for "
              "a job that runs rather than starting it again.")
