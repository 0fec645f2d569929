# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: replica_compliance_summary
short_description: A compliance check summed up from its judged VMs - counts, verdict, warnings, worst first
version_added: 0.1.0
author:
  - veeam_em.core maintainers (@veeam-em)
description:
  - Takes the VMs the V(veeam_em.core.replica_status) filter judged and gives what a compliance check reports
    about them as a whole - the counts by status and finding, whether the check passed and why not, its
    warnings, and the VMs worst first.
  - The check fails when a VM is failing (C(failing) in RV(_value.counts)), when a name matched nothing
    (O(not_found)) while V(not_found) is in O(fail_on), and when no VM is in scope while O(empty_scope) is V(fail).
  - The C(veeam_em.core.replica_compliance) role builds its result, its summary and its reports from this
    filter, so its HTML report lists the VMs in RV(_value.worst_first)'s order, and every count its reports show
    (the HTML tiles, filters and chart, the JSON, the JUnit and the summary line) is one of RV(_value.counts).
  - An object a replication job includes that is not a VM (a folder, tag, host, cluster or resource pool; its
    C(object_type) is not V(Vm)) is a container - Enterprise Manager does not say which VMs it holds. It is
    counted and listed as a container (RV(_value.containers)), never among the VMs, and a failing container
    fails the check as a failing VM does.
options:
  _input:
    description: Judged VMs, as the V(veeam_em.core.replica_status) filter returns them.
    type: list
    elements: dict
    required: true
  not_found:
    description: The names that matched nothing, as the V(veeam_em.core.replica_not_found) filter returns them.
    type: list
    elements: dict
  fail_on:
    description:
      - What fails the check - the findings of O(veeam_em.core.replica_status#filter:fail_on), V(failover_plan_not_ready)
        and V(not_found).
      - Each VM's RV(veeam_em.core.replica_status#filter:_value[].failing) was decided by that filter already;
        here only whether V(not_found) and V(failover_plan_not_ready) are listed matters.
      - V(failover_plan_not_ready) fails the check when a plan of O(failover_plans) is held back (C(ready) false); a
        plan whose readiness was not judged (C(ready) null) does not fail it and is never counted as ready.
    type: list
    elements: str
    choices: [rpo_breach, failed, warning, never_succeeded, never_replicated, sla_below_target, duration_anomaly, size_anomaly,
              waiver_expired, failover_plan_not_ready, not_found]
    default: [rpo_breach, failed, never_succeeded, not_found]
  empty_scope:
    description: Whether no VM in scope fails the check (V(fail)) or is only a warning (V(warn)).
    type: str
    choices: [fail, warn]
    default: fail
  sessions:
    description: The replica task session records read, counted as C(sessions) in RV(_value.counts).
    type: list
    elements: dict
  points:
    description: The restore point records read, counted as C(restore_points) in RV(_value.counts).
    type: list
    elements: dict
  not_judged:
    description:
      - What the reader could not judge, as M(veeam_em.core.replica_evidence_info) returns it; joined with each VM's
        C(not_judged) into RV(_value.not_judged), so a check with no VM in scope still says what it could not judge.
    type: list
    elements: dict
  require_coverage:
    description:
      - Whether coverage not judged (RV(_value.not_judged)) fails the check, with RV(_value.not_judged_failure) saying
        why in the words of the warning, instead of being reported only.
    type: bool
    default: false
  failover_plans:
    description:
      - The failover plans judged as units, as the V(veeam_em.core.failover_plan_status) filter returns them; leave it
        out (or null) when plans were not asked for or could not be read.
      - Given, RV(_value.failover_plans) lists them worst first, RV(_value.counts) counts them and RV(_value.junit) has
        a case for each.
    type: list
    elements: dict
  failover_plan_names:
    description:
      - The plans of O(failover_plans) to keep, by exact name, or V(all) (also when left out) for every one.
      - A name no plan has is a name not found (RV(_value.not_found), kind V(failover_plan)), which fails the check
        while V(not_found) is in O(fail_on), as a misspelt VM name does.
    type: raw
  sla_target:
    description:
      - The SLA target (a percent, 0 to 100) the groups are held to, as the V(veeam_em.core.replica_status) filter's
        O(veeam_em.core.replica_status#filter:sla_target) held the VMs; leave it out for none.
      - Each group (the Enterprise Manager's VMs, each backup server, each job and each failover plan, in
        the C(groups) of RV(_value.sla)) below it is a finding of the check, C(sla_below_target) of that group. It fails the check
        while V(sla_below_target) is in O(fail_on) and some VM of the group below the target has not had that finding
        waived (a group's time-weighted share is below the target only when one of its VMs is).
    type: raw
  waivers:
    description:
      - The path of the waivers file the V(veeam_em.core.replica_status) filter applied, to list the waivers that match
        no VM, plan or name not found (RV(_value.stale_waivers)), each also a warning, and to apply the run's own
        waivers - one naming V(failover_plan_not_ready) (or no finding) whose C(failover_plans) matches a held-back
        plan, and one naming V(not_found) whose selector of the entry's kind (C(vms), C(jobs), C(backup_servers),
        C(failover_plans)) matches a name not found keep it from failing the check; it stays listed, with
        C(waived) and C(waivers). A malformed file fails, naming the entry and its line.
    type: str
  now:
    description:
      - The moment judged (ISO 8601), for the state of each stale waiver; the current time when left out.
    type: str
  url:
    description:
      - The address of the Enterprise Manager that was read, for RV(_value.enterprise_managers).
      - Reduced to its scheme, host, port and path, so a user, password, query or fragment in it never
        reaches a report.
    type: str
  option_prefix:
    description:
      - Text put before the option names that errors and warnings mention, such as V(replica_compliance_),
        so a role's messages name its own variables.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Read a week of evidence in one logon
  veeam_em.core.replica_evidence_info:
    created_after: 7d
  register: evidence
  delegate_to: localhost

- name: Say whether the estate passes, how many VMs breach the RPO, and name the worst five
  ansible.builtin.debug:
    msg: >-
      {{ 'passed' if summary.passed else 'failing' }}: {{ summary.counts.rpo_breach }} of {{ summary.counts.vms }} VMs
      breach the RPO; worst first: {{ summary.worst_first[:5] | map(attribute='vm_name') | join(', ') }}
  vars:
    summary: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='24h', points=evidence.replica_points,
                                        jobs=evidence.replication_jobs | default(none), not_judged=evidence.not_judged)
         | veeam_em.core.replica_compliance_summary(sessions=evidence.replica_task_sessions, points=evidence.replica_points,
                                                    not_judged=evidence.not_judged) }}
"""

RETURN = r"""
_value:
  description: The check summed up.
  type: dict
  contains:
    passed:
      description: Whether nothing fails the check.
      type: bool
    fails_on_not_found:
      description: Whether the names not found fail the check (V(not_found) is in O(fail_on) and a name matched nothing).
      type: bool
    fails_on_empty:
      description: Whether the empty scope fails the check (no VM, and O(empty_scope) is V(fail)).
      type: bool
    empty_scope_message:
      description: Why no VM in scope is suspect, for a failure or a warning; null while a VM is in scope.
      type: str
    warnings:
      description:
        - What does not fail the check but should be read - no VM in scope with O(empty_scope=warn), and each
          name not found while V(not_found) is not in O(fail_on).
      type: list
      elements: str
    counts:
      description:
        - The counts of the check, each a whole number, by key.
        - C(vms) is the VMs judged (containers excluded); C(ok) those without a finding; C(failing) those with a finding
          in the V(veeam_em.core.replica_status) filter's O(veeam_em.core.replica_status#filter:fail_on).
        - By finding (a VM with several findings counts under each) - C(never_succeeded), C(never_replicated),
          C(rpo_breach), C(failed) and C(warning); C(running) is the VMs with a session running now. C(never_replicated)
          is null when coverage was not judged (RV(_value.not_judged)), not a 0 nobody looked for.
        - By evidence - C(judged_on_restore_point) (the RPO judged on the VM's newest restore point) and
          C(judged_on_session) (on a session - no restore point, or points not read).
        - Records read - C(sessions) (O(sessions)) and C(restore_points) (O(points)); C(not_found) is the names
          that matched nothing (O(not_found)).
        - C(containers) is the containers included in jobs (RV(_value.containers)) and C(containers_failing) those failing;
          neither is in any count of VMs.
        - Over the window - C(sla_below_target), C(duration_anomaly), C(size_anomaly) and C(waiver_expired) (VMs with
          that finding), C(waived) (VMs with a finding waived), C(stale_waivers), C(sla_groups_below_target) and
          C(anomalous_runs).
        - C(not_found_waived) - the names not found an active waiver covers (counted in C(not_found) too).
        - Only with O(failover_plans) - C(failover_plans) (the plans kept), C(failover_plans_ready),
          C(failover_plans_held_back), C(failover_plans_not_judged) and C(failover_plans_waived) (held back, and
          waived, counted as held back too).
      type: dict
    not_judged:
      description:
        - What the check did not judge (O(not_judged) and every VM's C(not_judged), each once) - never shown as judged
          and found fine. Each has C(checks) (V(coverage)), C(reason) (such as V(no right to read replication jobs)),
          C(label) (V(not judged:) and the reason, as a report's scope shows it) and C(message) (the warning the
          reader gave once, naming the Enterprise Manager role that would allow it).
      type: list
      elements: dict
    not_judged_failure:
      description:
        - With O(require_coverage) and coverage not judged, why the check fails (naming the Enterprise Manager role
          that would allow it and the option, after O(option_prefix)); null otherwise.
      type: str
    statuses:
      description:
        - Every status worst first (V(never_replicated), V(never_succeeded), V(rpo_breach), V(failed), V(warning),
          V(ok)), each with C(status) and C(vms), its number of VMs (0 included).
      type: list
      elements: dict
    worst_first:
      description:
        - The VMs, failing before not, then by status as RV(_value.statuses) orders them, then the larger
          share of the RPO used (a VM without evidence first), the older evidence, and the VM name (ignoring case).
      type: list
      elements: dict
    containers:
      description:
        - The containers included in replication jobs (a judged object whose C(object_type) is given and is not
          V(Vm)), in RV(_value.worst_first)'s order; none of them is in RV(_value.worst_first) or counted as a VM.
      type: list
      elements: dict
    junit:
      description:
        - What a JUnit report of the check counts and decides - one test suite per backup server, one test case
          per VM, and a suite for the scope holding a case for no VM in scope, one per name not found and one
          per check not judged.
        - C(tests), C(failures) and C(skipped) are over every suite.
        - C(scope) has C(tests), C(failures) and C(skipped) of the scope's suite; C(empty) (no VM in scope, so one
          case), C(empty_warns) (that case is skipped, O(empty_scope=warn), rather than failing) and
          C(not_found_fails) (each name not found is a failing case, V(not_found) being in O(fail_on), rather than skipped);
          C(not_judged) (RV(_value.not_judged), each a case whose message is its C(label)), and C(not_judged_fails)
          (those cases failing, O(require_coverage), rather than skipped).
        - C(servers) lists the backup servers by name ignoring case (C(name), V('') for a VM without one), each with
          C(tests), C(failures) and C(cases), its VMs in the order given then its containers, each C(vm) (the VM or
          container as given) with C(container) (whether it is a container) and C(failure_type) (its first finding
          that O(fail_on) lists; null when it is not failing).
        - C(failover_plans) has C(tests), C(failures), C(skipped) and C(cases), one per plan of RV(_value.failover_plans),
          each C(plan), C(failure_type) (V(failover_plan_not_ready) when it fails the check, else null) and C(skipped)
          (its readiness not judged); counted in the totals.
        - The C(veeam_em.core.replica_compliance) role's JUnit report is laid out from this.
      type: dict
    not_found:
      description:
        - O(not_found), then one entry (C(kind) V(failover_plan), C(name), C(message)) per name of
          O(failover_plan_names) that no plan of O(failover_plans) has; each with C(waived) (an active waiver of
          O(waivers) covers it, so it does not fail the check), C(waivers) (those that match it, with their
          C(state)) and C(waiver_expired) (one expired and none active, said in its C(message)).
      type: list
      elements: dict
    failover_plans:
      description:
        - The plans of O(failover_plans) kept by O(failover_plan_names), held back first, then not judged, then ready,
          each by name ignoring case; null without O(failover_plans). Each also has C(failing) (it fails the check;
          two backup servers may name a plan alike), and C(waived), C(waivers) and C(waiver_expired), as
          RV(_value.not_found) entries do; a held-back plan that is waived does not fail.
      type: list
      elements: dict
    failover_plans_failing:
      description: The names of the plans that fail the check (held back, not waived, and V(failover_plan_not_ready) in O(fail_on)).
      type: list
      elements: str
    sla:
      description:
        - The SLA over the window by group - C(target) (O(sla_target) or null), C(estate) (the Enterprise Manager's VMs
          as one group, null when no VM has an SLA), C(groups) (the EM, then each backup server, job and failover plan
          by name ignoring case - jobs and plans named C(<name> on <backup server>) - each C(kind), C(name), C(percent),
          C(covered_seconds), C(span_seconds), C(vms), C(days) (per UTC day), C(target), C(below_target), C(failing)
          and C(message)), C(groups_failing) (those that fail the check) and C(worst) (the 20 VMs with the lowest share,
          lowest first).
      type: dict
    anomalies:
      description:
        - Each run of the window that looks wrong, newest first - the VM's anomaly (C(kind) V(duration_anomaly) or
          V(size_anomaly), C(session_id), C(creation_time), C(value), C(median), C(usual_low), C(usual_high), C(score),
          C(history)) with C(vm_name), C(backup_server_name) and C(waived) (that finding waived for the VM).
      type: list
      elements: dict
    waived:
      description: The VMs a waiver matched (active, expired or not started yet), in RV(_value.worst_first)'s order.
      type: list
      elements: dict
    stale_waivers:
      description: The waivers of O(waivers) that match no VM, plan or name not found, each with C(message) (also in RV(_value.warnings)).
      type: list
      elements: dict
    enterprise_managers:
      description:
        - The Enterprise Manager of O(url) as C(url) (scheme, host, port and path only); empty without O(url)
          or when it names no host.
      type: list
      elements: dict
"""

from typing import Any, Callable

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.em._url import public_url
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._summary import compliance_summary


def replica_compliance_summary(vms: Any, not_found: Any = None, fail_on: Any = None, empty_scope: Any = None,
                               sessions: Any = None, points: Any = None, url: Any = None,
                               option_prefix: str = "", not_judged: Any = None,
                               require_coverage: Any = False, failover_plans: Any = None,
                               failover_plan_names: Any = None, sla_target: Any = None, waivers: Any = None,
                               now: Any = None) -> dict[str, Any]:
    """The filter: module_utils' compliance_summary, and the EM's URL without credentials."""
    prefix = str(option_prefix or "")
    try:
        summary = compliance_summary(vms, not_found, fail_on, empty_scope, sessions, points, prefix, not_judged,
                                     require_coverage, failover_plans, failover_plan_names,
                                     sla_target=sla_target, waivers=waivers, now=now)
    except ConfigurationError as error:
        # A role names its own variables: the filter's name would only point at its internals.
        raise AnsibleFilterError(str(error) if prefix else f"replica_compliance_summary: {error}") from None
    shown = public_url(url) if url else None
    summary["enterprise_managers"] = [{"url": shown}] if shown else []
    return summary


class FilterModule:
    """veeam_em.core.replica_compliance_summary."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"replica_compliance_summary": replica_compliance_summary}
