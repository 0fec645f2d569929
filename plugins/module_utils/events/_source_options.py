# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replica_task_sessions event source's options: read and checked before any request.

A rulebook gives plain YAML values, with no Ansible option machinery in between, so every
type is checked here and each error names the option and what to give instead. The
connection options are read by the table (_options), in their natural YAML type or their
string form, falling back to the same VEEAM_EM_* variables as the modules'.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils.events._completions import SessionScope
from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, connection_options_from
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._gather import RESULTS
from ansible_collections.veeam_em.core.plugins.module_utils._options import CONNECTION_OPTION_NAMES, check_option_names
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import Criteria, read_criteria
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._lookback import check_lookback
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import ExactNames
from ansible_collections.veeam_em.core.plugins.module_utils.events._source_state import check_state_path
from ansible_collections.veeam_em.core.plugins.module_utils._times import is_bare_number, iso, parse_duration, parse_moment

DEFAULT_INTERVAL = 60.0
DEFAULT_RESULTS = ("Failed", "Warning")
DEFAULT_RPO_WINDOW = "7d"
SOURCE_OPTIONS = ("interval", "results", "vm_names", "job_names", "backup_server_names", "since", "state_file",
                  "rpo", "rpo_by_job", "rpo_window")
# What ansible-rulebook itself adds to a source's arguments.
RULEBOOK_ARGUMENTS = ("eda_feedback_queue",)


@dataclass(frozen=True)
class SourceSettings:
    connection: ConnectionOptions
    scope: SessionScope
    interval: float
    since: datetime | None
    state_file: str | None
    criteria: Criteria | None  # None: no RPO events
    rpo_window: timedelta


def read_source_settings(args: Mapping[str, Any], environ: Mapping[str, str], now: datetime) -> SourceSettings:
    """The settings of a source from its rulebook arguments; ConfigurationError naming the option."""
    if not isinstance(args, Mapping):
        raise ConfigurationError(f"the source's arguments must be a mapping of options, not {type(args).__name__}")
    check_option_names(args, CONNECTION_OPTION_NAMES + SOURCE_OPTIONS, also_accepted=RULEBOOK_ARGUMENTS)
    scope = SessionScope(ExactNames(*(_names(args, option) for option in ("vm_names", "job_names", "backup_server_names"))),
                         results=_results(args.get("results")))
    state_file = _text(args, "state_file")
    if state_file is not None:
        check_state_path(state_file)
    criteria, window = _rpo_criteria(args)
    return SourceSettings(
        connection=connection_options_from(args, environ=environ), scope=scope, interval=_interval(args.get("interval")),
        since=_since(args.get("since"), now), state_file=state_file, criteria=criteria, rpo_window=window,
    )


def _interval(value: Any) -> float:
    """Seconds between polls: a number of seconds, as the option is documented ('60' from a
    templated rulebook variable too), or a duration such as 5m; more than 0 either way."""
    if value is None:
        return DEFAULT_INTERVAL
    seconds: Any = value
    if isinstance(value, str):
        seconds = float(value) if is_bare_number(value) else parse_duration(value, "interval").total_seconds()
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
        raise ConfigurationError(f"interval must be a positive number of seconds (or a duration such as 5m), not {value!r}")
    return float(seconds)


def _results(value: Any) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_RESULTS
    listed = _listed(value, "results")
    wrong = [item for item in listed if item not in RESULTS]
    if wrong or not listed:
        raise ConfigurationError(f"results must list one or more of {', '.join(RESULTS)}; got {value!r}")
    return tuple(dict.fromkeys(listed))


def _names(args: Mapping[str, Any], option: str) -> tuple[str, ...]:
    value = args.get(option)
    return () if value is None else tuple(dict.fromkeys(_listed(value, option)))


def _listed(value: Any, option: str) -> list[str]:
    listed = [value] if isinstance(value, str) else list(value) if isinstance(value, Sequence) else None
    if listed is None or not all(isinstance(item, str) and item for item in listed):
        raise ConfigurationError(f"{option} must be a list of names (non-empty strings), not {value!r}")
    return listed


def _text(args: Mapping[str, Any], option: str) -> str | None:
    value = args.get(option)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigurationError(f"{option} must be a path (text), not {value!r}")
    return value


def _since(value: Any, now: datetime) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # YAML reads an unquoted ISO time as a datetime
        value = value.isoformat()
    moment = parse_moment(str(value), "since", now)
    if moment is not None and moment > now:
        raise ConfigurationError(f"since: {iso(moment)} is in the future (now is {iso(now)}); give a past time or a duration such as 24h")
    return moment


def _rpo_criteria(args: Mapping[str, Any]) -> tuple[Criteria | None, timedelta]:
    """The judgement's criteria when rpo or rpo_by_job is set, and the window read to judge from."""
    window = parse_duration(args.get("rpo_window") or DEFAULT_RPO_WINDOW, "rpo_window")
    if args.get("rpo") is None and args.get("rpo_by_job") is None:
        return None, window
    criteria = read_criteria(args.get("rpo"), args.get("rpo_by_job"))
    check_lookback(window, str(args.get("rpo_window") or DEFAULT_RPO_WINDOW), criteria.rpo, criteria.rpo_by_job,
                   window_option="rpo_window")
    return criteria, window
