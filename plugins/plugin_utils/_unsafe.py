# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep data from Enterprise Manager from ever being evaluated as a template.

Private to the collection. A VM or job may be named like a Jinja template; marked unsafe,
Ansible treats such a value as text and never evaluates it. Host names are the exception:
they are plain text on every ansible-core (_host_names.plain_host_name).
"""
from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from ansible.module_utils.common.collections import is_sequence
from ansible.utils.unsafe_proxy import wrap_var

try:  # ansible-core 2.19 brought data tagging, and with it trust_as_template
    from ansible.template import trust_as_template
except ImportError:
    trust_as_template = None
UNTRUSTED_UNLESS_TAGGED = trust_as_template is not None


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
