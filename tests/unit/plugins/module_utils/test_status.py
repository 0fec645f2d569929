"""Per-VM status: latest wins, failures since success, running, never succeeded, RPO edges."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._status import StatusBuilder, vm_statuses

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


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


@pytest.mark.parametrize("bad", [{"creation_time": "yesterday"}, {"creation_time": None}, {"creation_time": "2026-11-29T10:00:00"}])
def test_bad_records_are_refused_clearly(bad):
    with pytest.raises(ConfigurationError, match="creation_time|time"):
        StatusBuilder().add({**session(1), **bad})
