"""EM's tasks: what a job action or a collection returns, kept per logon session [tasks,
get_tasks_id, delete_task_id].

A task is numbered across EM ("task-1", "task-2", ...), belongs to the logon session that
created it (another session's GET answers 404) and goes Running -> OperationFinished (done on
the backup server, EM has not collected the data yet) -> Finished over config.task_seconds:
Running for the first half, OperationFinished for the second. A task that went well carries
<Result Success="true"> with its message from the start (Veeam's examples show it with the
message "triggered to start"); one that failed shows its failure once it has left Running, in
the shape config.failed_task_shape gives. DELETE removes the task; a Finished task also goes
(404) config.task_lifetime_seconds after it finished, when that is set.
"""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

from .clock import ticks

RUNNING, OPERATION_FINISHED, FINISHED = "Running", "OperationFinished", "Finished"


@dataclass(frozen=True)
class EmTask:
    id: str
    operation: str  # StartJob, StopJob, RetryJob, CollectingBackupServer
    created: int
    length: int  # ticks from Running to Finished
    succeeded: bool
    message: str
    failed_shape: str  # config.failed_task_shape when the task was made

    @property
    def finished(self) -> int:
        return self.created + self.length

    def state_at(self, moment: int) -> str:
        if moment >= self.finished:
            return FINISHED
        return OPERATION_FINISHED if moment >= self.created + self.length // 2 else RUNNING

    def result_at(self, moment: int) -> tuple[bool, str] | None:
        """(Success, Message) to write at a moment, or None for no <Result> element."""
        if self.succeeded:
            return True, self.message
        if self.state_at(moment) == RUNNING or self.failed_shape == "no-result":
            return None
        return False, self.message


class TaskStore:
    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._by_session: dict[str, dict[str, EmTask]] = {}

    def create(self, session_id: str, operation: str, now: int, seconds: float, outcome: tuple[bool, str],
               failed_shape: str) -> EmTask:
        """A new task of this logon session; outcome is (succeeded, message)."""
        with self._lock:
            task = EmTask(f"task-{next(self._numbers)}", operation, now, ticks(seconds), outcome[0], outcome[1],
                          failed_shape)
            self._by_session.setdefault(session_id, {})[task.id] = task
            return task

    def of_session(self, session_id: str, now: int, lifetime_seconds: float | None) -> list[EmTask]:
        """The session's readable tasks, oldest first; those past their lifetime are dropped."""
        with self._lock:
            tasks = self._by_session.get(session_id, {})
            if lifetime_seconds is not None:
                for task in [task for task in tasks.values() if now >= task.finished + ticks(lifetime_seconds)]:
                    del tasks[task.id]
            return list(tasks.values())

    def get(self, session_id: str, task_id: str, now: int, lifetime_seconds: float | None) -> EmTask | None:
        return next((task for task in self.of_session(session_id, now, lifetime_seconds) if task.id == task_id), None)

    def delete(self, session_id: str, task_id: str) -> bool:
        with self._lock:
            return self._by_session.get(session_id, {}).pop(task_id, None) is not None
