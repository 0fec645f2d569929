#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: backup_server_collect
short_description: Ask Enterprise Manager to collect from backup servers now, and wait until its answer shows it
version_added: 0.2.0
description:
  - Enterprise Manager shows each backup server as it was at its last collection, every 15 minutes by default. This
    module asks it to collect now (C(POST /api/backupServers/{ID}?action=collect), one per backup server; Veeam's EM
    REST reference, page C(post_backupservers_id_collect)), so that a read right after it, by any module of the
    collection, the inventory or the P(veeam_em.core.replica_compliance#role) role, sees what the backup servers know
    now. The twin of M(veeam_em.core.backup_server_info).
  - It then waits, within O(wait_timeout), until every collect task is C(Finished) (C(GET /api/tasks/{ID}), in the same
    logon session) and two reads in a row of the newest restore points in scope agree. Enterprise Manager documents no
    "last collected" time, so that shows its answer has settled after the collection, not that the collection is
    complete; RV(proof) says what was shown.
  - Enterprise Manager keeps no state a collection could already be in, so every run asks for one and reports
    RV(changed). Asking again is safe - a collection changes nothing in Enterprise Manager's configuration.
  - A Portal User or a Portal Administrator may ask for a collection; a VM Restore Operator is refused with a message
    naming the roles that may (Veeam's EM REST reference, page C(security_roles_concept)).
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.action_module
attributes:
  check_mode:
    support: full
    description: In check mode nothing is collected; RV(backup_server_names) are the servers that would be.
  diff_mode:
    support: none
    description: A collection changes no configuration to show a difference of.
options:
  backup_server_names:
    description:
      - Exact names of the backup servers to collect from (case-sensitive, as Enterprise Manager compares them); every
        backup server Enterprise Manager knows when left out.
      - A name Enterprise Manager does not know fails the module before anything is collected, naming the ones it knows.
    type: list
    elements: str
  vm_names:
    description:
      - Exact VM names whose newest restore points are read to see Enterprise Manager's answer settle after the
        collection; every VM in scope when left out. Give the VMs the next task reads, so that the wait is about them.
    type: list
    elements: str
  wait_timeout:
    description:
      - Seconds to wait in all for the collect tasks and the settled answer. When they pass the module fails naming the
        backup servers and what was still awaited; the collection itself goes on in Enterprise Manager.
    type: float
    default: 300
"""

EXAMPLES = r"""
# The connection (url, username, password, ca_path) is set once for every module of the
# collection, in the play: module_defaults: {group/veeam_em.core.em: {url: ..., ...}},
# or comes from the VEEAM_EM_* environment variables. See the quickstart guide.

- name: Bring Enterprise Manager up to date with vbr01 before reading its replicas
  veeam_em.core.backup_server_collect:
    backup_server_names: [vbr01.corp.example]
    vm_names: [app0007, app0008]
  delegate_to: localhost

- name: The newest restore points of those VMs, as vbr01 knows them now
  veeam_em.core.replica_point_info:
    vm_names: [app0007, app0008]
    latest_per_vm: true
  register: points
  delegate_to: localhost

- name: Collect from every backup server, waiting at most two minutes
  veeam_em.core.backup_server_collect:
    wait_timeout: 120
  register: collected
  delegate_to: localhost
"""

RETURN = r"""
changed:
  description: Whether a collection was asked for (in check mode, whether one would be); false only when Enterprise
    Manager knows no backup server.
  returned: always
  type: bool
backup_server_names:
  description: The backup servers Enterprise Manager was asked to collect from (in check mode, would be), by name.
  returned: always
  type: list
  elements: str
  sample: [vbr01.corp.example]
proof:
  description:
    - What was shown before the module returned, V(data seen) (the collect tasks finished and two reads of the newest
      restore points in scope agreed); null in check mode or when nothing was collected.
  returned: success
  type: str
  sample: data seen
tasks:
  description: Enterprise Manager's collect task per backup server, as last read; empty in check mode.
  returned: success
  type: list
  elements: dict
  contains:
    backup_server_name:
      description: The backup server collected from.
      type: str
    task:
      description:
        - The task (C(id), C(state), C(operation), C(success), C(message)), with the keys of
          RV(veeam_em.core.replication_job#module:task); null when Enterprise Manager no longer had it (how long it
          keeps one is not documented).
        - Veeam's example of a finished collect task reads V(Data collection started).
      type: dict
waited_seconds:
  description: Seconds the collection and the wait took.
  returned: success
  type: float
"""

from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._module import run_action_module
from ansible_collections.veeam_em.core.plugins.module_utils.acting._backup_server_collect import (
    CollectRequest,
    collect_backup_servers,
)

OPTIONS = {
    "backup_server_names": {"type": "list", "elements": "str"},
    "vm_names": {"type": "list", "elements": "str"},
    "wait_timeout": {"type": "float", "default": 300},
}


def act(module: Any, api: Any, request: CollectRequest) -> dict[str, Any]:
    return collect_backup_servers(api, request, module.check_mode)


def main() -> None:
    run_action_module(OPTIONS, act, CollectRequest.from_params)


if __name__ == "__main__":
    main()
