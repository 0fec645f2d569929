# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `enterprise_managers` option: several Enterprise Managers in one inventory source.

Private to the collection. Each entry is checked and turned into its ConnectionOptions
before any request; what an entry leaves out comes from the source's own connection
options (so timeout, retries or ca_path can be set once for every EM).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._connection import CONNECTION_OPTION_NAMES, ConnectionOptions
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible.module_utils.parsing.convert_bool import boolean

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,32}$")
# Reserved: C(veeam_em_unreachable) is the group of the EMs that failed.
RESERVED_NAMES = frozenset(("unreachable",))
# Never taken from the source's options: each EM has its own address.
PER_EM_ONLY = ("url",)
ENTRY_KEYS = frozenset(("name",) + CONNECTION_OPTION_NAMES)
MAX_EM_CONCURRENCY = 16
# The typed connection options an entry may give, and how each is read.
NUMBERS: dict[str, type] = {"timeout": float, "retry_backoff": float, "page_size": int, "max_concurrency": int,
                            "retries": int}


@dataclass(frozen=True)
class EmSource:
    """One Enterprise Manager of the source: its short name, its place in the list, its connection."""

    name: str
    index: int
    connection: ConnectionOptions

    @property
    def label(self) -> str:
        return f"Enterprise Manager {self.name!r} (enterprise_managers[{self.index}])"


def _entry_name(entry: Mapping[str, Any], index: int, seen: set[str]) -> str:
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name) or name in RESERVED_NAMES:
        raise ConfigurationError(
            f"enterprise_managers[{index}] needs a name of 1 to 32 letters, digits or underscores (not "
            f"'unreachable'), such as 'eu'; it names the group veeam_em_<name> and the host var veeam_em_name, "
            f"not {name!r}"
        )
    if name in seen:
        raise ConfigurationError(f"enterprise_managers[{index}]: the name {name!r} is used twice; give each EM its own")
    seen.add(name)
    return name


def _typed(index: int, key: str, value: Any) -> Any:
    """An entry's value as ConnectionOptions takes it; a clear error naming the entry otherwise."""
    if value is None:
        return None
    try:
        if key == "validate_certs":
            return boolean(value, strict=True)
        if key in NUMBERS and not isinstance(value, bool):
            return NUMBERS[key](value)
    except (TypeError, ValueError):
        pass
    else:
        if key == "ca_path":
            return os.path.expanduser(str(value))
        if key not in NUMBERS:
            return value
    wanted = "true or false" if key == "validate_certs" else "a number"
    raise ConfigurationError(f"enterprise_managers[{index}]: {key} must be {wanted}, not {value!r}")


def read_em_sources(entries: Any, defaults: Mapping[str, Any], resolve: Callable[[str, Any], Any]) -> list[EmSource]:
    """The EMs of `enterprise_managers`, in the order given.

    `defaults` are the source's connection options; `resolve(option, value)` renders a
    template or decrypts a vaulted value (the plugin's templar does it).
    """
    if not isinstance(entries, list) or not entries:
        raise ConfigurationError("enterprise_managers must be a non-empty list of mappings, each with name and url")
    sources, seen = [], set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ConfigurationError(f"enterprise_managers[{index}] must be a mapping with name and url, not {entry!r}")
        unknown = sorted(str(key) for key in entry if key not in ENTRY_KEYS)
        if unknown:
            raise ConfigurationError(f"enterprise_managers[{index}] has unknown option(s) {', '.join(unknown)}; "
                                     f"known are {', '.join(sorted(ENTRY_KEYS))}")
        name = _entry_name(entry, index, seen)
        options = {key: value for key, value in defaults.items() if key not in PER_EM_ONLY}
        options.update({key: _typed(index, key, resolve(key, value)) for key, value in entry.items() if key != "name"})
        try:
            connection = ConnectionOptions.from_mapping(options)
        except ConfigurationError as error:
            raise ConfigurationError(f"enterprise_managers[{index}] ({name}): {error}") from None
        sources.append(EmSource(name, index, connection))
    return sources


def check_em_concurrency(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_EM_CONCURRENCY:
        raise ConfigurationError(f"em_concurrency must be a whole number from 1 to {MAX_EM_CONCURRENCY}, not {value!r}")
    return value
