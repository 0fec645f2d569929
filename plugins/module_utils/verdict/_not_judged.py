# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a run could not judge, and why: never shown as if it had been judged and found fine.

An entry is plain JSON data, `{'checks': 'coverage', 'reason': 'no right to read replication
jobs'}`: the checks left out and why. Every status carries the entries that apply to it
(`not_judged`), a run's scope the union of them, and each entry's message() is the warning
every surface gives once per run. The kinds: coverage (never replicated objects, disabled and
overdue jobs), which needs the replication jobs: an account without the Portal Administrator
role is refused them (403 or 401), or may be shown none (Veeam does not document which;
docs/docsite/rst/em_api_notes.rst, "Roles"); and the CDP policies' own RPOs, the CDP sessions
and the failover plans, each refused to some roles (em_api_notes.rst, "CDP" and "Failover
plans"). Pure functions, no I/O.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils._rights import (
    CDP_POLICIES,
    CDP_SESSIONS,
    FAILOVER_PLANS,
    REPLICATION_JOBS,
    TASK_SESSIONS,
)

COVERAGE = "coverage"
_COVERAGE_CHECKS = "VMs in jobs that never ran, disabled jobs and overdue jobs"
JOBS_REFUSED = {"checks": COVERAGE, "reason": REPLICATION_JOBS.reason}
JOBS_NOT_SHOWN = {"checks": COVERAGE, "reason": "Enterprise Manager showed no replication job"}
_MESSAGES = {
    JOBS_REFUSED["reason"]: f"{REPLICATION_JOBS.needs()}; this account was refused, so {_COVERAGE_CHECKS} are not judged",
    JOBS_NOT_SHOWN["reason"]: (
        "Enterprise Manager showed this account no replication job although the task sessions of the window name "
        f"jobs; {REPLICATION_JOBS.needs()}, and an account without it may be shown none, so {_COVERAGE_CHECKS} "
        "are not judged"),
    CDP_POLICIES.reason: (f"{CDP_POLICIES.needs()}; this account was refused, so CDP VMs are judged on the rpo "
                          "given (or rpo_by_job), not on their policies' own RPO"),
    CDP_SESSIONS.reason: f"{CDP_SESSIONS.needs()}; this account was refused, so VMs that CDP protects are not judged",
    FAILOVER_PLANS.reason: f"{FAILOVER_PLANS.needs()}; this account was refused, so failover plans are not judged",
    TASK_SESSIONS.reason: (f"{TASK_SESSIONS.needs()}; this account was refused, so VMs are judged on their restore "
                           "points alone: failed runs, running sessions and never succeeded VMs are not judged"),
    "Enterprise Manager showed no CDP policy": (
        "Enterprise Manager showed this account no CDP policy although the CDP sessions of the window name policies; "
        f"{CDP_POLICIES.needs()}, and an account without it may be shown none, so CDP VMs are judged on the rpo "
        "given (or rpo_by_job), not on their policies' own RPO"),
}


class NotJudgedError(VeeamEmError):
    """A check the user requires (require_coverage) could not be made."""


def message(entry: Mapping[str, Any]) -> str:
    """The warning for an entry: what it needs, what happened, what is not judged."""
    reason = str(entry.get("reason"))
    return _MESSAGES.get(reason, f"{entry.get('checks')} is not judged: {reason}")


def label(entry: Mapping[str, Any]) -> str:
    """How a report's scope shows an entry: "not judged: no right to read replication jobs"."""
    return f"not judged: {entry.get('reason')}"


def union(*groups: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The entries of every group, each once, in the order first met."""
    seen: dict[tuple[Any, Any], dict[str, Any]] = {}
    for group in groups:
        for entry in group or ():
            seen.setdefault((entry.get("checks"), entry.get("reason")), {"checks": entry.get("checks"),
                                                                         "reason": entry.get("reason")})
    return list(seen.values())


def jobs_not_shown(jobs: Iterable[Mapping[str, Any]] | None, session_job_names: Iterable[Any]) -> dict[str, Any] | None:
    """JOBS_NOT_SHOWN when the replication jobs were read and none came back although sessions
    name jobs (the answer an account without the right may get); None otherwise."""
    if jobs is None or list(jobs):
        return None
    return dict(JOBS_NOT_SHOWN) if any(name for name in session_job_names) else None


def unmet_requirement(entries: Iterable[Mapping[str, Any]], option: str) -> str | None:
    """Why `option` (require_coverage, as the surface spells it), set, is not met, in the words
    of the warning; None when coverage was judged."""
    missing = [entry for entry in entries if entry.get("checks") == COVERAGE]
    if not missing:
        return None
    return (f"{message(missing[0])}; {option} is true, so this fails: give the account the "
            f"{REPLICATION_JOBS.roles[0]} role, or set {option}: false to judge without coverage")


def require_judged(entries: Iterable[Mapping[str, Any]], option: str) -> None:
    """NotJudgedError (unmet_requirement's words) when coverage is required and was not judged."""
    unmet = unmet_requirement(entries, option)
    if unmet is not None:
        raise NotJudgedError(unmet)
