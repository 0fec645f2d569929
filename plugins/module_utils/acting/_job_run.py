# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Following a job action to the run it made: its Task until the backup server has it, the
replica job session it made, and (when asked) that run until it ends.

A Task done on the backup server (OperationFinished or Finished [get_tasks_id]) means the job
was triggered, not that it ran: the run is a ReplicaJobSession [get_query_replicajobsession],
found here as the job's newest session that is not the one EM showed before the action. EM
shows a run as of its last collection from the backup server (every 15 minutes by default), so
a run may be late to appear; every wait is bounded and says what it saw last.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ansible_collections.veeam_em.core.plugins.module_utils._outcome import JOB_SESSION_STOPPED
from ansible_collections.veeam_em.core.plugins.module_utils.acting._waiting import Backoff, wait_until
from ansible_collections.veeam_em.core.plugins.module_utils.em._actions import EmActions
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import FINISHED, EmTask

# A Task is done in seconds, a run takes minutes: short first pauses, a cap that spares EM.
RUN_BACKOFF = Backoff(first=1.0, factor=1.5, cap=30.0)


def task_settled(task: EmTask | None) -> bool:
    """Whether a Task says all it will: it failed, it went well and the backup server has done
    it, or it is Finished. EM dropped it (None) says no more either. A Task without a Result
    before Finished may still get one; Finished without one is a failure's shape [em_api_notes, Tasks]."""
    return task is None or task.failed or (task.done_on_server and task.success is True) or task.state == FINISHED


def task_refused(task: EmTask | None) -> bool:
    """A settled Task that did not go well: Success="false", or Finished with no Result."""
    return task is not None and task.success is not True


@dataclass
class Clock:
    """What the waits measure time and pause with (injectable: tests pass a simulated clock)."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    backoff: Backoff = RUN_BACKOFF


@dataclass
class RunWatch:
    """One job's run as an action changes it. `before` is the run EM showed before the action
    (None: none), `task` the action's Task (None: EM no longer has it, 404), `run` the run
    followed: the new one after a start or retry (None until EM shows it), `before` otherwise."""

    api: EmApi
    job: dict[str, Any]
    before: dict[str, Any] | None
    task: EmTask | None = None
    run: dict[str, Any] | None = None
    seconds: float = 0.0
    clock: Clock = field(default_factory=Clock)

    def follow_task(self, timeout: float) -> bool:
        """Read the Task until it is settled (task_settled); whether it was within `timeout`.
        Whether it went well is the caller's to read in `task` (task_refused)."""
        actions = EmActions(self.api.session)

        def settled() -> tuple[bool, EmTask | None]:
            if not task_settled(self.task):
                self.task = actions.task(self.task.task_id)  # type: ignore[union-attr]
            return task_settled(self.task), self.task

        return self._wait(settled, timeout)

    def find_new_run(self) -> dict[str, Any] | None:
        """The job's run made since `before` (its newest other session), or None when EM shows none yet."""
        since = None if self.before is None else self.before["creation_time"]
        skip = None if self.before is None else self.before["uid"]
        sessions = [session for session in self.api.job_sessions((self.job["uid"],), since) if session["uid"] != skip]
        if sessions:
            self.run = sessions[0]
        return self.run

    def wait_for_new_run(self, timeout: float, until_ended: bool) -> bool:
        """Wait until EM shows the new run (and, with until_ended, shows it Stopped)."""
        def seen() -> tuple[bool, Any]:
            run = self.find_new_run()
            return run is not None and (not until_ended or run["state"] == JOB_SESSION_STOPPED), run

        return self._wait(seen, timeout)

    def wait_for_end(self, timeout: float) -> bool:
        """Wait until EM shows the run followed (`run`) Stopped; at once when there is none."""
        if self.run is None:
            return True
        since, uid = self.run["creation_time"], self.run["uid"]

        def ended() -> tuple[bool, Any]:
            found = [session for session in self.api.job_sessions((self.job["uid"],), since) if session["uid"] == uid]
            self.run = found[0] if found else self.run
            return self.run["state"] == JOB_SESSION_STOPPED, self.run

        return self._wait(ended, timeout)

    def _wait(self, condition: Callable[[], tuple[bool, Any]], timeout: float) -> bool:
        waited = wait_until(condition, max(0.0, timeout), self.clock.backoff, self.clock.now, self.clock.sleep)
        self.seconds += waited.seconds
        return waited.met
