# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replicas inventory's configuration file, checked before ansible-core reads its options:
its name, its keys and the types ansible-core would read wrongly.

Private to the collection. No Ansible objects: the plugin passes its option definitions.
"""
from __future__ import annotations

import os
import re
from typing import Any, Mapping

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import did_you_mean

FILE_SUFFIXES = ("veeam_em.yml", "veeam_em.yaml")
# The `plugin:` line of a file meant for this plugin, quoted or not.
PLUGIN_LINE = re.compile(r"""^plugin:\s*(["']?)veeam_em\.core\.replicas\1\s*(#.*)?$""", re.MULTILINE)
BOOLEAN_OPTIONS = ("validate_certs", "include_backup_servers", "include_sessions", "cache", "strict", "use_extra_vars",
                   "leading_separator", "include_unreplicated")
# Numeric options and their type, checked before ansible-core's own conversion.
NUMBER_OPTIONS: dict[str, tuple[type, str]] = {
    "page_size": (int, "a whole number"), "max_concurrency": (int, "a whole number"), "timeout": (float, "a number of seconds"),
    "retries": (int, "a whole number"), "retry_backoff": (float, "a number of seconds"),
    "em_concurrency": (int, "a whole number"),
}


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


def check_option_types(config: Any, environ: Mapping[str, str]) -> None:
    """Refuse a yes/no option that is neither and a number that is not one, naming the option.

    Ansible's option parsing turns any unknown word into false, so `validate_certs:
    perhaps` would quietly switch certificate checking off.
    """
    given = dict(config) if isinstance(config, dict) else {}
    if given.get("enterprise_managers") and "url" in given:
        raise ConfigurationError("give url or enterprise_managers, not both: with enterprise_managers "
                                 "each EM has its own url")
    for name in BOOLEAN_OPTIONS:
        if name in given:
            _require_boolean(name, given[name])
    from_env = environ.get("VEEAM_EM_VALIDATE_CERTS")
    if from_env is not None and "validate_certs" not in given:
        _require_boolean("validate_certs (from VEEAM_EM_VALIDATE_CERTS)", from_env)
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

