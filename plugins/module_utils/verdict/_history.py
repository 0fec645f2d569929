# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a VM's window holds over time, kept by the one fold for the judgements over a period:
the times it was known replicated and its first session of any result (the SLA over the
window, _sla), and its successful runs (the runs that look wrong, _anomalies). Its times stay
aware datetimes in the summary, since _period only works on moments and ISO text would be
written and parsed back for every session of the window; history_as_text gives the JSON the
inventory's cache keeps, and _period reads either. Pure functions, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._times import iso


@dataclass
class History:
    """The successful completed sessions of one VM on one backup server, each a run row
    (creation_time, id, duration_seconds, total_size: _anomalies.RUN_FIELDS; None where EM gave
    none), and its first session of any result."""

    runs: list[tuple[datetime, Any, Any, Any]] = field(default_factory=list)
    # A VM whose runs failed before its first point was there all along, not added mid-window:
    # its SLA is measured from its first session (_sla), so the outage is not hidden.
    first_seen: datetime | None = None

    def seen(self, created: datetime) -> None:
        """Any session of the VM, whatever its result or state, at its real creation time."""
        if self.first_seen is None or created < self.first_seen:
            self.first_seen = created

    def add(self, record: Mapping[str, Any], created: datetime) -> None:
        """A Success or Warning session that completed at a known time."""
        self.runs.append((created, record.get("id"), record.get("duration_seconds"), record.get("total_size")))

    def ordered_runs(self) -> list[tuple[datetime, Any, Any, Any]]:
        """The run rows, oldest first."""
        return sorted(self.runs, key=itemgetter(0))


def evidence_times(point_times: Iterable[datetime] | None, history: History) -> list[datetime]:
    """The times a VM is known replicated, oldest first, as aware datetimes.

    Without its restore points read: every Success or Warning session. With them: the points,
    and before the oldest of them those sessions, since retention prunes the oldest points while
    their sessions stay in the window. From the oldest point on, the points alone: a replica
    from backup makes a point carrying the backup's older time, or none when its run finds no
    new backup point and ends Warning ("How Replica from Backup Works", Veeam's user guide), so
    there a session's time says less than the point.
    """
    if point_times is None:
        return sorted({run[0] for run in history.runs})
    points = sorted(set(point_times))
    if not points:
        return points  # points read, none kept: the sessions prove no point
    pruned = {run[0] for run in history.runs if run[0] < points[0]}
    return sorted(pruned.union(points)) if pruned else points


def history_as_text(summary: Mapping[str, Any]) -> Mapping[str, Any]:
    """The summary as JSON data: its history's times (evidence_times, each run's creation_time,
    first_seen_time) as ISO 8601 text; the summary itself when it kept no history."""
    if summary.get("evidence_times") is None and summary.get("runs") is None:
        return summary
    return {**summary, "evidence_times": [iso(moment) for moment in summary.get("evidence_times") or ()],
            "runs": [[iso(run[0]), *run[1:]] for run in summary.get("runs") or ()],
            "first_seen_time": iso(summary.get("first_seen_time"))}
