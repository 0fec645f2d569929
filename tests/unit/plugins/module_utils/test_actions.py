"""Actions on Enterprise Manager (job start, stop, retry; collect) and their Tasks, against the
simulator over HTTPS: each POST sent once, refusals named by the role, tasks followed."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _rights as rights
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied, ActionOutcomeUnknown
from ansible_collections.veeam_em.core.plugins.module_utils.em._actions import EmActions
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options, estate_simulator, leak_checked

READER, READER_PASSWORD = "CORP\\actions-reader", "Actions-Pw-3"


@pytest.fixture(scope="module")
def estate():
    with estate_simulator(seed=5, servers=1, jobs_per_server=2, vms_per_job=2, days=1, interval_hours=6) as simulator:
        simulator.add_user(READER, READER_PASSWORD, roles=("PortalUser",))
        yield simulator


@pytest.fixture
def simulator(estate):
    yield from leak_checked(estate)
    estate.advance(3600)  # every run started here ends before the next test


def act(simulator, call, **options):
    with open_session(connection_options(simulator, **options)) as em:
        return call(EmActions(em))


def writes(simulator) -> list:
    return [(entry["request"], entry["status"]) for entry in simulator.snapshot()["write_log"]]


def test_a_start_is_one_post_answered_with_a_task_followed_in_the_same_session(simulator):
    job = simulator.dataset.jobs[1]

    def start_and_follow(actions):
        started = actions.job_action(job.id, "start")
        simulator.advance(3)  # the task's 2 simulated seconds, not the run's 10
        return started, actions.task(started.task_id)

    started, followed = act(simulator, start_and_follow)
    # Whether EM writes the Result before the task finishes is undocumented: only the state is checked.
    assert (started.operation, started.state) == ("StartJob", "Running")
    assert (followed.task_id, followed.state, followed.success) == (started.task_id, "Finished", True)
    assert followed.message == f'Job "{job.name}" triggered to start.' and followed.done_on_server
    assert writes(simulator) == [(f"POST /api/jobs/{job.id}?action=start", 202)]


def test_a_task_of_another_logon_session_is_gone(simulator):
    task = act(simulator, lambda actions: actions.job_action(simulator.dataset.jobs[1].id, "start"))
    assert act(simulator, lambda actions: actions.task(task.task_id)) is None


def test_starting_a_running_job_is_a_task_that_says_it_failed(simulator):
    job_id = simulator.dataset.jobs[1].id

    def start_twice(actions):
        first = actions.job_action(job_id, "start")
        simulator.advance(3)  # the first task is done; its run (10 simulated seconds) goes on
        second = actions.job_action(job_id, "start")
        simulator.advance(3)
        return actions.task(first.task_id), actions.task(second.task_id)

    first, second = act(simulator, start_twice)
    assert first.success is True and second.failed and "already running" in second.message
    assert second.described().startswith(f"{second.task_id} (StartJob, Finished, failed: ")


def test_a_portal_user_may_collect_but_not_start_and_is_told_the_role(simulator):
    server_id = simulator.dataset.servers[0].id
    task = act(simulator, lambda actions: actions.collect(server_id), username=READER, password=READER_PASSWORD)
    assert task.operation == "CollectingBackupServer"
    with pytest.raises(AccessDenied) as refused:
        act(simulator, lambda actions: actions.job_action(simulator.dataset.jobs[0].id, "start"),
            username=READER, password=READER_PASSWORD)
    assert refused.value.right is rights.JOB_ACTIONS
    assert "starting, stopping or retrying jobs needs the Portal Administrator role in Enterprise Manager" in str(
        refused.value)


@pytest.mark.parametrize("fault", ["drop_rate", "truncate_rate"])
def test_a_start_whose_answer_never_comes_whole_is_not_sent_again(simulator, fault):
    job_id = simulator.dataset.jobs[0].id

    def start_with_fault(actions):
        simulator.configure(**{fault: 1.0})
        try:
            return actions.job_action(job_id, "start")
        finally:
            simulator.configure(**{fault: 0.0})

    with pytest.raises(ActionOutcomeUnknown, match="may have acted on it, so it is not sent again"):
        act(simulator, start_with_fault)
    assert [request for request, _status in writes(simulator)] == [f"POST /api/jobs/{job_id}?action=start"]


def test_a_503_is_not_acted_on_so_the_start_is_sent_again(simulator):
    job_id = simulator.dataset.jobs[0].id

    def start_after_a_503(actions):
        simulator.configure(error_rate=1.0, fault_seed=1)
        actions.session.transport.options = actions.session.transport.options.__class__(
            **{**vars(actions.session.transport.options), "max_retries": 1, "backoff_base": 0.01, "backoff_max": 0.01})
        try:
            return actions.job_action(job_id, "start")
        finally:
            simulator.configure(error_rate=0.0)

    with pytest.raises(Exception):
        act(simulator, start_after_a_503)
    assert writes(simulator) == [(f"POST /api/jobs/{job_id}?action=start", 503)] * 2
