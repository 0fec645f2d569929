"""replica_point's ensure against the simulator over HTTPS: what it sent (the write log), what it
returned, and how each failure reads. The wait's sleep moves the simulator's clock, so the runs
(10 simulated seconds), the start tasks (2) and the collections (3) pass without real waiting.

The generated estate (seed 7) has, on vbr01, 'SQL Replication' (sql 01, new-vm01; a generated run
still going, never ending), 'Tier 1 "Gold" DR' (web"front, db,reporting) and a never-run job with a
Folder include; on vbr02 'Web, App & DB' (shared-dc01, Köln-fs01) and 'Zürich Standby' (データ01,
mail;01, new-vm04); shared-dc01 is in two jobs. Its history ends in 2025, so every VM is stale for a
max_age of hours, and fresh for one of ten years.
"""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _rights as rights
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point import EnsureFailed, ensure
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_jobs import JobNotFound
from ansible_collections.veeam_em.core.plugins.module_utils.em._actions import EmActions
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options, estate_simulator, leak_checked
from ansible_collections.veeam_em.core.tests.unit.simulated_time import SimulatedTime

USER, USER_PASSWORD = "CORP\\rp-portal-user", "Rp-Pw-26"
GOLD = 'Tier 1 "Gold" DR'


@pytest.fixture(scope="module")
def estate():
    with estate_simulator(seed=7, servers=2, jobs_per_server=2, vms_per_job=2, days=1, interval_hours=6) as simulator:
        simulator.add_user(USER, USER_PASSWORD, roles=("PortalUser",))
        yield simulator


@pytest.fixture
def simulator(estate):
    yield from leak_checked(estate)
    estate.advance(3600)  # every run started here ends, and every point made here is over 30m old


def run(simulator, check_mode=False, connection=None, **params):
    options = {"backup_server_names": None, "collect": False, "wait_timeout": 120, "poll_interval_max": 30, **params}
    time = SimulatedTime(simulator)
    with open_api(connection_options(simulator, **(connection or {}))) as api:
        return ensure(api, options, check_mode, clock=time.clock, sleep=time.sleep, now=time.em_now)


def writes(simulator) -> list[str]:
    return [entry["request"] for entry in simulator.snapshot()["write_log"]]


def job(simulator, name):
    return next(job for job in simulator.dataset.jobs if job.name == name)


def by_vm(result) -> dict:
    return {entry["vm_name"]: entry for entry in result["vms"]}


def test_fresh_vms_make_no_write_and_no_change(simulator):
    result = run(simulator, vm_names=['web"front', "Köln-fs01"], max_age="3650d")
    assert (result["changed"], result["started_jobs"], writes(simulator)) == (False, [], [])
    assert all(entry["point_before"] is not None and entry["job_name"] is None for entry in result["vms"])


def test_stale_vms_of_one_job_start_it_once_and_each_gets_a_new_point(simulator):
    gold = job(simulator, GOLD)
    result = run(simulator, vm_names=['web"front', "db,reporting"], max_age="30m")
    assert writes(simulator) == [f"POST /api/jobs/{gold.id}?action=start"]
    assert (result["changed"], result["started_jobs"]) == (True, [GOLD])
    for vm, entry in by_vm(result).items():
        assert entry["point_after"]["vm_name"] == vm
        assert entry["point_after"]["creation_time"] > entry["point_before"]["creation_time"]
        assert (entry["job_name"], entry["started"]) == (GOLD, True)
        assert (entry["job_session"]["state"], entry["job_session"]["result"]) == ("Stopped", "Success")
    # A second run right after finds them fresh: no write
    again = run(simulator, vm_names=['web"front', "db,reporting"], max_age="30m")
    assert (again["changed"], writes(simulator)) == (False, [f"POST /api/jobs/{gold.id}?action=start"])


def test_check_mode_starts_nothing_and_names_the_job_that_would_start(simulator):
    result = run(simulator, check_mode=True, vm_names=['web"front', "データ01"], max_age="30m")
    assert (result["changed"], result["would_start"], writes(simulator)) == (True, [GOLD, "Zürich Standby"], [])


def test_a_job_already_running_is_waited_for_and_not_started_again(simulator):
    gold = job(simulator, GOLD)
    with open_api(connection_options(simulator)) as api:
        EmActions(api.session).job_action(gold.id, "start")
    simulator.advance(3)  # its session is Working: EM shows runs at once here
    result = run(simulator, vm_names=['web"front'], max_age="30m")
    assert writes(simulator) == [f"POST /api/jobs/{gold.id}?action=start"]  # the one made above
    entry = by_vm(result)['web"front']
    followed = simulator.snapshot()["runs"][-1]["job_session_uid"]  # the run started above
    assert (result["changed"], entry["started"], entry["point_after"]["vm_name"]) == (False, False, 'web"front')
    # web"front is the job's first VM: its point exists while the run goes on with db,reporting
    assert (followed.endswith(entry["job_session"]["id"]), entry["job_session"]["state"]) == (True, "Working")
    # While the run goes EM writes the result None; the module says null, as replication_job does.
    assert (entry["job_session"]["result"], entry["job_session"]["end_time"]) == (None, None)


@pytest.mark.parametrize("answer", ["failed-task", "error-400", "error-409"])
def test_a_start_refused_because_em_had_not_yet_shown_the_run_is_waited_for(simulator, answer):
    gold = job(simulator, GOLD)
    simulator.configure(collection_interval_seconds=900, already_running_answer=answer)
    with open_api(connection_options(simulator)) as api:
        EmActions(api.session).job_action(gold.id, "start")  # a run EM will show at its next collection
    result = run(simulator, vm_names=['web"front'], max_age="30m", wait_timeout=1200, poll_interval_max=60)
    assert writes(simulator) == [f"POST /api/jobs/{gold.id}?action=start"] * 2
    entry = by_vm(result)['web"front']
    assert (result["changed"], entry["started"], entry["point_after"] is not None) == (False, False, True)


def test_a_start_em_answers_well_while_the_run_goes_on_is_followed_to_that_run(simulator):
    # "no-op": EM's task says the start went well, and nothing new runs; the run going on is followed
    gold = job(simulator, GOLD)
    simulator.configure(collection_interval_seconds=900, already_running_answer="no-op")
    with open_api(connection_options(simulator)) as api:
        EmActions(api.session).job_action(gold.id, "start")
    result = run(simulator, vm_names=['web"front'], max_age="30m", wait_timeout=1200, poll_interval_max=60)
    assert writes(simulator) == [f"POST /api/jobs/{gold.id}?action=start"] * 2
    assert [entry["job_session_uid"] for entry in simulator.snapshot()["runs"]][-1].endswith(
        by_vm(result)['web"front']["job_session"]["id"])
    assert result["changed"] is True  # EM took a start; whether it ran anew, EM does not say


def test_a_job_that_never_ends_times_out_saying_it_still_runs_and_what_is_known(simulator):
    with pytest.raises(EnsureFailed) as timed_out:
        run(simulator, vm_names=["sql 01"], max_age="30m", wait_timeout=20)
    message = str(timed_out.value)
    assert message.startswith("No new restore point within wait_timeout (20 seconds) for replication job "
                              "'SQL Replication' on vbr01.corp.example: its session ")
    assert "is Working; VM(s) sql 01 have no new restore point. The job still runs" in message
    known = by_vm(timed_out.value.known)["sql 01"]
    assert (timed_out.value.known["changed"], known["started"], known["job_session"]["state"]) == (
        False, False, "Working")
    assert writes(simulator) == []


def test_a_failing_run_fails_naming_the_job_the_vm_and_what_em_said(simulator):
    zurich = job(simulator, "Zürich Standby")
    simulator.configure(job_run_result_for=(("Zürich Standby", "Failed"),))
    with pytest.raises(EnsureFailed) as failed:
        run(simulator, vm_names=["データ01"], max_age="30m")
    message = str(failed.value)
    assert message.startswith("The run of replication job 'Zürich Standby' on vbr02.corp.example (session ")
    assert "ended Failed without a new restore point for VM(s) データ01: " in message
    assert (failed.value.known["changed"], failed.value.known["started_jobs"]) == (True, ["Zürich Standby"])
    assert writes(simulator) == [f"POST /api/jobs/{zurich.id}?action=start"]


def test_a_portal_user_is_refused_the_start_and_told_the_role(simulator):
    with pytest.raises(AccessDenied) as refused:
        run(simulator, connection={"username": USER, "password": USER_PASSWORD}, vm_names=['web"front'],
            max_age="30m")
    # A Portal User may not read the jobs either: the first refusal names the role it needs.
    assert refused.value.right is rights.REPLICATION_JOBS and "Portal Administrator" in str(refused.value)
    assert writes(simulator) == []


def test_a_vm_in_two_jobs_or_in_none_is_named_with_the_jobs_and_containers(simulator):
    with pytest.raises(JobNotFound) as not_found:
        run(simulator, vm_names=["shared-dc01", "ghost01"], max_age="30m")
    message = str(not_found.value)
    assert ("VM 'shared-dc01' is included in several replication jobs ('SQL Replication' on vbr01.corp.example, "
            "'Web, App & DB' on vbr02.corp.example)") in message
    assert "VM 'ghost01' is included by name in no replication job" in message
    assert "(Folder 'Tier3 VMs' in job 'Replication Job (new, never run)')" in message
    assert writes(simulator) == []


def test_collect_shows_a_point_em_had_not_collected_so_nothing_starts(simulator):
    gold = job(simulator, GOLD)
    simulator.configure(collection_interval_seconds=900)
    with open_api(connection_options(simulator)) as api:
        EmActions(api.session).job_action(gold.id, "start")
    simulator.advance(20)  # the run ended on the backup server; EM shows it at its next collection
    result = run(simulator, vm_names=['web"front'], max_age="30m", collect=True)
    server = gold.server
    assert writes(simulator) == [f"POST /api/jobs/{gold.id}?action=start",
                                 f"POST /api/backupServers/{server.id}?action=collect"]
    assert (result["changed"], result["collection"]["backup_server_names"]) == (False, [server.name])
    assert by_vm(result)['web"front']["job_name"] is None  # fresh once collected


def test_without_collect_the_same_lag_starts_the_job_again(simulator):
    gold = job(simulator, GOLD)
    simulator.configure(collection_interval_seconds=900)
    with open_api(connection_options(simulator)) as api:
        EmActions(api.session).job_action(gold.id, "start")
    simulator.advance(20)
    result = run(simulator, vm_names=['web"front'], max_age="30m", wait_timeout=1200, poll_interval_max=60)
    assert writes(simulator) == [f"POST /api/jobs/{gold.id}?action=start"] * 2
    assert result["changed"] is True
