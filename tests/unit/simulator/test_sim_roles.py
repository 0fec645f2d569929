"""The simulator plays Enterprise Manager's roles over real HTTPS: what each may read, how a
denied read is answered, accounts with several roles, /tasks, and the denied counts.

The expectations are Veeam's "Security Roles" page (EM REST reference, security_roles_concept,
VBR 13.0.1, 2025-09-26) written out here, not read from the simulator's own table.
"""
from __future__ import annotations

from typing import Iterator

import pytest
import requests

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, SimulatorConfig
from ansible_collections.veeam_em.core.tests.em_simulator.api import PUBLIC_ACTIONS, ROUTES
from ansible_collections.veeam_em.core.tests.em_simulator.roles import ACTION_COLLECTIONS, COLLECTION_READERS, QUERY_ACTION
from ansible_collections.veeam_em.core.tests.unit.simhelpers import EmTestClient, estate_simulator, parse

EM = "{http://www.veeam.com/ent/v1.0}"
PASSWORD = "Roles-Pw-1"
ACCOUNTS = {
    "administrator": ("CORP\\em-admin", ("PortalAdministrator",)),
    "portal_user": ("CORP\\em-monitor", ("PortalUser",)),
    "restore_operator": ("CORP\\em-restore", ("RestoreOperator",)),
    "user_and_operator": ("CORP\\em-both", ("PortalUser", "RestoreOperator")),
}
# Each request the simulator serves: (may a Portal User read it, may a VM Restore Operator).
# The page: a Portal User may read /replicaTaskSessions, /replicaSessions (and their task
# sessions), /backupServers, /vmReplicaPoints, /tasks and the matching query types, but not
# /jobs (includes too) nor query?type=Job; a VM Restore Operator may read /vmReplicaPoints,
# /tasks and query?type=VmReplicaPoint, but no sessions, backup servers or jobs.
READS = {
    "backupServers": (True, False),
    "backupServers/{server}": (True, False),
    "replicaSessions": (True, False),
    "replicaSessions/{job_session}": (True, False),
    "replicaSessions/{job_session}/replicaTaskSessions": (True, False),
    "replicaTaskSessions": (True, False),
    "replicaTaskSessions/{task_session}": (True, False),
    "vmReplicaPoints": (True, True),
    "vmReplicaPoints/{point}": (True, True),
    "jobs": (False, False),
    "jobs/{job}": (False, False),
    "jobs/{job}/includes": (False, False),
    "tasks": (True, True),
    "query?type=ReplicaTaskSession": (True, False),
    "query?type=ReplicaJobSession": (True, False),
    "query?type=BackupServer": (True, False),
    "query?type=VmReplicaPoint": (True, True),
    "query?type=Job": (False, False),
    "query?type=job": (False, False),  # EM takes the type in any case: no way around the role
}


@pytest.fixture(scope="module")
def estate() -> Iterator[EmSimulator]:
    with estate_simulator(seed=5, servers=1, jobs_per_server=2, vms_per_job=2, days=2) as simulator:
        for name, roles in ACCOUNTS.values():
            simulator.add_user(name, PASSWORD, roles)
        yield simulator


@pytest.fixture
def simulator(estate: EmSimulator) -> Iterator[EmSimulator]:
    estate.configure(**vars(SimulatorConfig(plain_collection_days=0)))
    estate.reset_stats(drop_sessions=True)
    yield estate


def ids(simulator: EmSimulator) -> dict[str, str]:
    data = simulator.dataset
    return {"server": data.servers[0].id, "job_session": data.job_sessions[0].id,
            "task_session": data.task_sessions[0].id, "point": data.replica_points[0].id, "job": data.jobs[0].id}


def read(simulator: EmSimulator, account: str, path: str, **params: str) -> requests.Response:
    """One logon as the account, then one GET of path ('query?type=X' sends type=X)."""
    name, _roles = ACCOUNTS[account]
    with EmTestClient(simulator) as em:
        assert em.logon(name, PASSWORD).status_code == 201
        return get(em, path.format(**ids(simulator)), **params)


def get(em: EmTestClient, path: str, **params: str) -> requests.Response:
    resource, _mark, query_type = path.partition("?type=")
    return em.get(resource, params={**({"type": query_type} if query_type else {}), **params})


def assert_access_denied(response: requests.Response) -> None:
    assert response.status_code == 403
    error = parse(response)
    assert (error.tag, error.get("Message"), error.get("StatusCode")) == (EM + "Error", "Access is denied.", "403")


def records(response: requests.Response) -> list:
    """The records of a list, or of a query result (under Refs or Entities/<plural>)."""
    document = parse(response)
    if document.tag == EM + "QueryResult":
        return document.findall(f"{EM}Refs/*") + document.findall(f"{EM}Entities/*/*")
    return list(document)


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize(("account", "column"), [("portal_user", 0), ("restore_operator", 1)])
def test_each_role_reads_what_the_security_roles_page_allows(simulator, account, column, path):
    response = read(simulator, account, path)
    if READS[path][column]:
        assert response.status_code == 200, response.text
    else:
        assert_access_denied(response)


@pytest.mark.parametrize("path", READS)
def test_the_portal_administrator_reads_everything(simulator, path):
    assert read(simulator, "administrator", path).status_code == 200


@pytest.mark.parametrize("path", READS)
def test_an_account_with_two_roles_reads_what_either_may(simulator, path):
    portal_user, restore_operator = READS[path]
    response = read(simulator, "user_and_operator", path)
    if portal_user or restore_operator:
        assert response.status_code == 200, response.text
    else:
        assert_access_denied(response)


def test_a_denied_read_can_answer_401_exactly_as_an_expired_token(simulator):
    simulator.configure(denied_answer="unauthorized")
    with EmTestClient(simulator) as em:
        em.logon(ACCOUNTS["portal_user"][0], PASSWORD)
        denied = em.get("jobs")
        expired = em.get("jobs", headers={"X-RestSvcSessionId": "ZXhwaXJlZC10b2tlbg=="}, token=False)
        assert em.get("backupServers").status_code == 200  # the token itself still works
    assert denied.status_code == expired.status_code == 401
    assert denied.headers["WWW-Authenticate"] == expired.headers["WWW-Authenticate"] == "Basic Realm=RestSvc"
    assert denied.content == expired.content


@pytest.mark.parametrize(
    ("path", "params", "root"),
    [
        ("jobs", {}, "EntityReferences"),
        ("jobs", {"format": "Entity"}, "Jobs"),
        ("jobs/{job}/includes", {}, "ObjectsInJob"),
        ("query?type=Job", {"format": "Entities"}, "QueryResult"),
        ("query?type=Job", {}, "QueryResult"),
        ("replicaSessions/{job_session}/replicaTaskSessions", {}, "EntityReferences"),
        ("replicaTaskSessions", {"format": "Entity"}, "ReplicaTaskSessions"),
        ("query?type=ReplicaTaskSession", {"format": "Entities"}, "QueryResult"),
    ],
)
def test_a_denied_list_can_answer_with_no_records(simulator, path, params, root):
    simulator.configure(denied_answer="empty")
    account = "portal_user" if path.lower().startswith(("jobs", "query?type=job")) else "restore_operator"
    response = read(simulator, account, path, **params)
    assert response.status_code == 200 and parse(response).tag == EM + root
    assert records(response) == []
    assert records(read(simulator, "administrator", path, **params)), "the estate must hold records to hide"


@pytest.mark.parametrize("path", ["jobs/{job}", "backupServers/{server}", "replicaTaskSessions/{task_session}"])
def test_a_denied_read_by_id_answers_404_when_denied_reads_are_empty(simulator, path):
    simulator.configure(denied_answer="empty")
    account = "portal_user" if path.startswith("jobs") else "restore_operator"
    assert read(simulator, account, path).status_code == 404
    assert read(simulator, "administrator", path).status_code == 200


def test_one_resource_can_answer_otherwise_than_the_rest(simulator):
    simulator.configure(denied_answer="forbidden", denied_answer_for=(("Job", "empty"), ("replicaSessions", "unauthorized")))
    assert read(simulator, "portal_user", "query?type=Job").status_code == 200
    assert records(read(simulator, "portal_user", "query?type=Job")) == []
    assert_access_denied(read(simulator, "portal_user", "jobs"))
    assert read(simulator, "restore_operator", "replicaSessions").status_code == 401
    assert_access_denied(read(simulator, "restore_operator", "replicaTaskSessions"))


def test_the_control_endpoint_switches_the_denied_answer(simulator):
    control = simulator.url.replace("/api/", "/_simulator/config")
    post = {"verify": simulator.ca_path, "timeout": 10}
    assert requests.post(control, json={"denied_answer": "empty"}, **post).status_code == 200
    assert records(read(simulator, "portal_user", "jobs")) == []
    answer = requests.post(control, json={"denied_answer_for": {"jobs": "unauthorized"}}, **post)
    assert answer.status_code == 200 and answer.json()["denied_answer_for"] == [["jobs", "unauthorized"]]
    assert read(simulator, "portal_user", "jobs").status_code == 401
    assert records(read(simulator, "portal_user", "query?type=Job")) == []
    for bad in ({"denied_answer": "404"}, {"denied_answer_for": {"Jobs": "empty"}}, {"denied_answer_for": {"jobs": "x"}}):
        assert requests.post(control, json=bad, **post).status_code == 400, bad


def test_the_denied_reads_are_counted_by_resource(simulator):
    for path in ("jobs", "jobs/{job}/includes", "query?type=Job", "backupServers"):
        read(simulator, "portal_user", path)
    read(simulator, "restore_operator", "query?type=ReplicaTaskSession")
    read(simulator, "administrator", "jobs")
    assert simulator.snapshot()["denied"] == {"jobs": 2, "Job": 1, "ReplicaTaskSession": 1}


@pytest.mark.parametrize("account", list(ACCOUNTS))
def test_every_role_reads_its_tasks_an_empty_list_and_no_unknown_task(simulator, account):
    tasks = read(simulator, account, "tasks")
    assert tasks.status_code == 200 and parse(tasks).tag == EM + "Tasks" and len(parse(tasks)) == 0
    unknown = read(simulator, account, "tasks/task-1")
    assert unknown.status_code == 404 and parse(unknown).get("StatusCode") == "404"


def test_tasks_need_a_live_token(simulator):
    with EmTestClient(simulator) as em:
        assert em.get("tasks").status_code == 401


def test_a_logon_session_keeps_the_roles_it_logged_on_with(simulator):
    simulator.add_user("CORP\\em-promoted", PASSWORD, ("PortalUser",))
    with EmTestClient(simulator) as before, EmTestClient(simulator) as after:
        before.logon("CORP\\em-promoted", PASSWORD)
        simulator.add_user("CORP\\em-promoted", PASSWORD, ("PortalAdministrator",))
        after.logon("CORP\\em-promoted", PASSWORD)
        assert_access_denied(before.get("jobs"))
        assert after.get("jobs").status_code == 200


@pytest.mark.parametrize(("points_access", "status", "count"), [("forbidden", 403, None), ("empty", 200, 0)])
def test_points_access_still_applies_to_a_role_that_may_read_points(simulator, points_access, status, count):
    simulator.configure(points_access=points_access)
    for path in ("vmReplicaPoints", "query?type=VmReplicaPoint"):
        response = read(simulator, "restore_operator", path)
        assert response.status_code == status
        if count is not None:
            assert len(records(response)) == count


def test_an_unknown_query_type_is_still_400_for_a_limited_role(simulator):
    assert read(simulator, "restore_operator", "query?type=NoSuchType").status_code == 400


@pytest.mark.parametrize("roles", [("PortalAdmin",), "PortalUser", ("portal-user",)])
def test_add_user_takes_only_the_roles_em_has(estate, roles):
    with pytest.raises(ValueError, match="PortalAdministrator, PortalUser, RestoreOperator"):
        estate.add_user("CORP\\someone", PASSWORD, roles)


@pytest.mark.parametrize(
    "changes",
    [{"denied_answer": "silent"}, {"denied_answer_for": (("Jobs", "empty"),)},
     {"denied_answer_for": (("jobs", "hide"),)}, {"denied_answer_for": (("jobs", "empty"), ("jobs", "forbidden"))}],
)
def test_the_denied_answer_settings_are_validated(changes):
    with pytest.raises(ValueError, match="denied_answer"):
        SimulatorConfig().changed(**changes)


def test_every_route_that_needs_a_logon_is_judged_by_the_role_table():
    """A route missing from roles.py would be open to every role: each must name its collection."""
    served = {action for _method, _pattern, action in ROUTES} - PUBLIC_ACTIONS - {QUERY_ACTION}
    assert served - set(ACTION_COLLECTIONS) == set()
    assert set(ACTION_COLLECTIONS.values()) <= set(COLLECTION_READERS)
