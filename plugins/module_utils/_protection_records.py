# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalised records of CDP policies, CDP task sessions and failover plans: the stable,
snake_case keys the cdp_policy_info and failover_plan_info modules return (their RETURN docs).

Plain JSON data; times are ISO 8601 text (UTC, Z). A CDP task session is settled as a replica
task session is (_outcome.settle): no result, end time or duration until it is Completed.
"""
from __future__ import annotations

from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._outcome import DOCUMENTED_RESULTS, settle
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso

_INCLUDE_KEYS = ("name", "display_name", "object_type", "hierarchy_obj_ref", "order")
_POLICY_KEYS = ("id", "name", "description", "platform", "backup_server_id", "backup_server_name",
                "schedule_configured", "schedule_enabled")
_RPO_KEYS = ("rpo_seconds", "warning_after_seconds", "failed_after_seconds")


def cdp_policy_record(raw: dict[str, Any], includes: list[dict[str, Any]] | None) -> dict[str, Any]:
    """One CDP policy with its own RPO and its RPO reporting thresholds in seconds (the
    thresholds null when RPO reporting is off); `includes` only when they were read."""
    record = {key: raw.get(key) for key in _POLICY_KEYS}
    record["next_run"] = iso(raw.get("next_run"))
    record.update({key: raw.get(key) for key in _RPO_KEYS})
    if includes is not None:
        record["includes"] = [{key: item.get(key) for key in _INCLUDE_KEYS} for item in includes]
    return record


_CDP_TASK_KEYS = ("id", "name", "vm_name", "policy_name", "policy_session_id", "backup_server_id",
                  "backup_server_name", "state", "total_size")


def settled_cdp_task_session(raw: dict[str, Any]) -> dict[str, Any]:
    """cdp_task_session_record() with the times still aware datetimes (or None), for folds."""
    outcome = settle(raw.get("state"), raw.get("result"), raw.get("creation_time"), raw.get("end_time"))
    record = {key: raw.get(key) for key in _CDP_TASK_KEYS}
    # While a CDP session runs, its Result is VBR's own RPO reporting so far (em_api_notes.rst, "CDP"):
    # kept apart as running_result, so `result` still obeys _outcome's rule for every session.
    running = raw.get("state") == "InProgress" and raw.get("result") in DOCUMENTED_RESULTS
    record.update(creation_time=outcome.creation_time, end_time=outcome.end_time, result=outcome.result,
                  reason=raw.get("reason") or "", duration_seconds=outcome.duration_seconds,
                  running_result=raw.get("result") if running else None)
    return record


def cdp_task_session_record(raw: dict[str, Any]) -> dict[str, Any]:
    """One CDP task session (one VM's part of a CDP policy session), settled; times ISO 8601 text."""
    record = settled_cdp_task_session(raw)
    record["creation_time"], record["end_time"] = iso(record["creation_time"]), iso(record["end_time"])
    return record


def failover_plan_record(raw: dict[str, Any]) -> dict[str, Any]:
    """One failover plan with its VMs in the order the plan starts them (by Order, those without
    one last, then by name)."""
    record = {key: raw.get(key) for key in ("id", "name", "description", "backup_server_id", "backup_server_name")}
    record["description"] = record["description"] or ""
    vms = [{"order": vm.get("order"), "name": vm.get("name"), "display_name": vm.get("display_name"),
            "failovered_vm_id": vm.get("failovered_vm_id"), "hierarchy_obj_ref": vm.get("hierarchy_obj_ref")}
           for vm in raw.get("vms") or ()]
    record["vms"] = sorted(vms, key=_start_order)
    return record


def _start_order(vm: dict[str, Any]) -> tuple[bool, int, str]:
    order = vm["order"]
    return order is None, order if order is not None else 0, vm["name"] or ""
