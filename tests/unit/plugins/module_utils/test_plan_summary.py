"""A run's failover plans in its summary (issue 27): the plans asked for, the names no plan has, held back
first, counted, a JUnit suite of their own, and failover_plan_not_ready failing the run on a plan held back."""
from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plan_summary import read_plan_names, select_plans
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._summary import compliance_summary

DEFAULT_WITH_PLANS = ["rpo_breach", "failed", "never_succeeded", "failover_plan_not_ready", "not_found"]


def plan(name: str, ready: bool | None, server: str = "vbr-a") -> dict[str, Any]:
    """A plan status as judge_plans gives one, with only what the summary reads."""
    held = [] if ready is not False else [{"order": 2, "vm_name": "web01", "reasons": ["stale"], "message": "stale"}]
    return {"name": name, "backup_server_name": server, "ready": ready, "vms": [], "held_back_by": held,
            "message": f"failover plan {name!r}"}


VMS = [{"vm_name": "db01", "backup_server_name": "vbr-a", "status": "ok", "failing": False, "findings": []}]
PLANS = [plan("ERP ready", True), plan("erp", False), plan("Batch", None), plan("ERP", False, "vbr-b")]


def test_held_back_first_then_not_judged_then_ready_each_by_name_ignoring_case():
    summary = compliance_summary(VMS, fail_on=DEFAULT_WITH_PLANS, failover_plans=PLANS)
    assert [(item["name"], item["backup_server_name"]) for item in summary["failover_plans"]] == [
        ("erp", "vbr-a"), ("ERP", "vbr-b"), ("Batch", "vbr-a"), ("ERP ready", "vbr-a")]
    assert {key: summary["counts"][key] for key in summary["counts"] if key.startswith("failover_plans")} == {
        "failover_plans": 4, "failover_plans_ready": 1, "failover_plans_held_back": 2, "failover_plans_not_judged": 1,
        "failover_plans_waived": 0}


def test_a_plan_held_back_fails_the_run_only_with_failover_plan_not_ready():
    failing = compliance_summary(VMS, fail_on=DEFAULT_WITH_PLANS, failover_plans=PLANS)
    assert failing["passed"] is False and failing["failover_plans_failing"] == ["erp", "ERP"]
    reported = compliance_summary(VMS, fail_on=["rpo_breach"], failover_plans=PLANS)
    assert reported["passed"] is True and reported["failover_plans_failing"] == []


def test_a_plan_not_judged_neither_fails_nor_counts_as_ready():
    summary = compliance_summary(VMS, fail_on=DEFAULT_WITH_PLANS, failover_plans=[plan("Batch", None)])
    assert summary["passed"] is True and summary["counts"]["failover_plans_ready"] == 0
    assert summary["junit"]["failover_plans"] == {
        "tests": 1, "failures": 0, "skipped": 1,
        "cases": [{"plan": summary["failover_plans"][0], "failure_type": None, "skipped": True, "waived": False}]}


def test_junit_one_case_per_plan_counted_in_the_totals():
    junit = compliance_summary(VMS, fail_on=DEFAULT_WITH_PLANS, failover_plans=PLANS)["junit"]
    # 1 VM case; 4 plan cases: 2 failing, 1 skipped (not judged), 1 passing.
    assert (junit["tests"], junit["failures"], junit["skipped"]) == (5, 2, 1)
    assert [case["failure_type"] for case in junit["failover_plans"]["cases"]] == [
        "failover_plan_not_ready", "failover_plan_not_ready", None, None]


def test_plans_not_read_add_no_count_no_suite_and_no_row():
    summary = compliance_summary(VMS, failover_plans=None, failover_plan_names=["ERP"])
    assert summary["failover_plans"] is None and "failover_plans" not in summary["counts"]
    assert "failover_plans" not in summary["junit"] and summary["not_found"] == []


def test_names_keep_their_plans_and_a_name_no_plan_has_is_not_found():
    summary = compliance_summary(VMS, fail_on=DEFAULT_WITH_PLANS, failover_plans=PLANS,
                                 failover_plan_names=["ERP ready", "Erp ready"])
    assert [item["name"] for item in summary["failover_plans"]] == ["ERP ready"]
    assert summary["not_found"] == [{
        "kind": "failover_plan", "name": "Erp ready",
        "message": "failover plan 'Erp ready' matches no failover plan Enterprise Manager returned "
                   "(the plans: 'Batch', 'ERP', 'erp', 'ERP ready')",
        # No waivers file: nothing waived, and the keys every report reads are there.
        "waived": False, "waivers": [], "waiver_expired": False}]
    assert summary["passed"] is False and summary["fails_on_not_found"] is True
    assert summary["counts"]["not_found"] == 1 and summary["junit"]["scope"]["failures"] == 1


def test_a_plan_name_matches_exactly_on_every_backup_server():
    chosen, missing = select_plans(PLANS, ("ERP",))
    assert [(item["name"], item["backup_server_name"]) for item in chosen] == [("ERP", "vbr-b")] and missing == []


@pytest.mark.parametrize(("value", "names"), [
    (None, ()), ("", ()), ([], ()), ("all", None), (["all"], None), ("ERP", ("ERP",)), (["ERP", "all"], ("ERP", "all")),
])
def test_plan_names_all_none_or_the_names(value, names):
    assert read_plan_names(value) == names


def test_plan_names_that_are_not_names_are_refused_naming_the_variable():
    with pytest.raises(ConfigurationError, match=r"^replica_compliance_failover_plans must be a list of failover plan "
                                                 r"names, or all, not \{'name': 'ERP'\}$"):
        read_plan_names({"name": "ERP"}, "replica_compliance_")


def test_fail_on_takes_failover_plan_not_ready_and_says_so_among_the_choices():
    with pytest.raises(ConfigurationError, match="choose from .*, waiver_expired, failover_plan_not_ready, not_found$"):
        compliance_summary(VMS, fail_on=["late"])
