# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Continuous Data Protection (CDP) evidence per VM: its CDP task sessions folded, its policy
joined, and the share of the window's sessions that met the RPO.

A VM a CDP policy protects has no replication job and no replica task session: its evidence
is its CDP task sessions (EM's /cdpReplicaTaskSessions and query type CdpReplicaTaskSession,
with CreationTimeUTC and EndTimeUTC) and its RPO is the policy's own
(PolicyScheduleOptions/RecoveryPointObjective*, Veeam's policyscheduleoptions page). The
collection reads it this way (docs/docsite/rst/em_api_notes.rst, "CDP"):

- Veeam's examples show a CDP task session running until the next long-term restore point
  (hours), while VBR watches the RPO itself and marks the session Warning or Failed past the
  policy's RPOReporting thresholds. So while a VM's newest session runs, VBR's own verdict on
  it (its Result, even before it ends) and the session's age (no longer than a policy session,
  24 hours, plus the RPO) say whether the RPO holds (_cdp_status); when none runs, the RPO is
  measured from the end of its newest completed session that did not fail;
- a completed session met the RPO when it ended Success (VBR marks a missed RPO Warning or
  Failed) and began within the RPO of the previous one's end (the chain did not stop); its
  delay is how far beyond the RPO that gap was. The share that met it is the CDP "SLA" VBR
  shows, and the largest delay its "max delay".

Pure functions over plain JSON data, no I/O: the summaries a cache keeps.
"""
from __future__ import annotations

from bisect import insort
from datetime import datetime
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._outcome import DOCUMENTED_RESULTS, real_time, settle
from ansible_collections.veeam_em.core.plugins.module_utils._records import parse_record_time
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso

CDP, REPLICA = "cdp", "replica"
SESSION_KEYS = ("id", "creation_time", "end_time", "state", "result", "reason", "total_size", "duration_seconds")


def vm_key(record: Mapping[str, Any]) -> tuple[Any, Any]:
    """The key a VM is folded under: (backup server id, or its name when EM gave no id; VM name)."""
    return (record.get("backup_server_id") or record.get("backup_server_name"), record.get("vm_name"))


class CdpFold:
    """CDP task session records in (any order, any batches), one CDP summary per VM out.

    Memory is per VM: the newest session, and the end time and outcome of each completed one
    (the SLA share needs the RPO, which is known only when the VM is judged)."""

    def __init__(self) -> None:
        self._vms: dict[tuple[Any, Any], dict[str, Any]] = {}
        self._newest: dict[tuple[Any, Any], datetime | None] = {}

    def add(self, record: Mapping[str, Any]) -> None:
        """Fold one CDP task session record (cdp_task_session_record's shape)."""
        key = vm_key(record)
        created = real_time(parse_record_time(record.get("creation_time")))
        ended = real_time(parse_record_time(record.get("end_time")))
        outcome = settle(record.get("state"), record.get("result"), created, ended)
        vm = self._vms.setdefault(key, _empty(record))
        vm["sessions"] += 1
        newest = self._newest.get(key)
        if key not in self._newest or (created is not None and (newest is None or created > newest)):
            self._newest[key] = created
            vm["policy_name"] = record.get("policy_name") or vm["policy_name"]
            vm["last_session"] = _session(record, outcome)
            vm.update(_running(record, created))
        if outcome.result is None or outcome.end_time is None:
            return  # running, or of unknown end: it proves no state replicated
        insort(vm["completed"], [iso(outcome.creation_time), iso(outcome.end_time), outcome.result])
        if outcome.result != "Failed" and (vm["last_completed_time"] is None
                                           or outcome.end_time > parse_record_time(vm["last_completed_time"])):
            vm["last_completed_time"] = iso(outcome.end_time)
        if vm["_last_result_end"] is None or outcome.end_time > vm["_last_result_end"]:
            vm["_last_result_end"] = outcome.end_time
            vm["last_result"], vm["last_reason"] = outcome.result, record.get("reason") or None

    def summaries(self) -> dict[tuple[Any, Any], dict[str, Any]]:
        """{vm_key: CDP summary}, plain JSON data."""
        return {key: {name: value for name, value in vm.items() if not name.startswith("_")}
                for key, vm in self._vms.items()}


def without_sessions(vm_name: str | None, backup_server_id: str | None, backup_server_name: str | None,
                     policy_name: str | None) -> dict[str, Any]:
    """What CdpFold.summaries() gives a VM that has no CDP session (yet): the one empty shape."""
    return {"vm_name": vm_name, "backup_server_id": backup_server_id, "backup_server_name": backup_server_name,
            "policy_name": policy_name, "last_session": {}, "last_result": None, "last_reason": None,
            "last_completed_time": None, "sessions": 0, "completed": [], "running_since": None, "running_result": None}


def _empty(record: Mapping[str, Any]) -> dict[str, Any]:
    return {**without_sessions(record.get("vm_name"), record.get("backup_server_id"), record.get("backup_server_name"),
                               record.get("policy_name")), "_last_result_end": None}


def _running(record: Mapping[str, Any], created: datetime | None) -> dict[str, Any]:
    """running_since (the creation of a session still InProgress) and running_result (VBR's own
    verdict on it so far: the Result EM shows while it runs, when it is a documented one)."""
    if record.get("state") != "InProgress" or created is None:
        return {"running_since": None, "running_result": None}
    # A record of the client keeps it as running_result (its result obeys _outcome's rule); a
    # caller's own record may still carry it as result.
    result = record["running_result"] if "running_result" in record else record.get("result")
    return {"running_since": iso(created), "running_result": result if result in DOCUMENTED_RESULTS else None}


def _session(record: Mapping[str, Any], outcome: Any) -> dict[str, Any]:
    settled = {**record, "result": outcome.result, "duration_seconds": outcome.duration_seconds,
               "creation_time": iso(outcome.creation_time), "end_time": iso(outcome.end_time)}
    return {key: settled.get(key) for key in SESSION_KEYS}


def policy_facts(policy: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a VM's CDP status says of its policy (a cdp_policy_record); None values when not read."""
    policy = policy or {}
    enabled = policy.get("schedule_enabled")
    if policy.get("schedule_configured") is False:
        enabled = False
    return {"policy_id": policy.get("id"), "policy_enabled": enabled,
            "policy_rpo_seconds": policy.get("rpo_seconds"),
            "warning_after_seconds": policy.get("warning_after_seconds"),
            "failed_after_seconds": policy.get("failed_after_seconds")}


def policies_by_vm(policies: Iterable[Mapping[str, Any]]) -> dict[tuple[Any, Any], Mapping[str, Any]]:
    """{(backup server id, VM name): policy} for every VM a policy includes by name (the first
    policy wins: VBR lets a VM be in one CDP policy per backup server); containers are left out."""
    found: dict[tuple[Any, Any], Mapping[str, Any]] = {}
    for policy in policies:
        for included in policy.get("includes") or ():
            kind = included.get("object_type")
            if kind is not None and kind.lower() != "vm":
                continue  # a folder or tag: EM does not say which VMs it holds, so it is no VM here
            name = included.get("display_name") or included.get("name")
            found.setdefault((policy.get("backup_server_id"), name), policy)
    return found


def sla(completed: Iterable[Iterable[Any]], rpo_seconds: float | None) -> dict[str, Any]:
    """The share of completed sessions ([creation, end (ISO text), result], oldest first)
    that met the RPO, as sessions_within_rpo, sla_percent (0-100, one decimal) and
    max_delay_seconds: a session met it when it ended Success and began within the RPO of the
    previous session's end (the first of the window: when it ended Success).

    None values without an RPO or without a completed session."""
    done = list(completed)
    if rpo_seconds is None or not done:
        return {"sessions_within_rpo": None, "sla_percent": None, "max_delay_seconds": None}
    met, largest, previous_end = 0, 0.0, None
    for begun_text, end_text, result in done:
        begun = parse_record_time(begun_text)
        gap = 0.0 if previous_end is None or begun is None else (begun - previous_end).total_seconds()
        delay = max(0.0, gap - rpo_seconds)
        largest = max(largest, delay)
        met += result == "Success" and delay == 0.0
        previous_end = parse_record_time(end_text)
    return {"sessions_within_rpo": met, "sla_percent": round(met * 100.0 / len(done), 1),
            "max_delay_seconds": largest}
