# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replicas inventory's pure parts: which sessions and VMs to keep, the cache
fingerprint, host names, group names and host vars. No I/O and no Ansible objects, so
each rule is tested on its own.

Private to the collection.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import Criteria, read_criteria
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import PointQuery, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._lookback import check_lookback
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import NameFilter, Selection
from ansible_collections.veeam_em.core.plugins.module_utils._times import parse_moment

HOST_VAR_PREFIX = "veeam_"
# Bump when the cached document changes shape, so an old cache entry counts as a miss.
# 1: raw task session records; 2: one fold summary per VM; 3: summaries with restore
# points and coverage.
CACHE_FORMAT = 3
# Host vars that exist only when an RPO applies to the VM.
RPO_KEYS = ("rpo_seconds", "rpo_breached", "rpo_text", "rpo_used_percent")
RESULT_GROUPS = {"Success": "success", "Warning": "warning", "Failed": "failed"}


@dataclass(frozen=True)
class Settings:
    """The plugin's options, read and checked once."""

    selection: Selection
    window: str
    criteria: Criteria
    hostname: str
    group_prefix: str
    include_backup_servers: bool
    include_sessions: bool
    include_unreplicated: bool = True

    @property
    def reads_points(self) -> bool:
        """Restore points are read only when the RPO is judged on them."""
        return self.criteria.rpo_basis == "restore_point"

    def session_query(self) -> TaskSessionQuery:
        """What EM is asked for: the window and the exact include names (wildcards stay client-side)."""
        names = self.selection.exact_names()
        return TaskSessionQuery(vm_names=names.vm_names, job_names=names.job_names,
                                backup_servers=names.backup_server_names, created_after=self.selection.created_after)

    def point_query(self) -> PointQuery:
        """The restore points asked for: the window, and the exact VM and backup server names."""
        names = self.selection.exact_names()
        return PointQuery(vm_names=names.vm_names, backup_servers=names.backup_server_names,
                          created_after=self.selection.created_after)


def _patterns(value: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(str(pattern) for pattern in value or ())


def _moment_text(value: Any) -> str:
    # YAML reads an unquoted 2026-11-29T06:00:00Z as a datetime; treat it as the text it was.
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    return str(value) if value not in (None, "") else "7d"


def read_settings(options: Mapping[str, Any], now: datetime) -> Settings:
    """Settings from plugin options; ConfigurationError (naming the option) for values that cannot work."""
    window = _moment_text(options.get("created_after"))
    created_after = parse_moment(window, "created_after", now)
    selection = Selection(
        vms=NameFilter(_patterns(options.get("vm_names")), _patterns(options.get("exclude_vm_names"))),
        jobs=NameFilter(_patterns(options.get("job_names")), _patterns(options.get("exclude_job_names"))),
        servers=NameFilter(_patterns(options.get("backup_server_names")), _patterns(options.get("exclude_backup_server_names"))),
        created_after=created_after,
    )
    criteria = read_criteria(options.get("rpo"), options.get("rpo_by_job"), options.get("fail_on"), options.get("rpo_basis"))
    check_lookback(now - created_after, window, criteria.rpo, criteria.rpo_by_job)
    return Settings(
        selection=selection, window=window, criteria=criteria,
        # Not str(): on ansible-core 2.19 that would drop the trust the config file gave the expression.
        hostname=options.get("hostname") or "veeam_vm_name",
        group_prefix=str(options.get("group_prefix") if options.get("group_prefix") is not None else HOST_VAR_PREFIX),
        include_backup_servers=bool(options.get("include_backup_servers", True)),
        include_sessions=bool(options.get("include_sessions", False)),
        include_unreplicated=bool(options.get("include_unreplicated", True)),
    )


def fetch_fingerprint(settings: Settings, url: str, username: str, api_version: str) -> str:
    """A digest of what a cache entry was made from; an entry made for other options is a miss.

    It covers what EM was asked for and everything that shapes the cached per-VM folds:
    the job patterns (applied to each session before folding) and include_sessions. The
    VM and backup server patterns apply to whole folds (Selection.keeps_vm), so they are left
    out and changing them reuses the entry. A digest, so neither the url nor the account
    name is written to the cache in clear.
    """
    query = settings.session_query()
    jobs = settings.selection.jobs
    asked = {
        "format": CACHE_FORMAT, "url": url, "username": username, "api_version": api_version,
        "window": settings.window, "vm_names": query.vm_names, "job_names": query.job_names,
        "backup_servers": query.backup_servers, "include_backup_servers": settings.include_backup_servers,
        # Sorted sets: patterns given in another order or twice still select the same sessions.
        "job_patterns": [sorted(set(jobs.include)), sorted(set(jobs.exclude))],
        "include_sessions": settings.include_sessions,
        # What else is read: restore points (rpo_basis) and jobs with their includes.
        "reads_points": settings.reads_points, "include_unreplicated": settings.include_unreplicated,
    }
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode("utf-8")).hexdigest()


def assign_host_names(proposed: list[tuple[str, str | None]], reserved: Iterable[str] = ()) -> list[str]:
    """Distinct host names for VMs, given (proposed name, backup server name) for each.

    A name proposed more than once, or taken by a backup server host, is suffixed with the
    VM's backup server for every VM that proposed it, so none silently takes the plain name.
    """
    reserved = set(reserved)
    counts = Counter(name for name, _server in proposed)
    unique = {name for name, _server in proposed if counts[name] == 1 and name not in reserved}
    taken = reserved | unique
    names = []
    for name, server in proposed:
        if name in unique:
            names.append(name)
            continue
        base = f"{name}_{server or 'unknown'}"
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        taken.add(candidate)
        names.append(candidate)
    return names


class GroupNamer:
    """Safe Ansible group names from names EM chose, without two EM names sharing a group."""

    def __init__(self, prefix: str, sanitize: Callable[[str], str]) -> None:
        self.prefix = prefix
        self.sanitize = sanitize

    def fixed(self, name: str) -> str:
        return self.sanitize(f"{self.prefix}{name}")

    def family(self, family: str, raw_names: Iterable[str]) -> dict[str, str]:
        """{EM name: group name} for one family (server, job). Names that sanitise alike get a digest suffix."""
        safe = {raw: self.sanitize(f"{self.prefix}{family}_{raw}") for raw in set(raw_names)}
        clashes = Counter(safe.values())
        return {
            raw: name if clashes[name] == 1 else f"{name}_{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:8]}"
            for raw, name in safe.items()
        }


def vm_host_vars(status: Mapping[str, Any]) -> dict[str, Any]:
    """A VM's host vars: its status record, prefixed; RPO keys only when an RPO was given.

    veeam_kind is replicated_vm, or for an object included in a job but never replicated
    unreplicated_vm (a VM) or job_container (a folder, tag or host).
    """
    kind = "replicated_vm"
    if status.get("never_replicated"):
        kind = "unreplicated_vm" if (status.get("object_type") or "Vm").lower() == "vm" else "job_container"
    hostvars = {"veeam_kind": kind}
    for key, value in status.items():
        if key in RPO_KEYS and value is None:
            continue
        hostvars[HOST_VAR_PREFIX + key] = value
    return hostvars


def server_host_vars(record: Mapping[str, Any]) -> dict[str, Any]:
    """A backup server's host vars: its record, each key as veeam_backup_server_<key>."""
    hostvars = {"veeam_kind": "backup_server"}
    hostvars.update({f"{HOST_VAR_PREFIX}backup_server_{key}": value for key, value in record.items()})
    return hostvars


def vm_fixed_groups(status: Mapping[str, Any]) -> list[str]:
    """The fixed-name groups (without prefix) a VM belongs to; an object never replicated is
    in never_replicated instead of replicated_vms."""
    groups = [] if status.get("never_replicated") else ["replicated_vms"]
    if status.get("last_result") in RESULT_GROUPS:
        groups.append(f"result_{RESULT_GROUPS[status['last_result']]}")
    if status.get("running"):
        groups.append("running")
    if status.get("rpo_breached") is not None:
        groups.append("rpo_breached" if status["rpo_breached"] else "rpo_ok")
    groups.extend(f"finding_{finding}" for finding in status.get("findings", ()))
    if status.get("failing"):
        groups.append("failing")
    if status.get("never_replicated"):
        groups.append("never_replicated")
    if status.get("job_schedule_enabled") is False:
        groups.append("job_disabled")
    if status.get("job_overdue"):
        groups.append("job_overdue")
    return groups
