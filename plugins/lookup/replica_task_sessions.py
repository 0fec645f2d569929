# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: replica_task_sessions
short_description: Replica task sessions from Veeam Backup Enterprise Manager, for templates, conditions and vars
version_added: 0.1.0
author:
  - veeam_em.core maintainers (@veeam-em)
description:
  - Reads replica task sessions from Enterprise Manager's query service with the filters of the
    M(veeam_em.core.replica_task_session_info) module, under the same option names, and returns the same records.
  - Runs on the controller, when the template is rendered; every logon is logged out before it returns.
  - The records are marked unsafe, so a VM or job named like a template is never evaluated.
  - Use C(query(...)) (or C(lookup(..., wantlist=true))) to get a list whatever the number of sessions.
  - The account needs the Portal User or Portal Administrator role in Enterprise Manager to read sessions (Veeam's EM
    REST reference, page C(security_roles_concept), "Security Roles"); for a VM Restore Operator the lookup fails with
    a message that names those roles.
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.plugins
  - veeam_em.core.listing
  - veeam_em.core.task_session_filters
notes:
  - The lookup takes no terms; give the filters as keyword options.
  - The deprecated option names O(vm_name), O(job_name) and O(backup_server) are accepted with a deprecation warning.
"""

EXAMPLES = r"""
# url, username, password and ca_path from the VEEAM_EM_* environment variables here.
- name: Stop when a VM's latest replica failed
  ansible.builtin.assert:
    that: latest | rejectattr('result', 'eq', 'Failed') | list | length == latest | length
    fail_msg: "Failed replicas: {{ latest | selectattr('result', 'eq', 'Failed') | map(attribute='vm_name') | join(', ') }}"
  vars:
    latest: "{{ query('veeam_em.core.replica_task_sessions', vm_names=['db01', 'web01'], created_after='24h', latest_per_vm=true) }}"

- name: A ticket body from the failures of the last day
  ansible.builtin.copy:
    dest: /tmp/failed-replicas.txt
    mode: "0644"
    content: |
      {% for session in query('veeam_em.core.replica_task_sessions', result=['Failed'], created_after='1d') %}
      {{ session.vm_name }} ({{ session.job_name }}) failed at {{ session.end_time }}: {{ session.reason }}
      {% endfor %}
  delegate_to: localhost
"""

RETURN = r"""
_raw:
  description:
    - The matching replica task sessions, with the keys of the module's RV(veeam_em.core.replica_task_session_info#module:replica_task_sessions)
      (C(id), C(uid), C(vm_name), C(job_name), C(backup_server_name), C(state), C(result), C(reason), C(creation_time),
      C(end_time), C(duration_seconds), ...), newest first unless O(order) says otherwise.
  type: list
  elements: dict
"""

import os
from typing import Any

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.veeam_em.core.plugins.module_utils._connection import (
    ConnectionOptions,
    connection_options_from,
    open_api,
)
from ansible_collections.veeam_em.core.plugins.module_utils._dependencies import missing_libraries
from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_task_sessions
from ansible_collections.veeam_em.core.plugins.module_utils._options import CONNECTION_OPTION_NAMES, check_option_names
from ansible_collections.veeam_em.core.plugins.module_utils._task_session_options import (
    RENAMED,
    TASK_SESSION_OPTION_NAMES,
    check_choices,
)
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import backup_server_warnings
from ansible_collections.veeam_em.core.plugins.plugin_utils._unsafe import make_unsafe

NAME = "veeam_em.core.replica_task_sessions"
display = Display()


class LookupModule(LookupBase):
    """veeam_em.core.replica_task_sessions."""

    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[Any]:
        if terms:
            raise AnsibleError(f"{NAME} takes no terms; give the filters as options, e.g. vm_names=['db01']")
        for library, _traceback in missing_libraries():
            raise AnsibleError(f"{NAME} needs the Python library {library} on the controller")
        try:
            # Ansible's option parsing ignores unknown keywords: a typo would widen the query unseen.
            check_option_names(kwargs, TASK_SESSION_OPTION_NAMES + CONNECTION_OPTION_NAMES, also_accepted=RENAMED)
            # Read from the table before Ansible's own parsing, so a bad value (given or from
            # VEEAM_EM_*) is worded as on every other surface.
            connection = connection_options_from(kwargs, environ=os.environ)
        except VeeamEmError as error:
            raise AnsibleError(f"{NAME}: {error}") from None
        self._warn_renamed(kwargs)
        self.set_options(var_options=variables,
                         direct={name: value for name, value in kwargs.items() if name not in CONNECTION_OPTION_NAMES})
        params = {name: self.get_option(name) for name in TASK_SESSION_OPTION_NAMES}
        try:
            check_choices(params)
            for warning in connection.warnings():
                display.warning(warning)
            return make_unsafe(self._read(connection, params))
        except VeeamEmError as error:
            raise AnsibleError(f"{NAME}: {error}") from None

    @staticmethod
    def _read(connection: ConnectionOptions, params: dict[str, Any]) -> list[dict[str, Any]]:
        # Each retry at -vvv; a failed logout is one warning, also when the read failed.
        with open_api(connection, on_retry=display.vvv,
                      on_logout_failure=lambda warning: display.warning(f"{NAME}: {warning}")) as api:
            found = gather_task_sessions(api, params)
            warnings = backup_server_warnings(api, params.get("backup_server_names"))
        for warning in warnings:
            display.warning(f"{NAME}: {warning}")
        return found["replica_task_sessions"]

    @staticmethod
    def _warn_renamed(kwargs: dict[str, Any]) -> None:
        for old, new in RENAMED.items():
            if old in kwargs:
                # The version is written out: sanity's pylint checks it only as a literal (REMOVED_IN).
                display.deprecated(f"{NAME}: the option {old} is renamed {new}", version="2.0.0",
                                   collection_name="veeam_em.core")
