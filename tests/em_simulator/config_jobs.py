"""The switches of jobs that run, EM tasks and EM's collection: their modes and their checks.

What Veeam documents is fixed (EM REST reference: post_jobs_id_actionstart, _actionstop,
_actionretry, get_tasks_id, tasks, delete_task_id, post_backupservers_id_collect; see
docs/docsite/rst/em_api_notes.rst); each switch here is either a length of simulated time or
one reading of what those pages leave open.
"""
from __future__ import annotations

from typing import Any

from .model import RESULTS

# A task that failed (undocumented): State Finished with <Result Success="false"> and a
# Message ("result-false"), or State Finished and no Result at all ("no-result").
FAILED_TASK_SHAPES = ("result-false", "no-result")
# What EM answers when a job that is already running is started (or retried) again, and when a
# job whose last run did not end Failed is retried (both undocumented): 202 with a task that
# ends failed ("failed-task"); an Error body with 400 or 409 ("error-400", "error-409"); or 202
# with a task that ends well while nothing new happens ("no-op").
REFUSED_ACTION_ANSWERS = ("failed-task", "error-400", "error-409", "no-op")


def _seconds_problems(config: Any) -> list[str]:
    problems = []
    for name in ("job_run_seconds", "task_seconds", "collect_seconds"):
        if getattr(config, name) < 0:
            problems.append(f"{name} must not be negative")
    for name in ("task_lifetime_seconds", "collection_interval_seconds"):
        value = getattr(config, name)
        if value is not None and value <= 0:
            problems.append(f"{name} must be greater than 0 (or unset)")
    return problems


def job_problems(config: Any) -> list[str]:
    """What is wrong with a SimulatorConfig's job, task and collection settings."""
    problems = _seconds_problems(config)
    results = [config.job_run_result, *(result for _name, result in config.job_run_result_for)]
    if any(result not in RESULTS for result in results):
        problems.append(f"job_run_result must be one of {', '.join(RESULTS)}")
    names = [name for name, _result in config.job_run_result_for]
    if len(set(names)) != len(names):
        problems.append("job_run_result_for names a job twice")
    if config.failed_task_shape not in FAILED_TASK_SHAPES:
        problems.append(f"failed_task_shape must be one of {', '.join(FAILED_TASK_SHAPES)}")
    for name in ("already_running_answer", "retry_not_failed_answer"):
        if getattr(config, name) not in REFUSED_ACTION_ANSWERS:
            problems.append(f"{name} must be one of {', '.join(REFUSED_ACTION_ANSWERS)}")
    return problems
