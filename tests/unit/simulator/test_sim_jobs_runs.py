"""A started job runs, over real HTTPS: a ReplicaJobSession (Starting -> Working -> Stopped,
get_query_replicajobsession), a ReplicaTaskSession per VM the job includes (InProgress ->
Completed) and a VmReplicaPoint per VM that ends Success or Warning, visible in the collections
and the query service like generated data; a stop ends the run early, Failed.

Times are worked out by hand from the timeline the simulator documents (runs.py) for a run of
10 simulated seconds: Starting for 2 s, then the task sessions; of two VMs the first ends at
5.5 s and the second at 9 s; the job session is Stopped at 10 s; a stop takes 1 s.
"""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND, parse_utc
from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, parse
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import (
    act, job_sessions, jobs_simulator, logged_on, newest_session, points_of, run_through, task_sessions, text,
)

STOPPED = "Job has been stopped by user"
FROM_BACKUP = "No new restore point found in the source backup; the replica was not updated"


def seconds_between(earlier: str, later: str) -> float:
    return (parse_utc(later) - parse_utc(earlier)) / TICKS_PER_SECOND


def states(tasks: dict) -> dict[str, tuple]:
    return {name: (text(task, "State"), text(task, "Result")) for name, task in tasks.items()}


def test_a_run_goes_starting_working_stopped_with_a_task_session_per_vm(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        session = newest_session(em, "Replica A")
        fields = (text(session, "State"), text(session, "Result"), text(session, "IsRetry"))
        assert fields == ("Starting", "None", "false")
        assert text(session, "EndTimeUTC") is None and task_sessions(em, session) == {}
        simulator.advance(3)
        session = newest_session(em, "Replica A")
        tasks = task_sessions(em, session)
        assert text(session, "State") == "Working"
        # The folder include makes no task session: only the two VMs.
        assert states(tasks) == {"app-a1": ("InProgress", "None"), "app-a2": ("InProgress", "None")}
        assert {seconds_between(text(session, "CreationTimeUTC"), text(task, "CreationTimeUTC"))
                for task in tasks.values()} == {2.0}


def test_each_vm_ends_in_turn_and_the_session_ends_with_them(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(6)
        tasks = task_sessions(em, newest_session(em, "Replica A"))
        assert states(tasks) == {"app-a1": ("Completed", "Success"), "app-a2": ("InProgress", "None")}
        simulator.advance(5)
        session = newest_session(em, "Replica A")
        tasks = task_sessions(em, session)
        created = text(session, "CreationTimeUTC")
        fields = (text(session, "State"), text(session, "Result"), text(session, "Progress"))
        assert fields == ("Stopped", "Success", "100")
        assert seconds_between(created, text(session, "EndTimeUTC")) == 10.0
        assert {name: seconds_between(created, text(task, "EndTimeUTC")) for name, task in tasks.items()} == {
            "app-a1": 5.5, "app-a2": 9.0}
        assert {text(task, "Reason") for task in tasks.values()} == {""}  # Success: an empty Reason
        assert {text(task, "TotalSize") for task in tasks.values()} == {str(8 * 1024**3)}  # as its last run said


def test_a_vm_that_ends_well_gets_a_new_restore_point_when_it_ends(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        before = {vm: len(points_of(em, vm)) for vm in ("app-a1", "app-a2")}
        act(em, "Replica A", "start")
        simulator.advance(6)
        assert {vm: len(points_of(em, vm)) for vm in before} == {"app-a1": 2, "app-a2": 0}
        simulator.advance(5)
        tasks = task_sessions(em, newest_session(em, "Replica A"))
        newest = {vm: points_of(em, vm)[-1] for vm in before}
        assert before == {"app-a1": 1, "app-a2": 0}
        assert {vm: text(point, "CreationTimeUTC") for vm, point in newest.items()} == {
            vm: text(tasks[vm], "EndTimeUTC") for vm in before}
        # The VM's first point on the server is a full one, the next ones increments.
        algorithms = {vm: text(point, "Algorithm") for vm, point in newest.items()}
        assert algorithms == {"app-a1": "Increment", "app-a2": "Full"}
        entity = em.get(f"vmReplicaPoints/{newest['app-a2'].get('UID').rsplit(':', 1)[1]}", params={"format": "Entity"})
        assert entity.status_code == 200 and parse(entity).get("VmDisplayName") == "app-a2"


@pytest.mark.parametrize(("result", "new_points"), [("Warning", 1), ("Failed", 0)])
def test_every_run_can_end_in_a_chosen_result(certificates, result, new_points):
    with jobs_simulator(certificates, job_run_result=result) as simulator, logged_on(simulator) as em:
        session = run_through(simulator, em, "Replica A")
        tasks = task_sessions(em, session)
        assert text(session, "Result") == result
        assert {states(tasks)[vm] for vm in tasks} == {("Completed", result)}
        assert all(text(task, "Reason") for task in tasks.values())  # a warning or a failure says why
        assert {vm: len(points_of(em, vm)) - 1 for vm in ("app-a1",)} == {"app-a1": new_points}


def test_a_failed_run_says_how_many_vms_failed_where_the_server_writes_failure_messages(certificates):
    with jobs_simulator(certificates, job_run_result="Failed") as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")  # vbr-a, 13.0
        act(em, "Replica E", "start")  # vbr-b, 12.3: no FailureMessage
        simulator.advance(11)
        assert text(newest_session(em, "Replica A"), "FailureMessage") == "Processing finished with errors: 2 of 2 VMs failed"
        assert text(newest_session(em, "Replica E"), "FailureMessage") is None
        assert text(newest_session(em, "Replica E"), "Result") == "Failed"


def test_a_result_can_be_chosen_per_job_name(certificates):
    with jobs_simulator(certificates, job_run_result_for=(("Replica A", "Failed"),)) as simulator, \
            logged_on(simulator) as em:
        act(em, "Replica A", "start")
        act(em, "Replica E", "start")
        simulator.advance(11)
        results = [text(newest_session(em, name), "Result") for name in ("Replica A", "Replica E")]
        assert results == ["Failed", "Success"]
        simulator.configure(job_run_result_for={"Replica E": "Warning"})
        assert text(run_through(simulator, em, "Replica E"), "Result") == "Warning"


def test_a_replica_from_backup_finds_no_new_backup_point_and_warns_without_a_point(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        session = run_through(simulator, em, "Replica C")
        task = task_sessions(em, session)["web-c1"]
        fields = (text(session, "Result"), text(task, "Result"), text(task, "Reason"))
        assert fields == ("Warning", "Warning", FROM_BACKUP)
        assert points_of(em, "web-c1") == []


def test_a_stop_while_working_ends_the_run_failed_a_second_later(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(3)
        act(em, "Replica A", "stop")
        assert text(newest_session(em, "Replica A"), "State") == "Stopping"
        simulator.advance(1.5)
        session = newest_session(em, "Replica A")
        tasks = task_sessions(em, session)
        assert (text(session, "State"), text(session, "Result")) == ("Stopped", "Failed")
        assert text(session, "FailureMessage") == STOPPED
        assert 4.0 <= seconds_between(text(session, "CreationTimeUTC"), text(session, "EndTimeUTC")) < 4.5
        assert {(text(task, "State"), text(task, "Result"), text(task, "Reason"), text(task, "EndTimeUTC"))
                for task in tasks.values()} == {("Completed", "Failed", STOPPED, text(session, "EndTimeUTC"))}
        assert len(points_of(em, "app-a1")) == 1 and points_of(em, "app-a2") == []


def test_a_stop_keeps_what_ended_before_it(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(6)  # app-a1 ended at 5.5 s
        act(em, "Replica A", "stop")
        simulator.advance(1.5)
        session = newest_session(em, "Replica A")
        assert states(task_sessions(em, session)) == {"app-a1": ("Completed", "Success"),
                                                      "app-a2": ("Completed", "Failed")}
        assert text(session, "Result") == "Failed" and len(points_of(em, "app-a1")) == 2


def test_a_stop_while_starting_leaves_no_task_sessions(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(1)
        act(em, "Replica A", "stop")
        simulator.advance(20)
        session = newest_session(em, "Replica A")
        assert (text(session, "State"), text(session, "Result")) == ("Stopped", "Failed")
        assert task_sessions(em, session) == {}


def test_a_stop_ends_a_generated_run_in_progress_at_once(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        assert text(newest_session(em, "Replica D"), "State") == "Working"
        act(em, "Replica D", "stop")
        session = newest_session(em, "Replica D")
        task = task_sessions(em, session)["mail-d1"]
        assert (text(session, "State"), text(session, "Result"), text(session, "FailureMessage")) == (
            "Stopped", "Failed", None)  # vbr-b writes no FailureMessage
        assert (text(task, "State"), text(task, "Result"), text(task, "Reason")) == ("Completed", "Failed", STOPPED)
        assert text(session, "EndTimeUTC") == text(task, "EndTimeUTC")


def test_runs_are_in_the_collections_and_the_query_filters_find_them(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        act(em, "Replica B", "retry")
        simulator.advance(3)
        started = text(newest_session(em, "Replica A"), "CreationTimeUTC")
        working = em.query_entities("ReplicaJobSession", filter=f"State==Working;CreationTime>={started}")
        assert sorted(session.get("Name").split("@")[0] for session in working) == ["Replica A", "Replica B"]
        retries = em.query_entities("ReplicaJobSession", filter='IsRetry==true;JobName=="Replica B"')
        assert len(retries) == 1
        in_progress = em.query_entities("ReplicaTaskSession", filter=f"State==InProgress;CreationTime>={started}")
        assert sorted(task.get("VmDisplayName") for task in in_progress) == ["app-a1", "app-a2", "db-b2", "db-b3"]
        session_id = newest_session(em, "Replica A").get("UID").rsplit(":", 1)[1]
        listed = parse(em.get(f"replicaSessions/{session_id}/replicaTaskSessions"))
        assert sorted(ref.get("Name").split("@")[0] for ref in listed) == ["app-a1", "app-a2"]
        entity = parse(em.get(f"replicaSessions/{session_id}", params={"format": "Entity"}))
        assert entity.findtext("em:State", namespaces=NS) == "Working"
        assert len(job_sessions(em, "Replica A")) == 2


def test_a_query_run_again_sees_the_run_move_on(certificates):
    """The query service caches results; a run that moves on must not be served from the cache."""
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        query = {"filter": 'JobName=="Replica A";State==Stopped'}
        assert len(em.query_entities("ReplicaJobSession", **query)) == 1  # the estate's earlier run
        simulator.advance(11)
        assert len(em.query_entities("ReplicaJobSession", **query)) == 2
