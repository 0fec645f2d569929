# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""replication_job's logic: one replication job brought to the state asked, a run going
(started) or none (stopped), with EM's job actions [post_jobs_id_actionstart, _actionstop,
_actionretry], and idempotent: what EM shows of the job's runs decides whether to act at all.

- started: nothing when a run is going; else a start, or with retry a retry when the last run
  ended Failed (EM retries only such a job; it processes again only the VMs that failed).
- stopped: a stop when a run is Starting or Working; nothing when none is (or it is Stopping).
- With wait, the run the module started, stopped or found going is followed until it ends.

Each action is sent once (EmSession.post): an answer that never came is not a reason to send it
again. The messages of what can go wrong are _replication_job_messages'.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._outcome import JOB_SESSION_STOPPED
from ansible_collections.veeam_em.core.plugins.module_utils.acting import _replication_job_messages as say
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    AccessDenied,
    ActionOutcomeUnknown,
    ApiError,
    ConfigurationError,
)
from ansible_collections.veeam_em.core.plugins.module_utils.acting._job_run import Clock, RunWatch, task_refused
from ansible_collections.veeam_em.core.plugins.module_utils._records import job_session_record, replication_job_record
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replication_job_messages import JobActionFailed
from ansible_collections.veeam_em.core.plugins.module_utils.em._actions import EmActions
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import EmTask

STARTED, STOPPED = "started", "stopped"
# A run Stopping is already being stopped, so a stop is not sent again [get_query_replicajobsession].
RUN_ENDED, RUN_STOPPING = JOB_SESSION_STOPPED, "Stopping"


@dataclass(frozen=True)
class JobRequest:
    """What the module was asked (its options, checked)."""

    name: str
    backup_server_name: str | None = None
    state: str = STARTED
    retry: bool = False
    wait: bool = False
    wait_timeout: float = 1800.0

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> JobRequest:
        request = cls(params["name"], params.get("backup_server_name") or None, params.get("state") or STARTED,
                      bool(params.get("retry")), bool(params.get("wait")), float(params.get("wait_timeout") or 0))
        if request.retry and request.state != STARTED:
            raise ConfigurationError("retry applies to state=started only (a retry is a start); remove it")
        if request.wait_timeout <= 0:
            raise ConfigurationError(f"wait_timeout must be more than 0 seconds, not {params.get('wait_timeout')}")
        return request


def find_job(api: EmApi, request: JobRequest) -> dict[str, Any]:
    """The one replication job of that exact name (on that backup server); JobActionFailed otherwise."""
    servers = (request.backup_server_name,) if request.backup_server_name else ()
    try:
        jobs = api.replication_jobs(servers, (request.name,))
    except AccessDenied as refusal:
        raise JobActionFailed(say.job_not_readable(request, refusal), {}) from None
    if not jobs:
        raise JobActionFailed(say.no_such_job(request), {})
    if len(jobs) > 1:
        raise JobActionFailed(say.job_on_several_servers(request, [job["backup_server_name"] for job in jobs]), {})
    return jobs[0]


def decide(request: JobRequest, last_run: dict[str, Any] | None) -> str | None:
    """The action to send (start, retry, stop), None when the job is already as asked."""
    state = None if last_run is None else last_run["state"]
    if request.state == STOPPED:
        return "stop" if state not in (None, RUN_ENDED, RUN_STOPPING) else None
    if state not in (None, RUN_ENDED):
        return None
    failed = last_run is not None and last_run["result"] == "Failed"
    return "retry" if request.retry and failed else "start"


def ensure(api: EmApi, request: JobRequest, check_mode: bool, clock: Clock | None = None) -> dict[str, Any]:
    """Bring the job to the state asked; the module's result (changed, action, job, task,
    job_session, waited_seconds). JobActionFailed carries the same keys, as far as known."""
    job = find_job(api, request)
    runs = api.job_sessions((job["uid"],), limit=1)
    watch = RunWatch(api, job, runs[0] if runs else None, clock=clock or Clock())
    action = decide(request, watch.before)
    if action in (None, "stop") or check_mode:
        watch.run = watch.before  # the run acted on, or shown as it is; a start's run is found after it
    if action is not None and not check_mode:
        _act(watch, request, action)
    elif request.wait and not check_mode and watch.run is not None and watch.run["state"] != RUN_ENDED:
        _wait_for_end(watch, request, None, request.wait_timeout)
    return result_of(watch, action)


def _act(watch: RunWatch, request: JobRequest, action: str) -> None:
    """Send the action, follow its Task, then find the run it made or wait for it as asked."""
    watch.task = _send(watch, request, action)
    if not watch.follow_task(request.wait_timeout):
        raise JobActionFailed(say.task_not_settled(request, action, watch), result_of(watch, action))
    if task_refused(watch.task):
        raise JobActionFailed(say.task_refused(request, action, watch), result_of(watch, action, changed=False))
    left = request.wait_timeout - watch.seconds
    if action == "stop":
        if request.wait:
            _wait_for_end(watch, request, action, left)
        return
    if not request.wait:
        watch.find_new_run()  # what EM shows now; the run may be late to appear (EM's collection)
        return
    if not watch.wait_for_new_run(left, until_ended=False):
        raise JobActionFailed(say.no_new_run(request, action, watch), result_of(watch, action))
    _wait_for_end(watch, request, action, request.wait_timeout - watch.seconds)


def _send(watch: RunWatch, request: JobRequest, action: str) -> EmTask:
    try:
        return EmActions(watch.api.session).job_action(watch.job["id"], action)
    except ActionOutcomeUnknown as unknown:
        raise JobActionFailed(say.outcome_unknown(request, action, unknown), result_of(watch, action)) from None
    except AccessDenied as refusal:
        raise JobActionFailed(say.action_denied(request, action, refusal), result_of(watch, action, False)) from None
    except ApiError as error:
        raise JobActionFailed(say.action_refused(request, action, watch, error), result_of(watch, action, False)) from None


def _wait_for_end(watch: RunWatch, request: JobRequest, action: str | None, timeout: float) -> None:
    """Wait until the run followed is Stopped; a run that ends Failed fails a start, not a stop."""
    if not watch.wait_for_end(timeout):
        raise JobActionFailed(say.still_running(request, action, watch), result_of(watch, action))
    if request.state == STARTED and watch.run is not None and watch.run["result"] == "Failed":
        raise JobActionFailed(say.run_failed(request, watch), result_of(watch, action))


def result_of(watch: RunWatch, action: str | None, changed: bool = True) -> dict[str, Any]:
    """The module's result: what was done and what EM showed last. An action EM refused
    changed nothing (`changed` False); one whose answer never came may have."""
    job = replication_job_record(watch.job, None)
    del job["includes"]  # not read here: replication_job_info reads them
    return {
        "changed": changed and action is not None, "action": action, "job": job, "task": None if watch.task is None else watch.task.record(),
        "job_session": job_session_record(watch.run),
        "waited_seconds": round(watch.seconds, 1),
    }
