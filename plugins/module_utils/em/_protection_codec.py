# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM's CDP policies, CDP task sessions and failover plans as plain dicts (the conventions of
_codec: a missing element is None, times are aware UTC datetimes, links are chosen by Type).

Shapes: Veeam's EM REST reference, VBR 13.0.1 [get_cdppolicies_id, policyscheduleoptions,
get_query_cdpreplicatasksession, cdpreplicatasksessions_id, get_failoverplans_id,
get_query_failoverplan]; summed up in docs/docsite/rst/em_api_notes.rst.
"""
from __future__ import annotations

from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils.em._codec import (
    Record,
    _bool,
    _entity,
    _fill,
    _int,
    _link_target,
    _spec,
    _tag,
    _text,
    _text_or_none,
    _time,
    guid_of,
)

_SECONDS_PER_MINUTE = 60


def _seconds(record: Record, stem: str) -> int | None:
    """A duration EM gives as <stem>Seconds or <stem>Minutes, in seconds. Veeam's example writes
    both, the unused one as 0 [get_cdppolicies_id], so the one that is not 0 counts."""
    seconds, minutes = record.get(f"{stem}_seconds"), record.get(f"{stem}_minutes")
    if seconds:
        return seconds
    if minutes:
        return minutes * _SECONDS_PER_MINUTE
    return 0 if 0 in (seconds, minutes) else None


_THRESHOLD_SPEC = _spec((_int, "RPOThresholdSeconds", "RPOThresholdMinutes"), (_bool, "Enabled"),
                        renamed={"RPOThresholdSeconds": "threshold_seconds", "RPOThresholdMinutes": "threshold_minutes"})


def _threshold(el: Any) -> int | None:
    """A MarkAsWarning / MarkAsFailed threshold in seconds; None when it says it is not enabled."""
    values: Record = {}
    _fill(el, _THRESHOLD_SPEC, values)
    return None if values.get("enabled") is False else _seconds(values, "threshold")


_REPORTING_SPEC = _spec((_bool, "Enabled"), (_threshold, "MarkAsWarning", "MarkAsFailed"),
                        renamed={"Enabled": "enabled", "MarkAsWarning": "warning", "MarkAsFailed": "failed"})


def _rpo_reporting(el: Any) -> Record:
    values: Record = {"enabled": None, "warning": None, "failed": None}
    _fill(el, _REPORTING_SPEC, values)
    return values


_SCHEDULE_OPTIONS_SPEC = _spec(
    (_int, "RecoveryPointObjectiveSeconds", "RecoveryPointObjectiveMinutes"), (_rpo_reporting, "RPOReporting"),
    renamed={"RecoveryPointObjectiveSeconds": "rpo_seconds", "RecoveryPointObjectiveMinutes": "rpo_minutes",
             "RPOReporting": "rpo_reporting"})
_CDP_REPLICA = _tag("CdpReplica")


def _schedule_options(el: Any) -> Record:
    """PolicyScheduleOptions as {rpo_seconds, warning_after_seconds, failed_after_seconds}: each
    threshold only when RPOReporting is there and neither it nor the threshold says Enabled false
    [policyscheduleoptions]. Veeam's example wraps the options in <CdpReplica>; both forms are read."""
    wrapped = next((child for child in el if child.tag == _CDP_REPLICA), None)
    values: Record = {}
    _fill(el if wrapped is None else wrapped, _SCHEDULE_OPTIONS_SPEC, values)
    reporting = values.get("rpo_reporting")
    reported = reporting is not None and reporting.get("enabled") is not False
    return {"rpo_seconds": _seconds(values, "rpo"),
            "warning_after_seconds": reporting.get("warning") if reported else None,
            "failed_after_seconds": reporting.get("failed") if reported else None}


_POLICY_TAGS = (_tag("CdpPolicy"),)
_POLICY_SPEC = _spec(
    (_text, "Platform", "Description", "PolicyType"),
    (_time, "NextRun", "NextRunUTC"),
    (_bool, "ScheduleConfigured", "ScheduleEnabled"),
    (_schedule_options, "PolicyScheduleOptions"),
    renamed={"PolicyScheduleOptions": "schedule_options"},
)
CDP_POLICY_KEYS = (
    "uid", "id", "name", "href", "platform", "description", "policy_type", "next_run", "schedule_configured",
    "schedule_enabled", "schedule_options", "backup_server_id", "backup_server_name",
)


def cdp_policy(el: Any) -> Record:
    """A <CdpPolicy> entity: CDP_POLICY_KEYS, and rpo_seconds, warning_after_seconds and
    failed_after_seconds from its PolicyScheduleOptions (None when it had none)."""
    record = _entity(el, _POLICY_TAGS, _POLICY_SPEC, CDP_POLICY_KEYS)[0]
    options = record.pop("schedule_options") or {}
    for key in ("rpo_seconds", "warning_after_seconds", "failed_after_seconds"):
        record[key] = options.get(key)
    return record


_CDP_TASK_TAGS = (_tag("CdpReplicaTaskSession"),)
_CDP_TASK_SPEC = _spec(
    (_text_or_none, "PolicySessionUid", "VmDisplayName"),
    (_time, "CreationTimeUTC", "EndTimeUTC"),
    (_text, "State", "Result", "Reason"),
    (_int, "TotalSize"),
)
CDP_TASK_SESSION_KEYS = (
    "uid", "id", "name", "href", "vm_display_name", "policy_session_uid", "policy_session_id", "policy_session_name",
    "policy_name", "vm_name", "creation_time", "end_time", "state", "result", "reason", "total_size",
    "backup_server_id", "backup_server_name",
)


def name_before_at(name: str | None) -> str | None:
    """`vm01` of `vm01@2026-12-07 06:00:10`, `CDP Policy 1` of `CDP Policy 1@2021-02-11 19:08:36`
    (up to the last @, so a name holding @ is kept whole); the name itself when it has no @."""
    if not name:
        return None
    before, at, _after = name.rpartition("@")
    return before if at else name


def cdp_task_session(el: Any) -> Record:
    """A <CdpReplicaTaskSession> entity with the keys of CDP_TASK_SESSION_KEYS: vm_name is
    VmDisplayName (attribute or element) when EM gives it, else Name up to its last @;
    policy_name is the CdpReplicaSessionReference link's Name up to its last @."""
    record, links = _entity(el, _CDP_TASK_TAGS, _CDP_TASK_SPEC, CDP_TASK_SESSION_KEYS)
    link_id, record["policy_session_name"] = _link_target(links, "CdpReplicaSessionReference")
    record["policy_session_id"] = guid_of(record["policy_session_uid"]) or link_id
    record["policy_name"] = name_before_at(record["policy_session_name"])
    record["vm_name"] = el.get("VmDisplayName") or record["vm_display_name"] or name_before_at(record["name"])
    return record


_FAILOVERED_VM_TAGS = (_tag("FailoveredVm"),)
_FAILOVERED_VM_SPEC = _spec((_text_or_none, "FailoveredVmId", "HierarchyObjRef", "Name", "DisplayName"), (_int, "Order"))
FAILOVERED_VM_KEYS = ("uid", "id", "name", "href", "failovered_vm_id", "hierarchy_obj_ref", "display_name", "order")


def failovered_vm(el: Any) -> Record:
    """A <FailoveredVm> of a plan's includes, with the keys of FAILOVERED_VM_KEYS."""
    return _entity(el, _FAILOVERED_VM_TAGS, _FAILOVERED_VM_SPEC, FAILOVERED_VM_KEYS)[0]


_INCLUDES = _tag("Includes")


def _plan_info(el: Any) -> list[Record]:
    """FailoverPlanInfo/Includes/FailoveredVm, in EM's order."""
    return [failovered_vm(vm) for includes in el if includes.tag == _INCLUDES
            for vm in includes if isinstance(vm.tag, str)]


_PLAN_TAGS = (_tag("FailoverPlan"),)
_PLAN_SPEC = _spec((_text, "Description"), (_plan_info, "FailoverPlanInfo"), renamed={"FailoverPlanInfo": "vms"})
FAILOVER_PLAN_KEYS = ("uid", "id", "name", "href", "description", "vms", "backup_server_id", "backup_server_name")


def failover_plan(el: Any) -> Record:
    """A <FailoverPlan> entity with the keys of FAILOVER_PLAN_KEYS; vms is [] when EM sent no FailoverPlanInfo."""
    record = _entity(el, _PLAN_TAGS, _PLAN_SPEC, FAILOVER_PLAN_KEYS)[0]
    record["vms"] = record["vms"] or []
    return record
