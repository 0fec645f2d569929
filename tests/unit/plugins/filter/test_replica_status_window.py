# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replica_status filter over the window (issue 28): the SLA against a target, the runs that
look wrong, and waivers (active, expired, not started, scoped to an EM, malformed), through the
filter as playbooks call it. Expected values are worked out by hand beside each assertion."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.filter.replica_status import replica_status

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
NOW_TEXT = "2026-11-29T06:00:00Z"


def session(vm: str, hours_ago: float, result: str = "Success", size: int = 100, seconds: float = 600.0,
            job: str = "Gold SQL") -> dict[str, Any]:
    created = NOW - timedelta(hours=hours_ago)
    return {"id": f"{vm}-{hours_ago}", "vm_name": vm, "backup_server_id": "b1", "backup_server_name": "vbr01",
            "job_name": job, "state": "Completed", "result": result, "reason": "",
            "creation_time": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end_time": (created + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration_seconds": seconds, "total_size": size}


def by_vm(records: list[dict[str, Any]], **options: Any) -> dict[str, dict[str, Any]]:
    return {status["vm_name"]: status for status in replica_status(records, now=NOW_TEXT, **options)}


def waivers_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "waivers.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


# Window from 2026-11-28T06:00Z (1 d back), RPO 6 h; successes 24 h, 12 h and 2 h ago cover
# [-24h, -18h], [-12h, -6h] and [-2h, now]: 14 h of 24 h = 58.33 %. Not covered: -18h to -12h
# (28th 12:00-18:00, 6 h) and -6h to -2h (29th 00:00-04:00, 4 h). Per day: the 28th's span is
# 06:00-24:00 (18 h), covered 06-12 and 18-24 (12 h) = 66.67 %; the 29th's 00:00-06:00 (6 h),
# covered 04-06 (2 h) = 33.33 %.
SLA_RECORDS = [session("db01", 24), session("db01", 12), session("db01", 2)]


def test_an_sla_below_its_target_fails_though_the_rpo_holds_now():
    db01 = by_vm(SLA_RECORDS, rpo="6h", window_start="1d", sla_target=60)["db01"]
    sla = db01["sla"]
    assert (sla["percent"], sla["covered_seconds"], sla["span_seconds"]) == (58.33, 50400.0, 86400.0)
    assert (sla["start"], sla["end"], sla["target"], sla["below_target"]) == (
        "2026-11-28T06:00:00Z", NOW_TEXT, 60.0, True)
    assert sla["gaps"] == [{"start": "2026-11-28T12:00:00Z", "end": "2026-11-28T18:00:00Z", "seconds": 21600.0},
                           {"start": "2026-11-29T00:00:00Z", "end": "2026-11-29T04:00:00Z", "seconds": 14400.0}]
    assert [(day["date"], day["percent"], day["covered_seconds"], day["span_seconds"]) for day in sla["days"]] == [
        ("2026-11-28", 66.67, 43200.0, 64800.0), ("2026-11-29", 33.33, 7200.0, 21600.0)]
    assert db01["rpo_breached"] is False and db01["findings"] == ["sla_below_target"]
    assert db01["status"] == "sla_below_target" and db01["failing"] is True
    assert db01["message"] == "within its RPO 58.33% of the window, below the target of 60.0% (2 gaps, the longest 6h)"


def test_an_sla_at_or_above_its_target_or_not_measured_gives_no_finding():
    met = by_vm(SLA_RECORDS, rpo="6h", window_start="1d", sla_target="58.33%")["db01"]
    assert met["sla"]["below_target"] is False and met["findings"] == [] and met["failing"] is False
    off = by_vm(SLA_RECORDS, rpo="6h", window_start="1d", sla_target=99, include_sla=False)["db01"]
    assert off["sla"] is None and off["findings"] == []
    # The target is a finding to fail on by default, and may be left out of fail_on.
    listed = by_vm(SLA_RECORDS, rpo="6h", window_start="1d", sla_target=60, fail_on=["rpo_breach"])["db01"]
    assert listed["findings"] == ["sla_below_target"] and listed["failing"] is False


def test_without_a_window_start_each_vm_is_measured_from_its_first_evidence():
    # From the success 24 h ago: the same 14 h of 24 h; from 12 h ago (db01's older run dropped): [-12h, -6h] and
    # [-2h, now], 8 h of 12 h = 66.67 %.
    assert by_vm(SLA_RECORDS, rpo="6h")["db01"]["sla"]["percent"] == 58.33
    later = by_vm(SLA_RECORDS[1:], rpo="6h")["db01"]["sla"]
    assert (later["percent"], later["start"]) == (66.67, "2026-11-28T18:00:00Z")


# Five earlier runs of 100, 110, 90, 100, 105 bytes: median 100, deviations 0, 10, 10, 0, 5, MAD 5;
# scale = max(1.4826 x 5 = 7.41, 10 % of 100 = 10, 1) = 10. The sixth run, 200 bytes 1 h ago:
# score (200 - 100) / 10 = 10 > 5; usual range 100 -/+ 5 x 10 = 50 to 150. Durations all 600 s: no anomaly.
RUNS = [session("app01", hours, size=size) for hours, size in ((6, 100), (5, 110), (4, 90), (3, 100), (2, 105))]
RUNS.append(session("app01", 1, size=200))


def test_a_size_far_outside_the_vms_history_is_a_warning_with_its_usual_range():
    app01 = by_vm(RUNS, rpo="1d")["app01"]
    assert app01["anomalies"] == [{"kind": "size_anomaly", "session_id": "app01-1", "creation_time": "2026-11-29T05:00:00Z",
                                   "value": 200, "median": 100, "usual_low": 50, "usual_high": 150, "score": 10.0,
                                   "history": 5}]
    assert app01["findings"] == ["size_anomaly"] and app01["failing"] is False
    assert app01["message"] == "the run of 2026-11-29T05:00:00Z transferred 200 B, outside its usual 50 B to 150 B"
    assert by_vm(RUNS, rpo="1d", fail_on=["size_anomaly"])["app01"]["failing"] is True


def test_the_anomaly_options_and_the_window_decide_what_is_reported():
    assert by_vm(RUNS, rpo="1d", anomaly_threshold=10)["app01"]["anomalies"] == []  # a score of 10 is not above 10
    assert by_vm(RUNS, rpo="1d", anomaly_threshold="9.5")["app01"]["findings"] == ["size_anomaly"]
    assert by_vm(RUNS, rpo="1d", anomaly_min_history=6)["app01"]["anomalies"] == []  # only 5 earlier runs
    assert by_vm(RUNS, rpo="1d", include_anomalies=False)["app01"]["anomalies"] == []
    # A window starting 30 minutes back: the run of an hour ago was history only.
    assert by_vm(RUNS, rpo="1d", window_start="30m")["app01"]["anomalies"] == []


WAIVED = """waivers:
  - vms: db0*
    findings: [rpo_breach]
    justification: storage migration
    expires: 2026-12-31
    ticket: CHG-1
  - jobs: Silver
    justification: decommissioned
    expires: 2026-11-28T00:00:00Z
  - vms: app01
    justification: maintenance window
    starts: 2026-11-30T00:00:00Z
    expires: 2026-12-01T00:00:00Z
"""


def waiver(entry: int, line: int, state: str, **given: Any) -> dict[str, Any]:
    blank = {"vms": [], "jobs": [], "backup_servers": [], "failover_plans": [], "em": None, "findings": None,
             "starts": None, "expires": None, "permanent": False, "ticket": None, "owner": None}
    return {"entry": entry, "line": line, **blank, **given, "state": state}


def test_a_waived_breach_stays_listed_but_does_not_fail(tmp_path):
    # db01's last success 30 h ago, RPO 1 d: rpo_breach, waived by entry 1 until the end of 2026-12-31 UTC.
    db01 = by_vm([session("db01", 30)], rpo="1d", waivers=waivers_file(tmp_path, WAIVED))["db01"]
    assert db01["findings"] == ["rpo_breach"] and db01["waived_findings"] == ["rpo_breach"]
    assert db01["waived"] is True and db01["failing"] is False and db01["status"] == "rpo_breach"
    assert db01["waivers"] == [waiver(1, 2, "active", vms=["db0*"], findings=["rpo_breach"],
                                      justification="storage migration", expires="2027-01-01T00:00:00Z", ticket="CHG-1")]
    assert db01["message"] == "last success 1d 6h ago (2026-11-28T00:00:00Z), older than the RPO of 1d"


def test_an_expired_waiver_gives_its_findings_back_and_says_so(tmp_path):
    # Entry 2 (line 7) waived every finding of the Silver job's VMs until 2026-11-28T00:00Z, a day before now.
    web01 = by_vm([session("web01", 30, job="Silver")], rpo="1d", waivers=waivers_file(tmp_path, WAIVED))["web01"]
    assert web01["findings"] == ["rpo_breach", "waiver_expired"] and web01["waived_findings"] == []
    assert web01["waived"] is False and web01["failing"] is True
    assert [entry["state"] for entry in web01["waivers"]] == ["expired"]
    assert web01["message"] == ("last success 1d 6h ago (2026-11-28T00:00:00Z), older than the RPO of 1d; waiver 2 "
                                "(line 7) expired at 2026-11-28T00:00:00Z, so rpo_breach counts again; it said: "
                                "decommissioned")


def test_a_maintenance_window_not_yet_started_waives_nothing(tmp_path):
    app01 = by_vm([session("app01", 30)], rpo="1d", waivers=waivers_file(tmp_path, WAIVED))["app01"]
    assert app01["findings"] == ["rpo_breach"] and app01["failing"] is True and app01["waived"] is False
    assert [entry["state"] for entry in app01["waivers"]] == ["not_started"]


def test_a_waiver_scoped_to_an_em_applies_only_to_that_em(tmp_path):
    path = waivers_file(tmp_path, "waivers:\n  - vms: db01\n    em: em-lab\n    justification: lab\n    permanent: true\n")
    records = [session("db01", 30)]
    assert by_vm(records, rpo="1d", waivers=path, em="em-lab")["db01"]["failing"] is False
    assert by_vm(records, rpo="1d", waivers=path, em="em-prod")["db01"]["failing"] is True
    assert by_vm(records, rpo="1d", waivers=path)["db01"]["waivers"] == []


@pytest.mark.parametrize("text, problem", [
    ("waivers:\n  - vms: db01\n    justification: ok\n    permanent: true\n  - vms: web01\n    expires: 2026-12-31\n",
     ", entry 2 (line 5): no justification: say why the finding may be waived (justification: <text>)"),
    ("waivers:\n  - vms: db01\n    justification: ok\n    expires: 2026-12-31\n    permanent: true\n",
     ", entry 1 (line 2): both expires and permanent: true; give one of them"),
    ("waiver:\n  - vms: db01\n",
     " (line 1) has 'waiver'; it must be a mapping with the one key waivers holding a list of entries "
     "(waivers: [] for none); did you mean waivers?"),
])
def test_a_malformed_waivers_file_is_refused_naming_the_file_entry_and_line(tmp_path, text, problem):
    path = waivers_file(tmp_path, text)
    with pytest.raises(AnsibleFilterError) as refused:
        replica_status([session("db01", 1)], rpo="1d", now=NOW_TEXT, waivers=path)
    assert str(refused.value) == f"replica_status: waivers file {path}{problem}"


@pytest.mark.parametrize("options, message", [
    ({"sla_target": 101}, "sla_target must be a percent from 0 to 100 such as 99.5, not 101"),
    ({"sla_target": "high"}, "sla_target must be a percent from 0 to 100 such as 99.5, not 'high'"),
    ({"anomaly_threshold": 0}, "anomaly_threshold must be a number above 0 such as 5.0, not 0"),
    ({"anomaly_threshold": "far"}, "anomaly_threshold must be a number above 0 such as 5.0, not 'far'"),
    ({"anomaly_min_history": -1}, "anomaly_min_history must be a number above 0 such as 5, not -1"),
])
def test_bad_window_options_are_refused_naming_the_option(options, message):
    with pytest.raises(AnsibleFilterError) as refused:
        replica_status([], rpo="1d", now=NOW_TEXT, **options)
    assert str(refused.value) == f"replica_status: {message}"
