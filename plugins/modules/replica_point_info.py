#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: replica_point_info
short_description: Gather VM replica restore points from Veeam Backup Enterprise Manager
version_added: 0.1.0
description:
  - Reads the restore points of VM replicas (C(GET /api/query?type=VmReplicaPoint)) from Veeam Backup
    Enterprise Manager's REST API.
  - A replica's RPO is the age of its newest restore point, as Veeam's own monitoring measures it. It
    can differ from the age of the last successful task session - a job that replicates from backup
    ends in V(Warning) without a new point when no new backup exists, and its points carry the
    backup's time, not the session's.
  - Every filter is applied by Enterprise Manager's query service, so only matching points travel
    over the network. The options have the names and forms of M(veeam_em.core.replica_task_session_info).
  - Only the points of regular replication jobs; tenant (cloud) replica points are not read.
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.info_module
  - veeam_em.core.listing
  - veeam_em.core.name_checks
"""

EXAMPLES = r"""
- name: The restore points of every replicated VM over the last week
  veeam_em.core.replica_point_info:
    created_after: 7d
  register: points
  delegate_to: localhost

- name: The task sessions of the same week
  veeam_em.core.replica_task_session_info:
    created_after: 7d
  register: sessions
  delegate_to: localhost

- name: Judge the RPO on restore points, not on sessions
  ansible.builtin.debug:
    msg: "{{ sessions.replica_task_sessions | veeam_em.core.replica_status(rpo='24h', points=points.replica_points) }}"

- name: The newest point of each VM
  veeam_em.core.replica_point_info:
    latest_per_vm: true
  register: latest
  delegate_to: localhost

- name: The ten newest points of one VM on one backup server
  veeam_em.core.replica_point_info:
    vm_names: [db01]
    backup_server_names: [vbr01.corp.example]
    limit: 10
  register: db01_points
  delegate_to: localhost
"""

RETURN = r"""
replica_points:
  description: Matching restore points, newest first unless O(order) says otherwise; possibly empty.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the restore point (the GUID in its URL).
      type: str
    uid:
      description: UID of the restore point.
      type: str
    name:
      description: Name Enterprise Manager gives the point (VM name and time).
      type: str
    vm_name:
      description: Name of the replicated VM.
      type: str
    creation_time:
      description: When the point was created, ISO 8601 in UTC; for a replica made from backup, the backup point's time.
      type: str
    type:
      description: V(Full), V(ReverseIncrement), V(Increment) or V(Snapshot) (EM's PointType).
      type: str
    algorithm:
      description: How the point was made, as Enterprise Manager names it (V(Full), V(Increment), ...).
      type: str
    replica_id:
      description: ID of the replica the point belongs to.
      type: str
    replica_name:
      description: Name of that replica (Enterprise Manager names it like its replication job).
      type: str
    backup_server_id:
      description: ID of the backup server that holds the replica.
      type: str
    backup_server_name:
      description: Name of that backup server.
      type: str
    href:
      description: URL of the point in Enterprise Manager's API.
      type: str
"""

from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_replica_points
from ansible_collections.veeam_em.core.plugins.module_utils._module import run_info_module_with
from ansible_collections.veeam_em.core.plugins.module_utils._task_session_options import listing_argument_spec


def main() -> None:
    run_info_module_with(listing_argument_spec(), gather_replica_points)


if __name__ == "__main__":
    main()
