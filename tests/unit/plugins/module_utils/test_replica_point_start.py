"""replica_point's start of a job (_replica_point_wait.start, follow_task) for the answers the
simulator's roles cannot give: a 403 to the start itself, an answer that never came, and EM's
undocumented refusals of a job that runs already."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied, ActionOutcomeUnknown, ApiError
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_runs import JobRun, RunFailed
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_wait import (
    StartOutcomeUnknown,
    follow_task,
    start,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import EmTask

JOB = {"id": "j1", "uid": "urn:veeam:Job:j1", "name": "SQL Replication", "backup_server_name": "vbr01"}


def new_run() -> JobRun:
    return JobRun(dict(JOB), ["db01", "db02"], frozenset(), datetime(2026, 1, 1, tzinfo=timezone.utc))


class Actions:
    """Answers a start with `answer` (an EmTask, or an exception to raise) and a task read with `task`."""

    def __init__(self, answer, task=None) -> None:
        self.answer, self.followed = answer, task

    def job_action(self, job_id, action):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def task(self, task_id):
        return self.followed


def test_a_refused_start_names_the_job_the_vms_and_the_role():
    run = new_run()
    denied = AccessDenied("starting, stopping or retrying jobs needs the Portal Administrator role", 403, "u")
    with pytest.raises(RunFailed) as refused:
        start(Actions(denied), run)
    assert str(refused.value) == ("Could not start replication job 'SQL Replication' on vbr01 (for VM(s) db01, db02): "
                                  "starting, stopping or retrying jobs needs the Portal Administrator role")
    assert run.started is False


def test_a_start_whose_answer_never_came_is_not_sent_again_and_says_how_to_check():
    with pytest.raises(StartOutcomeUnknown) as unknown:
        start(Actions(ActionOutcomeUnknown("no answer within 30 s")), new_run())
    assert str(unknown.value).startswith(
        "The start of replication job 'SQL Replication' on vbr01 (for VM(s) db01, db02) was sent but its answer "
        "never came (no answer within 30 s). Enterprise Manager may have started it, so it was not sent again: "
        "see the job's sessions with veeam_em.core.replica_task_session_info")


@pytest.mark.parametrize("status", [400, 409])
def test_a_400_or_409_saying_the_job_runs_is_waited_for(status):
    run = new_run()
    start(Actions(ApiError('Job "SQL Replication" is already running.', status, "u")), run)
    assert (run.started, run.refusal) == (False, 'Job "SQL Replication" is already running.')


def test_a_refusal_for_another_reason_fails_with_what_em_said():
    with pytest.raises(RunFailed, match="Enterprise Manager refused to start replication job 'SQL Replication' on "
                                        "vbr01 \\(for VM\\(s\\) db01, db02\\): Job is disabled. Nothing was started"):
        start(Actions(ApiError("Job is disabled", 400, "u")), new_run())


def test_a_500_is_not_taken_for_a_refusal():
    with pytest.raises(ApiError):
        start(Actions(ApiError("Internal error", 500, "u")), new_run())


def test_a_start_task_that_fails_saying_the_job_runs_undoes_started_and_is_waited_for():
    run = new_run()
    actions = Actions(EmTask("task-1", "Running", "StartJob", None, None),
                      EmTask("task-1", "Finished", "StartJob", False, 'Job "SQL Replication" is already running.'))
    start(actions, run)
    assert run.started is True
    follow_task(actions, run)
    assert (run.started, run.task, run.refusal) == (False, None, 'Job "SQL Replication" is already running.')


def test_a_task_em_dropped_stops_being_followed_and_the_start_stands():
    run = new_run()
    actions = Actions(EmTask("task-1", "Running", "StartJob", None, None), None)
    start(actions, run)
    follow_task(actions, run)
    assert (run.started, run.task, run.refusal) == (True, None, None)
