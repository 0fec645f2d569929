"""Generated estates for judging over the window (datagen_window.py, issue 28): off by default,
deterministic, and holding the gaps, the VMs added mid-window and the two tenfold runs."""
from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from dataclasses import replace
from typing import Any

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator import Dataset, GeneratorSpec, generate
from ansible_collections.veeam_em.core.tests.em_simulator.cli import build_parser, main
from ansible_collections.veeam_em.core.tests.em_simulator.cli_window import window_settings
from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND, parse_utc
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXED_NOW

SECOND = TICKS_PER_SECOND
HOUR = 3600 * SECOND
DAY = 24 * HOUR
# 10 jobs (two gapped: jobs 5 and 10), 6-hourly over 7 days; a retention that keeps every point.
SPEC = GeneratorSpec(seed=5, servers=2, jobs_per_server=5, vms_per_job=4, days=7, now=FIXED_NOW, point_retention=40)
WINDOW = replace(SPEC, sla_gaps=True, vms_added_mid_window=3, anomalies=True)
GAP_NOTE = re.compile(r"(?P<server>[^/]+)/(?P<job>.+): (?P<count>[23]) runs missing between (?P<before>\S+) and (?P<after>\S+)\Z")


@pytest.fixture(scope="module")
def plain() -> Dataset:
    return generate(SPEC)


@pytest.fixture(scope="module")
def estate() -> Dataset:
    return generate(WINDOW)


def _runs(dataset: Dataset, job_name: str) -> list[Any]:
    return [session for session in dataset.job_sessions
            if session.job_name == job_name and not session.is_retry and session.ended is not None]


def _tasks_by_vm(dataset: Dataset) -> dict[str, list[Any]]:
    tasks: dict[str, list[Any]] = defaultdict(list)
    for task in dataset.task_sessions:  # sorted by creation
        tasks[f"{task.job_session.server.name}/{task.vm_name}"].append(task)
    return tasks


def test_off_by_default_the_estate_is_the_one_generate_always_made(plain: Dataset) -> None:
    assert (SPEC.sla_gaps, SPEC.vms_added_mid_window, SPEC.anomalies) == (False, 0, False)
    assert plain.notes == {}
    spelled_out = generate(replace(SPEC, sla_gaps=False, vms_added_mid_window=0, anomalies=False))
    assert [(task.id, task.ended, task.total_size) for task in spelled_out.task_sessions] == [
        (task.id, task.ended, task.total_size) for task in plain.task_sessions]


def test_the_same_spec_gives_the_same_estate(estate: Dataset) -> None:
    again = generate(WINDOW)
    assert again.notes == estate.notes
    assert [(task.id, task.created, task.ended, task.total_size, task.result) for task in again.task_sessions] == [
        (task.id, task.created, task.ended, task.total_size, task.result) for task in estate.task_sessions]


def test_every_fifth_job_misses_two_or_three_runs_before_its_last_two(plain: Dataset, estate: Dataset) -> None:
    notes = [GAP_NOTE.match(note) for note in estate.notes["sla_gap_runs"]]
    assert [match["job"] for match in notes] == [plain.jobs[4].name, plain.jobs[9].name]
    for match in notes:
        before, count = _runs(plain, match["job"]), int(match["count"])
        after = _runs(estate, match["job"])
        assert [run.id for run in after] == [run.id for run in before[:-(count + 2)] + before[-2:]]
        assert (after[-3].created, after[-2].created) == (parse_utc(match["before"]), parse_utc(match["after"]))
        # count runs missing: count + 1 intervals of 6 h between the runs around the gap, give or take jitter.
        assert abs(after[-2].created - after[-3].created - (count + 1) * 6 * HOUR) < 5 * 60 * SECOND


def test_the_gapped_jobs_vms_are_named_and_have_points_on_both_sides(estate: Dataset) -> None:
    gapped = {match["job"]: match for match in map(GAP_NOTE.match, estate.notes["sla_gap_runs"])}
    expected = [f"{job.server.name}/{item.name}" for job in estate.jobs if job.name in gapped
                for item in job.includes]
    assert estate.notes["sla_gap"] == [name for name in expected if "/new-vm" not in name]
    points = defaultdict(list)
    for point in estate.replica_points:
        if point.job.name in gapped:
            points[(point.job.name, point.vm_name)].append(point.created)
    both_sides = 0
    for (job_name, _vm), times in points.items():
        begin, end = parse_utc(gapped[job_name]["before"]), parse_utc(gapped[job_name]["after"])
        assert not [moment for moment in times if begin + HOUR < moment < end]
        both_sides += min(times) < begin + HOUR and max(times) > end
    # Some of the jobs' VMs fail on their own (stale, never): the others have points around the gap.
    assert both_sides >= len(gapped)


def test_vms_added_mid_window_are_first_processed_at_the_windows_middle(plain: Dataset, estate: Dataset) -> None:
    assert [note.split("/", 1)[1] for note in estate.notes["vm_added_mid_window"]] == [
        "added-vm01", "added-vm02", "added-vm03"]
    middle = FIXED_NOW - 7 * DAY // 2
    tasks = _tasks_by_vm(estate)
    for note in estate.notes["vm_added_mid_window"]:
        runs = tasks[note]
        job = runs[0].job_session
        # The job's first run at or after the middle, and every later one.
        assert [task.job_session.id for task in runs] == [
            run.id for run in _runs(plain, job.job_name) if run.created >= middle] + [
            run.id for run in plain.job_sessions if run.job_name == job.job_name and run.ended is None]
        assert middle <= job.created < middle + 6 * HOUR + 60 * SECOND
        assert {task.result for task in runs if task.ended is not None} == {"Success"}
        first_point = min(point.created for point in estate.replica_points if point.vm_name == runs[0].vm_name)
        assert first_point == runs[0].created  # points carry their task's creation time (coverage_gen)


def test_added_vms_join_jobs_that_are_not_gapped_running_or_from_backup(estate: Dataset) -> None:
    gapped = {match["job"] for match in map(GAP_NOTE.match, estate.notes["sla_gap_runs"])}
    hosts = [job for job in estate.jobs if any(item.name.startswith("added-vm") for item in job.includes)]
    assert [job.name for job in hosts] == [job.name for job in estate.jobs[:10]
                                           if job.name not in gapped and not job.from_backup][1:4]
    assert not any(session.ended is None for job in hosts for session in estate.job_sessions
                   if session.job_name == job.name)


def _plain_size(plain: Dataset, name: str) -> int:
    return _tasks_by_vm(plain)[name][0].total_size


def test_one_vms_newest_run_transfers_ten_times_its_size(plain: Dataset, estate: Dataset) -> None:
    [name] = estate.notes["size_anomaly"]
    runs = [task for task in _tasks_by_vm(estate)[name] if task.ended is not None]
    assert runs[-1].result == "Success"
    assert runs[-1].total_size == 10 * _plain_size(plain, name)
    assert all(0.95 <= task.total_size / _plain_size(plain, name) <= 1.05 for task in runs[:-1])


def test_another_vms_newest_run_lasts_ten_times_its_usual_length(estate: Dataset) -> None:
    [name] = estate.notes["duration_anomaly"]
    assert name not in estate.notes["size_anomaly"]
    runs = [task for task in _tasks_by_vm(estate)[name] if task.ended is not None]
    lengths = [(task.ended - task.created) / SECOND for task in runs]
    usual = statistics.median(lengths[:-1])
    assert runs[-1].result == "Success" and 270 <= min(lengths[:-1]) and max(lengths[:-1]) <= 990
    # Ten times the usual length; each earlier run is the usual length times 0.9-1.1.
    assert 10 / 1.1 <= lengths[-1] / usual <= 10 / 0.9
    assert runs[-1].ended < FIXED_NOW and runs[-1].job_session.ended >= runs[-1].ended


def test_only_the_two_named_runs_lie_far_outside_their_vms_history(estate: Dataset) -> None:
    outliers = set()
    for name, tasks in _tasks_by_vm(estate).items():
        runs = [task for task in tasks if task.ended is not None and task.result == "Success"]
        for index in range(5, len(runs)):
            for measure in (lambda task: task.ended - task.created, lambda task: task.total_size):
                earlier = [measure(task) for task in runs[max(0, index - 30):index]]
                median = statistics.median(earlier)
                # The rule of issue 28 (median, scale at least a tenth of it, threshold 5).
                if abs(measure(runs[index]) - median) / max(0.1 * median, 1) > 5:
                    outliers.add((name, runs[index].id))
    named = estate.notes["size_anomaly"] + estate.notes["duration_anomaly"]
    assert outliers == {(name, [task for task in _tasks_by_vm(estate)[name] if task.ended is not None][-1].id)
                        for name in named}


def test_completed_runs_end_before_now_and_job_sessions_after_their_tasks(estate: Dataset) -> None:
    for task in estate.task_sessions:
        if task.ended is not None:
            assert task.created < task.ended < FIXED_NOW
            if task.job_session.ended is not None:
                assert task.job_session.ended >= task.ended


def test_the_switches_are_off_unless_given_and_the_summary_names_the_cases(capsys: pytest.CaptureFixture[str]) -> None:
    assert window_settings(build_parser().parse_args([])) == {
        "sla_gaps": False, "vms_added_mid_window": 0, "anomalies": False}
    main(["--seed", "5", "--servers", "2", "--jobs-per-server", "5", "--vms-per-job", "4", "--now",
          "2025-11-24T16:00:00Z", "--point-retention", "40", "--sla-gaps", "--vms-added-mid-window", "3",
          "--anomalies", "--estate-summary"])
    summary = json.loads(capsys.readouterr().out)
    assert summary["special_cases"] == generate(WINDOW).notes
    assert set(summary["special_cases"]) == {"sla_gap", "sla_gap_runs", "vm_added_mid_window", "size_anomaly",
                                             "duration_anomaly"}


def test_a_negative_count_of_added_vms_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["--vms-added-mid-window", "-1"])
    assert stopped.value.code == 2
    assert "'-1' must not be negative" in capsys.readouterr().err
