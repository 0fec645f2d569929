"""The simulator serves CDP policies, CDP policy sessions and CDP task sessions as Veeam's EM
REST reference shows them (VBR 13.0.1: get_cdppolicies_id, get_query_cdppolicy,
get_query_cdpreplicasession, cdpreplicatasksessions_id, get_query_cdpreplicatasksession).

Expected values are worked out by hand from fixtures/cdp_and_plans.json (now 2026-11-20T12:00:00Z):
CDP Gold's session began at now-20h (2026-11-19 16:00:00); cdp-db-01's sessions end at now-50m,
-35m, -20m and -5m and each began 4 s before; CDP Paused's session ran from now-47h to now-23h.
"""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, parse
from ansible_collections.veeam_em.core.tests.unit.simulator.protection_helpers import (
    EM,
    by_name,
    children,
    fixture_simulator,
    local,
    logged_on,
    text,
)

GOLD_SESSION = "CDP Gold@2026-11-19 16:00:00"
PAUSED_SESSION = "CDP Paused@2026-11-18 13:00:00"


def _links(entity) -> dict[tuple[str, str], str | None]:
    return {(item.get("Rel"), item.get("Type")): item.get("Name") for item in entity.find(f"{EM}Links")}


def test_a_task_session_has_the_documented_elements_in_order(cdp_em) -> None:
    newest = cdp_em.query_entities("CdpReplicaTaskSession", filter='VmDisplayName=="cdp-db-01"',
                                   sortDesc="CreationTimeUTC")[0]
    assert local(newest) == "CdpReplicaTaskSession" and newest.get("Type") == "CdpReplicaTaskSession"
    assert newest.get("Name") == "cdp-db-01@2026-11-20 11:54:56"
    assert newest.get("VmDisplayName") == "cdp-db-01"
    assert newest.get("UID").startswith("urn:veeam:CdpReplicaTaskSession:")
    # A Success session has no Reason in Veeam's examples.
    assert children(newest) == ["Links", "PolicySessionUid", "CreationTimeUTC", "EndTimeUTC", "State", "Result",
                                "TotalSize"]
    assert text(newest, "CreationTimeUTC") == "2026-11-20T11:54:56Z"
    assert text(newest, "EndTimeUTC") == "2026-11-20T11:55:00Z"
    assert (text(newest, "State"), text(newest, "Result")) == ("Completed", "Success")
    assert text(newest, "TotalSize") == str(52428800 + 3 * 1048576)
    assert text(newest, "PolicySessionUid").startswith("urn:veeam:CdpReplicaSession:")
    links = _links(newest)
    assert links[("Up", "BackupServerReference")] == "vbr-a.corp.example"
    assert links[("Up", "CdpReplicaSessionReference")] == GOLD_SESSION
    assert links[("Alternate", "CdpReplicaTaskSessionReference")] == "cdp-db-01@2026-11-20 11:54:56"


@pytest.mark.parametrize("filter_text, expected", [
    # Created at or after 11:30: cdp-db-01 and erp-app-01 at 11:39:56 and 11:54:56.
    ('CreationTimeUTC>="2026-11-20T11:30:00Z"', ["cdp-db-01", "cdp-db-01", "erp-app-01", "erp-app-01"]),
    ('BackupServerName=="vbr-b.corp.example"', ["cdp-app-01"] * 3),
    (f'PolicySessionName=="{PAUSED_SESSION}"', ["cdp-app-01"] * 3),
    ('VmDisplayName=="cdp-db-02"', ["cdp-db-02"] * 3),
    ('Name=="cdp-db-02@2026-11-20 09:59:56"', ["cdp-db-02"]),
    ('State=="Completed";VmDisplayName=="erp-app-01"', ["erp-app-01"] * 2),
    ('State=="InProgress"', []),
])
def test_the_task_session_query_filters_on_the_documented_fields(cdp_em, filter_text: str, expected: list[str]) -> None:
    found = cdp_em.query_entities("CdpReplicaTaskSession", filter=filter_text, pageSize=100)
    assert sorted(entity.get("VmDisplayName") for entity in found) == expected


def test_a_filter_on_result_is_refused_like_an_unknown_field_by_default(cdp_em) -> None:
    response = cdp_em.query("CdpReplicaTaskSession", format="Entities", filter='Result=="Success"')
    assert response.status_code == 400
    error = parse(response)
    assert local(error) == "Error" and error.get("StatusCode") == "400" and "Result" in error.get("Message")


def test_a_filter_on_result_is_applied_when_switched_to_accept() -> None:
    with fixture_simulator(cdp_result_filter="accept") as simulator, logged_on(simulator) as em:
        assert len(em.query_entities("CdpReplicaTaskSession", filter='Result=="Success"', pageSize=100)) == 12
        assert em.query_entities("CdpReplicaTaskSession", filter='Result=="Failed"') == []


def test_task_sessions_are_paged(cdp_em) -> None:
    last = parse(cdp_em.query("CdpReplicaTaskSession", format="Entities", pageSize=5, page=3))
    paging = last.find("em:PagingInfo", NS)
    # 12 sessions in all: pages of 5, 5 and 2.
    assert (paging.get("PagesCount"), paging.get("PageNum")) == ("3", "3")
    assert len(last.findall("em:Entities/em:CdpReplicaTaskSessions/em:CdpReplicaTaskSession", NS)) == 2
    rels = [item.get("Rel") for item in paging.find("em:Links", NS)]
    assert rels == ["First", "Previous", "Last"]


def test_a_task_session_by_id_as_entity_and_as_reference(cdp_em) -> None:
    uid = cdp_em.query_entities("CdpReplicaTaskSession", filter='VmDisplayName=="cdp-app-01"')[0].get("UID")
    task_id = uid.rsplit(":", 1)[1]
    entity = parse(cdp_em.get(f"cdpReplicaTaskSessions/{task_id}", params={"format": "Entity"}))
    assert local(entity) == "CdpReplicaTaskSession" and entity.get("VmDisplayName") == "cdp-app-01"
    reference = parse(cdp_em.get(f"cdpReplicaTaskSessions/{task_id}"))
    assert local(reference) == "EntityRef" and reference.get("Type") == "CdpReplicaTaskSessionReference"
    assert cdp_em.get("cdpReplicaTaskSessions/00000000-0000-4000-8000-000000000000").status_code == 404


def test_policy_sessions_use_the_element_name_of_the_documented_query_result(cdp_em) -> None:
    result = parse(cdp_em.query("CdpReplicaSession", format="Entities", sortAsc="CreationTimeUTC"))
    paused, gold = result.findall("em:Entities/em:CdpReplicaSessions/*", NS)
    # get_query_cdpreplicasession: <CdpPolicySession Type="CdpReplicaSession" ...>
    assert (local(paused), paused.get("Type"), paused.get("Name")) == ("CdpPolicySession", "CdpReplicaSession",
                                                                       PAUSED_SESSION)
    assert children(paused) == ["Links", "PolicyUid", "PolicyName", "PolicyType", "CreationTimeUTC", "EndTimeUTC",
                                "State", "Result", "Progress", "FailureMessage", "IsRetry"]
    assert (text(paused, "EndTimeUTC"), text(paused, "State"), text(paused, "Result")) == (
        "2026-11-19T13:00:00Z", "Stopped", "Success")
    # The running session has no end yet.
    assert "EndTimeUTC" not in children(gold)
    assert (gold.get("Name"), text(gold, "State"), text(gold, "PolicyName")) == (GOLD_SESSION, "Working", "CDP Gold")
    assert _links(gold)[("Up", "CdpPolicyReference")] == "CDP Gold"


def test_a_policy_session_lists_its_task_sessions(cdp_em) -> None:
    gold = cdp_em.query_entities("CdpReplicaSession", filter='PolicyName=="CDP Gold"')
    assert [session.get("Name") for session in gold] == [GOLD_SESSION]
    session_id = gold[0].get("UID").rsplit(":", 1)[1]
    refs = parse(cdp_em.get(f"cdpReplicaSessions/{session_id}/cdpReplicaTaskSessions")).findall("em:Ref", NS)
    # cdp-db-01 4, cdp-db-02 3, erp-app-01 2.
    assert len(refs) == 9
    entity = parse(cdp_em.get(f"cdpReplicaSessions/{session_id}", params={"format": "Entity"}))
    assert local(entity) == "CdpReplicaSession"


def test_a_policy_has_the_documented_elements_and_its_rpo_in_the_element_em_writes(cdp_em) -> None:
    policies = by_name(cdp_em.query_entities("CdpPolicy"))
    gold, paused = policies["CDP Gold"], policies["CDP Paused"]
    assert children(gold) == ["Links", "PolicyType", "Platform", "Description", "ScheduleConfigured",
                              "ScheduleEnabled", "NextRun", "PolicyScheduleOptions", "CdpPolicyInfo"]
    assert (text(gold, "PolicyType"), text(gold, "ScheduleEnabled")) == ("CdpReplica", "true")
    options = "PolicyScheduleOptions/CdpReplica/"
    assert text(gold, options + "RecoveryPointObjectiveMinutes") == "15"
    assert text(gold, options + "RecoveryPointObjectiveSeconds") == "0"
    assert text(gold, options + "RPOReporting/MarkAsWarning/Enabled") == "true"
    assert text(gold, options + "RPOReporting/MarkAsWarning/RPOThresholdMinutes") == "5"
    assert text(gold, options + "RPOReporting/MarkAsFailed/RPOThresholdMinutes") == "10"
    assert text(paused, options + "RecoveryPointObjectiveSeconds") == "300"
    assert text(paused, options + "RecoveryPointObjectiveMinutes") == "0"
    assert text(paused, options + "RPOReporting/MarkAsFailed/Enabled") == "false"
    assert (text(paused, "ScheduleEnabled"), "NextRun" in children(paused)) == ("false", False)
    included = gold.findall("em:CdpPolicyInfo/em:CdpReplicaPolicyInfo/em:Includes/em:ObjectInJob/em:Name", NS)
    assert [item.text for item in included] == ["cdp-db-01", "cdp-db-02", "erp-app-01"]
    links = _links(gold)
    assert links[("Up", "BackupServerReference")] == "vbr-a.corp.example"
    assert ("Down", "CdpReplicaSessionReferenceList") in links and ("Down", "ObjectInJobList") in links


@pytest.mark.parametrize("filter_text, expected", [
    ('BackupServerName=="vbr-b.corp.example"', ["CDP Paused"]),
    ('Name=="CDP Gold"', ["CDP Gold"]),
    ('ScheduleEnabled=="false"', ["CDP Paused"]),
])
def test_the_policy_query_filters(cdp_em, filter_text: str, expected: list[str]) -> None:
    assert [policy.get("Name") for policy in cdp_em.query_entities("CdpPolicy", filter=filter_text)] == expected


def test_a_policy_lists_its_includes_like_a_job(cdp_em) -> None:
    gold = by_name(cdp_em.query_entities("CdpPolicy"))["CDP Gold"]
    policy_id = gold.get("UID").rsplit(":", 1)[1]
    document = parse(cdp_em.get(f"cdpPolicies/{policy_id}/includes"))
    assert local(document) == "ObjectsInJob"
    items = document.findall("em:ObjectInJob", NS)
    assert [(text(item, "Name"), text(item, "Order")) for item in items] == [
        ("cdp-db-01", "0"), ("cdp-db-02", "1"), ("erp-app-01", "2")]
    assert children(items[0]) == ["Links", "ObjectInJobId", "HierarchyObjRef", "Name", "DisplayName", "Order"]
    assert text(items[0], "HierarchyObjRef") == "urn:VMware:Vm:7c0f3d2e-5a41-4b8e-9d6a-1f2e3c4b5a60.vm-201"
    sessions = parse(cdp_em.get(f"cdpPolicies/{policy_id}/cdpReplicaSessions")).findall("em:Ref", NS)
    assert [ref.get("Name") for ref in sessions] == [GOLD_SESSION]
    assert cdp_em.get("cdpPolicies/00000000-0000-4000-8000-000000000000/includes").status_code == 404


def test_each_cdp_vms_newest_completed_session_is_where_the_fixture_says(cdp_em) -> None:
    newest = {}
    for task in cdp_em.query_entities("CdpReplicaTaskSession", filter='State=="Completed"', sortAsc="CreationTimeUTC",
                                      pageSize=100):
        newest[task.get("VmDisplayName")] = text(task, "EndTimeUTC")
    assert newest == {
        "cdp-db-01": "2026-11-20T11:55:00Z",  # now-5m: within CDP Gold's 15 minutes
        "cdp-db-02": "2026-11-20T10:00:00Z",  # now-2h: breached
        "erp-app-01": "2026-11-20T11:55:00Z",  # now-5m
        "cdp-app-01": "2026-11-19T12:00:00Z",  # now-1d, CDP Paused
    }


def test_a_task_session_is_found_by_the_id_parameter_the_page_names(cdp_em) -> None:
    uid = cdp_em.query_entities("CdpReplicaTaskSession", filter='VmDisplayName=="cdp-db-02"')[0].get("UID")
    found = cdp_em.query_entities("CdpReplicaTaskSession", filter=f'Id=="{uid}"')
    assert [task.get("UID") for task in found] == [uid]
