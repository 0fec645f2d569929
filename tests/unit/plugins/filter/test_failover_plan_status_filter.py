# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failover_plan_status filter: plans judged on the statuses replica_status gives, as a
playbook chains them; no statuses is not judged; bad input is refused with what was expected.

Expected values are worked out by hand from the filter's documentation (ready when every VM
has a replica within its RPO; hold-back reasons no_replica, stale, failed, job_disabled)."""
from __future__ import annotations

from typing import Any

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.filter.failover_plan_status import FilterModule, failover_plan_status
from ansible_collections.veeam_em.core.plugins.filter.replica_status import replica_status

NOW = "2026-11-29T06:00:00Z"


def session(vm: str, hour: int, result: str = "Success", job: str = "ERP Replica") -> dict[str, Any]:
    return {"id": f"{vm}-{hour}", "vm_name": vm, "backup_server_id": "b1", "backup_server_name": "vbr01",
            "job_name": job, "state": "Completed", "result": result, "reason": "",
            "creation_time": f"2026-11-29T{hour:02d}:00:00Z", "end_time": None, "total_size": 1}


def plan(name: str, *vms: str, server_id: str | None = "b1") -> dict[str, Any]:
    """A failover_plan_record; the VMs in start order 1, 2, ..."""
    return {"id": f"id-{name}", "name": name, "description": f"{name} plan", "backup_server_id": server_id,
            "backup_server_name": "vbr01",
            "vms": [{"order": order, "name": vm, "display_name": vm, "failovered_vm_id": f"fv-{vm}",
                     "hierarchy_obj_ref": f"ref-{vm}"} for order, vm in enumerate(vms, start=1)]}


JOBS = [{"id": "j1", "name": "ERP Replica", "backup_server_id": "b1", "backup_server_name": "vbr01",
         "schedule_configured": True, "schedule_enabled": True, "next_run": None, "includes": []},
        {"id": "j2", "name": "Batch Replica", "backup_server_id": "b1", "backup_server_name": "vbr01",
         "schedule_configured": True, "schedule_enabled": False, "next_run": None, "includes": []}]
# At 06:00 with a 4 h RPO: erp-db ran 04:00 (fresh), erp-web 01:00 (5 h: stale), erp-mq ran
# fine at 03:00 and failed at 05:00, batch ran 05:00 in a disabled job; legacy has nothing.
RECORDS = [session("erp-db", 4), session("erp-web", 1), session("erp-mq", 3), session("erp-mq", 5, "Failed"),
           session("batch", 5, job="Batch Replica")]
PLANS = [plan("ERP ready", "erp-db"), plan("ERP", "erp-db", "erp-web", "legacy", "erp-mq", "batch")]


def judged() -> list[dict[str, Any]]:
    statuses = replica_status(RECORDS, rpo="4h", now=NOW, jobs=JOBS, failover_plans=PLANS)
    return failover_plan_status(PLANS, statuses)


def test_the_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"failover_plan_status": failover_plan_status}


def test_a_plan_whose_every_vm_is_fresh_is_ready():
    ready = judged()[0]
    assert (ready["name"], ready["id"], ready["description"]) == ("ERP ready", "id-ERP ready", "ERP ready plan")
    assert (ready["backup_server_id"], ready["backup_server_name"]) == ("b1", "vbr01")
    assert ready["ready"] is True and ready["held_back_by"] == []
    assert ready["message"] == "failover plan 'ERP ready' is ready: all 1 VMs have a replica within their RPO"
    vm = ready["vms"][0]
    assert (vm["order"], vm["name"], vm["status"], vm["hold_back"], vm["message"]) == (1, "erp-db", "ok", [], "")
    assert (vm["rpo_age_seconds"], vm["rpo_seconds"]) == (7200, 14400)


def test_a_plan_is_held_back_by_each_kind_of_vm_in_start_order():
    held = judged()[1]
    assert held["ready"] is False
    assert [(entry["order"], entry["vm_name"], entry["reasons"]) for entry in held["held_back_by"]] == [
        (2, "erp-web", ["stale"]), (3, "legacy", ["no_replica"]), (4, "erp-mq", ["failed"]),
        (5, "batch", ["job_disabled"])]
    assert held["message"] == ("failover plan 'ERP' is held back by 4 of 5 VMs: erp-web (stale), legacy (no replica), "
                               "erp-mq (failed last run), batch (job disabled)")
    by_name = {vm["name"]: vm for vm in held["vms"]}
    assert by_name["legacy"]["message"] == ("no replica: in failover plan 'ERP' but no task session, restore point "
                                            "or CDP session in the window")
    assert by_name["erp-web"]["message"] == ("stale: last success 5h ago (2026-11-29T01:00:00Z), older than the RPO "
                                             "of 4h")


def test_a_plan_vm_without_a_status_holds_its_plan_back_as_no_replica():
    """Statuses judged without the plans have none for a VM without evidence."""
    statuses = replica_status(RECORDS, rpo="4h", now=NOW)
    entry = failover_plan_status([plan("Legacy", "erp-db", "legacy")], statuses)[0]
    assert entry["ready"] is False and entry["held_back_by"][0]["reasons"] == ["no_replica"]
    assert entry["vms"][1]["status"] is None and entry["vms"][1]["message"] == (
        "no replica: no replica, restore point or CDP session in the window")


def test_a_vm_is_matched_by_the_backup_server_name_when_the_plan_has_no_server_id():
    statuses = replica_status(RECORDS, rpo="4h", now=NOW)
    assert failover_plan_status([plan("By name", "erp-db", server_id=None)], statuses)[0]["ready"] is True


@pytest.mark.parametrize("statuses", [None, "omitted"])
def test_without_statuses_no_plan_is_judged(statuses):
    judged_plans = failover_plan_status(PLANS) if statuses == "omitted" else failover_plan_status(PLANS, None)
    assert [entry["ready"] for entry in judged_plans] == [None, None]
    assert [entry["held_back_by"] for entry in judged_plans] == [[], []]
    assert judged_plans[1]["message"] == ("failover plan 'ERP': readiness not judged (the evidence of its VMs "
                                          "was not read)")


def test_no_statuses_at_all_is_judged_and_holds_every_plan_back():
    assert [entry["ready"] for entry in failover_plan_status(PLANS, [])] == [False, False]


@pytest.mark.parametrize(("plans", "statuses", "message"), [
    ("ERP", None, "failover_plan_status: expects a list of failover plan records (as failover_plan_info returns "
                  "them), got str"),
    ({"name": "ERP"}, None, "failover_plan_status: expects a list of failover plan records (as failover_plan_info "
                            "returns them), got dict"),
    (["ERP"], None, "failover_plan_status: record 0 is a str, not a dict"),
    ([{"name": "ERP"}], None, "failover_plan_status: plan 0 has no 'vms'; expects failover plan records (as "
                              "failover_plan_info returns them)"),
    ([{"name": "ERP", "vms": ["db01"]}], None, "failover_plan_status: plan 0 ('ERP') vms: record 0 is a str, "
                                               "not a dict"),
    ([], "ok", "failover_plan_status: statuses: expects a list of VM statuses (as the replica_status filter "
               "returns them), got str"),
    ([], [{}, ["db01"]], "failover_plan_status: statuses: record 1 is a list, not a dict"),
])
def test_bad_input_is_refused_saying_what_was_expected(plans, statuses, message):
    with pytest.raises(AnsibleFilterError) as refused:
        failover_plan_status(plans, statuses)
    assert str(refused.value) == message
