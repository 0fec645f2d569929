"""What EM's REST API lets a client do rather than read: job actions, a collection, tasks.

- POST /jobs/{ID}?action=start|stop|retry: no body, 202 with a Task [post_jobs_id_actionstart,
  post_jobs_id_actionstop, post_jobs_id_actionretry]. Retry works only on a job whose last run
  ended Failed. A start or retry of a job already running, and a retry of a job whose last run
  did not fail, are answered as config.already_running_answer and config.retry_not_failed_answer
  say (undocumented); a stop of a job not running is a task that went well and changed nothing.
- POST /backupServers/{ID}?action=collect: 202 with a Task whose message is Veeam's example's
  [post_backupservers_id_collect]; the data is in config.collect_seconds later (collection.py).
- GET /tasks, GET /tasks/{ID}, DELETE /tasks/{ID} (204): the logon session's tasks (tasks.py).
Who may do each is the role table's (roles.py), judged before these handlers run.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .answers import ApiError, Request, Response, ok
from .clock import SimClock
from .collection import CollectionSchedule
from .config import SimulatorConfig
from .dataset import Dataset
from .model import Job
from .run_engine import RunEngine
from .run_plan import included_vms
from .task_xml import task_document, tasks_document
from .tasks import TaskStore
from .xmlrender import Renderer

JOB_OPERATIONS = {"start": "StartJob", "stop": "StopJob", "retry": "RetryJob"}
COLLECT_OPERATION = "CollectingBackupServer"
COLLECT_MESSAGE = "Data collection started. To view results, go to Sessions."
Outcome = tuple[bool, str]  # (went well, the task's message)


class Actions:
    def __init__(self, dataset: Dataset, engine: RunEngine, schedule: CollectionSchedule, clock: SimClock,
                 config: Callable[[], SimulatorConfig]) -> None:
        self.dataset, self.engine, self.schedule, self.clock = dataset, engine, schedule, clock
        self.tasks = TaskStore()
        self._config = config

    # -- job actions -----------------------------------------------------------------------
    def job_action(self, request: Request, renderer: Renderer, job_id: str) -> Response:
        job: Job = _found(request, self.dataset.jobs_by_id.get(job_id), f"Job {job_id}")
        action = _action(request, JOB_OPERATIONS, f"job {job.name}")
        config, now = self._config(), self.clock.now()
        outcome = self._stop(job, config, now) if action == "stop" else self._run(job, action, config, now)
        return self._task_answer(request, renderer, JOB_OPERATIONS[action], outcome, now)

    def _stop(self, job: Job, config: SimulatorConfig, now: int) -> Outcome:
        self.engine.stop(job, config, now)
        return True, f'Job "{job.name}" triggered to stop.'

    def _run(self, job: Job, action: str, config: SimulatorConfig, now: int) -> Outcome:
        triggered = f'Job "{job.name}" triggered to {action}.'
        last = self.engine.last_run(job, now)
        if last is not None and last.running:
            return _refused(config.already_running_answer, triggered, f'Job "{job.name}" is already running.')
        if action == "retry" and (last is None or last.result != "Failed"):
            return _refused(config.retry_not_failed_answer, triggered,
                            f'Job "{job.name}" cannot be retried: its last run did not end Failed.')
        vms = (last.failed if action == "retry" and last is not None else []) or included_vms(self.dataset, job)
        self.engine.start(job, vms, config, now, is_retry=action == "retry")
        return True, triggered

    # -- collection ------------------------------------------------------------------------
    def server_action(self, request: Request, renderer: Renderer, server_id: str) -> Response:
        server = _found(request, self.dataset.servers_by_id.get(server_id), f"BackupServer {server_id}")
        _action(request, ("collect",), f"backup server {server.name}")
        config, now = self._config(), self.clock.now()
        self.schedule.ask(server.id, now, config.collect_seconds)
        return self._task_answer(request, renderer, COLLECT_OPERATION, (True, COLLECT_MESSAGE), now)

    def _task_answer(self, request: Request, renderer: Renderer, operation: str, outcome: Outcome,
                     now: int) -> Response:
        config = self._config()
        task = self.tasks.create(request.session.id, operation, now, config.task_seconds, outcome,
                                 config.failed_task_shape)
        return ok(task_document(renderer.base, task, now), status=202)

    # -- tasks -----------------------------------------------------------------------------
    def list_tasks(self, request: Request, renderer: Renderer) -> Response:
        now = self.clock.now()
        tasks = self.tasks.of_session(request.session.id, now, self._config().task_lifetime_seconds)
        return ok(tasks_document(renderer.base, tasks, now))

    def get_task(self, request: Request, renderer: Renderer, task_id: str) -> Response:
        now = self.clock.now()
        task = self.tasks.get(request.session.id, task_id, now, self._config().task_lifetime_seconds)
        if task is None:
            raise ApiError(404, f"Task {task_id} was not found")
        return ok(task_document(renderer.base, task, now))

    def delete_task(self, request: Request, renderer: Renderer, task_id: str) -> Response:
        now = self.clock.now()
        readable = self.tasks.get(request.session.id, task_id, now, self._config().task_lifetime_seconds)
        if readable is None or not self.tasks.delete(request.session.id, task_id):
            raise ApiError(404, f"Task {task_id} was not found")
        return Response(204)


def _found(request: Request, record: Any, label: str) -> Any:
    """The record asked for; 404 for none, or one the account is not shown (denied_answer "empty")."""
    if record is None or request.hidden:
        raise ApiError(404, f"{label} was not found")
    return record


def _action(request: Request, allowed: Iterable[str], target: str) -> str:
    """The ?action= of a POST, lower-cased; 400 for one the target does not have."""
    action = request.params.get("action", "")
    if action.lower() not in allowed:
        raise ApiError(400, f"Action '{action}' is not supported for {target}")
    return action.lower()


def _refused(answer: str, triggered: str, refusal: str) -> Outcome:
    """An action the backup server will not do, answered as the switch says (config_jobs.py)."""
    if answer == "error-400":
        raise ApiError(400, refusal)
    if answer == "error-409":
        raise ApiError(409, refusal)
    if answer == "no-op":
        return True, triggered
    return False, refusal
