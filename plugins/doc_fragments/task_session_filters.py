# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replica task session filters, documented once for the replica_task_session_info module
and the replica_task_sessions lookup (module_utils._task_session_options holds their spec)."""
from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  id:
    description:
      - Task session IDs (the GUID in the session's URL) or UIDs (V(urn:veeam:ReplicaTaskSession:...)).
    type: list
    elements: str
  vm_names:
    description:
      - Exact VM names.
      - The alias O(vm_name) is deprecated and will be removed in 2.0.0.
    type: list
    elements: str
    aliases: [vm_name]
  job_names:
    description:
      - Exact replication job names.
      - The alias O(job_name) is deprecated and will be removed in 2.0.0.
    type: list
    elements: str
    aliases: [job_name]
  backup_server_names:
    description:
      - Exact backup server names, as Enterprise Manager lists them.
      - The alias O(backup_server) is deprecated and will be removed in 2.0.0.
    type: list
    elements: str
    aliases: [backup_server]
  result:
    description:
      - Results to keep. Only completed sessions have a result, so EM is asked for V(State==Completed) together
        with these results; a running session is never returned by this filter, even when EM already reports a
        result for it.
    type: list
    elements: str
    choices: [Success, Warning, Failed]
  state:
    description:
      - States to keep.
    type: list
    elements: str
    choices: [InProgress, Pending, Completed]
  created_after:
    description:
      - Keep sessions created at or after this time.
      - An ISO 8601 time (V(2026-11-29T06:00:00Z); without an offset it is taken as UTC), or a
        duration back from now such as V(30m), V(24h) or V(7d).
      - Filters carry whole seconds; the window is widened to them, never narrowed.
    type: str
  created_before:
    description:
      - Keep sessions created at or before this time; the same forms as O(created_after).
    type: str
  latest_per_vm:
    description:
      - Return only the newest session of each VM on each backup server within the other filters.
    type: bool
    default: false
  limit:
    description:
      - Return at most this many sessions (after O(latest_per_vm)). Only the pages needed are read.
    type: int
  order:
    description:
      - Order of the returned sessions by creation time.
    type: str
    choices: [newest_first, oldest_first]
    default: newest_first
"""
