"""replication_job and EM's undocumented answers [post_jobs_id_actionstart, post_jobs_id_actionretry]:
a start of a job already running, and a retry of a job whose last run did not end Failed, each in
every reading the simulator has (config_jobs.REFUSED_ACTION_ANSWERS), plus a failed task in both
shapes (FAILED_TASK_SHAPES).

Such an answer comes only when EM shows less than the backup server knows: here EM collects once an
hour (collection_interval_seconds), so a run the module started stays unseen, and the next call
believes the job idle. Estate: tests/unit/simulator/jobhelpers.py (Replica A last ended Success,
Replica B Failed, both on vbr-a.corp.example).
"""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.acting._replication_job_messages import JobActionFailed
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.test_replication_job import post, run, writes
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import jobs_simulator

LAG = {"collection_interval_seconds": 3600}
RUNNING_A = 'Job "Replica A" is already running.'
NOT_FAILED_B = 'Job "Replica B" cannot be retried: its last run did not end Failed.'
JOB_A = 'replication job "Replica A" on backup server vbr-a.corp.example'


def test_a_start_em_does_not_show_yet_returns_no_run(certificates):
    with jobs_simulator(certificates, **LAG) as simulator:
        result = run(simulator, name="Replica A")
        assert writes(simulator) == [(post("Replica A", "start"), 202)]
        assert (result["changed"], result["job_session"]) == (True, None)


@pytest.mark.parametrize(("answer", "shape", "said", "status"), [
    ("failed-task", "result-false", f"task-2 (StartJob, OperationFinished, failed: {RUNNING_A})", 202),
    ("failed-task", "no-result", "task-2 (StartJob, Finished, no result)", 202),
    # EM's message ends in a full stop; the sentence goes on after one.
    ("error-400", "result-false", 'HTTP 400: Job "Replica A" is already running', 400),
    ("error-409", "result-false", 'HTTP 409: Job "Replica A" is already running', 409),
])
def test_a_start_of_a_job_running_unseen_fails_saying_why_and_what_to_do(certificates, answer, shape, said, status):
    with jobs_simulator(certificates, already_running_answer=answer, failed_task_shape=shape, **LAG) as simulator:
        run(simulator, name="Replica A")
        with pytest.raises(JobActionFailed) as refused:
            run(simulator, name="Replica A")
        assert writes(simulator) == [(post("Replica A", "start"), 202), (post("Replica A", "start"), status)]
        message = str(refused.value)
        assert message.startswith(f"Enterprise Manager did not start {JOB_A}: {said}. EM showed its last run as ")
        assert "ended Success" in message and "with none going; the backup server may have one going" in message
        assert message.endswith("Run this task again after EM's next collection.")
        # EM refused it: nothing changed.
        assert refused.value.known["changed"] is False


def test_a_start_answered_as_if_it_started_times_out_waiting_for_a_run(certificates):
    with jobs_simulator(certificates, already_running_answer="no-op", **LAG) as simulator:
        run(simulator, name="Replica A")
        with pytest.raises(JobActionFailed) as unseen:
            run(simulator, name="Replica A", wait=True, wait_timeout=30)
        assert writes(simulator) == [(post("Replica A", "start"), 202)] * 2
        message = str(unseen.value)
        assert message.startswith(f"R{JOB_A[1:]}: Enterprise Manager answered the start with task-2 (StartJob, ")
        assert "but showed no new run of the job within 30 seconds (wait_timeout)" in message
        assert "The job was not started again" in message


@pytest.mark.parametrize(("answer", "said", "status"), [
    ("failed-task", f"task-2 (RetryJob, OperationFinished, failed: {NOT_FAILED_B})", 202),
    ("error-400", 'HTTP 400: Job "Replica B" cannot be retried: its last run did not end Failed', 400),
])
def test_a_retry_of_a_job_whose_unseen_last_run_went_well_says_to_start_instead(certificates, answer, said, status):
    with jobs_simulator(certificates, retry_not_failed_answer=answer, **LAG) as simulator:
        run(simulator, name="Replica B", retry=True)
        simulator.advance(20)  # the retry's run (10 s) ends Success on the backup server; EM still shows Failed
        with pytest.raises(JobActionFailed) as refused:
            run(simulator, name="Replica B", retry=True)
        assert writes(simulator) == [(post("Replica B", "retry"), 202), (post("Replica B", "retry"), status)]
        message = str(refused.value)
        assert message.startswith(f'Enterprise Manager did not retry replication job "Replica B" on backup server '
                                  f"vbr-a.corp.example: {said}. A retry works only on a job whose last run ended Failed")
        assert "ended Failed" in message and "Set retry: false to start a full run" in message
