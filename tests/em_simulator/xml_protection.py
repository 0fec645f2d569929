"""XML of CDP policies, CDP policy and task sessions and failover plans, in the element order of
Veeam's examples (EM REST reference, VBR 13.0.1: get_cdppolicies_id, get_query_cdppolicy,
cdpreplicasessions_id, get_query_cdpreplicasession, cdpreplicatasksessions_id,
get_query_cdpreplicatasksession, failoverplans_id). Each function takes the Renderer first, so
resources.Kind can hold it like a Renderer method."""
from __future__ import annotations

from xml.sax.saxutils import escape

from .model import format_utc
from .model_protection import CdpInclude, CdpPolicy, CdpReplicaSession, CdpReplicaTaskSession, Duration, FailoverPlan
from .xmlrender import Renderer, attr, document, element, link


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _server_up(renderer: Renderer, server) -> str:
    return link("Up", renderer.server_href(server), "BackupServerReference", server.name)


# -- CDP policies -------------------------------------------------------------------------
def policy_href(renderer: Renderer, policy: CdpPolicy) -> str:
    return f"{renderer.base}/cdpPolicies/{policy.id}"


def policy_ref_links(renderer: Renderer, policy: CdpPolicy) -> str:
    href = policy_href(renderer, policy)
    return _server_up(renderer, policy.server) + link("Alternate", f"{href}?format=Entity", "CdpPolicy", policy.name)


def policy_parts(renderer: Renderer, policy: CdpPolicy) -> tuple[str, str]:
    href = policy_href(renderer, policy)
    links = (_server_up(renderer, policy.server)
             + link("Alternate", href, "CdpPolicyReference", policy.name)
             + link("Edit", href, "CdpPolicyReference", policy.name)
             + link("Down", f"{href}/includes", "ObjectInJobList")
             + link("Create", f"{href}/includes", "ObjectInJob")
             + link("Down", f"{href}/cdpReplicaSessions", "CdpReplicaSessionReferenceList")
             + link("Enable" if not policy.schedule_enabled else "Disable",
                    f"{href}?action={'enable' if not policy.schedule_enabled else 'disable'}"))
    next_run = f"<NextRun>{format_utc(policy.next_run)}</NextRun>" if policy.next_run is not None else ""
    body = (f"<Links>{links}</Links><PolicyType>CdpReplica</PolicyType><Platform>{policy.platform}</Platform>"
            f"{element('Description', policy.description)}"
            f"<ScheduleConfigured>{_bool(policy.schedule_configured)}</ScheduleConfigured>"
            f"<ScheduleEnabled>{_bool(policy.schedule_enabled)}</ScheduleEnabled>{next_run}"
            f"<PolicyScheduleOptions><CdpReplica>{_schedule_options(policy)}</CdpReplica></PolicyScheduleOptions>"
            f"<CdpPolicyInfo><CdpReplicaPolicyInfo><Includes>"
            f"{''.join(_policy_include(renderer, policy, item, embedded=True) for item in policy.includes)}"
            f"</Includes></CdpReplicaPolicyInfo></CdpPolicyInfo>")
    attributes = f'Type="CdpPolicy" Href="{href}?format=Entity" Name={attr(policy.name)} UID="{policy.uid}"'
    return attributes, body


def _pair(prefix: str, duration: Duration | None) -> str:
    # EM writes both elements, the unused one as 0 (get_cdppolicies_id example).
    seconds = duration.value if duration is not None and duration.unit == "Seconds" else 0
    minutes = duration.value if duration is not None and duration.unit == "Minutes" else 0
    return f"<{prefix}Seconds>{seconds}</{prefix}Seconds><{prefix}Minutes>{minutes}</{prefix}Minutes>"


def _threshold(tag: str, duration: Duration | None) -> str:
    return f"<{tag}><Enabled>{_bool(duration is not None)}</Enabled>{_pair('RPOThreshold', duration)}</{tag}>"


def _schedule_options(policy: CdpPolicy) -> str:
    return (f"{_pair('RecoveryPointObjective', policy.rpo)}<RPOSchedule Enabled=\"false\" />"
            f"<RPOReporting>{_threshold('MarkAsWarning', policy.warning_after)}"
            f"{_threshold('MarkAsFailed', policy.failed_after)}</RPOReporting>"
            "<ShortTermRetentionMinutes>0</ShortTermRetentionMinutes><ShortTermRetentionHours>4</ShortTermRetentionHours>"
            "<LongTermRetentionHours>8</LongTermRetentionHours><LongTermRetentionKeepDays>7</LongTermRetentionKeepDays>")


def _policy_include(renderer: Renderer, policy: CdpPolicy, item: CdpInclude, embedded: bool) -> str:
    href = f"{policy_href(renderer, policy)}/includes/{item.id}"
    # The list (/cdpPolicies/{ID}/includes) is shaped like /jobs/{ID}/includes, with Links and
    # Order; the copy inside CdpPolicyInfo has neither in Veeam's example.
    links = "" if embedded else (f"<Links>{link('Up', f'{policy_href(renderer, policy)}?format=Entity', 'CdpPolicy', policy.name)}"
                                 f"{link('Delete', href)}</Links>")
    order = "" if embedded else f"<Order>{item.order}</Order>"
    return (f'<ObjectInJob Type="ObjectInJob" Href="{href}">{links}<ObjectInJobId>{item.id}</ObjectInJobId>'
            f"<HierarchyObjRef>{escape(item.hierarchy_ref)}</HierarchyObjRef>{element('Name', item.name)}"
            f"{element('DisplayName', item.shown_name)}{order}</ObjectInJob>")


def policy_includes_document(renderer: Renderer, policy: CdpPolicy | None) -> bytes:
    """/cdpPolicies/{ID}/includes; None: the list with nothing in it (an account not shown it)."""
    items = "" if policy is None else "".join(_policy_include(renderer, policy, item, False) for item in policy.includes)
    return document("ObjectsInJob", "", items)


# -- CDP policy sessions ---------------------------------------------------------------------
def session_href(renderer: Renderer, session: CdpReplicaSession) -> str:
    return f"{renderer.base}/cdpReplicaSessions/{session.id}"


def _session_up_links(renderer: Renderer, session: CdpReplicaSession) -> str:
    return (_server_up(renderer, session.server)
            + link("Up", policy_href(renderer, session.policy), "CdpPolicyReference", session.policy.name))


def session_ref_links(renderer: Renderer, session: CdpReplicaSession) -> str:
    href = session_href(renderer, session)
    return (_session_up_links(renderer, session)
            + link("Alternate", f"{href}?format=Entity", "CdpReplicaSession", session.name)
            + link("Down", f"{href}/cdpReplicaTaskSessions", "CdpReplicaTaskSessionReferenceList"))


def session_parts(renderer: Renderer, session: CdpReplicaSession) -> tuple[str, str]:
    href = session_href(renderer, session)
    links = (_session_up_links(renderer, session)
             + link("Alternate", href, "CdpReplicaSessionReference", session.name)
             + link("Down", f"{href}/cdpReplicaTaskSessions", "CdpReplicaTaskSessionReferenceList"))
    body = (f"<Links>{links}</Links><PolicyUid>{session.policy.uid}</PolicyUid>"
            f"{element('PolicyName', session.policy.name)}<PolicyType>CdpReplica</PolicyType>"
            f"<CreationTimeUTC>{format_utc(session.created)}</CreationTimeUTC>"
            f"{renderer._end_time(session.ended, session.created)}<State>{session.state}</State>"
            f"<Result>{session.result}</Result><Progress>{session.progress}</Progress>"
            f"{element('FailureMessage', session.failure_message)}<IsRetry>{_bool(session.is_retry)}</IsRetry>")
    attributes = (f'Type="CdpReplicaSession" Href="{href}?format=Entity" Name={attr(session.name)} '
                  f'UID="{session.uid}"')
    return attributes, body


# -- CDP task sessions -----------------------------------------------------------------------
def task_href(renderer: Renderer, task: CdpReplicaTaskSession) -> str:
    return f"{renderer.base}/cdpReplicaTaskSessions/{task.id}"


def _task_up_links(renderer: Renderer, task: CdpReplicaTaskSession) -> str:
    session = task.policy_session
    return (_server_up(renderer, session.server)
            + link("Up", session_href(renderer, session), "CdpReplicaSessionReference", session.name))


def task_ref_links(renderer: Renderer, task: CdpReplicaTaskSession) -> str:
    return _task_up_links(renderer, task) + link("Alternate", f"{task_href(renderer, task)}?format=Entity",
                                                 "CdpReplicaTaskSession", task.name)


def task_parts(renderer: Renderer, task: CdpReplicaTaskSession) -> tuple[str, str]:
    href = task_href(renderer, task)
    links = _task_up_links(renderer, task) + link("Alternate", href, "CdpReplicaTaskSessionReference", task.name)
    body = (f"<Links>{links}</Links><PolicySessionUid>{task.policy_session.uid}</PolicySessionUid>"
            f"<CreationTimeUTC>{format_utc(task.created)}</CreationTimeUTC>"
            f"{renderer._end_time(task.ended, task.created)}<State>{task.state}</State>"
            f"{renderer._result(task.result, task.ended)}{element('Reason', task.reason or None)}"
            f"<TotalSize>{task.total_size}</TotalSize>")
    # Veeam's examples write the entity's Href under /replicaTaskSessions (a slip of the page);
    # the simulator writes the CDP collection, which the Alternate link names too.
    attributes = (f'Type="CdpReplicaTaskSession" Href="{href}?format=Entity" Name={attr(task.name)} '
                  f'VmDisplayName={attr(task.vm_name)} UID="{task.uid}"')
    return attributes, body


# -- failover plans --------------------------------------------------------------------------
def plan_href(renderer: Renderer, plan: FailoverPlan) -> str:
    return f"{renderer.base}/failoverPlans/{plan.id}"


def plan_ref_links(renderer: Renderer, plan: FailoverPlan) -> str:
    return _server_up(renderer, plan.server) + link("Alternate", f"{plan_href(renderer, plan)}?format=Entity",
                                                    "FailoverPlan", plan.name)


def plan_parts(renderer: Renderer, plan: FailoverPlan) -> tuple[str, str]:
    href = plan_href(renderer, plan)
    links = (_server_up(renderer, plan.server)
             + link("Alternate", href, "FailoverPlanReference", plan.name)
             + link("Edit", href, "FailoverPlanReference", plan.name)
             + link("Start", f"{href}?action=start") + link("Undo", f"{href}?action=undo"))
    vms = "".join(
        f'<FailoveredVm Type="FailoveredVm" Href="{href}/includes/{vm.id}"><FailoveredVmId>{vm.id}</FailoveredVmId>'
        f"<HierarchyObjRef>{escape(vm.hierarchy_ref)}</HierarchyObjRef>{element('Name', vm.name)}"
        f"{element('DisplayName', vm.shown_name)}<Order>{vm.order}</Order>{_GUEST_PROCESSING}</FailoveredVm>"
        for vm in plan.vms)
    body = (f"<Links>{links}</Links>{element('Description', plan.description)}"
            f"<FailoverPlanInfo><Includes>{vms}</Includes></FailoverPlanInfo>")
    return f'Type="FailoverPlan" Href="{href}?format=Entity" Name={attr(plan.name)} UID="{plan.uid}"', body


# A short GuestProcessingOptions, so a parser meets the element where Veeam's example has it.
_GUEST_PROCESSING = ("<GuestProcessingOptions><VssSnapshotOptions><VssSnapshotMode>RequireSuccess</VssSnapshotMode>"
                     "<IsCopyOnly>false</IsCopyOnly></VssSnapshotOptions></GuestProcessingOptions>")
