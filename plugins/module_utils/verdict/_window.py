# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The task sessions a compliance check reads: its moment, its window and the names EM can
filter on itself. Pure functions, no I/O."""
from __future__ import annotations

from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._lookback import check_lookback
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._rpo import read_rpo, read_rpo_by_job
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import read_selection
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso, parse_moment, read_now, utc_now


def session_query(created_after: Any, now: Any = None, include: Any = None, rpo: Any = None,
                  rpo_by_job: Any = None, prefix: str = "") -> dict[str, Any]:
    """The replica_task_session_info options of a check at `now` of the sessions since `created_after`.

    `created_after` is a duration back from `now` ('7d') or an ISO 8601 time; `now` is ISO 8601 or
    empty for the current second; `include` has the replica_status filter's shape. Returns
    {'created_after': ISO, 'created_before': ISO (the moment), 'vm_names': [...],
    'job_names': [...], 'backup_server_names': [...]}: the name lists hold the include patterns
    only when none of a key's patterns is a wildcard (EM filters on exact names), else [].
    Given `rpo` or `rpo_by_job` (the replica_status filter's), the window must cover the longest
    RPO (_lookback). ConfigurationError, naming `created_after`, `now`, `rpo`, `rpo_by_job` or
    `include` (each after `prefix`, so a role names its own variables), for values that cannot work.
    """
    # Whole seconds: the moment is shown in every report and the window starts from it.
    moment = read_now(now, f"{prefix}now") if now not in (None, "") else utc_now().replace(microsecond=0)
    after = parse_moment(created_after, f"{prefix}created_after", moment)
    if after is None:
        raise ConfigurationError(f"{prefix}created_after: give a duration such as 7d or an ISO 8601 time")
    if after > moment:
        raise ConfigurationError(f"{prefix}created_after: {iso(after)} is later than {prefix}now ({iso(moment)})")
    check_lookback(moment - after, str(created_after).strip(), read_rpo(rpo, f"{prefix}rpo"),
                   read_rpo_by_job(rpo_by_job, f"{prefix}rpo_by_job"), prefix=prefix)
    names = read_selection(include, None).exact_names()
    return {"created_after": iso(after), "created_before": iso(moment), "vm_names": list(names.vm_names),
            "job_names": list(names.job_names), "backup_server_names": list(names.backup_server_names)}
