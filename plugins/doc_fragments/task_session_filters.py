# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The task sessions' own filters (beside the listing fragment's), documented once for the
replica_task_session_info module and the replica_task_sessions lookup
(module_utils._task_session_options holds their spec)."""
from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  id:
    description:
      - Task session IDs (the GUID in the session's URL) or UIDs (V(urn:veeam:ReplicaTaskSession:...)).
    type: list
    elements: str
  job_names:
    description:
      - Exact replication job names.
      - The alias O(job_name) is deprecated and will be removed in 2.0.0.
    type: list
    elements: str
    aliases: [job_name]
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
"""
