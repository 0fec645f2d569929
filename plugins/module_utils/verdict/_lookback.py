# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookback must cover the RPO: one rule for the role (through the replica_session_query
filter), the replicas inventory and the event source.

Evidence older than the window is never read, so a VM whose last success lies before the
window start looks as if it never succeeded. With a window shorter than an RPO, that
happens to VMs still within their RPO: a healthy VM would fail. Such settings are refused
(not widened behind the user's back), with both values and what to change. Pure, no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

# Units a duration option reads (_times.DURATION), largest first; weeks are written as days.
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def duration_text(duration: timedelta) -> str:
    """A duration as an option value a user can paste: '24h', '7d', '30m', '90s'.

    Hours up to a week ('48h' rather than '2d', as RPOs are usually written), days beyond.
    """
    seconds = int(duration.total_seconds())
    for unit, size in _UNITS:
        if seconds % size == 0 and (unit != "d" or seconds >= 7 * 86400):
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def longest_rpo(rpo: timedelta | None, rpo_by_job: Mapping[str, timedelta],
                prefix: str = "") -> tuple[str, timedelta] | None:
    """(the option that sets it, such as 'rpo' or "rpo_by_job['Archive*']", the longest RPO); None without an RPO."""
    candidates = [(f"{prefix}rpo_by_job[{job!r}]", value) for job, value in rpo_by_job.items()]
    if rpo is not None:
        candidates.insert(0, (f"{prefix}rpo", rpo))
    return max(candidates, key=lambda candidate: candidate[1]) if candidates else None


def check_lookback(window: timedelta, window_text: str, rpo: timedelta | None,
                   rpo_by_job: Mapping[str, timedelta], window_option: str = "created_after",
                   prefix: str = "") -> None:
    """ConfigurationError when the window is shorter than the longest RPO (equal is enough).

    `window_text` is the window option as the user gave it (a duration, or an ISO time whose
    distance from the moment is `window`); `prefix` is put before every option name, so a role
    names its own variables (replica_compliance_created_after).
    """
    longest = longest_rpo(rpo, rpo_by_job, prefix)
    if longest is None or window >= longest[1]:
        return
    option, value = longest
    given = window_text if window_text == duration_text(window) else f"{window_text}, {duration_text(window)} back"
    raise ConfigurationError(
        f"{prefix}{window_option} ({given}) is shorter than {option} ({duration_text(value)}): a VM whose last "
        f"success is older than {duration_text(window)} but within its RPO would be reported as never succeeded. "
        f"Set {prefix}{window_option} to {duration_text(value)} or more (such as {duration_text(max(value * 2, timedelta(days=7)))}), "
        f"or lower {option}.")
