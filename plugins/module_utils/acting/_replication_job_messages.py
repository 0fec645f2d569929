# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What replication_job says when the job cannot be brought to the state asked: which job, what
Enterprise Manager said, and what to do. EM's answers to a start of a job already running and to
a retry of a job whose last run did not fail are undocumented [post_jobs_id_actionstart,
post_jobs_id_actionretry]: each reading (a Task that fails, an Error, an answer that looks like a
start) ends in one of these messages, and all of them allow for EM's view being a collection old.
"""
from __future__ import annotations

from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._outcome import JOB_SESSION_STOPPED
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ActionFailed, ApiError
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso

VERBS = {"start": "started", "retry": "retried", "stop": "stopped"}
# Why EM may not show what the backup server knows (em/collecting_data_from_backup_servers).
EM_LAGS = "EM shows a job's runs as of its last collection from the backup server, every 15 minutes by default"


class JobActionFailed(ActionFailed):
    """The job could not be brought to the state asked. `known` is the module's result as far as
    it is known (job, task, job_session)."""


def _label(request: Any, watch: Any = None, lower: bool = False) -> str:
    """'Replication job "X" on backup server S' (the server EM named when the job was found)."""
    server = watch.job.get("backup_server_name") if watch is not None else request.backup_server_name
    return f'{"r" if lower else "R"}eplication job "{request.name}"' + (f" on backup server {server}" if server else "")


def _see(request: Any) -> str:
    return (f"see its last run in the job_session this module returns in check mode, or its VMs with "
            f'veeam_em.core.replica_task_session_info (job_names: ["{request.name}"])')


def _run(run: dict[str, Any] | None) -> str:
    if run is None:
        return "none"
    ended = f", ended {run['result']}" if run.get("state") == JOB_SESSION_STOPPED else ""
    return f"{run.get('name') or run.get('id')} ({run.get('state')}{ended}, created {iso(run.get('creation_time'))})"


def job_not_readable(request: Any, refusal: Exception) -> str:
    return f'Cannot look up replication job "{request.name}": {refusal}'


def no_such_job(request: Any) -> str:
    where = f" on backup server {request.backup_server_name}" if request.backup_server_name else ""
    check = " and backup_server_name" if request.backup_server_name else ""
    return (f'Enterprise Manager shows no replication job named "{request.name}"{where}. Names are exact and '
            f"case-sensitive: check name{check} against veeam_em.core.replication_job_info. An account without the "
            "Portal Administrator role may be shown no jobs at all.")


def job_on_several_servers(request: Any, servers: list[str]) -> str:
    return (f'Enterprise Manager has a replication job named "{request.name}" on {len(servers)} backup servers '
            f"({', '.join(sorted(servers))}): set backup_server_name to the one meant.")


def outcome_unknown(request: Any, action: str, unknown: Exception) -> str:
    return (f"{_label(request)}: the {action} was sent, but its answer never came ({unknown}). Enterprise Manager "
            f"may have acted on it, so it was not sent again. Check whether a run began: {_see(request)}. Running "
            "this task again starts nothing once EM shows the run going.")


def action_denied(request: Any, action: str, refusal: Exception) -> str:
    return f"{_label(request)} was not {VERBS[action]}: {refusal}"


def action_refused(request: Any, action: str, watch: Any, error: ApiError) -> str:
    return _refused(request, action, watch, f"HTTP {error.status_code}: {error.em_message}")


def task_refused(request: Any, action: str, watch: Any) -> str:
    return _refused(request, action, watch, watch.task.described())


def _refused(request: Any, action: str, watch: Any, said: str) -> str:
    """EM's answer, and the reason it most likely has: the backup server knows a newer run than EM shows."""
    run, again = _run(watch.before), "run this task again after EM's next collection"
    why = {
        "start": f"EM showed its last run as {run}, with none going; the backup server may have one going that EM "
                 f"has not collected yet ({EM_LAGS}). {again[0].upper()}{again[1:]}",
        "retry": f"A retry works only on a job whose last run ended Failed; EM showed its last run as {run}, but the "
                 f"backup server may know a newer one that EM has not collected yet ({EM_LAGS}). Set retry: false "
                 f"to start a full run, or {again}",
        "stop": f"EM showed its run as {run}; it may have ended on the backup server since ({EM_LAGS}). "
                f"{again[0].upper()}{again[1:]}",
    }[action]
    return f"Enterprise Manager did not {action} {_label(request, watch, lower=True)}: {said.rstrip('.')}. {why}."


def task_not_settled(request: Any, action: str, watch: Any) -> str:
    return (f"{_label(request, watch)}: Enterprise Manager's task for the {action} ({watch.task.described()}) had "
            f"not finished within {request.wait_timeout:g} seconds (wait_timeout). The job may still be "
            f"{VERBS[action]}; {_see(request)}.")


def no_new_run(request: Any, action: str, watch: Any) -> str:
    said = watch.task.described() if watch.task is not None else "a task Enterprise Manager no longer has"
    return (f"{_label(request, watch)}: Enterprise Manager answered the {action} with {said}, but showed no new run "
            f"of the job within {request.wait_timeout:g} seconds (wait_timeout). {EM_LAGS}; and an answer that looks "
            "like a start may be EM's answer to a job already running (undocumented). The job was not started "
            f"again; {_see(request)}.")


def still_running(request: Any, action: str | None, watch: Any) -> str:
    run = watch.run or {}
    done = f", {run['progress']}% done" if run.get("progress") is not None else ""
    asked = {"stop": "It was asked to stop once", None: "It was not stopped"}.get(
        action, "It was not stopped, and will not be started again")
    return (f"{_label(request, watch)} still runs after {request.wait_timeout:g} seconds (wait_timeout): job session "
            f"{run.get('name')} ({run.get('id')}) is {run.get('state')}{done}. {asked}; {_see(request)}. Run this "
            "task again to wait longer: it finds the run going and sends nothing.")


def run_failed(request: Any, watch: Any) -> str:
    run = watch.run
    why = f": {run['failure_message']}" if run.get("failure_message") else ""
    return (f"{_label(request, watch)}: its run ended Failed (job session {run.get('name')} ({run.get('id')}), "
            f"created {iso(run.get('creation_time'))}, ended {iso(run.get('end_time'))}){why}. See which VMs failed "
            f'with veeam_em.core.replica_task_session_info (job_names: ["{request.name}"], result: [Failed]); '
            "process only them again with state: started and retry: true.")
