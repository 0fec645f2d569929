# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a VM's window holds over time, kept by the one fold for the judgements over a period:
the times it was known replicated (the SLA over the window, _sla) and its successful runs
(the runs that look wrong, _anomalies). Plain JSON data out, so the inventory's cache keeps it.
Pure functions, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._times import iso


@dataclass
class History:
    """The successful completed sessions of one VM on one backup server: their times, and the
    duration and transferred size of each (None where EM gave none)."""

    success_times: list[datetime] = field(default_factory=list)
    runs: list[tuple[datetime, Any, Any, Any]] = field(default_factory=list)

    def add(self, record: Mapping[str, Any], created: datetime) -> None:
        """A Success or Warning session that completed at a known time."""
        self.success_times.append(created)
        self.runs.append((created, record.get("id"), record.get("duration_seconds"), record.get("total_size")))

    def runs_data(self) -> list[dict[str, Any]]:
        """The runs, oldest first, as {id, creation_time, duration_seconds, total_size}."""
        return [{"id": run_id, "creation_time": iso(created), "duration_seconds": duration, "total_size": size}
                for created, run_id, duration, size in sorted(self.runs, key=lambda run: run[0])]


def evidence_times(point_times: Iterable[datetime] | None, success_times: Iterable[datetime]) -> list[str]:
    """The times a VM is known replicated, oldest first, as ISO text: its restore points when
    they were read (a Warning session may have made none), else its successful sessions."""
    chosen = point_times if point_times is not None else success_times
    return [iso(moment) for moment in sorted(set(chosen))]
