# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: unknown_names
short_description: The names of a list that are not among the known ones, each with the closest known name
description:
  - Takes the names a user gave (variables, settings, keys) and the names that are known, and returns one message
    per given name that is not known, such as V(rpo_ is not a setting; did you mean rpo?), in the order given and
    each name once.
  - The closest known name is suggested when one is close enough (Python's C(difflib), ignoring case), so a stray
    character or the wrong case is named with its fix; a name like none of them gets no suggestion.
  - Names are compared exactly (case-sensitively), as Ansible compares variable names.
  - The C(veeam_em.core.replica_compliance) role uses it to refuse a misspelt C(replica_compliance_*) variable, which
    ansible-core's role argument validation lets through, before Enterprise Manager is read.
author:
  - veeam_em.core maintainers (@veeam-em)
version_added: 0.2.0
options:
  _input:
    description: The names given.
    type: list
    elements: str
    required: true
  known:
    description: Every name that is known.
    type: list
    elements: str
    required: true
  what:
    description: What a known name is, as the message says it after V(is not a), such as V(variable of this role).
    type: str
    default: known name
"""

EXAMPLES = r"""
- name: Refuse the misspelt variables of a play that takes variables starting with my_app_ (none here, so nothing to refuse)
  ansible.builtin.assert:
    that: misspelt | length == 0
    fail_msg: "{{ misspelt | join(' ') }}"
  vars:
    misspelt: >-
      {{ q('ansible.builtin.varnames', '^my_app_')
         | veeam_em.core.unknown_names(['my_app_port', 'my_app_user'], what='variable of my_app') }}

- name: Name the closest known name of each unknown one
  ansible.builtin.assert:
    that:
      - >-
        (['rpo', 'lookbak', 'Rpo_by_job', 'colour'] | veeam_em.core.unknown_names(['rpo', 'rpo_by_job', 'lookback'], what='setting'))
        == ['lookbak is not a setting; did you mean lookback?', 'Rpo_by_job is not a setting; did you mean rpo_by_job?',
            'colour is not a setting']
"""

RETURN = r"""
_value:
  description:
    - One message per given name that is not known, in the order given, such as
      V(replica_compliance_rpo_ is not a variable of this role; did you mean replica_compliance_rpo?); empty when
      every name is known.
  type: list
  elements: str
"""

from typing import Any, Callable

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import did_you_mean


def unknown_names(given: Any, known: Any, what: str = "known name") -> list[str]:
    """The filter: a message for each given name not in `known`, with the closest known name."""
    given_names, known_names = _names(given, "the input"), _names(known, "known")
    known_set = set(known_names)
    return [f"{name} is not a {what}{did_you_mean(name, known_names)}"
            for name in dict.fromkeys(given_names) if name not in known_set]


def _names(value: Any, which: str) -> list[str]:
    # A lone string would be taken letter by letter, which is never what was meant.
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise AnsibleFilterError(f"unknown_names: {which} must be a list of names, not {type(value).__name__}")
    return [str(name) for name in value]


class FilterModule:
    """veeam_em.core.unknown_names."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"unknown_names": unknown_names}
