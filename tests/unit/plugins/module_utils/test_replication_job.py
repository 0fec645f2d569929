"""replication_job's logic (_replication_job.ensure) against the simulator's hand-written estate
(tests/unit/simulator/jobhelpers.py): Replica A's last run ended Success, Replica B's Failed
(db-b1 Success, db-b2 and db-b3 Failed), Replica D's run is Working, all five jobs' names are
unique. Every test asserts the exact writes sent; the waits run on the simulator's clock (each
pause advances it), so a 10-second run takes no real time.

Simulator defaults (config.py): a run lasts 10 s and ends Success, a task is Running for 1 s,
OperationFinished for 1 s, then Finished; EM sees runs at once (no collection interval).
"""
from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.acting._job_run import Clock
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replication_job import JobRequest, decide, ensure
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replication_job_messages import JobActionFailed
from ansible_collections.veeam_em.core.plugins.module_utils.acting._waiting import Backoff
from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options
from ansible_collections.veeam_em.core.tests.unit.simulated_time import SimulatedTime
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import (
    ACCOUNTS, JOB_IDS, PASSWORD, jobs_simulator,
)


def simulated_clock(simulator: EmSimulator) -> Clock:
    """Pauses that move the simulator's clock instead of sleeping; 1, 2, 4... seconds, at most 8."""
    time = SimulatedTime(simulator)
    return Clock(now=time.clock, sleep=time.sleep, backoff=Backoff(first=1.0, factor=2.0, cap=8.0))


def run(simulator: EmSimulator, check_mode: bool = False, account: str = "administrator", **options: Any) -> dict:
    user = ACCOUNTS[account][0]
    with open_api(connection_options(simulator, username=user, password=PASSWORD)) as api:
        return ensure(api, JobRequest(**options), check_mode, simulated_clock(simulator))


def writes(simulator: EmSimulator) -> list[tuple[str, int]]:
    return [(entry["request"], entry["status"]) for entry in simulator.snapshot()["write_log"]]


def post(name: str, action: str) -> str:
    return f"POST /api/jobs/{JOB_IDS[name]}?action={action}"


def test_a_job_not_running_is_started_once_and_its_run_followed_to_the_end(certificates):
    with jobs_simulator(certificates) as simulator:
        result = run(simulator, name="Replica A", wait=True, wait_timeout=60)
        assert writes(simulator) == [(post("Replica A", "start"), 202)]
        assert (result["changed"], result["action"]) == (True, "start")
        assert result["task"]["operation"] == "StartJob" and result["task"]["success"] is True
        assert result["task"]["message"] == 'Job "Replica A" triggered to start.'
        session = result["job_session"]
        assert (session["state"], session["result"], session["is_retry"]) == ("Stopped", "Success", False)
        assert result["job"]["name"] == "Replica A" and result["job"]["backup_server_name"] == "vbr-a.corp.example"
        # The task is settled after one pause of 1 s (OperationFinished with success); the run, shown
        # at once, is then waited for with fresh pauses of 1, 2, 4 and 8 s: at 1 + 15 = 16 s it has
        # ended (10 s after the start), at 1 + 7 = 8 s it had not.
        assert result["waited_seconds"] == 16


def test_without_wait_the_new_run_is_returned_as_em_shows_it_then(certificates):
    with jobs_simulator(certificates) as simulator:
        result = run(simulator, name="Replica E")
        assert writes(simulator) == [(post("Replica E", "start"), 202)]
        assert result["job_session"]["state"] in ("Starting", "Working") and result["job_session"]["result"] is None


def test_a_running_job_is_not_started_again(certificates):
    with jobs_simulator(certificates) as simulator:
        result = run(simulator, name="Replica D")
        assert writes(simulator) == []
        assert (result["changed"], result["action"], result["task"]) == (False, None, None)
        assert result["job_session"]["state"] == "Working"


def test_a_second_start_right_after_the_first_sends_nothing(certificates):
    with jobs_simulator(certificates) as simulator:
        first = run(simulator, name="Replica A")
        second = run(simulator, name="Replica A")
        assert writes(simulator) == [(post("Replica A", "start"), 202)]
        assert (first["changed"], second["changed"]) == (True, False)
        assert second["job_session"]["uid"] == first["job_session"]["uid"]


def test_stopped_stops_a_running_job_once_and_waits_for_it(certificates):
    with jobs_simulator(certificates) as simulator:
        result = run(simulator, name="Replica D", state="stopped", wait=True, wait_timeout=60)
        again = run(simulator, name="Replica D", state="stopped")
        assert writes(simulator) == [(post("Replica D", "stop"), 202)]
        # EM records a stopped run as Failed [get_query_replicajobsession]; a stop is not a failure of the module.
        assert (result["changed"], result["action"]) == (True, "stop")
        assert (result["job_session"]["state"], result["job_session"]["result"]) == ("Stopped", "Failed")
        assert (again["changed"], again["action"]) == (False, None)


def test_stopped_sends_nothing_for_a_job_not_running(certificates):
    with jobs_simulator(certificates) as simulator:
        result = run(simulator, name="Replica A", state="stopped")
        assert writes(simulator) == [] and result["changed"] is False


def test_retry_retries_a_job_whose_last_run_failed_processing_the_failed_vms(certificates):
    with jobs_simulator(certificates) as simulator:
        result = run(simulator, name="Replica B", retry=True, wait=True, wait_timeout=60)
        assert writes(simulator) == [(post("Replica B", "retry"), 202)]
        assert result["action"] == "retry" and result["task"]["operation"] == "RetryJob"
        assert (result["job_session"]["is_retry"], result["job_session"]["result"]) == (True, "Success")
        assert simulator.snapshot()["runs"][0]["vm_names"] == ["db-b2", "db-b3"]


def test_retry_of_a_job_whose_last_run_did_not_fail_is_a_start(certificates):
    with jobs_simulator(certificates) as simulator:
        result = run(simulator, name="Replica A", retry=True)
        assert writes(simulator) == [(post("Replica A", "start"), 202)] and result["action"] == "start"


def test_check_mode_sends_nothing_and_says_what_it_would_do(certificates):
    with jobs_simulator(certificates) as simulator:
        start = run(simulator, check_mode=True, name="Replica A", wait=True)
        retry = run(simulator, check_mode=True, name="Replica B", retry=True)
        stop = run(simulator, check_mode=True, name="Replica D", state="stopped", wait=True)
        assert writes(simulator) == []
        assert [(r["changed"], r["action"], r["task"]) for r in (start, retry, stop)] == [
            (True, "start", None), (True, "retry", None), (True, "stop", None)]
        # The run each would act on, as EM shows it now: D's still Working (no wait in check mode).
        assert stop["job_session"]["state"] == "Working" and start["job_session"]["result"] == "Success"


def test_a_run_that_ends_failed_fails_with_the_run_and_what_to_do(certificates):
    with jobs_simulator(certificates, job_run_result_for=(("Replica A", "Failed"),)) as simulator:
        with pytest.raises(JobActionFailed) as failed:
            run(simulator, name="Replica A", wait=True, wait_timeout=60)
        assert writes(simulator) == [(post("Replica A", "start"), 202)]
        message = str(failed.value)
        assert message.startswith('Replication job "Replica A" on backup server vbr-a.corp.example: its run ended Failed')
        assert "result: [Failed]" in message and "retry: true" in message
        known = failed.value.known
        assert known["changed"] is True and (known["job_session"]["state"], known["job_session"]["result"]) == (
            "Stopped", "Failed")


def test_a_timeout_says_the_job_still_runs_and_returns_the_run(certificates):
    with jobs_simulator(certificates, job_run_seconds=100) as simulator:
        with pytest.raises(JobActionFailed) as timed_out:
            run(simulator, name="Replica A", wait=True, wait_timeout=20)
        message = str(timed_out.value)
        assert 'Replication job "Replica A" on backup server vbr-a.corp.example still runs after 20 seconds' in message
        assert "It was not stopped, and will not be started again" in message
        assert timed_out.value.known["job_session"]["state"] == "Working"
        # Waiting again finds the run going: no second start.
        again = run(simulator, name="Replica A", wait=True, wait_timeout=200)
        assert writes(simulator) == [(post("Replica A", "start"), 202)]
        assert (again["changed"], again["job_session"]["result"]) == (False, "Success")


def test_a_portal_user_is_told_the_role_and_nothing_is_sent(certificates):
    with jobs_simulator(certificates) as simulator:
        with pytest.raises(JobActionFailed) as refused:
            run(simulator, account="portal_user", name="Replica A")
        assert writes(simulator) == []
        message = str(refused.value)
        assert message.startswith('Cannot look up replication job "Replica A": Enterprise Manager refused GET')
        assert "reading replication jobs needs the Portal Administrator role in Enterprise Manager" in message


def test_a_start_whose_answer_never_came_is_not_sent_again(certificates):
    with jobs_simulator(certificates) as simulator:
        with open_api(connection_options(simulator, username=ACCOUNTS["administrator"][0], password=PASSWORD)) as api:
            api.session.post = answer_dropped(simulator, api.session.post)
            with pytest.raises(JobActionFailed) as unknown:
                ensure(api, JobRequest("Replica A"), False, simulated_clock(simulator))
        message = str(unknown.value)
        assert message.startswith('Replication job "Replica A": the start was sent, but its answer never came')
        assert "may have acted on it, so it was not sent again" in message
        assert [request for request, _status in writes(simulator)] == [post("Replica A", "start")]


def answer_dropped(simulator: EmSimulator, post_once: Any) -> Any:
    """The session's post, with the simulator dropping every connection while it is sent: the
    reads before it go through."""
    def dropped(*args: Any, **kwargs: Any) -> Any:
        simulator.configure(drop_rate=1.0)
        try:
            return post_once(*args, **kwargs)
        finally:
            simulator.configure(drop_rate=0.0)

    return dropped


@pytest.mark.parametrize(("state", "result", "retry", "action"), [
    (None, None, False, "start"), ("Stopped", "Success", False, "start"), ("Stopped", "Failed", False, "start"),
    ("Stopped", "Failed", True, "retry"), ("Stopped", "Warning", True, "start"), ("Starting", "None", True, None),
    ("Working", "None", False, None), ("Stopping", "None", False, None),
])
def test_decide_started(state, result, retry, action):
    last = None if state is None else {"state": state, "result": result}
    assert decide(JobRequest("J", retry=retry), last) == action


@pytest.mark.parametrize(("state", "action"), [
    (None, None), ("Stopped", None), ("Starting", "stop"), ("Working", "stop"), ("Stopping", None),
])
def test_decide_stopped(state, action):
    last = None if state is None else {"state": state, "result": "None"}
    assert decide(JobRequest("J", state="stopped"), last) == action


def test_a_name_em_does_not_have_is_named_with_where_to_look(certificates):
    with jobs_simulator(certificates) as simulator:
        with pytest.raises(JobActionFailed) as unknown:
            run(simulator, name="replica a", backup_server_name="vbr-a.corp.example")
        assert str(unknown.value) == (
            'Enterprise Manager shows no replication job named "replica a" on backup server vbr-a.corp.example. '
            "Names are exact and case-sensitive: check name and backup_server_name against "
            "veeam_em.core.replication_job_info. An account without the Portal Administrator role may be shown no "
            "jobs at all.")
        assert writes(simulator) == []


@pytest.mark.parametrize(("params", "message"), [
    ({"name": "J", "state": "stopped", "retry": True}, "retry applies to state=started only (a retry is a start); remove it"),
    ({"name": "J", "wait_timeout": 0}, "wait_timeout must be more than 0 seconds, not 0"),
])
def test_options_that_cannot_work_are_refused_before_any_request(params, message):
    with pytest.raises(ConfigurationError) as refused:
        JobRequest.from_params(params)
    assert str(refused.value) == message
