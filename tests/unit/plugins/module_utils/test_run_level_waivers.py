"""Waivers that reach past a VM's own findings (issue 28): a VM whose finding is waived no longer holds
its failover plan back, a held-back plan (failover_plan_not_ready) and a name that matches nothing
(not_found) are waived at run level, an expired waiver gives the failure back, and a waiver used at run
level is not stale. Expected values are worked out by hand from the documented rules (active while
starts <= now < expires; a bare date holds through that day UTC)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import judge_records, read_criteria
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plans import hold_back, judge_plans, waived_reasons
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._summary import compliance_summary
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.test_failover_plan_verdict import JOBS, RECORDS, plan

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
WITH_PLANS = ["rpo_breach", "failed", "never_succeeded", "failover_plan_not_ready", "not_found"]


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "waivers.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- hold_back: each reason and the finding it rests on ------------------------------------------------

def status(findings: list[str], waived: list[str], **flags: Any) -> dict[str, Any]:
    """A judged status with only what hold_back reads."""
    return {"findings": findings, "waived_findings": waived, "never_replicated": False, "never_succeeded": False,
            "rpo_breached": "rpo_breach" in findings, **flags}


@pytest.mark.parametrize("given, holding, waived", [
    # stale rests on rpo_breach
    (status(["rpo_breach"], ["rpo_breach"]), [], ["stale"]),
    (status(["rpo_breach"], []), ["stale"], []),
    # failed rests on failed; waiving rpo_breach alone leaves it
    (status(["rpo_breach", "failed"], ["rpo_breach"]), ["failed"], ["stale"]),
    (status(["failed"], ["failed"]), [], ["failed"]),
    # no_replica rests on never_succeeded, or on never_replicated: whichever the VM carries
    (status(["never_succeeded", "rpo_breach"], ["never_succeeded", "rpo_breach"], never_succeeded=True),
     [], ["no_replica", "stale"]),
    (status(["never_replicated"], ["never_replicated"], never_replicated=True, never_succeeded=True),
     [], ["no_replica"]),
    # no replica waived, the RPO breach not: the age speaks again (stale, no longer folded into no_replica)
    (status(["never_replicated", "rpo_breach"], ["never_replicated"], never_replicated=True), ["stale"], ["no_replica"]),
    # the breach waived, no replica not: no_replica holds it, and says more than stale
    (status(["never_replicated", "rpo_breach"], ["rpo_breach"], never_replicated=True), ["no_replica"], []),
    # a disabled job rests on no finding: nothing waives it
    (status([], ["rpo_breach", "failed"], job_schedule_enabled=False), ["job_disabled"], []),
    (None, ["no_replica"], []),
])
def test_hold_back_leaves_out_the_reasons_an_active_waiver_covers(given, holding, waived):
    assert hold_back(given) == holding
    assert waived_reasons(given) == waived


# --- judge_plans through the one fold, with a waivers file -----------------------------------------------

# The estate of test_failover_plan_verdict (same NOW): erp-db-01 2 h old, erp-web-01 72 h old (stale on 24 h),
# legacy-01 without evidence, erp-mq-01 last Failed, batch-01 in a job whose schedule is disabled.
PLANS = [plan("ERP", "erp-db-01", "erp-web-01", "legacy-01"), plan("Messaging", "erp-mq-01"), plan("Weekend", "batch-01")]

VM_WAIVERS = """waivers:
  - vms: erp-web-01
    findings: [rpo_breach]
    justification: web tier rebuilt
    expires: 2026-12-31
  - vms: legacy-01
    findings: [never_replicated]
    justification: replica being seeded
    expires: 2026-12-31
  - vms: erp-mq-01
    findings: [failed]
    justification: known disk full, fixed Monday
    expires: 2026-12-01
  - vms: batch-01
    justification: weekend job paused
    permanent: true
"""


def plans_by_name(tmp_path: Path, text: str) -> dict[str, dict[str, Any]]:
    statuses = judge_records(RECORDS, NOW, read_criteria(rpo="24h", waivers=write(tmp_path, text)), jobs=JOBS,
                             failover_plans=PLANS)
    return {entry["name"]: entry for entry in judge_plans(PLANS, statuses)}


def test_a_waived_vm_no_longer_holds_its_plan_back_but_its_row_says_so(tmp_path):
    erp = plans_by_name(tmp_path, VM_WAIVERS)["ERP"]
    web = erp["vms"][1]
    assert (web["name"], web["hold_back"], web["waived"]) == ("erp-web-01", [], ["stale"])
    assert [(waiver["entry"], waiver["state"]) for waiver in web["waivers"]] == [(1, "active")]
    # 2026-12-31 holds through that day: it expires at the next midnight.
    assert web["message"] == ("waived, not holding the plan back: stale (waiver 1 (line 2, expires "
                              "2027-01-01T00:00:00Z): web tier rebuilt)")
    # legacy-01 (no evidence: never_replicated and rpo_breach): its no replica waived, its breach not, so stale.
    legacy = erp["vms"][2]
    assert (legacy["hold_back"], legacy["waived"]) == (["stale"], ["no_replica"])
    assert erp["ready"] is False
    assert [(held["order"], held["vm_name"], held["reasons"]) for held in erp["held_back_by"]] == [
        (3, "legacy-01", ["stale"])]
    assert [(entry["order"], entry["vm_name"], entry["reasons"]) for entry in erp["waived_by"]] == [
        (2, "erp-web-01", ["stale"]), (3, "legacy-01", ["no_replica"])]
    assert erp["message"] == ("failover plan 'ERP' is held back by 1 of 3 VMs: legacy-01 (stale); "
                              "waived: erp-web-01 (stale), legacy-01 (no replica)")


def test_a_plan_whose_every_reason_is_waived_is_ready_with_waivers(tmp_path):
    text = VM_WAIVERS.replace("findings: [never_replicated]", "findings: [never_replicated, rpo_breach]")
    erp = plans_by_name(tmp_path, text)["ERP"]
    assert erp["ready"] is True and erp["held_back_by"] == []
    assert erp["message"] == ("failover plan 'ERP' is ready, with waivers: of its 3 VMs, erp-web-01 (stale), "
                              "legacy-01 (no replica, stale) would hold it back but an active waiver covers that")


def test_an_expired_waiver_and_a_disabled_job_still_hold_the_plan_back(tmp_path):
    plans = plans_by_name(tmp_path, VM_WAIVERS)
    # erp-mq-01's waiver expired on 2026-12-01 (at 2026-12-02T00:00Z, before NOW): failed holds Messaging back.
    assert plans["Messaging"]["held_back_by"][0]["reasons"] == ["failed"] and plans["Messaging"]["waived_by"] == []
    # A waiver of every finding cannot lift job_disabled: no finding says a schedule is disabled.
    assert plans["Weekend"]["held_back_by"][0]["reasons"] == ["job_disabled"] and plans["Weekend"]["waived_by"] == []
    # ...so batch-01's row lists no waiver: it waived none of the reasons there.
    (batch,) = plans["Weekend"]["vms"]
    assert (batch["waived"], batch["waivers"]) == ([], [])


# --- failover_plan_not_ready waived at run level -----------------------------------------------------------

VMS = [{"vm_name": "db01", "backup_server_name": "vbr-a", "status": "ok", "failing": False, "findings": []}]


def plan_status(name: str, ready: bool | None, server: str = "vbr-a") -> dict[str, Any]:
    held = [] if ready is not False else [{"order": 2, "vm_name": "web01", "reasons": ["stale"], "message": "stale"}]
    return {"name": name, "backup_server_name": server, "ready": ready, "vms": [], "held_back_by": held,
            "message": f"failover plan {name!r}"}


PLAN_WAIVER = """waivers:
  - failover_plans: erp
    findings: [failover_plan_not_ready]
    justification: DR site rebuilt this month
    expires: {expires}
"""


def summary_with(tmp_path: Path, text: str, plans: list[dict[str, Any]] | None = None,
                 not_found: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return compliance_summary(VMS, not_found=not_found, fail_on=WITH_PLANS, failover_plans=plans,
                              waivers=write(tmp_path, text), now="2026-12-07T12:00:00Z")


def test_an_active_plan_waiver_keeps_the_held_back_plan_from_failing_the_run(tmp_path):
    summary = summary_with(tmp_path, PLAN_WAIVER.format(expires="2026-12-31"), [plan_status("erp", False)])
    (erp,) = summary["failover_plans"]
    assert (erp["ready"], erp["waived"], erp["waiver_expired"]) == (False, True, False)
    assert [(waiver["entry"], waiver["line"], waiver["state"], waiver["justification"]) for waiver in erp["waivers"]] == [
        (1, 2, "active", "DR site rebuilt this month")]
    assert summary["passed"] is True and summary["failover_plans_failing"] == []
    assert (summary["counts"]["failover_plans_held_back"], summary["counts"]["failover_plans_waived"]) == (1, 1)
    suite = summary["junit"]["failover_plans"]
    assert (suite["failures"], suite["cases"][0]["failure_type"], suite["cases"][0]["waived"]) == (0, None, True)
    assert summary["stale_waivers"] == []


def test_a_waiver_of_one_servers_plan_leaves_its_namesake_on_another_server_failing(tmp_path):
    # Two held-back plans named erp, on vbr-a and vbr-b; the waiver names backup_servers vbr-a: only that
    # one is waived. Each plan says whether it fails, as a name alone cannot tell them apart.
    text = PLAN_WAIVER.format(expires="2026-12-31") + "    backup_servers: vbr-a\n"
    summary = summary_with(tmp_path, text, [plan_status("erp", False, "vbr-a"), plan_status("erp", False, "vbr-b")])
    by_server = {plan["backup_server_name"]: plan for plan in summary["failover_plans"]}
    assert [(by_server[server]["waived"], by_server[server]["failing"]) for server in ("vbr-a", "vbr-b")] == [
        (True, False), (False, True)]
    assert summary["passed"] is False and summary["failover_plans_failing"] == ["erp"]
    assert summary["junit"]["failover_plans"]["failures"] == 1


def test_an_expired_plan_waiver_gives_the_failure_back_and_says_so(tmp_path):
    summary = summary_with(tmp_path, PLAN_WAIVER.format(expires="2026-12-01"), [plan_status("erp", False)])
    (erp,) = summary["failover_plans"]
    assert (erp["waived"], erp["waiver_expired"], erp["waivers"][0]["state"]) == (False, True, "expired")
    assert erp["message"] == ("failover plan 'erp'; waiver 1 (line 2) expired at 2026-12-02T00:00:00Z, so "
                              "failover_plan_not_ready counts again; it said: DR site rebuilt this month")
    assert summary["passed"] is False and summary["failover_plans_failing"] == ["erp"]


@pytest.mark.parametrize("selectors", [
    "failover_plans: ERP",  # names match case-sensitively
    "failover_plans: erp\n    backup_servers: vbr-b",  # the plan is on vbr-a
    "failover_plans: erp\n    vms: web01",  # a waiver that gives vms selects VMs, not a plan
    "backup_servers: vbr-a",  # no failover_plans selector: not a plan waiver
])
def test_a_plan_waiver_that_does_not_match_leaves_the_plan_failing_and_is_stale(tmp_path, selectors):
    text = f"waivers:\n  - {selectors}\n    justification: DR site rebuilt this month\n    expires: 2026-12-31\n"
    summary = summary_with(tmp_path, text, [plan_status("erp", False)])
    assert summary["failover_plans"][0]["waived"] is False and summary["failover_plans"][0]["waivers"] == []
    assert summary["passed"] is False and summary["failover_plans_failing"] == ["erp"]
    assert [waiver["entry"] for waiver in summary["stale_waivers"]] == [1]


def test_a_waiver_of_every_finding_waives_the_plan_and_one_of_other_findings_does_not(tmp_path):
    every = "waivers:\n  - failover_plans: erp\n    justification: DR rebuild\n    permanent: true\n"
    assert summary_with(tmp_path, every, [plan_status("erp", False)])["failover_plans"][0]["waived"] is True
    other = every.replace("    permanent", "    findings: [rpo_breach]\n    permanent")
    summary = summary_with(tmp_path, other, [plan_status("erp", False)])
    assert summary["failover_plans"][0]["waived"] is False and summary["passed"] is False


def test_a_plan_waiver_matching_a_ready_plan_waives_nothing_and_is_not_stale(tmp_path):
    summary = summary_with(tmp_path, PLAN_WAIVER.format(expires="2026-12-31"), [plan_status("erp", True)])
    (erp,) = summary["failover_plans"]
    assert (erp["waived"], [waiver["state"] for waiver in erp["waivers"]]) == (False, ["active"])
    assert summary["counts"]["failover_plans_waived"] == 0 and summary["stale_waivers"] == []


def test_a_plan_waiver_not_started_neither_waives_nor_gives_back(tmp_path):
    text = PLAN_WAIVER.format(expires="2026-12-31") + "    starts: 2026-12-20T00:00:00Z\n"
    (erp,) = summary_with(tmp_path, text, [plan_status("erp", False)])["failover_plans"]
    assert (erp["waived"], erp["waiver_expired"], erp["waivers"][0]["state"]) == (False, False, "not_started")
    assert erp["message"] == "failover plan 'erp'"


# --- not_found waived at run level ---------------------------------------------------------------------------

DECOM = {"kind": "vm", "name": "decom-01", "message": "VM 'decom-01' matches nothing"}
OLD_JOB = {"kind": "job", "name": "Old Replica", "message": "replication job 'Old Replica' matches nothing"}
NOT_FOUND_WAIVER = """waivers:
  - vms: decom-*
    findings: [not_found]
    justification: decommissioned, removed from the estate
    expires: {expires}
"""


def test_an_active_not_found_waiver_keeps_the_name_from_failing_the_run_and_is_not_stale(tmp_path):
    summary = summary_with(tmp_path, NOT_FOUND_WAIVER.format(expires="2026-12-31"), not_found=[DECOM, OLD_JOB])
    decom, old = summary["not_found"]
    assert (decom["name"], decom["waived"], [waiver["state"] for waiver in decom["waivers"]]) == (
        "decom-01", True, ["active"])
    # vms: decom-* selects VM names, not a job's.
    assert (old["name"], old["waived"], old["waivers"]) == ("Old Replica", False, [])
    assert summary["passed"] is False and summary["fails_on_not_found"] is True
    assert (summary["counts"]["not_found"], summary["counts"]["not_found_waived"]) == (2, 1)
    # 2 names: the waived one passes, the other fails; 1 VM case passes.
    scope = summary["junit"]["scope"]
    assert (scope["tests"], scope["failures"], scope["skipped"]) == (2, 1, 0)
    assert summary["stale_waivers"] == []


def test_every_name_waived_passes_the_run(tmp_path):
    text = NOT_FOUND_WAIVER.format(expires="2026-12-31") + (
        "  - jobs: [Old Replica]\n    findings: [not_found]\n    justification: job deleted\n    permanent: true\n")
    summary = summary_with(tmp_path, text, not_found=[DECOM, OLD_JOB])
    assert [entry["waived"] for entry in summary["not_found"]] == [True, True]
    assert summary["passed"] is True and summary["fails_on_not_found"] is False
    junit = summary["junit"]
    assert (junit["scope"]["failures"], junit["scope"]["skipped"], junit["tests"], junit["failures"]) == (0, 0, 3, 0)


def test_an_expired_not_found_waiver_gives_the_failure_back(tmp_path):
    summary = summary_with(tmp_path, NOT_FOUND_WAIVER.format(expires="2026-12-06T18:00:00Z"), not_found=[DECOM])
    (decom,) = summary["not_found"]
    assert (decom["waived"], decom["waiver_expired"]) == (False, True)
    assert decom["message"] == ("VM 'decom-01' matches nothing; waiver 1 (line 2) expired at 2026-12-06T18:00:00Z, so "
                                "not_found counts again; it said: decommissioned, removed from the estate")
    assert summary["passed"] is False


def test_only_a_waiver_naming_not_found_waives_a_name(tmp_path):
    # A name that matches nothing is most often a typo: a waiver of every finding of decom-* VMs does not hide it.
    text = "waivers:\n  - vms: decom-*\n    justification: decommissioned\n    permanent: true\n"
    summary = summary_with(tmp_path, text, not_found=[DECOM])
    assert summary["not_found"][0]["waived"] is False and summary["passed"] is False
    assert [waiver["entry"] for waiver in summary["stale_waivers"]] == [1]


def test_a_reports_second_call_without_the_file_keeps_the_waived_state():
    # The HTML and JUnit templates sum up the result again without the waivers file: what the run waived stays so.
    waived_plan = {**plan_status("erp", False), "waived": True, "waivers": []}
    waived_name = {**DECOM, "waived": True, "waivers": []}
    summary = compliance_summary(VMS, not_found=[waived_name], fail_on=WITH_PLANS, failover_plans=[waived_plan])
    assert summary["passed"] is True and summary["failover_plans_failing"] == []
    assert summary["junit"]["failures"] == 0
