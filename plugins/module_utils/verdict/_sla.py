# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Service level over the window: the share of time a VM had a restore point within its RPO.

A point at e covers [e, e + rpo]; the covered time is the union of those intervals, clipped to
the VM's span [start, now]. start is the window's start, or the VM's first evidence when that
is later (a VM added mid-window is measured from its first point, as Veeam's SLA rules do).
Per UTC day the same share, so reports can draw a strip. Pure functions, no I/O; O(n log n)
in the number of evidence times (one sort, then linear sweeps).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso

DAY = timedelta(days=1)
NOTHING = timedelta(0)
Interval = tuple[datetime, datetime]


def vm_sla(evidence: Iterable[datetime], window_start: datetime, now: datetime,
           rpo_seconds: float | None) -> dict[str, Any] | None:
    """The SLA of one VM over [window_start, now] (aware datetimes), None without an RPO.

    `evidence`: restore point times (or Success/Warning session times, CDP session ends), any
    order; times after `now` are not yet evidence. Returns {percent, covered_seconds,
    span_seconds, start, end, gaps: [{start, end, seconds}], days: [{date, percent,
    covered_seconds, span_seconds}]}; a day outside the span has percent None.
    """
    if rpo_seconds is None or rpo_seconds <= 0:
        return None
    window_start, now = _utc(window_start), _utc(now)
    times = sorted(_utc(moment) for moment in evidence if moment <= now)
    start = max(window_start, times[0]) if times else window_start
    covered = _covered(times, timedelta(seconds=rpo_seconds), start, now)
    covered_total = sum((end - begin for begin, end in covered), NOTHING)
    span = now - start
    return {
        # An empty span holds only a point at `now`: the VM is within its RPO over all of it.
        "percent": _share(covered_total, span) if span else (100.0 if times and times[-1] == now else 0.0),
        "covered_seconds": covered_total.total_seconds(), "span_seconds": span.total_seconds(),
        "start": iso(start), "end": iso(now),
        "gaps": _gaps(covered, start, now),
        "days": _days(covered, window_start, start, now),
    }


def aggregate_sla(slas: Iterable[Mapping[str, Any] | None]) -> dict[str, Any]:
    """The SLA of a group (job, backup server, failover plan, EM) from its VMs' vm_sla() results.

    Time-weighted: covered seconds over span seconds, summed over the VMs (None entries, VMs
    without an RPO, are left out), per day the same way. percent is None for a group without
    VMs; a group whose spans are all empty takes its lowest VM share.
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


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _share(covered: timedelta, span: timedelta) -> float:
    return round(100.0 * (covered / span), 2)


def _covered(times: list[datetime], rpo: timedelta, start: datetime, now: datetime) -> list[Interval]:
    """The union of [e, e + rpo] over the sorted times, clipped to [start, now], as disjoint
    intervals oldest first. A point at exactly the end of the previous cover joins it: the
    instant e + rpo is still within the RPO."""
    merged: list[list[datetime]] = []
    for moment in times:
        end = moment + rpo
        if end <= start:
            continue  # expired before the span began
        if merged and moment <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([max(moment, start), end])
    return [(begin, min(end, now)) for begin, end in merged if begin < now]


def _gaps(covered: list[Interval], start: datetime, now: datetime) -> list[dict[str, Any]]:
    """The periods of [start, now] outside every covered interval, oldest first."""
    gaps = []
    cursor = start
    for begin, end in [*covered, (now, now)]:
        if begin > cursor:
            gaps.append({"start": iso(cursor), "end": iso(begin), "seconds": (begin - cursor).total_seconds()})
        cursor = max(cursor, end)
    return gaps


def _days(covered: list[Interval], window_start: datetime, start: datetime, now: datetime) -> list[dict[str, Any]]:
    """Per UTC day the window touches: the covered share of the day's part of the span."""
    days = []
    first = 0  # covered intervals ending before the day are never looked at again
    for day in _window_days(window_start, now):
        low, high = max(day, start), min(day + DAY, now)
        entry: dict[str, Any] = {"date": day.date().isoformat(), "percent": None,
                                 "covered_seconds": 0.0, "span_seconds": 0.0}
        days.append(entry)
        if high <= low:
            continue
        while first < len(covered) and covered[first][1] <= low:
            first += 1
        inside = NOTHING
        for begin, end in covered[first:]:
            if begin >= high:
                break
            inside += min(end, high) - max(begin, low)
        entry.update(percent=_share(inside, high - low), covered_seconds=inside.total_seconds(),
                     span_seconds=(high - low).total_seconds())
    return days


def _window_days(window_start: datetime, now: datetime) -> list[datetime]:
    """The UTC midnights starting the days [window_start, now] has time in (a window ending at a
    midnight does not touch the day that midnight starts)."""
    day = window_start.replace(hour=0, minute=0, second=0, microsecond=0)
    last = now if now == window_start else now - timedelta(microseconds=1)
    midnights = []
    while day <= last:
        midnights.append(day)
        day += DAY
    return midnights


def _summed_days(slas: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per date, covered over span summed over the VMs whose span has time that day."""
    totals: dict[str, list[float]] = {}
    for sla in slas:
        for day in sla["days"]:
            total = totals.setdefault(day["date"], [0.0, 0.0])
            total[0] += day["covered_seconds"]
            total[1] += day["span_seconds"]
    return [{"date": date, "percent": round(100.0 * covered / span, 2) if span else None,
             "covered_seconds": covered, "span_seconds": span}
            for date, (covered, span) in sorted(totals.items())]
