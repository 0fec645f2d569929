"""CDP evidence in the one fold: the SLA share and largest delay worked out by hand, the RPO a
CDP VM is judged on (its policy's, an explicit override, or the general one without the
policy), and a VM with both kinds of evidence as one status."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._cdp import CdpFold, sla
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import (
    judge_records,
    read_criteria,
    replica_statuses,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
T0 = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)


def at(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def cdp_session(vm: str, ended_minutes_ago: float | None, result: str | None = "Success", policy: str = "CDP Gold",
                state: str = "Completed", length_minutes: float = 1.0, reason: str = "") -> dict[str, Any]:
    """A cdp_task_session_record; ended_minutes_ago None: still running, begun 2 minutes ago."""
    begun = (ended_minutes_ago if ended_minutes_ago is not None else 1.0) + length_minutes
    return {"id": f"{vm}-{ended_minutes_ago}", "name": f"{vm}@x", "vm_name": vm, "policy_name": policy,
            "policy_session_id": "p1", "backup_server_id": "s1", "backup_server_name": "vbr1", "state": state,
            "result": result, "reason": reason, "total_size": 10, "creation_time": at(begun),
            "end_time": at(ended_minutes_ago) if ended_minutes_ago is not None else None, "duration_seconds": None}


def policy(name: str = "CDP Gold", rpo_seconds: int | None = 900, vms: tuple[str, ...] = ("cdp-db-01",),
           enabled: bool = True) -> dict[str, Any]:
    return {"id": f"id-{name}", "name": name, "backup_server_id": "s1", "backup_server_name": "vbr1",
            "schedule_configured": True, "schedule_enabled": enabled, "next_run": None, "rpo_seconds": rpo_seconds,
            "warning_after_seconds": 300, "failed_after_seconds": 600,
            "includes": [{"name": vm, "display_name": vm, "object_type": "Vm", "order": 1} for vm in vms]}


def replica_session(vm: str, hours_ago: float, result: str = "Success", job: str = "ERP Replica") -> dict[str, Any]:
    created = (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"id": f"{vm}-{hours_ago}", "vm_name": vm, "backup_server_id": "s1", "backup_server_name": "vbr1",
            "job_name": job, "state": "Completed", "result": result, "reason": "", "creation_time": created,
            "end_time": None, "duration_seconds": None, "total_size": 1}


def judged(cdp: list, policies: list | None, records: list | None = None, **criteria: Any) -> dict[str, dict]:
    statuses = judge_records(records or [], NOW, read_criteria(**criteria), cdp_sessions=cdp, cdp_policies=policies)
    return {status["vm_name"]: status for status in statuses}


def window(*sessions: tuple[int, int, str]) -> list[list]:
    """[creation, end, result] entries, from (begun, ended) minutes after T0."""
    return [[(T0 + timedelta(minutes=begun)).strftime("%Y-%m-%dT%H:%M:%SZ"),
             (T0 + timedelta(minutes=ended)).strftime("%Y-%m-%dT%H:%M:%SZ"), result] for begun, ended, result in sessions]


def test_sla_share_and_largest_delay_by_hand():
    # RPO 15 min. Back-to-back sessions (long ones, as Veeam's examples show) meet it; one begun
    # 30 min after the previous end is 15 min late; a Warning (VBR: RPO missed past the warning
    # threshold) and a Failed one do not meet it whatever their gap.
    completed = window((0, 60, "Success"), (60, 120, "Success"), (150, 180, "Success"),
                       (180, 200, "Warning"), (200, 210, "Failed"), (215, 230, "Success"))
    # met: 1st (first of the window), 2nd (gap 0), 6th (gap 5 min) -> 3 of 6 = 50.0 %; the 3rd's
    # gap is 30 min - 15 min = 900 s late.
    assert sla(completed, 900) == {"sessions_within_rpo": 3, "sla_percent": 50.0, "max_delay_seconds": 900.0}
    assert sla(completed, None) == {"sessions_within_rpo": None, "sla_percent": None, "max_delay_seconds": None}
    assert sla([], 900)["sla_percent"] is None


def test_a_gap_of_exactly_the_rpo_still_meets_it():
    # Short syncs every 15 min, each 4 s: the gap before the second is 14 min 56 s; at RPO 896 s it
    # is exactly the RPO, one second less and it is 1 s late.
    completed = [["2026-12-07T10:00:00Z", "2026-12-07T10:00:04Z", "Success"],
                 ["2026-12-07T10:15:00Z", "2026-12-07T10:15:04Z", "Success"]]
    assert sla(completed, 896) == {"sessions_within_rpo": 2, "sla_percent": 100.0, "max_delay_seconds": 0.0}
    assert sla(completed, 895)["sessions_within_rpo"] == 1 and sla(completed, 895)["max_delay_seconds"] == 1.0


def test_running_session_is_newest_but_proves_nothing():
    fold = CdpFold()
    for record in (cdp_session("vm", 30), cdp_session("vm", 10, "Failed", reason="RPO is not met"),
                   cdp_session("vm", None, "Success", state="InProgress")):
        fold.add(record)
    vm = fold.summaries()[("s1", "vm")]
    assert vm["last_session"]["state"] == "InProgress" and vm["last_session"]["result"] is None
    assert vm["last_result"] == "Failed" and vm["last_reason"] == "RPO is not met"
    assert vm["last_completed_time"] == at(30)  # the failed one is no state replicated
    assert vm["sessions"] == 3 and [result for _begun, _end, result in vm["completed"]] == ["Success", "Failed"]
    assert vm["running_since"] == at(2) and vm["running_result"] == "Success"  # begun 1 + 1 minutes ago


def test_a_running_cdp_session_holds_the_rpo_until_vbr_marks_it_or_it_outlasts_a_policy_session():
    # Veeam's examples: a task session runs until the next long-term point (8 h there).
    running = cdp_session("cdp-db-01", None, "Success", state="InProgress", length_minutes=8 * 60 - 1)
    vm = judged([cdp_session("cdp-db-01", 8 * 60), running], [policy()], rpo="24h")["cdp-db-01"]
    assert (vm["rpo_basis"], vm["rpo_age_seconds"], vm["rpo_breached"]) == ("cdp_running", 8 * 3600, False)
    assert vm["rpo_used_percent"] is None and vm["rpo_evidence_text"] == "CDP replicating (session running for 8h)"
    marked = judged([cdp_session("cdp-db-01", 8 * 60), {**running, "result": "Failed"}], [policy()], rpo="24h")["cdp-db-01"]
    assert marked["rpo_breached"] is True and "failed" in marked["findings"]
    assert marked["message"].startswith("the running CDP session (since 2026-12-07T04:00:00Z) is marked Failed by Veeam")
    # 24 h + 15 min is the longest a running session can hold the RPO; one minute more is a breach.
    limit = cdp_session("cdp-db-01", None, None, state="InProgress", length_minutes=24 * 60 + 15 - 1)
    assert judged([limit], [policy()])["cdp-db-01"]["rpo_breached"] is False
    stuck = cdp_session("cdp-db-01", None, None, state="InProgress", length_minutes=24 * 60 + 16 - 1)
    assert judged([stuck], [policy()])["cdp-db-01"]["rpo_breached"] is True


def test_a_new_cdp_vm_whose_first_session_runs_has_not_never_succeeded():
    first = cdp_session("cdp-db-01", None, "Success", state="InProgress", length_minutes=59)
    vm = judged([first], [policy()], rpo="24h")["cdp-db-01"]
    assert (vm["never_succeeded"], vm["rpo_breached"], vm["findings"]) == (False, False, [])
    marked = judged([{**first, "result": "Failed"}], [policy()], rpo="24h")["cdp-db-01"]
    assert marked["never_succeeded"] is True and marked["failing"] is True


def test_a_cdp_vm_is_judged_on_its_policy_rpo_by_default():
    vm = judged([cdp_session("cdp-db-01", 5)], [policy()], rpo="24h")["cdp-db-01"]
    assert vm["protection"] == ["cdp"] and vm["job_name"] == "CDP Gold" and vm["rpo_source"] == "policy"
    assert vm["rpo_seconds"] == 900 and vm["rpo_basis"] == "cdp_session" and vm["rpo_age_seconds"] == 300
    assert vm["rpo_breached"] is False and vm["status"] == "ok"
    assert vm["cdp"]["policy_rpo_seconds"] == 900 and vm["cdp"]["failed_after_seconds"] == 600
    assert vm["cdp"]["sla_percent"] == 100.0 and vm["cdp"]["running_since"] is None


def test_a_breached_cdp_vm_says_whose_rpo():
    vm = judged([cdp_session("cdp-db-01", 120)], [policy()], rpo="24h")["cdp-db-01"]
    assert vm["rpo_breached"] is True and vm["findings"] == ["rpo_breach"]
    assert vm["message"] == ("last CDP session ended 2h ago (2026-12-07T10:00:00Z), older than the RPO of 15m of "
                             "CDP policy 'CDP Gold'")


def test_an_explicit_override_wins_over_the_policy():
    sessions, policies = [cdp_session("cdp-db-01", 5)], [policy()]
    by_pattern = judged(sessions, policies, rpo="24h", rpo_by_job={"CDP G*": "1m"})["cdp-db-01"]
    assert (by_pattern["rpo_seconds"], by_pattern["rpo_source"], by_pattern["rpo_breached"]) == (60, "option", True)
    general = judged(sessions, policies, rpo="2m", cdp_rpo_source="option")["cdp-db-01"]
    assert (general["rpo_seconds"], general["rpo_source"], general["rpo_breached"]) == (120, "option", True)


def test_without_the_policy_the_general_rpo_applies():
    vm = judged([cdp_session("cdp-db-01", 5)], None, rpo="4h")["cdp-db-01"]
    assert (vm["rpo_seconds"], vm["rpo_source"]) == (4 * 3600, "option")
    assert vm["cdp"]["policy_rpo_seconds"] is None and vm["job_name"] == "CDP Gold"
    assert judged([cdp_session("cdp-db-01", 5)], None)["cdp-db-01"]["rpo_source"] is None


def test_a_vm_with_both_kinds_of_evidence_is_one_status():
    records = [replica_session("erp-app-01", 20)]
    fresh = judged([cdp_session("erp-app-01", 5)], [policy(vms=("erp-app-01",))], records, rpo="24h")
    assert list(fresh) == ["erp-app-01"]
    vm = fresh["erp-app-01"]
    assert vm["protection"] == ["cdp", "replica"] and vm["job_name"] == "ERP Replica"
    assert (vm["rpo_basis"], vm["rpo_age_seconds"], vm["rpo_seconds"], vm["rpo_breached"]) == ("cdp_session", 300, 900, False)
    stale = judged([cdp_session("erp-app-01", 120)], [policy(vms=("erp-app-01",))], records, rpo="24h")["erp-app-01"]
    assert (stale["rpo_basis"], stale["rpo_age_seconds"], stale["rpo_breached"]) == ("cdp_session", 7200, True)


def test_a_failed_cdp_run_is_a_failed_finding_on_a_replicated_vm():
    records = [replica_session("erp-app-01", 1)]
    vm = judged([cdp_session("erp-app-01", 3, "Failed", reason="Target unavailable")], [policy(vms=("erp-app-01",))],
                records, rpo="24h")["erp-app-01"]
    assert vm["last_result"] == "Success" and "failed" in vm["findings"]
    assert "last CDP result Failed: Target unavailable" in vm["message"]


def test_a_policy_vm_without_a_session_is_never_replicated():
    vm = judged([], [policy(vms=("cdp-db-01", "cdp-new-01"))], rpo="24h")["cdp-new-01"]
    assert vm["findings"] == ["never_replicated", "rpo_breach"] and vm["protection"] == ["cdp"]
    assert vm["message"] == "included in CDP policy 'CDP Gold' but no CDP session in the window"


def test_a_disabled_policy_is_the_vm_job_schedule():
    vm = judged([cdp_session("cdp-db-01", 5)], [policy(enabled=False)], rpo="24h")["cdp-db-01"]
    assert vm["job_schedule_enabled"] is False and vm["cdp"]["policy_enabled"] is False


def test_the_filter_refuses_a_bad_cdp_rpo_source_and_bad_records():
    with pytest.raises(ConfigurationError, match="cdp_rpo_source must be one of policy, option, not 'both'"):
        replica_statuses([], cdp_rpo_source="both")
    with pytest.raises(ConfigurationError, match="^cdp_sessions: expects a list of CDP task session records"):
        replica_statuses([], cdp_sessions="x")


def test_a_folder_a_cdp_policy_includes_is_no_vm():
    includes = [{"name": "ProdFolder", "object_type": "Folder"}, {"name": "cdp-db-01", "object_type": "Vm"}]
    folder = {**policy(vms=("cdp-db-01",)), "includes": includes}
    assert list(judged([cdp_session("cdp-db-01", 5)], [folder], rpo="24h")) == ["cdp-db-01"]


def test_a_policy_rpo_of_zero_is_no_rpo():
    # Both RPO elements 0: the general RPO applies (15 min), not 0 s, which every VM would breach.
    vm = judged([cdp_session("cdp-db-01", 5)], [policy(rpo_seconds=0)], rpo="15m")["cdp-db-01"]
    assert (vm["rpo_seconds"], vm["rpo_source"], vm["rpo_breached"]) == (900, "option", False)


def test_newer_replica_evidence_wins_over_a_running_cdp_session_marked_failed():
    # A replica point 12 min ago, and a CDP session running for 2 h that VBR marks Failed: judged on 4 h,
    # the replica holds the RPO; without the newer replica the Failed mark breaches it.
    records = [replica_session("erp-app-01", 0.2)]
    running = {**cdp_session("erp-app-01", None, "Failed", state="InProgress", length_minutes=119),
               "running_result": "Failed"}
    vm = judged([running], [policy(vms=("erp-app-01",))], records, rpo="4h", cdp_rpo_source="option")["erp-app-01"]
    assert (vm["rpo_basis"], vm["rpo_age_seconds"], vm["rpo_breached"]) == ("session", 720, False)
    alone = judged([running], [policy(vms=("erp-app-01",))], rpo="4h", cdp_rpo_source="option")["erp-app-01"]
    assert (alone["rpo_basis"], alone["rpo_breached"]) == ("cdp_running", True)
