"""Times as users write them, and the normalised records the modules return."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._gather import task_session_query
from ansible_collections.veeam_em.core.plugins.module_utils._records import (
    backup_server_record,
    latest_per_vm,
    record_times,
    task_session_record,
)
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso, parse_duration, parse_moment

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", NOW - timedelta(minutes=30)),
        ("24h", NOW - timedelta(hours=24)),
        ("7d", NOW - timedelta(days=7)),
        ("2w", NOW - timedelta(weeks=2)),
        ("90s", NOW - timedelta(seconds=90)),
        ("1.5h", NOW - timedelta(minutes=90)),
        ("2026-11-28T06:00:00Z", datetime(2026, 11, 28, 6, tzinfo=timezone.utc)),
        ("2026-11-28T08:00:00+02:00", datetime(2026, 11, 28, 6, tzinfo=timezone.utc)),
        ("2026-11-28T06:00:00", datetime(2026, 11, 28, 6, tzinfo=timezone.utc)),
        ("2026-11-28", datetime(2026, 11, 28, tzinfo=timezone.utc)),
        (None, None),
        ("", None),
    ],
)
def test_moments(text, expected):
    assert parse_moment(text, "created_after", NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "24", "h24", "2026-13-01", "-3h"])
def test_unreadable_moments_name_the_option(text):
    with pytest.raises(ConfigurationError, match=r"created_before: cannot read .* (time|duration)"):
        parse_moment(text, "created_before", NOW)


def test_durations():
    assert parse_duration("4h", "rpo") == timedelta(hours=4)
    with pytest.raises(ConfigurationError, match="rpo must be a duration such as 24h, 30m or 7d .*, not 'four hours'"):
        parse_duration("four hours", "rpo")


def test_iso_is_utc_with_z():
    assert iso(datetime(2025, 6, 17, 20, 0, 18, 60000, tzinfo=timezone.utc)) == "2025-06-17T20:00:18.060000Z"
    assert iso(datetime(2025, 6, 17, 22, 0, 18, tzinfo=timezone(timedelta(hours=2)))) == "2025-06-17T20:00:18Z"
    assert iso(None) is None


def raw_task(**changes):
    raw = {
        "id": "a", "uid": "urn:veeam:ReplicaTaskSession:a", "name": "vm@x", "vm_name": "vm", "state": "Completed",
        "result": "Success", "reason": "", "creation_time": NOW, "end_time": NOW + timedelta(seconds=90.5),
        "total_size": 10, "job_session_id": "j", "job_session_name": "Job@x", "job_name": "Job",
        "backup_server_id": "s", "backup_server_name": "srv", "href": "https://em/api/replicaTaskSessions/a", "vm_uid": None,
    }
    raw.update(changes)
    return raw


def test_record_times_keep_a_datetime_and_parse_text():
    kept = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
    times = record_times([kept, "2026-12-01T08:00:00Z", None, "2026-12-01T09:30:00+01:00"])
    assert times[0] is kept
    assert times[1:] == [datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc), None,
                         datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc)]
    with pytest.raises(ConfigurationError, match="a task session time has no time zone: '2026-12-01T08:00:00'"):
        record_times(["2026-12-01T08:00:00"])


def test_task_session_record_has_the_design_keys_and_types():
    record = task_session_record(raw_task())
    assert list(record) == [
        "id", "uid", "name", "vm_name", "state", "result", "reason", "creation_time", "end_time", "duration_seconds",
        "total_size", "job_session_id", "job_session_name", "job_name", "backup_server_id", "backup_server_name", "href",
    ]
    assert record["creation_time"] == "2026-11-29T06:00:00Z" and record["duration_seconds"] == 90.5


@pytest.mark.parametrize("running_result", ["None", "", None])
def test_running_session_has_no_result_end_or_duration(running_result):
    record = task_session_record(raw_task(state="InProgress", result=running_result, end_time=None, reason=None))
    assert (record["result"], record["end_time"], record["duration_seconds"], record["reason"]) == (None, None, None, "")


def test_backup_server_record():
    record = backup_server_record({"id": "s", "name": "vbr", "description": None, "port": 9392, "version": "12"})
    assert record["description"] == "" and record["wcf_port"] is None and record["certificate_thumbprint"] is None


def test_latest_per_vm_keeps_the_newest_per_server_and_vm():
    sessions = [
        raw_task(id="old", creation_time=NOW - timedelta(hours=2)),
        raw_task(id="new", creation_time=NOW),
        raw_task(id="other-server", backup_server_id="t", creation_time=NOW - timedelta(hours=5)),
        raw_task(id="fraction", vm_name="vm2", creation_time=NOW + timedelta(microseconds=1)),
        raw_task(id="whole", vm_name="vm2", creation_time=NOW),
    ]
    assert [s["id"] for s in latest_per_vm(sessions)] == ["fraction", "new", "other-server"]


def test_query_from_options():
    query = task_session_query({"created_after": "24h", "vm_names": ["a"], "order": "oldest_first", "limit": 3}, NOW)
    assert query.created_after == NOW - timedelta(hours=24) and query.vm_names == ("a",)
    assert not query.descending and query.limit == 3
    assert task_session_query({"latest_per_vm": True, "limit": 3}, NOW).limit is None
    with pytest.raises(ConfigurationError, match="later than created_before"):
        task_session_query({"created_after": "1h", "created_before": "2h"}, NOW)
    with pytest.raises(ConfigurationError, match="limit must be 1 or more"):
        task_session_query({"limit": 0}, NOW)
