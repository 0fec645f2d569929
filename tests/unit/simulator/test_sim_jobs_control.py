"""The control endpoint and snapshot() for jobs that run: every new switch set over HTTP and
checked, simulated time moved on (POST /_simulator/advance), the runs started, and each write a
client sent counted by its exact path with its method and answer, so a module's tests can
assert the requests it made.
"""
from __future__ import annotations

import pytest
import requests

from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND, parse_utc
from ansible_collections.veeam_em.core.tests.em_simulator.process import SimulatorProcess
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import (
    JOB_IDS, SERVER_A, act, collect, jobs_simulator, logged_on,
)

SWITCHES = {
    "job_run_seconds": 0.5, "job_run_result": "Failed", "job_run_result_for": {"Replica B": "Warning"},
    "task_seconds": 0, "task_lifetime_seconds": 30, "failed_task_shape": "no-result",
    "already_running_answer": "error-409", "retry_not_failed_answer": "no-op",
    "collection_interval_seconds": 900, "collect_seconds": 5,
}
START_A = f"POST /api/jobs/{JOB_IDS['Replica A']}?action=start"


def control(simulator, method: str, action: str, payload: dict | None = None) -> requests.Response:
    return requests.request(method, simulator.url.replace("/api/", f"/_simulator/{action}"), json=payload,
                            verify=simulator.ca_path, timeout=10)


def test_every_switch_is_set_through_the_control_endpoint(certificates):
    with jobs_simulator(certificates) as simulator:
        answer = control(simulator, "POST", "config", SWITCHES)
        assert answer.status_code == 200, answer.text
        expected = {**SWITCHES, "job_run_result_for": [["Replica B", "Warning"]]}
        assert {name: answer.json()[name] for name in SWITCHES} == expected
        assert simulator.config.run_result_of("Replica B") == "Warning"
        assert simulator.config.run_result_of("Replica A") == "Failed"


@pytest.mark.parametrize("bad", [
    {"job_run_result": "Stopped"}, {"job_run_result_for": {"Replica A": "None"}}, {"failed_task_shape": "empty"},
    {"already_running_answer": "error-500"}, {"retry_not_failed_answer": "refuse"}, {"job_run_seconds": -1},
    {"task_seconds": -0.5}, {"collect_seconds": -3}, {"task_lifetime_seconds": 0},
    {"collection_interval_seconds": 0}, {"job_run_seconds": "ten"},
])
def test_a_bad_switch_is_refused_with_400_and_changes_nothing(certificates, bad):
    with jobs_simulator(certificates) as simulator:
        before = simulator.config
        assert control(simulator, "POST", "config", bad).status_code == 400
        assert simulator.config == before


def test_simulated_time_moves_on_and_never_back(certificates):
    with jobs_simulator(certificates) as simulator:
        before = parse_utc(control(simulator, "GET", "stats").json()["now"])
        moved = control(simulator, "POST", "advance", {"seconds": 90})
        assert moved.status_code == 200
        assert 90 <= (parse_utc(moved.json()["now"]) - before) / TICKS_PER_SECOND < 91
        for bad in ({"seconds": -1}, {}, {"seconds": "soon"}):
            assert control(simulator, "POST", "advance", bad).status_code == 400, bad


def test_a_simulator_process_moves_its_time_on_too():
    with SimulatorProcess("--fixture", DOCUMENTED) as simulator:
        before = parse_utc(simulator.stats()["now"])
        after = parse_utc(simulator.advance(600)["now"])
    assert 600 <= (after - before) / TICKS_PER_SECOND < 610


def test_each_write_is_counted_by_its_exact_path_method_and_answer(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as admin, \
            logged_on(simulator, "portal_user") as user:
        admin.get(f"jobs/{JOB_IDS['Replica A']}")
        act(admin, "Replica A", "start")
        act(user, "Replica A", "start")
        collect(user)
        user.request("DELETE", "tasks/task-2")
        act(admin, "Replica A", "sync")
        admin.get("tasks")
        admin.logout()
        stats = control(simulator, "GET", "stats").json()
    collect_a = f"POST /api/backupServers/{SERVER_A}?action=collect"
    sync_a = f"POST /api/jobs/{JOB_IDS['Replica A']}?action=sync"
    # Logons, logoffs and reads are not writes.
    assert stats["writes"] == {START_A: 2, collect_a: 1, "DELETE /api/tasks/task-2": 1, sync_a: 1}
    assert stats["write_log"] == [{"request": START_A, "status": 202}, {"request": START_A, "status": 403},
                                  {"request": collect_a, "status": 202},
                                  {"request": "DELETE /api/tasks/task-2", "status": 204},
                                  {"request": sync_a, "status": 400}]


def test_a_write_answered_by_an_injected_fault_is_logged_with_that_answer(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        simulator.configure(error_rate=1.0, error_statuses=(503,))
        assert act(em, "Replica A", "start").status_code == 503
        assert simulator.snapshot()["write_log"] == [{"request": START_A, "status": 503}]
        assert simulator.snapshot()["runs"] == []


def test_a_reset_forgets_the_writes_but_not_the_runs(certificates):
    with jobs_simulator(certificates) as simulator, logged_on(simulator) as em:
        act(em, "Replica A", "start")
        after = control(simulator, "POST", "reset", {}).json()
        assert (after["writes"], after["write_log"]) == ({}, [])
        assert [run["job_name"] for run in after["runs"]] == ["Replica A"]


def test_the_snapshot_shows_each_run_as_its_backup_server_knows_it(certificates):
    with jobs_simulator(certificates, collection_interval_seconds=900) as simulator, logged_on(simulator) as em:
        act(em, "Replica B", "retry")
        simulator.advance(3)
        act(em, "Replica B", "stop")
        run = simulator.snapshot()["runs"][0]
        started = parse_utc(run["started"])
        assert {key: run[key] for key in ("job_id", "job_name", "backup_server_name", "is_retry", "vm_names",
                                          "stopped", "state", "result", "em_sees_until")} == {
            "job_id": JOB_IDS["Replica B"], "job_name": "Replica B", "backup_server_name": "vbr-a.corp.example",
            "is_retry": True, "vm_names": ["db-b2", "db-b3"], "stopped": True, "state": "Stopping",
            "result": "None", "em_sees_until": None,
        }
        assert run["job_session_uid"].startswith("urn:veeam:ReplicaJobSession:")
        assert 4.0 <= (parse_utc(run["ends"]) - started) / TICKS_PER_SECOND < 4.5  # stopped at 3 s, 1 s to stop
