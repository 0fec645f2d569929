# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Times as users write them (ISO 8601 or '24h back from now') and as records show them."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# EM and backup-server builds write placeholders where a time is not known yet: SQL
# Server's 1753-01-01 and 1900-01-01 minimums, .NET's 0001-01-01 (DateTime.MinValue). No
# replica ran before the Unix epoch, so anything earlier is a placeholder, not a time.
PLACEHOLDER_BEFORE = datetime(1970, 1, 1, tzinfo=timezone.utc)
HINT = "use ISO 8601 such as 2026-11-29T06:00:00Z, or a duration back from now such as 30m, 24h or 7d"


BARE_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")
# One rule on every surface (modules, filters, inventory, role, event source): a duration has
# its unit. A bare 24 is refused, since it reads as 24 hours to some and 24 seconds to others.
DURATION_FIX = "write 24h, 30m or 7d (a number and s, m, h, d or w)"


def parse_duration(text: Any, option: str) -> timedelta:
    """'30m', '24h', '7d', '2w', '90s' as a timedelta; ConfigurationError naming the option
    (duration_error) for anything else, a bare number (24 or '24') included."""
    match = None if is_bare_number(text) else DURATION.match(str(text))
    if not match:
        raise duration_error(text, option)
    return timedelta(seconds=float(match.group(1)) * UNIT_SECONDS[match.group(2).lower()])


def is_bare_number(value: Any) -> bool:
    """A number without a unit, as YAML or a user gives it: 24, 1.5, '24'."""
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or bool(BARE_NUMBER.match(str(value)))


def duration_error(value: Any, option: str) -> ConfigurationError:
    """The one message for a value that is not a duration, the same on every surface."""
    if is_bare_number(value):
        return ConfigurationError(f"{option} must be a duration with its unit, not the bare number "
                                  f"{str(value).strip()}: {DURATION_FIX}")
    return ConfigurationError(f"{option} must be a duration such as 24h, 30m or 7d (a number and s, m, h, d or w), "
                              f"not {value!r}")


def parse_moment(text: str | None, option: str, now: datetime) -> datetime | None:
    """An aware UTC datetime from ISO 8601 (naive means UTC) or from a duration before `now`."""
    if text is None or str(text).strip() == "":
        return None
    value = str(text).strip()
    if DURATION.match(value):
        return now - parse_duration(value, option)
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in "zZ" else value)
    except ValueError:
        raise ConfigurationError(f"{option}: cannot read {text!r} as a time; {HINT}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, fractional seconds only when there are some."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def is_placeholder(moment: datetime) -> bool:
    """Whether an aware datetime from EM is a placeholder (before 1970) rather than a time."""
    return moment < PLACEHOLDER_BEFORE


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def read_now(value: object, option: str = "now") -> datetime:
    """The moment ages are measured from: an aware datetime (a naive one is UTC), ISO 8601
    text, or the current time when empty; ConfigurationError (naming the option) otherwise."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    current = utc_now()
    return parse_moment(value, option, current) or current  # type: ignore[arg-type]
