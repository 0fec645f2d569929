# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
r"""Control characters in the url, username or password, refused before any request.

They almost always come from YAML: in double quotes a backslash starts an escape, so
"CORP\\em-reader" written as "CORP\em-reader" reaches the collection as CORP, ESC (U+001B),
"m-reader", and EM answers a plain "authentication failed" that hides the cause.
"""
from __future__ import annotations

import unicodedata

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

# The character a YAML double-quoted escape makes, and the escape that makes it.
YAML_ESCAPES = {"\x00": "\\0", "\x07": "\\a", "\x08": "\\b", "\t": "\\t", "\n": "\\n", "\x0b": "\\v",
                "\x0c": "\\f", "\r": "\\r", "\x1b": "\\e", "\x85": "\\N"}


def check_no_control_characters(name: str, value: str | None, secret: bool = False) -> None:
    """Raise ConfigurationError naming the first control character of `value` (not the value
    itself when it is `secret`), its position and the YAML hint."""
    if not isinstance(value, str):
        return
    found = next(((index, char) for index, char in enumerate(value) if unicodedata.category(char) == "Cc"), None)
    if found is None:
        return
    index, char = found
    what = f"{name} holds the control character U+{ord(char):04X}"
    label = _CONTROL_NAMES.get(char)  # unicodedata names no control character
    what += f" ({label})" if label else ""
    escape = YAML_ESCAPES.get(char)
    if escape is None:
        raise ConfigurationError(f"{what} at position {index + 1}; remove it")
    hint = (f"in YAML double quotes a backslash starts an escape ({escape} becomes U+{ord(char):04X}); "
            "write the value in single quotes or double each backslash")
    if not secret:
        meant = value[:index] + "\\" + escape[1:] + value[index + 1:]
        doubled = meant.replace("\\", "\\\\")
        hint += f": '{meant}' or \"{doubled}\""
    raise ConfigurationError(f"{what} at position {index + 1}: {hint}")


# The controls YAML escapes make, by the names people know them by.
_CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BACKSPACE", "\t": "TAB", "\n": "LINE FEED",
                  "\x0b": "VERTICAL TAB", "\x0c": "FORM FEED", "\r": "CARRIAGE RETURN", "\x1b": "ESC",
                  "\x85": "NEXT LINE"}
