"""Generated CDP policies, CDP sessions and failover plans (datagen_protection.py): off by
default, deterministic, and holding the named cases issue 27 asks for."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator import Dataset, EmSimulator, GeneratorSpec, SimulatorConfig, generate
from ansible_collections.veeam_em.core.tests.em_simulator.cli import build_parser, main
from ansible_collections.veeam_em.core.tests.em_simulator.cli_protection import generator_settings
from ansible_collections.veeam_em.core.tests.em_simulator.datagen_protection import Estate, protection
from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXED_NOW, NS, EmTestClient, parse
from ansible_collections.veeam_em.core.tests.unit.simulator.long_term_estate import long_term_dataset

HOUR = 3600 * TICKS_PER_SECOND
DAY = 24 * HOUR
SPEC = {"seed": 3, "servers": 2, "jobs_per_server": 3, "vms_per_job": 4, "days": 7, "now": FIXED_NOW}


@pytest.fixture(scope="module")
def estate() -> Dataset:
    return generate(GeneratorSpec(**SPEC, cdp_policies_per_server=2, failover_plans_per_server=3))


def _newest_by_vm(dataset: Dataset) -> dict[tuple[str, str], Any]:
    newest: dict[tuple[str, str], Any] = {}
    for task in dataset.cdp_task_sessions:  # sorted by creation
        newest[(task.server.name, task.vm_name)] = task
    return newest


def _case(dataset: Dataset, name: str) -> list[tuple[str, str]]:
    return [tuple(note.split("/", 1)) for note in dataset.notes[name]]


def test_by_default_nothing_is_added_and_the_replica_history_is_unchanged(estate: Dataset) -> None:
    plain = generate(GeneratorSpec(**SPEC))
    assert (plain.cdp_policies, plain.cdp_task_sessions, plain.failover_plans, plain.notes) == ([], [], [], {})
    with_cdp = generate(GeneratorSpec(**SPEC, cdp_policies_per_server=2))
    assert [task.id for task in with_cdp.task_sessions] == [task.id for task in plain.task_sessions]
    # Plans may add one job with a stale point, but never change what was there.
    plain_ids = [task.id for task in plain.task_sessions]
    assert [task.id for task in estate.task_sessions if task.id in set(plain_ids)] == plain_ids


def test_the_same_spec_gives_the_same_estate(estate: Dataset) -> None:
    again = generate(GeneratorSpec(**SPEC, cdp_policies_per_server=2, failover_plans_per_server=3))
    assert [task.id for task in again.cdp_task_sessions] == [task.id for task in estate.cdp_task_sessions]
    assert [[vm.name for vm in plan.vms] for plan in again.failover_plans] == [
        [vm.name for vm in plan.vms] for plan in estate.failover_plans]


def test_policies_hold_two_to_four_vms_and_write_their_rpo_as_em_does(estate: Dataset) -> None:
    assert len(estate.cdp_policies) == 4
    for index, policy in enumerate(estate.cdp_policies):
        generated = [item for item in policy.includes if item.name.startswith("cdp-vm")]
        assert 2 <= len(generated) <= 4
        if index % 2 == 0:  # the first of each server: 15 minutes, RPO reporting on
            assert (policy.rpo.value, policy.rpo.unit, policy.warning_after is not None) == (15, "Minutes", True)
        else:
            assert (policy.rpo.value, policy.rpo.unit, policy.failed_after) == (300, "Seconds", None)


def test_one_vm_per_server_is_both_replicated_and_cdp_protected(estate: Dataset) -> None:
    both = _case(estate, "cdp_both_replicated")
    assert sorted(server for server, _vm in both) == ["vbr01.corp.example", "vbr02.corp.example"]
    for server, vm in both:
        in_jobs = {item.name for job in estate.jobs if job.server.name == server for item in job.includes}
        in_policies = {item.name for policy in estate.cdp_policies if policy.server.name == server
                       for item in policy.includes}
        assert vm in in_jobs and vm in in_policies
    cdp_names = {item.name for policy in estate.cdp_policies for item in policy.includes}
    replicated = {item.name for job in estate.jobs for item in job.includes}
    assert cdp_names & replicated == {vm for _server, vm in both}


def test_a_healthy_cdp_vm_ended_its_newest_session_within_its_rpo(estate: Dataset) -> None:
    breached = set(_case(estate, "cdp_rpo_breached"))
    checked = 0
    for policy in estate.cdp_policies:
        for item in policy.includes:
            task = _newest_by_vm(estate)[(policy.server.name, item.name)]
            if policy.schedule_enabled and (policy.server.name, item.name) not in breached:
                assert 0 < FIXED_NOW - task.ended < policy.rpo.seconds * TICKS_PER_SECOND
                assert (task.state, task.result) == ("Completed", "Success")
                checked += 1
    assert checked >= 4


def test_a_healthy_vm_has_one_session_per_rpo_over_the_day(estate: Dataset) -> None:
    # 15 minutes over the last day: 96 sessions (counted back from within 7.5 min of now).
    policy = estate.cdp_policies[0]
    counts = defaultdict(int)
    for task in estate.cdp_task_sessions:
        counts[task.vm_name] += 1
    healthy = [item.name for item in policy.includes if (policy.server.name, item.name)
               not in set(_case(estate, "cdp_rpo_breached"))]
    assert {counts[name] for name in healthy} == {96}


def test_the_breached_vm_stops_three_hours_ago_warning_then_failed(estate: Dataset) -> None:
    [(server, vm)] = _case(estate, "cdp_rpo_breached")
    tasks = [task for task in estate.cdp_task_sessions if task.vm_name == vm and task.server.name == server]
    assert FIXED_NOW - tasks[-1].ended >= 3 * HOUR
    assert FIXED_NOW - tasks[-1].ended < 3 * HOUR + 15 * 60 * TICKS_PER_SECOND
    assert [task.result for task in tasks[-3:]] == ["Success", "Warning", "Failed"]
    assert tasks[-1].reason == "RPO is not met"


def test_the_disabled_policys_vms_last_ran_a_day_ago(estate: Dataset) -> None:
    [(server, name)] = _case(estate, "cdp_policy_disabled")
    policy = next(policy for policy in estate.cdp_policies if policy.name == name)
    assert (policy.server.name, policy.schedule_enabled, policy.next_run) == (server, False, None)
    for item in policy.includes:
        age = FIXED_NOW - _newest_by_vm(estate)[(server, item.name)].ended
        assert DAY <= age < DAY + HOUR
    sessions = [session for session in estate.cdp_sessions if session.policy is policy]
    assert sessions[-1].state == "Stopped" and sessions[-1].ended == FIXED_NOW - DAY


def test_policy_sessions_last_a_day_and_hold_their_task_sessions(estate: Dataset) -> None:
    for session in estate.cdp_sessions:
        assert (session.ended or FIXED_NOW) - session.created <= DAY
    for task in estate.cdp_task_sessions:
        session = task.policy_session
        assert session.created <= task.created <= (session.ended or FIXED_NOW)
        assert session.policy.server is task.server


def _facts(estate: Dataset, server: str) -> tuple[dict[str, int], dict[str, str], set[str]]:
    newest_point = {}
    for point in estate.replica_points:
        if point.server.name == server:
            newest_point[point.vm_name] = max(newest_point.get(point.vm_name, 0), point.created)
    last_result = {}
    for task in estate.task_sessions:
        if task.server.name == server and task.state == "Completed":
            last_result[task.vm_name] = task.result
    enabled = {item.name for job in estate.jobs if job.server.name == server and job.schedule_enabled
               for item in job.includes}
    return newest_point, last_result, enabled


def test_the_first_plan_of_each_server_is_ready(estate: Dataset) -> None:
    for server in ("vbr01.corp.example", "vbr02.corp.example"):
        plan = next(plan for plan in estate.failover_plans if plan.server.name == server)
        newest_point, last_result, enabled = _facts(estate, server)
        assert [vm.order for vm in plan.vms] == [1, 2, 3]
        for vm in plan.vms:
            assert FIXED_NOW - newest_point[vm.name] < DAY
            assert last_result[vm.name] == "Success" and vm.name in enabled


def test_the_second_plan_holds_a_vm_without_replica_and_one_with_a_stale_point(estate: Dataset) -> None:
    assert len(estate.failover_plans) == 6
    for server, plan_name in _case(estate, "plans_held_back"):
        plan = next(plan for plan in estate.failover_plans if plan.name == plan_name)
        names = [vm.name for vm in plan.vms]
        newest_point, _results, _enabled = _facts(estate, server)
        [missing] = [vm for srv, vm in _case(estate, "vm_without_replica") if srv == server]
        [stale] = [vm for srv, vm in _case(estate, "vm_stale_point") if srv == server]
        assert missing in names and stale in names
        everything = {item.name for job in estate.jobs for item in job.includes} | {
            item.name for policy in estate.cdp_policies for item in policy.includes}
        assert missing not in everything and missing not in newest_point
        assert FIXED_NOW - newest_point[stale] > DAY


def test_a_stale_vm_is_made_when_the_estate_has_none() -> None:
    # One day of history every 6 h: every point is fresh.
    dataset = generate(GeneratorSpec(seed=4, servers=1, jobs_per_server=2, vms_per_job=3, days=1.0, now=FIXED_NOW,
                                     failover_plans_per_server=2))
    [(_server, stale)] = _case(dataset, "vm_stale_point")
    job = next(job for job in dataset.jobs if any(item.name == stale for item in job.includes))
    assert job.name == "Stale Replica vbr01"
    points = [point for point in dataset.replica_points if point.vm_name == stale]
    assert [FIXED_NOW - point.created for point in points] == [3 * DAY - 5 * 60 * TICKS_PER_SECOND]


def test_the_command_line_lists_the_options() -> None:
    text = build_parser().format_help()
    for option in ("--cdp-policies-per-server", "--failover-plans-per-server", "--cdp-days", "--cdp-result-filter",
                   "--estate-summary"):
        assert option in text


def test_the_estate_summary_names_the_special_cases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--servers", "1", "--cdp-policies-per-server", "2", "--failover-plans-per-server", "2",
                 "--now", "2026-11-20T12:00:00Z", "--estate-summary"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["now"] == "2026-11-20T12:00:00Z"
    assert summary["counts"]["cdp_policies"] == 2 and summary["counts"]["failover_plans"] == 2
    assert set(summary["special_cases"]) == {"cdp_both_replicated", "cdp_rpo_breached", "cdp_policy_disabled",
                                             "plans_ready", "plans_held_back", "vm_without_replica", "vm_stale_point"}
    assert [policy["rpo_element"] for policy in summary["cdp_policies"]] == [
        "RecoveryPointObjectiveMinutes", "RecoveryPointObjectiveSeconds"]


# -- --cdp-session-span long-term: sessions as Veeam's examples show them ------------------------
@pytest.fixture(scope="module")
def long_term() -> Dataset:
    return long_term_dataset(GeneratorSpec(**SPEC, cdp_policies_per_server=2, failover_plans_per_server=3))


def _by_vm(dataset: Dataset) -> dict[tuple[str, str], list[Any]]:
    tasks: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for task in dataset.cdp_task_sessions:  # sorted by creation
        tasks[(task.server.name, task.vm_name)].append(task)
    return tasks


def test_the_span_is_sync_unless_asked_and_another_is_refused() -> None:
    assert "--cdp-session-span" in build_parser().format_help()
    assert "cdp_session_span" not in generator_settings(build_parser().parse_args([]))
    asked = build_parser().parse_args(["--cdp-session-span", "long-term"])
    assert generator_settings(asked)["cdp_session_span"] == "long-term"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--cdp-session-span", "hourly"])
    with pytest.raises(ValueError, match="cdp_session_span must be one of sync, long-term"):
        protection(1, Estate([], [], [], [], FIXED_NOW), 1, 0, 1.0, span="hourly")


def test_long_term_sessions_run_back_to_back_for_eight_hours(long_term: Dataset) -> None:
    [(_server, disabled)] = _case(long_term, "cdp_policy_disabled")
    checked = 0
    for (server, vm), tasks in _by_vm(long_term).items():
        policy = next(policy for policy in long_term.cdp_policies if policy.server.name == server
                      and any(item.name == vm for item in policy.includes))
        # Each begins as the one before ends, at a long-term restore point 8 h after it began.
        for earlier, later in zip(tasks, tasks[1:]):
            assert (earlier.state, earlier.result, earlier.ended) == ("Completed", "Success", later.created)
            assert later.created - earlier.created == 8 * HOUR
        # The newest begun within the last 8 h of the stop; an enabled policy's cover a day
        # (--cdp-days 1): 3 of them; a stopped one's the 9 h before its stop: 1 or 2.
        stop = FIXED_NOW if policy.name != disabled else FIXED_NOW - DAY
        assert 0 < stop - tasks[-1].created < 8 * HOUR
        if policy.name == disabled:
            assert len(tasks) in (1, 2) and stop - tasks[0].created <= 9 * HOUR
        else:
            assert len(tasks) == 3
        checked += 1
    assert checked == sum(len(policy.includes) for policy in long_term.cdp_policies)


def test_each_enabled_policys_vm_has_one_session_running_already_marked(long_term: Dataset) -> None:
    [(_server, breached)] = _case(long_term, "cdp_rpo_breached")
    for policy in long_term.cdp_policies:
        for item in policy.includes:
            tasks = _by_vm(long_term)[(policy.server.name, item.name)]
            running = [task for task in tasks if task.state == "InProgress"]
            if not policy.schedule_enabled:
                assert running == []
                continue
            assert running == tasks[-1:] and running[0].ended is None
            # Real EMs fill Result early: Success, or VBR's own RPO reporting marks it Failed.
            marked = ("Failed", "RPO is not met") if item.name == breached else ("Success", "")
            assert (running[0].result, running[0].reason) == marked


def test_the_disabled_policys_long_term_sessions_ended_a_day_ago(long_term: Dataset) -> None:
    [(server, name)] = _case(long_term, "cdp_policy_disabled")
    policy = next(policy for policy in long_term.cdp_policies if policy.name == name)
    for item in policy.includes:
        newest = _by_vm(long_term)[(server, item.name)][-1]
        assert (newest.state, newest.result, newest.ended) == ("Completed", "Success", FIXED_NOW - DAY)


def test_long_term_policy_sessions_hold_their_task_sessions_and_ended_ones_succeeded(long_term: Dataset) -> None:
    for task in long_term.cdp_task_sessions:
        session = task.policy_session
        assert session.created <= task.created <= (session.ended or FIXED_NOW)
    # The breached VM's Failed session still runs: no ended policy session is Failed for it.
    assert {session.result for session in long_term.cdp_sessions if session.ended is not None} == {"Success"}


def test_the_long_term_replica_history_is_the_sync_ones(estate: Dataset, long_term: Dataset) -> None:
    assert [task.id for task in long_term.task_sessions] == [task.id for task in estate.task_sessions]
    assert [policy.name for policy in long_term.cdp_policies] == [policy.name for policy in estate.cdp_policies]


def test_the_policy_says_the_sessions_long_term_interval(long_term: Dataset) -> None:
    # LongTermRetentionHours (policyscheduleoptions) is the 8 h a long-term session runs.
    policy = long_term.cdp_policies[0]
    with EmSimulator(long_term, SimulatorConfig(plain_collection_days=0), tls=False) as simulator:
        with EmTestClient(simulator) as em:
            assert em.logon().status_code == 201
            entity = parse(em.get(f"cdpPolicies/{policy.id}", params={"format": "Entity"}))
    hours = entity.findtext("em:PolicyScheduleOptions/em:CdpReplica/em:LongTermRetentionHours", namespaces=NS)
    assert hours == "8"
