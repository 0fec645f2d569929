# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Enterprise Managers of an inventory source: the one of `url` (a fleet of one, without a
name), or each entry of `enterprise_managers`.

Private to the collection. The connection options are read from the configuration file as
given, before ansible-core coerces them, through the collection's one options table
(module_utils._options, _connection.connection_options_from): each in its natural YAML type
or its string form, with the same error as every other surface, and VEEAM_EM_* for what the
file leaves out. What an entry leaves out comes from the source's own connection options (so
timeout, retries or ca_path can be set once for every EM); `url` never does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, connection_options_from
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._options import (
    CONNECTION_OPTION_NAMES,
    check_option_names,
    read_connection_values,
)

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,32}$")
# Reserved: C(veeam_em_unreachable) is the group of the EMs that failed.
RESERVED_NAMES = frozenset(("unreachable",))
# Never taken from the source's options: each EM has its own address.
PER_EM_ONLY = ("url",)
ENTRY_KEYS = ("name",) + CONNECTION_OPTION_NAMES
Resolve = Callable[[Any], Any]


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


def template_resolver(templar: Any) -> Resolve:
    """resolve(value): a text value rendered when it is a template (an env lookup, say) and
    decrypted when vaulted, with the plugin's templar; other values as they are."""
    def resolve(value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float, list, tuple, dict)):
            return value
        if templar.is_template(value):
            value = templar.template(value)
        # to_text also decrypts a vaulted value from the configuration file.
        return to_text(value)
    return resolve


def read_em_sources(config: Mapping[str, Any], resolve: Resolve, environ: Mapping[str, str]) -> list[EmSource]:
    """The EMs of the source from its configuration file's values (`config`, as given): without
    `enterprise_managers`, the one EM of its connection options; else each entry, in the order given.

    `resolve` renders a template or decrypts a vaulted value (template_resolver). ConfigurationError,
    naming the option (and the entry), for anything that cannot work, before any request.
    """
    given = {name: resolve(config.get(name)) for name in CONNECTION_OPTION_NAMES}
    entries = config.get("enterprise_managers")
    if not entries:
        return [EmSource(None, None, connection_options_from(given, environ=environ))]
    if not isinstance(entries, list):
        raise ConfigurationError("enterprise_managers must be a non-empty list of mappings, each with name and url")
    defaults = {name: value for name, value in read_connection_values(given, environ).items() if name not in PER_EM_ONLY}
    sources: list[EmSource] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ConfigurationError(f"enterprise_managers[{index}] must be a mapping with name and url, not {entry!r}")
        check_option_names(entry, ENTRY_KEYS, where=f"enterprise_managers[{index}]")
        name = _entry_name(entry, index, {source.name for source in sources})
        values = {**defaults, **{key: resolve(value) for key, value in entry.items() if key != "name"}}
        sources.append(EmSource(name, index, connection_options_from(values, where=f"enterprise_managers[{index}] ({name})")))
    return sources


def _entry_name(entry: Mapping[str, Any], index: int, seen: set[str | None]) -> str:
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name) or name in RESERVED_NAMES:
        raise ConfigurationError(
            f"enterprise_managers[{index}] needs a name of 1 to 32 letters, digits or underscores (not "
            f"'unreachable'), such as 'eu'; it names the group veeam_em_<name> and the host var veeam_em_name, "
            f"not {name!r}"
        )
    if name in seen:
        raise ConfigurationError(f"enterprise_managers[{index}]: the name {name!r} is used twice; give each EM its own")
    return name
