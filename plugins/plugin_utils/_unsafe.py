# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mark data from Enterprise Manager as unsafe before it reaches the inventory.

Private to the collection. A VM or job may be named like a Jinja template; marked unsafe,
Ansible treats such a name as text and never evaluates it.
"""
from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from ansible.module_utils.common.collections import is_sequence
from ansible.utils.unsafe_proxy import wrap_var


def make_unsafe(value: Any) -> Any:
    """The same data with every string (keys included), at any depth, marked unsafe."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {make_unsafe(key): make_unsafe(item) for key, item in value.items()}
    if isinstance(value, Set):
        return {make_unsafe(item) for item in value}
    if is_sequence(value):
        return type(value)(make_unsafe(item) for item in value)
    # wrap_var marks strings on every ansible-core release this collection supports;
    # on 2.19+ it strips template trust, which EM data never had anyway.
    return wrap_var(value)
