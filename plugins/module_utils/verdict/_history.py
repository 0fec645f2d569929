# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a VM's window holds over time, kept by the one fold for the judgements over a period:
the times it was known replicated and its first session of any result (the SLA over the
window, _sla), and its successful runs (the runs that look wrong, _anomalies). Plain JSON data
out, so the inventory's cache keeps it. Pure functions, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._times import iso


@dataclass
class History:
    """The successful completed sessions of one VM on one backup server: their times, and the
    duration and transferred size of each (None where EM gave none); and its first session of
    any result."""

    success_times: list[datetime] = field(default_factory=list)
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
        self.success_times.append(created)
        self.runs.append((created, record.get("id"), record.get("duration_seconds"), record.get("total_size")))

    def runs_data(self) -> list[dict[str, Any]]:
        """The runs, oldest first, as {id, creation_time, duration_seconds, total_size}."""
        return [{"id": run_id, "creation_time": iso(created), "duration_seconds": duration, "total_size": size}
                for created, run_id, duration, size in sorted(self.runs, key=lambda run: run[0])]


def evidence_times(point_times: Iterable[datetime] | None, history: History) -> list[str]:
    """The times a VM is known replicated, oldest first, as ISO text.

    Without its restore points read: every Success or Warning session. With them: the points,
    and before the oldest of them those sessions, since retention prunes the oldest points while
    their sessions stay in the window. From the oldest point on, the points alone: a replica
    from backup makes a point carrying the backup's older time, or none when its run finds no
    new backup point and ends Warning ("How Replica from Backup Works", Veeam's user guide), so
    there a session's time says less than the point.
    """
    if point_times is None:
        return [iso(moment) for moment in sorted(set(history.success_times))]
    points = sorted(set(point_times))
    pruned = {moment for moment in history.success_times if points and moment < points[0]}
    return [iso(moment) for moment in sorted(pruned.union(points))]
