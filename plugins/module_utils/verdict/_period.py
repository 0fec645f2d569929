# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A VM judged over its window, not only now: its SLA over the window (_sla) and the runs
that look wrong (_anomalies), from the evidence times and runs the one fold kept (_history,
and the CDP sessions of _cdp), as the fold made them (datetimes) or a cache kept them (ISO
text). Pure functions, no I/O.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._records import parse_record_time, record_times
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._anomalies import row_anomalies
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._sla import vm_sla, with_target


@dataclass(frozen=True)
class PeriodCriteria:
    """What a VM's window is judged on: whether the SLA and the anomalies are computed (both on
    by default, so the reports show them; the bench measures them off), whether the SLA has its
    days (the reports' strips; the inventory leaves them out unless asked), the window's start
    (None: each VM's first session or evidence), the SLA target in percent, and the anomaly rule."""

    include_sla: bool = True
    include_sla_days: bool = True
    include_anomalies: bool = True
    window_start: datetime | None = None
    sla_target: float | None = None
    anomaly_threshold: float = 5.0
    anomaly_min_history: int = 5


def read_anomaly_options(threshold: Any, min_history: Any) -> tuple[float, int]:
    """(anomaly_threshold, anomaly_min_history) from option values; ConfigurationError naming the option."""
    chosen = []
    for option, value, default, kind in (("anomaly_threshold", threshold, 5.0, float),
                                         ("anomaly_min_history", min_history, 5, int)):
        try:
            number = float(default if value is None or value == "" else value)  # float: int.is_integer is 3.12+
        except (TypeError, ValueError):
            number = None
        if number is not None and (not math.isfinite(number) or (kind is int and not number.is_integer())):
            number = None  # nan, inf, or 2.5 runs of history: refused, not cut to 2
        if number is None or isinstance(value, bool) or number <= 0:
            raise ConfigurationError(f"{option} must be a number above 0 such as {default}, not {value!r}")
        chosen.append(kind(number))
    return float(chosen[0]), int(chosen[1])


def period_facts(summary: Mapping[str, Any], status: Mapping[str, Any], now: datetime,
                 criteria: PeriodCriteria) -> dict[str, Any]:
    """The status keys `sla` (None when not computed or without an RPO; below_target gives the
    finding sla_below_target) and `anomalies` (the anomalous runs in the window, oldest first;
    [] when not computed; their kinds are the findings duration_anomaly and size_anomaly)."""
    facts: dict[str, Any] = {"sla": None, "anomalies": []}
    # A summary folded without its history (VmFold keep_history off: the inventory's default) has no SLA.
    if criteria.include_sla and status.get("rpo_seconds") and summary.get("evidence_times") is not None:
        evidence, spans = _evidence(summary, now)
        seen_from = _first_seen(summary)
        start = criteria.window_start or min([*evidence, *(low for low, _high in spans), *seen_from], default=now)
        facts["sla"] = with_target(vm_sla(evidence, min(start, now), now, status["rpo_seconds"], spans,
                                          min(seen_from, default=None), with_days=criteria.include_sla_days),
                                   criteria.sla_target)
    if criteria.include_anomalies:
        found = row_anomalies(summary.get("runs") or (), criteria.anomaly_threshold, criteria.anomaly_min_history)
        # A run before the window served only as history.
        facts["anomalies"] = [anomaly for anomaly in found if criteria.window_start is None
                              or parse_record_time(anomaly["creation_time"]) >= criteria.window_start]
    return facts


def _evidence(summary: Mapping[str, Any], now: datetime) -> tuple[list[datetime], list[tuple[datetime, datetime]]]:
    """The moments a VM was known replicated (its points or successful sessions), and the spans
    its CDP sessions replicated it: each one that ended Success, and one still running that VBR
    does not mark Failed."""
    moments = record_times(summary.get("evidence_times") or ())
    cdp = summary.get("cdp") or {}
    # VBR marks a CDP session Warning when the RPO was missed for a while: only its end is a point.
    completed = cdp.get("completed") or ()
    moments += [parse_record_time(ended) for _begun, ended, result in completed if result == "Warning"]
    spans = [(parse_record_time(begun), parse_record_time(ended)) for begun, ended, result in completed
             if result == "Success"]
    if cdp.get("running_since") and cdp.get("running_result") != "Failed":
        spans.append((parse_record_time(cdp["running_since"]), now))
    return [moment for moment in moments if moment is not None], _known(spans)


def _first_seen(summary: Mapping[str, Any]) -> list[datetime]:
    """The VM's first session of any result, replica or CDP, as a list of none or one: a failed
    run before the first evidence shows the VM was there, so its SLA span starts at it."""
    cdp = summary.get("cdp") or {}
    texts = [summary.get("first_seen_time"), cdp.get("running_since")]
    texts += [begun for begun, _ended, _result in cdp.get("completed") or ()]
    moments = [moment for moment in map(parse_record_time, texts) if moment is not None]
    return [min(moments)] if moments else []


def _known(spans: Iterable[tuple[datetime | None, datetime | None]]) -> list[tuple[datetime, datetime]]:
    return [(low, high) for low, high in spans if low is not None and high is not None]
