# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""cdp_policy_info's and failover_plan_info's bodies through run_info_module, against the
simulator over HTTPS on issue 27's hand-made estate (tests/em_simulator/fixtures/cdp_and_plans.json,
judged at its _now, 2026-11-20T12:00:00Z; every expected value is from its _comment), with each
EM role; and replica_evidence_info reading CDP and plans beside the task sessions."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _gather, _module, _protection_info
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.test_logout_and_services import (
    FakeModule,
    _Exit,
    module_params,
)
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.protection_estate import PORTAL_USER, RESTORE_OPERATOR

ESTATE_NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
CDP_WINDOW = {"created_after": "2026-11-19T00:00:00Z"}
PLAN_WINDOW = {"created_after": "2026-11-13T00:00:00Z", "rpo": "24h"}
POLICIES_REFUSED = {"checks": "cdp_policy_rpo", "reason": "no right to read CDP policies"}


@pytest.fixture
def simulator(protection_simulator):
    return protection_simulator


@pytest.fixture(autouse=True)
def estate_now(monkeypatch):
    """Judge at the estate's now: its sessions and points are set relative to it."""
    monkeypatch.setattr(_protection_info, "utc_now", lambda: ESTATE_NOW)


def run(simulator, gather, **params):
    simulator.reset_stats(drop_sessions=True)
    module = FakeModule({**module_params(simulator), **params})
    with pytest.raises(_Exit):
        _module.run_info_module(module, gather)
    return module.result, module.warnings, simulator.snapshot()


def by_vm(statuses):
    return {status["vm_name"]: status for status in statuses}


def test_each_cdp_vm_is_judged_on_its_policys_own_rpo(simulator):
    result, warnings, _counts = run(simulator, _protection_info.gather_cdp_policy_info, **CDP_WINDOW)
    assert warnings == [] and result["not_judged"] == [] and "cdp_task_sessions" not in result
    assert [policy["name"] for policy in result["cdp_policies"]] == ["CDP Gold", "CDP Paused"]
    vms = by_vm(result["cdp_vms"])
    # Gold's RPO is 15 min: cdp-db-01 and erp-app-01 ended 5 min ago, cdp-db-02 2 h ago;
    # Paused's is 5 min and cdp-app-01 ended a day ago.
    assert {name: (vm["rpo_breached"], vm["rpo_seconds"], vm["rpo_source"]) for name, vm in vms.items()} == {
        "cdp-db-01": (False, 900, "policy"), "erp-app-01": (False, 900, "policy"),
        "cdp-db-02": (True, 900, "policy"), "cdp-app-01": (True, 300, "policy"),
    }


def test_include_sessions_returns_the_windows_cdp_task_sessions_and_names_keep_one_policy(simulator):
    result, _warnings, _counts = run(simulator, _protection_info.gather_cdp_policy_info, **CDP_WINDOW,
                                     include_sessions=True)
    assert len(result["cdp_task_sessions"]) == 12  # 4 + 3 + 2 of Gold on the 20th, 3 of Paused on the 19th
    gold, _warnings, _counts = run(simulator, _protection_info.gather_cdp_policy_info, **CDP_WINDOW,
                                   names=["CDP Gold"], include_sessions=True)
    assert [policy["name"] for policy in gold["cdp_policies"]] == ["CDP Gold"]
    assert {session["policy_name"] for session in gold["cdp_task_sessions"]} == {"CDP Gold"}
    assert sorted(by_vm(gold["cdp_vms"])) == ["cdp-db-01", "cdp-db-02", "erp-app-01"]


def test_an_rpo_given_overrides_every_policys(simulator):
    result, _warnings, _counts = run(simulator, _protection_info.gather_cdp_policy_info, **CDP_WINDOW, rpo="3h")
    vms = by_vm(result["cdp_vms"])
    # 3 h: cdp-db-02 (2 h) is within it now, cdp-app-01 (a day) is not.
    assert (vms["cdp-db-02"]["rpo_breached"], vms["cdp-db-02"]["rpo_source"]) == (False, "option")
    assert vms["cdp-app-01"]["rpo_breached"] is True


def test_a_portal_user_gets_cdp_vms_from_the_sessions_judged_on_its_rpo_and_is_told_why(simulator):
    result, warnings, counts = run(simulator, _protection_info.gather_cdp_policy_info, **CDP_WINDOW, **PORTAL_USER,
                                   rpo="1h")
    assert "cdp_policies" not in result and result["not_judged"] == [POLICIES_REFUSED]
    assert len(warnings) == 1 and warnings[0].startswith("reading CDP policies needs the Portal Administrator role")
    vms = by_vm(result["cdp_vms"])
    # 1 h: cdp-db-01 (5 min) within, cdp-db-02 (2 h) and cdp-app-01 (1 day) not.
    assert {name: (vm["rpo_breached"], vm["rpo_source"]) for name, vm in vms.items()} == {
        "cdp-db-01": (False, "option"), "erp-app-01": (False, "option"),
        "cdp-db-02": (True, "option"), "cdp-app-01": (True, "option")}
    assert counts["sessions"]["open"] == 0


def test_failover_plans_are_judged_as_units_on_their_vms_evidence(simulator):
    result, warnings, _counts = run(simulator, _protection_info.gather_failover_plan_info, **PLAN_WINDOW)
    assert warnings == [] and result["not_judged"] == []
    plans = {plan["name"]: plan for plan in result["failover_plans"]}
    assert {name: plan["ready"] for name, plan in plans.items()} == {
        "ERP": False, "ERP ready": True, "Legacy": False, "Messaging": False, "Weekend": False}
    held = {name: [(entry["vm_name"], entry["reasons"]) for entry in plan["held_back_by"]] for name, plan in plans.items()}
    assert held == {"ERP": [("erp-web-01", ["stale"])], "ERP ready": [], "Legacy": [("legacy-01", ["no_replica"])],
                    "Messaging": [("erp-mq-01", ["failed"])], "Weekend": [("batch-01", ["job_disabled"])]}
    # Each VM keeps its record's keys beside its judgement.
    first = plans["ERP"]["vms"][0]
    assert (first["order"], first["name"], first["failovered_vm_id"], first["hold_back"]) == (
        1, "erp-db-01", "00000027-000c-4000-8000-00000000000b", [])


def test_without_evidence_only_the_plans_are_read(simulator):
    result, _warnings, counts = run(simulator, _protection_info.gather_failover_plan_info, include_evidence=False)
    assert set(result) == {"changed", "failover_plans"}
    assert [plan["name"] for plan in result["failover_plans"]] == ["ERP", "ERP ready", "Legacy", "Messaging", "Weekend"]
    assert [path for path in counts["by_path"] if path.startswith("GET /api/query")] == ["GET /api/query?type=FailoverPlan"]


def test_a_portal_user_is_refused_the_plans_naming_the_roles_that_may(simulator):
    result, _warnings, counts = run(simulator, _protection_info.gather_failover_plan_info, **PLAN_WINDOW, **PORTAL_USER)
    assert "reading failover plans needs the VM Restore Operator or Portal Administrator role in Enterprise Manager" \
        in result["msg"]
    assert "failover_plans" not in result and counts["sessions"]["open"] == 0


def test_a_restore_operator_gets_its_plans_judged_on_restore_points(simulator):
    result, warnings, _counts = run(simulator, _protection_info.gather_failover_plan_info, **PLAN_WINDOW,
                                    **RESTORE_OPERATOR)
    reasons = [entry["reason"] for entry in result["not_judged"]]
    # CDP policies are refused too, but with the CDP sessions refused no CDP VM is seen to judge on them.
    assert reasons == ["no right to read replica task sessions", "no right to read replication jobs",
                       "no right to read CDP sessions"]
    assert len(warnings) == 3
    plans = {plan["name"]: plan["ready"] for plan in result["failover_plans"]}
    # On points alone: erp-web-01's newest is 3 days old, legacy-01 has none; erp-mq-01's failed run
    # left no point and its 07:05 point is 5 h old; batch-01's job schedule cannot be read.
    assert plans == {"ERP": False, "ERP ready": True, "Legacy": False, "Messaging": True, "Weekend": True}


def test_a_bare_number_rpo_fails_before_any_read(simulator):
    result, _warnings, counts = run(simulator, _protection_info.gather_failover_plan_info, rpo="24")
    assert "write 24h, 30m or 7d" in result["msg"]
    assert not [path for path in counts["by_path"] if path.startswith("GET /api/query")]


def test_cdp_and_plans_are_read_beside_the_task_sessions_not_after(simulator):
    simulator.configure(latency_ms=300.0)
    result, _warnings, counts = run(simulator, _gather.gather_replica_evidence, **PLAN_WINDOW,
                                    include_restore_points=False, include_replication_jobs=False,
                                    include_failover_plans=True)
    assert {"replica_task_sessions", "cdp_policies", "cdp_task_sessions", "failover_plans"} <= set(result)
    # The task sessions, CDP policies, CDP task sessions and plans were asked for at once. Read one
    # after the other, the eight requests (logon, the sessions and their job sessions, the three
    # others, logout) would take at least 8 x 300 ms = 2.4 s; beside each other four rounds, 1.2 s.
    # Measured here as requests in flight at once, not as a wall-clock limit (which would flake).
    assert counts["max_concurrency"] >= 4


def test_a_portal_user_shown_no_policy_instead_of_refused_is_told_so_too(simulator):
    # EM may answer a read the role does not allow with nothing (em_api_notes.rst, "Roles").
    simulator.configure(denied_answer="empty")
    result, warnings, _counts = run(simulator, _protection_info.gather_cdp_policy_info, **CDP_WINDOW, **PORTAL_USER)
    assert result["cdp_policies"] == []
    assert result["not_judged"] == [{"checks": "cdp_policy_rpo", "reason": "Enterprise Manager showed no CDP policy"}]
    assert len(warnings) == 1 and warnings[0].startswith(
        "Enterprise Manager showed this account no CDP policy although the CDP sessions of the window name policies")
    assert {vm["rpo_source"] for vm in result["cdp_vms"]} == {None}  # no policy and no rpo given: no RPO
