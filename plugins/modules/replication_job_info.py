#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: replication_job_info
short_description: Gather replication jobs, their schedule state and the objects they include
version_added: 0.1.0
description:
  - Reads the replication jobs (C(GET /api/query?type=Job), filtered on V(JobType==Replica)) of Veeam
    Backup Enterprise Manager, with whether their schedule is enabled and their next run, and the objects
    each includes (C(GET /api/jobs/{ID}/includes), one request per job, at most O(max_concurrency) at a time).
  - Give the result to the C(veeam_em.core.replica_status) filter's O(veeam_em.core.replica_status#filter:jobs)
    to find the VMs a job includes but that were never replicated.
  - An included object can be a container (a folder, tag or host) rather than a VM; its C(object_type) says which.
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.info_module
  - veeam_em.core.name_checks
options:
  names:
    description:
      - Exact replication job names, sent to Enterprise Manager as a filter.
    type: list
    elements: str
  backup_server_names:
    description:
      - Exact backup server names, sent to Enterprise Manager as a filter and checked against the backup
        servers it knows as O(veeam_em.core.replica_task_session_info#module:backup_server_names) describes.
    type: list
    elements: str
  include_objects:
    description:
      - Whether the objects each job includes are read (one request per job).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Replication jobs with what they include
  veeam_em.core.replication_job_info:
  register: jobs
  delegate_to: localhost

- name: Jobs whose schedule is disabled
  ansible.builtin.debug:
    msg: "{{ jobs.replication_jobs | rejectattr('schedule_enabled') | map(attribute='name') }}"
"""

RETURN = r"""
replication_jobs:
  description: Matching replication jobs, sorted by name; possibly empty.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description:
        - ID of the job (the GUID in its URL).
      type: str
    uid:
      description:
        - UID of the job (V(urn:veeam:Job:...)).
      type: str
    name:
      description:
        - Name of the job.
      type: str
    description:
      description:
        - Description given to the job.
      type: str
    platform:
      description:
        - V(VMware), V(HyperV) or V(vCloud).
      type: str
    schedule_configured:
      description:
        - Whether a schedule is configured; a job without one runs only when started by hand.
      type: bool
    schedule_enabled:
      description:
        - Whether the schedule is enabled.
      type: bool
    next_run:
      description:
        - The next scheduled run, ISO 8601 in UTC; null when Enterprise Manager gives none.
        - What Enterprise Manager gives for a disabled job is not documented.
      type: str
    backup_server_id:
      description:
        - ID of the backup server the job belongs to.
      type: str
    backup_server_name:
      description:
        - Name of that backup server.
      type: str
    href:
      description:
        - URL of the job in Enterprise Manager's API.
      type: str
    includes:
      description:
        - The objects the job includes; null with O(include_objects=false).
      type: list
      elements: dict
      contains:
        id:
          description:
            - ID of the object in the job (ObjectInJobId).
          type: str
        name:
          description:
            - Name of the object.
          type: str
        display_name:
          description:
            - Name Enterprise Manager shows for the object.
          type: str
        object_type:
          description:
            - V(Vm), or the container's type such as V(Folder) or V(Tag) (from HierarchyObjRef).
          type: str
        hierarchy_obj_ref:
          description:
            - Reference of the object in the virtual infrastructure, such as V(urn:VMware:Vm:...).
          type: str
        order:
          description:
            - Processing order of the object in the job.
          type: int
"""

from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_replication_jobs
from ansible_collections.veeam_em.core.plugins.module_utils._module import run_info_module_with


def main() -> None:
    run_info_module_with(
        {
            "names": {"type": "list", "elements": "str"},
            "backup_server_names": {"type": "list", "elements": "str"},
            "include_objects": {"type": "bool", "default": True},
        },
        gather_replication_jobs,
    )


if __name__ == "__main__":
    main()
