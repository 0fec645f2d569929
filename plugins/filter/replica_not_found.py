# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: replica_not_found
short_description: The exact names of include lists that match nothing Enterprise Manager returned
description:
  - Takes the replica task sessions of a check (as M(veeam_em.core.replica_task_session_info) returns them),
    the include lists of the V(veeam_em.core.replica_status) filter and any other records read for the check,
    and lists each exact name (one without V(*), V(?) or V([)) that none of them names.
  - A VM name is found when a session, a restore point or an object a replication job includes has it; a job name
    when a session, a restore point's replica or a job has it; a backup server name when a session, a point, a job
    or O(backup_servers) has it.
  - Names match case-sensitively, as in the V(veeam_em.core.replica_status) filter, so the right name in the
    wrong case is not found; its message names the spelling Enterprise Manager has, or else the closest names it
    has (for a backup server, every backup server it listed, closest first).
  - The C(veeam_em.core.replica_compliance) role reports these as C(not_found) and, by default, fails on them,
    so a typo in a name never passes as an estate with nothing wrong.
author:
  - veeam_em.core maintainers (@veeam-em)
version_added: 0.1.0
options:
  _input:
    description: Replica task session records.
    type: list
    elements: dict
    required: true
  include:
    description:
      - The include patterns, as the V(veeam_em.core.replica_status) filter's O(veeam_em.core.replica_status#filter:include)
        (keys V(vm_name), V(job_name), V(backup_server_name)); only the names without wildcards are checked.
    type: dict
  points:
    description: Replica restore points, as M(veeam_em.core.replica_point_info) returns them.
    type: list
    elements: dict
  jobs:
    description: Replication jobs with their includes, as M(veeam_em.core.replication_job_info) returns them.
    type: list
    elements: dict
  backup_servers:
    description: The backup servers Enterprise Manager knows, as M(veeam_em.core.backup_server_info) returns them.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Gather a week of sessions, restore points and jobs, and the backup servers EM knows, in one logon
  veeam_em.core.replica_evidence_info:
    created_after: 7d
    include_backup_servers: true
  register: evidence
  delegate_to: localhost

- name: Say which exact names match nothing (a typo, or the right name in the wrong case)
  ansible.builtin.debug:
    msg: "{{ item.message }}"
  loop: "{{ missing }}"
  loop_control:
    label: "{{ item.kind }} {{ item.name }}"
  vars:
    missing: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_not_found(include={'vm_name': ['db01', 'web*'], 'backup_server_name': ['vbr01.corp.example']},
                                           points=evidence.replica_points, jobs=evidence.replication_jobs,
                                           backup_servers=evidence.backup_servers) }}
"""

RETURN = r"""
_value:
  description: One entry per exact name that matches nothing, in the order VM, job, backup server, then as listed.
  type: list
  elements: dict
  contains:
    kind:
      description: V(vm), V(job) or V(backup_server).
      type: str
    name:
      description: The name as given.
      type: str
    message:
      description:
        - The name and why it is not found, with the spelling Enterprise Manager has or the closest names, such as
          V(backup server 'VBR-A.test.example' matches nothing Enterprise Manager returned; it has 'vbr-a.test.example',
          which differs only in case (names match case-sensitively)).
      type: str
"""

from typing import Any, Callable

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import records_list
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_found import known_names, not_found


def replica_not_found(records: Any, include: Any = None, points: Any = None, jobs: Any = None,
                      backup_servers: Any = None) -> list[dict[str, str]]:
    """The filter: module_utils' not_found over the records given, with its errors as filter errors."""
    try:
        known = known_names(records_list(records, "replica task session records"),
                            records_list(points or [], "restore point records", "points: "),
                            records_list(jobs or [], "replication job records", "jobs: "),
                            records_list(backup_servers or [], "backup server records", "backup_servers: "))
        return not_found(include, known)
    except ConfigurationError as error:
        raise AnsibleFilterError(f"replica_not_found: {error}") from None


class FilterModule:
    """veeam_em.core.replica_not_found."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"replica_not_found": replica_not_found}
