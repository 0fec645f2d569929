"""Failover plans judged as units on the statuses of the one fold: ready, and each kind of VM
that holds a plan back, in the plan's order."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import judge_records, read_criteria
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plans import judge_plans

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


def session(vm: str, hours_ago: float, result: str = "Success", job: str = "ERP Replica") -> dict[str, Any]:
    created = (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"id": f"{vm}-{hours_ago}", "vm_name": vm, "backup_server_id": "s1", "backup_server_name": "vbr1",
            "job_name": job, "state": "Completed", "result": result, "reason": "disk full" if result == "Failed" else "",
            "creation_time": created, "end_time": None, "duration_seconds": None, "total_size": 1}


def plan(name: str, *vms: str) -> dict[str, Any]:
    # Listed out of order on purpose: the record gives the order, as EM's Order does.
    return {"id": f"id-{name}", "name": name, "description": "", "backup_server_id": "s1", "backup_server_name": "vbr1",
            "vms": [{"order": index + 1, "name": vm, "display_name": vm} for index, vm in enumerate(vms)]}


def job(name: str, enabled: bool) -> dict[str, Any]:
    return {"id": f"job-{name}", "name": name, "backup_server_id": "s1", "backup_server_name": "vbr1",
            "schedule_configured": True, "schedule_enabled": enabled, "next_run": None, "includes": []}


RECORDS = [session("erp-db-01", 2), session("erp-web-01", 72), session("erp-mq-01", 3),
           session("erp-mq-01", 1, "Failed"), session("batch-01", 2, job="Batch Replica")]
PLANS = [plan("ERP", "erp-db-01", "erp-web-01", "legacy-01"), plan("ERP ready", "erp-db-01"),
         plan("Messaging", "erp-mq-01"), plan("Weekend", "batch-01")]
JOBS = [job("ERP Replica", True), job("Batch Replica", False)]


def statuses() -> list[dict[str, Any]]:
    return judge_records(RECORDS, NOW, read_criteria(rpo="24h"), jobs=JOBS, failover_plans=PLANS)


def test_each_plan_ready_or_held_back_by_the_vms_that_hold_it():
    plans = {entry["name"]: entry for entry in judge_plans(PLANS, statuses())}
    assert plans["ERP ready"]["ready"] is True and plans["ERP ready"]["held_back_by"] == []
    erp = plans["ERP"]
    assert erp["ready"] is False
    assert [(held["order"], held["vm_name"], held["reasons"]) for held in erp["held_back_by"]] == [
        (2, "erp-web-01", ["stale"]), (3, "legacy-01", ["no_replica"])]
    assert [vm["name"] for vm in erp["vms"]] == ["erp-db-01", "erp-web-01", "legacy-01"]
    assert plans["Messaging"]["held_back_by"][0]["reasons"] == ["failed"]
    assert plans["Weekend"]["held_back_by"][0]["reasons"] == ["job_disabled"]
    assert plans["Weekend"]["held_back_by"][0]["message"] == (
        "job disabled: the schedule of 'Batch Replica' is disabled, so no new restore point will come")
    assert erp["message"] == ("failover plan 'ERP' is held back by 2 of 3 VMs: erp-web-01 (stale), "
                              "legacy-01 (no replica)")


def test_a_plan_vm_without_evidence_is_a_status_of_its_own_with_its_plans():
    by_name = {status["vm_name"]: status for status in statuses()}
    legacy = by_name["legacy-01"]
    assert legacy["findings"] == ["never_replicated", "rpo_breach"] and legacy["protection"] == []
    assert legacy["failover_plans"] == [{"name": "ERP", "order": 3}]
    assert legacy["message"] == "in failover plan 'ERP' but no task session, restore point or CDP session in the window"
    assert by_name["erp-db-01"]["failover_plans"] == [{"name": "ERP", "order": 1}, {"name": "ERP ready", "order": 1}]


def test_readiness_is_not_judged_without_evidence():
    (entry,) = judge_plans([plan("ERP", "erp-db-01")], None)
    assert entry["ready"] is None and entry["held_back_by"] == []
    assert "readiness not judged" in entry["message"]
