"""replica_point with collect: true while it waits (_replica_point_recollect) against the simulator,
and wait_timeout bounding the collection and the wait together.

EM here collects by itself once in 10**6 s (its schedule never falls within a test), so only the
module's collections show a run: each shows the backup server as it was collect_seconds (3) after
the request. The wait polls at 0, 1, 2.5, 4.75, 8.125 s after the start, then every
poll_interval_max; 'Tier 1 "Gold" DR' runs web"front then db,reporting: of a run of L seconds,
Starting for L/5, web"front's point at L/5 + 0.35 L, db,reporting's at L/5 + 0.7 L, ended at L.
"""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point import EnsureFailed, ensure
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options, estate_simulator, leak_checked
from ansible_collections.veeam_em.core.tests.unit.simulated_time import SimulatedTime

GOLD = 'Tier 1 "Gold" DR'
VBR01 = "vbr01.corp.example"
RARELY = 10 ** 6  # EM's own collection interval here: never within a test


@pytest.fixture(scope="module")
def estate():
    with estate_simulator(seed=7, servers=2, jobs_per_server=2, vms_per_job=2, days=1, interval_hours=6) as simulator:
        yield simulator


@pytest.fixture
def simulator(estate):
    yield from leak_checked(estate)
    estate.advance(3600)  # every run started here ends, and every point made here is over 30m old


def run(simulator, **params):
    """ensure with collect on simulated time; (result or the EnsureFailed, simulated seconds it took)."""
    options = {"backup_server_names": None, "collect": True, "wait_timeout": 1200, "poll_interval_max": 30,
               "collect_interval": 60, "max_age": "30m", **params}
    time = SimulatedTime(simulator)
    with open_api(connection_options(simulator)) as api:
        try:
            return ensure(api, options, False, clock=time.clock, sleep=time.sleep, now=time.em_now), time.now
        except EnsureFailed as error:
            return error, time.now


def writes(simulator) -> list[str]:
    return [entry["request"] for entry in simulator.snapshot()["write_log"]]


def ids(simulator) -> tuple[str, str]:
    gold = next(job for job in simulator.dataset.jobs if job.name == GOLD)
    return f"POST /api/jobs/{gold.id}?action=start", f"POST /api/backupServers/{gold.server.id}?action=collect"


def test_the_run_shows_at_the_first_collection_after_the_interval_not_at_ems_schedule(simulator):
    simulator.configure(collection_interval_seconds=RARELY)
    start, collect = ids(simulator)
    result = run(simulator, vm_names=['web"front'], collect_interval=15)[0]
    # Run of 10 s: ended before the poll at 20.78 s, the first 15 s after the start; it collects
    # there, the data is in at 23.78 and the next poll (20.78 + 11.39) sees it.
    assert writes(simulator) == [collect, start, collect]
    assert (result["changed"], result["collection"]["collected_again"]) == (True, {VBR01: 1})
    entry = result["vms"][0]
    assert (entry["job_session"]["state"], entry["point_after"]["vm_name"]) == ("Stopped", 'web"front')
    assert entry["waited_seconds"] == 32.2  # 32.171875 s on the simulated clock, to a tenth as returned


def test_a_long_run_is_collected_again_each_interval_but_never_while_a_collection_runs(simulator):
    simulator.configure(collection_interval_seconds=RARELY, job_run_seconds=40, task_seconds=13)
    start, collect = ids(simulator)
    result = run(simulator, vm_names=['web"front', "db,reporting"], collect_interval=5, poll_interval_max=4)[0]
    # Polls at 8.125, 12.125, ... 4 s apart. Collect at 8.125 (task Finished at 21.125: none at 12.125,
    # 16.125, 20.125), at 24.125 (data of 27.125: web"front's point of 22, not db,reporting's of 36;
    # Finished at 37.125), at 40.125 (data of 43.125: the run ended at 40); the poll at 44.125 sees all.
    # Every 5 s regardless of the tasks would have collected 5 times.
    assert writes(simulator) == [collect, start, collect, collect, collect]
    assert result["collection"]["collected_again"] == {VBR01: 3}
    assert [entry["point_after"]["vm_name"] for entry in result["vms"]] == ['web"front', "db,reporting"]
    assert result["vms"][0]["waited_seconds"] == 44.1  # 44.125 s, to a tenth


def test_wait_timeout_bounds_the_collection_and_the_wait_together(simulator):
    # 'SQL Replication' runs and never ends: the module collects, finds it running and waits for it.
    failed, took = run(simulator, vm_names=["sql 01"], wait_timeout=20)
    assert isinstance(failed, EnsureFailed)
    assert str(failed).startswith("No new restore point within wait_timeout (20 seconds) for replication job "
                                  "'SQL Replication' on vbr01.corp.example")
    assert took == pytest.approx(20)  # not 20 for the wait after the collection's own seconds
    assert failed.known["collection"]["collected_again"] == {}  # 60 s between collections: none in 20 s
    assert writes(simulator) == [ids(simulator)[1]]


def test_a_collect_interval_under_a_second_is_refused_before_any_request(simulator):
    with pytest.raises(ConfigurationError, match="collect_interval must be at least 1 second, not 0.5"):
        run(simulator, vm_names=['web"front'], collect_interval=0.5)
    assert writes(simulator) == []
