"""The RPO evidence (restore point or session) and coverage, on hand-made records: each
expected value is worked out here from the records' times, not taken from the code."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._coverage import with_coverage
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import Criteria, judge_summaries, replica_statuses
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._fold import VmFold

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
NOW_TEXT = "2026-11-29T12:00:00Z"


def ago(hours: float) -> str:
    return (NOW - timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def session(hours: float, result: str = "Success", vm: str = "db01", job: str = "Tier1") -> dict:
    return {"id": f"s{hours}{vm}", "vm_name": vm, "state": "Completed", "result": result, "reason": "",
            "creation_time": ago(hours), "end_time": ago(hours - 0.1), "job_name": job,
            "backup_server_id": "srv1", "backup_server_name": "vbr01"}


def point(hours: float, vm: str = "db01", replica: str = "Tier1") -> dict:
    return {"id": f"p{hours}{vm}", "vm_name": vm, "creation_time": ago(hours), "replica_name": replica,
            "backup_server_id": "srv1", "backup_server_name": "vbr01"}


def only(statuses: list[dict]) -> dict:
    [status] = statuses
    return status


def test_the_newest_point_is_the_evidence_even_when_a_session_is_newer():
    sessions, points = [session(10), session(40)], [point(13), point(43)]
    status = only(replica_statuses(sessions, rpo="12h", now=NOW_TEXT, points=points))
    assert (status["rpo_basis"], status["rpo_age_seconds"], status["restore_points"]) == ("restore_point", 13 * 3600, 2)
    assert status["last_point_time"] == ago(13) and status["rpo_breached"] is True
    assert status["message"] == f"last restore point 13h ago ({ago(13)}), older than the RPO of 12h"
    assert status["rpo_evidence_text"] == "restore point 13h ago" and status["rpo_used_percent"] == 108
    by_session = only(replica_statuses(sessions, rpo="12h", now=NOW_TEXT, points=points, rpo_basis="session"))
    assert (by_session["rpo_basis"], by_session["rpo_age_seconds"], by_session["rpo_breached"]) == ("session", 36000, False)


def test_a_warning_without_a_new_point_never_refreshes_the_rpo():
    sessions = [session(1, "Warning"), session(31)]
    status = only(replica_statuses(sessions, rpo="24h", now=NOW_TEXT, points=[point(31)]))
    assert status["rpo_age_seconds"] == 31 * 3600 and status["rpo_breached"] is True
    assert status["message"].startswith("last restore point 1d 7h ago")
    # Without points the Warning counts as a success, as it always did.
    before = only(replica_statuses(sessions, rpo="24h", now=NOW_TEXT))
    assert (before["rpo_basis"], before["rpo_age_seconds"], before["rpo_breached"]) == ("session", 3600, False)
    assert before["restore_points"] is None and before["last_point_time"] is None


def test_no_point_falls_back_to_the_last_success_and_says_so():
    sessions = [session(2, "Warning"), session(31), session(50, "Failed")]
    status = only(replica_statuses(sessions, rpo="24h", now=NOW_TEXT, points=[]))
    assert (status["rpo_basis"], status["rpo_evidence_time"], status["restore_points"]) == ("session", ago(31), 0)
    assert status["message"] == (f"no restore point; last successful session 1d 7h ago ({ago(31)}), "
                                 "older than the RPO of 1d; last result Warning")
    assert status["rpo_evidence_text"] == "no restore point; session 1d 7h ago"


def test_only_warnings_and_no_point_is_a_breach_without_never_succeeded():
    status = only(replica_statuses([session(3, "Warning")], rpo="24h", now=NOW_TEXT, points=[]))
    assert status["never_succeeded"] is False and status["rpo_breached"] is True and status["rpo_age_seconds"] is None
    assert "no restore point and no Success session in the data" in status["message"]


def test_a_vm_with_points_but_no_session_is_replicated_and_judged_on_its_point():
    status = only(replica_statuses([], rpo="24h", now=NOW_TEXT, points=[point(5, vm="fs01")]))
    assert (status["vm_name"], status["session_count"], status["never_succeeded"]) == ("fs01", 0, False)
    assert status["backup_server_id"] == "srv1" and status["rpo_breached"] is False


def test_points_are_selected_like_sessions_by_their_replica_name():
    points = [point(5, replica="Tier1"), point(2, replica="Other")]
    status = only(replica_statuses([session(1)], now=NOW_TEXT, points=points, include={"job_name": "Tier1"}))
    assert status["last_point_time"] == ago(5) and status["restore_points"] == 1


@pytest.mark.parametrize(("kwargs", "wording"), [
    ({"points": "x"}, "points: expects a list of restore point records"),
    ({"points": [1]}, "points: record 0 is a int, not a dict"),
    ({"points": [], "rpo_basis": "newest"}, "rpo_basis must be one of restore_point, session"),
])
def test_bad_points_and_basis_are_named(kwargs, wording):
    with pytest.raises(ConfigurationError, match=wording):
        replica_statuses([session(1)], now=NOW_TEXT, **kwargs)


def job(name: str, job_id: str, enabled: bool = True, next_run: datetime | None = None, configured: bool = True) -> dict:
    return {"id": job_id, "name": name, "backup_server_id": "srv1", "backup_server_name": "vbr01",
            "schedule_enabled": enabled, "schedule_configured": configured, "next_run": next_run}


def include(name: str, kind: str = "Vm") -> dict:
    return {"name": name, "display_name": name, "object_type": kind}


def test_coverage_adds_included_objects_without_evidence():
    summaries = VmFold(points_read=True).add_sessions([session(5)]).summaries()
    jobs = [job("Tier1", "j1", next_run=NOW - timedelta(hours=1)), job("Tier2", "j2", enabled=False),
            job("Tier3", "j3", next_run=NOW + timedelta(hours=1), configured=False)]
    includes = {"j1": [include("db01"), include("web01"), include("Prod", "Tag")],
                "j2": [include("web01"), include("Archive", "Folder")], "j3": [include("ghost")]}
    statuses = judge_summaries(with_coverage(summaries, jobs, includes), NOW, Criteria(rpo=timedelta(hours=24)))
    by_name = {status["vm_name"]: status for status in statuses}
    # Prod is a tag of a job that ran: its VMs show through their sessions, so it is not listed.
    assert sorted(by_name) == ["Archive", "db01", "ghost", "web01"]
    assert by_name["db01"]["never_replicated"] is False and by_name["db01"]["job_overdue"] is True
    web = by_name["web01"]
    assert web["never_replicated"] and web["job_names"] == ["Tier1", "Tier2"] and web["findings"] == ["never_replicated", "rpo_breach"]
    assert web["message"] == "included in replication job 'Tier1' but never replicated in the window (no task session, no restore point)"
    assert (by_name["Archive"]["object_type"], by_name["Archive"]["job_schedule_enabled"]) == ("Folder", False)
    # A schedule that is not configured runs only by hand: disabled, never overdue.
    assert (by_name["ghost"]["job_schedule_enabled"], by_name["ghost"]["job_overdue"]) == (False, False)


def test_the_filter_takes_jobs_and_selects_them_and_the_objects_it_adds():
    jobs = [{**job("Tier1", "j1", next_run=ago(1)), "includes": [include("db01"), include("web01"), include("test-01")]},
            {**job("Other", "j2", enabled=False), "includes": [include("ghost")]}]
    statuses = replica_statuses([session(5)], rpo="24h", now=NOW_TEXT, jobs=jobs,
                                include={"job_name": ["Tier1"]}, exclude={"vm_name": "test-*"})
    by_name = {status["vm_name"]: status for status in statuses}
    assert sorted(by_name) == ["db01", "web01"]
    assert by_name["db01"]["job_overdue"] is True and by_name["db01"]["job_next_run"] == ago(1)
    assert by_name["web01"]["findings"] == ["never_replicated", "rpo_breach"] and by_name["web01"]["failing"] is True
    with pytest.raises(ConfigurationError, match="jobs: expects a list of replication job records"):
        replica_statuses([session(5)], now=NOW_TEXT, jobs={"name": "x"})
