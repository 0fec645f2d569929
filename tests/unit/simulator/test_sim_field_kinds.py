"""The switches that make the simulator answer like the real installations of issue 13:
running tasks that claim a result, placeholder end times, links built from EM's own host
name, and the wrong service at the URL. Each is off by default."""
from __future__ import annotations

import json

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator import SimulatorConfig
from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, EmTestClient, estate_simulator, parse


@pytest.fixture(scope="module")
def estate():
    with estate_simulator(seed=5, servers=1, jobs_per_server=1, vms_per_job=4, days=1) as simulator:
        yield simulator


@pytest.fixture
def em(estate):
    estate.configure(**vars(SimulatorConfig(plain_collection_days=0)))
    with EmTestClient(estate) as client:
        assert client.logon().status_code == 201
        yield client


def _running_tasks(em: EmTestClient) -> list:
    tasks = em.query_entities("ReplicaTaskSession", filter="State!=Completed")
    assert tasks, "the generated estate has a job running now"
    return tasks


def test_defaults_leave_end_time_out_and_write_result_none(em):
    for task in _running_tasks(em):
        assert task.find("em:EndTimeUTC", NS) is None
        assert task.findtext("em:Result", namespaces=NS) == "None"


def test_running_result_success_claims_a_result_before_the_end(em, estate):
    estate.configure(running_result="success")
    for task in _running_tasks(em):
        assert task.findtext("em:State", namespaces=NS) in ("InProgress", "Pending")
        assert task.findtext("em:Result", namespaces=NS) == "Success"
        assert task.find("em:EndTimeUTC", NS) is None


@pytest.mark.parametrize("mode, expected", [("1900", "1900-01-01T00:00:00Z"), ("dotnet-min", "0001-01-01T00:00:00")])
def test_running_end_time_placeholders(em, estate, mode, expected):
    estate.configure(running_end_time=mode)
    assert {task.findtext("em:EndTimeUTC", namespaces=NS) for task in _running_tasks(em)} == {expected}


def test_running_end_time_before_creation(em, estate):
    estate.configure(running_end_time="before-creation")
    for task in _running_tasks(em):
        created = task.findtext("em:CreationTimeUTC", namespaces=NS)
        ended = task.findtext("em:EndTimeUTC", namespaces=NS)
        assert ended < created  # same ISO form, so text order is time order here


def _hrefs(root) -> list[str]:
    return [el.get("Href") for el in root.iter() if el.get("Href")]


@pytest.mark.parametrize("link_host, origin", [("em-01.corp.invalid", None), ("localhost:9398", "https://localhost:9398")])
def test_link_host_names_every_href(estate, link_host, origin):
    estate.configure(link_host=link_host)
    origin = origin or f"https://em-01.corp.invalid:{estate.port}"
    with EmTestClient(estate) as em:
        logon = em.logon()
        hrefs = _hrefs(parse(logon)) + _hrefs(parse(em.query("ReplicaTaskSession", format="Entities", pageSize=2)))
        assert hrefs and all(href.startswith(origin + "/api/") for href in hrefs), hrefs
        delete = parse(logon).find("em:Links/em:Link[@Rel='Delete']", NS).get("Href")
        assert delete == f"{origin}/api/logonSessions/{parse(logon).findtext('em:SessionId', namespaces=NS)}"
        assert em.logout().status_code == 204  # the request itself still reaches this EM
    estate.configure(link_host=None)


def test_link_host_is_checked(estate):
    with pytest.raises(ValueError, match="link_host"):
        estate.configure(link_host="https://em/")


def test_answer_as_vbr_rest_is_a_json_404(estate):
    estate.configure(answer_as="vbr-rest")
    with EmTestClient(estate) as em:
        response = em.logon()
    estate.configure(answer_as="em")
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["errorCode"] == "NotFound"


@pytest.mark.parametrize("answer_as, status", [("web-ui", 405), ("proxy-error", 502)])
def test_answer_as_html_services(estate, answer_as, status):
    estate.configure(answer_as=answer_as)
    with EmTestClient(estate) as em:
        logon, entry = em.logon(), em.get("", token=False)
    estate.configure(answer_as="em")
    assert logon.status_code == status and logon.headers["Content-Type"].startswith("text/html")
    assert b"<html" in logon.content.lower() and b"<title>" in logon.content
    assert entry.status_code == (200 if answer_as == "web-ui" else 502)
