"""Per-VM status: latest wins, failures since success, running, never succeeded, RPO edges;
summaries (what the inventory caches) give exactly the statuses after a JSON round trip."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._fold import VmFold
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._status import (
    StatusBuilder,
    status_from_summary,
    statuses_from_summaries,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def vm_statuses(records: Any, now: datetime, rpo: timedelta | None = None, rpo_by_job: Any = None,
                include_sessions: bool = False) -> list:
    """Statuses of records through the fold the filter and the inventory use."""
    return statuses_from_summaries(VmFold(include_sessions=include_sessions).add_sessions(records).summaries(),
                                   now, rpo, rpo_by_job)


def session(hours_ago: float, result: str | None = "Success", vm: str = "vm1", server: str = "s1", state: str = "Completed",
            job: str = "Job A", zone: timezone = timezone.utc) -> dict:
    created = (NOW - timedelta(hours=hours_ago)).astimezone(zone)
    return {
        "id": f"{vm}-{server}-{hours_ago}", "vm_name": vm, "backup_server_id": server, "backup_server_name": f"{server}.example",
        "job_name": job, "state": state, "result": result, "reason": "" if result == "Success" else "why",
        "creation_time": created.isoformat(), "end_time": None, "duration_seconds": None, "total_size": 1,
    }


def only(statuses: list[dict]) -> dict:
    assert len(statuses) == 1
    return statuses[0]


def test_latest_session_wins_whatever_the_input_order():
    records = [session(30), session(2, "Failed"), session(10, "Warning")]
    for ordering in (records, list(reversed(records))):
        status = only(vm_statuses(ordering, NOW))
        assert status["latest_session"]["id"] == "vm1-s1-2" and status["last_result"] == "Failed"
        assert status["last_success_time"] == "2026-11-29T02:00:00Z"  # the Warning, 10 h before noon
        assert status["last_success_age_seconds"] == 10 * 3600
        assert status["consecutive_failures"] == 1 and status["session_count"] == 3


def test_consecutive_failures_count_only_those_after_the_last_success():
    records = [session(1, "Failed"), session(2, "Failed"), session(3, "Success"), session(4, "Failed"), session(5, "Failed")]
    assert only(vm_statuses(records, NOW))["consecutive_failures"] == 2
    assert only(vm_statuses(list(reversed(records)), NOW))["consecutive_failures"] == 2


def test_running_session_is_latest_but_has_no_result():
    records = [session(0.1, None, state="InProgress"), session(6, "Success")]
    status = only(vm_statuses(records, NOW, rpo=timedelta(hours=8)))
    assert status["running"] is True and status["last_result"] == "Success"
    assert status["latest_session"]["state"] == "InProgress" and status["rpo_breached"] is False


def test_never_succeeded_is_a_breach():
    status = only(vm_statuses([session(1, "Failed"), session(7, "Failed")], NOW, rpo=timedelta(hours=24)))
    assert status["never_succeeded"] is True and status["last_success_time"] is None
    assert status["last_success_age_seconds"] is None and status["rpo_breached"] is True
    assert status["consecutive_failures"] == 2


@pytest.mark.parametrize(("hours_ago", "breached"), [(3.999, False), (4, False), (4.001, True)])
def test_rpo_edge_exactly_at_the_rpo_is_within_it(hours_ago, breached):
    status = only(vm_statuses([session(hours_ago)], NOW, rpo=timedelta(hours=4)))
    assert status["rpo_breached"] is breached


def test_without_rpo_nothing_is_judged():
    status = only(vm_statuses([session(100)], NOW))
    assert status["rpo_seconds"] is None and status["rpo_breached"] is None


def test_time_zones_in_records_are_honoured():
    plus_five = timezone(timedelta(hours=5))
    status = only(vm_statuses([session(5, zone=plus_five), session(3, "Failed", zone=timezone.utc)], NOW, rpo=timedelta(hours=4)))
    assert status["last_success_age_seconds"] == 5 * 3600 and status["rpo_breached"] is True


def test_per_job_rpo_overrides_use_the_latest_sessions_job():
    records = [session(3, vm="a", job="Tight"), session(3, vm="b", job="Loose")]
    statuses = vm_statuses(records, NOW, rpo=timedelta(hours=4), rpo_by_job={"Tight": timedelta(hours=1)})
    by_vm = {status["vm_name"]: status for status in statuses}
    assert (by_vm["a"]["rpo_seconds"], by_vm["a"]["rpo_breached"]) == (3600, True)
    assert (by_vm["b"]["rpo_seconds"], by_vm["b"]["rpo_breached"]) == (4 * 3600, False)


def test_same_vm_name_on_two_servers_stays_two_statuses():
    statuses = vm_statuses([session(1, server="s1"), session(2, "Failed", server="s2")], NOW)
    assert [(s["backup_server_id"], s["last_result"]) for s in statuses] == [("s1", "Success"), ("s2", "Failed")]


def test_sessions_only_when_asked():
    assert "sessions" not in only(vm_statuses([session(1)], NOW))
    with_sessions = only(vm_statuses([session(1), session(2)], NOW, include_sessions=True))
    assert [s["id"] for s in with_sessions["sessions"]] == ["vm1-s1-1", "vm1-s1-2"]


def test_job_names_collects_every_job_of_the_vm():
    status = only(vm_statuses([session(1, job="B"), session(2, job="A")], NOW))
    assert status["job_names"] == ["A", "B"] and status["job_name"] == "B"


@pytest.mark.parametrize("bad", [{"creation_time": "yesterday"}, {"creation_time": "2026-11-29T10:00:00"}])
def test_bad_records_are_refused_clearly(bad):
    with pytest.raises(ConfigurationError, match="creation_time|time"):
        StatusBuilder().add({**session(1), **bad})


# -- summaries: the now-independent half of a status ---------------------------------------------

STATUS_KEYS = ["vm_name", "backup_server_id", "backup_server_name", "job_name", "job_names", "latest_session",
               "last_result", "last_success_time", "last_success_age_seconds", "consecutive_failures", "running",
               "never_succeeded", "session_count", "last_point_time", "last_point_age_seconds", "restore_points",
               "rpo_basis", "rpo_evidence_time", "rpo_age_seconds", "rpo_seconds", "rpo_breached", "rpo_source",
               "protection", "cdp", "failover_plans", "never_replicated", "object_type", "job_schedule_enabled", "job_next_run", "job_overdue", "not_judged"]
SUMMARY_KEYS = ["vm_name", "backup_server_id", "backup_server_name", "job_name", "job_names", "latest_session",
                "last_result", "last_success_time", "last_clean_success_time", "consecutive_failures", "running",
                "session_count", "last_point_time", "restore_points", "evidence_times", "runs", "first_seen_time", "protection", "cdp",
                "failover_plans", "not_judged"]
RPOS = [(None, None), (timedelta(hours=4), None), (timedelta(hours=4), {"Tight": timedelta(hours=1)})]


def estate_records() -> list[dict]:
    plus_five = timezone(timedelta(hours=5))
    return [
        session(30), session(2, "Failed"), session(10, "Warning", zone=plus_five), session(1.5, "Failed"),
        session(0.1, None, vm="b", state="InProgress", job="Tight"), session(0.5, vm="b", job="Tight"),
        session(3, "Failed", vm="c", server="s2"), session(7, "Failed", vm="c", server="s2"),
        session(4, vm="a", server="s2", job="Loose"), session(4.000001, "Warning", vm="a", server="s1"),
    ]


def through_json(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("include_sessions", [False, True])
def test_summaries_through_json_give_exactly_the_statuses(include_sessions):
    builder = VmFold(include_sessions=include_sessions).add_sessions(estate_records())
    summaries = through_json(builder.summaries())
    for rpo, rpo_by_job in RPOS:
        expected = statuses_from_summaries(builder.summaries(), NOW, rpo, rpo_by_job)
        got = statuses_from_summaries(summaries, NOW, rpo, rpo_by_job)
        assert got == expected
        # The same JSON text: same key order (the golden files compare JSON), same types.
        assert json.dumps(got) == json.dumps(expected)
        assert got == sorted((status_from_summary(summary, NOW, rpo, rpo_by_job) for summary in summaries),
                             key=lambda s: (s["backup_server_name"], s["vm_name"], s["backup_server_id"]))
    assert len(expected) == 5
    assert [list(status) for status in expected] == [STATUS_KEYS + (["sessions"] if include_sessions else [])] * 5


def test_summaries_hold_nothing_that_depends_on_now():
    summaries = VmFold().add_sessions(estate_records()).summaries()
    assert [list(summary) for summary in summaries] == [SUMMARY_KEYS] * 5
    assert summaries == through_json(summaries), "a summary is not plain JSON data"
    later = NOW + timedelta(hours=3)
    for summary in summaries:
        now_status, later_status = status_from_summary(summary, NOW, timedelta(hours=4)), status_from_summary(summary, later)
        if summary["last_success_time"] is None:
            assert later_status["last_success_age_seconds"] is None and later_status["never_succeeded"] is True
        else:
            assert later_status["last_success_age_seconds"] == now_status["last_success_age_seconds"] + 3 * 3600
        assert later_status["rpo_breached"] is None and now_status["rpo_seconds"] == 4 * 3600


def test_a_status_never_shares_containers_with_its_summary():
    [summary] = VmFold(include_sessions=True).add_sessions([session(1), session(2)]).summaries()
    before = through_json(summary)
    status = status_from_summary(summary, NOW)
    status["job_names"].append("x")
    status["latest_session"]["id"] = "x"
    status["sessions"][0]["id"] = "x"
    assert summary == before


def test_rpo_edges_from_a_summary():
    [summary] = through_json(VmFold().add_sessions([session(4)]).summaries())
    assert status_from_summary(summary, NOW, timedelta(hours=4))["rpo_breached"] is False
    assert status_from_summary(summary, NOW + timedelta(microseconds=1), timedelta(hours=4))["rpo_breached"] is True
    [failed] = through_json(VmFold().add_sessions([session(1, "Failed", job="Tight")]).summaries())
    status = status_from_summary(failed, NOW, timedelta(days=7), {"Tight": timedelta(hours=1)})
    assert (status["rpo_seconds"], status["rpo_breached"], status["never_succeeded"]) == (3600, True, True)


SESSIONS = st.lists(st.tuples(
    st.integers(min_value=0, max_value=10 ** 11),  # microseconds before NOW (up to 28 h)
    st.sampled_from(["Success", "Warning", "Failed", None]),
    st.sampled_from(["a", "b", "c"]), st.sampled_from(["s1", "s2"]),
    st.sampled_from(["Completed", "InProgress"]), st.sampled_from(["Tight", "Loose", ""]),
    st.sampled_from([0, 5, -3]),  # the records' UTC offset in hours
), max_size=30)


def records_of(drawn: list) -> list[dict]:
    records = []
    for number, (micro, result, vm, server, state, job, offset) in enumerate(drawn):
        record = session(micro / 3.6e9, result, vm=vm, server=server, state=state, job=job,
                         zone=timezone(timedelta(hours=offset)))
        records.append({**record, "id": str(number)})
    return records


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(SESSIONS, st.booleans())
def test_any_sessions_summaries_through_json_give_the_statuses(drawn, include_sessions):
    builder = VmFold(include_sessions=include_sessions).add_sessions(records_of(drawn))
    summaries = through_json(builder.summaries())
    for rpo, rpo_by_job in RPOS:
        expected = statuses_from_summaries(builder.summaries(), NOW, rpo, rpo_by_job)
        assert json.dumps(statuses_from_summaries(summaries, NOW, rpo, rpo_by_job)) == json.dumps(expected)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(SESSIONS, st.sets(st.sampled_from(["a", "b", "c"])), st.sets(st.sampled_from(["s1.example", "s2.example"])))
def test_filtering_summaries_by_vm_and_server_equals_filtering_their_sessions(drawn, vms, servers):
    """Why the inventory may filter VMs and backup servers after the fold (and so on cached
    summaries): a fold holds the sessions of one VM on one backup server, nothing else."""
    records = records_of(drawn)
    kept = [record for record in records if record["vm_name"] in vms and record["backup_server_name"] in servers]
    summaries = [summary for summary in VmFold().add_sessions(records).summaries()
                 if summary["vm_name"] in vms and summary["backup_server_name"] in servers]
    assert statuses_from_summaries(summaries, NOW) == vm_statuses(kept, NOW)


def test_records_with_datetimes_fold_as_the_same_records_with_iso_text():
    """The inventory folds datetimes; the module's records carry text: the summaries must agree."""
    from ansible_collections.veeam_em.core.plugins.module_utils._records import settled_task_session, task_session_record

    raw = []
    for record in estate_records():
        created = datetime.fromisoformat(record["creation_time"])
        ended = created + timedelta(minutes=5) if record["state"] == "Completed" else None
        raw.append({**record, "creation_time": created, "end_time": ended})
    as_text = VmFold(include_sessions=True).add_sessions(task_session_record(item) for item in raw).summaries()
    as_datetimes = VmFold(include_sessions=True).add_sessions(settled_task_session(item) for item in raw).summaries()
    assert as_datetimes == as_text
    assert through_json(as_datetimes) == as_datetimes  # plain JSON data: the cache can keep it
    first = as_text[0]["sessions"]
    assert [item["creation_time"] for item in first] == sorted((item["creation_time"] for item in first), reverse=True)
