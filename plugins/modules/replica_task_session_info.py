#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: replica_task_session_info
short_description: Gather replica task sessions from Veeam Backup Enterprise Manager
version_added: 0.1.0
description:
  - Reads replica task sessions (one per VM and run of a replication job) from Veeam Backup
    Enterprise Manager's REST API.
  - Every filter is applied by Enterprise Manager's query service, so only matching sessions
    travel over the network.
  - Each record carries the name of its job and of its backup server.
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.info_module
  - veeam_em.core.listing
  - veeam_em.core.task_session_filters
  - veeam_em.core.name_checks
"""

EXAMPLES = r"""
# The connection (url, username, password, ca_path) is set once for every module of the
# collection, in the play: module_defaults: {group/veeam_em.core.em: {url: ..., ...}},
# or comes from the VEEAM_EM_* environment variables. See the quickstart guide.

- name: Failed replica tasks of the last 24 hours on one backup server
  veeam_em.core.replica_task_session_info:
    backup_server_names: [vbr01.corp.example]
    result: [Failed]
    created_after: 24h
  register: failed_tasks
  delegate_to: localhost

- name: Latest replica task session per VM over the last week
  veeam_em.core.replica_task_session_info:
    created_after: 7d
    latest_per_vm: true
  register: latest
  delegate_to: localhost

- name: Show VMs whose latest replica did not succeed
  ansible.builtin.debug:
    msg: "{{ latest.replica_task_sessions | rejectattr('result', 'eq', 'Success') | map(attribute='vm_name') }}"

- name: The ten newest sessions of two VMs (only the pages that hold them are read)
  veeam_em.core.replica_task_session_info:
    vm_names: [db01, mail01]
    limit: 10
  register: recent
  delegate_to: localhost
"""

RETURN = r"""
replica_task_sessions:
  description: Matching replica task sessions, newest first unless O(order) says otherwise; possibly empty.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the task session (the GUID in its URL).
      type: str
      sample: efe448ad-6d52-496b-ba79-decd586713eb
    uid:
      description: UID of the task session.
      type: str
      sample: urn:veeam:ReplicaTaskSession:efe448ad-6d52-496b-ba79-decd586713eb
    name:
      description: Name Enterprise Manager gives the session (VM name and start time).
      type: str
      sample: apache02@2025-06-17 20:00:18
    vm_name:
      description: Name of the replicated VM.
      type: str
      sample: apache02
    state:
      description: V(InProgress), V(Pending) or V(Completed).
      type: str
      sample: Completed
    result:
      description:
        - V(Success), V(Warning) or V(Failed); null until the session's state is V(Completed), even when Enterprise
          Manager already reports a result for a running task.
      type: str
      sample: Success
    reason:
      description: Why the session ended with a warning or failure; empty otherwise.
      type: str
      sample: ""
    creation_time:
      description: Start, ISO 8601 in UTC; null when Enterprise Manager wrote a placeholder (a time before 1970).
      type: str
      sample: "2025-06-17T20:00:18.060000Z"
    end_time:
      description:
        - End, ISO 8601 in UTC; null while the session is not V(Completed), and when Enterprise Manager wrote a
          placeholder (such as V(1900-01-01T00:00:00Z) or V(0001-01-01T00:00:00)) or an end before the start.
      type: str
      sample: "2025-06-17T20:02:36.993000Z"
    duration_seconds:
      description: Seconds from start to end, never negative; null when the end or the start time is null.
      type: float
      sample: 138.933
    total_size:
      description: Size in bytes of the restore points the session produced.
      type: int
      sample: 8589934592
    job_session_id:
      description: ID of the replication job session the task belongs to.
      type: str
      sample: 90e440bb-8af1-4e3f-8022-bfd89dd267a0
    job_session_name:
      description: Name of that job session.
      type: str
      sample: Replication Job 2@2025-06-17 20:00:05
    job_name:
      description: Name of the replication job.
      type: str
      sample: Replication Job 2
    backup_server_id:
      description: ID of the backup server that ran the job.
      type: str
      sample: 7445e6ce-86f5-4171-b909-dac209c66563
    backup_server_name:
      description: Name of that backup server.
      type: str
      sample: enterprise06.tech.local
    href:
      description: URL of the session in Enterprise Manager's API.
      type: str
      sample: https://em.example.com:9398/api/replicaTaskSessions/efe448ad-6d52-496b-ba79-decd586713eb?format=Entity
"""

from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_task_sessions
from ansible_collections.veeam_em.core.plugins.module_utils._module import run_info_module_with
from ansible_collections.veeam_em.core.plugins.module_utils._task_session_options import task_session_argument_spec


def main() -> None:
    run_info_module_with(task_session_argument_spec(), gather_task_sessions)


if __name__ == "__main__":
    main()
