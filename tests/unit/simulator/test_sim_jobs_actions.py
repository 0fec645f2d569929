"""Job actions over real HTTPS: POST /jobs/{ID}?action=start|stop|retry answer 202 with a Task
(post_jobs_id_actionstart, post_jobs_id_actionstop, post_jobs_id_actionretry; the Task as in
Veeam's tasks_id example), only a Portal Administrator may send them (security_roles_concept),
retry works only on a job whose last run ended Failed, and each undocumented answer is a switch.

Expectations come from the estate in jobhelpers.py and those pages, worked out by hand.
"""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, parse
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import (
    EM, JOB_IDS, SERVER_A, act, collect, job_sessions, jobs_simulator, logged_on, task_of, task_sessions,
)

RUNNING_A = 'Job "Replica A" is already running.'
NOT_FAILED_A = 'Job "Replica A" cannot be retried: its last run did not end Failed.'


def test_a_start_answers_202_with_a_task_shaped_as_veeams_example(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        response = act(em, "Replica A", "start")
        assert response.status_code == 202
        assert response.headers["Content-Type"].startswith("application/xml")
        task = parse(response)
        href = f"{simulator.url}tasks/task-1"
        assert (task.tag, task.get("Type"), task.get("Href")) == (EM + "Task", "Task", href)
        order = ("Links", "TaskId", "State", "Operation", "Result")
        assert [child.tag for child in task] == [EM + name for name in order]
        links = task.findall("em:Links/em:Link", NS)
        assert [(link.get("Rel"), link.get("Href"), link.get("Type")) for link in links] == [("Delete", href, "Task")]
        # Just made, with task_seconds at its default of 2: Running; a trigger that went well
        # carries its Result from the start.
        assert task_of(response) == {"id": "task-1", "state": "Running", "operation": "StartJob",
                                     "result": ("true", 'Job "Replica A" triggered to start.')}


def test_stop_and_retry_name_their_operation_and_tasks_are_numbered_across_em(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as first, logged_on(simulator) as second:
        assert task_of(act(first, "Replica A", "start"))["id"] == "task-1"
        stop = task_of(act(second, "Replica A", "stop"))
        retry = task_of(act(first, "Replica B", "retry"))
    assert stop == {"id": "task-2", "state": "Running", "operation": "StopJob",
                    "result": ("true", 'Job "Replica A" triggered to stop.')}
    assert retry == {"id": "task-3", "state": "Running", "operation": "RetryJob",
                     "result": ("true", 'Job "Replica B" triggered to retry.')}


@pytest.mark.parametrize("action", ["sync", "Start now", ""])
def test_an_action_a_replication_job_does_not_have_is_400(certificates, action):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        response = act(em, "Replica A", action)
        assert response.status_code == 400 and parse(response).get("StatusCode") == "400"
        assert simulator.snapshot()["runs"] == []


def test_the_action_name_is_taken_in_any_case(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        assert task_of(act(em, "Replica A", "START"))["operation"] == "StartJob"


def test_an_unknown_job_is_404_and_reads_still_work(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        response = em.request("POST", "jobs/0badf00d-0000-4000-8000-000000000000", params={"action": "start"})
        assert response.status_code == 404
        assert em.get(f"jobs/{JOB_IDS['Replica A']}").status_code == 200
        assert em.request("PUT", f"jobs/{JOB_IDS['Replica A']}", params={"action": "start"}).status_code == 405


@pytest.mark.parametrize("action", ["start", "stop", "retry"])
@pytest.mark.parametrize("account", ["portal_user", "restore_operator"])
def test_only_a_portal_administrator_may_act_on_jobs(certificates, account, action):
    with jobs_simulator(certificates) as simulator, logged_on(simulator, account) as em:
        response = act(em, "Replica B", action)
        assert response.status_code == 403
        assert parse(response).get("Message") == "Access is denied."
        assert simulator.snapshot()["runs"] == [] and simulator.snapshot()["denied"] == {"jobs": 1}
        assert len(parse(em.get("tasks"))) == 0


@pytest.mark.parametrize(("denied_answer", "status"), [("empty", 404), ("unauthorized", 401)])
def test_a_refused_job_action_follows_the_denied_answer_switch(certificates, denied_answer, status):
    with jobs_simulator(certificates, denied_answer=denied_answer) as simulator, logged_on(simulator, "portal_user") as em:
        assert act(em, "Replica A", "start").status_code == status
        assert simulator.snapshot()["runs"] == []


@pytest.mark.parametrize(("account", "status"), [("administrator", 202), ("portal_user", 202),
                                                 ("restore_operator", 403)])
def test_a_portal_user_may_collect_and_a_restore_operator_may_not(certificates, account, status):
    with jobs_simulator(certificates) as simulator, logged_on(simulator, account) as em:
        response = collect(em)
        assert response.status_code == status
        if status == 202:
            assert task_of(response)["operation"] == "CollectingBackupServer"


def test_collect_on_an_unknown_server_is_404_and_another_action_400(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        assert collect(em, "0badf00d-0000-4000-8000-000000000000").status_code == 404
        wrong = em.request("POST", f"backupServers/{SERVER_A}", params={"action": "start"})
        assert wrong.status_code == 400


def _start_twice(simulator, name: str = "Replica A") -> list:
    with logged_on(simulator) as em:
        first = act(em, name, "start")
        again = act(em, name, "start")
        simulator.advance(2.5)  # past task_seconds (2): both tasks Finished
        return [first, again, em.get(f"tasks/{task_of(again)['id']}") if again.status_code == 202 else None]


def test_starting_a_running_job_again_is_by_default_a_task_that_fails(certificates):
    with jobs_simulator(certificates) as simulator:
        first, again, later = _start_twice(simulator)
        assert first.status_code == again.status_code == 202
        # Running: the refusal is not shown yet; Finished: Result Success="false" with the reason.
        assert task_of(again) == {"id": "task-2", "state": "Running", "operation": "StartJob", "result": None}
        assert task_of(later) == {"id": "task-2", "state": "Finished", "operation": "StartJob",
                                  "result": ("false", RUNNING_A)}
        assert len(simulator.snapshot()["runs"]) == 1


def test_a_failed_task_can_be_finished_with_no_result(certificates):
    with jobs_simulator(certificates, failed_task_shape="no-result") as simulator:
        _first, _again, later = _start_twice(simulator)
        assert task_of(later) == {"id": "task-2", "state": "Finished", "operation": "StartJob", "result": None}


@pytest.mark.parametrize("status", [400, 409])
def test_starting_a_running_job_can_be_an_error(certificates, status):
    with jobs_simulator(certificates, already_running_answer=f"error-{status}") as simulator:
        _first, again, _later = _start_twice(simulator)
        error = parse(again)
        assert again.status_code == status
        assert (error.tag, error.get("StatusCode"), error.get("Message")) == (EM + "Error", str(status), RUNNING_A)
        assert len(simulator.snapshot()["runs"]) == 1


def test_starting_a_running_job_can_be_accepted_while_nothing_new_happens(certificates):
    with jobs_simulator(certificates, already_running_answer="no-op") as simulator:
        _first, again, later = _start_twice(simulator)
        assert task_of(later)["result"] == ("true", 'Job "Replica A" triggered to start.')
        assert len(simulator.snapshot()["runs"]) == 1
        with logged_on(simulator) as em:
            assert len(job_sessions(em, "Replica A")) == 2  # the estate's run and the one started here


def test_a_job_whose_generated_run_is_in_progress_is_already_running(certificates):
    with jobs_simulator(certificates, already_running_answer="error-409") as simulator, logged_on(simulator) as em:
        assert act(em, "Replica D", "start").status_code == 409
        assert act(em, "Replica D", "retry").status_code == 409


def test_retrying_a_running_job_is_answered_as_already_running(certificates):
    with jobs_simulator(certificates, already_running_answer="error-400") as simulator, logged_on(simulator) as em:
        assert act(em, "Replica B", "retry").status_code == 202
        refused = act(em, "Replica B", "retry")
        assert refused.status_code == 400 and parse(refused).get("Message") == 'Job "Replica B" is already running.'


@pytest.mark.parametrize("name", ["Replica A", "Replica E"])  # last run Success; never run
def test_retrying_a_job_whose_last_run_did_not_fail_is_by_default_a_task_that_fails(certificates, name):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        task = task_of(act(em, name, "retry"))
        simulator.advance(2.5)
        finished = task_of(em.get(f"tasks/{task['id']}"))
        assert finished == {"id": task["id"], "state": "Finished", "operation": "RetryJob",
                            "result": ("false", f'Job "{name}" cannot be retried: its last run did not end Failed.')}
        assert simulator.snapshot()["runs"] == []


@pytest.mark.parametrize(("answer", "status"), [("error-400", 400), ("error-409", 409), ("no-op", 202)])
def test_retrying_a_job_whose_last_run_did_not_fail_can_be_answered_otherwise(certificates, answer, status):
    with jobs_simulator(certificates, retry_not_failed_answer=answer) as simulator, logged_on(simulator) as em:
        response = act(em, "Replica A", "retry")
        assert response.status_code == status
        if status == 202:
            assert task_of(response)["result"] == ("true", 'Job "Replica A" triggered to retry.')
        else:
            assert parse(response).get("Message") == NOT_FAILED_A
        assert simulator.snapshot()["runs"] == []


def test_a_retry_of_a_failed_run_processes_only_its_failed_vms(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        assert act(em, "Replica B", "retry").status_code == 202
        simulator.advance(3)  # past the first fifth of the 10 s run: Working, task sessions made
        retry = job_sessions(em, "Replica B")[-1]
        assert retry.findtext("em:IsRetry", namespaces=NS) == "true"
        assert sorted(task_sessions(em, retry)) == ["db-b2", "db-b3"]


def test_a_run_started_here_that_failed_can_be_retried_with_all_its_vms(certificates):
    with jobs_simulator(certificates, job_run_result_for=(("Replica A", "Failed"),)) as simulator, \
            logged_on(simulator) as em:
        act(em, "Replica A", "start")
        simulator.advance(11)  # the 10 s run has ended, Failed
        simulator.configure(job_run_result_for=())
        assert task_of(act(em, "Replica A", "retry"))["result"][0] == "true"
        simulator.advance(3)
        retry = job_sessions(em, "Replica A")[-1]
        assert retry.findtext("em:IsRetry", namespaces=NS) == "true"
        assert sorted(task_sessions(em, retry)) == ["app-a1", "app-a2"]


def test_a_stop_of_a_job_that_is_not_running_changes_nothing(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        before = [session.findtext("em:State", namespaces=NS) for session in job_sessions(em, "Replica A")]
        assert task_of(act(em, "Replica A", "stop"))["result"] == ("true", 'Job "Replica A" triggered to stop.')
        after = [session.findtext("em:State", namespaces=NS) for session in job_sessions(em, "Replica A")]
        assert before == after == ["Stopped"]
        assert simulator.snapshot()["runs"] == []
