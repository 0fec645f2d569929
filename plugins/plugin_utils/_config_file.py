# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replicas inventory's configuration file, read and checked before ansible-core reads its
options: its name, its keys and the types ansible-core would read wrongly.

Private to the collection. The plugin passes its loader and its option definitions.
"""
from __future__ import annotations

import os
import re
from typing import Any, Mapping

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import did_you_mean
from ansible_collections.veeam_em.core.plugins.plugin_utils._unsafe import UNTRUSTED_UNLESS_TAGGED

FILE_SUFFIXES = ("veeam_em.yml", "veeam_em.yaml")
# The `plugin:` line of a file meant for this plugin, quoted or not.
PLUGIN_LINE = re.compile(r"""^plugin:\s*(["']?)veeam_em\.core\.replicas\1\s*(#.*)?$""", re.MULTILINE)
# The plugin's own yes/no and number options (the connection options are the options table's:
# _em_list reads them), checked before ansible-core's own conversion.
BOOLEAN_OPTIONS = ("include_backup_servers", "include_sessions", "cache", "strict", "use_extra_vars",
                   "leading_separator", "include_unreplicated", "require_coverage", "include_cdp",
                   "include_failover_plans", "include_sla", "include_sla_days", "include_anomalies")
NUMBER_OPTIONS: dict[str, tuple[type, str]] = {"em_concurrency": (int, "a whole number")}


def names_this_plugin(path: str) -> bool:
    """Whether a YAML file's `plugin:` line names this plugin (a read of its first 64 KiB only:
    verify_file is asked about every inventory source when the plugin is enabled by name)."""
    if not path.endswith((".yml", ".yaml")):
        return False
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    return PLUGIN_LINE.search(head) is not None


def wrong_name_note(path: str) -> str:
    """Why a file that names this plugin is not read by it, and the name to give it."""
    stem, _dot, extension = os.path.basename(path).rpartition(".")
    return (f"{path} names this plugin but is not read by it: the file name must end in "
            f"{' or '.join(FILE_SUFFIXES)} (for example {stem}.veeam_em.{extension})")


def load_config(loader: Any, path: str) -> Any:
    """The file's data as given, read as ansible-core's own _read_config_data reads it: not
    from the loader's cache (meta: refresh_inventory reads the file again) and, from 2.19,
    trusted as templates (a password from a lookup), since the file is the user's own."""
    if UNTRUSTED_UNLESS_TAGGED:
        return loader.load_from_file(path, cache="none", trusted_as_template=True)
    return loader.load_from_file(path, cache=False)


def check_option_names(config: Any, path: str, definitions: Mapping[str, Mapping[str, Any]]) -> None:
    """Refuse a key that is none of the plugin's options or aliases, with the closest one.

    ansible-core ignores such a key, so `created_afer: 1d` would quietly read the default window.
    """
    if not isinstance(config, dict) or not definitions:
        return  # nothing to check, or nothing to check against (the plugin's docs were not loaded)
    known = set(definitions) | {alias for definition in definitions.values() for alias in definition.get("aliases") or ()}
    for key in config:
        if str(key) not in known:
            raise ConfigurationError(f"unknown option {key} in {path}{did_you_mean(str(key), known)}")


def check_option_types(config: Any) -> None:
    """Refuse a yes/no option that is neither and a number that is not one, naming the option,
    and url beside enterprise_managers.

    Ansible's option parsing turns any unknown word into false, so `include_sessions:
    perhaps` would quietly be false.
    """
    given = dict(config) if isinstance(config, dict) else {}
    if given.get("enterprise_managers") and "url" in given:
        raise ConfigurationError("give url or enterprise_managers, not both: with enterprise_managers "
                                 "each EM has its own url")
    for name in BOOLEAN_OPTIONS:
        if name in given:
            _require_boolean(name, given[name])
    for name, (kind, wording) in NUMBER_OPTIONS.items():
        if name in given and not _is_number(given[name], kind):
            raise ConfigurationError(f"option {name} must be {wording}, not {given[name]!r}")


def _require_boolean(label: str, value: Any) -> None:
    try:
        boolean(value, strict=True)
    except TypeError:
        raise ConfigurationError(f"option {label} must be true or false, not {value!r}") from None


def _is_number(value: Any, kind: type) -> bool:
    """Whether ansible-core can read the value as that kind of number (bools are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return False
    try:
        kind(value)
    except ValueError:
        return False
    return True
