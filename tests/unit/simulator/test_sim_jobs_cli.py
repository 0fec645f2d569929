"""The command line's switches for jobs that run, EM tasks and EM's collection: each option
becomes its setting (read back through POST /_simulator/config), bad ones get one line."""
from __future__ import annotations

import pytest
import requests

from ansible_collections.veeam_em.core.tests.unit.simulator.test_sim_cli import (
    assert_one_line_error, run_cli, start_cli,
)

OPTIONS = ("--job-run-seconds", "1.5", "--job-run-result", "Warning", "--job-run-result-for", "Web, App=Failed",
           "--job-run-result-for", "DR=x=Success", "--task-seconds", "0", "--task-lifetime-seconds", "60",
           "--failed-task-shape", "no-result", "--already-running-answer", "error-409",
           "--retry-not-failed-answer", "no-op", "--collection-interval-seconds", "900", "--collect-seconds", "4")


def settings_of(tmp_path, *args: str) -> dict:
    """The settings a simulator started with these options runs with (an empty config change
    answers them all)."""
    process, ready = start_cli(tmp_path, "--no-tls", *args)
    try:
        return requests.post(ready["url"].replace("/api/", "/_simulator/config"), json={}, timeout=10).json()
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_each_option_sets_its_switch(tmp_path):
    config = settings_of(tmp_path, *OPTIONS)
    assert {name: config[name] for name in (
        "job_run_seconds", "job_run_result", "job_run_result_for", "task_seconds", "task_lifetime_seconds",
        "failed_task_shape", "already_running_answer", "retry_not_failed_answer", "collection_interval_seconds",
        "collect_seconds")} == {
        "job_run_seconds": 1.5, "job_run_result": "Warning",
        # A job name may hold '=': the last one ends it.
        "job_run_result_for": [["Web, App", "Failed"], ["DR=x", "Success"]],
        "task_seconds": 0.0, "task_lifetime_seconds": 60.0, "failed_task_shape": "no-result",
        "already_running_answer": "error-409", "retry_not_failed_answer": "no-op",
        "collection_interval_seconds": 900.0, "collect_seconds": 4.0,
    }


def test_without_the_options_runs_are_visible_at_once_and_tasks_stay(tmp_path):
    config = settings_of(tmp_path)
    assert (config["collection_interval_seconds"], config["task_lifetime_seconds"]) == (None, None)


@pytest.mark.parametrize(("args", "fragment"), [
    (["--job-run-result-for", "Replica A=Stopped"], "JOB NAME=RESULT"),
    (["--job-run-result-for", "=Failed"], "JOB NAME=RESULT"),
    (["--job-run-result", "None"], "--job-run-result"),
    (["--failed-task-shape", "silent"], "--failed-task-shape"),
    (["--already-running-answer", "error-500"], "--already-running-answer"),
    (["--task-seconds", "-1"], "must not be negative"),
    (["--job-run-result-for", "A=Failed", "--job-run-result-for", "A=Success"], "names a job twice"),
])
def test_a_bad_option_gets_one_line_and_exit_2(args, fragment):
    assert_one_line_error(run_cli(*args), fragment)
