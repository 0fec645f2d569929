# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep data from Enterprise Manager from ever being evaluated as a template.

Private to the collection. A VM or job may be named like a Jinja template; marked unsafe,
Ansible treats such a value as text and never evaluates it. Host names are the exception:
they are plain text on every ansible-core (see plain_host_name).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Set
from typing import Any

from ansible.module_utils.common.collections import is_sequence
from ansible.utils.unsafe_proxy import wrap_var

try:  # ansible-core 2.19 brought data tagging, and with it trust_as_template
    from ansible.template import trust_as_template
except ImportError:
    trust_as_template = None
UNTRUSTED_UNLESS_TAGGED = trust_as_template is not None

# The opening brace of a Jinja delimiter: {{, {% or {#.
_TEMPLATE_START = re.compile(r"\{(?=[{%#])")


def plain_host_name(name: str) -> str:
    """A host name as an exact str, which ansible-inventory --list prints as plain text.

    AWX's inventory import and scripts that read --list expect names, not the
    {"__ansible_unsafe": ...} objects an unsafe-marked name becomes before ansible-core 2.19.
    Before data tagging, though, ansible-core evaluates a plain inventory_hostname that holds
    a template, so there the opening brace of each Jinja delimiter becomes "_" (a VM named
    "{{ 6*7 }}" is host "_{ 6*7 }}"; its veeam_vm_name keeps the exact name, unsafe). With
    data tagging a name is never a template unless trusted, so it is kept exactly.
    """
    text = str.__str__(name)  # an exact str, without a subclass or tags it came with
    if UNTRUSTED_UNLESS_TAGGED:
        return text
    return _TEMPLATE_START.sub("_", text)


def make_unsafe(value: Any) -> Any:
    """The same data with every string (keys included), at any depth, marked unsafe."""
    if UNTRUSTED_UNLESS_TAGGED:
        # From ansible-core 2.19 a string is a template only when tagged as trusted, and
        # what lxml and this collection build carries no tag: EM data is already unsafe,
        # and walking it (wrap_var removes a tag it cannot have) cost 0.5 s per 5,000 hosts.
        return value
    return _wrap(value)


def _wrap(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {_wrap(key): _wrap(item) for key, item in value.items()}
    if isinstance(value, Set):
        return {_wrap(item) for item in value}
    if is_sequence(value):
        return type(value)(_wrap(item) for item in value)
    return wrap_var(value)
