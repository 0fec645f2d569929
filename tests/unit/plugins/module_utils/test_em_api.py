"""Replica resources against the simulator: server-side filters, joins, request counts."""
from __future__ import annotations

import copy
import json
import math
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, TaskSessionQuery
from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, SimulatorConfig
from ansible_collections.veeam_em.core.tests.em_simulator.fixture_file import dataset_from_dict
from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED, connection_options, estate_simulator, leak_checked


@pytest.fixture(scope="module")
def estate():
    with estate_simulator(seed=8, servers=3, jobs_per_server=3, vms_per_job=7, days=6, interval_hours=4) as simulator:
        yield simulator


@pytest.fixture
def simulator(estate):
    yield from leak_checked(estate)


def read(simulator, query: TaskSessionQuery, page_size: int = 200) -> list[dict]:
    options = connection_options(simulator)
    with open_session(options) as em:
        return EmApi(em, page_size=page_size).task_sessions(query)


def at(ticks: int) -> datetime:
    return datetime.fromtimestamp(ticks / TICKS_PER_SECOND, timezone.utc)


def test_everything_joined_with_the_expected_number_of_requests(simulator):
    tasks = simulator.dataset.task_sessions
    jobs = simulator.dataset.job_sessions
    records = read(simulator, TaskSessionQuery(), page_size=200)
    assert [r["uid"] for r in records] == [t.uid for t in reversed(tasks)]
    truth = {t.uid: t for t in tasks}
    for record in records:
        task = truth[record["uid"]]
        assert record["job_name"] == task.job_session.job_name
        assert record["backup_server_name"] == task.job_session.server.name
    counts = simulator.snapshot()["by_path"]
    assert counts == {
        "POST /api/sessionMngr/": 1,
        "GET /api/query?type=ReplicaTaskSession": math.ceil(len(tasks) / 200),
        "GET /api/query?type=ReplicaJobSession": math.ceil(len(jobs) / 200),
        "DELETE /api/logonSessions/{id}": 1,
    }


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        (TaskSessionQuery(vm_names=('web"front', "db,reporting")), lambda t: t.vm_name in ('web"front', "db,reporting")),
        (TaskSessionQuery(vm_names=("mail;01", "(legacy) erp", "データ01")), lambda t: t.vm_name in ("mail;01", "(legacy) erp", "データ01")),
        (TaskSessionQuery(job_names=('Tier 1 "Gold" DR',)), lambda t: t.job_session.job_name == 'Tier 1 "Gold" DR'),
        (TaskSessionQuery(job_names=("Web, App & DB", "Zürich Standby"), results=("Failed",)),
         lambda t: t.job_session.job_name in ("Web, App & DB", "Zürich Standby") and t.result == "Failed"),
        (TaskSessionQuery(backup_servers=("vbr02.corp.example",), results=("Failed", "Warning")),
         lambda t: t.job_session.server.name == "vbr02.corp.example" and t.result in ("Failed", "Warning")),
        (TaskSessionQuery(states=("InProgress", "Pending")), lambda t: t.state in ("InProgress", "Pending")),
    ],
)
def test_filters_select_exactly_the_right_sessions(simulator, query, keep):
    records = read(simulator, query)
    expected = [t.uid for t in reversed(simulator.dataset.task_sessions) if keep(t)]
    assert expected and [r["uid"] for r in records] == expected
    pages = simulator.snapshot()["by_path"]["GET /api/query?type=ReplicaTaskSession"]
    assert pages == math.ceil(len(expected) / 200)


def test_time_window_and_ids(simulator):
    tasks = simulator.dataset.task_sessions
    after, before = tasks[len(tasks) // 3].created, tasks[len(tasks) // 2].created
    records = read(simulator, TaskSessionQuery(created_after=at(after), created_before=at(before)))
    # Filters carry whole seconds: the window widens to them, never narrows.
    low = at(after).replace(microsecond=0)
    high = at(before).replace(microsecond=0) + timedelta(seconds=1 if at(before).microsecond else 0)
    expected = [t.uid for t in reversed(tasks) if low <= at(t.created) <= high]
    assert [r["uid"] for r in records] == expected
    picked = [tasks[3], tasks[-1]]
    by_id = read(simulator, TaskSessionQuery(ids=(picked[0].id, picked[1].uid)))
    assert {r["uid"] for r in by_id} == {t.uid for t in picked}


def test_ascending_order_and_limit(simulator):
    records = read(simulator, TaskSessionQuery(descending=False, limit=5), page_size=200)
    assert [r["uid"] for r in records] == [t.uid for t in simulator.dataset.task_sessions[:5]]
    assert simulator.snapshot()["by_path"]["GET /api/query?type=ReplicaTaskSession"] == 1


def test_job_sessions_outside_the_bulk_window_are_read_by_id():
    data = json.load(open(DOCUMENTED, encoding="utf-8"))
    data = copy.deepcopy(data)
    # This job session started two days before its task: outside the bulk query's lead.
    data["replica_job_sessions"][2]["creation_time"] = "2025-10-05T20:00:02.42Z"
    with EmSimulator(dataset_from_dict(data), SimulatorConfig(plain_collection_days=0)) as simulator:
        after = datetime(2025, 10, 7, tzinfo=timezone.utc)
        records = read(simulator, TaskSessionQuery(created_after=after, created_before=after + timedelta(days=1)))
        assert [(r["vm_name"], r["job_name"]) for r in records] == [("srv04", "Replication Job 1")]
        counts = simulator.snapshot()["by_path"]
        assert counts["GET /api/replicaSessions/{id}"] == 1
        assert simulator.snapshot()["sessions"]["open"] == 0


def test_empty_result_needs_no_join(simulator):
    assert read(simulator, TaskSessionQuery(vm_names=("no such vm",))) == []
    assert "GET /api/query?type=ReplicaJobSession" not in simulator.snapshot()["by_path"]


def test_backup_servers(simulator):
    options = connection_options(simulator)
    with open_session(options) as em:
        api = EmApi(em)
        servers = api.backup_servers()
        assert [s["name"] for s in servers] == sorted(s.name for s in simulator.dataset.servers)
        one = api.backup_servers(names=("vbr03.corp.example",))
        assert [s["version"] for s in one] == [simulator.dataset.servers[2].version]
        by_id = api.backup_servers(ids=(simulator.dataset.servers[0].id,))
        assert by_id[0]["wcf_port"] == simulator.dataset.servers[0].wcf_port


def test_streaming_pages_give_the_same_joined_records_with_jobs_read_first(simulator):
    tasks = simulator.dataset.task_sessions
    after = at(tasks[len(tasks) // 2].created)
    query = TaskSessionQuery(created_after=after)
    expected = read(simulator, query, page_size=100)
    simulator.reset_stats()
    with open_session(connection_options(simulator)) as em:
        pages = list(EmApi(em, page_size=100).iter_task_sessions(query))
    assert [r["uid"] for page in pages for r in page] == [r["uid"] for r in expected]
    assert [r["job_name"] for page in pages for r in page] == [r["job_name"] for r in expected]
    assert all(0 < len(page) <= 100 for page in pages)
    counts = simulator.snapshot()["by_path"]
    assert counts["GET /api/query?type=ReplicaTaskSession"] == math.ceil(len(expected) / 100) == len(pages)
    assert "GET /api/replicaSessions/{id}" not in counts  # the one-day lead covered every job session


def test_streaming_holds_only_the_pages_in_flight(simulator):
    simulator.configure(latency_ms=5)
    with open_session(connection_options(simulator, max_concurrency=2)) as em:
        pages = EmApi(em, page_size=50, max_concurrency=2).iter_task_sessions(TaskSessionQuery(created_after=at(0)))
        next(pages)
        requested = simulator.snapshot()["by_path"]["GET /api/query?type=ReplicaTaskSession"]
        assert requested <= 1 + 2  # page 1, and at most max_concurrency pages fetched ahead
        pages.close()
