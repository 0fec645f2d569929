"""Runs that look wrong (verdict/_anomalies): the median/MAD rule on histories worked out by hand."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict import _anomalies
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._anomalies import anomaly_findings, run_anomalies


def runs(sizes: list, durations: list | None = None) -> list[dict]:
    """Daily runs at 22:00 from 1 Nov 2026, s1, s2, ...; durations 600 s unless given."""
    durations = durations or [600] * len(sizes)
    first = datetime(2026, 11, 1, 22, tzinfo=timezone.utc)
    return [{"id": f"s{number}", "creation_time": (first + timedelta(days=number - 1)).isoformat(),
             "duration_seconds": duration, "total_size": size}
            for number, (size, duration) in enumerate(zip(sizes, durations), start=1)]


def test_a_tenfold_size_jump_is_flagged_with_its_usual_range():
    # history s1-s6: sorted 90 95 100 100 105 110, median 100; deviations 0 0 5 5 10 10, MAD 5;
    # scale = max(1.4826 * 5 = 7.41, 0.1 * 100 = 10) = 10; score (1000 - 100) / 10 = 90;
    # usual 100 -/+ 5 * 10 = 50 to 150. (s6, 95, is within 100 -/+ 50 of s1-s5.)
    found = run_anomalies(runs([100, 110, 90, 100, 105, 95, 1000]))
    assert found == [{"kind": "size_anomaly", "session_id": "s7", "creation_time": "2026-11-07T22:00:00Z",
                      "value": 1000, "median": 100.0, "usual_low": 50.0, "usual_high": 150.0, "score": 90.0,
                      "history": 6}]


def test_a_tenfold_duration_is_flagged_on_the_mad_scale_with_its_low_end_at_zero():
    # durations s1-s6: sorted 300 600 600 600 900 1200, median 600; deviations 0 0 0 300 300 600,
    # MAD (0 + 300) / 2 = 150; scale = max(1.4826 * 150 = 222.39, 60) = 222.39;
    # score 5400 / 222.39 = 24.2817; usual 600 - 1111.95 < 0 -> 0, 600 + 1111.95 = 1711.95.
    found = run_anomalies(runs([100] * 7, [600, 900, 300, 600, 1200, 600, 6000]))
    assert found == [{"kind": "duration_anomaly", "session_id": "s7", "creation_time": "2026-11-07T22:00:00Z",
                      "value": 6000, "median": 600.0, "usual_low": 0.0, "usual_high": 1711.95, "score": 24.28,
                      "history": 6}]


def test_a_steady_history_is_not_flagged():
    # sizes 100/120 alternate: the median of any history is 100, 110 or 120, no run is more than 20
    # from it, and 20 <= 5 * (0.1 * 100); durations 600-660: at most 60 from a median >= 600, 60 <= 5 * 60.
    sizes = [100, 120] * 20
    durations = [600 + (number % 4) * 20 for number in range(40)]
    assert run_anomalies(runs(sizes, durations)) == []


def test_fewer_earlier_runs_than_the_minimum_history_say_nothing():
    # s5 has four earlier runs: silent at min_history 5, flagged at 4 (100 x 4: median 100, MAD 0,
    # scale 0.1 * 100 = 10, score 900 / 10 = 90).
    history = runs([100, 100, 100, 100, 1000])
    assert run_anomalies(history) == []
    assert [(found["session_id"], found["score"], found["history"])
            for found in run_anomalies(history, min_history=4)] == [("s5", 90.0, 4)]


@pytest.mark.parametrize(("value", "flagged", "score"), [
    (151, True, 5.1),  # identical 100 x 5: MAD 0, scale 0.1 * 100 = 10; 51 / 10 = 5.1 > 5
    (150, False, None),  # 50 / 10 = 5.0, not above the threshold
    (49, True, 5.1),  # below the usual range as much as above it
])
def test_an_identical_history_uses_the_share_of_the_median(value, flagged, score):
    found = run_anomalies(runs([100] * 5 + [value]))
    assert [item["score"] for item in found] == ([score] if flagged else [])
    if flagged:
        assert (found[0]["usual_low"], found[0]["usual_high"]) == (50.0, 150.0)  # 100 -/+ 5 * 10


@pytest.mark.parametrize(("value", "flagged"), [(6, True), (5, False)])
def test_a_history_of_zeros_uses_the_floor_of_one_unit(value, flagged):
    # sizes 0 x 5: median 0, MAD 0, 0.1 * 0 = 0, so scale = 1 (byte); score = value / 1.
    found = run_anomalies(runs([0] * 5 + [value]))
    assert [(item["score"], item["usual_low"], item["usual_high"]) for item in found] == (
        [(6.0, 0.0, 5.0)] if flagged else [])


def test_runs_in_any_order_are_judged_oldest_first():
    # the same as the size jump above, given newest first and shuffled; both anomalies of s8 and
    # s7 come out oldest first, the duration before the size of one run.
    given = runs([100, 110, 90, 100, 105, 95, 1000, 100], [600] * 7 + [6000])
    shuffled = [given[index] for index in (7, 2, 6, 0, 5, 3, 1, 4)]
    assert [(found["session_id"], found["kind"]) for found in run_anomalies(shuffled)] == [
        ("s7", "size_anomaly"), ("s8", "duration_anomaly")]
    # s8's size 100 against s1-s7 (median 100) is usual; its 6000 s against 600 x 7 (scale 60) scores 90.


def test_a_run_without_a_measure_is_skipped_for_that_measure_only():
    # s6 has no size: its 6000 s is judged on s1-s5 (600 x 5, scale 60, score 90); s7's size 1000
    # is judged on the five sizes there are (history 5, not 6), score (1000 - 100) / 10 = 90.
    given = runs([100] * 6 + [1000], [600] * 5 + [6000, 600])
    given[5]["total_size"] = None
    found = run_anomalies(given)
    assert [(item["session_id"], item["kind"], item["history"], item["score"]) for item in found] == [
        ("s6", "duration_anomaly", 5, 90.0), ("s7", "size_anomaly", 5, 90.0)]


def test_only_the_last_history_runs_are_the_yardstick():
    # history 3: s4 (100) against 1000 x 3 and s5 against 1000 1000 100 (median 1000) are flagged;
    # s6 against 1000 100 100 has median 100 and is usual. With all earlier runs, s6 would meet
    # median 1000 (of 1000 x 3, 100 x 2) and be flagged too.
    given = runs([1000, 1000, 1000, 100, 100, 100, 100])
    assert [found["session_id"] for found in run_anomalies(given, min_history=3, history=3)] == ["s4", "s5"]
    assert [found["session_id"] for found in run_anomalies(given, min_history=3, history=30)] == ["s4", "s5", "s6"]


def test_a_higher_threshold_lets_more_through():
    # identical 100 x 5, 151: score 5.1 flags at 5 but not at 6.
    assert run_anomalies(runs([100] * 5 + [151]), threshold=6.0) == []


def test_the_findings_are_the_kinds_of_the_anomalies_in_the_window():
    found = run_anomalies(runs([100, 110, 90, 100, 105, 95, 1000, 100], [600] * 7 + [6000]))
    assert anomaly_findings(found, datetime(2026, 11, 8, tzinfo=timezone.utc)) == ["duration_anomaly"]  # s8 only
    assert anomaly_findings(found, datetime(2026, 11, 1, tzinfo=timezone.utc)) == ["duration_anomaly", "size_anomaly"]


def test_a_spread_of_exactly_the_narrowest_usual_range_is_usual_and_a_byte_more_is_judged():
    # lowest 100: least scale max(0.1 * 100, 1) = 10, so the widest spread that is usual whatever
    # the median is 5 * 10 = 50. 100 x 5 then 150: median 100, distance 50, not above 50: usual.
    assert run_anomalies(runs([100] * 5 + [150])) == []
    # 151: distance 51 > 50, judged; MAD 0, scale 10, score 5.1: flagged.
    assert [found["score"] for found in run_anomalies(runs([100] * 5 + [151]))] == [5.1]


def test_the_shortcut_for_a_steady_vm_never_changes_what_is_found(monkeypatch):
    """_all_usual passes a VM whose spread is within the narrowest usual range without judging
    each run; on 2,000 random histories, steady and wild, and at the edges of floating point, the
    anomalies are those that judging every run finds."""
    rng = random.Random(28)
    histories = []
    for _history in range(2000):
        base, jitter = rng.choice([0, 1, 50, 100, 10**9]), rng.choice([0.0, 0.02, 0.05, 0.1, 0.5, 3.0])
        values = [max(0, round(base * (1 + rng.uniform(-jitter, jitter)))) for _run in range(rng.randint(0, 40))]
        if values and rng.random() < 0.3:
            values[rng.randrange(len(values))] *= rng.choice([0, 2, 10])
        histories.append(runs(values, [value or 1 for value in values]))
    # Where floating point differs from whole numbers (2 ** 53 and above; the float sum of two
    # overflows) and negative values: judged run by run, as the loop computes.
    edge = 9007199254739994
    histories += [runs([edge] * 5 + [13510798882109991]), runs([edge] * 5 + [13510798882109991, 0]),
                  runs([1] * 7, [-1e308] * 7), runs([-5, -4, -6, -5, -5, 40]), runs([2 ** 52] * 5 + [2 ** 53 - 1])]
    with_shortcut = [run_anomalies(history, min_history=3, history=8) for history in histories]
    monkeypatch.setattr(_anomalies, "_all_usual", lambda values, threshold: False)
    # Compared as text: the overflowing case gives NaN scores, which equal nothing, not even themselves.
    assert repr([run_anomalies(history, min_history=3, history=8) for history in histories]) == repr(with_shortcut)
    assert sum(map(len, with_shortcut)) > 100  # the histories do hold anomalies to find
    assert [found["session_id"] for found in with_shortcut[2000]] == ["s6"]  # the float distance is above the edge


def test_a_value_that_is_not_finite_is_no_measure():
    # NaN and infinity are passed like None: s8 (1000) is judged against the five 100s around them.
    given = runs([100, 100, float("nan"), 100, float("inf"), 100, 100, 1000])
    assert [(found["session_id"], found["history"]) for found in run_anomalies(given)] == [("s8", 5)]
    # A NaN in a short sliding window upset its sort and the removal of the oldest value (IndexError).
    assert run_anomalies(runs([100] * 4, [1.0, float("nan"), 0.0, 0.0]), min_history=2, history=3) == []


@pytest.mark.parametrize(("options", "message"), [
    ({"threshold": 0}, "the anomaly threshold must be a number above 0"),
    ({"min_history": 0}, "the anomaly minimum history must be a whole number of runs from 1"),
    ({"min_history": 5, "history": 3}, r"the anomaly history \(3 runs\) must be at least the minimum history"),
])
def test_options_that_cannot_work_say_so(options, message):
    with pytest.raises(ConfigurationError, match=message):
        run_anomalies([], **options)
