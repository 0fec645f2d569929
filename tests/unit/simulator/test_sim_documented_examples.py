"""The simulator answers the examples of EM's reference pages with the documented shapes."""
from __future__ import annotations

from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, parse

EM = "{http://www.veeam.com/ent/v1.0}"
TASK_ID = "efe448ad-6d52-496b-ba79-decd586713eb"


def child_tags(element) -> list[str]:
    return [child.tag.replace(EM, "") for child in element]


def links(element) -> list[tuple[str, str, str | None]]:
    return [(link.get("Rel"), link.get("Type"), link.get("Name")) for link in element.findall("em:Links/em:Link", NS)]


def test_entry_point_lists_supported_versions_without_auth(client):
    response = client.get("", token=False)
    assert response.status_code == 200
    root = parse(response)
    assert root.tag == f"{EM}EnterpriseManager"
    versions = [v.get("Name") for v in root.findall("em:SupportedVersions/em:SupportedVersion", NS)]
    assert versions == ["v1_5", "v1_6", "v1_7"]
    assert root.find("em:SupportedVersions/em:SupportedVersion/em:Links/em:Link", NS).get("Href").endswith(
        "/api/sessionMngr/?v=v1_5"
    )
    assert ("Create", "LogonSession", None) in links(root)
    assert ("Down", "LogonSessionList", None) in links(root)


def test_logon_returns_201_token_header_cookie_and_logon_session(client):
    response = client.logon()
    assert response.status_code == 201
    token = response.headers["X-RestSvcSessionId"]
    assert response.headers["Set-Cookie"] == f"X-RestSvcSessionId={token}; Path=/api;"
    root = parse(response)
    assert root.tag == f"{EM}LogonSession"
    assert root.get("Type") == "LogonSession"
    session_id = root.findtext("em:SessionId", namespaces=NS)
    assert root.get("Href").endswith(f"/api/logonSessions/{session_id}")
    assert token != session_id, "the token must not be derivable from the session id"
    assert child_tags(root) == ["Links", "UserName", "SessionId"]
    assert root.findtext("em:UserName", namespaces=NS) == "CORP\\em-reader"
    assert ("Down", "ReplicaTaskSessionReferenceList", None) in links(root)
    delete = [link for link in root.findall("em:Links/em:Link", NS) if link.get("Rel") == "Delete"]
    assert delete[0].get("Href") == root.get("Href")


def test_task_session_entity_has_documented_attributes_elements_and_order(client):
    client.logon()
    response = client.get(f"replicaTaskSessions/{TASK_ID}", params={"format": "Entity"})
    assert response.status_code == 200
    root = parse(response)
    assert root.tag == f"{EM}ReplicaTaskSession"
    assert root.get("Type") == "ReplicaTaskSession"
    assert root.get("Href").endswith(f"/api/replicaTaskSessions/{TASK_ID}?format=Entity")
    assert root.get("Name") == "apache02@2025-06-17 20:00:18"
    assert root.get("VmDisplayName") == "apache02"
    assert root.get("UID") == f"urn:veeam:ReplicaTaskSession:{TASK_ID}"
    assert child_tags(root) == [
        "Links", "JobSessionUid", "CreationTimeUTC", "EndTimeUTC", "State", "Result", "Reason", "TotalSize",
    ]
    assert root.findtext("em:JobSessionUid", namespaces=NS) == "urn:veeam:ReplicaJobSession:90e440bb-8af1-4e3f-8022-bfd89dd267a0"
    assert root.findtext("em:CreationTimeUTC", namespaces=NS) == "2025-06-17T20:00:18.06Z"
    assert root.findtext("em:EndTimeUTC", namespaces=NS) == "2025-06-17T20:02:36.993Z"
    assert root.findtext("em:State", namespaces=NS) == "Completed"
    assert root.findtext("em:Result", namespaces=NS) == "Success"
    assert len(root.find("em:Reason", NS)) == 0 and root.find("em:Reason", NS).text is None
    assert b"<Reason />" in response.content
    assert root.findtext("em:TotalSize", namespaces=NS) == "8589934592"
    assert links(root) == [
        ("Up", "BackupServerReference", "enterprise06.tech.local"),
        ("Up", "ReplicaJobSessionReference", "Replication Job 2@2025-06-17 20:00:05"),
        ("Alternate", "ReplicaTaskSessionReference", "apache02@2025-06-17 20:00:18"),
    ]


def test_documented_query_with_filter_sort_and_paging(client):
    client.logon()
    response = client.get(
        "query",
        params={"type": "ReplicaTaskSession", "format": "Entities", "sortDesc": "CreationTime",
                "filter": "Result==Success;VmDisplayName==apache02"},
    )
    assert response.status_code == 200
    root = parse(response)
    assert root.tag == f"{EM}QueryResult"
    sessions = root.findall("em:Entities/em:ReplicaTaskSessions/em:ReplicaTaskSession", NS)
    assert [s.get("UID").rsplit(":", 1)[1] for s in sessions] == [TASK_ID, "3be8eb42-7d94-4789-b2cf-891a2d9aed41"]
    paging = root.find("em:PagingInfo", NS)
    # No pageSize was sent: EM's documented answer still pages by 15.
    assert (paging.get("PageNum"), paging.get("PageSize"), paging.get("PagesCount")) == ("1", "15", "1")
    rels = [link.get("Rel") for link in paging.findall("em:Links/em:Link", NS)]
    assert rels == ["First", "Last"]
    first = paging.find("em:Links/em:Link", NS).get("Href")
    assert "type=ReplicaTaskSession&format=Entities&sortDesc=CreationTime&pageSize=15&page=1&filter=" in first


def test_job_session_entity_matches_the_documented_example(client):
    client.logon()
    response = client.get("replicaSessions/04f694ad-664c-4603-a747-00edecae4f17", params={"format": "Entity"})
    root = parse(response)
    assert root.tag == f"{EM}ReplicaJobSession"
    assert root.get("Name") == "Replication Job 1@2025-10-07 20:00:02"
    assert child_tags(root) == [
        "Links", "JobUid", "JobName", "JobType", "CreationTimeUTC", "EndTimeUTC", "State", "Result", "Progress", "IsRetry",
    ]
    assert [root.findtext(f"em:{tag}", namespaces=NS) for tag in ("JobType", "State", "Result", "Progress", "IsRetry")] == [
        "Replica", "Stopped", "Success", "100", "false",
    ]
    assert links(root) == [
        ("Up", "BackupServerReference", "enterprise01.tech.local"),
        ("Up", "JobReference", "Replication Job 1"),
        ("Alternate", "ReplicaJobSessionReference", "Replication Job 1@2025-10-07 20:00:02"),
        ("Down", "ReplicaTaskSessionReferenceList", None),
    ]


def test_optional_elements_appear_only_where_the_entity_has_them(client):
    client.logon()
    with_17 = parse(client.get("backupServers/7445e6ce-86f5-4171-b909-dac209c66563", params={"format": "Entity"}))
    without = parse(client.get("backupServers/a490c017-2c1c-40ee-8bcf-73bcce6ab36f", params={"format": "Entity"}))
    assert child_tags(with_17) == ["Links", "Description", "Port", "Version", "WcfPort", "VbrCertificateThumbprint"]
    assert child_tags(without) == ["Links", "Description", "Port", "Version"]
    failed_job = parse(client.get("replicaSessions/c73c05f9-1f01-4a72-8126-c8fc8ed2df12", params={"format": "Entity"}))
    assert child_tags(failed_job)[-2:] == ["FailureMessage", "IsRetry"]


def test_running_task_session_has_no_end_time(client):
    client.logon()
    root = parse(client.get("replicaTaskSessions/9a7e1c44-0b2d-4c6f-8e13-5f7a9b2c4d60", params={"format": "Entity"}))
    assert "EndTimeUTC" not in child_tags(root)
    assert root.findtext("em:State", namespaces=NS) == "InProgress"
    assert child_tags(root)[-1] == "VmUid"
    assert root.findtext("em:CreationTimeUTC", namespaces=NS) == "2025-10-08T20:00:09.75Z"
