#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: replication_job
short_description: Start, stop or retry a replication job through Enterprise Manager, and wait for its run
version_added: 0.2.0
description:
  - Brings one replication job of Veeam Backup Enterprise Manager to the state asked, with Enterprise Manager's job
    actions (C(POST /api/jobs/{ID}?action=start), C(stop) or C(retry); Veeam's EM REST reference, pages
    C(post_jobs_id_actionstart), C(post_jobs_id_actionstop) and C(post_jobs_id_actionretry)). The twin of
    M(veeam_em.core.replication_job_info).
  - O(state=started) means a run of the job is going. When Enterprise Manager shows one going (its job session is not
    C(Stopped)), nothing is sent; otherwise the job is started once.
  - O(state=stopped) means no run is going. A run that is C(Starting) or C(Working) is asked to stop once; nothing is
    sent when none runs or when it is already C(Stopping).
  - What decides is the job's newest job session as Enterprise Manager shows it, which is as of its last collection
    from the backup server (every 15 minutes by default). A run the backup server began after that is not seen yet;
    Enterprise Manager's answer to a start of a job already running is then a refusal the module reports with what to
    do, never a second start.
  - Each action is sent once. When its answer never comes (a timeout, a broken connection), Enterprise Manager may have
    acted, so the module fails saying so and how to check, and does not send it again.
  - The module follows the action's task (C(GET /api/tasks/{ID}), in the same logon session, which is the only one that
    may read it) until the backup server has it, so a refusal is reported, then reads the run the action made.
  - Only a Portal Administrator may read replication jobs and start, stop or retry them (Veeam's EM REST reference,
    page C(security_roles_concept)); another account is refused with a message naming that role.
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.action_module
attributes:
  check_mode:
    support: full
    description: In check mode nothing is sent that acts; RV(changed) and RV(action) say what would be done.
  diff_mode:
    support: none
    description: The module returns the job session before and after in RV(job_session) instead.
options:
  name:
    description:
      - Exact name of the replication job (case-sensitive, as Enterprise Manager compares it).
    type: str
    required: true
  backup_server_name:
    description:
      - Exact name of the backup server the job belongs to.
      - Required when Enterprise Manager knows a job of that name on several backup servers; the module fails naming
        them otherwise.
    type: str
  state:
    description:
      - V(started) - a run of the job is going (started unless one already is).
      - V(stopped) - no run of the job is going (stopped unless none is).
    type: str
    choices: [started, stopped]
    default: started
  retry:
    description:
      - With O(state=started), when the job's last run ended C(Failed) and none is going, start it as a retry
        (Enterprise Manager's C(retry) action, which processes again only the VMs that failed) instead of a full run.
      - A job whose last run did not end C(Failed) is started as usual, since Enterprise Manager retries only a failed
        job; so O(state=started) always ends with a run going. RV(action) says which was sent, RV(job_session.is_retry)
        which run followed.
      - Not allowed with O(state=stopped).
    type: bool
    default: false
  wait:
    description:
      - Whether the module waits until the run it started or stopped, or found going, has ended (its job session is
        C(Stopped)).
      - With O(state=started), a run that ends C(Failed) fails the module, naming how to see which VMs failed; one that
        ends C(Warning) is a warning. With O(state=stopped), a stopped run ends C(Failed), as Enterprise Manager records
        a stopped run.
      - Enterprise Manager shows a run's end after its next collection from the backup server, so the wait can last up
        to that much longer than the run.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait in all, for the action's task and, with O(wait), for the run to appear and end.
      - When the time is up the module fails saying the job still runs and how to see it; it does not stop the run,
        and running the task again waits for that run without starting another.
    type: float
    default: 1800
"""

EXAMPLES = r"""
- name: Make sure a run of the Web, App & DB replication job is going (started unless one already is)
  veeam_em.core.replication_job:
    name: Web, App & DB
    backup_server_name: vbr02.corp.example
  delegate_to: localhost

- name: Run it and wait until the run has ended (fails if it ends Failed)
  veeam_em.core.replication_job:
    name: Web, App & DB
    wait: true
    wait_timeout: 3600
  register: run
  delegate_to: localhost

- name: Retry only the VMs that failed in the job's last run (a full run if it did not fail)
  veeam_em.core.replication_job:
    name: Web, App & DB
    retry: true
    wait: true
  delegate_to: localhost

- name: Stop the job's run before maintenance, and wait until it has stopped
  veeam_em.core.replication_job:
    name: Web, App & DB
    state: stopped
    wait: true
  delegate_to: localhost
"""

RETURN = r"""
changed:
  description: Whether an action was sent (in check mode, whether one would be).
  returned: always
  type: bool
action:
  description: The action sent (in check mode, that would be sent), V(start), V(retry) or V(stop); null when none was.
  returned: success
  type: str
  sample: start
job:
  description: The replication job, with the keys of RV(veeam_em.core.replication_job_info#module:replication_jobs)
    but its includes.
  returned: success and failures after the job was found
  type: dict
  sample:
    id: 0c7a6e37-2f0b-4d1c-9d6e-8f1b7c5a3e21
    name: SQL Server Replication
    backup_server_name: vbr01.corp.example
task:
  description:
    - Enterprise Manager's task for the action, as last read; null when no action was sent.
    - A finished C(StartJob) task means the job was triggered, not that its run ended (RV(job_session) is the run).
  returned: success and failures after an action was sent
  type: dict
  contains:
    id:
      description: The task's ID, such as V(task-1); it can be read only in the logon session that made it.
      type: str
    state:
      description: V(Running), V(OperationFinished) (done on the backup server) or V(Finished).
      type: str
    operation:
      description: V(StartJob), V(StopJob) or V(RetryJob).
      type: str
    success:
      description: Whether Enterprise Manager said the task went well; null while it gives no result.
      type: bool
    message:
      description: Enterprise Manager's message, such as V(Job "SQL Server Replication" triggered to start.).
      type: str
job_session:
  description:
    - The run followed, as Enterprise Manager showed it last. After a start or retry, the run it made (null when
      Enterprise Manager does not show it yet, without O(wait)); after a stop, or when nothing was sent, the job's
      newest run (null for a job that never ran).
  returned: success and failures after the job was found
  type: dict
  contains:
    id:
      description: The job session's ID (the GUID in its URL).
      type: str
    uid:
      description: Its UID (V(urn:veeam:ReplicaJobSession:...)).
      type: str
    name:
      description: Its name, such as V(SQL Server Replication@2026-12-07 01:37:55).
      type: str
    state:
      description: V(Starting), V(Working), V(Stopping) or V(Stopped).
      type: str
    result:
      description: V(Success), V(Warning) or V(Failed) once V(Stopped); null while the run goes.
      type: str
    is_retry:
      description: Whether the run is a retry of a failed run.
      type: bool
    progress:
      description: Percent done, as Enterprise Manager last showed it.
      type: int
    failure_message:
      description: Why the run failed, when the backup server says (older backup servers leave it out).
      type: str
    creation_time:
      description: When the run was created, ISO 8601 in UTC.
      type: str
    end_time:
      description: When it ended, ISO 8601 in UTC; null while it goes.
      type: str
waited_seconds:
  description: Seconds spent following the task and waiting for the run.
  returned: success
  type: float
"""

from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._module import run_action_module
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replication_job import JobRequest, ensure

OPTIONS = {
    "name": {"type": "str", "required": True},
    "backup_server_name": {"type": "str"},
    "state": {"type": "str", "choices": ["started", "stopped"], "default": "started"},
    "retry": {"type": "bool", "default": False},
    "wait": {"type": "bool", "default": False},
    "wait_timeout": {"type": "float", "default": 1800},
}


def act(module: Any, api: Any, request: JobRequest) -> dict[str, Any]:
    """The job brought to the state asked; a run that ended with a warning (when waited for) is warned of."""
    result = ensure(api, request, module.check_mode)
    run = result["job_session"]
    if run is not None and run["result"] == "Warning" and request.wait:
        module.warn(f'Replication job "{request.name}": its run ended with a warning (job session {run["name"]})')
    return result


def main() -> None:
    run_action_module(OPTIONS, act, JobRequest.from_params)


if __name__ == "__main__":
    main()
