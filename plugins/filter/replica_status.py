# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: replica_status
short_description: Per-VM replica status, findings and RPO judgement from replica task sessions
version_added: 0.1.0
author:
  - veeam_em.core maintainers (@veeam-em)
description:
  - Takes replica task sessions as M(veeam_em.core.replica_task_session_info) returns them and
    gives one status per VM and backup server; the same VM name on two backup servers gives two statuses.
  - A status holds the latest session, the last result, the last successful session and its age,
    the failures since it, whether a session is running, whether the data holds no success at all,
    and, given an O(rpo), whether the RPO is breached.
  - Given CDP task sessions (O(cdp_sessions)) and policies (O(cdp_policies)), it judges the VMs that Continuous Data
    Protection (CDP) protects too, by default each on its policy's own RPO (RV(_value[].rpo_source)); a VM both
    replicated and CDP-protected is one status with both kinds of evidence (RV(_value[].protection)).
  - V(Success) and V(Warning) both count as success, because a warning still produced a restore point.
  - Exactly at the RPO is still within it. A VM without any success in the data breaches any RPO.
  - Each status also lists its findings (V(never_succeeded), V(rpo_breach), V(failed), V(warning))
    and whether one of them is among O(fail_on).
  - Over the window (issue 28) each status also gives its service level, the share of the window during which it had
    a restore point within its RPO (RV(_value[].sla); with O(sla_target), V(sla_below_target) below it), and the
    successful runs whose duration or transferred size lies far outside its own recent history
    (RV(_value[].anomalies); the warnings V(duration_anomaly) and V(size_anomaly)).
  - A waivers file (O(waivers)) keeps a known finding from failing until the waiver expires; the waived finding stays
    in RV(_value[].findings) with the waiver beside it (RV(_value[].waivers)), and RV(_value[].failing) is decided
    after the waivers.
  - The statuses, findings and messages come from the collection's shared functions, the same ones the
    C(veeam_em.core.replicas) inventory plugin and the C(veeam_em.core.replica_compliance) role use.
  - The records must cover at least the longest RPO back from O(now), or a VM whose last success lies before them
    counts as never succeeded. The V(veeam_em.core.replica_session_query) filter, given the same O(rpo) and
    O(rpo_by_job), refuses a shorter window (as the inventory and the role do); this filter cannot tell how far back
    its records were read. The V(veeam_em.core.replica_not_found) filter lists the exact include names that match
    nothing in the same records.
options:
  _input:
    description: Replica task session records, in any order.
    type: list
    elements: dict
    required: true
  rpo:
    description:
      - Recovery point objective, as a duration such as V(30m), V(4h), V(1d) or V(1w). A bare number (V(24)) is
        refused, since it has no unit.
      - Without it, RV(_value[].rpo_breached) is null and there is no V(rpo_breach) finding.
    type: raw
  rpo_by_job:
    description:
      - RPO per replication job, overriding O(rpo) for the VMs whose latest session ran in that job.
      - Keys match CDP policy names too; an entry that names or matches a VM's CDP policy overrides the policy's own
        RPO (RV(_value[].rpo_source=option)).
      - Keys are job names or shell-style patterns (V(*), V(?), V([seq])); an exact name wins over a
        pattern, and among patterns the first that matches wins.
    type: dict
  now:
    description:
      - The moment ages are measured from, in ISO 8601 (V(2026-11-29T06:00:00Z); without an offset it is
        taken as UTC). Fix it to make results reproducible.
      - Defaults to the current time.
    type: str
  include:
    description:
      - Keep only sessions whose values match one of the shell-style patterns given for a key.
      - Keys are V(vm_name), V(job_name) and V(backup_server_name); values are a pattern or a list
        of patterns. Matching is case-sensitive. An empty list keeps everything.
    type: dict
  exclude:
    description:
      - Drop sessions whose values match one of the patterns given for a key; the same keys and
        patterns as O(include). Exclusion wins over inclusion.
    type: dict
  fail_on:
    description:
      - The findings that make a status failing (RV(_value[].failing)).
      - V(sla_below_target) is only ever found with O(sla_target). V(duration_anomaly), V(size_anomaly) and
        V(waiver_expired) warn in the reports without failing unless listed here.
      - A finding an active waiver covers (RV(_value[].waived_findings)) does not fail, even when listed here.
    type: list
    elements: str
    choices: [rpo_breach, failed, warning, never_succeeded, never_replicated, sla_below_target, duration_anomaly,
              size_anomaly, waiver_expired]
    default: [rpo_breach, failed, never_succeeded, sla_below_target]
  include_sessions:
    description: Add every session of the VM to its status, newest first, under RV(_value[].sessions).
    type: bool
    default: false
  points:
    description:
      - Replica restore points of the same window, as M(veeam_em.core.replica_point_info) returns them.
      - Given (even empty), the RPO is judged on each VM's newest point, as Veeam's own monitoring measures
        it; a VM without a point falls back to its last V(Success) session (a V(Warning) may have made no
        point, as a replica made from backup does when no new backup exists). Not given, the RPO is
        judged on the last V(Success) or V(Warning) session, as before points were read.
      - O(include) and O(exclude) select points too; a point's C(replica_name) stands for its job name.
    type: list
    elements: dict
  jobs:
    description:
      - Replication jobs with their includes, as M(veeam_em.core.replication_job_info) returns them.
      - Given, every VM gets its job's schedule state (RV(_value[].job_schedule_enabled), RV(_value[].job_overdue)),
        and each included VM with neither a session nor a point in the data becomes a status with the finding
        V(never_replicated); a folder or tag of a job with no session at all becomes one as itself.
      - O(include) and O(exclude) select jobs by name, and every status (also those added for coverage) by VM and
        backup server name.
    type: list
    elements: dict
  not_judged:
    description:
      - What the reader could not judge, as M(veeam_em.core.replica_evidence_info) returns it
        (RV(veeam_em.core.replica_evidence_info#module:not_judged)). Each VM's RV(_value[].not_judged) holds it,
        and with V(coverage) in it RV(_value[].never_replicated) is null.
      - O(jobs) given empty although the sessions name jobs adds the same for coverage by itself.
    type: list
    elements: dict
  rpo_basis:
    description:
      - With O(points), what the RPO is judged on; V(session) ignores the points for the verdict (their
        time and count are still reported), to compare both.
    type: str
    choices: [restore_point, session]
    default: restore_point
  cdp_sessions:
    description:
      - CDP task sessions of the same window, as M(veeam_em.core.cdp_policy_info) returns them with
        O(veeam_em.core.cdp_policy_info#module:include_sessions=true) (RV(veeam_em.core.cdp_policy_info#module:cdp_task_sessions))
        or M(veeam_em.core.replica_evidence_info) with O(veeam_em.core.replica_evidence_info#module:include_cdp)
        (RV(veeam_em.core.replica_evidence_info#module:cdp_task_sessions)); Enterprise Manager's query type
        C(CdpReplicaTaskSession) (Veeam's C(get_query_cdpreplicatasksession) page).
      - A VM a Continuous Data Protection (CDP) policy protects has no replica task session; these are its evidence.
        While its newest CDP task session runs (C(State) V(InProgress); Veeam's examples show one running until the
        next long-term restore point), the RPO holds unless VBR already marks it V(Failed) or it runs longer than a
        policy session (24 hours) plus the RPO (RV(_value[].rpo_basis=cdp_running)). Otherwise its RPO is measured from
        the end of its newest completed CDP task session that did not fail (RV(_value[].rpo_basis=cdp_session)).
        A VM with both kinds of evidence is one status, measured from the newer.
      - O(include) and O(exclude) select them too; a session's C(policy_name) stands for its job name.
    type: list
    elements: dict
  cdp_policies:
    description:
      - CDP policies with their includes, as M(veeam_em.core.cdp_policy_info) returns them
        (RV(veeam_em.core.cdp_policy_info#module:cdp_policies)) or M(veeam_em.core.replica_evidence_info) does
        (RV(veeam_em.core.replica_evidence_info#module:cdp_policies)); Enterprise Manager's C(/cdpPolicies) (Veeam's
        C(get_cdppolicies_id) and C(policyscheduleoptions) pages).
      - Given, each CDP VM is judged on its policy's own RPO (C(rpo_seconds)), unless O(rpo_by_job) names the policy
        or O(cdp_rpo_source=option); it gets its policy's schedule state, and each VM a policy includes with no CDP
        session in O(cdp_sessions) becomes a status with the finding V(never_replicated).
      - Not given (a Portal User may not read CDP policies, Veeam's C(security_roles_concept) page), CDP VMs are
        judged on O(rpo) and O(rpo_by_job); pass O(not_judged) so each status says why.
      - O(include) and O(exclude) select policies by name, with the V(job_name) key.
    type: list
    elements: dict
  cdp_rpo_source:
    description:
      - Which RPO a CDP VM is judged on. V(policy) - its policy's own RPO from O(cdp_policies), unless an
        O(rpo_by_job) entry names or matches the policy (then that entry); without the policy, O(rpo). V(option) -
        O(rpo) and O(rpo_by_job) for every VM, as for replicated VMs.
    type: str
    choices: [policy, option]
    default: policy
  failover_plans:
    description:
      - Failover plans, as M(veeam_em.core.failover_plan_info) returns them
        (RV(veeam_em.core.failover_plan_info#module:failover_plans)) or M(veeam_em.core.replica_evidence_info)
        with O(veeam_em.core.replica_evidence_info#module:include_failover_plans) does; Enterprise Manager's
        C(/failoverPlans) (Veeam's C(get_failoverplans_id) page).
      - Given, each status names the plans that hold its VM (RV(_value[].failover_plans)), and each plan VM with no
        task session, restore point or CDP session becomes a status with the finding V(never_replicated), so the
        V(veeam_em.core.failover_plan_status) filter judges every plan VM on a status.
      - A plan's VM is matched by its display name on the plan's backup server.
    type: list
    elements: dict
  window_start:
    description:
      - Where the window the SLA is measured over starts (RV(_value[].sla)) - ISO 8601 (V(2026-11-01T00:00:00Z);
        without an offset it is taken as UTC) or a duration back from O(now) (V(30d)), as the records were read
        (O(veeam_em.core.replica_evidence_info#module:created_after)).
      - A VM first seen later (added mid-window) is measured from its first session or restore point, whichever is
        earlier, so runs that failed before its first point count against it.
      - Anomalous runs before it served only as history and are not reported.
      - Without it, each VM is measured from its first session or evidence in the records.
    type: str
  include_sla:
    description:
      - Whether to measure the SLA over the window (RV(_value[].sla)); off, RV(_value[].sla) is null and there is no
        V(sla_below_target) finding.
    type: bool
    default: true
  include_anomalies:
    description:
      - Whether to look for runs that look wrong (RV(_value[].anomalies)); off, RV(_value[].anomalies) is empty.
    type: bool
    default: true
  sla_target:
    description:
      - The SLA a VM must meet, in percent from 0 to 100 (V(99.5); a trailing V(%) is allowed). A VM whose
        RV(_value[].sla.percent) is below it gets the finding V(sla_below_target), which fails by default.
      - Without it, RV(_value[].sla.below_target) is null.
    type: raw
  anomaly_threshold:
    description:
      - How far outside its history a run must lie to be an anomaly, in robust standard deviations. Each measure
        (duration, transferred size) of a successful run is compared with the median m of the VM's last 30 earlier
        successful runs in units of scale = the larger of 1.4826 times their median absolute deviation, 10% of m,
        and one second or byte; a run scoring |value - m| / scale above this number is an anomaly.
      - A number above 0.
    type: float
    default: 5
  anomaly_min_history:
    description:
      - How many earlier successful runs a run needs before it is judged (too few and no run is an anomaly).
      - A whole number above 0.
    type: int
    default: 5
  waivers:
    description:
      - Path of a waivers file (YAML) on the controller, read and checked before anything is judged; a malformed
        file fails naming the file, the entry (1-based) and its line. See C(docs/examples/waivers.yml) in the
        collection for a commented example.
      - The file is a mapping with one key, C(waivers), a list (empty is fine) of entries with the keys
        C(vms), C(jobs), C(backup_servers), C(failover_plans) (selectors, at least one; each a name or shell-style
        pattern, or a list of them; all given must match), C(em) (the Enterprise Manager the entry is scoped to,
        see O(em)), C(findings) (the findings waived; default every finding of the VMs matched), C(justification)
        (required), C(expires) (ISO 8601 date-time, or a date that holds through that whole day UTC) or
        C(permanent) V(true) (exactly one of them), C(starts) (with C(expires), a maintenance window not active
        before it), C(ticket) and C(owner).
      - An active waiver's findings do not fail (RV(_value[].waived_findings)). An expired one whose findings the VM
        still has gives them back and adds the finding V(waiver_expired), its message naming the expiry and the
        justification. A waiver that matches no status is stale and changes nothing here.
    type: path
  em:
    description:
      - The Enterprise Manager the records come from, for waivers scoped to one (C(em) in the waivers file); a
        waiver with C(em) set applies only when its C(em) (a name or shell-style pattern) matches this name. Without it, only waivers without C(em) apply.
    type: str
"""

EXAMPLES = r"""
- name: Gather the last week's task sessions, restore points and replication jobs in one logon
  veeam_em.core.replica_evidence_info:
    created_after: 7d
  register: evidence
  delegate_to: localhost

- name: VMs whose last successful replica is older than 4 hours (1 hour for the Tier 1 jobs)
  ansible.builtin.debug:
    msg: "{{ statuses | selectattr('rpo_breached') | map(attribute='vm_name') }}"
  vars:
    statuses: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='4h', rpo_by_job={'Tier 1*': '1h'}) }}

- name: The same judged on replica restore points, as Veeam ONE measures the RPO, with the VMs never replicated
  ansible.builtin.debug:
    msg: "{{ statuses | map(attribute='message') }}"
  vars:
    statuses: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='4h', points=evidence.replica_points, jobs=evidence.replication_jobs) }}

- name: CDP VMs judged on their policy's own RPO, the replicated VMs on 4 hours, and why a CDP VM is late
  ansible.builtin.debug:
    msg: "{{ statuses | selectattr('protection', 'contains', 'cdp') | map(attribute='rpo_evidence_text') }}"
  vars:
    statuses: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='4h', points=evidence.replica_points,
                                        cdp_sessions=evidence.cdp_task_sessions | default([]),
                                        cdp_policies=evidence.cdp_policies | default(none),
                                        not_judged=evidence.not_judged) }}

- name: Every VM on the same 4 hours, CDP VMs too, but the CDP policies named Tier 0 on 5 minutes
  ansible.builtin.debug:
    msg: "{{ statuses | selectattr('rpo_breached') | map(attribute='message') }}"
  vars:
    statuses: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='4h', rpo_by_job={'Tier 0*': '5m'}, cdp_rpo_source='option',
                                        cdp_sessions=evidence.cdp_task_sessions | default([]),
                                        cdp_policies=evidence.cdp_policies | default(none)) }}

- name: Write a waivers file on the controller (docs/examples/waivers.yml in the collection explains every key)
  ansible.builtin.copy:
    dest: "{{ playbook_dir }}/waivers.yml"
    mode: "0644"
    content: |
      waivers:
        - jobs: "Tier 1*"
          findings: [rpo_breach, sla_below_target]
          justification: Datastore migration of the Tier 1 replicas; replication paused until it is done
          expires: 2027-01-31
          ticket: CHG-4411
  delegate_to: localhost

- name: Each VM's SLA over the week against a 99% target, and what the waivers keep from failing (still listed)
  ansible.builtin.debug:
    msg: >-
      {{ statuses | map(attribute='vm_name')
         | zip(statuses | map(attribute='sla.percent'), statuses | map(attribute='failing'),
               statuses | map(attribute='waived_findings')) }}
  vars:
    statuses: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='4h', points=evidence.replica_points, window_start='7d', sla_target=99,
                                        waivers=playbook_dir ~ '/waivers.yml') }}

- name: Successful runs of the week that took far longer or moved far more data than the VM's own history
  ansible.builtin.debug:
    msg: "{{ statuses | selectattr('anomalies') | map(attribute='message') }}"
  vars:
    statuses: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='4h', window_start='7d', anomaly_threshold=5, anomaly_min_history=5) }}

- name: Reproducible statuses of the production VMs, test VMs left out
  ansible.builtin.set_fact:
    replica_statuses: >-
      {{ evidence.replica_task_sessions
         | veeam_em.core.replica_status(rpo='24h', now='2026-11-29T06:00:00Z',
                                        include={'backup_server_name': ['vbr*.corp.example']},
                                        exclude={'vm_name': ['test-*', '*-tmp']}) }}
"""

RETURN = r"""
_value:
  description: One status per VM and backup server, sorted by backup server name, then VM name.
  type: list
  elements: dict
  contains:
    vm_name:
      description: Name of the VM.
      type: str
    backup_server_id:
      description: ID of the backup server the VM is replicated by.
      type: str
    backup_server_name:
      description: Name of that backup server.
      type: str
    job_name:
      description: Job of the latest session; for a VM only CDP protects, its CDP policy (which O(rpo_by_job) matches).
      type: str
    job_names:
      description: Every job the VM's sessions ran in, sorted.
      type: list
      elements: str
    latest_session:
      description: The newest session (C(id), C(creation_time), C(end_time), C(state), C(result), C(reason),
        C(duration_seconds), C(total_size), C(job_name)).
      type: dict
    last_result:
      description:
        - Result of the newest completed session (V(Success), V(Warning) or V(Failed)); null if none has completed.
        - A running session has no result, whatever Enterprise Manager reports.
      type: str
    last_success_time:
      description: >-
        Start of the newest successful session (ISO 8601, UTC); for a VM only CDP protects, the end of its newest
        completed CDP task session that did not fail. Null if none.
      type: str
    last_success_age_seconds:
      description: Seconds from RV(_value[].last_success_time) to O(now); null if no success.
      type: float
    consecutive_failures:
      description: Failed sessions newer than the last success.
      type: int
    running:
      description: Whether the newest session is still in progress or pending.
      type: bool
    never_succeeded:
      description: Whether the data holds no successful session and no restore point of the VM.
      type: bool
    last_point_time:
      description: Creation time of the VM's newest restore point in O(points) (ISO 8601, UTC); null if none.
      type: str
    last_point_age_seconds:
      description: Seconds from RV(_value[].last_point_time) to O(now); null if no point.
      type: float
    last_point_age_text:
      description: RV(_value[].last_point_age_seconds) for people; null if no point.
      type: str
    restore_points:
      description: Restore points of the VM in O(points); null when O(points) is not given.
      type: int
    rpo_basis:
      description:
        - What the RPO was judged on - V(restore_point) (the newest point), V(session) (no point, or
          O(points) not given, or O(rpo_basis=session)), V(cdp_session) (the end of the newest completed CDP task
          session that did not fail, from O(cdp_sessions); for a VM with both kinds of evidence, when it is newer) or
          V(cdp_running) (a CDP task session still running, from its start; see O(cdp_sessions)).
      type: str
    rpo_evidence_time:
      description: The time the RPO was measured from (the point's or the session's); null if none.
      type: str
    rpo_age_seconds:
      description: Seconds from RV(_value[].rpo_evidence_time) to O(now); null if none.
      type: float
    rpo_evidence_text:
      description: The evidence in words, such as V(restore point 5h ago) or V(no restore point; session 1d 7h ago).
      type: str
    never_replicated:
      description:
        - Whether the status is that of an object a job in O(jobs) includes but that has no session and no point.
        - Null when coverage was not judged (RV(_value[].not_judged)), so it is never shown as judged and found fine.
      type: bool
    object_type:
      description: For such an object, V(Vm) or the container's type (V(Folder), V(Tag)); null otherwise.
      type: str
    job_schedule_enabled:
      description: >-
        Whether the schedule of the VM's job (that of its latest session) is enabled; null without O(jobs). For a VM only
        CDP protects, its policy's RV(_value[].cdp.policy_enabled).
      type: bool
    job_next_run:
      description: The next run of that job (ISO 8601, UTC); null without O(jobs) or when EM gives none.
      type: str
    job_overdue:
      description: Whether that job's schedule is enabled and its next run is before O(now); null without O(jobs).
      type: bool
    not_judged:
      description:
        - What was not judged for this VM and why, each as C(checks) (V(coverage)) and C(reason) (such as
          V(no right to read replication jobs)); empty when everything given was judged.
        - From O(not_judged), and from O(jobs) given empty although the sessions name jobs (what Enterprise Manager
          may show an account without the right to read jobs).
      type: list
      elements: dict
    session_count:
      description: Sessions of the VM in the data.
      type: int
    rpo_seconds:
      description:
        - The RPO that applies to the VM, in seconds; null without O(rpo), an override or (for a CDP VM) its policy's RPO.
      type: float
    rpo_source:
      description:
        - Where RV(_value[].rpo_seconds) came from - V(policy) (the VM's CDP policy's own RPO, C(RecoveryPointObjective*)
          in the policy's C(PolicyScheduleOptions)), V(option) (O(rpo) or O(rpo_by_job)), or null (no RPO).
      type: str
    protection:
      description:
        - The kinds of evidence the VM has, sorted - V(cdp) (CDP task sessions, or a CDP policy that includes it) and
          V(replica) (replica task sessions, restore points, or a replication job that includes it); both for a VM both
          replicated and CDP-protected. Empty for a plan VM with no evidence at all.
      type: list
      elements: str
    cdp:
      description:
        - The VM's CDP evidence; null for a VM no CDP session or policy names.
        - The CDP "SLA" Veeam Backup & Replication shows is the share of completed sessions that met the RPO; a
          completed session met it when it ended V(Success) (VBR marks a missed RPO V(Warning) or V(Failed)) and began
          within the RPO of the previous session's end (the first of the window - when it ended V(Success)).
      type: dict
      contains:
        policy_name:
          description: The CDP policy (C(Name) on C(/cdpPolicies), or the session's C(CdpReplicaSessionReference) up to its last C(@)).
          type: str
        policy_id:
          description: The policy's ID (from its C(UID)); null without O(cdp_policies).
          type: str
        policy_enabled:
          description: >-
            Whether the policy's schedule is enabled (C(ScheduleEnabled); false when C(ScheduleConfigured) is false);
            null without O(cdp_policies).
          type: bool
        policy_next_run:
          description: The policy's next run (C(NextRun), ISO 8601, UTC); null without O(cdp_policies) or when EM gives none.
          type: str
        policy_rpo_seconds:
          description: >-
            The policy's own RPO in seconds (C(PolicyScheduleOptions/RecoveryPointObjectiveSeconds), or
            C(...Minutes) times 60); null without O(cdp_policies).
          type: int
        warning_after_seconds:
          description: >-
            After how many seconds VBR marks a missed RPO as a warning (C(RPOReporting/MarkAsWarning), seconds or minutes);
            null without O(cdp_policies) or when RPO reporting is off.
          type: int
        failed_after_seconds:
          description: >-
            After how many seconds VBR marks a missed RPO as failed (C(RPOReporting/MarkAsFailed)); null without
            O(cdp_policies) or when RPO reporting is off.
          type: int
        last_session:
          description: >-
            The newest CDP task session (C(id), C(creation_time), C(end_time) - C(CreationTimeUTC), C(EndTimeUTC) -,
            C(state), C(result), C(reason), C(total_size) in bytes, C(duration_seconds)); empty without one.
          type: dict
        last_result:
          description: Result of the newest completed CDP task session (V(Success), V(Warning), V(Failed)); null if none.
          type: str
        last_reason:
          description: That session's C(Reason), such as V(RPO is not met); null if it gives none.
          type: str
        last_completed_time:
          description: End of the newest completed CDP task session that did not fail (ISO 8601, UTC); null if none.
          type: str
        sessions:
          description: CDP task sessions of the VM in O(cdp_sessions).
          type: int
        running_since:
          description: Start (C(CreationTimeUTC)) of the newest CDP task session while it is V(InProgress); null otherwise.
          type: str
        running_result:
          description: >-
            The C(Result) Enterprise Manager shows for that running session (VBR's own verdict on the RPO so far, such
            as V(Failed) past the policy's C(MarkAsFailed) threshold); null when none runs or it shows none.
          type: str
        sessions_within_rpo:
          description: How many of the completed ones met the RPO the VM is judged on; null without an RPO or a completed session.
          type: int
        sla_percent:
          description: >-
            RV(_value[].cdp.sessions_within_rpo) as a percentage (0 to 100, one decimal) of the completed sessions;
            null without an RPO or a completed session.
          type: float
        max_delay_seconds:
          description: >-
            The largest delay, in seconds - how far beyond the RPO a session began after the previous session's end;
            0 when none was late, null without an RPO or a completed session.
          type: float
    failover_plans:
      description:
        - The failover plans that hold the VM, each as C(name) and C(order) (the VM's place in the plan's start order,
          C(FailoveredVm/Order)), sorted by plan name; empty when in none or without O(failover_plans).
      type: list
      elements: dict
    rpo_breached:
      description: >-
        Whether the RPO evidence (RV(_value[].rpo_basis)) is older than the RPO, or there is none; null without an RPO.
        For a running CDP session (V(cdp_running)), whether VBR marks it V(Failed) or it runs longer than 24 hours plus the RPO.
      type: bool
    findings:
      description:
        - >-
          What is wrong, worst first: V(never_replicated) (with O(jobs), O(cdp_policies) or O(failover_plans)),
          V(never_succeeded), V(rpo_breach), V(failed) (the last replica or CDP result, or that of a running CDP
          session, is Failed), V(sla_below_target) (RV(_value[].sla.below_target)), V(warning) (the same as
          V(failed) for Warning), V(duration_anomaly) and V(size_anomaly) (an anomalous run in the window,
          RV(_value[].anomalies)), V(waiver_expired) (a waiver of one of its findings has expired, last).
        - A waived finding stays here; RV(_value[].waived_findings) names it. Empty when all is well.
      type: list
      elements: str
    status:
      description: The worst finding, or V(ok).
      type: str
    failing:
      description: >-
        Whether a finding is among O(fail_on) and no active waiver covers it (decided after the waivers, so a VM whose
        only failing findings are waived does not fail).
      type: bool
    message:
      description:
        - The findings explained in one line, for reports; empty when all is well.
        - V(sla_below_target) reads "within its RPO 50.0% of the window, below the target of 99.0% (1 gap, the longest
          12h)"; V(size_anomaly) "the run of 2026-12-07T11:00:00Z transferred 1000 B, outside its usual 50 B to 150 B";
          V(duration_anomaly) "the run of 2026-12-07T11:00:00Z took 1h 40m, outside its usual 5m to 15m".
        - An expired waiver adds its own words - its entry and line, its expiry, the findings that count again and its
          justification.
      type: str
    sla:
      description:
        - The service level over the window - the share of the time from its start to O(now) during which the VM had a
          restore point within its RPO. Each evidence time (a restore point, and before the oldest one a V(Success) or
          V(Warning) session, whose point retention pruned; or without O(points) every such session; a CDP
          session that ended V(Success) covers its whole run) covers itself up to one RPO later. The span starts at
          O(window_start), or at the VM's first session or evidence when later; a VM without evidence has 0% from its
          first session (over the whole window when it has none).
        - Null without an RPO or with O(include_sla=false).
      type: dict
      contains:
        percent:
          description: Covered time as a percentage of the span (0 to 100, two decimals).
          type: float
        covered_seconds:
          description: Seconds of the span within the RPO.
          type: float
        span_seconds:
          description: Seconds from RV(_value[].sla.start) to RV(_value[].sla.end).
          type: float
        start:
          description: Start of the span (ISO 8601, UTC).
          type: str
        end:
          description: End of the span, O(now) (ISO 8601, UTC).
          type: str
        gaps:
          description: >-
            The periods not within the RPO, oldest first, each as C(start), C(end) (ISO 8601, UTC) and C(seconds).
          type: list
          elements: dict
        days:
          description: >-
            Every UTC day the window touches, oldest first, each as C(date) (V(YYYY-MM-DD)), C(percent) (two decimals;
            null for a day outside the span), C(covered_seconds) and C(span_seconds) (seconds of that day in the span).
          type: list
          elements: dict
        target:
          description: O(sla_target) in percent; null without it.
          type: float
        below_target:
          description: Whether RV(_value[].sla.percent) is below the target; null without O(sla_target).
          type: bool
    anomalies:
      description:
        - The successful runs in the window whose duration or transferred size lies far outside the VM's own recent
          history (see O(anomaly_threshold)), oldest first; empty with O(include_anomalies=false).
      type: list
      elements: dict
      contains:
        kind:
          description: V(duration_anomaly) (C(duration_seconds)) or V(size_anomaly) (C(total_size), bytes).
          type: str
        session_id:
          description: ID of the task session of the run.
          type: str
        creation_time:
          description: Start of the run (ISO 8601, UTC).
          type: str
        value:
          description: The run's duration in seconds or transferred size in bytes.
          type: float
        median:
          description: The median of the same measure over the earlier runs compared with.
          type: float
        usual_low:
          description: The low end of the usual range, the median less O(anomaly_threshold) scales (not below 0).
          type: float
        usual_high:
          description: The high end of the usual range, the median plus O(anomaly_threshold) scales.
          type: float
        score:
          description: How many scales from the median the run lies (two decimals); above O(anomaly_threshold).
          type: float
        history:
          description: How many earlier runs it was compared with (at most 30).
          type: int
    waived_findings:
      description: The findings of RV(_value[].findings) an active waiver covers, worst first; empty when none.
      type: list
      elements: str
    waivers:
      description:
        - >-
          The waivers of O(waivers) that match the VM, in file order, each with its C(entry) (1-based), C(line),
          C(vms), C(jobs), C(backup_servers), C(failover_plans) (lists of the names and patterns given), C(em),
          C(findings) (null for every finding), C(justification), C(starts), C(expires) (ISO 8601, UTC; null when not
          given), C(permanent), C(ticket), C(owner), and C(state).
        - C(state) is V(active) (from C(starts) until C(expires), or permanent), V(expired) (O(now) at or after
          C(expires)) or V(not_started) (before C(starts)).
      type: list
      elements: dict
    waived:
      description: Whether an active waiver covers one of the VM's findings.
      type: bool
    last_success_age_text:
      description: RV(_value[].last_success_age_seconds) for people (V(1d 6h), V(45m)); null if no success.
      type: str
    rpo_text:
      description: RV(_value[].rpo_seconds) for people (V(4h)); null without an RPO.
      type: str
    rpo_used_percent:
      description: >-
        The age of the RPO evidence as a whole percentage of the RPO; null without evidence or an RPO, and for
        RV(_value[].rpo_basis=cdp_running) (a running session is not measured by its age).
      type: int
    sessions:
      description: Every session of the VM, newest first; only with O(include_sessions).
      type: list
      elements: dict
      returned: when O(include_sessions=true)
"""

from typing import Any, Callable

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import replica_statuses


def replica_status(records: Any, rpo: Any = None, rpo_by_job: Any = None, now: Any = None, include: Any = None,
                   exclude: Any = None, fail_on: Any = None, include_sessions: bool = False, points: Any = None,
                   rpo_basis: Any = None, jobs: Any = None, not_judged: Any = None, cdp_sessions: Any = None,
                   cdp_policies: Any = None, cdp_rpo_source: Any = None, failover_plans: Any = None,
                   window_start: Any = None, include_sla: Any = True, include_anomalies: Any = True,
                   sla_target: Any = None, anomaly_threshold: Any = None, anomaly_min_history: Any = None,
                   waivers: Any = None, em: Any = None) -> list[dict[str, Any]]:
    """The filter: the collection's one judgement, with its errors as filter errors. The
    judgements over the window and the waivers are named here (not **kwargs) so a misspelt
    option fails as an unexpected keyword instead of being ignored."""
    try:
        return replica_statuses(records, rpo, rpo_by_job, now, include, exclude, fail_on, include_sessions, points,
                                rpo_basis, jobs, not_judged, cdp_sessions=cdp_sessions, cdp_policies=cdp_policies,
                                cdp_rpo_source=cdp_rpo_source, failover_plans=failover_plans,
                                window_start=window_start, include_sla=include_sla,
                                include_anomalies=include_anomalies, sla_target=sla_target,
                                anomaly_threshold=anomaly_threshold, anomaly_min_history=anomaly_min_history,
                                waivers=waivers, em=em)
    except ConfigurationError as error:
        raise AnsibleFilterError(f"replica_status: {error}") from None


class FilterModule:
    """veeam_em.core.replica_status."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"replica_status": replica_status}
