"""The simulator serves failover plans as Veeam's EM REST reference shows them (VBR 13.0.1:
failoverplans_id, get_failoverplans_id, get_query_failoverplan), and the hand-made estate
(fixtures/cdp_and_plans.json, now 2026-11-20T12:00:00Z) holds what each plan case needs.

By hand from the fixture: task k of a replication run begins 10 s + k minutes after the run and
its point is made 5 minutes later, so erp-web-01's only point (run at now-3d, k=2) is
2026-11-17T12:07:10Z and batch-01's (run at now-3h, k=0) 2026-11-20T09:05:10Z.
"""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, parse
from ansible_collections.veeam_em.core.tests.unit.simulator.protection_helpers import (
    EM,
    by_name,
    children,
    local,
    text,
)


def _vms(plan) -> list[tuple[str, str]]:
    vms = plan.findall("em:FailoverPlanInfo/em:Includes/em:FailoveredVm", NS)
    return [(text(vm, "Order"), text(vm, "Name")) for vm in vms]


def test_a_plan_has_the_documented_elements_in_order(cdp_em) -> None:
    erp = by_name(cdp_em.query_entities("FailoverPlan"))["ERP"]
    assert (local(erp), erp.get("Type")) == ("FailoverPlan", "FailoverPlan")
    assert erp.get("UID").startswith("urn:veeam:FailoverPlan:")
    assert children(erp) == ["Links", "Description", "FailoverPlanInfo"]
    assert [(link.get("Rel"), link.get("Type")) for link in erp.find(f"{EM}Links")] == [
        ("Up", "BackupServerReference"), ("Alternate", "FailoverPlanReference"), ("Edit", "FailoverPlanReference"),
        ("Start", None), ("Undo", None)]
    assert erp.find(f"{EM}Links")[0].get("Name") == "vbr-a.corp.example"
    first = erp.find("em:FailoverPlanInfo/em:Includes/em:FailoveredVm", NS)
    assert children(first) == ["FailoveredVmId", "HierarchyObjRef", "Name", "DisplayName", "Order",
                               "GuestProcessingOptions"]
    assert _vms(erp) == [("1", "erp-db-01"), ("2", "erp-app-01"), ("3", "erp-web-01")]


def test_every_plan_of_the_fixture_and_its_vms(cdp_em) -> None:
    plans = {name: _vms(plan) for name, plan in by_name(cdp_em.query_entities("FailoverPlan")).items()}
    assert plans == {
        "ERP": [("1", "erp-db-01"), ("2", "erp-app-01"), ("3", "erp-web-01")],
        "ERP ready": [("1", "erp-db-01"), ("2", "erp-app-01")],
        "Legacy": [("1", "erp-db-01"), ("2", "legacy-01")],
        "Weekend": [("1", "batch-01")],
        "Messaging": [("1", "erp-mq-01")],
    }


@pytest.mark.parametrize("filter_text, expected", [
    ('BackupServerName=="vbr-b.corp.example"', ["Weekend"]),
    ('Name=="ERP"', ["ERP"]),
    ('BackupServerName=="vbr-a.corp.example"', ["ERP", "ERP ready", "Legacy", "Messaging"]),
])
def test_the_plan_query_filters_on_name_and_backup_server(cdp_em, filter_text: str, expected: list[str]) -> None:
    found = cdp_em.query_entities("FailoverPlan", filter=filter_text)
    assert sorted(plan.get("Name") for plan in found) == expected


def test_a_plan_by_id_as_entity_and_as_reference(cdp_em) -> None:
    plan_id = by_name(cdp_em.query_entities("FailoverPlan"))["Legacy"].get("UID").rsplit(":", 1)[1]
    entity = parse(cdp_em.get(f"failoverPlans/{plan_id}", params={"format": "Entity"}))
    assert local(entity) == "FailoverPlan" and _vms(entity) == [("1", "erp-db-01"), ("2", "legacy-01")]
    reference = parse(cdp_em.get(f"failoverPlans/{plan_id}"))
    assert (local(reference), reference.get("Type")) == ("EntityRef", "FailoverPlanReference")
    listing = parse(cdp_em.get("failoverPlans")).findall("em:Ref", NS)
    assert len(listing) == 5


def test_legacy_01_has_no_replica_and_no_cdp(cdp_em) -> None:
    assert cdp_em.query_entities("VmReplicaPoint", filter='VmDisplayName=="legacy-01"') == []
    assert cdp_em.query_entities("ReplicaTaskSession", filter='VmDisplayName=="legacy-01"') == []
    assert cdp_em.query_entities("CdpReplicaTaskSession", filter='VmDisplayName=="legacy-01"') == []


def test_erp_web_01s_newest_point_is_three_days_old(cdp_em) -> None:
    points = cdp_em.query_entities("VmReplicaPoint", filter='VmDisplayName=="erp-web-01"')
    assert [text(point, "CreationTimeUTC") for point in points] == ["2026-11-17T12:07:10Z"]


def test_batch_01s_job_is_disabled_but_its_point_is_fresh(cdp_em) -> None:
    batch = by_name(cdp_em.query_entities("Job"))["Batch Replica"]
    assert text(batch, "ScheduleEnabled") == "false"
    points = cdp_em.query_entities("VmReplicaPoint", filter='VmDisplayName=="batch-01"')
    assert [text(point, "CreationTimeUTC") for point in points] == ["2026-11-20T09:05:10Z"]


def test_erp_mq_01s_last_run_failed_while_its_point_is_fresh(cdp_em) -> None:
    runs = cdp_em.query_entities("ReplicaTaskSession", filter='VmDisplayName=="erp-mq-01"', sortDesc="CreationTime")
    assert [text(run, "Result") for run in runs] == ["Failed", "Success"]
    points = cdp_em.query_entities("VmReplicaPoint", filter='VmDisplayName=="erp-mq-01"')
    # The Success run at now-5h: its task began at 07:00:10 and the point 5 minutes later.
    assert [text(point, "CreationTimeUTC") for point in points] == ["2026-11-20T07:05:10Z"]
