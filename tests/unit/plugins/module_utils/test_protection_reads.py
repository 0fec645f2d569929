# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EmApi's CDP and failover plan reads against the simulator over HTTPS, on issue 27's hand-made
estate (tests/em_simulator/fixtures/cdp_and_plans.json; its _comment gives every value used here):
shapes, minutes as seconds, the policy name from the session's link, the filters EM applies and
the one matched after the read, and the role refusals."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _gather
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_protection import CdpTaskSessionQuery, cdp_task_filter
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.protection_estate import PORTAL_USER, RESTORE_OPERATOR
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options

VBR_A, VBR_B = "vbr-a.corp.example", "vbr-b.corp.example"
NOV_20 = datetime(2026, 11, 20, tzinfo=timezone.utc)
NOV_19 = datetime(2026, 11, 19, tzinfo=timezone.utc)


@pytest.fixture
def simulator(protection_simulator):
    return protection_simulator


def read(simulator, call, **account):
    with open_api(connection_options(simulator, **account)) as api:
        return call(api)


def test_policies_come_sorted_by_name_with_their_rpo_and_thresholds_in_seconds(simulator):
    policies = read(simulator, lambda api: api.cdp_policies())
    assert [policy["name"] for policy in policies] == ["CDP Gold", "CDP Paused"]
    gold, paused = policies
    # Gold: RPO 15 min, warning after 5 min, failed after 10 min (written in minutes).
    assert (gold["rpo_seconds"], gold["warning_after_seconds"], gold["failed_after_seconds"]) == (900, 300, 600)
    assert gold["schedule_enabled"] is True and gold["backup_server_name"] == VBR_A
    # Paused: RPO 300 s (written in seconds), no RPO reporting, disabled.
    assert (paused["rpo_seconds"], paused["warning_after_seconds"], paused["failed_after_seconds"]) == (300, None, None)
    assert paused["schedule_enabled"] is False and paused["backup_server_name"] == VBR_B


def test_policy_filters_are_applied_by_em(simulator):
    assert [p["name"] for p in read(simulator, lambda api: api.cdp_policies(backup_servers=(VBR_B,)))] == ["CDP Paused"]
    assert [p["name"] for p in read(simulator, lambda api: api.cdp_policies(names=("CDP Gold",)))] == ["CDP Gold"]


def test_each_policys_includes_cost_one_request(simulator):
    result = read(simulator, lambda api: _gather.gather_cdp_policies(api, {}))
    includes = {policy["name"]: [item["name"] for item in policy["includes"]] for policy in result["cdp_policies"]}
    assert includes == {"CDP Gold": ["cdp-db-01", "cdp-db-02", "erp-app-01"], "CDP Paused": ["cdp-app-01"]}
    assert result["cdp_policies"][0]["includes"][0]["object_type"] == "Vm"
    counts = simulator.snapshot()["by_path"]
    assert sum(n for path, n in counts.items() if path.endswith("/includes")) == 2


def test_cdp_task_sessions_of_a_window_newest_first_each_named_by_vm_and_policy(simulator):
    sessions = read(simulator, lambda api: api.cdp_task_sessions(CdpTaskSessionQuery(created_after=NOV_20)))
    # 20 November: cdp-db-01 four, cdp-db-02 three, erp-app-01 two; CDP Paused's are on the 19th.
    assert sorted((s["vm_name"], s["policy_name"]) for s in sessions) == sorted(
        [("cdp-db-01", "CDP Gold")] * 4 + [("cdp-db-02", "CDP Gold")] * 3 + [("erp-app-01", "CDP Gold")] * 2)
    times = [s["creation_time"] for s in sessions]
    assert times == sorted(times, reverse=True) and times[-1] == datetime(2026, 11, 20, 9, 29, 56, tzinfo=timezone.utc)
    assert {s["backup_server_name"] for s in sessions} == {VBR_A}


def test_policy_names_are_matched_after_the_read_and_vm_names_by_em(simulator):
    paused = read(simulator, lambda api: api.cdp_task_sessions(
        CdpTaskSessionQuery(created_after=NOV_19, policy_names=("CDP Paused",))))
    assert [s["vm_name"] for s in paused] == ["cdp-app-01"] * 3
    one_vm = read(simulator, lambda api: api.cdp_task_sessions(
        CdpTaskSessionQuery(created_after=NOV_19, vm_names=("cdp-db-02",), limit=2)))
    assert [s["end_time"].hour for s in one_vm] == [10, 9]  # the two newest of 09:30, 09:45, 10:00


def test_the_window_is_sent_on_creation_time_utc_and_result_never():
    query = CdpTaskSessionQuery(created_after=NOV_19, created_before=NOV_20, vm_names=("a",), policy_names=("P",))
    assert cdp_task_filter(query).render() == (
        'VmDisplayName=="a";CreationTimeUTC>="2026-11-19T00:00:00Z";CreationTimeUTC<="2026-11-20T00:00:00Z"')


def test_a_running_cdp_task_session_is_settled_in_the_record(simulator):
    # The estate's sessions are all Completed: a session seen while running is the codec test's
    # (test_protection_records); here the records of the estate keep their result and duration.
    result = read(simulator, lambda api: _gather.gather_cdp_task_sessions(
        api, {"created_after": "2026-11-19T11:59:00Z", "created_before": "2026-11-19T12:01:00Z"}))
    assert result["cdp_task_sessions"] == [{
        "id": "00000027-000a-4000-8000-00000000002a", "name": result["cdp_task_sessions"][0]["name"],
        "vm_name": "cdp-app-01", "policy_name": "CDP Paused", "policy_session_id": "00000027-0009-4000-8000-000000000002",
        "backup_server_id": "00000027-0001-4000-8000-000000000002", "backup_server_name": VBR_B,
        "creation_time": "2026-11-19T11:59:57Z", "end_time": "2026-11-19T12:00:00Z", "state": "Completed",
        "result": "Success", "reason": "", "total_size": 12582912, "duration_seconds": 3.0, "running_result": None,
    }]
    assert result["cdp_task_sessions"][0]["name"].startswith("cdp-app-01@")


def test_failover_plans_come_by_name_each_with_its_vms_in_start_order(simulator):
    plans = read(simulator, lambda api: _gather.gather_failover_plans(api, {}))["failover_plans"]
    assert [plan["name"] for plan in plans] == ["ERP", "ERP ready", "Legacy", "Messaging", "Weekend"]
    erp = plans[0]
    assert [(vm["order"], vm["name"]) for vm in erp["vms"]] == [(1, "erp-db-01"), (2, "erp-app-01"), (3, "erp-web-01")]
    assert erp["vms"][0]["failovered_vm_id"] == "00000027-000c-4000-8000-00000000000b"
    assert erp["vms"][0]["hierarchy_obj_ref"] == "urn:VMware:Vm:7c0f3d2e-5a41-4b8e-9d6a-1f2e3c4b5a60.vm-101"
    assert (erp["id"], erp["backup_server_name"]) == ("00000027-000b-4000-8000-000000000001", VBR_A)
    weekend = read(simulator, lambda api: api.failover_plans(backup_servers=(VBR_B,)))
    assert [plan["name"] for plan in weekend] == ["Weekend"]


@pytest.mark.parametrize(("account", "call", "needs"), [
    (PORTAL_USER, lambda api: api.cdp_policies(), "reading CDP policies needs the Portal Administrator role"),
    (PORTAL_USER, lambda api: api.failover_plans(),
     "reading failover plans needs the VM Restore Operator or Portal Administrator role"),
    (RESTORE_OPERATOR, lambda api: api.cdp_task_sessions(CdpTaskSessionQuery()),
     "reading CDP sessions needs the Portal User or Portal Administrator role"),
], ids=["portal user, policies", "portal user, plans", "restore operator, CDP sessions"])
def test_each_role_is_refused_what_the_security_roles_page_denies_it(simulator, account, call, needs):
    with pytest.raises(AccessDenied) as refusal:
        read(simulator, call, **account)
    assert needs in str(refusal.value)


def test_what_each_role_may_read_it_reads(simulator):
    assert len(read(simulator, lambda api: api.cdp_task_sessions(CdpTaskSessionQuery()), **PORTAL_USER)) == 12
    assert len(read(simulator, lambda api: api.failover_plans(), **RESTORE_OPERATOR)) == 5
