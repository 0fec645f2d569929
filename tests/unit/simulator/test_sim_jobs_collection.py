"""EM's collection over real HTTPS: EM collects from each backup server on a schedule
(em/collecting_data_from_backup_servers: every 15 minutes by default), so what a run does on
the server is visible through EM only after a collection; POST /backupServers/{ID}?action=collect
starts one at once and answers 202 with a Task whose message is Veeam's example's
(post_backupservers_id_collect), and Finished may come before the data is in, or after.

Worked out by hand with a collection interval of 900 s, a run of 10 s, tasks of 2 s and a
collection that brings its data in 3 s after it is asked for (the simulator's settings).
"""
from __future__ import annotations

from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import (
    SERVER_B, act, collect, job_sessions, jobs_simulator, logged_on, newest_session, points_of, run_through,
    task_of, task_sessions, text,
)

COLLECTED = ("true", "Data collection started. To view results, go to Sessions.")
LAG = {"collection_interval_seconds": 900, "collect_seconds": 3, "task_seconds": 2}


def vm_states(em, session) -> dict[str, tuple]:
    return {name: (text(task, "State"), text(task, "Result")) for name, task in task_sessions(em, session).items()}


def test_a_run_is_invisible_through_em_until_a_collection_brings_it_in(certificates):
    with jobs_simulator(certificates, **LAG) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(11)  # the run has ended on the backup server
        assert len(job_sessions(em, "Replica A")) == 1 and points_of(em, "app-a2") == []
        run = simulator.snapshot()["runs"][0]
        assert (run["state"], run["result"], run["em_sees_until"]) == ("Stopped", "Success", None)
        task = task_of(collect(em))
        assert task == {"id": "task-2", "state": "Running", "operation": "CollectingBackupServer",
                        "result": COLLECTED}
        simulator.advance(2.5)
        # The task is Finished, the data not yet in: "Data collection started".
        assert task_of(em.get("tasks/task-2"))["state"] == "Finished"
        assert len(job_sessions(em, "Replica A")) == 1
        simulator.advance(1)
        session = newest_session(em, "Replica A")
        assert (text(session, "State"), text(session, "Result")) == ("Stopped", "Success")
        assert vm_states(em, session) == {"app-a1": ("Completed", "Success"), "app-a2": ("Completed", "Success")}
        assert len(points_of(em, "app-a2")) == 1


def test_the_data_can_be_in_before_the_collect_task_is_finished(certificates):
    with jobs_simulator(certificates, **{**LAG, "collect_seconds": 1, "task_seconds": 4}) as simulator, \
            logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(11)
        collect(em)
        simulator.advance(2.5)  # the data came in at 1 s; the task is Finished at 4 s
        assert task_of(em.get("tasks/task-2"))["state"] == "OperationFinished"
        assert text(newest_session(em, "Replica A"), "State") == "Stopped"


def test_em_shows_a_run_as_it_was_at_the_last_collection(certificates):
    with jobs_simulator(certificates, **LAG) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(3)
        collect(em)  # its data is the server at 6 s: app-a1 ended at 5.5 s, app-a2 ends at 9 s
        simulator.advance(3.5)
        seen = newest_session(em, "Replica A")
        assert text(seen, "State") == "Working"
        assert vm_states(em, seen) == {"app-a1": ("Completed", "Success"), "app-a2": ("InProgress", "None")}
        simulator.advance(5)  # ended on the server; EM has not collected since
        assert simulator.snapshot()["runs"][0]["state"] == "Stopped"
        assert text(newest_session(em, "Replica A"), "State") == "Working"
        assert len(points_of(em, "app-a1")) == 2 and points_of(em, "app-a2") == []


def test_the_automatic_collection_brings_a_run_in_on_its_schedule(certificates):
    with jobs_simulator(certificates, **LAG) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(100)
        assert len(job_sessions(em, "Replica A")) == 1
        simulator.advance(805)  # past the first collection, 900 s after the simulator began
        assert text(newest_session(em, "Replica A"), "State") == "Stopped"


def test_a_collection_brings_in_only_its_own_servers_runs(certificates):
    with jobs_simulator(certificates, **LAG) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")  # vbr-a
        act(em, "Replica E", "start")  # vbr-b, never run before
        simulator.advance(11)
        collect(em)
        simulator.advance(4)
        assert len(job_sessions(em, "Replica A")) == 2 and job_sessions(em, "Replica E") == []
        collect(em, SERVER_B)
        simulator.advance(4)
        assert [text(session, "State") for session in job_sessions(em, "Replica E")] == ["Stopped"]


def test_what_em_has_shown_stays_when_the_interval_is_switched_on(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(3)
        assert text(newest_session(em, "Replica A"), "State") == "Working"  # no interval: seen at once
        simulator.configure(collection_interval_seconds=900)
        simulator.advance(8)
        assert len(job_sessions(em, "Replica A")) == 2
        assert text(newest_session(em, "Replica A"), "State") == "Working"


def test_by_default_a_collection_changes_nothing_em_does_not_already_show(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        before = text(run_through(simulator, em, "Replica A"), "State")
        assert task_of(collect(em))["result"] == COLLECTED
        assert before == text(newest_session(em, "Replica A"), "State") == "Stopped"
