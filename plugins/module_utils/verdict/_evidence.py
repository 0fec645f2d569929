# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a VM's RPO is judged on: its newest replica restore point, or a task session.

Veeam's own monitoring measures a replica's RPO as the age of its newest restore point. A
replica job that replicates from backup ends in Warning without a new point when the
source backup has none, and its points carry the backup's time (Veeam's user guide, "How
Replica from Backup Works"; docs/docsite/rst/em_api_notes.rst, "Replica restore points"), so
with points read a Warning session is never evidence of a fresh replica. Pure functions, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

RPO_BASES = ("restore_point", "session")
DEFAULT_RPO_BASIS = "restore_point"


def read_choice(value: Any, option: str, choices: tuple[str, ...]) -> str:
    """An option that takes one of `choices`: the first (the default) for None or '';
    ConfigurationError naming the option and the choices otherwise."""
    if value is None or value == "":
        return choices[0]
    if value not in choices:
        raise ConfigurationError(f"{option} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def read_rpo_basis(value: Any) -> str:
    """The rpo_basis option: 'restore_point' (the default, for None) or 'session'; ConfigurationError otherwise."""
    return read_choice(value, "rpo_basis", RPO_BASES)


@dataclass
class PointFold:
    """The restore points of one VM on one backup server: the newest, how many, and their times."""

    newest: datetime | None = None
    count: int = 0
    keep_times: bool = False
    times: list[datetime] = field(default_factory=list)

    def add(self, created: datetime | None) -> None:
        self.count += 1
        if created is not None:
            if self.keep_times:
                self.times.append(created)  # the SLA over the window measures from every point (_history)
            if self.newest is None or created > self.newest:
                self.newest = created


def evidence(summary: Mapping[str, Any], basis: str) -> tuple[str | None, str | None]:
    """(rpo_basis, the summary key of the time the RPO is measured from) for a VM's summary.

    With basis 'restore_point' and points read (restore_points is not None): the newest
    point; a VM without one falls back to its last Success session (a Warning may have made
    no point) and says 'session'. With basis 'session', or points not read: the last
    Success or Warning session, as before points were read. (None, None) for an object
    included in a job but never replicated, and for a VM only CDP protects.
    """
    if summary.get("never_replicated") or "replica" not in summary.get("protection", ["replica"]):
        return None, None  # never replicated, or only CDP protects it (_cdp_status)
    if basis == "restore_point" and summary.get("restore_points") is not None:
        if summary.get("last_point_time") is not None:
            return "restore_point", "last_point_time"
        return "session", "last_clean_success_time"
    return "session", "last_success_time"
