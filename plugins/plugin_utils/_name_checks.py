# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replicas inventory's exact-name options checked against what its Enterprise Managers
returned: a typo in backup_server_names, vm_names or job_names otherwise gives an empty
inventory and no word. With several EMs a name is unknown only if no EM knows it.

Private to the collection. No I/O and no Ansible objects; the wording is
module_utils._unknown_names', which the modules share.
"""
from __future__ import annotations

from typing import Sequence

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import (
    unknown_name_warnings,
    unmatched_name_warnings,
)
from ansible_collections.veeam_em.core.plugins.plugin_utils._fetch import EmPart
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import Settings


def name_warnings(parts: Sequence[EmPart], settings: Settings, complete: bool = True) -> list[str]:
    """Warnings for the exact names of the include options that nothing answered.

    Backup server names are checked against every backup server read (include_backup_servers:
    the list EM knows, so the warning can name them); VM and job names, which EM filters itself,
    against the VMs and jobs it returned. Nothing is said when a read is not `complete` (an EM
    failed under on_em_error: warn), since the name may be that EM's.
    """
    if not complete:
        return []
    selection = settings.selection
    warnings = []
    if settings.include_backup_servers:
        known = [server["name"] for part in parts for server in part.servers if server.get("name")]
        warnings += unknown_name_warnings("backup_server_names", "backup server", selection.servers.include, known)
    summaries = [summary for part in parts for summary in part.summaries]
    scope = f"in the task sessions, restore points or replication jobs Enterprise Manager returned since {settings.window}"
    warnings += unmatched_name_warnings("vm_names", "VM", selection.vms.include,
                                        (summary.get("vm_name") or "" for summary in summaries), scope)
    warnings += unmatched_name_warnings("job_names", "job", selection.jobs.include,
                                        (job for summary in summaries for job in summary.get("job_names") or ()), scope)
    return warnings
