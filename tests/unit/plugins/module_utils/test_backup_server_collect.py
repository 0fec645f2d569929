"""backup_server_collect (acting/_backup_server_collect), then replica_evidence_info's read, against
the simulator's hand-written
estate (tests/unit/simulator/jobhelpers.py; servers vbr-a and vbr-b, Replica A on vbr-a with the
VMs app-a1 and app-a2). EM here collects once an hour (collection_interval_seconds), so a run of
Replica A that ended on the backup server is not shown until a collection is asked for.

Simulator defaults (config.py): a collect task is Running for 1 s, OperationFinished for 1 s,
then Finished; its data is visible 3 s after it was asked for; a run lasts 10 s. The waits run on
the simulator's clock with pauses of 1, 2, 4 and 8 s.
"""
from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied, ActionFailed, ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_replica_evidence
from ansible_collections.veeam_em.core.plugins.module_utils.acting._backup_server_collect import (
    CollectRequest,
    collect_backup_servers,
)
from ansible_collections.veeam_em.core.plugins.module_utils.acting._waiting import Backoff
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options
from ansible_collections.veeam_em.core.tests.unit.simulated_time import SimulatedTime
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import (
    ACCOUNTS, PASSWORD, SERVER_A, SERVER_B, act, jobs_simulator, logged_on,
)

LAG = {"collection_interval_seconds": 3600}
# The estate's history is in 2025; the simulator's clock is today's.
WINDOW = {"created_after": "2025-01-01T00:00:00Z", "include_restore_points": True, "include_replication_jobs": False}


def gather(simulator: Any, account: str = "administrator", collect: dict[str, Any] | None = None,
           check_mode: bool = False, **params: Any) -> dict[str, Any]:
    """With `collect` (backup_server_collect's options), the collection first, in the same logon
    as the read; the result is the evidence, with the collection's result as `collected`."""
    time = SimulatedTime(simulator)
    options = connection_options(simulator, username=ACCOUNTS[account][0], password=PASSWORD)
    with open_api(options) as api:
        collected = None
        if collect is not None:
            collected = collect_backup_servers(api, CollectRequest.from_params({"wait_timeout": 60, **collect}), check_mode,
                                               clock=time.clock, sleep=time.sleep,
                                               backoff=Backoff(first=1.0, factor=2.0, cap=8.0))
        return {**gather_replica_evidence(api, {**WINDOW, **params}), "collected": collected}


def a_run_em_has_not_collected(simulator: Any) -> None:
    with logged_on(simulator) as em:
        assert act(em, "Replica A", "start").status_code == 202
    simulator.advance(20)  # the run (10 s) has ended on vbr-a; EM's last collection was before it


def writes(simulator: Any) -> list[str]:
    return [entry["request"] for entry in simulator.snapshot()["write_log"]]


def vms_of(evidence: dict[str, Any], key: str) -> list[str]:
    return sorted(record["vm_name"] for record in evidence[key] if record["vm_name"].startswith("app-a"))


def test_without_collect_em_shows_what_it_collected_last(certificates):
    with jobs_simulator(certificates, **LAG) as simulator:
        a_run_em_has_not_collected(simulator)
        evidence = gather(simulator)
        # Only the run of the estate: app-a1 and app-a2 once each, app-a1's one point.
        assert vms_of(evidence, "replica_task_sessions") == ["app-a1", "app-a2"]
        assert vms_of(evidence, "replica_points") == ["app-a1"]
        assert writes(simulator) == ["POST /api/jobs/aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa?action=start"]


def test_collect_asks_every_backup_server_and_the_read_sees_the_run_it_brought(certificates):
    with jobs_simulator(certificates, **LAG) as simulator:
        a_run_em_has_not_collected(simulator)
        simulator.reset_stats()
        evidence = gather(simulator, collect={})
        assert writes(simulator) == [f"POST /api/backupServers/{SERVER_A}?action=collect",
                                     f"POST /api/backupServers/{SERVER_B}?action=collect"]
        # Tasks Finished at 2 s (seen at 3 s after pauses of 1 and 2); the first read of the points,
        # at 3 s, has nothing to agree with; the second, at 3 + 4 = 7 s, agrees.
        collected = evidence["collected"]
        assert {key: collected[key] for key in ("changed", "backup_server_names", "proof", "waited_seconds")} == {
            "changed": True, "backup_server_names": ["vbr-a.corp.example", "vbr-b.corp.example"],
            "proof": "data seen", "waited_seconds": 7.0}
        assert [(entry["backup_server_name"], entry["task"]["state"], entry["task"]["success"])
                for entry in collected["tasks"]] == [("vbr-a.corp.example", "Finished", True),
                                                     ("vbr-b.corp.example", "Finished", True)]
        assert vms_of(evidence, "replica_task_sessions") == ["app-a1", "app-a1", "app-a2", "app-a2"]
        assert vms_of(evidence, "replica_points") == ["app-a1", "app-a1", "app-a2"]


def test_a_portal_user_collects_only_from_the_backup_servers_named(certificates):
    with jobs_simulator(certificates, **LAG) as simulator:
        evidence = gather(simulator, account="portal_user", collect={"backup_server_names": ["vbr-b.corp.example"]})
        assert writes(simulator) == [f"POST /api/backupServers/{SERVER_B}?action=collect"]
        assert evidence["collected"]["backup_server_names"] == ["vbr-b.corp.example"]


def test_check_mode_names_the_servers_and_sends_nothing(certificates):
    with jobs_simulator(certificates) as simulator:
        collected = gather(simulator, collect={"backup_server_names": ["vbr-a.corp.example"]}, check_mode=True)
        assert collected["collected"] == {"changed": True, "backup_server_names": ["vbr-a.corp.example"],
                                          "proof": None, "tasks": [], "waited_seconds": 0.0}
        assert writes(simulator) == []


def test_a_backup_server_em_does_not_know_fails_before_any_collect(certificates):
    with jobs_simulator(certificates) as simulator:
        with pytest.raises(ActionFailed) as unknown:
            gather(simulator, collect={"backup_server_names": ["vbr-a.corp.example", "vbr-c.corp.example"]})
        # The words of strict_names: the known names closest first (vbr-a and vbr-b are equally close to vbr-c).
        assert str(unknown.value) == (
            "backup_server_names: Enterprise Manager knows no backup server named 'vbr-c.corp.example', so nothing "
            "matches it; the backup servers it knows, closest first: vbr-a.corp.example, vbr-b.corp.example. "
            "Nothing was collected")
        assert unknown.value.known == {"changed": False}
        assert writes(simulator) == []


def test_a_name_in_the_wrong_case_or_a_pattern_is_named_so(certificates):
    with jobs_simulator(certificates) as simulator:
        with pytest.raises(ActionFailed) as refused:
            gather(simulator, collect={"backup_server_names": ["VBR-A.corp.example", "vbr-*"]})
        assert str(refused.value) == (
            "backup_server_names: Enterprise Manager knows no backup server named 'VBR-A.corp.example', so nothing "
            "matches it; 'vbr-a.corp.example' differs only in case, and Enterprise Manager's names are "
            "case-sensitive: write it as 'vbr-a.corp.example'; backup_server_names: 'vbr-*' is a pattern, and a "
            "collection needs exact names, as backup_server_info returns them. Nothing was collected")
        assert writes(simulator) == []


def test_a_restore_operator_is_refused_naming_the_roles_that_may(certificates):
    with jobs_simulator(certificates) as simulator:
        with pytest.raises(AccessDenied) as refused:
            gather(simulator, account="restore_operator", collect={"backup_server_names": ["vbr-a.corp.example"]})
        assert "Portal User" in str(refused.value) and "Portal Administrator" in str(refused.value)


def test_collect_tasks_that_do_not_finish_in_time_fail_saying_the_collection_was_asked(certificates):
    with jobs_simulator(certificates, task_seconds=100) as simulator:
        with pytest.raises(ActionFailed) as late:
            gather(simulator, collect={"wait_timeout": 10, "backup_server_names": ["vbr-a.corp.example"]})
        message = str(late.value)
        assert message.startswith("Enterprise Manager did not show the data collected from backup server(s) "
                                  "vbr-a.corp.example within 10 seconds: its collect tasks had not finished")
        assert late.value.known == {"changed": True, "backup_server_names": ["vbr-a.corp.example"]}


def test_wait_timeout_must_be_positive(certificates):
    with jobs_simulator(certificates) as simulator:
        with pytest.raises(ConfigurationError, match="wait_timeout must be more than 0 seconds, not 0"):
            gather(simulator, collect={"wait_timeout": 0})
        assert writes(simulator) == []
