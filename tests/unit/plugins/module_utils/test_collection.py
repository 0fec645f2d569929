"""Collecting from backup servers and waiting until the data is visible (_collection): against the
simulator over HTTPS, its clock moved by the injected sleep, and with a scripted EmActions for the
answers the simulator never gives (a failed collect task)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.acting._collection import (
    PROOF_SEEN,
    PROOF_TASKS,
    CollectionFailed,
    CollectionNotVisible,
    agreeing_reads,
    collect,
)
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.plugins.module_utils.acting._waiting import Backoff
from ansible_collections.veeam_em.core.plugins.module_utils.em._actions import EmActions
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import PointQuery
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import EmTask
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options, estate_simulator, leak_checked
from ansible_collections.veeam_em.core.tests.unit.simulated_time import SimulatedTime

# Pauses of 1, 1.5, 2.25, ... seconds: the moments of the asks are 0, 1, 2.5, 4.75, 8.125
BACKOFF = Backoff(first=1, factor=1.5, cap=10)


@pytest.fixture(scope="module")
def estate():
    with estate_simulator(seed=7, servers=2, jobs_per_server=1, vms_per_job=2, days=1, interval_hours=6) as simulator:
        yield simulator


@pytest.fixture
def simulator(estate):
    yield from leak_checked(estate)
    estate.advance(3600)


def writes(simulator) -> list[str]:
    return [entry["request"] for entry in simulator.snapshot()["write_log"]]


def test_without_a_check_it_waits_until_every_collect_task_is_finished(simulator):
    servers = {server.id: server.name for server in simulator.dataset.servers}
    time = SimulatedTime(simulator)
    with open_api(connection_options(simulator)) as api:
        collection = collect(EmActions(api.session), servers, 60, backoff=BACKOFF, clock=time.clock, sleep=time.sleep)
    # A task is Running for 1 s, OperationFinished for 1 s, then Finished: the ask at 2.5 s sees it.
    assert (collection.proof, collection.seconds) == (PROOF_TASKS, 2.5)
    assert all(task.state == "Finished" for task in collection.tasks.values())
    assert sorted(writes(simulator)) == sorted(f"POST /api/backupServers/{server_id}?action=collect"
                                               for server_id in servers)


def test_with_a_check_it_waits_past_finished_tasks_until_the_new_point_is_visible(simulator):
    simulator.configure(collection_interval_seconds=900)  # EM's default lag: a run is not seen until collected
    job = simulator.dataset.jobs[1]  # jobs[0] has a generated run still going
    server = job.server
    with open_api(connection_options(simulator)) as api:
        started = SimulatedTime(simulator).em_now() - timedelta(seconds=1)
        EmActions(api.session).job_action(job.id, "start")
        simulator.advance(20)  # the run (10 s) is over on the backup server; EM has not collected it

        def new_point() -> bool:
            return bool(api.replica_points(PointQuery(backup_servers=(server.name,), created_after=started)))

        assert not new_point()
        time = SimulatedTime(simulator)
        collection = collect(EmActions(api.session), {server.id: server.name}, 60, seen=new_point, backoff=BACKOFF,
                             clock=time.clock, sleep=time.sleep)
    # Tasks Finished at 2 s, the collected data in at 3 s (collect_seconds): seen at the ask at 4.75 s.
    assert (collection.proof, collection.seconds) == (PROOF_SEEN, 4.75)
    assert writes(simulator) == [f"POST /api/jobs/{job.id}?action=start",
                                 f"POST /api/backupServers/{server.id}?action=collect"]


def test_data_never_seen_is_a_timeout_that_names_the_server_and_what_to_do(simulator):
    server = simulator.dataset.servers[1]
    time = SimulatedTime(simulator)
    with open_api(connection_options(simulator)) as api:
        with pytest.raises(CollectionNotVisible) as timed_out:
            collect(EmActions(api.session), {server.id: server.name}, 10, seen=lambda: False, backoff=BACKOFF,
                    clock=time.clock, sleep=time.sleep)
    assert str(timed_out.value) == (
        f"Enterprise Manager did not show the data collected from backup server(s) {server.name} within 10 seconds: "
        "its collect tasks finished, but the data waited for was not visible yet. Give it longer (wait_timeout), "
        "or see EM's console shows collections under Sessions (Enterprise Manager, Configuration)")
    assert time.now == 10


class ScriptedActions:
    """EmActions whose tasks answer in turn what the test gives (None: EM dropped the task)."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.collected: list[str] = []

    def collect(self, server_id: str) -> EmTask:
        self.collected.append(server_id)
        return EmTask("task-1", "Running", "CollectingBackupServer", None, None)

    def task(self, task_id: str):
        return self.answers.pop(0)


def no_wait():
    return dict(backoff=BACKOFF, clock=lambda: 0.0, sleep=lambda seconds: None)


def test_a_failed_collect_task_names_the_server_and_what_em_said():
    failed = EmTask("task-1", "Finished", "CollectingBackupServer", False, "Backup server is unavailable")
    with pytest.raises(CollectionFailed) as refused:
        collect(ScriptedActions(failed), {"b1": "vbr-east"}, 60, **no_wait())
    assert str(refused.value).startswith(
        "Enterprise Manager could not collect from backup server vbr-east: "
        "task-1 (CollectingBackupServer, Finished, failed: Backup server is unavailable)")


def test_a_task_em_dropped_counts_as_done_and_the_check_still_decides():
    actions = ScriptedActions(None)
    reads = iter([False, True])
    collection = collect(actions, {"b1": "vbr-east"}, 60, seen=lambda: next(reads), **no_wait())
    assert (collection.tasks, collection.proof, actions.collected) == ({"b1": None}, PROOF_SEEN, ["b1"])


def test_agreeing_reads_hold_only_on_the_second_of_two_equal_answers():
    values = iter([1, 2, 2, 3])
    agrees = agreeing_reads(lambda: next(values))
    assert [agrees(), agrees(), agrees(), agrees()] == [False, False, True, False]
