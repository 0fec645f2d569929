"""The evidence read beside the task sessions (plugin_utils._evidence_read): what it folds,
that a failed evidence read fails the summaries instead of thinning them, that a failed
session read stops it before the caller logs out, and that replication jobs refused to the
account leave coverage not judged while any other refusal stays an error."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied, ConnectionFailure
from ansible_collections.veeam_em.core.plugins.module_utils._rights import REPLICATION_JOBS, RESTORE_POINTS, Right
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._fold import VmFold
from ansible_collections.veeam_em.core.plugins.plugin_utils._evidence_read import EvidenceRead
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import read_settings

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def _point(vm: str, hours_ago: int) -> dict[str, Any]:
    return {"id": f"p-{vm}-{hours_ago}", "uid": None, "name": vm, "vm_name": vm, "type": "Snapshot", "algorithm": None,
            "creation_time": NOW - timedelta(hours=hours_ago), "replica_id": "r1",
            "replica_name": "Tier1 Replication", "backup_server_id": "s1", "backup_server_name": "vbr01", "href": None}


def _session(vm: str) -> dict[str, Any]:
    return {"id": f"t-{vm}", "uid": f"urn:veeam:ReplicaTaskSession:t-{vm}", "vm_name": vm, "job_name": "Tier1 Replication",
            "job_session_id": "j1", "backup_server_id": "s1", "backup_server_name": "vbr01", "result": "Success",
            "state": "Completed", "creation_time": datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
            "end_time": datetime(2026, 11, 30, 9, 5, tzinfo=timezone.utc), "total_size": 1, "reason": None, "href": None}


class FakeApi:
    """Answers the evidence reads from lists; `gate` holds the point pages after the first
    back until set (2 s at most), and every request after `closed` is set is counted as a
    request after logout."""

    def __init__(self, points: list[dict[str, Any]], fail_points: bool = False,
                 refused: dict[str, Right | None] | None = None) -> None:
        self.points, self.fail_points = points, fail_points
        # Reads EM refuses ("points", "jobs", "includes"), each with the right its refusal names.
        self.refused = refused or {}
        self.gate, self.closed, self.first_page = threading.Event(), threading.Event(), threading.Event()
        self.after_logout = 0
        self.requests = 0

    def _request(self, read: str) -> None:
        self.requests += 1
        if self.closed.is_set():
            self.after_logout += 1
        if read in self.refused:
            raise AccessDenied(f"Enterprise Manager refused the {read} (HTTP 403)", 403,
                               f"https://em.example:9398/api/{read}", self.refused[read])

    def iter_replica_points(self, query: Any) -> Iterator[list[dict[str, Any]]]:
        for number, point in enumerate(self.points):
            if number:
                self.gate.wait(2)
            self._request("points")
            self.first_page.set()
            if self.fail_points:
                raise ConnectionFailure("page 2 of the VmReplicaPoint query failed")
            yield [point]

    def replication_jobs(self, backup_servers: tuple[str, ...]) -> list[dict[str, Any]]:
        self._request("jobs")
        return [{"id": "job1", "name": "Tier1 Replication", "schedule_enabled": True, "next_run": None,
                 "backup_server_name": "vbr01", "backup_server_id": "s1"},
                {"id": "job2", "name": "Tier2 Replication", "schedule_enabled": False, "next_run": None,
                 "backup_server_name": "vbr01", "backup_server_id": "s1"}]

    def job_includes(self, job_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        self._request("includes")
        self.includes_asked = list(job_ids)
        return {"job1": [{"id": "o1", "name": "web01", "display_name": "web01", "object_type": "VM"},
                         {"id": "o2", "name": "new-vm01", "display_name": "new-vm01", "object_type": "VM"}],
                "job2": []}


def _settings(**options: Any) -> Any:
    # The points and jobs lane; the CDP and failover plan lane has its own tests (test_protection_read).
    return read_settings({"created_after": "2d", "rpo": "24h", "include_cdp": False, "include_failover_plans": False,
                          **options}, NOW)


def _summaries(settings: Any, evidence: Any) -> list[dict[str, Any]]:
    """What the inventory makes of the evidence: web01's session folded with it."""
    fold = VmFold(settings.selection, points_read=settings.reads_points).add_sessions([_session("web01")])
    return fold.add_points(evidence.points).summaries(evidence.jobs, evidence.includes, evidence.not_judged)


def test_points_and_coverage_read_beside_the_sessions_reach_the_summaries():
    api = FakeApi([_point("web01", 30), _point("web01", 2)])
    api.gate.set()
    settings = _settings()
    with EvidenceRead(api, settings) as reading:
        summaries = {summary["vm_name"]: summary for summary in _summaries(settings, reading.result())}
    assert summaries["web01"]["restore_points"] == 2
    assert summaries["web01"]["last_point_time"] == "2026-11-30T10:00:00Z", "the newest point, 2 h before NOW"
    assert "new-vm01" in summaries, "an included VM with no session or point is covered"
    assert api.requests == 4


def test_nothing_is_read_beside_the_sessions_when_neither_is_asked():
    api = FakeApi([_point("web01", 2)])
    settings = _settings(rpo_basis="session", include_unreplicated=False)
    with EvidenceRead(api, settings) as reading:
        summaries = _summaries(settings, reading.result())
    assert [summary["vm_name"] for summary in summaries] == ["web01"] and summaries[0]["restore_points"] is None
    assert api.requests == 0


def test_a_failed_point_page_fails_the_summaries_not_thins_them():
    api = FakeApi([_point("web01", 2), _point("web01", 3)], fail_points=True)
    api.gate.set()
    settings = _settings()
    with pytest.raises(ConnectionFailure, match="VmReplicaPoint"):
        with EvidenceRead(api, settings) as reading:
            _summaries(settings, reading.result())


def test_a_failed_session_read_stops_the_evidence_read_before_logout():
    api = FakeApi([_point(f"vm{number}", 2) for number in range(50)])
    with pytest.raises(ConnectionFailure, match="sessions"):
        with EvidenceRead(api, _settings()):
            assert api.first_page.wait(5)
            raise ConnectionFailure("page 7 of the ReplicaTaskSession query failed (sessions)")
    # Leaving the block waited for the worker: the page it was waiting for was its last.
    api.closed.set()
    assert api.requests == 2, "the worker stopped at its next page instead of reading all 50"
    assert api.after_logout == 0


# -- an account refused the replication jobs (issue 25) --------------------------------------------

COVERAGE_REFUSED = {"checks": "coverage", "reason": "no right to read replication jobs"}


@pytest.mark.parametrize("refused", ["jobs", "includes"])
def test_jobs_or_includes_refused_leave_coverage_not_judged_and_the_rest_read(refused):
    api = FakeApi([_point("web01", 2)], refused={refused: REPLICATION_JOBS})
    settings = _settings()
    with EvidenceRead(api, settings) as reading:
        evidence = reading.result()
    assert evidence.jobs is None and evidence.includes == {}, "no job is half read"
    assert evidence.not_judged == [COVERAGE_REFUSED]
    assert len(evidence.points) == 1, "the points are still read and kept"
    [web01] = _summaries(settings, evidence)  # no new-vm01: nothing says it is in a job
    assert web01["vm_name"] == "web01" and web01["restore_points"] == 1
    assert web01["not_judged"] == [COVERAGE_REFUSED]
    assert "never_replicated" not in web01 and "job_schedule_enabled" not in web01, "no job, so no coverage"


@pytest.mark.parametrize("refused", [{"points": RESTORE_POINTS}, {"jobs": None}, {"includes": RESTORE_POINTS}])
def test_any_other_refusal_is_still_an_error(refused):
    """Only a refusal naming the right to read replication jobs is coverage not judged: the
    points refused, or a job read refused for a reason the client could not name, fail."""
    api = FakeApi([_point("web01", 2)], refused=refused)
    with pytest.raises(AccessDenied, match="Enterprise Manager refused the"):
        with EvidenceRead(api, _settings()) as reading:
            reading.result()


def test_every_job_read_is_kept_and_only_the_selected_have_their_includes_read():
    """The jobs the selection does not keep stay in the evidence, so VmFold can tell them from
    no job shown; their includes are not asked for (a request per job)."""
    api = FakeApi([])
    settings = _settings(job_names=["Tier1*"], rpo_basis="session")
    with EvidenceRead(api, settings) as reading:
        evidence = reading.result()
    assert [job["name"] for job in evidence.jobs] == ["Tier1 Replication", "Tier2 Replication"]
    assert api.includes_asked == ["job1"]
    assert evidence.not_judged == []
