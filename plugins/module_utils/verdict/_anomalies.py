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

from bisect import bisect_left, insort
from collections import deque
from datetime import datetime
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._records import parse_record_time
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso

# The finding of each measure, and the task session key it reads.
MEASURES = (("duration_anomaly", "duration_seconds"), ("size_anomaly", "total_size"))
MAD_TO_SIGMA = 1.4826
MEDIAN_SHARE = 0.1
# One second, one byte: the scale of a history of zeros.
FLOOR = 1.0


def run_anomalies(runs: Iterable[Mapping[str, Any]], threshold: float = 5.0, min_history: int = 5,
                  history: int = 30) -> list[dict[str, Any]]:
    """The anomalous runs of one VM, oldest first.

    `runs`: its successful completed task sessions, {id, creation_time (ISO 8601 or aware
    datetime), duration_seconds, total_size}, in any order. A run with at least `min_history`
    earlier runs that have the measure is judged against the last `history` of them; a run
    without the measure is neither judged nor history for it. Each anomaly: {kind,
    session_id, creation_time, value, median, usual_low, usual_high, score, history}.
    """
    _check_options(threshold, min_history, history)
    ordered = sorted(_timed(runs), key=lambda pair: pair[0])
    found = []
    for kind, key in MEASURES:
        measured = [(moment, run, value) for moment, run in ordered if (value := _number(run.get(key))) is not None]
        found.extend(_measure(kind, measured, threshold, min_history, history))
    found.sort(key=lambda anomaly: (anomaly["_moment"], anomaly["kind"]))
    for anomaly in found:
        del anomaly["_moment"]
    return found


def anomaly_findings(anomalies: Iterable[Mapping[str, Any]], window_start: datetime) -> list[str]:
    """The findings a VM gains from run_anomalies(): the kinds of the anomalies in the window
    (a run before it served only as history), sorted."""
    return sorted({anomaly["kind"] for anomaly in anomalies
                   if parse_record_time(anomaly["creation_time"]) >= window_start})


def _measure(kind: str, measured: list[tuple[datetime, Mapping[str, Any], float]], threshold: float,
             min_history: int, history: int) -> list[dict[str, Any]]:
    """One measure over the runs that have it (time, run, value), oldest first: a sliding window
    of the last `history` values, kept sorted too so the median is one lookup."""
    recent: deque[float] = deque()
    ranked: list[float] = []
    found = []
    for moment, run, value in measured:
        if len(recent) >= min_history:
            anomaly = _judge(value, ranked, threshold)
            if anomaly is not None:
                found.append({"kind": kind, "session_id": run.get("id"), "creation_time": iso(moment),
                              "value": value, **anomaly, "history": len(recent), "_moment": moment})
        recent.append(value)
        insort(ranked, value)
        if len(recent) > history:
            del ranked[bisect_left(ranked, recent.popleft())]
    return found


def _judge(value: float, ranked: list[float], threshold: float) -> dict[str, Any] | None:
    """The anomaly keys of `value` against the sorted history, or None when it is usual."""
    median = _median(ranked)
    distance = abs(value - median)
    least = max(MEDIAN_SHARE * median, FLOOR)
    if distance <= threshold * least:
        return None  # within the range even at the smallest scale: the MAD cannot change that
    scale = max(MAD_TO_SIGMA * _median(sorted(abs(seen - median) for seen in ranked)), least)
    score = distance / scale
    if score <= threshold:
        return None
    return {"median": round(median, 2), "usual_low": round(max(median - threshold * scale, 0.0), 2),
            "usual_high": round(median + threshold * scale, 2), "score": round(score, 2)}


def _median(ranked: list[float]) -> float:
    middle = len(ranked) // 2
    return float(ranked[middle]) if len(ranked) % 2 else (ranked[middle - 1] + ranked[middle]) / 2.0


def _number(value: Any) -> float | None:
    """A measure's value, or None when the run has none (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _timed(runs: Iterable[Mapping[str, Any]]) -> list[tuple[datetime, Mapping[str, Any]]]:
    """(creation time, run) for the runs that have a creation time."""
    timed = []
    for run in runs:
        moment = parse_record_time(run.get("creation_time"))
        if moment is not None:
            timed.append((moment, run))
    return timed


def _check_options(threshold: float, min_history: int, history: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or threshold <= 0:
        raise ConfigurationError(f"the anomaly threshold must be a number above 0 such as 5, not {threshold!r}")
    if isinstance(min_history, bool) or not isinstance(min_history, int) or min_history < 1:
        raise ConfigurationError(f"the anomaly minimum history must be a whole number of runs from 1, not {min_history!r}")
    if isinstance(history, bool) or not isinstance(history, int) or history < min_history:
        raise ConfigurationError(f"the anomaly history ({history!r} runs) must be at least the minimum history "
                                 f"({min_history} runs): no run could be judged; raise it or lower the minimum")
