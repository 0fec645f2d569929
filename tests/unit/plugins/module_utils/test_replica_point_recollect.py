"""The Recollector's bounds for answers the simulator does not give: a collect Task that fails, a
collect whose answer never came, and which servers are asked (only those of runs still waiting)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.acting._collection import CollectionFailed
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ActionOutcomeUnknown
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_recollect import Recollector
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_runs import JobRun
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import FINISHED, EmTask

FLOOR = datetime(2026, 1, 1, tzinfo=timezone.utc)


def job_run(server: str, vm: str) -> JobRun:
    job = {"id": f"job-{vm}", "uid": f"urn:veeam:Job:{vm}", "name": f"Job {vm}",
           "backup_server_id": f"id-{server}", "backup_server_name": server}
    return JobRun(job, [vm], frozenset(), FLOOR)


class Actions:
    """Answers each collect with a Running Task (or raises `collect_error`), and each Task read with
    `read_as` (the Task's next state)."""

    def __init__(self, read_as: tuple[str, bool | None] = (FINISHED, True), collect_error=None) -> None:
        self.read_as, self.collect_error, self.collected, self.read = read_as, collect_error, [], []

    def collect(self, server_id):
        self.collected.append(server_id)
        if self.collect_error is not None:
            raise self.collect_error
        return EmTask(f"task-{len(self.collected)}", "Running", "CollectBackupServer", None, None)

    def task(self, task_id):
        self.read.append(task_id)
        state, success = self.read_as
        return EmTask(task_id, state, "CollectBackupServer", success, "Data collection failed: no connection")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_only_the_servers_of_runs_still_waiting_are_asked_and_each_once_an_interval():
    actions, clock = Actions(), Clock()
    waiting, done = job_run("vbr01", "db01"), job_run("vbr02", "web01")
    done.points["web01"] = {"vm_name": "web01"}
    recollect = Recollector(actions, 10, clock)
    for now in (0, 9.9, 10, 15, 19.9, 20):
        clock.now = now
        recollect([waiting, done])
    assert actions.collected == ["id-vbr01", "id-vbr01"]  # at 10 and 20, never for vbr02
    assert recollect.counts() == {"vbr01": 2}


def test_a_failed_collect_task_fails_naming_the_server_and_what_em_said():
    actions, clock = Actions(read_as=(FINISHED, False)), Clock()
    recollect = Recollector(actions, 10, clock)
    clock.now = 10
    recollect([job_run("vbr01", "db01")])
    clock.now = 11
    with pytest.raises(CollectionFailed, match="Enterprise Manager could not collect from backup server vbr01 while "
                                               "waiting for the new restore points: task-1 .*no connection"):
        recollect([job_run("vbr01", "db01")])


def test_a_collect_without_an_answer_is_never_sent_again():
    actions, clock = Actions(collect_error=ActionOutcomeUnknown("no answer within 30 s")), Clock()
    recollect = Recollector(actions, 10, clock)
    for now in (10, 20, 30):
        clock.now = now
        recollect([job_run("vbr01", "db01")])
    assert actions.collected == ["id-vbr01"]
    assert recollect.counts() == {"vbr01": 1}
