# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: replicas
short_description: Replicated VMs and backup servers from Veeam Backup Enterprise Manager
version_added: 0.1.0
description:
  - Reads the replica task sessions of a time window, and the backup servers, from Veeam Backup
    Enterprise Manager's REST API, and makes every replicated VM a host with its replica status
    (latest task session, last success and its age, consecutive failures, RPO state).
  - Each backup server becomes a host too, in the group C(veeam_backup_servers).
  - "Groups (with the default O(group_prefix)): C(veeam_replicated_vms), C(veeam_backup_servers),
    C(veeam_server_<backup server>), C(veeam_job_<job>) (a VM replicated by two jobs is in both),
    C(veeam_result_success), C(veeam_result_warning), C(veeam_result_failed) (the VM's last result),
    C(veeam_running), with O(rpo) or O(rpo_by_job) C(veeam_rpo_breached) and C(veeam_rpo_ok),
    C(veeam_finding_<finding>) for each finding of a VM (V(never_succeeded), V(rpo_breach), V(failed),
    V(warning)) and C(veeam_failing) for the VMs with a finding in O(fail_on); with O(include_cdp)
    C(veeam_cdp) (every VM with CDP evidence), and with O(include_failover_plans)
    C(veeam_failover_plan_<plan>) (the VMs each failover plan holds; a VM in two plans is in both)."
  - Group names are made safe for Ansible (characters other than letters, digits and V(_) become V(_));
    two names that become the same get a short digest of the original name as suffix, so they
    never share a group.
  - "Host vars of VMs, all prefixed V(veeam_): V(veeam_kind) (V(replicated_vm)), V(veeam_vm_name),
    V(veeam_backup_server_id), V(veeam_backup_server_name), V(veeam_job_name), V(veeam_job_names),
    V(veeam_latest_session) (id, creation_time, end_time, state, result, reason, duration_seconds,
    total_size, job_name), V(veeam_last_result), V(veeam_last_success_time),
    V(veeam_last_success_age_seconds), V(veeam_consecutive_failures), V(veeam_running),
    V(veeam_never_succeeded), V(veeam_session_count), V(veeam_findings) (worst first),
    V(veeam_status) (the worst finding or V(ok)), V(veeam_failing) and V(veeam_message) (the findings
    explained in one line), V(veeam_last_success_age_text) (the age for people, such as V(1d 6h));
    with an RPO that applies also V(veeam_rpo_seconds), V(veeam_rpo_breached), V(veeam_rpo_text) and,
    with a success, V(veeam_rpo_used_percent);
    with O(include_sessions) also V(veeam_sessions);
    V(veeam_not_judged), the checks this VM's EM could not judge, each as V(checks) (V(coverage)) and
    V(reason) (such as V(no right to read replication jobs)); an empty list when every check was judged;
    V(veeam_protection) (the kinds of evidence the VM has, sorted: V(cdp), V(replica), both, or none for
    a VM a failover plan holds that has no evidence at all), V(veeam_rpo_source) (V(policy): judged on its
    CDP policy's own RPO, V(option): on O(rpo) or O(rpo_by_job), null without an RPO), V(veeam_cdp) and
    V(veeam_failover_plans) (see O(include_cdp) and O(include_failover_plans))."
  - "Host vars over the window and the waivers (issue 28), on every VM: V(veeam_sla) (null unless
    O(include_sla); see there for its keys), V(veeam_anomalies) (the runs that look wrong in the window;
    V([]) unless O(include_anomalies)), V(veeam_waived) (true when a waiver of O(waivers) waives one of
    its findings), V(veeam_waived_findings) (the findings an active waiver waives), V(veeam_waivers) and
    V(veeam_waiver) (the same list: each waiver of O(waivers) whose selectors match the VM, with its
    V(entry), V(line), selectors, V(findings), V(justification), V(starts), V(expires), V(permanent),
    V(ticket), V(owner) and V(state), V(active), V(expired) or V(not_started); V([]) when none)."
  - "Groups over the window and the waivers: C(veeam_waived) (the VMs a waiver waives a finding of; a
    waived VM is never left out, and stays in its finding groups), C(veeam_finding_sla_below_target)
    (with O(include_sla) and O(sla_target)), C(veeam_finding_duration_anomaly),
    C(veeam_finding_size_anomaly) (with O(include_anomalies)) and C(veeam_finding_waiver_expired) (an
    expired waiver whose findings the VM still has: they count again)."
  - "With O(rpo_basis=restore_point) (the default) the RPO is judged on each VM's newest replica
    restore point, as Veeam's own monitoring measures it; a VM without a point in the window falls
    back to its last V(Success) task session (a V(Warning) may have made no point). More host vars:
    V(veeam_last_point_time), V(veeam_last_point_age_seconds), V(veeam_last_point_age_text),
    V(veeam_restore_points) (points in the window; null when points are not read), V(veeam_rpo_basis)
    (V(restore_point), V(session), or V(cdp_session) for a VM whose newest good CDP task session is its
    newest evidence), V(veeam_rpo_evidence_time), V(veeam_rpo_age_seconds) and
    V(veeam_rpo_evidence_text) (what the RPO was judged on, such as V(restore point 5h ago))."
  - "With O(include_unreplicated) (the default), the replication jobs and the objects they include are
    read too: an included VM with neither a task session nor a restore point in the window becomes a
    host in C(veeam_never_replicated) (not in C(veeam_replicated_vms)) with the finding V(never_replicated)
    (V(veeam_kind) V(unreplicated_vm));
    a folder, tag or other container included in a job that ran not at all in the window becomes a
    host named as Enterprise Manager names the container (V(veeam_kind) V(job_container),
    V(veeam_object_type) such as V(Folder)), since EM does not list the VMs it holds. Every VM gets
    V(veeam_job_schedule_enabled), V(veeam_job_next_run) and V(veeam_job_overdue) from its job;
    the VMs of a job whose schedule is disabled (or not configured) are in C(veeam_job_disabled),
    those of a job whose next run is already past in C(veeam_job_overdue)."
  - "Reading the replication jobs needs the Portal Administrator role in Enterprise Manager (Veeam's
    Security Roles page of the EM REST reference); a Portal User may read the task sessions, the restore
    points and the backup servers but not the jobs. When an EM refuses the jobs (HTTP 403 or 401), or shows
    none although the task sessions name jobs, every VM of that EM is still listed and judged on its
    sessions and points, but coverage is not judged: no host in C(veeam_never_replicated),
    C(veeam_job_disabled) or C(veeam_job_overdue), V(veeam_never_replicated) null, and
    V(veeam_not_judged) says why. The plugin warns once per run for each such EM (C(reading
    replication jobs needs the Portal Administrator role in Enterprise Manager; this account was
    refused, so VMs in jobs that never ran, disabled jobs and overdue jobs are not judged)), unless
    O(require_coverage) makes that EM's read fail. Any other refusal fails the EM's read with a message
    naming the operation, the roles that may do it and what to do."
  - "With O(include_cdp) (the default), a VM a Continuous Data Protection (CDP) policy protects is a host
    too, though it has no replication job and no replica task session: its evidence is its CDP task sessions
    of the window, and by default (O(cdp_rpo_source=policy)) it is judged on its policy's own RPO. Such a VM
    is in C(veeam_replicated_vms), the result and RPO groups as any other, in C(veeam_cdp), and in
    C(veeam_job_<policy>): V(veeam_job_name) is its policy's name (so O(rpo_by_job) and O(job_names) match
    policy names), V(veeam_job_schedule_enabled) its policy's schedule. A VM both replicated and
    CDP-protected is one host with both kinds of evidence (V(veeam_protection) V([cdp, replica])), its RPO
    measured from the newer of the two (V(veeam_rpo_basis) V(cdp_session) when the CDP session won)."
  - "Reading CDP policies needs the Portal Administrator role; a Portal User may read CDP sessions but not
    the policies. When an EM refuses the policies and the window has CDP task sessions, the plugin warns
    once (C(reading CDP policies needs the Portal Administrator role in Enterprise Manager; this account was
    refused, so CDP VMs are judged on the rpo given (or rpo_by_job), not on their policies' own RPO)),
    V(veeam_not_judged) says so, and CDP VMs are judged on O(rpo) or O(rpo_by_job)
    (V(veeam_rpo_source) V(option)); without CDP sessions nothing is said. Reading failover plans needs the
    VM Restore Operator or Portal Administrator role: when an EM refuses them (a Portal User), it warns once
    (C(reading failover plans needs the VM Restore Operator or Portal Administrator role in Enterprise
    Manager; this account was refused, so failover plans are not judged)) and there are no plan groups.
    A refusal of the CDP sessions (a VM Restore Operator, who is refused task sessions first) is warned
    unless the CDP policies were read and there are none."
  - The statuses, findings and messages are those the C(veeam_em.core.replica_status) filter gives
    for the same sessions, RPOs and O(fail_on) (the same functions compute them).
  - "Host vars of backup servers: V(veeam_kind) (V(backup_server)) and V(veeam_backup_server_id),
    V(veeam_backup_server_uid), V(veeam_backup_server_name), V(veeam_backup_server_description),
    V(veeam_backup_server_port), V(veeam_backup_server_version), V(veeam_backup_server_wcf_port),
    V(veeam_backup_server_certificate_thumbprint), V(veeam_backup_server_href)."
  - Every value read from Enterprise Manager is marked unsafe, so a name that looks like a Jinja
    template stays text.
  - Host and group names are plain text on every ansible-core version, so C(ansible-inventory --list)
    and AWX's inventory import see names. Before ansible-core 2.19, which would evaluate a host name
    holding a template, the opening brace of each Jinja delimiter in a host name becomes C(_)
    (a VM named C({{ x }}) is host C(_{ x }})); V(veeam_vm_name) always holds the exact name.
  - The configuration file name must end in C(veeam_em.yml) or C(veeam_em.yaml). ansible-core
    reads any other file only with another plugin, or says it could not be verified; run with C(-v)
    to see this plugin say that the name is the reason (and the name to use).
  - A key of the configuration file that is none of the options below (nor an alias) fails the
    source, naming the key, the file and the closest option (C(unknown option created_afer in
    inventory.veeam_em.yml; did you mean created_after?)); ansible-core itself would ignore it.
  - "The same holds inside O(keyed_groups): a key of an entry other than V(key), V(prefix),
    V(separator), V(parent_group), V(default_value) and V(trailing_separator) fails the source, naming the
    entry by its index and key expression, and the closest key (V(prefx) gets C(did you mean prefix?));
    so does an entry that is not a mapping or has no V(key). An entry of O(groups) or
    O(compose) whose expression is empty, or not text (V(ansible_port: 22) must be V(ansible_port: \"22\")),
    fails too; ansible-core would skip each of these without a word (a misspelt key even with O(strict))."
  - An exact name in O(backup_server_names) (no wildcard) that no Enterprise Manager knows gives a
    warning listing the backup servers they know, closest first (with O(include_backup_servers),
    from the list already read); an exact name in O(vm_names) or O(job_names) that matched no VM or
    job of the window gives a warning too. With O(on_em_error=warn) and an EM that failed nothing is
    said, since the name may be that EM's.
  - A source that fails (a wrong password, an unknown option) is only a warning in ansible-core,
    and the run goes on with no hosts. Set C(inventory_unparsed_failed) (C(ANSIBLE_INVENTORY_UNPARSED_FAILED=true))
    to make it fatal; see the inventory guide.
author:
  - veeam_em.core maintainers (@veeam-em)
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
  - veeam_em.core.connection
  - veeam_em.core.connection.plugins
options:
  plugin:
    description: The name of this plugin; it must be V(veeam_em.core.replicas).
    type: str
    required: true
    choices: [veeam_em.core.replicas]
  created_after:
    description:
      - Read the task sessions created at or after this time.
      - A duration back from now such as V(24h), V(7d) or V(2w), or an ISO 8601 time
        (V(2026-11-29T06:00:00Z); without an offset it is taken as UTC). YAML may read an unquoted
        time as a date and time; that works too.
      - A VM without a task session in this window is not in the inventory; a VM without a
        successful one in it is in C(veeam_rpo_breached) when O(rpo) is set.
      - At least as long as the longest O(rpo) or O(rpo_by_job) value, else the source fails naming both (a healthy VM would look never succeeded).
    type: raw
    default: 7d
  vm_names:
    description:
      - Keep only VMs whose name matches one of these shell-style patterns (V(web*), V(db0[1-3])).
      - Without wildcards the names are sent to Enterprise Manager as a filter, so less is read.
    type: list
    elements: str
    default: []
  exclude_vm_names:
    description:
      - Leave out VMs whose name matches one of these shell-style patterns.
    type: list
    elements: str
    default: []
  job_names:
    description:
      - Keep only the task sessions of jobs whose name matches one of these shell-style patterns.
      - Without wildcards the names are sent to Enterprise Manager as a filter.
    type: list
    elements: str
    default: []
  exclude_job_names:
    description:
      - Leave out the task sessions of jobs whose name matches one of these shell-style patterns.
    type: list
    elements: str
    default: []
  backup_server_names:
    description:
      - Keep only VMs replicated by, and backup server hosts named like, one of these shell-style patterns.
      - Without wildcards the names are sent to Enterprise Manager as a filter.
    type: list
    elements: str
    default: []
  exclude_backup_server_names:
    description:
      - Leave out backup servers, and the VMs they replicate, whose name matches one of these patterns.
    type: list
    elements: str
    default: []
  rpo:
    description:
      - Recovery point objective, as a duration such as V(4h) or V(1d).
      - A VM whose last successful (or warning) task session is older than this, or that has none in
        the window, gets V(veeam_rpo_breached=true) and is put in C(veeam_rpo_breached);
        the others go to C(veeam_rpo_ok). Without it there are no RPO vars or groups.
    type: str
  rpo_by_job:
    description:
      - RPO per replication job, overriding O(rpo) for the VMs whose latest session ran in that job; a key
        may name a CDP policy too, overriding the policy's own RPO for its VMs (see O(cdp_rpo_source)).
      - Keys are job names or shell-style patterns (V(*), V(?), V([seq])); an exact name wins over a
        pattern, and among patterns the first that matches wins. Values are durations such as V(1h).
    type: dict
    default: {}
  fail_on:
    description:
      - The findings that put a VM in C(veeam_failing) and make V(veeam_failing) true.
      - A finding an active waiver of O(waivers) waives never fails.
      - V(sla_below_target) is only found with O(include_sla) and O(sla_target); V(duration_anomaly) and
        V(size_anomaly) only with O(include_anomalies); V(waiver_expired) only with O(waivers).
    type: list
    elements: str
    choices: [never_replicated, never_succeeded, rpo_breach, failed, sla_below_target, warning, duration_anomaly,
              size_anomaly, waiver_expired]
    default: [rpo_breach, failed, never_succeeded, sla_below_target]
  hostname:
    description:
      - Jinja2 expression (without braces, as in O(compose)) over a VM's host vars that gives its
        host name, for example V(veeam_vm_name | lower) or V(veeam_vm_name ~ '.corp.example').
      - When two VMs get the same name (the same VM name on two backup servers), or a VM gets the
        name of a backup server host, each of them is named C(<name>_<backup server>) instead; C(-v)
        says so.
    type: str
    default: veeam_vm_name
  hostnames:
    description:
      - Host names for VMs, as an ordered list of Jinja2 expressions (without braces, as in O(compose)) over
        the VM's host vars, for example V([veeam_vm_name ~ '.' ~ veeam_backup_server_name, veeam_vm_name]).
      - For each VM the expressions are tried in order; the first that renders a usable name wins (a
        non-empty text without line breaks or tabs). An expression that fails, such as one over a var the VM
        does not have, counts as giving no name, and the next is tried.
      - When none gives a name, the VM is named by V(veeam_vm_name); with O(strict) that is an error naming
        the VM and what each expression gave.
      - O(hostname) is the one-expression form of this option (an error when it gives no name); give one or
        the other. Names that clash are made distinct as O(hostname) describes.
    type: list
    elements: str
    default: []
  filters:
    description:
      - Keep only the VMs for which every one of these Jinja2 expressions (without braces, as in O(compose))
        is true, for example V(veeam_status != 'ok') or V(veeam_job_name is match('Tier 1')).
      - Evaluated over each VM's host vars once its status is built (findings, RPO state,
        V(veeam_em_name)), after O(vm_names) and the other name patterns and before host names are chosen,
        like C(filter_expressions) of C(vmware.vmware.vms). Backup server hosts are not filtered.
      - The name patterns are applied by Enterprise Manager where they can be, so they read less; these
        expressions are applied by the plugin and can use everything the plugin computed.
      - An expression that fails for a VM is an error naming it and the VM, so no VM is silently kept or
        dropped; use V(| default(...)) for host vars only some VMs have (the RPO vars without O(rpo)).
      - A cache hit applies them again, so changing them does not need a new read.
    type: list
    elements: str
    default: []
  exclude_filters:
    description:
      - Leave out the VMs for which any of these Jinja2 expressions is true, for example
        V(veeam_vm_name is match('tmp-')) or V(veeam_never_succeeded). Applied after O(filters), in the same way.
    type: list
    elements: str
    default: []
  enterprise_managers:
    description:
      - Several Enterprise Managers in one inventory source, instead of O(url). Each entry is a mapping with
        a short V(name) (1 to 32 letters, digits or underscores, not V(unreachable); it names the group
        C(veeam_em_<name>) and is the host var V(veeam_em_name)) and V(url), and may give any other connection
        option (V(username), V(password), V(validate_certs), V(ca_path), V(timeout), V(api_version),
        V(page_size), V(max_concurrency), V(proxy), V(retries), V(retry_backoff)).
      - What an entry does not give comes from this source's connection options (and so from E(VEEAM_EM_USERNAME),
        E(VEEAM_EM_PASSWORD), E(VEEAM_EM_CA_PATH)... when those are not set either); V(url) never does, as
        each EM has its own, and O(url) with this option is an error.
      - Every text value of an entry (V(url), V(username), V(password), V(ca_path), V(proxy)...) may be a Jinja2
        template (such as an C(ansible.builtin.env) lookup) or a vaulted value.
      - The EMs are read at the same time (at most O(em_concurrency) at once), each with one logon and one
        logout. Every host gets V(veeam_em_name) and is in C(veeam_em_<name>); the other groups
        (C(veeam_rpo_breached), C(veeam_failing), C(veeam_server_<backup server>)...) span all EMs.
      - "A VM name found under several EMs gives one host per EM: C(<name>_<EM name>) (C(web01_eu),
        C(web01_us)); when the name is also used twice within one EM, that EM's VMs are
        C(<name>_<EM name>_<backup server>). Backup servers of the same name on several EMs are
        C(<server>_<EM name>). No host is ever overwritten."
      - When an EM cannot be read, O(on_em_error) decides what happens.
    type: list
    elements: dict
  em_concurrency:
    description:
      - With O(enterprise_managers), how many Enterprise Managers are read at the same time (1 to 16).
    type: int
    default: 4
  on_em_error:
    description:
      - With O(enterprise_managers), what an Enterprise Manager that cannot be read (unreachable, refusing
        the logon, failing a query) does to the source.
      - V(fail) fails the whole source with a message naming each EM that failed and why; no host of any EM
        is listed, so a partial inventory never looks complete.
      - V(warn) lists the EMs that answered, warns once per EM that failed, and adds for each a host named by
        its V(name) in the group C(veeam_em_unreachable) (with the default O(group_prefix)), with the host vars
        V(veeam_kind) (V(enterprise_manager)), V(veeam_em_name) and V(veeam_em_error) (the reason), so a
        play can report what is missing. Such a read is never written to the cache, so the next run asks every
        EM again.
    type: str
    choices: [fail, warn]
    default: fail
  group_prefix:
    description:
      - Prefix of the groups this plugin makes (not of the O(groups) and O(keyed_groups) ones).
    type: str
    default: veeam_
  include_backup_servers:
    description:
      - Whether backup servers become hosts (in C(veeam_backup_servers)). When false, they are not read.
    type: bool
    default: true
  rpo_basis:
    description:
      - What a VM's RPO is judged on.
      - V(restore_point) reads the replica restore points of the window (C(GET /api/query?type=VmReplicaPoint),
        paged like the sessions) and judges on the newest; a VM without one falls back to its last
        V(Success) session, and says so in V(veeam_rpo_basis) and V(veeam_message).
      - V(session) judges on the last V(Success) or V(Warning) task session and reads no points (as before
        restore points were read).
    type: str
    choices: [restore_point, session]
    default: restore_point
  include_unreplicated:
    description:
      - Whether the replication jobs (C(GET /api/query?type=Job), filtered on V(JobType==Replica)) and the
        objects each includes (C(GET /api/jobs/{ID}/includes), one request per job, at most O(max_concurrency)
        at a time) are read, to add the included objects never replicated in the window and each VM's
        job schedule state.
      - The job name patterns select the jobs (and EM the exact backup server names); the VM and backup server
        patterns select the hosts.
      - Reading the jobs needs the Portal Administrator role in Enterprise Manager. An EM that refuses them, or
        shows none although its task sessions name jobs, is listed without coverage (V(veeam_not_judged) says
        so, and a warning); see O(require_coverage).
    type: bool
    default: true
  require_coverage:
    description:
      - Whether an Enterprise Manager whose coverage cannot be judged fails its read, with the words of the
        warning otherwise given, instead of being listed without coverage.
      - Coverage (objects never replicated, disabled and overdue jobs) needs the replication jobs, which only
        an account with the Portal Administrator role in Enterprise Manager may read (Veeam's Security Roles
        page of the EM REST reference).
      - The failed read is then treated as any EM that cannot be read, so O(on_em_error) applies with
        O(enterprise_managers).
      - Only with O(include_unreplicated) (without it coverage is not asked for).
    type: bool
    default: false
  include_cdp:
    description:
      - Whether Continuous Data Protection is read, that is the CDP task sessions of the window
        (C(GET /api/query?type=CdpReplicaTaskSession), filtered on C(CreationTimeUTC), paged like the task
        sessions) and the CDP policies (C(GET /api/query?type=CdpPolicy)) with, when O(include_unreplicated),
        the objects each includes (C(GET /api/cdpPolicies/{ID}/includes), one request per policy).
      - Every VM with CDP evidence is then a host in C(veeam_cdp), with V(veeam_cdp), a mapping (null for
        a VM without CDP evidence) of V(policy_name), V(policy_id), V(policy_enabled) (the policy's
        C(ScheduleEnabled)), V(policy_next_run), V(policy_rpo_seconds) (its
        C(PolicyScheduleOptions/RecoveryPointObjective), in seconds whether EM gives seconds or minutes),
        V(warning_after_seconds) and V(failed_after_seconds) (its C(RPOReporting) thresholds, in seconds;
        null when RPO reporting is off), V(last_session) (V(id), V(creation_time), V(end_time), V(state),
        V(result), V(reason), V(total_size) in bytes, V(duration_seconds)), V(last_result), V(last_reason),
        V(last_completed_time) (the end of the newest completed CDP task session that did not fail, ISO 8601),
        V(sessions) (in the window), V(sessions_within_rpo), V(sla_percent) (the share of completed sessions
        that met the RPO, 0-100 with one decimal, as Veeam's CDP SLA; null without an RPO or a completed
        session) and V(max_delay_seconds) (the largest delay beyond the RPO). The policy's facts are null when
        the policies were not read (refused).
      - A VM a policy includes with no CDP task session in the window is a host in C(veeam_never_replicated),
        as an object a replication job includes (only with O(include_unreplicated)).
      - The task session, job and VM name patterns select CDP task sessions as they select task sessions, a
        policy standing for the job.
    type: bool
    default: true
  include_failover_plans:
    description:
      - Whether the failover plans are read (C(GET /api/query?type=FailoverPlan), each with its VMs from
        C(FailoverPlanInfo/Includes/FailoveredVm)).
      - Each VM gets V(veeam_failover_plans), the plans that hold it as a list of V(name) and V(order) (its
        place in the plan's start order, C(Order)), sorted by plan name, and is in the group
        C(veeam_failover_plan_<plan>) of each (the name made safe as for the job groups). A VM a plan holds
        that has no evidence at all (no task session, restore point or CDP session in the window) is a host
        in C(veeam_never_replicated) with V(veeam_protection) empty, since it is the VM that would hold the
        plan back.
      - Plans are only read; nothing is ever started, tested or undone.
    type: bool
    default: true
  cdp_rpo_source:
    description:
      - The RPO a VM with CDP evidence is judged on.
      - V(policy) judges it on its CDP policy's own RPO (C(RecoveryPointObjective) of the policy's schedule
        options); an O(rpo_by_job) entry that names (or whose pattern matches) the policy overrides it, and
        without the policy (not read) O(rpo) applies.
      - V(option) judges it on O(rpo) and O(rpo_by_job) as every other VM.
      - V(veeam_rpo_source) says which applied. Changing it reuses the cache.
    type: str
    choices: [policy, option]
    default: policy
  waivers:
    description:
      - "Path of a waivers file (YAML): a mapping with one key V(waivers) holding a list of entries, each
        selecting VMs by V(vms), V(jobs), V(backup_servers) or V(failover_plans) (a name or shell-style
        pattern, or a list of them; all given must match), optionally scoped by V(em) to one entry of
        O(enterprise_managers) by its name, with the V(findings) it waives (default: every finding), a
        required V(justification), V(expires) (an ISO 8601 time, or a date that holds through that whole
        day UTC) or V(permanent: true), an optional V(starts) (a maintenance window), V(ticket) and
        V(owner). C(docs/examples/waivers.yml) in the collection is an example."
      - An active waiver's findings stay on the VM (V(veeam_findings), the finding groups) but do not fail
        it (V(veeam_failing), C(veeam_failing)); the VM is in C(veeam_waived). An expired waiver gives its
        findings back and adds the finding V(waiver_expired).
      - A waiver that matches no VM of any Enterprise Manager of the source (stale) gives one warning each,
        naming the entry, its line and its selectors.
      - The file is read and checked before anything is read from Enterprise Manager or the cache; a file
        that is not that shape, an unknown key, a missing justification, or both or neither of V(expires)
        and V(permanent) fails the source, naming the file, the entry and its line.
      - Applied after the cache, so changing the file or this option reuses it.
    type: path
  include_sla:
    description:
      - "Whether each VM's SLA over the window is computed: V(veeam_sla), the share of the window
        (from O(created_after), or from the VM's first session or point when later) during which it had a restore
        point (or a successful session, or CDP) within its RPO, as V(percent) (0-100, two decimals),
        V(covered_seconds), V(span_seconds), V(start), V(end), V(gaps) (the periods it did not, each
        V(start), V(end), V(seconds)), V(days) (null unless O(include_sla_days)), V(target) and
        V(below_target)."
      - It needs an RPO (O(rpo), O(rpo_by_job) or a CDP policy's); a VM without one has V(veeam_sla) null.
      - This keeps each VM's evidence times and runs in memory and, with O(cache), in the cache, so the
        cache grows with the task sessions of the window, not only with the VMs; it is off by default.
        Turning it (or O(include_anomalies)) on or off makes a new read.
    type: bool
    default: false
  include_sla_days:
    description:
      - "With O(include_sla), whether V(veeam_sla.days) lists each UTC day of the window: V(date), V(percent)
        (null outside the VM's span), V(covered_seconds) and V(span_seconds); otherwise V(veeam_sla.days) is null."
      - Off by default because ansible-core copies and tags every value of every host var, and the days are one
        entry per day of the window per VM; at 5,000 VMs and a 6-day window they cost more than the SLA itself
        (C(benchmarks/window_judgements.py)). The C(veeam_em.core.replica_compliance) role's reports compute them
        through the P(veeam_em.core.replica_status#filter) filter, which always includes them.
      - Applied after the cache.
    type: bool
    default: false
  sla_target:
    description:
      - With O(include_sla), the SLA in percent (0-100) a VM must meet; one below it gets
        V(veeam_sla.below_target) true and the finding V(sla_below_target), which is in the default O(fail_on).
      - Applied after the cache.
    type: float
  include_anomalies:
    description:
      - "Whether the successful runs that look wrong are found: a run of the window whose duration or
        transferred size (C(TotalSize)) lies far outside the VM's own recent runs (median and median absolute
        deviation of the 30 runs before it) is in V(veeam_anomalies), each with V(kind) (V(duration_anomaly)
        or V(size_anomaly), which are also findings: warnings, not in the default O(fail_on)),
        V(session_id), V(creation_time), V(value), V(median), V(usual_low), V(usual_high), V(score) and
        V(history)."
      - Like O(include_sla), it keeps each VM's runs in memory and in the cache; off by default.
    type: bool
    default: false
  anomaly_threshold:
    description:
      - With O(include_anomalies), how far from the median (in scaled median absolute deviations) a run must
        lie to be an anomaly.
    type: float
    default: 5.0
  anomaly_min_history:
    description:
      - With O(include_anomalies), how many earlier runs a run needs before it can be an anomaly.
    type: int
    default: 5
  include_sessions:
    description:
      - Whether each VM gets V(veeam_sessions), the list of its task sessions in the window, newest first.
      - This keeps every session in memory, in the inventory and, with O(cache), in the cache; leave it
        off for large estates.
    type: bool
    default: false
notes:
  - Every text connection option (O(url), O(username), O(password), O(ca_path), O(proxy)...) may be a Jinja2
    template (such as an C(ansible.builtin.env) lookup) or a vaulted value in the configuration file.
  - The connection options are read as the file gives them, in their natural YAML type or as text
    (O(retries) V(3) or V("3"), O(validate_certs) V(false) or V(no)), and a bad value gets the same
    message as in the modules, the lookup and the event source.
  - The inventory plugin runs on the controller. Per Enterprise Manager (O(url), or each entry of
    O(enterprise_managers)) it makes one logon, one paged query for the task sessions, one for their
    job sessions and, with O(include_backup_servers), one for the backup servers, and logs out.
  - With O(rpo_basis=restore_point), one more paged query reads the restore points; with
    O(include_unreplicated), one query reads the replication jobs and one request per job its includes.
    With O(include_cdp), one paged query reads the CDP task sessions and one the CDP policies (with
    O(include_unreplicated) one request per policy its includes); with O(include_failover_plans), one
    paged query reads the failover plans.
    These reads run while the task sessions are read, on two lanes (points then jobs; CDP then plans), so up
    to three times O(max_concurrency) requests to one Enterprise Manager are in flight.
  - With O(cache), the cache holds one summary per VM (its latest session, last result, last success,
    consecutive failures, job names, session count; with O(include_sessions) also its sessions) and
    the backup server records; never credentials, and not the built inventory. Its size follows the
    number of VMs, not of task sessions.
  - A cache hit shows Enterprise Manager as it was at the fetch (which VMs, their latest sessions,
    last results and last successes, and what the account could not have judged, warned again), with the age of
    the last success and the RPO state measured from now. A role given to the account since is seen at the next
    read (O(cache_timeout), or C(--flush-cache)).
  - Changing O(rpo), O(rpo_by_job), O(fail_on), O(hostname), O(group_prefix), the constructed options,
    O(exclude_vm_names), O(exclude_backup_server_names), or O(vm_names) and O(backup_server_names) patterns with
    wildcards reuses the cache. Changing O(rpo_basis), O(include_unreplicated) or O(require_coverage) makes a
    new read, as does changing O(include_cdp) or O(include_failover_plans); O(cdp_rpo_source) reuses the cache.
    Changing O(created_after), the connection, O(vm_names) or
    O(backup_server_names) without wildcards (they are sent to Enterprise Manager), O(job_names),
    O(exclude_job_names), O(include_sessions) or O(include_backup_servers) makes a new read, as does
    turning O(include_sla) or O(include_anomalies) on or off (the summaries then keep each VM's history);
    O(waivers), O(sla_target), O(include_sla_days), O(anomaly_threshold) and O(anomaly_min_history) only judge
    and reuse the cache.
    A cache hit does not extend the cache's lifetime.
"""

EXAMPLES = r"""
# The smallest file, veeam_em.yml, is one line: "plugin: veeam_em.core.replicas" (every VM
# replicated in the last 7 days; url, username, password and ca_path from VEEAM_EM_*).
#
# tier1.veeam_em.yml: only the Tier 1 jobs with a 4-hour RPO, host names in lower case,
# cached for 10 minutes, with extra groups and vars. url, username and ca_path come from
# VEEAM_EM_* here, the password from a lookup (url, username and password may each be a
# template or a vaulted value: password: !vault | ...).
plugin: veeam_em.core.replicas
password: "{{ lookup('ansible.builtin.env', 'EM_READER_PASSWORD') }}"
job_names: ["Tier 1*"]
exclude_vm_names: ["*-test"]
rpo: 4h
hostname: veeam_vm_name | lower
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible/veeam_em
cache_timeout: 600
compose:
  ansible_host: veeam_vm_name ~ '.corp.example'
groups:
  veeam_failing_twice: veeam_consecutive_failures >= 2
keyed_groups:
  - key: veeam_backup_server_name
    prefix: site
"""

import os
from datetime import datetime
from typing import Any, ContextManager

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.inventory.group import to_safe_group_name
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.plugins.module_utils._dependencies import missing_libraries
from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso, utc_now
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.plugin_utils._cache import (
    cache_fingerprint,
    get_cached_parts,
    update_cached_parts,
)
from ansible_collections.veeam_em.core.plugins.plugin_utils._config_file import (
    FILE_SUFFIXES,
    check_option_names,
    check_option_types,
    load_config,
    names_this_plugin,
    wrong_name_note,
)
from ansible_collections.veeam_em.core.plugins.plugin_utils._constructed import check_constructed
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_list import EmSource, read_em_sources, template_resolver
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_reads import EmRead
from ansible_collections.veeam_em.core.plugins.plugin_utils._expressions import EXPRESSION_OPTIONS, HostExpressions, read_host_expressions
from ansible_collections.veeam_em.core.plugins.plugin_utils._fetch import EmPart
from ansible_collections.veeam_em.core.plugins.plugin_utils._fleet import check_em_concurrency, read_fleet
from ansible_collections.veeam_em.core.plugins.plugin_utils._name_checks import name_warnings
from ansible_collections.veeam_em.core.plugins.plugin_utils._not_judged_warnings import not_judged_warnings
from ansible_collections.veeam_em.core.plugins.plugin_utils._populate import InventoryWriter
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import SETTINGS_OPTIONS, Settings, read_settings


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "veeam_em.core.replicas"
    INVENTORY_FILE_SUFFIXES = FILE_SUFFIXES

    @staticmethod
    def _sanitize_group_name(name: str) -> str:
        # Replace what Ansible cannot use in group names whatever TRANSFORM_INVALID_GROUP_CHARS
        # says: names from EM (jobs with spaces) would otherwise make unusable groups.
        return to_safe_group_name(name, force=True, silent=True)

    def verify_file(self, path: str) -> bool:
        if not super().verify_file(path):
            return False
        if path.endswith(self.INVENTORY_FILE_SUFFIXES):
            return True
        if names_this_plugin(path):
            # ansible-core's own words ("could not be verified") do not say why; -v does.
            self.display.v(f"{self.NAME}: {wrong_name_note(path)}")
        return False

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        now = self._now()
        logout_warnings: list[str] = []  # from the reads' threads; said here once they are over
        try:
            sources, settings, expressions = self._read_options(path, now)
            parts, failed = self._read(path, cache, sources, settings, logout_warnings)
        except VeeamEmError as error:
            raise AnsibleError(f"{self.NAME}: {error}") from None
        finally:
            for warning in logout_warnings:
                self.display.warning(f"{self.NAME}: {warning}")
        for warning in not_judged_warnings(parts, sources) + name_warnings(parts, settings, complete=not failed):
            self.display.warning(f"{self.NAME}: {warning}")
        try:
            InventoryWriter(self, settings, expressions).write(parts, failed, now)
        except VeeamEmError as error:
            raise AnsibleError(f"{self.NAME}: {error}") from None

    def _now(self) -> datetime:
        """The moment ages and relative windows are measured from (a seam for tests)."""
        return utc_now()

    def _read_options(self, path: str, now: datetime) -> tuple[list[EmSource], Settings, HostExpressions]:
        """The options, checked: the file's keys, then the values as the file gives them that
        ansible-core would read wrongly (an unknown word is false to it; 2.18 crashes on a
        list for a yes/no option), the constructed options it would skip without a word, and
        the connection options (the options table's reader), then what ansible-core read."""
        config = load_config(self.loader, path)
        definitions = C.config.get_configuration_definitions("inventory", self._load_name) or {}
        check_option_names(config, path, definitions)
        check_option_types(config)
        given = config if isinstance(config, dict) else {}
        check_constructed(given, definitions)
        sources = read_em_sources(given, template_resolver(self.templar), os.environ)
        self._read_config_data(path)
        for library, _traceback in missing_libraries():
            raise AnsibleError(f"the {self.NAME} inventory plugin needs the Python library {library} on the controller")
        settings = read_settings({name: self.get_option(name) for name in SETTINGS_OPTIONS}, now)
        return sources, settings, read_host_expressions({name: self.get_option(name) for name in EXPRESSION_OPTIONS})

    def _read(self, path: str, cache: bool, sources: list[EmSource], settings: Settings,
              said: list[str]) -> tuple[list[EmPart], list[EmRead]]:
        """Every EM's part, from the cache when allowed and valid, else from the EMs; and the
        reads that failed (kept only with on_em_error: warn, and then never cached)."""
        if sources[0].name is not None and os.environ.get("VEEAM_EM_URL"):
            # Set for the modules, perhaps; an EM of this source is only what enterprise_managers lists.
            self.display.v(f"{self.NAME}: VEEAM_EM_URL is not used: with enterprise_managers each entry gives its own url")
        fingerprint = cache_fingerprint(settings, sources)
        key = self.get_cache_key(path) if self.get_option("cache") else None
        cached = get_cached_parts(self._cache, key, fingerprint) if key and cache else None  # not with --flush-cache
        if cached is not None:
            # A hit is never written back, so the entry's lifetime still runs from the fetch.
            self.display.vvv(f"{self.NAME}: using the VM summaries cached at {cached[1]}")
            return cached[0], []
        concurrency = check_em_concurrency(self.get_option("em_concurrency"))
        for source in sources:
            for warning in source.connection.warnings():
                self.display.warning(source.said(warning))
        parts, failed = read_fleet(sources, settings, lambda source: self._create_client(source, said), concurrency,
                                   self.get_option("on_em_error"))
        if key and not failed:
            update_cached_parts(self._cache, key, fingerprint, parts, iso(utc_now()))
        return parts, failed

    def _create_client(self, source: EmSource, said: list[str]) -> ContextManager[EmApi]:
        """The collection's one logged-on client (the seam unit tests replace): each retry at
        -vvv, a failed logout's warning, labelled with its EM, into `said`."""
        return open_api(source.connection, on_retry=self.display.vvv,
                        on_logout_failure=lambda warning: said.append(source.said(warning)))
