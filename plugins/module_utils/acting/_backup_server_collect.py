# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup_server_collect's logic: EM asked to collect from backup servers now
[post_backupservers_id_collect], then the wait until its answer shows it (_collection).

EM keeps no "last collected" time a client could compare with, so there is no state to find
already reached: every run asks (changed), and that is safe to repeat, since a collection changes
nothing in EM's configuration, it only brings EM's copy of the backup servers up to date. What is
waited for: every collect Task Finished, then two reads in a row of the scope's newest restore
points that agree (_collection.agreeing_reads, which shows EM's answer settled, not that the
collection is complete).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ActionFailed, ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.acting._collection import (
    CollectionFailed,
    CollectionNotVisible,
    agreeing_reads,
    collect,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._actions import EmActions
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, PointQuery
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import WILDCARD_CHARS
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import unknown_name_warnings

# The newest restore points of the scope, read again until two reads agree after a collection.
PROBE_POINTS = 20


@dataclass(frozen=True)
class CollectRequest:
    """What the module was asked (its options, checked)."""

    backup_server_names: tuple[str, ...] = ()
    vm_names: tuple[str, ...] = ()
    wait_timeout: float = 300.0

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> CollectRequest:
        request = cls(tuple(params.get("backup_server_names") or ()), tuple(params.get("vm_names") or ()),
                      float(params.get("wait_timeout") or 0))
        if request.wait_timeout <= 0:
            raise ConfigurationError(f"wait_timeout must be more than 0 seconds, not {params.get('wait_timeout')}")
        return request


def servers_in_scope(api: EmApi, names: tuple[str, ...]) -> dict[str, str]:
    """{backup server id: name} of the servers named (every one EM knows when none is). A name EM
    does not know, or a pattern (EM's names are exact), fails before anything is asked, in the
    words strict_names uses (_unknown_names), so the user is told the closest names EM knows."""
    known = {server["id"]: server["name"] for server in api.all_backup_servers()}
    problems = unknown_name_warnings("backup_server_names", "backup server", names, list(known.values()))
    problems += [f"backup_server_names: {name!r} is a pattern, and a collection needs exact names, as "
                 "backup_server_info returns them" for name in names if WILDCARD_CHARS & set(name)]
    if problems:
        raise ActionFailed("; ".join(problems) + ". Nothing was collected", {"changed": False})
    return {server_id: name for server_id, name in known.items() if not names or name in names}


def collect_backup_servers(api: EmApi, request: CollectRequest, check_mode: bool, **pacing: Any) -> dict[str, Any]:
    """The module's result: the backup servers collected from (in check mode, that would be), the
    collect tasks as last read, what was shown (proof; None in check mode) and the seconds waited.
    `pacing`: _collection.collect's backoff, clock and sleep, for tests. A failed or late collection
    is ActionFailed saying the collection was asked for."""
    targets = servers_in_scope(api, request.backup_server_names)
    names = sorted(targets.values())
    if check_mode or not targets:
        return {"changed": bool(targets), "backup_server_names": names, "proof": None, "tasks": [],
                "waited_seconds": 0.0}
    probe = PointQuery(vm_names=request.vm_names, backup_servers=request.backup_server_names, limit=PROBE_POINTS)
    newest_points = agreeing_reads(lambda: [point["id"] for point in api.replica_points(probe)])
    try:
        done = collect(EmActions(api.session), targets, request.wait_timeout, newest_points, **pacing)
    except (CollectionFailed, CollectionNotVisible) as failure:
        raise ActionFailed(str(failure), {"changed": True, "backup_server_names": names}) from None
    tasks = [{"backup_server_name": targets[server_id], "task": None if task is None else task.record()}
             for server_id, task in sorted(done.tasks.items(), key=lambda item: targets[item[0]])]
    return {"changed": True, "backup_server_names": names, "proof": done.proof, "tasks": tasks,
            "waited_seconds": round(done.seconds, 1)}
