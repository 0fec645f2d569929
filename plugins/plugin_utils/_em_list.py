# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Enterprise Managers of an inventory source: the one of `url` (a fleet of one, without a
name), or each entry of `enterprise_managers`.

Private to the collection. Each entry is checked and turned into its ConnectionOptions
before any request; what an entry leaves out comes from the source's own connection
options (so timeout, retries or ca_path can be set once for every EM).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.veeam_em.core.plugins.module_utils._connection import CONNECTION_OPTION_NAMES, ConnectionOptions
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,32}$")
# Reserved: C(veeam_em_unreachable) is the group of the EMs that failed.
RESERVED_NAMES = frozenset(("unreachable",))
# Never taken from the source's options: each EM has its own address.
PER_EM_ONLY = ("url",)
ENTRY_KEYS = frozenset(("name",) + CONNECTION_OPTION_NAMES)
# The source's options a user may give as templates or vaulted values (a password from a
# lookup); every text value of an enterprise_managers entry may be one too.
TEMPLATED_OPTIONS = ("url", "username", "password", "proxy")
Resolve = Callable[[str, Any], Any]
# The typed connection options an entry may give, and how each is read.
NUMBERS: dict[str, type] = {"timeout": float, "retry_backoff": float, "page_size": int, "max_concurrency": int,
                            "retries": int}


@dataclass(frozen=True)
class EmSource:
    """One Enterprise Manager of the source: its short name and place in enterprise_managers
    (both None for the EM of `url`), and its connection."""

    name: str | None
    index: int | None
    connection: ConnectionOptions

    @property
    def label(self) -> str | None:
        if self.name is None:
            return None
        return f"Enterprise Manager {self.name!r} (enterprise_managers[{self.index}])"

    def said(self, text: str) -> str:
        """A message about this EM: after its label when the source has several."""
        return text if self.label is None else f"{self.label}: {text}"


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


def read_em_sources(entries: Any, defaults: Mapping[str, Any], resolve: Resolve) -> list[EmSource]:
    """The EMs of the source: without `enterprise_managers` (None or empty), the one EM of its
    connection options; else each entry, in the order given.

    `defaults` are the source's connection options; `resolve(option, value)` renders a
    template or decrypts a vaulted value (the plugin's templar does it).
    """
    if not entries:
        return [EmSource(None, None, ConnectionOptions.from_mapping(defaults))]
    if not isinstance(entries, list):
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


def template_resolver(templar: Any) -> Resolve:
    """resolve(option, value): a templated value rendered with the plugin's templar (an env
    lookup, say) and a vaulted one decrypted; other values as they are."""
    def resolve(_option: str, value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if templar.is_template(value):
            value = templar.template(value)
        # to_text also decrypts a vaulted value from the configuration file.
        return to_text(value)
    return resolve


def source_connection(get_option: Callable[[str], Any], resolve: Resolve) -> dict[str, Any]:
    """The source's own connection options (with their environment fallbacks), the templated ones resolved."""
    mapping = {name: get_option(name) for name in CONNECTION_OPTION_NAMES}
    for name in TEMPLATED_OPTIONS:
        mapping[name] = resolve(name, mapping[name])
    return mapping
