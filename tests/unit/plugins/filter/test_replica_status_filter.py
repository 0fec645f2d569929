# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replica_status filter: options, findings, wildcards and overrides over the shared status functions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.filter.replica_status import FilterModule, replica_status

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
NOW_TEXT = "2026-11-29T06:00:00Z"


def session(hours_ago: float, result: str | None = "Success", vm: str = "vm1", server: str = "vbr01", job: str = "Job A",
            state: str = "Completed", zone: timezone = timezone.utc, reason: str = "") -> dict[str, Any]:
    created = (NOW - timedelta(hours=hours_ago)).astimezone(zone)
    return {
        "id": f"{vm}-{server}-{job}-{hours_ago}", "vm_name": vm, "backup_server_id": f"id-{server}",
        "backup_server_name": server, "job_name": job, "state": state, "result": result, "reason": reason,
        "creation_time": created.isoformat(), "end_time": None, "duration_seconds": None, "total_size": 1,
    }


def by_vm(statuses: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{status['vm_name']}@{status['backup_server_name']}": status for status in statuses}


def only(statuses: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(statuses) == 1, statuses
    return statuses[0]


def test_the_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"replica_status": replica_status}


def test_latest_session_wins_and_findings_follow_it():
    records = [session(30), session(2, "Failed", reason="Error: datastore full"), session(10, "Warning")]
    for ordering in (records, records[::-1]):
        status = only(replica_status(ordering, rpo="4h", now=NOW_TEXT))
        assert status["latest_session"]["result"] == "Failed" and status["last_result"] == "Failed"
        assert status["last_success_time"] == "2026-11-28T20:00:00Z" and status["last_success_age_seconds"] == 36000
        assert status["findings"] == ["rpo_breach", "failed"] and status["status"] == "rpo_breach"
        assert status["failing"] is True
        assert status["message"] == ("last success 10h ago (2026-11-28T20:00:00Z), older than the RPO of 4h; "
                                     "last result Failed (1 consecutive failure): Error: datastore full")


def test_consecutive_failures_since_the_last_success():
    records = [session(1, "Failed"), session(2, "Failed"), session(3, "Failed"), session(4), session(5, "Failed")]
    status = only(replica_status(records, rpo="1d", now=NOW_TEXT))
    assert status["consecutive_failures"] == 3 and status["findings"] == ["failed"]
    assert "(3 consecutive failures)" in status["message"]


def test_running_session_is_latest_without_a_result():
    records = [session(0.1, None, state="InProgress"), session(6, "Success")]
    status = only(replica_status(records, rpo="8h", now=NOW_TEXT))
    assert status["running"] is True and status["last_result"] == "Success"
    assert status["findings"] == [] and status["status"] == "ok" and status["failing"] is False and status["message"] == ""


def test_never_succeeded_is_a_breach_explained_once():
    status = only(replica_status([session(1, "Failed"), session(7, "Failed")], rpo="24h", now=NOW_TEXT))
    assert status["findings"] == ["never_succeeded", "rpo_breach", "failed"] and status["status"] == "never_succeeded"
    assert status["message"].startswith("no successful replica in the data (2 sessions); last result Failed")
    assert "older than" not in status["message"]


@pytest.mark.parametrize(("hours_ago", "breached"), [(3.999, False), (4, False), (4.001, True)])
def test_exactly_at_the_rpo_is_within_it(hours_ago, breached):
    status = only(replica_status([session(hours_ago)], rpo="4h", now=NOW_TEXT))
    assert status["rpo_breached"] is breached and ("rpo_breach" in status["findings"]) is breached


@pytest.mark.parametrize("now", ["2026-11-29T06:00:00Z", "2026-11-29T07:00:00+01:00", "2026-11-29T06:00:00", NOW])
def test_now_in_any_zone_is_the_same_moment(now):
    assert only(replica_status([session(4)], rpo="4h", now=now))["last_success_age_seconds"] == 4 * 3600


def test_record_times_in_other_zones_are_honoured():
    plus_five = timezone(timedelta(hours=5))
    records = [session(5, zone=plus_five), session(3, "Failed", zone=timezone(timedelta(hours=-7)))]
    status = only(replica_status(records, rpo="4h", now=NOW_TEXT))
    assert status["last_success_age_seconds"] == 5 * 3600 and status["rpo_breached"] is True
    assert status["last_success_time"] == "2026-11-29T01:00:00Z"


def test_rpo_with_its_unit_and_without_rpo():
    assert only(replica_status([session(2)], rpo="1h", now=NOW_TEXT))["rpo_breached"] is True
    unjudged = only(replica_status([session(200)], now=NOW_TEXT))
    assert unjudged["rpo_breached"] is None and unjudged["findings"] == [] and unjudged["rpo_seconds"] is None


def test_per_job_overrides_exact_names_beat_patterns_and_first_pattern_wins():
    records = [session(3, vm="a", job="Tier 1 SQL"), session(3, vm="b", job="Tier 1 Web"),
               session(3, vm="c", job="Tier 2"), session(3, vm="d", job="Other")]
    overrides = {"Tier 1*": "2h", "Tier 1 SQL": "1d", "Tier*": "1h"}
    statuses = replica_status(records, rpo="4h", rpo_by_job=overrides, now=NOW_TEXT)
    rpos = {key: status["rpo_seconds"] for key, status in by_vm(statuses).items()}
    assert rpos == {"a@vbr01": 86400, "b@vbr01": 7200, "c@vbr01": 3600, "d@vbr01": 14400}


def test_include_and_exclude_with_wildcards():
    records = [session(1, vm=vm, server=server, job=job) for vm, server, job in [
        ("web01", "vbr01", "Web"), ("web02", "vbr02", "Web"), ("db01", "vbr01", "DB"), ("test-web9", "vbr01", "Web"),
        ("Web03", "vbr01", "Web"),
    ]]
    kept = replica_status(records, now=NOW_TEXT, include={"vm_name": ["web*", "db0?"], "backup_server_name": "vbr01"},
                          exclude={"vm_name": ["test-*"]})
    assert sorted(by_vm(kept)) == ["db01@vbr01", "web01@vbr01"]  # case-sensitive: Web03 is not web*
    by_job = replica_status(records, now=NOW_TEXT, exclude={"job_name": ["W[e]b"]})
    assert sorted(by_vm(by_job)) == ["db01@vbr01"]
    assert len(replica_status(records, now=NOW_TEXT, include={"vm_name": []})) == 5  # empty keeps everything


def test_excluding_a_job_judges_the_vm_on_its_other_jobs():
    records = [session(1, "Failed", job="Broken"), session(2, job="Good")]
    status = only(replica_status(records, rpo="4h", now=NOW_TEXT, exclude={"job_name": ["Broken"]}))
    assert status["last_result"] == "Success" and status["job_names"] == ["Good"]


def test_a_folder_of_a_job_that_ran_is_not_never_replicated_whatever_vms_are_left_out():
    """The job ran in the window, so the folder's VMs show through their own sessions; leaving
    those VMs out (exclude vm_name) must not make the folder look never replicated."""
    jobs = [{"id": "j1", "name": "Job A", "backup_server_id": "id-vbr01", "backup_server_name": "vbr01",
             "schedule_enabled": True, "next_run": None,
             "includes": [{"name": "Prod", "display_name": "Prod", "object_type": "Folder"}]}]
    records = [session(1, vm="db01"), session(2, vm="web01")]
    assert sorted(by_vm(replica_status(records, now=NOW_TEXT, jobs=jobs))) == ["db01@vbr01", "web01@vbr01"]
    kept = replica_status(records, now=NOW_TEXT, jobs=jobs, exclude={"vm_name": ["db*"]})
    assert sorted(by_vm(kept)) == ["web01@vbr01"]
    assert replica_status(records, now=NOW_TEXT, jobs=jobs, exclude={"vm_name": ["*01"]}) == []


@pytest.mark.parametrize(("fail_on", "failing"), [
    (None, {"breached", "failed", "never"}),
    (["warning"], {"warned"}),
    (["never_succeeded"], {"never"}),
    ("failed", {"failed", "never"}),
    ([], set()),
])
def test_fail_on_decides_what_is_failing(fail_on, failing):
    records = [session(30, vm="breached"), session(1, "Failed", vm="failed"), session(2, vm="failed"),
               session(1, "Warning", vm="warned"), session(1, "Failed", vm="never"), session(1, vm="fine")]
    statuses = replica_status(records, rpo="24h", now=NOW_TEXT, fail_on=fail_on)
    assert {status["vm_name"] for status in statuses if status["failing"]} == failing
    assert {status["vm_name"]: status["status"] for status in statuses} == {
        "breached": "rpo_breach", "failed": "failed", "warned": "warning", "never": "never_succeeded", "fine": "ok"}


def test_sessions_only_when_asked():
    assert "sessions" not in only(replica_status([session(1)], now=NOW_TEXT))
    assert len(only(replica_status([session(1), session(2)], now=NOW_TEXT, include_sessions=True))["sessions"]) == 2


def test_empty_input_is_no_status():
    assert replica_status([], rpo="4h") == []


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"records": "not a list"}, "expects a list of replica task session records"),
    ({"records": {"vm_name": "x"}}, "expects a list"),
    ({"records": [session(1), "x"]}, "record 1 is a str, not a dict"),
    ({"records": [{**session(1), "creation_time": "yesterday"}]}, "not an ISO 8601 time"),
    ({"rpo": "soon"}, "rpo must be a duration such as 24h, 30m or 7d .*, not 'soon'"),
    # Issue 29: one duration rule on every surface; a bare number is refused with the fix.
    ({"rpo": 3600}, "rpo must be a duration with its unit, not the bare number 3600: write 24h, 30m or 7d"),
    ({"rpo": "24"}, "rpo must be a duration with its unit, not the bare number 24: write 24h, 30m or 7d"),
    ({"rpo": -5}, "rpo must be a duration with its unit, not the bare number -5: write 24h"),
    ({"rpo_by_job": ["Job A"]}, "rpo_by_job must be a dict"),
    ({"rpo_by_job": {"Job A": "often"}}, r"rpo_by_job\['Job A'\] must be a duration .*, not 'often'"),
    ({"rpo_by_job": {"Job A": None}}, r"rpo_by_job\['Job A'\] has no duration"),
    ({"now": "tomorrow"}, "now: cannot read 'tomorrow' as a time"),
    ({"include": ["vm*"]}, "include must be a dict with the keys vm_name, job_name, backup_server_name"),
    ({"exclude": {"vm": ["x"]}}, "exclude has unknown key.s. vm; use vm_name"),
    ({"include": {"vm_name": [1]}}, "include.vm_name must be a pattern or a list of patterns"),
    ({"fail_on": ["late"]}, "fail_on has unknown finding.s. late; choose from"),
    ({"fail_on": 3}, "fail_on must be a list of findings"),
])
def test_bad_input_is_an_ansible_filter_error_with_a_clear_message(kwargs, message):
    arguments = {"records": [session(1)], "now": NOW_TEXT, **kwargs}
    with pytest.raises(AnsibleFilterError, match=f"^replica_status: {message}"):
        replica_status(arguments.pop("records"), **arguments)
