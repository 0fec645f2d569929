"""Restore points, replication jobs and their includes against the simulator: EM-side filters,
request counts, and the evidence and coverage they give the judgement."""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, PointQuery, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied, ApiError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._fold import VmFold
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import Criteria, judge_vms
from ansible_collections.veeam_em.core.plugins.module_utils._records import settled_task_session
from ansible_collections.veeam_em.core.tests.em_simulator.coverage_gen import NEVER_RUN_FOLDER, NEVER_RUN_JOB
from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXED_NOW, connection_options, estate_simulator, leak_checked

NOW = datetime.fromtimestamp(FIXED_NOW / TICKS_PER_SECOND, timezone.utc)


@pytest.fixture(scope="module")
def estate():
    with estate_simulator(seed=4, servers=2, jobs_per_server=3, vms_per_job=6, days=5, interval_hours=6) as simulator:
        yield simulator


@pytest.fixture
def simulator(estate):
    yield from leak_checked(estate)


def api_call(simulator, call, page_size: int = 50, **options):
    with open_session(connection_options(simulator, **options)) as em:
        return call(EmApi(em, page_size=page_size, max_concurrency=3))


def at(ticks: int) -> datetime:
    # Whole microseconds, as the client keeps them (7-digit fractions are truncated).
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=ticks // 10)


def test_every_point_is_read_in_pages_newest_first(simulator):
    points = simulator.dataset.replica_points
    records = api_call(simulator, lambda api: api.replica_points(PointQuery()))
    assert [record["uid"] for record in records] == [point.uid for point in reversed(points)]
    truth = {point.uid: point for point in points}
    for record in records:
        point = truth[record["uid"]]
        assert (record["vm_name"], record["creation_time"], record["type"]) == (point.vm_name, at(point.created), point.point_type)
        assert (record["replica_name"], record["backup_server_name"]) == (point.job.name, point.server.name)
        assert record["backup_server_id"] == point.server.id and record["replica_id"] == point.job.replica_id
    assert simulator.snapshot()["by_path"] == {
        "POST /api/sessionMngr/": 1, "GET /api/query?type=VmReplicaPoint": math.ceil(len(points) / 50),
        "DELETE /api/logonSessions/{id}": 1,
    }


def test_point_filters_are_applied_by_em(simulator):
    points = simulator.dataset.replica_points
    vm, server = points[0].vm_name, points[0].server.name
    after = at(points[len(points) // 2].created)
    query = PointQuery(vm_names=(vm,), backup_servers=(server,), created_after=after - timedelta(days=2),
                       created_before=after, descending=False, limit=3)
    records = api_call(simulator, lambda api: api.replica_points(query))
    wanted = [p for p in points if p.vm_name == vm and p.server.name == server
              and after - timedelta(days=2) <= at(p.created) <= after][:3]
    assert [record["uid"] for record in records] == [point.uid for point in wanted]
    query_text = [path for path in simulator.snapshot()["by_path"] if "VmReplicaPoint" in path]
    assert query_text, "the points were not read through the query service"


def test_jobs_and_their_includes_cost_one_request_per_job(simulator):
    def read(api):
        jobs = api.replication_jobs()
        return jobs, api.job_includes([job["id"] for job in jobs])

    jobs, includes = api_call(simulator, read)
    truth = {job.id: job for job in simulator.dataset.jobs}
    assert sorted(job["id"] for job in jobs) == sorted(truth)
    for job in jobs:
        model = truth[job["id"]]
        assert (job["schedule_enabled"], job["next_run"]) == (model.schedule_enabled, at(model.next_run))
        assert [item["name"] for item in includes[job["id"]]] == [item.name for item in model.includes]
    folder = next(item for item in includes[next(j["id"] for j in jobs if j["name"] == NEVER_RUN_JOB)]
                  if item["name"] == NEVER_RUN_FOLDER)
    assert folder["object_type"] == "Folder"
    counts = simulator.snapshot()["by_path"]
    assert counts["GET /api/jobs/{id}/includes"] == len(truth)
    assert counts["GET /api/query?type=Job"] == 1


@pytest.mark.parametrize("element", ["NextRun", "NextRunUTC"])
def test_next_run_is_read_from_either_element_and_a_disabled_job_may_have_none(simulator, element):
    simulator.configure(next_run_element=element, disabled_next_run="omit")
    jobs = api_call(simulator, lambda api: api.replication_jobs())
    disabled = [job for job in jobs if job["schedule_enabled"] is False]
    assert disabled and all(job["next_run"] is None for job in disabled)
    assert all(job["next_run"] is not None for job in jobs if job["schedule_enabled"])


def test_an_account_refused_the_points_is_told_what_to_change(simulator):
    simulator.configure(points_access="forbidden")
    with pytest.raises(ApiError) as refused:
        api_call(simulator, lambda api: api.replica_points(PointQuery()))
    with pytest.raises(ApiError) as refused_pages:
        api_call(simulator, lambda api: list(api.iter_replica_points(PointQuery())))
    for error in (refused.value, refused_pages.value):
        assert isinstance(error, AccessDenied) and error.status_code == 403 and error.url.endswith("/api/query")
        assert ("reading replica restore points needs the Portal User, VM Restore Operator or Portal Administrator "
                "role in Enterprise Manager" in str(error)) and "rpo_basis: session" in str(error)


def test_an_account_shown_no_points_falls_back_to_sessions_per_vm(simulator):
    simulator.configure(points_access="empty")
    assert api_call(simulator, lambda api: api.replica_points(PointQuery())) == []
    statuses = judged(simulator, "restore_point")
    succeeded = [status for status in statuses.values() if status["last_success_time"]]
    assert succeeded and all(status["rpo_basis"] == "session" for status in succeeded)
    assert all(status["restore_points"] == 0 for status in statuses.values())


def test_other_refusals_of_the_points_are_not_blamed_on_rights(simulator):
    # A filter EM cannot parse is a 400: no advice about rights.
    with pytest.raises(ApiError) as refused:
        api_call(simulator, lambda api: api._query("VmReplicaPoint", _BadFilter(), lambda el: {}, {}))
    assert refused.value.status_code == 400 and "may not read" not in str(refused.value)


class _BadFilter:
    @staticmethod
    def render() -> str:
        return "CreationTime>>"


def judged(simulator, basis: str, rpo: timedelta = timedelta(hours=24)) -> dict:
    def read(api):
        fold = VmFold(points_read=True)
        fold.add_sessions(settled_task_session(raw)
                          for raw in api.task_sessions(TaskSessionQuery(created_after=NOW - timedelta(days=5))))
        fold.add_points(api.replica_points(PointQuery(created_after=NOW - timedelta(days=5))))
        jobs = api.replication_jobs()
        return fold.summaries(jobs, api.job_includes([job["id"] for job in jobs]))

    summaries = api_call(simulator, read)
    statuses = judge_vms(summaries, NOW, Criteria(rpo=rpo, rpo_basis=basis))
    return {(status["backup_server_name"], status["vm_name"]): status for status in statuses}


def test_restore_points_are_the_rpo_evidence_and_from_backup_warnings_never_refresh_it(simulator):
    statuses = judged(simulator, "restore_point")
    from_backup = next(job for job in simulator.dataset.jobs if job.from_backup)
    for vm in (item.name for item in from_backup.includes if not item.name.startswith("new-")):
        status = statuses[(from_backup.server.name, vm)]
        newest = max(p.created for p in simulator.dataset.replica_points if p.vm_name == vm and p.job is from_backup)
        assert status["rpo_basis"] == "restore_point" and status["last_point_time"] is not None
        assert datetime.fromisoformat(status["last_point_time"].replace("Z", "+00:00")) == at(newest)
        assert status["rpo_age_seconds"] == (NOW - at(newest)).total_seconds()
        # A point carries the backup's time: older than the session that made it.
        assert status["rpo_age_seconds"] > status["last_success_age_seconds"]
        if status["rpo_breached"]:
            assert status["message"].startswith("last restore point ")


def test_included_objects_without_evidence_are_never_replicated(simulator):
    statuses = judged(simulator, "restore_point")
    never = {key: status for key, status in statuses.items() if status["never_replicated"]}
    names = {vm for _server, vm in never}
    assert {"new-vm01", "new-db01", NEVER_RUN_FOLDER} <= names
    for status in never.values():
        assert status["findings"][0] == "never_replicated" and "never_succeeded" not in status["findings"]
        assert status["rpo_breached"] is True and status["session_count"] == 0 and status["rpo_basis"] is None
    folder = next(status for (_s, vm), status in never.items() if vm == NEVER_RUN_FOLDER)
    assert folder["object_type"] == "Folder" and "Folder included in replication job" in folder["message"]


def test_job_schedule_facts_reach_every_vm_of_the_job(simulator):
    statuses = judged(simulator, "restore_point")
    jobs = {job.name: job for job in simulator.dataset.jobs}
    for status in statuses.values():
        job = jobs[status["job_name"]]
        assert status["job_schedule_enabled"] is job.schedule_enabled
        assert status["job_overdue"] is (job.schedule_enabled and at(job.next_run) < NOW)
    assert any(status["job_overdue"] for status in statuses.values())
    assert any(status["job_schedule_enabled"] is False for status in statuses.values())


def test_session_basis_judges_as_before_points_were_read(simulator):
    by_point, by_session = judged(simulator, "restore_point"), judged(simulator, "session")
    assert by_point.keys() == by_session.keys()
    for key, status in by_session.items():
        if status["never_replicated"]:
            continue
        assert status["rpo_basis"] == "session"
        assert status["rpo_age_seconds"] == status["last_success_age_seconds"]
    changed = [key for key in by_point if by_point[key]["rpo_breached"] != by_session[key]["rpo_breached"]]
    assert changed, "the estate holds no VM whose verdict depends on the evidence"
    assert all(by_point[key]["rpo_breached"] for key in changed), "restore points can only be older than sessions"
