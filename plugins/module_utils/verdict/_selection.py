# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which records are judged, by shell-style name patterns and a window: the one selection of
the replica_status filter (so the replica_compliance role), the replicas inventory and the
event source. Pure functions, no I/O."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._records import parse_record_time

# The record keys a selection can name, as include/exclude keys of the filter and the role.
MATCH_KEYS = ("vm_name", "job_name", "backup_server_name")
WILDCARD_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class NameFilter:
    """Shell-style include and exclude patterns over one kind of name.

    Matching is case-sensitive, as EM's own filters are. A missing name counts as the empty string,
    so `*` keeps everything; exclusion wins over inclusion; no include pattern keeps all.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def allows(self, name: str | None) -> bool:
        if self.include and not any(fnmatchcase(name or "", pattern) for pattern in self.include):
            return False
        return not any(fnmatchcase(name or "", pattern) for pattern in self.exclude)

    def exact_names(self) -> tuple[str, ...]:
        """Include patterns EM can apply itself: only when none of them is a wildcard."""
        if any(WILDCARD_CHARS & set(pattern) for pattern in self.include):
            return ()
        return tuple(sorted(set(self.include)))


@dataclass(frozen=True)
class ExactNames:
    """The names EM's query service can filter on itself (each () when a pattern is a wildcard)."""

    vm_names: tuple[str, ...] = ()
    job_names: tuple[str, ...] = ()
    backup_server_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Selection:
    """Patterns over VM, job and backup server names, and the window's start (None: no window).

    What varies per record, its time and its job, is judged per session, restore point and
    replication job (keeps_session, keeps_point, keeps_job). A VM's name and backup server
    are those of its fold, so keeps_vm judges them once per VM, after the fold and coverage;
    the inventory's cached folds can then be selected again without a new read.
    """

    vms: NameFilter = NameFilter()
    jobs: NameFilter = NameFilter()
    servers: NameFilter = NameFilter()
    created_after: datetime | None = None

    def by_key(self, key: str) -> NameFilter:
        """The filter of a MATCH_KEYS key (vm_name, job_name, backup_server_name)."""
        return {"vm_name": self.vms, "job_name": self.jobs, "backup_server_name": self.servers}[key]

    def exact_names(self) -> ExactNames:
        """What EM can be asked to filter on: the include names of each kind without a wildcard."""
        return ExactNames(self.vms.exact_names(), self.jobs.exact_names(), self.servers.exact_names())

    def keeps_session(self, record: Mapping[str, Any]) -> bool:
        """A task session record: within the window (EM applies it too) and of a kept job."""
        return self._in_window(record) and self.jobs.allows(record.get("job_name"))

    def keeps_point(self, record: Mapping[str, Any]) -> bool:
        """A restore point: within the window and of a kept job; a replica is named like its job."""
        return self._in_window(record) and self.jobs.allows(record.get("replica_name"))

    def keeps_cdp_session(self, record: Mapping[str, Any]) -> bool:
        """A CDP task session record: within the window and of a kept job; a CDP policy stands for the job."""
        return self._in_window(record) and self.jobs.allows(record.get("policy_name"))

    def keeps_job(self, job: Mapping[str, Any]) -> bool:
        """A replication job record (its name), whose includes coverage reads."""
        return self.jobs.allows(job.get("name"))

    def keeps_vm(self, summary: Mapping[str, Any]) -> bool:
        """A VM's summary or status: its VM name and its backup server's name."""
        return self.vms.allows(summary.get("vm_name")) and self.servers.allows(summary.get("backup_server_name"))

    def keeps_server(self, record: Mapping[str, Any]) -> bool:
        """A backup server record (its name)."""
        return self.servers.allows(record.get("name"))

    def _in_window(self, record: Mapping[str, Any]) -> bool:
        if self.created_after is None:
            return True
        created = parse_record_time(record.get("creation_time"))
        return created is not None and created >= self.created_after


def read_selection(include: Any, exclude: Any) -> Selection:
    """A Selection from the filter's include/exclude dicts ({key: pattern or [patterns]}).

    ConfigurationError, naming the option, for a key not in MATCH_KEYS or a pattern that is not text.
    """
    included, excluded = _pattern_lists(include, "include"), _pattern_lists(exclude, "exclude")
    vms, jobs, servers = (NameFilter(included.get(key, ()), excluded.get(key, ())) for key in MATCH_KEYS)
    return Selection(vms, jobs, servers)


def _pattern_lists(value: Any, option: str) -> dict[str, tuple[str, ...]]:
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
        patterns[key] = tuple(listed)
    return patterns
