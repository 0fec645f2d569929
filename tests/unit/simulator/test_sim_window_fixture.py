"""The hand-made estate for judging over a window (em_simulator/fixtures/window_cases.json, now
2026-11-21T00:00:00Z): its named cases are what its note says, so tests can work SLA shares and
anomalies out by hand from it."""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._sla import aggregate_sla, vm_sla
from ansible_collections.veeam_em.core.tests.em_simulator import Dataset, EmSimulator, SimulatorConfig
from ansible_collections.veeam_em.core.tests.em_simulator.cli import main
from ansible_collections.veeam_em.core.tests.em_simulator.fixture_file import load_fixture
from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND, format_utc, parse_utc
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXTURE_DIR
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import ACCOUNTS, PASSWORD, logged_on
from ansible_collections.veeam_em.core.tests.unit.simulator.protection_helpers import text

WINDOW_FIXTURE = os.path.join(FIXTURE_DIR, "window_cases.json")
NOW = "2026-11-21T00:00:00Z"
GIB = 1024**3
MINUTE = 60 * TICKS_PER_SECOND
DAY = 24 * 60 * MINUTE


@pytest.fixture(scope="module")
def estate() -> Dataset:
    return load_fixture(WINDOW_FIXTURE)


def _runs(dataset: Dataset, vm: str) -> list[Any]:
    return [task for task in dataset.task_sessions if task.vm_name == vm]  # sorted by creation


def _points(dataset: Dataset, vm: str) -> list[str]:
    return [format_utc(point.created) for point in dataset.replica_points if point.vm_name == vm]


def _minutes(task: Any) -> float:
    return (task.ended - task.created) / MINUTE


def test_the_fixture_names_its_now_and_holds_one_server_and_the_five_cases(estate: Dataset) -> None:
    with open(WINDOW_FIXTURE, encoding="utf-8") as handle:
        assert json.load(handle)["_now"] == NOW
    assert [server.name for server in estate.servers] == ["vbr-w.corp.example"]
    assert {job.name: [item.name for item in job.includes] for job in estate.jobs} == {
        "Nightly": ["gap-01"], "Daily Steady": ["steady-01"], "Onboarding": ["new-01"],
        "Daily Size": ["size-01"], "Daily Slow": ["slow-01"]}
    assert {task.result for task in estate.task_sessions} == {"Success"}
    assert all(job.next_run > parse_utc(NOW) and job.schedule_enabled for job in estate.jobs)


def test_every_success_has_a_point_at_its_sessions_end(estate: Dataset) -> None:
    for vm in ("gap-01", "steady-01", "new-01", "size-01", "slow-01"):
        runs = _runs(estate, vm)
        assert _points(estate, vm) == [format_utc(task.job_session.ended) for task in runs]
        assert all(task.ended == task.job_session.ended for task in runs)


def test_gap_01_runs_nightly_except_on_days_3_and_4(estate: Dataset) -> None:
    assert _points(estate, "gap-01") == [f"2026-11-{day}T01:10:00Z" for day in (14, 15, 18, 19, 20)]


def test_new_01_first_succeeded_two_days_before_now(estate: Dataset) -> None:
    first = _runs(estate, "new-01")[0]
    assert first.ended == parse_utc(NOW) - 2 * DAY
    assert _points(estate, "new-01") == ["2026-11-19T00:00:00Z", "2026-11-19T12:00:00Z", "2026-11-20T12:00:00Z"]


def test_size_01s_newest_run_transfers_ten_times_its_usual_size(estate: Dataset) -> None:
    runs = _runs(estate, "size-01")
    assert [task.total_size for task in runs] == [GIB] * 7 + [10 * GIB]
    assert [_minutes(task) for task in runs] == [10.0] * 8


def test_slow_01s_newest_run_lasts_ten_times_its_usual_length(estate: Dataset) -> None:
    runs = _runs(estate, "slow-01")
    assert [_minutes(task) for task in runs] == [10.0] * 7 + [100.0]
    assert {task.total_size for task in runs} == {2 * GIB}
    assert format_utc(runs[-1].ended) == "2026-11-20T17:40:00Z"


def test_steady_01_runs_daily_alike(estate: Dataset) -> None:
    runs = _runs(estate, "steady-01")
    assert [runs[index + 1].created - runs[index].created for index in range(6)] == [DAY] * 6
    assert [(_minutes(task), task.total_size) for task in runs] == [(10.0, GIB)] * 7


def _times(dataset: Dataset, vm: str) -> list[datetime]:
    return [datetime.fromtimestamp(point.created / TICKS_PER_SECOND, timezone.utc)
            for point in dataset.replica_points if point.vm_name == vm]


def test_the_notes_sla_shares_at_a_24_hour_rpo(estate: Dataset) -> None:
    now = datetime(2026, 11, 21, tzinfo=timezone.utc)
    slas = {vm: vm_sla(_times(estate, vm), now - timedelta(days=7), now, 86400)
            for vm in ("gap-01", "steady-01", "new-01", "size-01", "slow-01")}
    gap = slas["gap-01"]
    assert (gap["percent"], gap["span_seconds"], gap["covered_seconds"]) == (71.23, 600600, 427800)
    assert [day["percent"] for day in gap["days"]] == [100.0, 100.0, 4.86, 0.0, 95.14, 100.0, 100.0]
    assert [(hole["start"], hole["end"]) for hole in gap["gaps"]] == [("2026-11-16T01:10:00Z", "2026-11-18T01:10:00Z")]
    assert [day["percent"] for day in slas["new-01"]["days"]] == [None] * 5 + [100.0, 100.0]
    assert {vm: (sla["percent"], sla["span_seconds"]) for vm, sla in slas.items() if vm != "gap-01"} == {
        "steady-01": (100.0, 597000), "new-01": (100.0, 172800), "size-01": (100.0, 593400),
        "slow-01": (100.0, 589800)}
    total = aggregate_sla(slas.values())
    assert (total["percent"], total["span_seconds"], total["covered_seconds"]) == (93.23, 2553600, 2380800)


def test_the_simulator_serves_it_over_http(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--fixture", WINDOW_FIXTURE, "--now", NOW, "--estate-summary"])
    assert json.loads(capsys.readouterr().out)["counts"] == {
        "servers": 1, "jobs": 5, "job_sessions": 31, "task_sessions": 31, "replica_points": 31, "cdp_policies": 0,
        "cdp_sessions": 0, "cdp_task_sessions": 0, "failover_plans": 0}
    with EmSimulator(load_fixture(WINDOW_FIXTURE), SimulatorConfig(plain_collection_days=0), tls=False) as simulator:
        simulator.add_user(ACCOUNTS["administrator"][0], PASSWORD, ACCOUNTS["administrator"][1])
        with logged_on(simulator) as em:
            sessions = em.query_entities("ReplicaTaskSession", filter='VmDisplayName=="slow-01"', sortAsc="CreationTime")
            points = em.query_entities("VmReplicaPoint", filter='VmDisplayName=="gap-01"', sortAsc="CreationTime")
    assert [text(session, "TotalSize") for session in sessions] == [str(2 * GIB)] * 8
    assert text(sessions[-1], "EndTimeUTC") == "2026-11-20T17:40:00Z"
    assert [text(point, "CreationTimeUTC")[8:10] for point in points] == ["14", "15", "18", "19", "20"]
