"""The judgements over the window in the one fold, through the filter's contract: the SLA over
the window with a target, the runs that look wrong, and waivers applied after the judgement.
Expected values are worked out by hand beside each assertion."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import replica_statuses

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


def session(vm: str, hours_ago: float, result: str = "Success", size: int = 100, minutes: float = 10.0) -> dict[str, Any]:
    created = NOW - timedelta(hours=hours_ago)
    return {"id": f"{vm}-{hours_ago}", "vm_name": vm, "backup_server_id": "s1", "backup_server_name": "vbr1",
            "job_name": "Tier 1", "state": "Completed", "result": result, "reason": "",
            "creation_time": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end_time": (created + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration_seconds": minutes * 60, "total_size": size}


def by_vm(records: list, **options: Any) -> dict[str, dict]:
    return {status["vm_name"]: status for status in replica_statuses(records, now=NOW.isoformat(), **options)}


def test_sla_over_the_window_with_a_target():
    # Window 24 h back, RPO 4 h. Successes 24 h, 20 h and 4 h ago cover [-24h, -16h] and [-4h, now]:
    # 12 h of 24 h = 50.0 %; the gap is -16h to -4h (12 h).
    records = [session("db01", 24), session("db01", 20), session("db01", 4)]
    vm = by_vm(records, rpo="4h", window_start="24h", sla_target=99)["db01"]
    assert vm["sla"]["percent"] == 50.0 and vm["sla"]["below_target"] is True
    assert vm["sla"]["gaps"] == [{"start": "2026-12-06T20:00:00Z", "end": "2026-12-07T08:00:00Z", "seconds": 43200.0}]
    assert vm["rpo_breached"] is False and vm["findings"] == ["sla_below_target"] and vm["failing"] is True
    assert vm["message"] == "within its RPO 50.0% of the window, below the target of 99.0% (1 gap, the longest 12h)"
    assert by_vm(records, rpo="4h", window_start="24h")["db01"]["sla"]["below_target"] is None  # no target
    assert by_vm(records, rpo="4h", include_sla=False)["db01"]["sla"] is None


def test_a_vm_added_mid_window_is_measured_from_its_first_point():
    # Window 48 h back, first success 10 h ago, RPO 12 h: covered from -10h to now, span 10 h: 100 %.
    vm = by_vm([session("new01", 10)], rpo="12h", window_start="48h")["new01"]
    assert (vm["sla"]["percent"], vm["sla"]["start"], vm["sla"]["span_seconds"]) == (100.0, "2026-12-07T02:00:00Z", 36000.0)


def test_a_tenfold_size_jump_warns_without_failing_the_gate():
    # Six runs of 100 bytes, then one of 1000: median 100, MAD 0, scale max(0, 10 % of 100, 1) = 10;
    # score (1000 - 100) / 10 = 90 > 5. The usual range is 100 -/+ 5 x 10: 50 to 150.
    records = [session("app01", hours) for hours in (7, 6, 5, 4, 3, 2)] + [session("app01", 1, size=1000)]
    vm = by_vm(records, rpo="24h")["app01"]
    assert vm["findings"] == ["size_anomaly"] and vm["failing"] is False
    (anomaly,) = vm["anomalies"]
    assert (anomaly["kind"], anomaly["value"], anomaly["usual_low"], anomaly["usual_high"]) == ("size_anomaly", 1000, 50, 150)
    assert vm["message"] == "the run of 2026-12-07T11:00:00Z transferred 1000 B, outside its usual 50 B to 150 B"
    assert by_vm(records, rpo="24h", fail_on=["size_anomaly"])["app01"]["failing"] is True
    assert by_vm(records, rpo="24h", include_anomalies=False)["app01"]["anomalies"] == []


def test_a_tenfold_duration_warns_too():
    records = [session("app02", hours) for hours in (7, 6, 5, 4, 3, 2)] + [session("app02", 1, minutes=100)]
    vm = by_vm(records, rpo="24h")["app02"]
    assert vm["findings"] == ["duration_anomaly"]
    assert vm["message"] == "the run of 2026-12-07T11:00:00Z took 1h 40m, outside its usual 5m to 15m"


def test_waivers_keep_a_breach_visible_but_not_failing_and_give_it_back_once_expired(tmp_path):
    waivers = tmp_path / "waivers.yml"
    waivers.write_text(
        "waivers:\n"
        "  - vms: db0*\n"
        "    findings: [rpo_breach]\n"
        "    justification: storage migration\n"
        "    expires: 2026-12-31\n"
        "  - vms: old01\n"
        "    justification: decommissioned\n"
        "    expires: 2026-12-01T00:00:00Z\n"
        "  - vms: ghost*\n"
        "    justification: never there\n"
        "    permanent: true\n", encoding="utf-8")
    records = [session("db01", 30), session("old01", 30)]
    statuses = by_vm(records, rpo="24h", waivers=str(waivers))
    db01, old01 = statuses["db01"], statuses["old01"]
    assert db01["findings"] == ["rpo_breach"] and db01["waived_findings"] == ["rpo_breach"]
    assert db01["waived"] is True and db01["failing"] is False and db01["waivers"][0]["state"] == "active"
    assert old01["findings"] == ["rpo_breach", "waiver_expired"] and old01["failing"] is True
    assert old01["waivers"][0]["state"] == "expired"


def test_a_malformed_waivers_file_fails_naming_the_entry_and_line(tmp_path):
    waivers = tmp_path / "waivers.yml"
    waivers.write_text("waivers:\n  - vms: db01\n    justifcation: typo\n    permanent: true\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"entry 1 \(line 2\): unknown key 'justifcation'; did you mean justification\?"):
        by_vm([], rpo="24h", waivers=str(waivers))


REFUSED_ANOMALY_OPTIONS = [("anomaly_min_history", 2.5, "5"), ("anomaly_min_history", 0, "5"),
                           ("anomaly_threshold", "high", "5.0"), ("anomaly_threshold", True, "5.0"),
                           ("anomaly_threshold", "nan", "5.0")]


@pytest.mark.parametrize(("option", "value", "example"), REFUSED_ANOMALY_OPTIONS)
def test_anomaly_options_that_are_no_numbers_are_refused(option, value, example):
    with pytest.raises(ConfigurationError, match=f"^{option} must be a number above 0 such as {example}, not "):
        by_vm([], rpo="24h", **{option: value})
