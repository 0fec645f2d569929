# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs that succeeded but look wrong: a duration or a transferred size far outside the VM's own
recent history (Veeam ONE's "Unusual job duration" and "Suspicious incremental backup size").

A robust rule, so one odd run does not move the yardstick: each run is compared with the median
m of the VM's last `history` earlier runs, in units of scale = max(1.4826 * MAD, 0.1 * m, one
second or byte). 1.4826 * MAD estimates a standard deviation; the 10 % of the median keeps a
very steady history (MAD near 0) from flagging ordinary jitter. Pure functions, no I/O.
"""
from __future__ import annotations

import math
from bisect import bisect_left, insort
from datetime import datetime
from operator import itemgetter
from typing import Any, Iterable, Mapping, Sequence

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._records import parse_record_time, record_times
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso

# A run as the fold keeps it (_history.History.runs): these task session keys, in this order.
RUN_FIELDS = ("creation_time", "id", "duration_seconds", "total_size")
# The finding of each measure, and its place in a run.
MEASURES = (("duration_anomaly", 2), ("size_anomaly", 3))
MAD_TO_SIGMA = 1.4826
MEDIAN_SHARE = 0.1
# One second, one byte: the scale of a history of zeros.
FLOOR = 1.0
# The types of a measure's value: a run with anything else (None, or a bool), or with a value that
# is not finite (NaN, which no sort can place, or infinity), has none.
NUMBERS = (int, float)
# Whole numbers below 2 ** 53 are exact as floats (_all_usual).
EXACT_BELOW = 2.0 ** 53


def run_anomalies(runs: Iterable[Mapping[str, Any]], threshold: float = 5.0, min_history: int = 5,
                  history: int = 30) -> list[dict[str, Any]]:
    """The anomalous runs of one VM, oldest first.

    `runs`: its successful completed task sessions, {id, creation_time (ISO 8601 or aware
    datetime), duration_seconds, total_size}, in any order. A run with at least `min_history`
    earlier runs that have the measure is judged against the last `history` of them; a run
    without the measure (None, a bool, NaN or infinity) is neither judged nor history for it. Each anomaly: {kind,
    session_id, creation_time, value, median, usual_low, usual_high, score, history}.
    """
    return row_anomalies([[run.get(key) for key in RUN_FIELDS] for run in runs], threshold, min_history, history)


def row_anomalies(rows: Iterable[Sequence[Any]], threshold: float = 5.0, min_history: int = 5,
                  history: int = 30) -> list[dict[str, Any]]:
    """run_anomalies() of runs given as rows of RUN_FIELDS, as the fold keeps them: no dict
    per run (a VM has one per successful session of the window) to build and read back."""
    _check_options(threshold, min_history, history)
    ordered = sorted(_timed(rows), key=itemgetter(0))
    found = []
    for kind, place in MEASURES:
        found.extend(_measure(kind, ordered, place, threshold, min_history, history))
    found.sort(key=lambda anomaly: (anomaly["_moment"], anomaly["kind"]))
    for anomaly in found:
        del anomaly["_moment"]
    return found


def anomaly_findings(anomalies: Iterable[Mapping[str, Any]], window_start: datetime) -> list[str]:
    """The findings a VM gains from run_anomalies(): the kinds of the anomalies in the window
    (a run before it served only as history), sorted."""
    return sorted({anomaly["kind"] for anomaly in anomalies
                   if parse_record_time(anomaly["creation_time"]) >= window_start})


def _measure(kind: str, ordered: list[Sequence[Any]], place: int, threshold: float,
             min_history: int, history: int) -> list[dict[str, Any]]:
    """One measure (the run field at `place`) over the runs oldest first, a run without it
    skipped: a sliding window of the last `history` values, kept sorted so the median is one
    lookup. Nothing ([]) at once when no run has `min_history` earlier ones, or when _all_usual."""
    measured = [row for row in ordered if isinstance(row[place], NUMBERS) and not isinstance(row[place], bool)
                and -math.inf < row[place] < math.inf]  # exact for any int, false for NaN
    values = [row[place] for row in measured]
    if len(values) <= min_history or _all_usual(values, threshold):
        return []
    ranked: list[float] = []  # the last `history` values before this run's, sorted
    found = []
    for index, (row, value) in enumerate(zip(measured, values)):
        if len(ranked) >= min_history:
            median = _median(ranked)
            # Most runs are usual: within the range even at the smallest scale (the share of the
            # median), which the MAD can only widen, so they are passed before the MAD is computed.
            least = _least(median)
            if abs(value - median) > threshold * least:
                anomaly = _judge(value, median, least, ranked, threshold)
                if anomaly is not None:
                    found.append({"kind": kind, "session_id": row[1], "creation_time": iso(row[0]),
                                  "value": value, **anomaly, "history": len(ranked), "_moment": row[0]})
        insort(ranked, value)
        if index >= history:  # the value leaving the window
            del ranked[bisect_left(ranked, values[index - history])]
    return found


def _all_usual(values: list[float], threshold: float) -> bool:
    """Whether _measure's first test passes every run, known without making it run by run (most
    VMs are steady): their spread is within `threshold` least scales of the lowest value.

    Any median lies between the lowest and the highest value, so no run is further from it than
    the spread, and the least scale only grows with the median. So too in floating point, as the
    loop computes, since each step rounds monotonically, when the values (finite: _measure) are
    from 0 to below EXACT_BELOW (each exact as a float; no sum of two overflows). Other values
    are judged run by run.
    """
    lowest, highest = min(values), max(values)
    if not (0 <= lowest and highest < EXACT_BELOW):
        return False
    return float(highest) - float(lowest) <= threshold * _least(lowest)


def _least(median: float) -> float:
    """The least scale at a median: its share, or the floor."""
    return max(MEDIAN_SHARE * median, FLOOR)


def _judge(value: float, median: float, least: float, ranked: list[float], threshold: float) -> dict[str, Any] | None:
    """The anomaly keys of `value` against the sorted history, its median and the least scale
    (the share of the median, or the floor), or None when it is usual."""
    distance = abs(value - median)
    scale = max(MAD_TO_SIGMA * _median(sorted(abs(seen - median) for seen in ranked)), least)
    score = distance / scale
    if score <= threshold:
        return None
    return {"median": round(median, 2), "usual_low": round(max(median - threshold * scale, 0.0), 2),
            "usual_high": round(median + threshold * scale, 2), "score": round(score, 2)}


def _median(ranked: list[float]) -> float:
    middle = len(ranked) // 2
    return float(ranked[middle]) if len(ranked) % 2 else (ranked[middle - 1] + ranked[middle]) / 2.0


def _timed(rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
    """The rows that have a creation time, each with it as a datetime (a cache keeps ISO text)."""
    timed = [row for row in rows if row[0] is not None]
    return [row if moment is row[0] else (moment, *row[1:])
            for row, moment in zip(timed, record_times([row[0] for row in timed]))]


def _check_options(threshold: float, min_history: int, history: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or threshold <= 0:
        raise ConfigurationError(f"the anomaly threshold must be a number above 0 such as 5, not {threshold!r}")
    if isinstance(min_history, bool) or not isinstance(min_history, int) or min_history < 1:
        raise ConfigurationError(f"the anomaly minimum history must be a whole number of runs from 1, not {min_history!r}")
    if isinstance(history, bool) or not isinstance(history, int) or history < min_history:
        raise ConfigurationError(f"the anomaly history ({history!r} runs) must be at least the minimum history "
                                 f"({min_history} runs): no run could be judged; raise it or lower the minimum")
