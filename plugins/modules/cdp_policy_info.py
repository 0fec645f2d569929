#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: cdp_policy_info
short_description: Gather CDP policies with their own RPO, their CDP task sessions and each CDP VM's status
version_added: 0.2.0
description:
  - Reads the Continuous Data Protection (CDP) policies of Veeam Backup Enterprise Manager
    (C(GET /api/query?type=CdpPolicy)) with their own RPO and RPO reporting thresholds
    (C(PolicyScheduleOptions)) and, with O(include_objects), the objects each protects
    (C(GET /api/cdpPolicies/{ID}/includes), one request per policy, at most O(max_concurrency) at a time).
  - Reads, beside the policies, the CDP task sessions of the window (C(GET /api/query?type=CdpReplicaTaskSession),
    filtered on C(CreationTimeUTC)), one per VM and CDP policy session, and judges each CDP VM on them (RV(cdp_vms)).
  - A VM a CDP policy protects has no replication job and no replica task session; this is its evidence.
  - Reading CDP policies needs the Portal Administrator role in Enterprise Manager (Veeam's C(security_roles_concept)
    page); a Portal User may read the CDP sessions but not the policies. For such an account RV(cdp_policies) is
    left out, each VM is judged on O(rpo) instead of its policy's RPO, RV(not_judged) says why, and the module warns once.
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.info_module
  - veeam_em.core.name_checks
options:
  names:
    description:
      - Exact CDP policy names, sent to Enterprise Manager as a filter of the policies; the CDP task sessions are
        matched to them after the read (Enterprise Manager cannot filter them by policy).
    type: list
    elements: str
  backup_server_names:
    description:
      - Exact backup server names, sent to Enterprise Manager as a filter of the policies and the sessions, and
        checked against the backup servers it knows as O(veeam_em.core.replica_task_session_info#module:backup_server_names)
        describes.
    type: list
    elements: str
  include_objects:
    description:
      - Whether the objects each policy protects are read (one request per policy).
    type: bool
    default: true
  include_sessions:
    description:
      - Whether the CDP task sessions of the window are returned (RV(cdp_task_sessions)). They are read either way,
        to judge RV(cdp_vms).
    type: bool
    default: false
  created_after:
    description:
      - Start of the window of the CDP task sessions, in the forms of
        O(veeam_em.core.replica_task_session_info#module:created_after) (an ISO 8601 time, or a duration back from
        now such as V(24h)).
    type: str
    default: 24h
  created_before:
    description:
      - End of that window, in the same forms.
    type: str
  rpo:
    description:
      - An RPO for every CDP VM, such as V(15m), overriding each policy's own RPO when given.
      - Without it each VM is judged on its policy's RPO; without that (a Portal User, who may not read policies)
        its RPO is not judged.
    type: str
"""

EXAMPLES = r"""
- name: CDP policies with their RPO, and each CDP VM's status over the last 24 hours
  veeam_em.core.cdp_policy_info:
  register: cdp
  delegate_to: localhost

- name: CDP VMs whose newest state is older than their policy's RPO
  ansible.builtin.debug:
    msg: "{{ cdp.cdp_vms | selectattr('rpo_breached') | map(attribute='vm_name') }}"

- name: Policies whose schedule is disabled
  ansible.builtin.debug:
    msg: "{{ cdp.cdp_policies | default([]) | rejectattr('schedule_enabled') | map(attribute='name') }}"
"""

RETURN = r"""
cdp_policies:
  description:
    - The CDP policies, sorted by name (Enterprise Manager's C(CdpPolicy) entities, C(get_cdppolicies_id)); possibly empty.
  returned: success, unless Enterprise Manager refused the account the policies (see RV(not_judged))
  type: list
  elements: dict
  contains:
    id:
      description: ID of the policy (the GUID of its UID V(urn:veeam:CdpPolicy:...)).
      type: str
    name:
      description: Name of the policy.
      type: str
    description:
      description: Description given to the policy.
      type: str
    platform:
      description: V(VMware) or V(vCloud).
      type: str
    backup_server_id:
      description: ID of the backup server of the policy (its Up link).
      type: str
    backup_server_name:
      description: Name of that backup server.
      type: str
    schedule_configured:
      description: Whether a schedule is configured (C(ScheduleConfigured)).
      type: bool
    schedule_enabled:
      description: Whether the policy is enabled (C(ScheduleEnabled)); a disabled policy replicates nothing.
      type: bool
    next_run:
      description: C(NextRun), ISO 8601 in UTC; null when Enterprise Manager gives none.
      type: str
    rpo_seconds:
      description:
        - The policy's own RPO in seconds, from C(PolicyScheduleOptions/RecoveryPointObjectiveSeconds), or
          C(RecoveryPointObjectiveMinutes) times 60 (Veeam's C(policyscheduleoptions) page).
      type: int
    warning_after_seconds:
      description:
        - After how long without a new state VBR marks the policy with a warning (C(RPOReporting/MarkAsWarning),
          seconds or minutes); null when RPO reporting is off.
      type: int
    failed_after_seconds:
      description:
        - The same for failed (C(RPOReporting/MarkAsFailed)); null when RPO reporting is off.
      type: int
    includes:
      description:
        - The objects the policy protects (C(GET /api/cdpPolicies/{ID}/includes)); left out with O(include_objects=false).
      type: list
      elements: dict
      contains:
        name:
          description: Name of the object.
          type: str
        display_name:
          description: Name Enterprise Manager shows for the object.
          type: str
        object_type:
          description: V(Vm), or the container's type such as V(Folder) (from HierarchyObjRef).
          type: str
        hierarchy_obj_ref:
          description: Reference of the object in the virtual infrastructure.
          type: str
        order:
          description: Order of the object in the policy.
          type: int
cdp_task_sessions:
  description:
    - The CDP task sessions of the window, newest first (C(CdpReplicaTaskSession), C(cdpreplicatasksessions_id)),
      one per VM and CDP policy session.
    - Settled as replica task sessions are - C(result), C(end_time) and C(duration_seconds) are null until the
      State is V(Completed).
  returned: success and O(include_sessions)
  type: list
  elements: dict
  contains:
    id:
      description: ID of the task session.
      type: str
    name:
      description: Name of the task session, C(<vm>@<yyyy-mm-dd hh:mm:ss>).
      type: str
    vm_name:
      description: The VM (C(VmDisplayName) when Enterprise Manager gives it, else the name up to its last C(@)).
      type: str
    policy_name:
      description: The CDP policy (the name of the session's C(CdpReplicaSessionReference) link up to its last C(@)).
      type: str
    policy_session_id:
      description: ID of the CDP policy session the task belongs to (C(PolicySessionUid)).
      type: str
    backup_server_id:
      description: ID of the backup server.
      type: str
    backup_server_name:
      description: Name of the backup server.
      type: str
    creation_time:
      description: C(CreationTimeUTC), ISO 8601 in UTC.
      type: str
    end_time:
      description: C(EndTimeUTC), ISO 8601 in UTC; null until V(Completed).
      type: str
    state:
      description: V(InProgress), V(Pending) or V(Completed).
      type: str
    result:
      description: V(Success), V(Warning) or V(Failed); null until V(Completed).
      type: str
    reason:
      description: Why it warned or failed; empty when Enterprise Manager gave no reason.
      type: str
    total_size:
      description: C(TotalSize) in bytes.
      type: int
    duration_seconds:
      description: Seconds from creation to end; null until V(Completed).
      type: float
cdp_vms:
  description:
    - Each CDP VM's status (the C(veeam_em.core.replica_status) filter's statuses, with their C(cdp) facts - the
      newest CDP task session, the policy and its RPO, the share of the window's sessions that met the RPO and the
      largest delay), judged on its policy's RPO, or on O(rpo) when given or when the policies could not be read.
  returned: success
  type: list
  elements: dict
not_judged:
  description:
    - What could not be judged from what this account was shown, and why; empty when everything was read.
  returned: success
  type: list
  elements: dict
  sample: [{"checks": "cdp_policy_rpo", "reason": "no right to read CDP policies"}]
"""

from ansible_collections.veeam_em.core.plugins.module_utils._module import run_info_module_with
from ansible_collections.veeam_em.core.plugins.module_utils._protection_info import gather_cdp_policy_info

OPTIONS = {
    "names": {"type": "list", "elements": "str"},
    "backup_server_names": {"type": "list", "elements": "str"},
    "include_objects": {"type": "bool", "default": True},
    "include_sessions": {"type": "bool", "default": False},
    "created_after": {"type": "str", "default": "24h"},
    "created_before": {"type": "str"},
    "rpo": {"type": "str"},
}


def main() -> None:
    run_info_module_with(OPTIONS, gather_cdp_policy_info)


if __name__ == "__main__":
    main()
