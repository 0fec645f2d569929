"""Filter and sort fields of the CDP and failover plan query types, as their Veeam pages list them
(get_query_cdppolicy, get_query_cdpreplicasession, get_query_cdpreplicatasksession,
get_query_failoverplan). CDP sessions' times are CreationTimeUTC / EndTimeUTC, with the suffix."""
from __future__ import annotations

from .filters import Field
from .model import JOB_STATES, RESULTS, TASK_STATES
from .model_protection import CDP_PLATFORMS, CDP_POLICY_TYPES


def fields(*items: Field) -> dict[str, Field]:
    return {item.name.lower(): item for item in items}


CDP_POLICY_FIELDS = fields(
    Field("UID", "uid", lambda p: p.uid),
    Field("Name", "string", lambda p: p.name),
    Field("Description", "string", lambda p: p.description),
    Field("NextRun", "time", lambda p: p.next_run),
    Field("PolicyType", "enum", lambda p: "CdpReplica", CDP_POLICY_TYPES),
    Field("Platform", "enum", lambda p: p.platform, CDP_PLATFORMS),
    Field("ScheduleConfigured", "bool", lambda p: p.schedule_configured),
    Field("ScheduleEnabled", "bool", lambda p: p.schedule_enabled),
    Field("BackupServerUid", "uid", lambda p: p.server.uid),
    Field("BackupServerName", "string", lambda p: p.server.name),
)

CDP_SESSION_FIELDS = fields(
    Field("UID", "uid", lambda s: s.uid),
    Field("Name", "string", lambda s: s.name),
    Field("PolicyUid", "uid", lambda s: s.policy.uid),
    Field("PolicyName", "string", lambda s: s.policy.name),
    Field("CreationTimeUTC", "time", lambda s: s.created),
    Field("EndTimeUTC", "time", lambda s: s.ended),
    Field("State", "enum", lambda s: s.state, JOB_STATES),
    Field("Result", "enum", lambda s: s.result, RESULTS),
    Field("IsRetry", "bool", lambda s: s.is_retry),
    Field("BackupServerUid", "uid", lambda s: s.server.uid),
    Field("BackupServerName", "string", lambda s: s.server.name),
)

# Result is not among the page's filter fields (docs/docsite/rst/em_api_notes.rst: UNKNOWN); it
# is added only with SimulatorConfig.cdp_result_filter "accept" (CDP_TASK_RESULT_FIELD).
CDP_TASK_FIELDS = fields(
    Field("UID", "uid", lambda t: t.uid),
    # The page names the session's UID parameter "Id" (urn:veeam:CdpReplicaTaskSession:...).
    Field("Id", "uid", lambda t: t.uid),
    Field("Name", "string", lambda t: t.name),
    Field("PolicySessionUid", "uid", lambda t: t.policy_session.uid),
    Field("PolicySessionName", "string", lambda t: t.policy_session.name),
    Field("BackupServerUid", "uid", lambda t: t.server.uid),
    Field("BackupServerName", "string", lambda t: t.server.name),
    Field("CreationTimeUTC", "time", lambda t: t.created),
    Field("EndTimeUTC", "time", lambda t: t.ended),
    Field("State", "enum", lambda t: t.state, TASK_STATES),
    Field("Reason", "string", lambda t: t.reason),
    Field("TotalSize", "int", lambda t: t.total_size),
    Field("VmDisplayName", "string", lambda t: t.vm_name),
)
CDP_TASK_RESULT_FIELD = fields(Field("Result", "enum", lambda t: t.result, RESULTS))

FAILOVER_PLAN_FIELDS = fields(
    Field("UID", "uid", lambda p: p.uid),
    Field("Name", "string", lambda p: p.name),
    Field("Description", "string", lambda p: p.description),
    Field("BackupServerUid", "uid", lambda p: p.server.uid),
    Field("BackupServerName", "string", lambda p: p.server.name),
)
