"""Paging arithmetic at the edges, and the switchable default and maximum page sizes."""
from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, EmTestClient, parse


def page(client, type_="ReplicaTaskSession", **params):
    response = client.query(type_, format="Entities", sortAsc="CreationTime", **params)
    assert response.status_code == 200, response.text
    root = parse(response)
    info = root.find("em:PagingInfo", NS)
    links = {link.get("Rel"): link.get("Href") for link in info.findall("em:Links/em:Link", NS)}
    uids = [entity.get("UID") for entity in root.findall("em:Entities/*/*", NS)]
    return uids, {key: int(info.get(key)) for key in ("PageNum", "PageSize", "PagesCount")}, links


def test_every_page_of_a_large_result_in_order_without_gaps(generated_client, generated_simulator):
    generated_client.logon()
    total = len(generated_simulator.dataset.task_sessions)
    size = 97  # not a divisor of the total: the last page is partial
    assert total % size
    seen = []
    for number in range(1, math.ceil(total / size) + 1):
        uids, info, _links = page(generated_client, pageSize=size, page=number)
        assert info == {"PageNum": number, "PageSize": size, "PagesCount": math.ceil(total / size)}
        seen += uids
    assert len(uids) == total % size
    assert seen == [t.uid for t in generated_simulator.dataset.task_sessions]


def test_exact_multiple_of_the_page_size(client):
    client.logon()
    # Five task sessions in the documented fixture.
    uids, info, links = page(client, pageSize=5)
    assert len(uids) == 5 and info["PagesCount"] == 1
    assert set(links) == {"First", "Last"}
    info = page(client, pageSize=1)[1]
    assert info["PagesCount"] == 5


def test_empty_result(client):
    client.logon()
    uids, info, links = page(client, filter="VmDisplayName==nobody", pageSize=10)
    assert uids == [] and info == {"PageNum": 1, "PageSize": 10, "PagesCount": 0}
    assert set(links) == {"First", "Last"}


def test_links_follow_the_documented_rels(client):
    client.logon()
    links = page(client, pageSize=2, page=2, filter='VmDisplayName!="x y"')[2]
    assert list(links) == ["First", "Previous", "Next", "Last"]
    query = parse_qs(urlsplit(links["Next"]).query)
    assert query["page"] == ["3"] and query["pageSize"] == ["2"] and query["filter"] == ['VmDisplayName!="x y"']
    assert parse_qs(urlsplit(links["Last"]).query)["page"] == ["3"]
    # Following a link as given returns the page it names.
    response = client.http.get(links["Next"], headers={"X-RestSvcSessionId": client.token}, verify=client.simulator.ca_path)
    assert parse(response).find("em:PagingInfo", NS).get("PageNum") == "3"


def test_page_past_the_end_is_empty(client):
    client.logon()
    uids, info, _links = page(client, pageSize=2, page=9)
    assert uids == [] and info["PagesCount"] == 3


@pytest.mark.parametrize(("name", "value"), [("pageSize", "0"), ("pageSize", "-1"), ("pageSize", "ten"), ("page", "0")])
def test_invalid_paging_parameters_get_400(client, name, value):
    client.logon()
    assert client.query("ReplicaTaskSession", **{name: value}).status_code == 400


def test_default_page_size_is_15_and_switchable(fresh_simulator):
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        assert page(em)[1]["PageSize"] == 15
        fresh_simulator.configure(default_page_size=2)
        uids, info, _links = page(em)
        assert len(uids) == 2 and info["PagesCount"] == 3
        fresh_simulator.configure(default_page_size=None)
        uids, info, _links = page(em)
        assert len(uids) == 5 and info == {"PageNum": 1, "PageSize": 5, "PagesCount": 1}


def test_maximum_page_size_clamps_or_rejects(fresh_simulator):
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        fresh_simulator.configure(max_page_size=2)
        uids, info, _links = page(em, pageSize=1000)
        assert len(uids) == 2 and info["PageSize"] == 2 and info["PagesCount"] == 3
        fresh_simulator.configure(max_page_size_mode="reject")
        assert em.query("ReplicaTaskSession", pageSize=1000).status_code == 400


def test_parameter_names_and_type_values_are_case_insensitive(client):
    client.logon()
    response = client.get("query", params={"TYPE": "replicatasksession", "Format": "entities", "PAGESIZE": "2"})
    assert response.status_code == 200
    assert len(parse(response).findall("em:Entities/em:ReplicaTaskSessions/*", NS)) == 2


def test_references_format_and_other_query_types(client):
    client.logon()
    refs = parse(client.query("ReplicaTaskSession", format="References", pageSize=2)).findall("em:Refs/em:Ref", NS)
    assert [ref.get("Type") for ref in refs] == ["ReplicaTaskSessionReference"] * 2
    default = parse(client.query("BackupServer")).findall("em:Refs/em:Ref", NS)
    assert {ref.get("Name") for ref in default} == {"enterprise06.tech.local", "enterprise01.tech.local"}
    jobs = client.query_entities("ReplicaJobSession", filter="IsRetry==false;Result==Failed")
    assert [job.get("Name") for job in jobs] == ["Replication Job 2@2025-06-17 15:16:53"]
    servers = client.query_entities("BackupServer", filter="Version>=12", sortDesc="Name")
    assert [server.get("Name") for server in servers] == ["enterprise06.tech.local"]


def test_sorting_by_other_fields_and_refusing_both_directions(client):
    client.logon()
    entities = client.query_entities("ReplicaTaskSession", sortDesc="TotalSize", filter="State==Completed")
    sizes = [int(e.findtext("em:TotalSize", namespaces=NS)) for e in entities]
    assert sizes == sorted(sizes, reverse=True)
    assert client.query("ReplicaTaskSession", sortAsc="Name", sortDesc="Name").status_code == 400
    assert client.query("ReplicaTaskSession", sortAsc="Colour").status_code == 400
    assert client.query("NoSuchType").status_code == 400
    assert client.query("ReplicaTaskSession", format="Entity").status_code == 400
