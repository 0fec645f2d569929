"""SLA over the window (verdict/_sla): the arithmetic pinned on cases worked out by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._sla import (
    aggregate_sla, read_sla_target, vm_sla, with_target)

HOUR = 3600


def at(day: int, hour: int = 0, minute: int = 0, microsecond: int = 0) -> datetime:
    """A moment in December 2026, UTC."""
    return datetime(2026, 12, day, hour, minute, 0, microsecond, tzinfo=timezone.utc)


def gap(start: str, end: str, seconds: float) -> dict:
    return {"start": start, "end": end, "seconds": seconds}


def test_evidence_before_the_window_covers_its_start_and_the_span_is_the_whole_window():
    # window 1 Dec 00:00 to 2 Dec 00:00, RPO 4 h; a point on 30 Nov 22:00 covers to 1 Dec 02:00.
    evidence = [datetime(2026, 11, 30, 22, tzinfo=timezone.utc), at(1, 12)]
    sla = vm_sla(evidence, at(1), at(2), 4 * HOUR)
    assert sla["start"] == "2026-12-01T00:00:00Z"  # the VM existed before the window
    assert sla["end"] == "2026-12-02T00:00:00Z"
    assert sla["covered_seconds"] == 6 * HOUR  # 00:00-02:00 (2 h) + 12:00-16:00 (4 h) = 21600
    assert sla["span_seconds"] == 24 * HOUR  # 86400
    assert sla["percent"] == 25.0  # 21600 / 86400
    assert sla["gaps"] == [gap("2026-12-01T02:00:00Z", "2026-12-01T12:00:00Z", 10 * HOUR),  # 36000
                           gap("2026-12-01T16:00:00Z", "2026-12-02T00:00:00Z", 8 * HOUR)]  # 28800
    # a window ending at midnight does not touch 2 Dec
    assert sla["days"] == [{"date": "2026-12-01", "percent": 25.0, "covered_seconds": 6 * HOUR,
                            "span_seconds": 24 * HOUR}]


def test_a_point_long_expired_before_the_window_covers_nothing_but_sets_the_start():
    # 20 Nov + 4 h ends long before 1 Dec; the start stays the window's: 0 of 12 h.
    sla = vm_sla([datetime(2026, 11, 20, tzinfo=timezone.utc)], at(1), at(1, 12), 4 * HOUR)
    assert (sla["start"], sla["percent"], sla["covered_seconds"], sla["span_seconds"]) == (
        "2026-12-01T00:00:00Z", 0.0, 0.0, 12 * HOUR)
    assert sla["gaps"] == [gap("2026-12-01T00:00:00Z", "2026-12-01T12:00:00Z", 12 * HOUR)]


def test_a_point_at_the_window_start_covers_one_rpo_from_it():
    # RPO 6 h from 00:00 covers 00:00-06:00: 6 of 24 h = 25 %.
    sla = vm_sla([at(1)], at(1), at(2), 6 * HOUR)
    assert (sla["start"], sla["covered_seconds"], sla["percent"]) == ("2026-12-01T00:00:00Z", 6 * HOUR, 25.0)
    assert sla["gaps"] == [gap("2026-12-01T06:00:00Z", "2026-12-02T00:00:00Z", 18 * HOUR)]


def test_a_point_at_now_adds_no_time_and_a_point_after_now_is_not_evidence():
    # first point 06:00 (mid-window), RPO 2 h: 06:00-08:00 covered; the point at 12:00 (= now)
    # covers the instant now only; 14:00 is later than now. 2 h of 6 h = 33.33 %.
    sla = vm_sla([at(1, 12), at(1, 6), at(1, 14)], at(1), at(1, 12), 2 * HOUR)
    assert (sla["start"], sla["span_seconds"], sla["covered_seconds"]) == ("2026-12-01T06:00:00Z", 6 * HOUR, 2 * HOUR)
    assert sla["percent"] == 33.33  # 7200 / 21600 = 0.33333
    assert sla["gaps"] == [gap("2026-12-01T08:00:00Z", "2026-12-01T12:00:00Z", 4 * HOUR)]


def test_a_first_point_at_now_is_within_the_rpo_over_its_empty_span():
    sla = vm_sla([at(1, 12)], at(1), at(1, 12), 2 * HOUR)
    assert (sla["start"], sla["span_seconds"], sla["covered_seconds"], sla["percent"]) == (
        "2026-12-01T12:00:00Z", 0.0, 0.0, 100.0)
    assert sla["gaps"] == []
    assert sla["days"] == [{"date": "2026-12-01", "percent": None, "covered_seconds": 0.0, "span_seconds": 0.0}]


def test_a_vm_added_mid_window_is_measured_from_its_first_point_with_its_gaps():
    # first point 18:00, RPO 2 h: span 18:00-24:00 (6 h); covered 18-20 and 21-23 (4 h) = 66.67 %.
    sla = vm_sla([at(1, 21), at(1, 18)], at(1), at(2), 2 * HOUR)
    assert (sla["start"], sla["span_seconds"], sla["covered_seconds"]) == ("2026-12-01T18:00:00Z", 6 * HOUR, 4 * HOUR)
    assert sla["percent"] == 66.67  # 4 / 6 = 0.66667
    assert sla["gaps"] == [gap("2026-12-01T20:00:00Z", "2026-12-01T21:00:00Z", HOUR),
                           gap("2026-12-01T23:00:00Z", "2026-12-02T00:00:00Z", HOUR)]
    assert sla["days"] == [{"date": "2026-12-01", "percent": 66.67, "covered_seconds": 4 * HOUR,
                            "span_seconds": 6 * HOUR}]


def test_a_day_before_a_vm_was_added_is_outside_its_span():
    # window 1 Dec to 3 Dec; first point 2 Dec 06:00, RPO 24 h covers to now: 18 of 18 h.
    sla = vm_sla([at(2, 6)], at(1), at(3), 24 * HOUR)
    assert (sla["percent"], sla["span_seconds"], sla["gaps"]) == (100.0, 18 * HOUR, [])
    assert sla["days"] == [
        {"date": "2026-12-01", "percent": None, "covered_seconds": 0.0, "span_seconds": 0.0},
        {"date": "2026-12-02", "percent": 100.0, "covered_seconds": 18 * HOUR, "span_seconds": 18 * HOUR}]


def test_a_point_exactly_at_the_rpo_keeps_cover_and_the_next_instant_does_not():
    # RPO 4 h: the point at 00:00 covers up to and including 04:00, so a point at 04:00 leaves no gap.
    on_time = vm_sla([at(1), at(1, 4)], at(1), at(1, 6), 4 * HOUR)
    assert (on_time["percent"], on_time["covered_seconds"], on_time["gaps"]) == (100.0, 6 * HOUR, [])
    # one microsecond later: 04:00 itself is covered, the microsecond after it is not.
    late = vm_sla([at(1), at(1, 4, microsecond=1)], at(1), at(1, 6), 4 * HOUR)
    assert late["gaps"] == [gap("2026-12-01T04:00:00Z", "2026-12-01T04:00:00.000001Z", 0.000001)]
    assert late["covered_seconds"] == 6 * HOUR - 0.000001  # 21599.999999
    assert late["percent"] == 100.0  # 21599.999999 / 21600 rounds to 100.00


def test_overlapping_cover_counts_once():
    # points 00:00, 01:00, 02:00 with RPO 4 h: union 00:00-06:00 = 6 h of 12 h (not 3 x 4 h = 12 h).
    sla = vm_sla([at(1, 2), at(1), at(1, 1)], at(1), at(1, 12), 4 * HOUR)
    assert (sla["covered_seconds"], sla["percent"]) == (6 * HOUR, 50.0)
    assert sla["gaps"] == [gap("2026-12-01T06:00:00Z", "2026-12-01T12:00:00Z", 6 * HOUR)]


def test_a_window_over_several_days_has_a_share_per_utc_day():
    # window 1 Dec 12:00 to 4 Dec 06:00 (12 + 24 + 24 + 6 = 66 h), RPO 12 h, points
    # 1 Dec 12:00 (to 2 Dec 00:00), 2 Dec 18:00 (to 3 Dec 06:00), 4 Dec 00:00 (to now).
    sla = vm_sla([at(1, 12), at(2, 18), at(4)], at(1, 12), at(4, 6), 12 * HOUR)
    assert sla["covered_seconds"] == 30 * HOUR  # 12 + 6 + 6 + 6
    assert sla["span_seconds"] == 66 * HOUR
    assert sla["percent"] == 45.45  # 30 / 66 = 0.454545
    assert sla["gaps"] == [gap("2026-12-02T00:00:00Z", "2026-12-02T18:00:00Z", 18 * HOUR),
                           gap("2026-12-03T06:00:00Z", "2026-12-04T00:00:00Z", 18 * HOUR)]
    assert [(day["date"], day["percent"], day["covered_seconds"], day["span_seconds"]) for day in sla["days"]] == [
        ("2026-12-01", 100.0, 12 * HOUR, 12 * HOUR),  # 12:00-24:00 all covered
        ("2026-12-02", 25.0, 6 * HOUR, 24 * HOUR),  # 18:00-24:00 of the day
        ("2026-12-03", 25.0, 6 * HOUR, 24 * HOUR),  # 00:00-06:00 of the day
        ("2026-12-04", 100.0, 6 * HOUR, 6 * HOUR)]  # 00:00-06:00 of the 6 h to now


def test_days_are_utc_days_whatever_the_offset_of_the_evidence():
    # 2 Dec 01:00 at +02:00 is 1 Dec 23:00 UTC; RPO 2 h covers 23:00-01:00 UTC.
    point = datetime(2026, 12, 2, 1, tzinfo=timezone(timedelta(hours=2)))
    sla = vm_sla([point], at(1), at(3), 2 * HOUR)
    assert (sla["start"], sla["span_seconds"], sla["covered_seconds"]) == ("2026-12-01T23:00:00Z", 25 * HOUR, 2 * HOUR)
    assert sla["percent"] == 8.0  # 2 / 25
    assert [(day["date"], day["percent"]) for day in sla["days"]] == [
        ("2026-12-01", 100.0),  # 23:00-24:00, 1 h of 1 h
        ("2026-12-02", 4.17)]  # 00:00-01:00, 1 h of 24 h = 0.041667


def test_a_vm_without_evidence_is_at_zero_over_the_whole_window():
    # window 1 Dec 00:00 to 2 Dec 12:00 = 36 h, nothing covered.
    sla = vm_sla([], at(1), at(2, 12), 4 * HOUR)
    assert (sla["percent"], sla["covered_seconds"], sla["span_seconds"], sla["start"]) == (
        0.0, 0.0, 36 * HOUR, "2026-12-01T00:00:00Z")
    assert sla["gaps"] == [gap("2026-12-01T00:00:00Z", "2026-12-02T12:00:00Z", 36 * HOUR)]
    assert [(day["date"], day["percent"], day["span_seconds"]) for day in sla["days"]] == [
        ("2026-12-01", 0.0, 24 * HOUR), ("2026-12-02", 0.0, 12 * HOUR)]


@pytest.mark.parametrize("rpo", [None, 0, timedelta(0)])
def test_without_an_rpo_there_is_no_sla(rpo):
    assert vm_sla([at(1, 6)], at(1), at(2), rpo) is None


def test_an_rpo_can_be_the_timedelta_read_rpo_gives():
    # 6 h from 00:00 of a 24 h window: 25 %, as with 21600 seconds.
    assert vm_sla([at(1)], at(1), at(2), timedelta(hours=6))["percent"] == 25.0


def test_a_window_starting_after_now_is_refused():
    with pytest.raises(ConfigurationError, match=r"^the SLA window starts at 2026-12-02T00:00:00Z, after its end "
                                                 r"2026-12-01T00:00:00Z"):
        vm_sla([], at(2), at(1), 6 * HOUR)


def test_a_group_weighs_its_vms_by_their_spans_per_day_too():
    # window 1 Dec to 3 Dec, RPO 6 h. db01: points 00:00, 06:00, 12:00 on 1 Dec cover 00:00-18:00:
    # 18 of 48 h (1 Dec 18/24, 2 Dec 0/24). app01, added 2 Dec 18:00: 6 of 6 h.
    db01 = vm_sla([at(1), at(1, 6), at(1, 12)], at(1), at(3), 6 * HOUR)
    app01 = vm_sla([at(2, 18)], at(1), at(3), 6 * HOUR)
    assert (db01["percent"], app01["percent"]) == (37.5, 100.0)  # 18 / 48; 6 / 6
    group = aggregate_sla([db01, None, app01])  # None: a VM without an RPO, left out
    assert group["vms"] == 2
    assert (group["covered_seconds"], group["span_seconds"]) == (24 * HOUR, 54 * HOUR)  # 18 + 6; 48 + 6
    assert group["percent"] == 44.44  # 24 / 54 = 0.4444 (not the mean of the shares, 68.75)
    assert group["days"] == [
        {"date": "2026-12-01", "percent": 75.0, "covered_seconds": 18 * HOUR, "span_seconds": 24 * HOUR},  # db01 only
        {"date": "2026-12-02", "percent": 20.0, "covered_seconds": 6 * HOUR, "span_seconds": 30 * HOUR}]  # 0+6 / 24+6


def test_without_days_the_sla_is_the_same_and_a_group_sums_no_days():
    # The inventory leaves each VM's days out unless include_sla_days: the share, spans and gaps
    # are those of the same case with days (db01 above: 18 of 48 h, one gap 18:00 1 Dec to 3 Dec).
    with_days = vm_sla([at(1), at(1, 6), at(1, 12)], at(1), at(3), 6 * HOUR)
    without = vm_sla([at(1), at(1, 6), at(1, 12)], at(1), at(3), 6 * HOUR, with_days=False)
    assert without == {**with_days, "days": None}
    assert without["gaps"] == [gap("2026-12-01T18:00:00Z", "2026-12-03T00:00:00Z", 30 * HOUR)]
    group = aggregate_sla([without])
    assert (group["percent"], group["vms"], group["days"]) == (37.5, 1, [])


def test_a_group_without_vms_has_no_share():
    assert aggregate_sla([None]) == {"percent": None, "covered_seconds": 0, "span_seconds": 0, "vms": 0, "days": []}


@pytest.mark.parametrize(("percent", "target", "below"), [
    (99.19, 99.2, True), (99.2, 99.2, False), (100.0, 99.2, False), (99.19, None, None), (None, 99.0, None)])
def test_a_share_below_the_target_is_marked(percent, target, below):
    marked = with_target({"percent": percent}, target)
    assert (marked["target"], marked["below_target"]) == (target, below)


def test_no_sla_stays_none_with_a_target():
    assert with_target(None, 99.0) is None


@pytest.mark.parametrize(("value", "target"), [(None, None), ("", None), ("99.5", 99.5), (99, 99.0), (0, 0.0),
                                               (100, 100.0), ("99.9%", 99.9)])
def test_a_target_is_a_percent(value, target):
    assert read_sla_target(value) == target


@pytest.mark.parametrize("value", [101, -1, "high", True])
def test_a_target_outside_0_to_100_names_the_option(value):
    with pytest.raises(ConfigurationError, match=r"^replica_compliance_sla_target must be a percent from 0 to 100"):
        read_sla_target(value, "replica_compliance_sla_target")


def test_a_cdp_span_covers_its_whole_length_plus_the_rpo():
    # Window 10:00 to 18:00 (8 h), RPO 15 min. A CDP session replicated 10:00 to 13:45 (its end is a
    # point, covering to 14:00): 4 h of 8 h = 50.0 %, the gap 14:00 to 18:00.
    start, now = datetime(2026, 12, 1, 10, tzinfo=timezone.utc), datetime(2026, 12, 1, 18, tzinfo=timezone.utc)
    sla = vm_sla([], start, now, 900, spans=[(start, datetime(2026, 12, 1, 13, 45, tzinfo=timezone.utc))])
    assert sla["percent"] == 50.0 and sla["covered_seconds"] == 4 * 3600.0
    assert sla["gaps"] == [{"start": "2026-12-01T14:00:00Z", "end": "2026-12-01T18:00:00Z", "seconds": 4 * 3600.0}]
    # One still running since 10:00 covers the whole window.
    assert vm_sla([], start, now, 900, spans=[(start, now)])["percent"] == 100.0
