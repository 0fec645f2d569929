"""The window, the moment and the exact names of a compliance check (_window)."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._window import session_query

NOW = "2026-11-29T06:00:00Z"


def test_a_duration_counts_back_from_now():
    query = session_query("36h", NOW)
    assert (query["created_after"], query["created_before"]) == ("2026-11-27T18:00:00Z", NOW)


def test_an_iso_time_is_the_start_and_an_offset_becomes_utc():
    query = session_query("2026-11-22T07:00:00+01:00", "2026-11-29T07:30:00+01:00")
    assert (query["created_after"], query["created_before"]) == ("2026-11-22T06:00:00Z", "2026-11-29T06:30:00Z")


def test_only_keys_without_wildcards_become_exact_names():
    query = session_query("7d", NOW, {"vm_name": ["db02", "db01", "db01"], "job_name": ["Gold*", "Silver"],
                                      "backup_server_name": "vbr01"})
    assert (query["vm_names"], query["job_names"], query["backup_server_names"]) == (["db01", "db02"], [], ["vbr01"])


def test_without_now_the_moment_is_a_whole_second():
    # utc_now() has microseconds; the reports show the moment to the second.
    assert "." not in session_query("1h")["created_before"]


@pytest.mark.parametrize(("created_after", "now", "message"), [
    ("forever", NOW, "created_after: cannot read 'forever'"),
    ("7d", "yesterday", "now: cannot read 'yesterday'"),
    ("", NOW, "created_after: give a duration"),
    ("2026-12-01T00:00:00Z", NOW, "created_after: 2026-12-01T00:00:00Z is later than now"),
])
def test_what_cannot_work_is_refused_naming_the_input(created_after, now, message):
    with pytest.raises(ConfigurationError, match=message):
        session_query(created_after, now)


def test_a_window_shorter_than_the_longest_rpo_is_refused_in_the_callers_names():
    with pytest.raises(ConfigurationError, match=r"^replica_compliance_created_after \(2026-11-29T00:00:00Z, 6h back\) "
                                                 r"is shorter than replica_compliance_rpo \(24h\)"):
        session_query("2026-11-29T00:00:00Z", NOW, rpo="24h", prefix="replica_compliance_")
    assert session_query("24h", NOW, rpo="24h", rpo_by_job={"Gold*": "4h"})["created_after"] == "2026-11-28T06:00:00Z"
