"""The generator is deterministic and its history has what clients must cope with."""
from __future__ import annotations

from collections import defaultdict

from ansible_collections.veeam_em.core.tests.em_simulator import GeneratorSpec, generate
from ansible_collections.veeam_em.core.tests.em_simulator.datagen import DAY
from ansible_collections.veeam_em.core.tests.em_simulator.model import format_utc, parse_utc
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXED_NOW

SPEC = GeneratorSpec(seed=5, servers=3, jobs_per_server=4, vms_per_job=8, days=14, now=FIXED_NOW)


def fingerprint(dataset):
    return [(t.id, t.vm_name, t.created, t.ended, t.result, t.job_session.id) for t in dataset.task_sessions]


def test_same_spec_same_data_and_another_seed_other_data():
    assert fingerprint(generate(SPEC)) == fingerprint(generate(SPEC))
    other = generate(GeneratorSpec(**{**SPEC.__dict__, "seed": 6}))
    assert fingerprint(other) != fingerprint(generate(SPEC))


def test_history_is_realistic():
    dataset = generate(SPEC)
    tasks = dataset.task_sessions
    results = {t.result for t in tasks}
    assert {"Success", "Warning", "Failed", "None"} <= results
    assert all(t.reason for t in tasks if t.result in ("Failed", "Warning"))
    assert all(not t.reason for t in tasks if t.result == "Success")
    assert any(j.is_retry for j in dataset.job_sessions)
    running = [t for t in tasks if t.ended is None]
    assert running and {t.state for t in running} == {"InProgress", "Pending"}
    assert all(t.created <= FIXED_NOW for t in tasks)
    assert tasks == sorted(tasks, key=lambda t: t.created)
    assert min(t.created for t in tasks) >= FIXED_NOW - 14 * DAY


def test_vms_that_never_succeeded_and_vms_whose_last_success_is_days_old():
    dataset = generate(SPEC)
    last_success = {}
    seen = set()
    for task in dataset.task_sessions:
        key = (task.job_session.server.id, task.vm_name)
        seen.add(key)
        if task.result == "Success":
            last_success[key] = task.created
    assert seen - set(last_success), "some VM never succeeded"
    assert any(FIXED_NOW - when > 1.5 * DAY for when in last_success.values()), "some success is days old"


def test_awkward_and_shared_names():
    dataset = generate(SPEC)
    vm_names = {t.vm_name for t in dataset.task_sessions}
    assert {'web"front', "db,reporting", "mail;01", "Köln-fs01", "データ01", "sql 01"} <= vm_names
    job_names = {j.job_name for j in dataset.job_sessions}
    assert {'Tier 1 "Gold" DR', "Web, App & DB", "Zürich Standby"} <= job_names
    servers_of = defaultdict(set)
    for task in dataset.task_sessions:
        servers_of[task.vm_name].add(task.job_session.server.id)
    assert len(servers_of["shared-dc01"]) == 3


def test_optional_elements_present_on_some_and_absent_on_others():
    dataset = generate(SPEC)
    assert {s.wcf_port is None for s in dataset.servers} == {True, False}
    assert {t.vm_uid is None for t in dataset.task_sessions} == {True, False}
    assert {j.failure_message is None for j in dataset.job_sessions} == {True, False}


def test_times_have_varying_fractional_digits_and_round_trip():
    dataset = generate(SPEC)
    lengths = set()
    for task in dataset.task_sessions[:500]:
        text = format_utc(task.created)
        assert parse_utc(text) == task.created
        lengths.add(len(text.partition(".")[2]))
    assert {0, 7} <= lengths and len(lengths) >= 4


def test_counts_scale_with_the_spec():
    small = generate(GeneratorSpec(seed=1, servers=1, jobs_per_server=1, vms_per_job=2, days=2, interval_hours=12, now=FIXED_NOW))
    assert len(small.servers) == 1
    assert {t.vm_name for t in small.task_sessions} == {"shared-dc01", "sql 01"}
    assert 6 <= len(small.task_sessions) <= 12
