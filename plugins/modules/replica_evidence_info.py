#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: replica_evidence_info
short_description: Gather everything a replica compliance check judges, in one logon to Enterprise Manager
version_added: 0.1.0
description:
  - Reads, over one logon to Veeam Backup Enterprise Manager, the replica task sessions of a window and, as asked,
    the restore points of the same window, the replication jobs with the objects they include, and the backup
    servers. Each part is what M(veeam_em.core.replica_task_session_info), M(veeam_em.core.replica_point_info),
    M(veeam_em.core.replication_job_info) and M(veeam_em.core.backup_server_info) return, read the same way.
  - One task instead of four logs on and off once, and asks for the backup servers at most once for every
    part that needs them. The C(veeam_em.core.replica_compliance) role reads its evidence with it.
  - The parts are the inputs of the V(veeam_em.core.replica_status) filter (the sessions, O(veeam_em.core.replica_status#filter:points)
    and O(veeam_em.core.replica_status#filter:jobs)) and of the V(veeam_em.core.replica_not_found) filter.
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.info_module
  - veeam_em.core.name_checks
options:
  created_after:
    description:
      - Start of the window of the task sessions and restore points, in the forms of
        O(veeam_em.core.replica_task_session_info#module:created_after) (an ISO 8601 time, or a duration back from
        now such as V(7d)). Both parts are read over the same window, measured from the same moment.
    type: str
  created_before:
    description:
      - End of that window, in the same forms.
    type: str
  vm_names:
    description:
      - Exact VM names, sent to Enterprise Manager as a filter of the task sessions and the restore points.
    type: list
    elements: str
  job_names:
    description:
      - Exact replication job names, sent to Enterprise Manager as a filter of the task sessions and the jobs
        (Enterprise Manager cannot filter restore points by job).
    type: list
    elements: str
  backup_server_names:
    description:
      - Exact backup server names, sent to Enterprise Manager as a filter of every part but the backup servers, and
        checked against the backup servers it knows as O(veeam_em.core.replica_task_session_info#module:backup_server_names)
        describes.
    type: list
    elements: str
  include_restore_points:
    description:
      - Whether the restore points of the window are read (RV(replica_points)), the RPO evidence Veeam's own
        monitoring uses.
    type: bool
    default: true
  include_replication_jobs:
    description:
      - Whether the replication jobs and the objects each includes are read (RV(replication_jobs); one request per job),
        to find the VMs a job includes that were never replicated, and disabled and overdue jobs (coverage).
      - Reading jobs needs the Portal Administrator role in Enterprise Manager (Veeam's C(security_roles_concept) page).
        An account without it (a Portal User) is refused them, or may be shown none although the task sessions name
        jobs. Coverage is then not judged, RV(replication_jobs) is left out when refused, RV(not_judged) says why, and
        the module warns once, unless O(require_coverage) makes it fail.
    type: bool
    default: true
  require_coverage:
    description:
      - Whether the module fails, with the same words as the warning, when O(include_replication_jobs) is set and
        coverage cannot be judged (the account may not read replication jobs), instead of warning and going on.
    type: bool
    default: false
  include_backup_servers:
    description:
      - Whether every backup server Enterprise Manager knows is read (RV(backup_servers)), so that a backup server
        name that matches nothing can be told from a server without evidence.
    type: bool
    default: false
  include_cdp:
    description:
      - Whether the CDP policies (RV(cdp_policies)) and the CDP task sessions of the window (RV(cdp_task_sessions))
        are read, beside the task sessions (not after them), as M(veeam_em.core.cdp_policy_info) reads them. A VM a
        CDP policy protects has no replica task session; this is its evidence. O(job_names) match policy names too.
        The policies' includes are read with O(include_replication_jobs).
      - A Portal User may read CDP sessions but not CDP policies (Veeam's C(security_roles_concept) page), so
        RV(cdp_policies) is then left out, RV(not_judged) says why, and the module warns once.
    type: bool
    default: true
  include_failover_plans:
    description:
      - Whether the failover plans (RV(failover_plans)) are read, beside the task sessions, as
        M(veeam_em.core.failover_plan_info) returns them with O(veeam_em.core.failover_plan_info#module:include_evidence=false).
      - A Portal User may not read failover plans, so RV(failover_plans) is then left out and RV(not_judged) says why.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: The evidence of the last week, in one logon
  veeam_em.core.replica_evidence_info:
    created_after: 7d
  register: evidence
  delegate_to: localhost

- name: Judge each VM on its newest restore point, and find the VMs never replicated
  ansible.builtin.debug:
    msg: "{{ statuses | rejectattr('status', 'eq', 'ok') | map(attribute='message') }}"
  vars:
    statuses: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='24h', points=evidence.replica_points,
                                        jobs=evidence.replication_jobs | default(none), not_judged=evidence.not_judged) }}
"""

RETURN = r"""
replica_task_sessions:
  description:
    - The replica task sessions of the window, newest first, as M(veeam_em.core.replica_task_session_info) returns them.
    - Always read; the other keys are there only when their part was asked for, so a part not read is never
      mistaken for a part read and empty.
  returned: success
  type: list
  elements: dict
replica_points:
  description: The restore points of the window, newest first, as M(veeam_em.core.replica_point_info) returns them.
  returned: success and O(include_restore_points)
  type: list
  elements: dict
replication_jobs:
  description:
    - The replication jobs, by name, as M(veeam_em.core.replication_job_info) returns them with O(veeam_em.core.replication_job_info#module:include_objects).
    - A job's C(includes) are what it replicates - VMs, and containers such as folders and tags.
    - The V(veeam_em.core.replica_status) filter's O(veeam_em.core.replica_status#filter:jobs) takes them as they are.
  returned: success and O(include_replication_jobs)
  type: list
  elements: dict
backup_servers:
  description:
    - Every backup server Enterprise Manager knows, by name, as M(veeam_em.core.backup_server_info) returns them.
  returned: success and O(include_backup_servers)
  type: list
  elements: dict
cdp_policies:
  description:
    - The CDP policies, by name, as M(veeam_em.core.cdp_policy_info) returns them (with C(includes) when
      O(include_replication_jobs)).
  returned: success and O(include_cdp), unless Enterprise Manager refused the account the policies
  type: list
  elements: dict
cdp_task_sessions:
  description:
    - The CDP task sessions of the window, newest first, as M(veeam_em.core.cdp_policy_info) returns them.
  returned: success and O(include_cdp), unless Enterprise Manager refused the account the CDP sessions
  type: list
  elements: dict
failover_plans:
  description:
    - The failover plans, by name, each with its VMs in start order, as M(veeam_em.core.failover_plan_info) returns
      them with O(veeam_em.core.failover_plan_info#module:include_evidence=false).
  returned: success and O(include_failover_plans), unless Enterprise Manager refused the account the plans
  type: list
  elements: dict
not_judged:
  description:
    - What could not be judged from what this account was shown, and why; empty when everything asked for was read.
    - The V(veeam_em.core.replica_status) filter and the V(veeam_em.core.replica_compliance_summary) filter take it as
      their O(veeam_em.core.replica_status#filter:not_judged), so statuses and reports say it too.
  returned: success
  type: list
  elements: dict
  contains:
    checks:
      description:
        - The checks left out; V(coverage) is never replicated objects, disabled jobs and overdue jobs;
          V(cdp_policy_rpo) the CDP policies' own RPO (judged on the user's instead), V(cdp) the CDP VMs,
          V(failover_plans) the plans.
      type: str
      sample: coverage
    reason:
      description: Why, as the reports show it after C(not judged:).
      type: str
      sample: no right to read replication jobs
"""

from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_replica_evidence
from ansible_collections.veeam_em.core.plugins.module_utils._module import run_info_module_with

OPTIONS = {
    "created_after": {"type": "str"},
    "created_before": {"type": "str"},
    "vm_names": {"type": "list", "elements": "str"},
    "job_names": {"type": "list", "elements": "str"},
    "backup_server_names": {"type": "list", "elements": "str"},
    "include_restore_points": {"type": "bool", "default": True},
    "include_replication_jobs": {"type": "bool", "default": True},
    "include_backup_servers": {"type": "bool", "default": False},
    "require_coverage": {"type": "bool", "default": False},
    "include_cdp": {"type": "bool", "default": True},
    "include_failover_plans": {"type": "bool", "default": False},
}


def main() -> None:
    run_info_module_with(OPTIONS, gather_replica_evidence)


if __name__ == "__main__":
    main()
