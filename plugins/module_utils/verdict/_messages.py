# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings explained for people: the wording every report, summary and host var shares."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def human_duration(seconds: float | None) -> str:
    """Seconds as '1d 6h', '4h', '45m' or '30s' (the two largest parts); 'n/a' for None."""
    if seconds is None:
        return "n/a"
    remaining = int(round(abs(seconds)))
    parts = []
    for unit, size in UNITS:
        if remaining >= size or (unit == "s" and not parts):
            parts.append(f"{remaining // size}{unit}")
            remaining %= size
    return ("-" if seconds < 0 else "") + " ".join(parts[:2])


def formatted_values(status: Mapping[str, Any]) -> dict[str, Any]:
    """The status's durations for people, so reports need no arithmetic of their own.

    'last_success_age_text', 'last_point_age_text' and 'rpo_text' as human_duration() gives
    them (None where the seconds are None); 'rpo_used_percent', the age of the evidence the RPO
    is judged on as a whole percentage of the RPO (None without evidence or an RPO);
    'rpo_evidence_text', that evidence in words ('restore point 5h ago').
    """
    age, point_age, rpo = status["last_success_age_seconds"], status["last_point_age_seconds"], status["rpo_seconds"]
    rpo_age = status["rpo_age_seconds"]
    return {
        "last_success_age_text": human_duration(age) if age is not None else None,
        "last_point_age_text": human_duration(point_age) if point_age is not None else None,
        "rpo_text": human_duration(rpo) if rpo is not None else None,
        # A CDP session that runs is not measured against the RPO by its age (_cdp_status.rpo_state).
        "rpo_used_percent": (round(rpo_age / rpo * 100) if rpo_age is not None and rpo
                             and status["rpo_basis"] != "cdp_running" else None),
        "rpo_evidence_text": _evidence_text(status),
    }


def _evidence_text(status: Mapping[str, Any]) -> str | None:
    """What the RPO was judged on, in words; None for an object never replicated."""
    basis, age = status["rpo_basis"], status["rpo_age_seconds"]
    if basis is None:
        return None
    if basis == "restore_point":
        return f"restore point {human_duration(age)} ago"
    if basis == "cdp_session":
        return f"CDP session {human_duration(age)} ago" if age is not None else "no completed CDP session"
    if basis == "cdp_running":
        return f"CDP replicating (session running for {human_duration(age)})"
    session = f"session {human_duration(age)} ago" if age is not None else "no successful session"
    return f"no restore point; {session}" if _no_point(status) else session


def _no_point(status: Mapping[str, Any]) -> bool:
    """Whether restore points were read and the VM has none in them."""
    return status["restore_points"] is not None and status["last_point_time"] is None


def _failed(status: Mapping[str, Any]) -> str:
    if status["last_result"] != "Failed":  # only its CDP sessions failed (_findings)
        reason = (status.get("cdp") or {}).get("last_reason")
        return f"last CDP result Failed: {reason}" if reason else "last CDP result Failed"
    count = status["consecutive_failures"]
    latest = status["latest_session"]
    # The reason belongs to the latest session only; while a new one runs, it is not known here.
    reason = latest.get("reason") if latest.get("result") == "Failed" else ""
    text = f"last result Failed ({count} consecutive failure{'s' if count != 1 else ''})"
    return f"{text}: {reason}" if reason else text


def _warning(status: Mapping[str, Any]) -> str:
    if status["last_result"] != "Warning":  # only its CDP sessions warned (_findings)
        reason = (status.get("cdp") or {}).get("last_reason")
        return f"last CDP result Warning: {reason}" if reason else "last CDP result Warning"
    latest = status["latest_session"]
    reason = latest.get("reason") if latest.get("result") == "Warning" else ""
    return f"last result Warning: {reason}" if reason else "last result Warning"


def _rpo_breach(status: Mapping[str, Any]) -> str:
    """Which evidence breached the RPO: the newest restore point, or (no point in the window,
    or points not read) the last successful session."""
    age, when, rpo = human_duration(status["rpo_age_seconds"]), status["rpo_evidence_time"], human_duration(status["rpo_seconds"])
    if status["rpo_basis"] == "restore_point":
        return f"last restore point {age} ago ({when}), older than the RPO of {rpo}"
    if status["rpo_basis"] in ("cdp_session", "cdp_running"):
        return _cdp_rpo_breach(status, age, when, rpo)
    if not _no_point(status):
        return f"last success {age} ago ({when}), older than the RPO of {rpo}"
    if status["rpo_evidence_time"] is None:
        # Only Warning sessions: with points read, none of them proves a new point.
        return f"no restore point and no Success session in the data, so the RPO of {rpo} is breached"
    return f"no restore point; last successful session {age} ago ({when}), older than the RPO of {rpo}"


def _cdp_rpo_breach(status: Mapping[str, Any], age: str, when: Any, rpo: str) -> str:
    policy = (status.get("cdp") or {}).get("policy_name")
    whose = f"the RPO of {rpo} of CDP policy {policy!r}" if status.get("rpo_source") == "policy" else f"the RPO of {rpo}"
    if when is None:
        return f"no completed CDP session in the data, so {whose} is breached"
    if status["rpo_basis"] == "cdp_running":
        if (status.get("cdp") or {}).get("running_result") == "Failed":
            return f"the running CDP session (since {when}) is marked Failed by Veeam: {whose} is missed"
        return (f"the CDP session running since {when} ({age}) outlasts a policy session (24h) plus {whose}: "
                "Enterprise Manager shows no newer state")
    return f"last CDP session ended {age} ago ({when}), older than {whose}"


def _never_replicated(status: Mapping[str, Any]) -> str:
    job = status["job_name"]
    if not status.get("protection"):
        plans = ", ".join(repr(member["name"]) for member in status.get("failover_plans") or ())
        return f"in failover plan {plans} but no task session, restore point or CDP session in the window"
    if status.get("protection") == ["cdp"]:
        return f"included in CDP policy {job!r} but no CDP session in the window"
    if (status.get("object_type") or "Vm").lower() == "vm":
        return f"included in replication job {job!r} but never replicated in the window (no task session, no restore point)"
    return (f"{status['object_type']} included in replication job {job!r}, which has no task session in the window; "
            "Enterprise Manager does not list the VMs it holds")


def _never_succeeded(status: Mapping[str, Any]) -> str:
    return f"no successful replica in the data ({status['session_count']} sessions)"


def _sla_below_target(status: Mapping[str, Any]) -> str:
    sla = status["sla"]
    gaps = sla.get("gaps") or []
    longest = max((gap["seconds"] for gap in gaps), default=0)
    text = f"within its RPO {sla['percent']}% of the window, below the target of {sla['target']}%"
    return f"{text} ({len(gaps)} gap{'s' if len(gaps) != 1 else ''}, the longest {human_duration(longest)})"


def human_size(size: float | None) -> str:
    """Bytes as '1.5 GiB', '12 MiB' or '900 B'; 'n/a' for None."""
    if size is None:
        return "n/a"
    for unit, scale in (("TiB", 1024 ** 4), ("GiB", 1024 ** 3), ("MiB", 1024 ** 2), ("KiB", 1024)):
        if abs(size) >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{int(size)} B"


def _anomaly(kind: str, verb: str, shown: Callable[[Any], str]) -> Callable[[Mapping[str, Any]], str]:
    def explain(status: Mapping[str, Any]) -> str:
        latest = [anomaly for anomaly in status["anomalies"] if anomaly["kind"] == kind][-1]
        return (f"the run of {latest['creation_time']} {verb} {shown(latest['value'])}, outside its usual "
                f"{shown(latest['usual_low'])} to {shown(latest['usual_high'])}")
    return explain


def _waiver_expired(status: Mapping[str, Any]) -> str:
    return "a waiver expired"  # apply_waivers words the expired waiver in the message itself


EXPLAIN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "sla_below_target": _sla_below_target,
    "duration_anomaly": _anomaly("duration_anomaly", "took", human_duration),
    "size_anomaly": _anomaly("size_anomaly", "transferred", human_size),
    "waiver_expired": _waiver_expired,
    "never_replicated": _never_replicated,
    "never_succeeded": _never_succeeded,
    "rpo_breach": _rpo_breach,
    "failed": _failed,
    "warning": _warning,
}


def findings_message(status: Mapping[str, Any], findings: Sequence[str]) -> str:
    """The findings of a status in one line, '; '-separated, worst first; '' when there are none."""
    # Never succeeded (or replicated) already says why the RPO is breached.
    explained = [finding for finding in findings
                 if not (finding == "rpo_breach" and ("never_succeeded" in findings or "never_replicated" in findings))]
    return "; ".join(EXPLAIN[finding](status) for finding in explained)
