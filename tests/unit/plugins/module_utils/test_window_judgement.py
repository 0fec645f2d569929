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


def point(vm: str, hours_ago: float) -> dict[str, Any]:
    """A restore point record (replica_point_info's keys)."""
    return {"id": f"p-{vm}-{hours_ago}", "vm_name": vm, "replica_name": "Tier 1", "backup_server_id": "s1",
            "backup_server_name": "vbr1", "creation_time": (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")}


def cdp_session(vm: str, begun_minutes_ago: float, ended_minutes_ago: float | None, result: str | None) -> dict[str, Any]:
    """A CDP task session record (cdp_policy_info's); ended None: still running."""
    def at(minutes: float) -> str:
        return (NOW - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"id": f"{vm}-{begun_minutes_ago}", "name": f"{vm}@cdp", "vm_name": vm, "policy_name": "CDP Gold",
            "policy_session_id": "p1", "backup_server_id": "s1", "backup_server_name": "vbr1",
            "state": "Completed" if ended_minutes_ago is not None else "InProgress", "result": result, "reason": "",
            "total_size": 10, "creation_time": at(begun_minutes_ago),
            "end_time": at(ended_minutes_ago) if ended_minutes_ago is not None else None, "duration_seconds": None}


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


def test_runs_that_failed_before_the_first_success_count_against_the_vm():
    # Window 24 h back, RPO 4 h. Failed 24 h and 20 h ago, then Success 12 h, 8 h and 4 h ago: the
    # VM was there from -24h (its first session), so the span is 24 h, not the 12 h from its first
    # success. Covered [-12h, now] = 12 h of 24 h: 50.0 %, the gap -24h to -12h.
    records = [session("db01", 24, "Failed"), session("db01", 20, "Failed")]
    records += [session("db01", hours) for hours in (12, 8, 4)]
    for window in ("24h", None):  # with no window start, the span starts at the first session too
        sla = by_vm(records, rpo="4h", window_start=window)["db01"]["sla"]
        assert (sla["percent"], sla["start"], sla["span_seconds"]) == (50.0, "2026-12-06T12:00:00Z", 86400.0)
        assert sla["gaps"] == [{"start": "2026-12-06T12:00:00Z", "end": "2026-12-07T00:00:00Z", "seconds": 43200.0}]


def test_restore_points_pruned_by_retention_leave_their_successful_sessions_as_evidence():
    # Window 24 h, RPO 4 h. Sessions: Success -22h, Warning -18h, Success -14h, Failed -10h, Success
    # -6h, Warning -1h; retention kept only the point of -6h (the Warning -1h made none). Evidence:
    # before the oldest point the Success and Warning sessions (-22h, -18h, -14h), then the point
    # (-6h). The span starts at the first session, -22h (22 h). Covered [-22h, -10h] and
    # [-6h, -2h]: 12 + 4 = 16 h of 22 h = 72.73 %, gaps -10h to -6h and -2h to now.
    records = [session("db01", 22), session("db01", 18, "Warning"), session("db01", 14),
               session("db01", 10, "Failed"), session("db01", 6), session("db01", 1, "Warning")]
    sla = by_vm(records, rpo="4h", window_start="24h", points=[point("db01", 6)])["db01"]["sla"]
    assert (sla["percent"], sla["start"], sla["covered_seconds"]) == (72.73, "2026-12-06T14:00:00Z", 57600.0)
    gaps = [(gap["start"], gap["seconds"]) for gap in sla["gaps"]]
    assert gaps == [("2026-12-07T02:00:00Z", 14400.0), ("2026-12-07T10:00:00Z", 7200.0)]
    # Without the points read, the Warning -1h counts too: [-1h, now] adds 1 h, 17 h of 22 h = 77.27 %.
    assert by_vm(records, rpo="4h", window_start="24h")["db01"]["sla"]["percent"] == 77.27


def test_from_the_oldest_point_on_a_successful_session_is_no_evidence_without_its_point():
    # A replica from backup: the run 4 h ago ended Success but its point carries the backup's time,
    # 8 h ago. Window 24 h, RPO 4 h, points at -20h and -8h, sessions at -20h and -4h: covered
    # [-20h, -16h] and [-8h, -4h], 8 h of the 20 h since the first session: 40.0 %, and the VM is
    # out of its RPO now, as its rpo_breach says (the session 4 h ago would have covered up to now).
    records = [session("bk01", 20), session("bk01", 4)]
    vm = by_vm(records, rpo="4h", window_start="24h", points=[point("bk01", 20), point("bk01", 8)])["bk01"]
    assert (vm["sla"]["percent"], vm["sla"]["span_seconds"]) == (40.0, 72000.0) and vm["rpo_breached"] is True
    assert [(gap["start"], gap["seconds"]) for gap in vm["sla"]["gaps"]] == [("2026-12-06T20:00:00Z", 28800.0),
                                                                             ("2026-12-07T08:00:00Z", 14400.0)]


def test_a_vm_only_cdp_protects_has_an_sla_over_the_window_too():
    # Policy RPO 15 min, window 2 h. A CDP session Success from -120 to -60 min covers [-120, -45];
    # one Failed from -45 to -30 covers nothing; one running since -10 covers [-10, now]. 75 + 10 =
    # 85 min of 120 = 70.83 %, the gap -45 to -10 min (2100 s).
    policy = {"id": "id-gold", "name": "CDP Gold", "backup_server_id": "s1", "backup_server_name": "vbr1",
              "schedule_configured": True, "schedule_enabled": True, "next_run": None, "rpo_seconds": 900,
              "warning_after_seconds": 300, "failed_after_seconds": 600,
              "includes": [{"name": "cdp01", "display_name": "cdp01", "object_type": "Vm", "order": 1}]}
    sessions = [cdp_session("cdp01", 120, 60, "Success"), cdp_session("cdp01", 45, 30, "Failed"),
                cdp_session("cdp01", 10, None, None)]
    vm = by_vm([], window_start="2h", cdp_sessions=sessions, cdp_policies=[policy])["cdp01"]
    assert (vm["sla"]["percent"], vm["sla"]["span_seconds"]) == (70.83, 7200.0)
    assert vm["sla"]["gaps"] == [{"start": "2026-12-07T11:15:00Z", "end": "2026-12-07T11:50:00Z", "seconds": 2100.0}]


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
