# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options every listing module shares (task sessions, restore points): documented once."""
from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  vm_names:
    description:
      - Exact VM names, sent to Enterprise Manager's query service as a filter.
      - The alias O(vm_name) is deprecated and will be removed in 2.0.0.
    type: list
    elements: str
    aliases: [vm_name]
  backup_server_names:
    description:
      - Exact backup server names, as Enterprise Manager lists them.
      - Names are case-sensitive. A name Enterprise Manager does not know gives a warning that lists
        the backup servers it knows, closest first (one more query, C(GET /api/query?type=BackupServer),
        made only when this option is given).
      - The alias O(backup_server) is deprecated and will be removed in 2.0.0.
    type: list
    elements: str
    aliases: [backup_server]
  created_after:
    description:
      - Keep records created at or after this time.
      - An ISO 8601 time (V(2026-11-29T06:00:00Z); without an offset it is taken as UTC), or a
        duration back from now such as V(30m), V(24h) or V(7d).
      - Filters carry whole seconds; the window is widened to them, never narrowed.
      - A time later than O(created_before) is an error.
    type: str
  created_before:
    description:
      - Keep records created at or before this time; the same forms as O(created_after).
    type: str
  latest_per_vm:
    description:
      - Return only the newest record of each VM on each backup server within the other filters.
    type: bool
    default: false
  limit:
    description:
      - Return at most this many records (after O(latest_per_vm)); 1 or more. Only the pages needed are read.
    type: int
  order:
    description:
      - Order of the returned records by creation time.
    type: str
    choices: [newest_first, oldest_first]
    default: newest_first
"""
