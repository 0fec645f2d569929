"""The command line's switches for jobs that run, EM tasks and EM's collection (config_jobs.py),
as SimulatorConfig settings. Each can also be changed at run time: POST /_simulator/config."""
from __future__ import annotations

import argparse
from typing import Any, Callable

from .config import SimulatorConfig
from .config_jobs import FAILED_TASK_SHAPES, REFUSED_ACTION_ANSWERS
from .model import RESULTS

DEFAULTS = SimulatorConfig()


def _job_result(text: str) -> tuple[str, str]:
    name, separator, result = text.rpartition("=")
    if not separator or not name or result not in RESULTS:
        raise argparse.ArgumentTypeError(f"invalid {text!r}: use JOB NAME=RESULT, RESULT one of {', '.join(RESULTS)}")
    return name, result


def add_job_options(parser: argparse.ArgumentParser, seconds: Callable[[str], float]) -> None:
    jobs = parser.add_argument_group("jobs that run, EM tasks and EM's collection (simulated seconds)")
    jobs.add_argument("--job-run-seconds", type=seconds, default=DEFAULTS.job_run_seconds,
                      help="how long a started job runs on its backup server (default %(default)s)")
    jobs.add_argument("--job-run-result", choices=RESULTS, default=DEFAULTS.job_run_result,
                      help="how every run ends (default %(default)s)")
    jobs.add_argument("--job-run-result-for", metavar="JOB=RESULT", type=_job_result, action="append",
                      help="how runs of one job (by name) end (repeatable)")
    jobs.add_argument("--task-seconds", type=seconds, default=DEFAULTS.task_seconds,
                      help="an EM task is Running for half of this, OperationFinished for the other half, "
                           "then Finished (default %(default)s)")
    jobs.add_argument("--task-lifetime-seconds", type=seconds, default=0.0,
                      help="a Finished task answers 404 this long after it finished; 0: it stays while its "
                           "logon session lives")
    jobs.add_argument("--failed-task-shape", choices=FAILED_TASK_SHAPES, default=DEFAULTS.failed_task_shape,
                      help='a failed task: Result Success="false" with a Message, or Finished with no Result')
    jobs.add_argument("--already-running-answer", choices=REFUSED_ACTION_ANSWERS,
                      default=DEFAULTS.already_running_answer,
                      help="starting or retrying a job that runs: 202 and a task that fails, an Error 400 or "
                           "409, or 202 and nothing new happens")
    jobs.add_argument("--retry-not-failed-answer", choices=REFUSED_ACTION_ANSWERS,
                      default=DEFAULTS.retry_not_failed_answer,
                      help="retrying a job whose last run did not end Failed (the same choices)")
    jobs.add_argument("--collection-interval-seconds", type=seconds, default=0.0,
                      help="EM collects from each backup server this often, and shows runs only as of its "
                           "last collection (EM's default: 900); 0: runs are visible at once")
    jobs.add_argument("--collect-seconds", type=seconds, default=DEFAULTS.collect_seconds,
                      help="after POST /backupServers/{ID}?action=collect the data is visible this much later "
                           "(default %(default)s; more than --task-seconds: the task is Finished before the data is in)")


def job_settings_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The SimulatorConfig settings the options above give (0 seconds of a lifetime or an
    interval: unset)."""
    return {
        "job_run_seconds": args.job_run_seconds, "job_run_result": args.job_run_result,
        "job_run_result_for": tuple(args.job_run_result_for or ()), "task_seconds": args.task_seconds,
        "task_lifetime_seconds": args.task_lifetime_seconds or None, "failed_task_shape": args.failed_task_shape,
        "already_running_answer": args.already_running_answer,
        "retry_not_failed_answer": args.retry_not_failed_answer,
        "collection_interval_seconds": args.collection_interval_seconds or None,
        "collect_seconds": args.collect_seconds,
    }
