# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: replica_session_query
short_description: The replica_task_session_info options of a check at a moment over a window
version_added: 0.1.0
author:
  - veeam_em.core maintainers (@veeam-em)
description:
  - Takes the start of a window (a duration back from O(now) such as V(7d), or an ISO 8601 time) and gives the options
    M(veeam_em.core.replica_task_session_info) needs to read the task sessions of that window, and the
    exact names Enterprise Manager can filter on itself.
  - The C(veeam_em.core.replica_compliance) role uses it, so its window and moment come from Python, not Jinja.
  - Given O(rpo) or O(rpo_by_job), it refuses a window shorter than the longest RPO (the same rule as the
    C(veeam_em.core.replicas) inventory's O(veeam_em.core.replicas#inventory:created_after)).
options:
  _input:
    description: The start of the window (the module's O(veeam_em.core.replica_task_session_info#module:created_after)),
      such as V(7d), V(24h) or V(2026-11-22T06:00:00Z).
    type: raw
    required: true
  now:
    description:
      - The moment of the check, in ISO 8601 (V(2026-11-29T06:00:00Z)); empty for the current second (UTC).
    type: str
  include:
    description:
      - The name patterns of the V(veeam_em.core.replica_status) filter's O(veeam_em.core.replica_status#filter:include).
        The patterns of a key become exact names when none of them is a wildcard.
    type: dict
  rpo:
    description:
      - The RPO the sessions are judged against, as the V(veeam_em.core.replica_status) filter's
        O(veeam_em.core.replica_status#filter:rpo).
      - Given, the window must be at least as long as it; a shorter one is refused with a message naming both
        values and what to change, because a VM whose last success lies before the window start would look as if
        it never succeeded while still within its RPO. The window is not widened silently.
    type: raw
  rpo_by_job:
    description:
      - The RPOs per job of the V(veeam_em.core.replica_status) filter's O(veeam_em.core.replica_status#filter:rpo_by_job);
        the window must be at least as long as each of them, as for O(rpo).
    type: dict
  option_prefix:
    description:
      - Text put before every option name in error messages, such as V(replica_compliance_), so a role's errors
        name its own variables (V(replica_compliance_rpo must be a duration such as 24h ...)); given, the errors
        do not start with the filter's name either.
    type: str
    default: ""
  errors:
    description:
      - V(raise) fails the template with the error, as filters do.
      - 'V(return) gives C({"error": message}) instead of the options, so a role can fail with the message alone
        (ansible-core 2.19 and later wrap a filter''s error in the task''s template and its origin).'
    type: str
    choices: [raise, return]
    default: raise
"""

EXAMPLES = r"""
- name: The options of a read of the 7 days before a fixed moment, for two VMs
  ansible.builtin.set_fact:
    query: "{{ '7d' | veeam_em.core.replica_session_query(now='2026-11-29T06:00:00Z', include={'vm_name': ['db01', 'web01']}) }}"
  # {"created_after": "2026-11-22T06:00:00Z", "created_before": "2026-11-29T06:00:00Z",
  #  "vm_names": ["db01", "web01"], "job_names": [], "backup_server_names": []}
"""

RETURN = r"""
_value:
  description:
    - Options of M(veeam_em.core.replica_task_session_info).
    - 'With O(errors=return) and input that cannot work, C({"error": message}) instead.'
  type: dict
  contains:
    error:
      description: Only with O(errors=return), for input that cannot work - what is wrong and what to do.
      type: str
      returned: with O(errors=return), when the input cannot work
    created_after:
      description: Start of the window (ISO 8601, UTC).
      type: str
    created_before:
      description: The moment of the check (ISO 8601, UTC, whole seconds).
      type: str
    vm_names:
      description: Exact VM names to ask for; empty when a pattern is a wildcard or none is given.
      type: list
      elements: str
    job_names:
      description: Exact job names to ask for, as RV(_value.vm_names).
      type: list
      elements: str
    backup_server_names:
      description: Exact backup server names to ask for, as RV(_value.vm_names).
      type: list
      elements: str
"""

from typing import Any, Callable

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._window import session_query


def replica_session_query(created_after: Any, now: Any = None, include: Any = None, rpo: Any = None,
                          rpo_by_job: Any = None, option_prefix: str = "", errors: str = "raise") -> dict[str, Any]:
    """The filter: the shared window function, with its errors as filter errors (or as data)."""
    if errors not in ("raise", "return"):
        raise AnsibleFilterError(f"replica_session_query: errors must be raise or return, not {errors!r}")
    prefix = str(option_prefix or "")
    try:
        return session_query(created_after, now, include, rpo, rpo_by_job, prefix)
    except ConfigurationError as error:
        # A role names its own variables: the filter's name would only point at its internals.
        message = str(error) if prefix else f"replica_session_query: {error}"
        if errors == "return":
            return {"error": message}
        raise AnsibleFilterError(message) from None


class FilterModule:
    """veeam_em.core.replica_session_query."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"replica_session_query": replica_session_query}
