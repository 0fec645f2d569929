# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of the listing modules (replica_task_session_info, replica_point_info) and the
replica_task_sessions lookup, as argument specs: the options every listing shares (doc fragment
veeam_em.core.listing), the task sessions' own filters (doc fragment
veeam_em.core.task_session_filters), and one check of their choices, so every surface takes
the same names and refuses the same values alike."""
from __future__ import annotations

from typing import Any, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._gather import ORDERS, RESULTS, STATES

# Old option name -> current one; the old names still work, with a deprecation warning.
RENAMED = {"vm_name": "vm_names", "job_name": "job_names", "backup_server": "backup_server_names"}
REMOVED_IN = "2.0.0"
CHOICES = {"result": RESULTS, "state": STATES, "order": ORDERS}


def _renamed(old_name: str) -> dict[str, Any]:
    """A list-of-names option that still takes its old name, with a deprecation warning."""
    return {"type": "list", "elements": "str", "aliases": [old_name],
            "deprecated_aliases": [{"name": old_name, "version": REMOVED_IN, "collection_name": "veeam_em.core"}]}


def listing_argument_spec() -> dict[str, dict[str, Any]]:
    """The options every listing shares (doc fragment veeam_em.core.listing)."""
    return {
        "vm_names": _renamed("vm_name"),
        "backup_server_names": _renamed("backup_server"),
        "created_after": {"type": "str"},
        "created_before": {"type": "str"},
        "latest_per_vm": {"type": "bool", "default": False},
        "limit": {"type": "int"},
        "order": {"type": "str", "choices": ORDERS, "default": "newest_first"},
    }


def task_session_argument_spec() -> dict[str, dict[str, Any]]:
    """The task session filters: the listing options and the sessions' own (id, job_names, result, state)."""
    spec = listing_argument_spec()
    spec.update(
        id={"type": "list", "elements": "str"},
        job_names=_renamed("job_name"),
        result={"type": "list", "elements": "str", "choices": RESULTS},
        state={"type": "list", "elements": "str", "choices": STATES},
    )
    return spec


TASK_SESSION_OPTION_NAMES = tuple(task_session_argument_spec())


def check_choices(params: Mapping[str, Any]) -> None:
    """ConfigurationError naming the option for a value outside its choices (AnsibleModule
    checks these for the module; plugins' option parsing does not on every ansible-core)."""
    for name, choices in CHOICES.items():
        value = params.get(name)
        values = [] if value is None else [value] if isinstance(value, str) else list(value)
        wrong = [item for item in values if item not in choices]
        if wrong:
            raise ConfigurationError(f"{name}: {', '.join(map(str, wrong))} is not one of {', '.join(choices)}")
