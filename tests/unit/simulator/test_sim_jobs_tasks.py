"""EM's tasks over real HTTPS [tasks, get_tasks_id, delete_task_id]: a task goes Running ->
OperationFinished -> Finished, /tasks lists the tasks created within the current logon session
(another session's task is not there), DELETE answers 204; how long a task stays readable is
undocumented, so switched.

By the simulator's documented reading (tasks.py) a task is Running for the first half of
task_seconds and OperationFinished for the second; the expectations below follow from that.
"""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, parse
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import (
    EM, act, collect, jobs_simulator, logged_on, task_of,
)

COLLECTED = ("true", "Data collection started. To view results, go to Sessions.")


def listed(em) -> list[tuple[str, str]]:
    tasks = parse(em.get("tasks"))
    assert tasks.tag == EM + "Tasks"
    return [(task.findtext("em:TaskId", namespaces=NS), task.findtext("em:State", namespaces=NS)) for task in tasks]


def test_a_task_goes_running_operation_finished_finished_over_task_seconds(certificates):
    with jobs_simulator(certificates, task_seconds=10) as simulator, logged_on(simulator) as em:
        seen = [task_of(act(em, "Replica A", "start"))]
        for step in (4.5, 1, 5):  # at 4.5 s, 5.5 s and 10.5 s
            simulator.advance(step)
            seen.append(task_of(em.get("tasks/task-1")))
    assert [task["state"] for task in seen] == ["Running", "Running", "OperationFinished", "Finished"]
    assert {task["result"] for task in seen} == {("true", 'Job "Replica A" triggered to start.')}


def test_with_no_task_time_the_202_is_already_finished_as_in_veeams_example(certificates):
    with jobs_simulator(certificates, task_seconds=0) as simulator, logged_on(simulator) as em:
        assert task_of(collect(em)) == {"id": "task-1", "state": "Finished", "operation": "CollectingBackupServer",
                                        "result": COLLECTED}


def test_the_tasks_of_a_logon_session_are_its_own(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as mine, \
            logged_on(simulator, "portal_user") as other:
        act(mine, "Replica A", "start")
        collect(mine)
        collect(other)
        assert listed(mine) == [("task-1", "Running"), ("task-2", "Running")]
        assert listed(other) == [("task-3", "Running")]
        assert other.get("tasks/task-1").status_code == 404
        assert other.request("DELETE", "tasks/task-1").status_code == 404
        assert mine.get("tasks/task-1").status_code == 200


def test_a_deleted_task_is_gone(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        collect(em)
        deleted = em.request("DELETE", "tasks/task-1")
        assert deleted.status_code == 204 and deleted.content == b""
        assert em.get("tasks/task-1").status_code == 404
        assert listed(em) == [("task-2", "Running")]
        assert em.request("DELETE", "tasks/task-1").status_code == 404


def test_deleting_a_start_task_does_not_undo_the_start(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        em.request("DELETE", "tasks/task-1")
        assert [run["job_name"] for run in simulator.snapshot()["runs"]] == ["Replica A"]


def test_tasks_stay_readable_by_default(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        collect(em)
        simulator.advance(86_400)
        assert task_of(em.get("tasks/task-1"))["state"] == "Finished"


def test_a_finished_task_can_go_after_a_lifetime(certificates):
    with jobs_simulator(certificates, task_seconds=2, task_lifetime_seconds=5) as simulator, \
            logged_on(simulator) as em:
        collect(em)
        simulator.advance(6)  # finished at 2 s, readable until 7 s
        assert task_of(em.get("tasks/task-1"))["state"] == "Finished"
        simulator.advance(1.5)
        assert em.get("tasks/task-1").status_code == 404
        assert listed(em) == []
        assert em.request("DELETE", "tasks/task-1").status_code == 404


def test_a_new_logon_session_does_not_see_the_tasks_of_the_last(certificates):
    with jobs_simulator(certificates) as simulator:
        with logged_on(simulator) as first:
            collect(first)
            assert first.logout().status_code == 204
        with logged_on(simulator) as second:
            assert listed(second) == [] and second.get("tasks/task-1").status_code == 404


@pytest.mark.parametrize("account", ["administrator", "portal_user", "restore_operator"])
def test_every_role_lists_and_deletes_its_own_tasks(certificates, account):
    with jobs_simulator(certificates) as simulator, logged_on(simulator, account) as em:
        assert listed(em) == []
        assert em.request("DELETE", "tasks/task-1").status_code == 404


def test_tasks_need_a_live_token(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        collect(em)
        assert em.get("tasks/task-1", token=False).status_code == 401
        assert em.request("DELETE", "tasks/task-1", token=False).status_code == 401
