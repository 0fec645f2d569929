# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shapes of the constructed options (keyed_groups, groups, compose) in the replicas
inventory's configuration file, checked before anything is read.

ansible-core's Constructable reads them host by host and, unless `strict`, skips without a
word what it cannot use: a misspelt keyed_groups key (`prefx:`), an entry without `key`, an
empty expression and, from 2.19, an expression that is not text. So a typo would quietly
give fewer groups, or none; here it fails the source, naming the entry and the fix.

Private to the collection. The plugin passes the file's data and its own option names.
"""
from __future__ import annotations

from typing import Any, Collection, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import did_you_mean

# What Constructable._add_host_to_keyed_groups reads from an entry, the same in ansible-core
# 2.16 to 2.21 (and the suboptions of the ansible.builtin.constructed doc fragment).
KEYED_GROUP_KEYS = ("key", "prefix", "separator", "parent_group", "default_value", "trailing_separator")
# An expression of each option that works, for the messages.
EXPRESSION_EXAMPLES = {"groups": "veeam_consecutive_failures >= 2", "compose": "veeam_vm_name ~ '.corp.example'"}
KEYED_EXAMPLE = "{key: veeam_job_name, prefix: job}"


def check_constructed(config: Mapping[str, Any], source_options: Collection[str]) -> None:
    """Refuse what ansible-core would silently skip in keyed_groups, groups and compose.

    `source_options`: the plugin's own options, so an option of the source written inside
    a keyed_groups entry (leading_separator, strict) is named as such.
    """
    check_keyed_groups(config.get("keyed_groups"), source_options)
    check_expressions("groups", config.get("groups"))
    check_expressions("compose", config.get("compose"))


def check_keyed_groups(entries: Any, source_options: Collection[str] = ()) -> None:
    if entries is None:
        return
    if not isinstance(entries, list):
        raise ConfigurationError(f"keyed_groups must be a list of entries, each a mapping with a key such as "
                                 f"{KEYED_EXAMPLE}, not {entries!r}")
    for index, entry in enumerate(entries):
        _check_keyed_group(f"keyed_groups[{index}]", entry, source_options)


def _check_keyed_group(where: str, entry: Any, source_options: Collection[str]) -> None:
    if not isinstance(entry, Mapping):
        raise ConfigurationError(f"{where} must be a mapping with a key, such as {KEYED_EXAMPLE}, not {entry!r}")
    key = entry.get("key")
    if key is None or (isinstance(key, str) and not key.strip()):
        # Without key ansible-core makes no group (2.16 makes one named by default_value for every host).
        raise ConfigurationError(f"{where} has no key: give key, the Jinja2 expression (without braces) whose value "
                                 "names the group, such as key: veeam_job_name")
    if not isinstance(key, str):
        raise ConfigurationError(f"{where} key must be a Jinja2 expression as text (without braces), such as "
                                 f"veeam_job_name, not {key!r}")
    where = f"{where} (key: {key})"
    for name in entry:
        if name not in KEYED_GROUP_KEYS:
            raise ConfigurationError(f"{where} has no option {name}{_unknown_key_hint(str(name), source_options)}")
    trailing = entry.get("trailing_separator")
    if trailing is not None and not isinstance(trailing, bool):
        # ansible-core tests `is False`, so a quoted 'false' would be ignored.
        raise ConfigurationError(f"{where} trailing_separator must be true or false (not in quotes), not {trailing!r}")


def _unknown_key_hint(name: str, source_options: Collection[str]) -> str:
    if name in source_options:
        return f": {name} is an option of the source, to give beside keyed_groups, not in an entry"
    return did_you_mean(name, KEYED_GROUP_KEYS) or f"; an entry takes {', '.join(KEYED_GROUP_KEYS)}"


def check_expressions(option: str, expressions: Any) -> None:
    """groups and compose map a name (of a group, of a host var) to an expression: any name is
    theirs to choose, so nothing can be misspelt there but the expression must be one."""
    if expressions is None:
        return
    example = EXPRESSION_EXAMPLES[option]
    if not isinstance(expressions, Mapping):
        raise ConfigurationError(f"{option} must be a mapping of names to Jinja2 expressions (without braces), such "
                                 f"as {{name: {example}}}, not {expressions!r}")
    for name, expression in expressions.items():
        if option == "groups" and isinstance(expression, bool):
            continue  # a constant condition, which every line evaluates
        if expression is None or (isinstance(expression, str) and not expression.strip()):
            raise ConfigurationError(f"{option}: {name} has no expression, so ansible-core would skip it: give a Jinja2 "
                                     f"expression (without braces), such as {name}: {example}")
        if not isinstance(expression, str):
            # ansible-core 2.19 and later skip it; as text it is the same expression on every line.
            raise ConfigurationError(f"{option}: {name} must be a Jinja2 expression as text, not {expression!r}: "
                                     f"write it in quotes ({name}: \"{expression}\")")
