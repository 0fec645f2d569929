"""Every documented endpoint: references by default, entities with format=Entity."""
from __future__ import annotations

import time

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, GeneratorSpec, SimulatorConfig, generate
from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, EmTestClient, parse

EM = "{http://www.veeam.com/ent/v1.0}"
SERVER = "7445e6ce-86f5-4171-b909-dac209c66563"
JOB = "c73c05f9-1f01-4a72-8126-c8fc8ed2df12"
TASK = "24590151-20cd-4e57-8a2f-8b65869a1879"


@pytest.mark.parametrize(
    ("path", "root", "child"),
    [
        ("backupServers", "EntityReferences", "Ref"),
        ("backupServers?format=Entity", "BackupServers", "BackupServer"),
        ("replicaSessions", "EntityReferences", "Ref"),
        ("replicaSessions?format=Entity", "ReplicaJobSessions", "ReplicaJobSession"),
        (f"replicaSessions/{JOB}/replicaTaskSessions", "EntityReferences", "Ref"),
        (f"replicaSessions/{JOB}/replicaTaskSessions?format=Entity", "ReplicaTaskSessions", "ReplicaTaskSession"),
        ("replicaTaskSessions", "EntityReferences", "Ref"),
        ("replicaTaskSessions?format=Entity", "ReplicaTaskSessions", "ReplicaTaskSession"),
    ],
)
def test_collections(client, path, root, child):
    client.logon()
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    document = parse(response)
    assert document.tag == EM + root
    assert len(document) > 0 and all(element.tag == EM + child for element in document)


def test_references_carry_links_by_type(client):
    client.logon()
    refs = parse(client.get(f"replicaSessions/{JOB}/replicaTaskSessions"))
    assert len(refs) == 2
    first = refs[0]
    assert first.get("Type") == "ReplicaTaskSessionReference"
    assert first.get("Href").endswith(f"/api/replicaTaskSessions/{first.get('UID').rsplit(':', 1)[1]}")
    types = [link.get("Type") for link in first.findall("em:Links/em:Link", NS)]
    assert types == ["BackupServerReference", "ReplicaJobSessionReference", "ReplicaTaskSession"]


@pytest.mark.parametrize(
    ("path", "kind"),
    [(f"backupServers/{SERVER}", "BackupServer"), (f"replicaSessions/{JOB}", "ReplicaJobSession"),
     (f"replicaTaskSessions/{TASK}", "ReplicaTaskSession")],
)
def test_single_resources_as_reference_and_entity(client, path, kind):
    client.logon()
    reference = parse(client.get(path))
    assert reference.tag == EM + "EntityRef" and reference.get("Type") == f"{kind}Reference"
    entity = parse(client.get(path, params={"format": "Entity"}))
    assert entity.tag == EM + kind and entity.get("UID") == reference.get("UID")


@pytest.mark.parametrize(
    "path",
    ["backupServers/00000000-0000-4000-8000-000000000000", "replicaTaskSessions/00000000-0000-4000-8000-000000000000",
     "replicaSessions/00000000-0000-4000-8000-000000000000/replicaTaskSessions", "replicaTaskSessions/not-a-guid",
     "noSuchThing"],
)
def test_unknown_resources_get_404(client, path):
    client.logon()
    response = client.get(path)
    assert response.status_code == 404
    assert parse(response).get("StatusCode") == "404"


def test_wrong_method_gets_405(client):
    client.logon()
    assert client.request("DELETE", "replicaTaskSessions").status_code == 405
    assert client.request("PUT", f"replicaTaskSessions/{TASK}").status_code == 405


def test_plain_collections_show_only_the_last_30_days_but_the_query_service_everything():
    now = int(time.time()) * 10_000_000
    dataset = generate(GeneratorSpec(seed=3, servers=1, jobs_per_server=1, vms_per_job=2, days=40, now=now))
    with EmSimulator(dataset) as simulator, EmTestClient(simulator) as em:
        em.logon()
        plain = parse(em.get("replicaTaskSessions"))
        everything = em.query_entities("ReplicaTaskSession", pageSize=10_000)
        assert len(everything) == len(dataset.task_sessions)
        oldest_allowed = now - 30 * 86_400 * 10_000_000
        assert len(plain) == sum(1 for t in dataset.task_sessions if t.created >= oldest_allowed) < len(everything)
        simulator.configure(plain_collection_days=0, query_window_days=10)
        assert len(parse(em.get("replicaTaskSessions"))) == len(everything)
        assert len(em.query_entities("ReplicaTaskSession", pageSize=10_000)) < len(plain)


@pytest.mark.parametrize(("mode", "expected"), [("value", "None"), ("empty", ""), ("omit", None)])
def test_running_result_readings(fresh_simulator, mode, expected):
    fresh_simulator.configure(running_result=mode)
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        root = parse(em.get("replicaTaskSessions/9a7e1c44-0b2d-4c6f-8e13-5f7a9b2c4d60", params={"format": "Entity"}))
        result = root.find("em:Result", NS)
        assert (None if result is None else (result.text or "")) == expected


def test_hrefs_use_the_host_the_client_asked_for(client):
    client.logon()
    response = client.get("backupServers", headers={"Host": f"em.example:{client.simulator.port}"})
    assert parse(response)[0].get("Href").startswith(f"https://em.example:{client.simulator.port}/api/")


def test_xml_escaping_of_awkward_names(generated_client, generated_simulator):
    generated_client.logon()
    entities = generated_client.query_entities("ReplicaTaskSession", filter='VmDisplayName=="web""front"', pageSize=1)
    assert entities[0].get("VmDisplayName") == 'web"front'
    assert entities[0].get("Name").startswith('web"front@')
    jobs = generated_client.query_entities("ReplicaJobSession", filter='JobName=="Web, App & DB"', pageSize=1)
    assert jobs[0].findtext("em:JobName", namespaces=NS) == "Web, App & DB"


def test_simulator_config_rejects_nonsense():
    with pytest.raises(ValueError, match="error_rate"):
        SimulatorConfig(error_rate=2)
    with pytest.raises(ValueError, match="unknown simulator setting"):
        SimulatorConfig().changed(colour="red")
