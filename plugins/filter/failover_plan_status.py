# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: failover_plan_status
short_description: Judge each failover plan as a unit - could it fail over now, and which VMs hold it back
version_added: 0.2.0
author:
  - veeam_em.core maintainers (@veeam-em)
description:
  - Takes failover plans as M(veeam_em.core.failover_plan_info) returns them with
    O(veeam_em.core.failover_plan_info#module:include_evidence=false) (or M(veeam_em.core.replica_evidence_info) with
    O(veeam_em.core.replica_evidence_info#module:include_failover_plans)), and the statuses the
    V(veeam_em.core.replica_status) filter gave for their VMs, and judges each plan as a whole.
  - A plan is ready when every VM in it has a replica restore point (or a CDP session) within its RPO. Each VM that
    holds it back is named, in the plan's start order, with its reasons, worst first - V(no_replica) (no task session,
    restore point or CDP session that succeeded in the window), V(stale) (its newest evidence is older than its RPO),
    V(failed) (its last replica or CDP result is Failed) and V(job_disabled) (the schedule of its replication job or
    CDP policy is disabled, so no new point will come).
  - Enterprise Manager gives a plan no state and no readiness (Veeam's C(get_failoverplans_id) page); this judgement
    is the collection's, the same one M(veeam_em.core.failover_plan_info), the C(veeam_em.core.replicas) inventory
    and the C(veeam_em.core.replica_compliance) role make. Nothing here starts, tests or undoes a failover.
  - A plan's VM is matched to a status by its display name on the plan's backup server (its ID, else its name).
    Give V(veeam_em.core.replica_status) the same plans as O(veeam_em.core.replica_status#filter:failover_plans) so a
    VM of a plan with no evidence at all gets a status too; a plan VM without a status holds its plan back as
    V(no_replica) either way.
  - A VM is stale only against an RPO - give V(veeam_em.core.replica_status) an O(veeam_em.core.replica_status#filter:rpo)
    (CDP VMs have their policy's own).
options:
  _input:
    description: Failover plan records, each with its C(vms) (C(order), C(name), C(display_name)).
    type: list
    elements: dict
    required: true
  statuses:
    description:
      - The statuses of the plans' VMs, as the V(veeam_em.core.replica_status) filter returns them.
      - Omitted or null when the evidence was not read (an account refused it); every plan's RV(_value[].ready) is
        then null, not judged, and no VM holds a plan back.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: The evidence of the last week with the failover plans, in one logon
  veeam_em.core.replica_evidence_info:
    created_after: 7d
    include_failover_plans: true
  register: evidence
  delegate_to: localhost

- name: Judge every VM, the plans' VMs without evidence included, on a 24-hour RPO (CDP VMs on their policy's)
  ansible.builtin.set_fact:
    plan_vm_statuses: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='24h', points=evidence.replica_points,
                                        jobs=evidence.replication_jobs | default(none),
                                        cdp_sessions=evidence.cdp_task_sessions | default([]),
                                        cdp_policies=evidence.cdp_policies | default(none),
                                        failover_plans=evidence.failover_plans, not_judged=evidence.not_judged) }}

- name: Each plan in one line - ready, or held back by which VMs and why
  ansible.builtin.debug:
    msg: "{{ evidence.failover_plans | veeam_em.core.failover_plan_status(plan_vm_statuses) | map(attribute='message') }}"

- name: Stop before the DR test when a plan it fails over could not fail over now
  ansible.builtin.assert:
    that: dr_plans | rejectattr('ready') | list | length == 0
    fail_msg: "{{ dr_plans | rejectattr('ready') | map(attribute='message') | join('; ') }}"
    quiet: true
  vars:
    dr_test_plans: [vbr01 ready]
    dr_plans: >-
      {{ evidence.failover_plans | selectattr('name', 'in', dr_test_plans)
         | veeam_em.core.failover_plan_status(plan_vm_statuses) }}
"""

RETURN = r"""
_value:
  description: One judged plan per plan given, in the order given.
  type: list
  elements: dict
  contains:
    name:
      description: The plan's name (C(Name)).
      type: str
    id:
      description: The plan's ID (from its C(UID), C(urn:veeam:FailoverPlan:<id>)).
      type: str
    description:
      description: The plan's C(Description).
      type: str
    backup_server_id:
      description: ID of the backup server the plan belongs to (its C(BackupServerReference) link).
      type: str
    backup_server_name:
      description: Name of that backup server.
      type: str
    ready:
      description:
        - Whether every VM in the plan has a replica point or CDP session within its RPO, none failed its last run and
          none's job or policy is disabled. True for a plan without VMs.
        - Null when O(statuses) is null - not judged.
      type: bool
    vms:
      description: The plan's VMs in start order (C(FailoverPlanInfo/Includes/FailoveredVm), by C(Order)), each judged.
      type: list
      elements: dict
      contains:
        order:
          description: The VM's place in the plan's start order (C(Order)).
          type: int
        name:
          description: The VM's display name (C(DisplayName), else C(Name)), as its status names it.
          type: str
        status:
          description: Its status's RV(veeam_em.core.replica_status#filter:_value[].status); null without a status.
          type: str
        findings:
          description: Its status's findings, worst first; empty without a status.
          type: list
          elements: str
        protection:
          description: Its kinds of evidence (V(cdp), V(replica)); empty without a status.
          type: list
          elements: str
        job_name:
          description: Its replication job or, for a VM only CDP protects, its CDP policy; null without a status.
          type: str
        rpo_evidence_time:
          description: The time its RPO is measured from (ISO 8601, UTC); null without evidence.
          type: str
        rpo_age_seconds:
          description: Seconds from RV(_value[].vms[].rpo_evidence_time) to the statuses' now; null without evidence.
          type: float
        rpo_seconds:
          description: The RPO it is judged on, in seconds; null without one.
          type: float
        last_point_time:
          description: Creation time of its newest restore point (ISO 8601, UTC); null without one.
          type: str
        hold_back:
          description: >-
            Why it holds the plan back, worst first - V(no_replica), V(stale), V(failed), V(job_disabled); empty when it
            is ready (and when the plan is not judged). V(no_replica) leaves V(stale) out. A reason whose finding an
            active waiver covers (the status's RV(veeam_em.core.replica_status#filter:_value[].waived_findings)) is in
            RV(_value[].vms[].waived) instead - V(stale) rests on V(rpo_breach), V(failed) on V(failed), V(no_replica) on
            V(never_replicated) or V(never_succeeded); V(job_disabled) rests on no finding, so no waiver lifts it.
          type: list
          elements: str
        waived:
          description: The reasons that would hold the plan back but whose findings an active waiver covers, worst first.
          type: list
          elements: str
        waivers:
          description: >-
            The active waivers of its status that cover those findings (each with C(entry), C(line), C(state),
            C(justification), C(expires), C(permanent)).
          type: list
          elements: dict
        message:
          description: >-
            The reasons in words with its status's message, such as
            V(stale: last restore point 1d 2h ago (2026-11-28T04:00:00Z), older than the RPO of 24h), then the waived
            reasons with their waivers; empty when ready without waivers.
          type: str
    held_back_by:
      description: The VMs that hold the plan back, in start order, each as C(order), C(vm_name), C(reasons) and C(message).
      type: list
      elements: dict
    waived_by:
      description: >-
        The VMs with a reason a waiver covers, in start order, each as C(order), C(vm_name), C(reasons) (the waived ones),
        C(waivers) and C(message). A plan whose every reason is waived is ready, with waivers.
      type: list
      elements: dict
    message:
      description: >-
        The plan's verdict in one line, such as V(failover plan 'ERP' is ready: all 3 VMs have a replica within their RPO)
        or V(failover plan 'ERP' is held back by 1 of 3 VMs: erp-db (stale)); a plan ready only through waivers says
        V(is ready, with waivers) and names them.
      type: str
"""

from typing import Any, Callable

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import records_list
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plans import judge_plans

PLANS = "failover plan records (as failover_plan_info returns them)"
STATUSES = "VM statuses (as the replica_status filter returns them)"


def failover_plan_status(plans: Any, statuses: Any = None) -> list[dict[str, Any]]:
    """The filter: each plan judged on its VMs' statuses (None: not judged), input errors as filter errors."""
    try:
        plan_records = records_list(plans, PLANS)
        for index, plan in enumerate(plan_records):
            _check_vms(plan, index)
        judged_on = None if statuses is None else records_list(statuses, STATUSES, "statuses: ")
        return judge_plans(plan_records, judged_on)
    except ConfigurationError as error:
        raise AnsibleFilterError(f"failover_plan_status: {error}") from None


def _check_vms(plan: Any, index: int) -> None:
    """A plan's `vms` must be a list of dicts (a plan record, not a status or a name)."""
    if "vms" not in plan:
        raise ConfigurationError(f"plan {index} has no 'vms'; expects {PLANS}")
    if plan["vms"] is not None:
        records_list(plan["vms"], "plan VMs", f"plan {index} ({plan.get('name')!r}) vms: ")


class FilterModule:
    """veeam_em.core.failover_plan_status."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"failover_plan_status": failover_plan_status}
