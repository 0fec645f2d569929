# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One Enterprise Manager read for the replicas inventory: its backup servers, and its task
sessions, restore points and replication jobs through the one per-VM fold (verdict._fold).

Private to the collection. The client comes from the caller (`open_client`), so this runs
the same for one `url` and for each EM of several, on the worker thread _em_reads gives it.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager

from ansible_collections.veeam_em.core.plugins.module_utils._records import backup_server_record, settled_task_session
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._fold import VmFold
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_judged import require_judged, union
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_list import EmSource
from ansible_collections.veeam_em.core.plugins.plugin_utils._evidence_read import EvidenceRead
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import Settings

OpenClient = Callable[[EmSource], ContextManager[EmApi]]


@dataclass(frozen=True)
class EmPart:
    """What one EM contributes: its name (None for the EM of `url`), one summary per VM (VmFold's,
    which the cache keeps as JSON: _cache), its backup server records, and what its account could
    not have judged (_not_judged entries; kept here too, as an EM without a VM still says it)."""

    name: str | None
    summaries: list[dict[str, Any]] = field(default_factory=list)
    servers: list[dict[str, Any]] = field(default_factory=list)
    not_judged: list[dict[str, Any]] = field(default_factory=list)


def fetch_part(source: EmSource, settings: Settings, open_client: OpenClient) -> EmPart:
    """One EM's part, read through a client that `open_client(source)` logs on and out.

    Task sessions and CDP task sessions are folded page by page and not kept, so memory follows
    the VMs; restore points, jobs, CDP policies and failover plans are read beside them
    (EvidenceRead) and folded after. With require_coverage, coverage not judged (jobs refused,
    or none shown) fails this EM's read (NotJudgedError).
    """
    fold = VmFold(settings.selection, settings.include_sessions, points_read=settings.reads_points,
                  keep_history=settings.keeps_history)
    folding = threading.Lock()  # the CDP lane folds on its own thread into the same fold

    def fold_cdp(records: list[dict[str, Any]]) -> None:
        with folding:
            fold.add_cdp_sessions(records)

    with open_client(source) as api, EvidenceRead(api, settings, fold_cdp) as reading:
        servers = [backup_server_record(raw) for raw in api.backup_servers()] if settings.include_backup_servers else []
        for page in api.iter_task_sessions(settings.session_query()):
            # Times stay datetimes from the XML to the status: no text to parse back per session.
            records = [settled_task_session(raw) for raw in page]
            with folding:
                fold.add_sessions(records)
        evidence = reading.result()
    found = evidence.protection
    not_judged = union(evidence.not_judged, found.not_judged)
    summaries = fold.add_points(evidence.points).summaries(evidence.jobs, evidence.includes, not_judged,
                                                           cdp_policies=found.cdp_policies,
                                                           failover_plans=found.failover_plans)
    # VmFold adds JOBS_NOT_SHOWN to every summary; the part keeps it with what the read found.
    not_judged = union(not_judged, *(summary["not_judged"] for summary in summaries))
    if settings.require_coverage:
        require_judged(not_judged, "require_coverage")
    return EmPart(source.name, summaries, servers, not_judged)
