# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: replica_status
short_description: Per-VM replica status, findings and RPO judgement from replica task sessions
version_added: 0.1.0
author:
  - veeam_em.core maintainers (@veeam-em)
description:
  - Takes replica task sessions as M(veeam_em.core.replica_task_session_info) returns them and
    gives one status per VM and backup server; the same VM name on two backup servers gives two statuses.
  - A status holds the latest session, the last result, the last successful session and its age,
    the failures since it, whether a session is running, whether the data holds no success at all,
    and, given an O(rpo), whether the RPO is breached.
  - V(Success) and V(Warning) both count as success, because a warning still produced a restore point.
  - Exactly at the RPO is still within it. A VM without any success in the data breaches any RPO.
  - Each status also lists its findings (V(never_succeeded), V(rpo_breach), V(failed), V(warning))
    and whether one of them is among O(fail_on).
  - The statuses come from the collection's shared status functions, the same ones the
    C(veeam_em.core.replicas) inventory plugin and the C(veeam_em.core.replica_compliance) role use.
options:
  _input:
    description: Replica task session records, in any order.
    type: list
    elements: dict
    required: true
  rpo:
    description:
      - Recovery point objective, as a duration such as V(30m), V(4h), V(1d) or V(1w), or a number of seconds.
      - Without it, RV(_value[].rpo_breached) is null and there is no V(rpo_breach) finding.
    type: raw
  rpo_by_job:
    description:
      - RPO per replication job, overriding O(rpo) for the VMs whose latest session ran in that job.
      - Keys are job names or shell-style patterns (V(*), V(?), V([seq])); an exact name wins over a
        pattern, and among patterns the first that matches wins.
    type: dict
  now:
    description:
      - The moment ages are measured from, in ISO 8601 (V(2026-11-29T06:00:00Z); without an offset it is
        taken as UTC). Fix it to make results reproducible.
      - Defaults to the current time.
    type: str
  include:
    description:
      - Keep only sessions whose values match one of the shell-style patterns given for a key.
      - Keys are V(vm_name), V(job_name) and V(backup_server_name); values are a pattern or a list
        of patterns. Matching is case-sensitive. An empty list keeps everything.
    type: dict
  exclude:
    description:
      - Drop sessions whose values match one of the patterns given for a key; the same keys and
        patterns as O(include). Exclusion wins over inclusion.
    type: dict
  fail_on:
    description:
      - The findings that make a status failing (RV(_value[].failing)).
    type: list
    elements: str
    choices: [rpo_breach, failed, warning, never_succeeded]
    default: [rpo_breach, failed, never_succeeded]
  include_sessions:
    description: Add every session of the VM to its status, newest first, under RV(_value[].sessions).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Gather the last week of replica task sessions
  veeam_em.core.replica_task_session_info:
    created_after: 7d
  register: gathered
  delegate_to: localhost

- name: VMs whose last successful replica is older than 4 hours (1 hour for the Tier 1 jobs)
  ansible.builtin.debug:
    msg: "{{ statuses | selectattr('rpo_breached') | map(attribute='vm_name') }}"
  vars:
    statuses: >-
      {{ gathered.replica_task_sessions
         | veeam_em.core.replica_status(rpo='4h', rpo_by_job={'Tier 1*': '1h'}) }}

- name: Reproducible statuses of the production VMs, test VMs left out
  ansible.builtin.set_fact:
    replica_statuses: >-
      {{ gathered.replica_task_sessions
         | veeam_em.core.replica_status(rpo='24h', now='2026-11-29T06:00:00Z',
                                        include={'backup_server_name': ['vbr*.corp.example']},
                                        exclude={'vm_name': ['test-*', '*-tmp']}) }}
"""

RETURN = r"""
_value:
  description: One status per VM and backup server, sorted by backup server name, then VM name.
  type: list
  elements: dict
  contains:
    vm_name:
      description: Name of the VM.
      type: str
    backup_server_id:
      description: ID of the backup server the VM is replicated by.
      type: str
    backup_server_name:
      description: Name of that backup server.
      type: str
    job_name:
      description: Job of the latest session.
      type: str
    job_names:
      description: Every job the VM's sessions ran in, sorted.
      type: list
      elements: str
    latest_session:
      description: The newest session (C(id), C(creation_time), C(end_time), C(state), C(result), C(reason),
        C(duration_seconds), C(total_size), C(job_name)).
      type: dict
    last_result:
      description:
        - Result of the newest completed session (V(Success), V(Warning) or V(Failed)); null if none has completed.
        - A running session has no result, whatever Enterprise Manager reports.
      type: str
    last_success_time:
      description: Start of the newest successful session (ISO 8601, UTC); null if none.
      type: str
    last_success_age_seconds:
      description: Seconds from RV(_value[].last_success_time) to O(now); null if no success.
      type: float
    consecutive_failures:
      description: Failed sessions newer than the last success.
      type: int
    running:
      description: Whether the newest session is still in progress or pending.
      type: bool
    never_succeeded:
      description: Whether the data holds no successful session of the VM.
      type: bool
    session_count:
      description: Sessions of the VM in the data.
      type: int
    rpo_seconds:
      description: The RPO that applies to the VM, in seconds; null without O(rpo) or an override.
      type: float
    rpo_breached:
      description: Whether the last success is older than the RPO, or there is none; null without an RPO.
      type: bool
    findings:
      description: >-
        What is wrong, worst first: V(never_succeeded), V(rpo_breach), V(failed) (the last result is Failed),
        V(warning) (the last result is Warning). Empty when all is well.
      type: list
      elements: str
    status:
      description: The worst finding, or V(ok).
      type: str
    failing:
      description: Whether a finding is among O(fail_on).
      type: bool
    message:
      description: The findings explained in one line, for reports; empty when all is well.
      type: str
    sessions:
      description: Every session of the VM, newest first; only with O(include_sessions).
      type: list
      elements: dict
      returned: when O(include_sessions=true)
"""

import fnmatch
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._status import vm_statuses
from ansible_collections.veeam_em.core.plugins.module_utils._times import parse_duration, parse_moment, utc_now

FINDINGS = ("never_succeeded", "rpo_breach", "failed", "warning")  # worst first
DEFAULT_FAIL_ON = ("rpo_breach", "failed", "never_succeeded")
MATCH_KEYS = ("vm_name", "job_name", "backup_server_name")


def replica_status(records: Any, rpo: Any = None, rpo_by_job: Any = None, now: Any = None, include: Any = None,
                   exclude: Any = None, fail_on: Any = None, include_sessions: bool = False) -> list[dict[str, Any]]:
    """The filter: validated options in, shared per-VM statuses plus findings out."""
    try:
        kept = select_records(_records(records), _patterns(include, "include"), _patterns(exclude, "exclude"))
        moment = _now(now)
        default_rpo = _duration(rpo, "rpo")
        overrides = job_rpos(_job_rpo_patterns(rpo_by_job), {record.get("job_name") or "" for record in kept})
        failing = _fail_on(fail_on)
        statuses = vm_statuses(kept, moment, default_rpo, overrides, include_sessions=bool(include_sessions))
    except ConfigurationError as error:
        raise AnsibleFilterError(f"replica_status: {error}") from None
    return [add_findings(status, failing) for status in statuses]


def select_records(records: list[Mapping[str, Any]], include: dict[str, list[str]],
                   exclude: dict[str, list[str]]) -> list[Mapping[str, Any]]:
    """Records whose names match every include list given and no exclude pattern."""
    def wanted(record: Mapping[str, Any]) -> bool:
        for key, patterns in include.items():
            if patterns and not _matches(record.get(key), patterns):
                return False
        return not any(_matches(record.get(key), patterns) for key, patterns in exclude.items())
    return [record for record in records if wanted(record)]


def job_rpos(patterns: dict[str, timedelta], job_names: set[str]) -> dict[str, timedelta]:
    """Exact per-job RPOs for the jobs in the data: an exact key first, else the first matching pattern."""
    resolved = {}
    for job in sorted(job_names):
        if job in patterns:
            resolved[job] = patterns[job]
            continue
        for pattern, rpo in patterns.items():
            if fnmatch.fnmatchcase(job, pattern):
                resolved[job] = rpo
                break
    return resolved


def add_findings(status: dict[str, Any], fail_on: frozenset[str]) -> dict[str, Any]:
    """The status with findings, status word, failing flag and message added."""
    found = {
        "never_succeeded": bool(status["never_succeeded"]),
        "rpo_breach": bool(status["rpo_breached"]),
        "failed": status["last_result"] == "Failed",
        "warning": status["last_result"] == "Warning",
    }
    findings = [finding for finding in FINDINGS if found[finding]]
    status["findings"] = findings
    status["status"] = findings[0] if findings else "ok"
    status["failing"] = any(finding in fail_on for finding in findings)
    # Never succeeded already says why the RPO is breached.
    explained = [finding for finding in findings if not (finding == "rpo_breach" and found["never_succeeded"])]
    status["message"] = "; ".join(MESSAGES[finding](status) for finding in explained)
    return status


def human_duration(seconds: float | None) -> str:
    """Seconds as '1d 6h', '4h', '45m' or '30s': the two largest parts, for people."""
    if seconds is None:
        return "n/a"
    remaining = int(round(abs(seconds)))
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if remaining >= size or (unit == "s" and not parts):
            parts.append(f"{remaining // size}{unit}")
            remaining %= size
    return ("-" if seconds < 0 else "") + " ".join(parts[:2])


def _failed_message(status: Mapping[str, Any]) -> str:
    count = status["consecutive_failures"]
    latest = status["latest_session"]
    # The reason belongs to the latest session only; while a new one runs, it is not known here.
    reason = latest.get("reason") if latest.get("result") == "Failed" else ""
    text = f"last result Failed ({count} consecutive failure{'s' if count != 1 else ''})"
    return f"{text}: {reason}" if reason else text


def _warning_message(status: Mapping[str, Any]) -> str:
    latest = status["latest_session"]
    reason = latest.get("reason") if latest.get("result") == "Warning" else ""
    return f"last result Warning: {reason}" if reason else "last result Warning"


def _rpo_message(status: Mapping[str, Any]) -> str:
    return (f"last success {human_duration(status['last_success_age_seconds'])} ago "
            f"({status['last_success_time']}), older than the RPO of {human_duration(status['rpo_seconds'])}")


MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "never_succeeded": lambda status: f"no successful replica in the data ({status['session_count']} sessions)",
    "rpo_breach": _rpo_message,
    "failed": _failed_message,
    "warning": _warning_message,
}


def _matches(value: Any, patterns: list[str]) -> bool:
    return value is not None and any(fnmatch.fnmatchcase(str(value), pattern) for pattern in patterns)


def _records(records: Any) -> list[Mapping[str, Any]]:
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Sequence):
        raise ConfigurationError(
            "expects a list of replica task session records (as replica_task_session_info returns them), "
            f"got {type(records).__name__}")
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise ConfigurationError(f"record {index} is a {type(record).__name__}, not a dict")
    return list(records)


def _patterns(value: Any, option: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"{option} must be a dict with the keys {', '.join(MATCH_KEYS)}")
    unknown = sorted(str(key) for key in value if key not in MATCH_KEYS)
    if unknown:
        raise ConfigurationError(f"{option} has unknown key(s) {', '.join(unknown)}; use {', '.join(MATCH_KEYS)}")
    patterns = {}
    for key, given in value.items():
        listed = [given] if isinstance(given, str) else list(given or []) if isinstance(given, Sequence) else [given]
        if not all(isinstance(pattern, str) for pattern in listed):
            raise ConfigurationError(f"{option}.{key} must be a pattern or a list of patterns (strings)")
        patterns[key] = listed
    return patterns


def _duration(value: Any, option: str) -> timedelta | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ConfigurationError(f"{option} must not be negative: {value!r}")
        return timedelta(seconds=value)
    return parse_duration(value, option)


def _job_rpo_patterns(value: Any) -> dict[str, timedelta]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigurationError("rpo_by_job must be a dict of job names (or patterns) to durations such as 4h")
    parsed = {}
    for job, rpo in value.items():
        duration = _duration(rpo, f"rpo_by_job[{job!r}]")
        if duration is None:
            raise ConfigurationError(f"rpo_by_job[{job!r}] has no duration")
        parsed[str(job)] = duration
    return parsed


def _now(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    current = utc_now()
    return parse_moment(value, "now", current) or current


def _fail_on(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset(DEFAULT_FAIL_ON)
    if not isinstance(value, (str, Sequence)):
        raise ConfigurationError(f"fail_on must be a list of findings, got {type(value).__name__}")
    listed = [value] if isinstance(value, str) else list(value)
    unknown = sorted(str(item) for item in listed if item not in FINDINGS)
    if unknown:
        raise ConfigurationError(f"fail_on has unknown finding(s) {', '.join(unknown)}; choose from {', '.join(FINDINGS)}")
    return frozenset(listed)


class FilterModule:
    """veeam_em.core.replica_status."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"replica_status": replica_status}
