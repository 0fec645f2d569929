"""The shared judgement in module_utils: RPO patterns, name selection, findings and messages."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._findings import findings_of, read_fail_on
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import Criteria, judge_records
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._messages import human_duration
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._rpo import job_rpos, read_rpo
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import read_selection

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)


def record(vm: str, hours_ago: float, result: str = "Success", job: str = "Job", server: str | None = "vbr01") -> dict:
    return {"id": f"{vm}-{hours_ago}", "vm_name": vm, "backup_server_id": server, "backup_server_name": server,
            "job_name": job, "state": "Completed", "result": result, "reason": "",
            "creation_time": (NOW - timedelta(hours=hours_ago)).isoformat(), "end_time": None}


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "n/a"), (0, "0s"), (45, "45s"), (60, "1m"), (3599, "59m 59s"), (14400, "4h"), (86400, "1d"),
    (108000, "1d 6h"), (90061, "1d 1h"), (-7200, "-2h"),
])
def test_human_durations(seconds, text):
    assert human_duration(seconds) == text


def test_job_rpos_resolves_only_jobs_asked_for():
    patterns = {"Gold*": timedelta(hours=1)}
    assert job_rpos(patterns, {"Gold A", "Silver"}) == {"Gold A": timedelta(hours=1)}


@pytest.mark.parametrize(("given", "expected"), [("90m", timedelta(minutes=90)), (timedelta(hours=2), timedelta(hours=2)),
                                                 (None, None), ("  ", None)])
def test_rpo_from_a_duration(given, expected):
    assert read_rpo(given) == expected


@pytest.mark.parametrize("bare", [7200, 1.5, "24", " 24 ", -1])
def test_a_bare_number_is_refused_with_the_fix(bare):
    with pytest.raises(ConfigurationError) as refused:
        read_rpo(bare)
    assert str(refused.value) == (f"rpo must be a duration with its unit, not the bare number {str(bare).strip()}: "
                                  "write 24h, 30m or 7d (a number and s, m, h, d or w)")


def test_selection_keeps_included_names_unless_excluded():
    selection = read_selection({"vm_name": ["web*"], "backup_server_name": "vbr0[12]"}, {"vm_name": "web9"})
    kept = [item for item in (record("web1", 1), record("web9", 1), record("db1", 1), record("web2", 1, server="vbr03"))
            if selection.keeps_vm(item)]
    assert [item["vm_name"] for item in kept] == ["web1"]


def test_a_missing_name_is_empty_text_so_a_star_keeps_it():
    assert read_selection({"backup_server_name": "*"}, None).keeps_vm(record("vm", 1, server=None))
    assert not read_selection({"backup_server_name": "vbr*"}, None).keeps_vm(record("vm", 1, server=None))


def test_findings_without_an_rpo_never_include_a_breach():
    status = {"never_succeeded": True, "rpo_breached": None, "last_result": "Failed"}
    assert findings_of(status) == ["never_succeeded", "failed"]


def test_unknown_fail_on_is_refused_naming_it():
    with pytest.raises(ConfigurationError, match="unknown finding.*stale"):
        read_fail_on(["failed", "stale"])


def test_judged_records_carry_findings_failing_and_message():
    records = [record("a", 5), record("b", 1, "Warning"), record("c", 2, "Failed", job="Gold 1")]
    criteria = Criteria(rpo=timedelta(hours=4), rpo_by_job={"Gold*": timedelta(hours=1)},
                        fail_on=frozenset({"rpo_breach"}))
    judged = {status["vm_name"]: status for status in judge_records(records, NOW, criteria)}
    assert (judged["a"]["findings"], judged["a"]["failing"]) == (["rpo_breach"], True)
    assert judged["a"]["message"] == "last success 5h ago (2026-11-29T01:00:00Z), older than the RPO of 4h"
    assert (judged["b"]["status"], judged["b"]["failing"], judged["b"]["message"]) == ("warning", False, "last result Warning")
    # c never succeeded: its 1h job RPO is breached, and the message says why once.
    assert judged["c"]["rpo_seconds"] == 3600 and judged["c"]["findings"] == ["never_succeeded", "rpo_breach", "failed"]
    assert judged["c"]["message"] == ("no successful replica in the data (1 sessions); "
                                      "last result Failed (1 consecutive failure)")


def test_formatted_durations_come_with_the_status():
    judged = judge_records([record("a", 30), record("b", 2, "Failed")], NOW, Criteria(rpo=timedelta(hours=24)))
    a, b = sorted(judged, key=lambda status: status["vm_name"])
    assert (a["last_success_age_text"], a["rpo_text"], a["rpo_used_percent"]) == ("1d 6h", "1d", 125)
    assert (b["last_success_age_text"], b["rpo_text"], b["rpo_used_percent"]) == (None, "1d", None)
