#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: failover_plan_info
short_description: Gather failover plans and judge whether each could fail over now
version_added: 0.2.0
description:
  - Reads the failover plans of Veeam Backup Enterprise Manager (C(GET /api/query?type=FailoverPlan)), each with
    its VMs in the order the plan starts them (C(FailoverPlanInfo/Includes/FailoveredVm)).
  - With O(include_evidence), reads the replica evidence of just those VMs (as
    M(veeam_em.core.replica_evidence_info) reads it, with restore points, replication jobs and CDP) and judges each
    plan as a unit - ready only when every VM in it has a replica point within its RPO - naming the VMs that hold
    it back (no replica at all, stale, failed last run, job or policy disabled).
  - Enterprise Manager gives a plan no state and no readiness; this judgement is the collection's. Nothing here
    starts, tests or undoes a failover.
  - Reading failover plans needs the VM Restore Operator or Portal Administrator role in Enterprise Manager (Veeam's
    C(security_roles_concept) page); a Portal User is refused and the module fails naming those roles. A VM Restore
    Operator may not read task sessions, replication jobs nor CDP, so its plans are judged on restore points, and
    RV(not_judged) says what was left out.
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.info_module
  - veeam_em.core.name_checks
options:
  names:
    description:
      - Exact failover plan names, sent to Enterprise Manager as a filter.
    type: list
    elements: str
  backup_server_names:
    description:
      - Exact backup server names, sent to Enterprise Manager as a filter of the plans and of their VMs' evidence,
        and checked against the backup servers it knows as
        O(veeam_em.core.replica_task_session_info#module:backup_server_names) describes.
    type: list
    elements: str
  include_evidence:
    description:
      - Whether each plan is judged on its VMs' evidence. Without it the plans are returned as Enterprise Manager
        gives them, and nothing else is read.
    type: bool
    default: true
  rpo:
    description:
      - The RPO a plan's VM is judged on, such as V(24h), when no CDP policy gives it one (a CDP VM is judged on its
        policy's own RPO). Without it, a VM that is not CDP-protected is never stale.
    type: str
  created_after:
    description:
      - Start of the window of the evidence read, in the forms of
        O(veeam_em.core.replica_task_session_info#module:created_after). It must reach back further than O(rpo),
        or a VM whose newest point is older than the window counts as having no replica.
    type: str
    default: 7d
"""

EXAMPLES = r"""
- name: Every failover plan, judged on a 24-hour RPO
  veeam_em.core.failover_plan_info:
    rpo: 24h
  register: plans
  delegate_to: localhost

- name: Plans that could not fail over now, and the VMs that hold each back
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.message }}"
  loop: "{{ plans.failover_plans | rejectattr('ready') }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
failover_plans:
  description:
    - The failover plans, sorted by name (Enterprise Manager's C(FailoverPlan) entities, C(get_failoverplans_id));
      possibly empty.
    - With O(include_evidence) each carries its judgement too (C(ready), C(held_back_by), C(message)), and each VM
      its status.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the plan (the GUID of its UID V(urn:veeam:FailoverPlan:...)).
      type: str
    name:
      description: Name of the plan.
      type: str
    description:
      description: Description given to the plan.
      type: str
    backup_server_id:
      description: ID of the backup server of the plan (its Up link).
      type: str
    backup_server_name:
      description: Name of that backup server.
      type: str
    vms:
      description:
        - The VMs of the plan in the order it starts them (C(Order); those without one last, then by name).
      type: list
      elements: dict
      contains:
        order:
          description: C(Order) of the VM in the plan; null when Enterprise Manager gives none.
          type: int
        name:
          description: C(Name) of the VM.
          type: str
        display_name:
          description: C(DisplayName) of the VM, the name its sessions and restore points go by.
          type: str
        failovered_vm_id:
          description: C(FailoveredVmId).
          type: str
        hierarchy_obj_ref:
          description: Reference of the VM in the virtual infrastructure (C(HierarchyObjRef)).
          type: str
        status:
          description: The VM's status (as the V(veeam_em.core.replica_status) filter gives it); with O(include_evidence).
          type: str
        findings:
          description: The VM's findings, worst first; with O(include_evidence).
          type: list
          elements: str
        hold_back:
          description:
            - Why this VM holds the plan back, worst first - V(no_replica), V(stale), V(failed), V(job_disabled);
              empty when it does not. With O(include_evidence).
          type: list
          elements: str
        waived:
          description:
            - The reasons an active waiver covers, which then do not hold the plan back. Always empty here, as this
              module reads no waivers file; the V(veeam_em.core.failover_plan_status) filter and the
              C(replica_compliance) role fill it. With O(include_evidence).
          type: list
          elements: str
        waivers:
          description: The waivers that cover RV(failover_plans[].vms[].waived); empty here. With O(include_evidence).
          type: list
          elements: dict
    ready:
      description:
        - Whether every VM of the plan has a replica point within its RPO; null when not judged. With O(include_evidence).
      type: bool
    held_back_by:
      description: The VMs that hold the plan back, in start order, with their reasons. With O(include_evidence).
      type: list
      elements: dict
    waived_by:
      description:
        - The VMs with a reason a waiver covers, in start order; empty here, as this module reads no waivers file.
          With O(include_evidence).
      type: list
      elements: dict
    message:
      description: The judgement for people. With O(include_evidence).
      type: str
not_judged:
  description:
    - What could not be judged from what this account was shown (a VM Restore Operator is shown no task sessions,
      replication jobs nor CDP), and why; empty when everything was read.
  returned: success and O(include_evidence)
  type: list
  elements: dict
"""

from ansible_collections.veeam_em.core.plugins.module_utils._module import run_info_module_with
from ansible_collections.veeam_em.core.plugins.module_utils._protection_info import gather_failover_plan_info

OPTIONS = {
    "names": {"type": "list", "elements": "str"},
    "backup_server_names": {"type": "list", "elements": "str"},
    "include_evidence": {"type": "bool", "default": True},
    "rpo": {"type": "str"},
    "created_after": {"type": "str", "default": "7d"},
}


def main() -> None:
    run_info_module_with(OPTIONS, gather_failover_plan_info)


if __name__ == "__main__":
    main()
