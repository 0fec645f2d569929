# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Service level over the window: the share of time a VM had a restore point within its RPO.

A point at e covers [e, e + rpo]; the covered time is the union of those intervals, clipped to
the VM's span [start, now]. start is the window's start, or the VM's first evidence or first
session of any result, whichever is earlier, when that is later (a VM added mid-window is
measured from when it is first seen, as Veeam's SLA rules measure from the first point; a VM
whose first runs failed was there all along, so those failures count against it).
Per UTC day the same share, so reports can draw a strip. Pure functions, no I/O; O(n log n)
in the number of evidence times (one sort, then linear sweeps).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

# The arithmetic is in whole microseconds since the epoch (datetime's resolution): exact, and
# several times cheaper than datetime and timedelta objects over 100,000 evidence times.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
NAIVE_EPOCH = datetime(1970, 1, 1)
MICROSECOND = timedelta(microseconds=1)
SECOND = 1_000_000
DAY = 86_400 * SECOND
Interval = tuple[int, int]


def vm_sla(evidence: Iterable[datetime], window_start: datetime, now: datetime,
           rpo_seconds: float | timedelta | None,
           spans: Iterable[tuple[datetime, datetime]] = (),
           seen_from: datetime | None = None, with_days: bool = True) -> dict[str, Any] | None:
    """The SLA of one VM over [window_start, now] (aware datetimes), None without an RPO
    (seconds, or the timedelta _rpo.read_rpo gives).

    `evidence`: restore point times (or Success/Warning session times, CDP session ends), any
    order; times after `now` are not yet evidence. `spans`: periods (begin, end) the VM was
    replicated throughout, such as a CDP session that ended Success or one still running; each
    covers [begin, end + rpo], as its end is a point. `seen_from`: the VM's first session of any
    result, when known; the span starts there when that is before the first evidence (bounded
    by the window). Returns {percent, covered_seconds,
    span_seconds, start, end, gaps: [{start, end, seconds}], days: [{date, percent,
    covered_seconds, span_seconds}]}; a day outside the span has percent None. `with_days`
    False leaves the days out (None), for a surface that does not show them.
    """
    if isinstance(rpo_seconds, timedelta):
        rpo_seconds = rpo_seconds.total_seconds()
    if rpo_seconds is None or rpo_seconds <= 0:
        return None
    window, end = _micro(window_start), _micro(now)
    if window > end:
        raise ConfigurationError(f"the SLA window starts at {_text(window)}, after its end {_text(end)}: "
                                 "give a window start before now")
    rpo = round(rpo_seconds * SECOND)
    # _micro written out: a VM has one evidence time per run or point of the window.
    times = sorted([moment for each in evidence if (moment := (each - EPOCH) // MICROSECOND) <= end])
    ends = [moment + rpo for moment in times]
    span_intervals = [(_micro(low), _micro(high) + rpo) for low, high in spans if _micro(low) <= end]
    if span_intervals:  # CDP: a few spans, each with its own end
        times, ends = _with_spans(times, ends, span_intervals)
    start = max(window, _first_seen(times, seen_from, end))
    covered = _covered(times, ends, start, end)
    covered_total = sum(high - low for low, high in covered)
    span = end - start
    return {
        # An empty span holds only a point at `now`: the VM is within its RPO over all of it.
        "percent": _share(covered_total, span) if span else (100.0 if times and times[-1] == end else 0.0),
        "covered_seconds": covered_total / SECOND, "span_seconds": span / SECOND,
        "start": _text(start), "end": _text(end),
        "gaps": _gaps(covered, start, end),
        "days": _days(covered, window, start, end) if with_days else None,
    }


def aggregate_sla(slas: Iterable[Mapping[str, Any] | None]) -> dict[str, Any]:
    """The SLA of a group (job, backup server, failover plan, EM) from its VMs' vm_sla() results.

    Time-weighted: covered seconds over span seconds, summed over the VMs (None entries, VMs
    without an RPO, are left out), per day the same way. percent is None for a group without
    VMs; a group whose spans are all empty takes its lowest VM share. VMs measured without
    their days (vm_sla with_days False) add none.
    """
    measured = [sla for sla in slas if sla is not None]
    covered = sum(sla["covered_seconds"] for sla in measured)
    span = sum(sla["span_seconds"] for sla in measured)
    percent = None
    if measured:
        percent = round(100.0 * covered / span, 2) if span else min(sla["percent"] for sla in measured)
    return {"percent": percent, "covered_seconds": covered, "span_seconds": span, "vms": len(measured),
            "days": _summed_days(measured)}


def with_target(sla: Mapping[str, Any] | None, target: float | None) -> dict[str, Any] | None:
    """A vm_sla() or aggregate_sla() result with `target` and `below_target` (None without a target
    or a share); a VM below it gains the finding sla_below_target (the fold adds it)."""
    if sla is None:
        return None
    below = None if target is None or sla["percent"] is None else sla["percent"] < target
    return {**sla, "target": target, "below_target": below}


def read_sla_target(value: Any, option: str = "sla_target") -> float | None:
    """A target share from the option (a percent, 0 to 100); None when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        target = float(str(value).strip().rstrip("%")) if not isinstance(value, bool) else None
    except ValueError:
        target = None
    if target is None or not 0.0 <= target <= 100.0:
        raise ConfigurationError(f"{option} must be a percent from 0 to 100 such as 99.5, not {value!r}")
    return target


def _first_seen(times: list[int], seen_from: datetime | None, end: int) -> int:
    """When the VM is first known: its first evidence or first session, whichever is earlier;
    the window's start when neither is (0 here, so max() picks the window)."""
    known = times[:1] + ([_micro(seen_from)] if seen_from is not None and _micro(seen_from) <= end else [])
    return min(known) if known else 0


def _micro(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def _text(micro: int) -> str:
    """_times.iso() of the moment, from a naive UTC datetime: a third of the cost per gap."""
    return (NAIVE_EPOCH + timedelta(0, 0, micro)).isoformat() + "Z"


def _share(covered: int, span: int) -> float:
    return round(100.0 * covered / span, 2)


def _with_spans(times: list[int], ends: list[int], spans: list[Interval]) -> tuple[list[int], list[int]]:
    """The intervals of the points (times, ends) and of the spans, sorted by start, as two lists."""
    intervals = sorted([*zip(times, ends), *spans])
    return [low for low, _high in intervals], [high for _low, high in intervals]


def _covered(times: list[int], ends: list[int], start: int, end: int) -> list[Interval]:
    """The union of the intervals [times[i], ends[i]] (sorted by start; [e, e + rpo] per point),
    clipped to [start, end], as disjoint intervals oldest first. A point at exactly the end of
    the previous cover joins it: the instant e + rpo is still within the RPO."""
    merged: list[list[int]] = []
    for moment, until in zip(times, ends):
        if until <= start:
            continue  # expired before the span began
        if merged and moment <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], until)
        else:
            merged.append([max(moment, start), until])
    return [(low, min(high, end)) for low, high in merged if low < end]


def _gaps(covered: list[Interval], start: int, end: int) -> list[dict[str, Any]]:
    """The periods of [start, end] outside every covered interval, oldest first."""
    gaps = []
    cursor = start
    for low, high in covered:  # disjoint and sorted: each starts after the one before ends
        if low > cursor:
            gaps.append({"start": _text(cursor), "end": _text(low), "seconds": (low - cursor) / SECOND})
        cursor = high
    if end > cursor:
        gaps.append({"start": _text(cursor), "end": _text(end), "seconds": (end - cursor) / SECOND})
    return gaps


def _days(covered: list[Interval], window: int, start: int, end: int) -> list[dict[str, Any]]:
    """Per UTC day the window touches: the covered share of the day's part of the span."""
    days = []
    first = 0  # covered intervals ending before the day are never looked at again
    for midnight in _midnights(window, end):
        low, high = max(midnight, start), min(midnight + DAY, end)
        entry: dict[str, Any] = {"date": (NAIVE_EPOCH + timedelta(microseconds=midnight)).date().isoformat(),
                                 "percent": None, "covered_seconds": 0.0, "span_seconds": 0.0}
        days.append(entry)
        if high <= low:
            continue
        while first < len(covered) and covered[first][1] <= low:
            first += 1
        inside, index = 0, first
        while index < len(covered) and covered[index][0] < high:
            inside += min(covered[index][1], high) - max(covered[index][0], low)
            index += 1
        entry.update(percent=_share(inside, high - low), covered_seconds=inside / SECOND,
                     span_seconds=(high - low) / SECOND)
    return days


def _midnights(window: int, end: int) -> range:
    """The UTC midnights starting the days [window, end] has time in (a window ending at a
    midnight does not touch the day that midnight starts)."""
    last = end if end == window else end - 1
    return range(window - window % DAY, last + 1, DAY)


def _summed_days(slas: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per date, covered over span summed over the VMs whose span has time that day."""
    totals: dict[str, list[float]] = {}
    for sla in slas:
        for day in sla["days"] or ():
            total = totals.setdefault(day["date"], [0.0, 0.0])
            total[0] += day["covered_seconds"]
            total[1] += day["span_seconds"]
    return [{"date": date, "percent": round(100.0 * covered / span, 2) if span else None,
             "covered_seconds": covered, "span_seconds": span}
            for date, (covered, span) in sorted(totals.items())]
