"""The CDP and failover plan parts of a JSON fixture (fixture_file.py), all optional:

- "cdp_policies": [{"id", "server_id", "name", "description", "platform", "schedule_configured",
  "schedule_enabled", "next_run", "rpo_minutes" | "rpo_seconds", "warning_minutes" | "warning_seconds",
  "failed_minutes" | "failed_seconds" (leave both out: that threshold is not Enabled),
  "includes": [{"id", "name", "ref", "display_name"?, "order"?}]}]
- "cdp_sessions" (policy sessions): [{"id", "policy_id", "creation_time", "end_time", "state", "result",
  "progress", "failure_message", "is_retry"}]
- "cdp_task_sessions": [{"id", "vm_name", "policy_session_id", "creation_time", "end_time", "state",
  "result", "reason", "total_size"}]
- "failover_plans": [{"id", "server_id", "name", "description", "vms": [{"id", "name", "ref", "order",
  "display_name"?}]}]
"""
from __future__ import annotations

from typing import Any

from .model import BackupServer, parse_utc
from .model_protection import (
    CdpInclude,
    CdpPolicy,
    CdpReplicaSession,
    CdpReplicaTaskSession,
    Duration,
    FailoveredVm,
    FailoverPlan,
)


def _time(value: str | None) -> int | None:
    return None if value is None else parse_utc(value)


def _duration(raw: dict[str, Any], prefix: str) -> Duration | None:
    """The element EM writes is kept: rpo_minutes gives RecoveryPointObjectiveMinutes."""
    if raw.get(f"{prefix}_seconds") is not None:
        return Duration(int(raw[f"{prefix}_seconds"]), "Seconds")
    if raw.get(f"{prefix}_minutes") is not None:
        return Duration(int(raw[f"{prefix}_minutes"]), "Minutes")
    return None


def _policy(raw: dict[str, Any], servers: dict[str, BackupServer]) -> CdpPolicy:
    rpo = _duration(raw, "rpo")
    if rpo is None:
        raise KeyError(f"rpo_minutes or rpo_seconds of CDP policy {raw.get('name')!r}")
    includes = [CdpInclude(item["id"], item["name"], item["ref"], item.get("order", order), item.get("display_name"))
                for order, item in enumerate(raw.get("includes", []))]
    return CdpPolicy(
        id=raw["id"], name=raw["name"], server=servers[raw["server_id"]], rpo=rpo,
        description=raw.get("description", ""), platform=raw.get("platform", "VMware"),
        schedule_configured=raw.get("schedule_configured", True), schedule_enabled=raw.get("schedule_enabled", True),
        next_run=_time(raw.get("next_run")), warning_after=_duration(raw, "warning"),
        failed_after=_duration(raw, "failed"), includes=includes,
    )


def _session(raw: dict[str, Any], policies: dict[str, CdpPolicy]) -> CdpReplicaSession:
    return CdpReplicaSession(
        id=raw["id"], policy=policies[raw["policy_id"]], created=parse_utc(raw["creation_time"]),
        ended=_time(raw.get("end_time")), state=raw.get("state", "Working"), result=raw.get("result", "None"),
        progress=raw.get("progress", 0), failure_message=raw.get("failure_message", ""),
        is_retry=raw.get("is_retry", False),
    )


def _task(raw: dict[str, Any], sessions: dict[str, CdpReplicaSession]) -> CdpReplicaTaskSession:
    return CdpReplicaTaskSession(
        id=raw["id"], vm_name=raw["vm_name"], policy_session=sessions[raw["policy_session_id"]],
        created=parse_utc(raw["creation_time"]), ended=_time(raw.get("end_time")), state=raw["state"],
        result=raw["result"], reason=raw.get("reason", ""), total_size=raw.get("total_size", 0),
    )


def _plan(raw: dict[str, Any], servers: dict[str, BackupServer]) -> FailoverPlan:
    vms = [FailoveredVm(vm["id"], vm["name"], vm["ref"], vm["order"], vm.get("display_name")) for vm in raw.get("vms", [])]
    return FailoverPlan(id=raw["id"], name=raw["name"], server=servers[raw["server_id"]],
                        description=raw.get("description", ""), vms=vms)


def protection_from_dict(data: dict[str, Any], servers: dict[str, BackupServer]) -> dict[str, list[Any]]:
    """The Dataset keyword arguments for the fixture's CDP and failover plan parts."""
    policies = {raw["id"]: _policy(raw, servers) for raw in data.get("cdp_policies", [])}
    sessions = {raw["id"]: _session(raw, policies) for raw in data.get("cdp_sessions", [])}
    tasks = [_task(raw, sessions) for raw in data.get("cdp_task_sessions", [])]
    plans = [_plan(raw, servers) for raw in data.get("failover_plans", [])]
    return {"cdp_policies": list(policies.values()), "cdp_sessions": list(sessions.values()),
            "cdp_task_sessions": tasks, "failover_plans": plans}
