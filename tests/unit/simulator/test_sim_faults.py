"""Each fault switch: latency, 5xx answers, dropped connections, cut bodies, token expiry."""
from __future__ import annotations

import threading
import time

import pytest
import requests
from lxml import etree

from ansible_collections.veeam_em.core.tests.unit.simhelpers import EmTestClient, parse


def test_fixed_and_random_latency(fresh_simulator):
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        fresh_simulator.configure(latency_ms=150)
        started = time.monotonic()
        em.get("backupServers")
        assert time.monotonic() - started >= 0.15
        fresh_simulator.configure(latency_ms=0, latency_jitter_ms=100, fault_seed=4)
        started = time.monotonic()
        for _attempt in range(5):
            em.get("backupServers")
        elapsed = time.monotonic() - started
        assert 0.05 < elapsed  # five draws from 0-100 ms; the seed makes them non-trivial


@pytest.mark.parametrize("status", [500, 503])
def test_error_rate_answers_with_em_error_bodies(fresh_simulator, status):
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        fresh_simulator.configure(error_rate=1.0, error_statuses=(status,), retry_after=2)
        response = em.get("backupServers")
        assert response.status_code == status
        assert parse(response).get("StatusCode") == str(status)
        assert response.headers["Retry-After"] == "2"
        assert fresh_simulator.snapshot()["faults"] == {f"error_{status}": 1}


def test_error_rate_is_a_rate(fresh_simulator):
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        fresh_simulator.configure(error_rate=0.3, fault_seed=9)
        statuses = [em.get("backupServers").status_code for _attempt in range(200)]
        assert 30 <= statuses.count(503) <= 90 and statuses.count(200) + statuses.count(503) == 200


def test_dropped_connection_gives_no_answer(fresh_simulator):
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        fresh_simulator.configure(drop_rate=1.0)
        with pytest.raises(requests.ConnectionError):
            em.get("backupServers")
        fresh_simulator.configure(drop_rate=0.0)
        assert em.get("backupServers").status_code == 200
        assert fresh_simulator.snapshot()["faults"]["drop"] == 1


def test_truncated_body_is_not_well_formed_xml(fresh_simulator):
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        whole = em.get("replicaTaskSessions", params={"format": "Entity"}).content
        fresh_simulator.configure(truncate_rate=1.0)
        cut = em.get("replicaTaskSessions", params={"format": "Entity"})
        assert cut.status_code == 200 and len(cut.content) == len(whole) // 2
        with pytest.raises(etree.XMLSyntaxError):
            parse(cut)


def test_token_expires_after_n_requests(fresh_simulator):
    fresh_simulator.configure(token_expiry_after=3)
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        assert [em.get("backupServers").status_code for _attempt in range(4)] == [200, 200, 200, 401]
        em.logon()
        assert em.get("backupServers").status_code == 200
    assert fresh_simulator.snapshot()["sessions"]["expired"] == 1


def test_highest_concurrency_is_counted(fresh_simulator):
    fresh_simulator.configure(latency_ms=600)
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        fresh_simulator.reset_stats()
        threads = [threading.Thread(target=lambda: EmTestClient(fresh_simulator).get("", token=False)) for _attempt in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # A server thread finishes its bookkeeping just after its answer is sent: wait for it.
    deadline = time.monotonic() + 5
    while fresh_simulator.snapshot()["in_flight"] and time.monotonic() < deadline:
        time.sleep(0.01)
    snapshot = fresh_simulator.snapshot()
    assert snapshot["max_concurrency"] == 4 and snapshot["in_flight"] == 0
    assert snapshot["by_path"] == {"GET /api/": 4}


def test_faults_switch_over_http(fresh_simulator):
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        control = fresh_simulator.url.replace("/api/", "/_simulator/config")
        answer = em.http.post(control, json={"error_rate": 1.0}, verify=fresh_simulator.ca_path)
        assert answer.status_code == 200 and answer.json()["error_rate"] == 1.0
        assert em.get("backupServers").status_code == 503
        bad = em.http.post(control, json={"error_rate": 7}, verify=fresh_simulator.ca_path)
        assert bad.status_code == 400 and "error_rate" in parse(bad).get("Message")
