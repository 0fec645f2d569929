# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options, declared once: name, type, default, bounds, environment variable,
no_log and a one-line summary. Every surface derives from this table: the modules' argument
spec, the lookup, the inventory and its enterprise_managers entries, the event source; the
documentation (doc fragment, the event source's DOCUMENTATION, the role's argument_specs.yml)
is held to it by a unit test.

`convert(name, value)` reads one value in its natural YAML type or in its string form ("3",
"yes", "1.5"), the way ansible-core reads an option of that type, and checks its bounds; the
same bad value gives the same message on every surface.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.em._paging import DEFAULT_MAX_CONCURRENCY, DEFAULT_PAGE_SIZE
from ansible_collections.veeam_em.core.plugins.module_utils.em._session import LATEST
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import TransportOptions
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import did_you_mean

# ansible-core's boolean words (ansible.module_utils.parsing.convert_bool), so a value means
# the same here as in a module; this file must not need ansible-core (the event source).
TRUE_WORDS = frozenset(("y", "yes", "on", "1", "true", "t"))
FALSE_WORDS = frozenset(("n", "no", "off", "0", "false", "f"))
TYPE_WORDING = {"str": "text", "path": "a path (text)", "bool": "true or false (or yes/no)", "int": "a whole number",
                "float": "a number"}


@dataclass(frozen=True)
class ConnectionOption:
    """One connection option. `minimum`/`maximum` bound a number (inclusive unless
    `above_minimum`: then it must be more than `minimum`); `unit` words the bounds."""

    name: str
    type: str  # str, path, bool, int or float, as in an Ansible argument spec
    summary: str
    default: Any = None
    env: str | None = None
    no_log: bool = False
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    above_minimum: bool = False
    unit: str = ""

    def allowed(self) -> str:
        """What the option takes, for a message: "a whole number between 0 and 10"."""
        if self.type == "int" and self.minimum is not None:
            return f"a whole number {self._range()}"
        if self.type == "float" and self.minimum is not None:
            return self._range() if self.maximum is None else f"a number {self._range()}"
        return TYPE_WORDING[self.type]

    def bounds_error(self, value: float) -> str | None:
        """Why a converted number is out of bounds, or None."""
        if self.minimum is None:
            return None
        low_ok = value > self.minimum if self.above_minimum else value >= self.minimum
        if low_ok and (self.maximum is None or value <= self.maximum):
            return None
        return f"{self.name} must be {self._range()}, not {_number(value)}"

    def _range(self) -> str:
        if self.maximum is None:  # only above a minimum of 0 today
            return f"a positive number of {self.unit}"
        if self.above_minimum:
            return f"more than {_number(self.minimum)} and at most {_number(self.maximum)} {self.unit}"
        return f"between {_number(self.minimum)} and {_number(self.maximum)}"


def _number(value: float | None) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# Defaults that the EM client also uses on its own come from it, so each is written once.
CONNECTION_OPTIONS: tuple[ConnectionOption, ...] = (
    ConnectionOption("url", "str", "Address of Enterprise Manager, such as https://em.example.com:9398/api.",
                     env="VEEAM_EM_URL", required=True),
    ConnectionOption("username", "str", "Enterprise Manager account.", env="VEEAM_EM_USERNAME", required=True),
    ConnectionOption("password", "str", "Password of username.", env="VEEAM_EM_PASSWORD", no_log=True,
                     required=True),
    ConnectionOption("validate_certs", "bool", "Whether Enterprise Manager's TLS certificate is checked.",
                     default=TransportOptions.validate_certs, env="VEEAM_EM_VALIDATE_CERTS"),
    ConnectionOption("ca_path", "path", "PEM file of the CA that signed Enterprise Manager's certificate.",
                     env="VEEAM_EM_CA_PATH"),
    ConnectionOption("timeout", "float", "Seconds to wait for each answer.", default=TransportOptions.timeout,
                     env="VEEAM_EM_TIMEOUT", minimum=0, above_minimum=True, unit="seconds"),
    ConnectionOption("api_version", "str", "Enterprise Manager REST API version to log on with, or latest.",
                     default=LATEST),
    ConnectionOption("page_size", "int", "Entities per page of the query service.", default=DEFAULT_PAGE_SIZE,
                     minimum=1, maximum=10_000),
    ConnectionOption("max_concurrency", "int", "Pages read at the same time.", default=DEFAULT_MAX_CONCURRENCY,
                     minimum=1, maximum=16),
    # no_log: a proxy url may hold the proxy's own password.
    ConnectionOption("proxy", "str", "HTTP(S) proxy to reach Enterprise Manager through.", no_log=True),
    ConnectionOption("retries", "int", "How many times a transient failure is tried again.",
                     default=TransportOptions.max_retries, minimum=0, maximum=10),
    ConnectionOption("retry_backoff", "float", "Seconds before the first retry; each next wait doubles.",
                     default=TransportOptions.backoff_base, minimum=0, maximum=30.0, above_minimum=True,
                     unit="seconds"),
)
OPTIONS: dict[str, ConnectionOption] = {option.name: option for option in CONNECTION_OPTIONS}
CONNECTION_OPTION_NAMES: tuple[str, ...] = tuple(OPTIONS)


def convert(name: str, value: Any) -> Any:
    """`value` (natural YAML type or its string form) as option `name`'s type, bounds checked.

    None stays None (unset). ConfigurationError names the option, the value and what it takes.
    """
    option = OPTIONS[name]
    if value is None:
        return None
    converted = _CONVERTERS[option.type](value)
    if converted is None:
        # A secret's value is never shown, even a wrong one (it may be the right one misplaced).
        shown = f"a value of type {type(value).__name__}" if option.no_log else repr(value)
        raise ConfigurationError(f"{name} must be {option.allowed()}, not {shown}")
    problem = option.bounds_error(converted) if option.type in ("int", "float") else None
    if problem:
        raise ConfigurationError(problem)
    return converted


def _to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = value.strip().lower() if isinstance(value, str) else None
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def _to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


def _to_float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _to_text(value: Any) -> str | None:
    # Only text: an unquoted YAML 0123 is the number 83, so a number is never taken as a password.
    return value if isinstance(value, str) else None


def _to_path(value: Any) -> str | None:
    # As ansible-core's path type: ~ and $VARIABLES expanded.
    return os.path.expanduser(os.path.expandvars(value)) if isinstance(value, str) else None


_CONVERTERS = {"bool": _to_bool, "int": _to_int, "float": _to_float, "str": _to_text, "path": _to_path}


def read_connection_values(values: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The connection options given in `values` converted (see convert); with `environ`, an
    option left out (None) or empty text comes from its environment variable when that is set
    and not empty. Options not given are left out; other keys of `values` are ignored."""
    read: dict[str, Any] = {}
    for option in CONNECTION_OPTIONS:
        value = values.get(option.name)
        if (value is None or value == "") and environ is not None and option.env:
            value = environ.get(option.env) or value
        converted = convert(option.name, value)
        if converted is not None:
            read[option.name] = converted
    return read


def missing_required(given: Iterable[str]) -> str | None:
    """The message for required options not given, or None."""
    missing = [option for option in CONNECTION_OPTIONS if option.required and option.name not in set(given)]
    if not missing:
        return None
    return (f"missing connection option(s): {', '.join(option.name for option in missing)}; set them as options "
            f"or through {', '.join(str(option.env) for option in missing)}")


def check_option_names(given: Iterable[Any], known: Iterable[str], where: str = "", also_accepted: Iterable[str] = ()) -> None:
    """ConfigurationError naming each given key that is not a known option, with the closest
    known one, and listing the options; after `where` and a colon when given
    ("enterprise_managers[0]"). `also_accepted` (deprecated names) pass but are not listed."""
    known_names = sorted(set(known))
    unknown = sorted({str(name) for name in given} - set(known_names) - set(also_accepted))
    if not unknown:
        return
    # did_you_mean words a clause ("; did you mean x?"); here each name carries its own.
    named = [name + (f" ({hint[2:]})" if (hint := did_you_mean(name, known_names)) else "") for name in unknown]
    prefix = f"{where}: " if where else ""
    raise ConfigurationError(f"{prefix}unknown option(s) {', '.join(named)}; the options are {', '.join(known_names)}")
