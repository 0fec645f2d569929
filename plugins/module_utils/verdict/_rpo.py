# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recovery point objectives as users give them: one for all VMs, and overrides per job
name or job name pattern. Pure functions, no I/O."""
from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Iterable

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._times import parse_duration


def read_rpo(value: Any, option: str = "rpo") -> timedelta | None:
    """An RPO from a duration text ('4h') or a timedelta; None when not given.

    ConfigurationError, naming the option, for anything else: a bare number (24, '24') too,
    with the fix (_times.duration_error), the same on every surface.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, timedelta):
        return value
    return parse_duration(value, option)


def read_rpo_by_job(value: Any, option: str = "rpo_by_job") -> dict[str, timedelta]:
    """{job name or pattern: RPO} from the option rpo_by_job, in the order given (first pattern wins)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"{option} must be a dict of job names (or patterns) to durations such as 4h")
    parsed = {}
    for job, rpo in value.items():
        duration = read_rpo(rpo, f"{option}[{job!r}]")
        if duration is None:
            raise ConfigurationError(f"{option}[{job!r}] has no duration")
        parsed[str(job)] = duration
    return parsed


def job_rpos(patterns: Mapping[str, timedelta], job_names: Iterable[str]) -> dict[str, timedelta]:
    """Exact per-job RPOs for the given jobs: an exact key first, else the first matching pattern.

    Jobs no key matches are left out (they get the general RPO).
    """
    resolved = {}
    for job in sorted(set(job_names)):
        if job in patterns:
            resolved[job] = patterns[job]
            continue
        for pattern, rpo in patterns.items():
            if fnmatch.fnmatchcase(job, pattern):
                resolved[job] = rpo
                break
    return resolved
