# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a replica task session's fields mean together: the one place these rules live.

Real Enterprise Managers fill `Result` before a task ends (an `InProgress` task that
already says `Success`) and write placeholder times (`1900-01-01T00:00:00Z`,
`0001-01-01T00:00:00`, an end before the creation). So:

- the State wins: only a `Completed` session has a result, an end time and a duration;
- a placeholder time is no time (None), and an end before the creation is no end;
- a duration is never negative.

The module's records, the inventory's and the filter's statuses and the role's verdicts
all come through settle(), so they cannot disagree.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ansible_collections.veeam_em.core.plugins.module_utils._times import is_placeholder

COMPLETED = "Completed"
DOCUMENTED_RESULTS = ("Success", "Warning", "Failed")
# The documented states of a task that has not ended; any state but Completed has no result.
RUNNING_STATES = ("InProgress", "Pending")
# A replica job session (a run) [get_query_replicajobsession]: Starting, Working, Stopping, then
# Stopped, the one state that has ended.
JOB_SESSION_STOPPED = "Stopped"


def run_going(job_session: dict | None) -> bool:
    """Whether a job session is a run that has not ended (any state but Stopped)."""
    return job_session is not None and job_session.get("state") != JOB_SESSION_STOPPED


class Outcome(NamedTuple):
    """A session's settled times (aware datetimes or None), result and duration in seconds."""

    creation_time: datetime | None
    end_time: datetime | None
    result: str | None
    duration_seconds: float | None


def real_time(moment: datetime | None) -> datetime | None:
    """The time, or None for a missing or placeholder one."""
    return None if moment is None or is_placeholder(moment) else moment


def settled_result(state: str | None, result: str | None) -> str | None:
    """The documented Result of a Completed session; None while it runs or for any other value."""
    return result if state == COMPLETED and result in DOCUMENTED_RESULTS else None


def settle(state: str | None, result: str | None, created: datetime | None, ended: datetime | None) -> Outcome:
    """The outcome EM's State, Result, CreationTimeUTC and EndTimeUTC really describe."""
    created = real_time(created)
    ended = real_time(ended) if state == COMPLETED else None
    if ended is not None and created is not None and ended < created:
        ended = None  # an end before the start is a placeholder too
    duration = (ended - created).total_seconds() if created is not None and ended is not None else None
    return Outcome(created, ended, settled_result(state, result), duration)


def is_running(state: str | None) -> bool:
    return state in RUNNING_STATES
