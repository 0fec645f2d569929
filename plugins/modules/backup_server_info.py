#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: backup_server_info
short_description: Gather the backup servers Veeam Backup Enterprise Manager knows
version_added: 0.1.0
description:
  - Reads the Veeam Backup & Replication servers connected to Enterprise Manager.
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.info_module
options:
  name:
    description:
      - Exact backup server names to keep.
    type: list
    elements: str
  id:
    description:
      - Backup server IDs (GUIDs) or UIDs (V(urn:veeam:BackupServer:...)) to keep.
    type: list
    elements: str
"""

EXAMPLES = r"""
# The connection (url, username, password, ca_path) is set once for every module of the
# collection, in the play: module_defaults: {group/veeam_em.core.em: {url: ..., ...}},
# or comes from the VEEAM_EM_* environment variables. See the quickstart guide.

- name: All backup servers
  veeam_em.core.backup_server_info:
  register: em_servers
  delegate_to: localhost

- name: One backup server by name
  veeam_em.core.backup_server_info:
    name: [vbr01.corp.example]
  register: vbr01
  delegate_to: localhost

- name: Its version
  ansible.builtin.debug:
    msg: "{{ vbr01.backup_servers[0].name }} runs Veeam Backup & Replication {{ vbr01.backup_servers[0].version }}"
"""

RETURN = r"""
backup_servers:
  description: Matching backup servers, by name; possibly empty.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the backup server.
      type: str
      sample: 7445e6ce-86f5-4171-b909-dac209c66563
    uid:
      description: UID of the backup server.
      type: str
      sample: urn:veeam:BackupServer:7445e6ce-86f5-4171-b909-dac209c66563
    name:
      description: Name of the backup server.
      type: str
      sample: vbr01.corp.example
    description:
      description: Description entered in Enterprise Manager; may be empty.
      type: str
      sample: Primary site
    port:
      description: Port Enterprise Manager collects data through.
      type: int
      sample: 9392
    version:
      description: Veeam Backup & Replication version of the server.
      type: str
      sample: 12.3.1.1139
    wcf_port:
      description: WCF port of backup servers on version 12 or later; null where Enterprise Manager has none.
      type: int
      sample: 9405
    certificate_thumbprint:
      description: Thumbprint of the backup server's certificate; null where Enterprise Manager has none.
      type: str
      sample: 3F2A9C0D5E6B7A8C9D0E1F2A3B4C5D6E7F8A9B0C
    href:
      description: URL of the server in Enterprise Manager's API.
      type: str
      sample: https://em.example.com:9398/api/backupServers/7445e6ce-86f5-4171-b909-dac209c66563?format=Entity
"""

from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_backup_servers
from ansible_collections.veeam_em.core.plugins.module_utils._module import run_info_module_with


def main() -> None:
    run_info_module_with(
        {
            "name": {"type": "list", "elements": "str"},
            "id": {"type": "list", "elements": "str"},
        },
        gather_backup_servers,
    )


if __name__ == "__main__":
    main()
