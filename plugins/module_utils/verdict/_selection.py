# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which records to keep, by shell-style name patterns: the one rule the filter, the role
and the inventory share. Pure functions, no I/O."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Iterable

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

# The record keys a selection can name, as include/exclude keys of the filter and the role.
MATCH_KEYS = ("vm_name", "job_name", "backup_server_name")
WILDCARD_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class NameFilter:
    """Shell-style include and exclude patterns over one kind of name.

    Case-sensitive, as EM's own filters are. A missing name counts as the empty string,
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
class RecordSelection:
    """A NameFilter per record key (MATCH_KEYS); a record is kept when every filter allows it."""

    filters: Mapping[str, NameFilter]

    def keeps(self, record: Mapping[str, Any]) -> bool:
        return all(name_filter.allows(record.get(key)) for key, name_filter in self.filters.items())

    def select(self, records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        return [record for record in records if self.keeps(record)]


def read_selection(include: Any, exclude: Any) -> RecordSelection:
    """A RecordSelection from the filter's include/exclude dicts ({key: pattern or [patterns]}).

    ConfigurationError, naming the option, for a key not in MATCH_KEYS or a pattern that is not text.
    """
    included, excluded = _pattern_lists(include, "include"), _pattern_lists(exclude, "exclude")
    return RecordSelection({key: NameFilter(included.get(key, ()), excluded.get(key, ()))
                            for key in MATCH_KEYS if key in included or key in excluded})


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
