# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replicas inventory's Jinja options over a VM's host vars: `hostnames` (ordered
host-name fallbacks), `filters` and `exclude_filters`.

Private to the collection. The expressions are rendered by the plugin's own templating
(Constructable._compose, passed in as `render`), as `compose` renders them, so host vars
from EM stay unsafe (never evaluated) and ansible-core's trust rules apply on every line.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

DEFAULT_HOSTNAME = "veeam_vm_name"
# The options read_host_expressions reads (the plugin passes their values).
EXPRESSION_OPTIONS = ("hostnames", "hostname", "strict", "filters", "exclude_filters")
# Characters a host name may not hold: ansible-inventory, AWX and INI files break on them.
_BREAKING = ("\n", "\r", "\t", "\x00")
Render = Callable[[str, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class HostExpressions:
    """hostnames (in order) and whether none giving a name is an error; the VM filters."""

    hostnames: tuple[Any, ...] = (DEFAULT_HOSTNAME,)
    none_is_error: bool = True
    option: str = "hostname"  # the option the expressions came from, for messages
    filters: tuple[Any, ...] = ()
    exclude_filters: tuple[Any, ...] = ()

    @property
    def default_names(self) -> bool:
        """Whether host names are the VM names as they are (no templating needed)."""
        return self.hostnames == (DEFAULT_HOSTNAME,)


def _expressions(name: str, value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ConfigurationError(f"option {name} must be a list of Jinja2 expressions (text without braces, as in "
                                 f"compose), such as ['veeam_vm_name | lower'], not {value!r}")
    # The items themselves, not str() copies: ansible-core 2.19+ trusts them as templates
    # because they come from the configuration file, and a copy would lose that.
    return tuple(value)


def read_host_expressions(options: Mapping[str, Any]) -> HostExpressions:
    """hostnames, hostname (its older single form), strict, filters and exclude_filters."""
    hostnames = _expressions("hostnames", options.get("hostnames"))
    hostname = options.get("hostname") or DEFAULT_HOSTNAME
    if hostnames and hostname != DEFAULT_HOSTNAME:
        raise ConfigurationError("give hostnames or hostname, not both: hostname is the one-expression form of hostnames")
    return HostExpressions(
        # hostname keeps its behaviour: an expression that gives no name is an error.
        hostnames=hostnames or (hostname,), none_is_error=bool(options.get("strict")) or not hostnames,
        option="hostnames" if hostnames else "hostname",
        filters=_expressions("filters", options.get("filters")),
        exclude_filters=_expressions("exclude_filters", options.get("exclude_filters")),
    )


def usable_name(value: Any) -> str | None:
    """The rendered value as a host name, or None when it cannot be one (empty, not text, a line break)."""
    if value is None or isinstance(value, (bool, list, tuple, dict, set)):
        return None
    text = str(value).strip()
    if not text or any(character in text for character in _BREAKING):
        return None
    return text


def first_host_name(expressions: HostExpressions, variables: Mapping[str, Any], render: Render) -> str | None:
    """The first expression that renders a usable name; None when none does and that is allowed.

    An expression that fails (an undefined var, a filter error) counts as giving no name, so
    the next is tried, as amazon.aws aws_ec2 treats its `hostnames`.
    """
    failures = []
    for expression in expressions.hostnames:
        try:
            name = usable_name(render(expression, variables))
        except Exception as error:  # any template error: the next expression is the fallback
            failures.append(f"{expression!r} failed: {error}")
            continue
        if name is not None:
            return name
        failures.append(f"{expression!r} gave no usable name")
    if expressions.none_is_error:
        raise ConfigurationError(f"{expressions.option} expression gave no host name for VM "
                                 f"{variables.get('veeam_vm_name')!r}: {'; '.join(failures)} "
                                 "(a name is a non-empty text without line breaks)")
    return None


def _truth(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def _holds(expression: Any, variables: Mapping[str, Any], render: Render, option: str) -> bool:
    try:
        return _truth(render(expression, variables))
    except Exception as error:  # a filter that cannot be judged must not silently keep or drop a VM
        raise ConfigurationError(
            f"{option} expression {expression!r} failed for VM {variables.get('veeam_vm_name')!r}: {error}. "
            "Host vars that only some VMs have (such as veeam_rpo_breached without rpo) need | default(...)"
        ) from None


def passes_filters(expressions: HostExpressions, variables: Mapping[str, Any], render: Render) -> bool:
    """Whether every `filters` expression is true and no `exclude_filters` one is."""
    return (all(_holds(item, variables, render, "filters") for item in expressions.filters)
            and not any(_holds(item, variables, render, "exclude_filters") for item in expressions.exclude_filters))
