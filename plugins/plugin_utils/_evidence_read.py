# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the replicas inventory reads beside task sessions: restore points (the RPO evidence)
and replication jobs with their includes (coverage and schedule state) on one lane, and the
CDP sessions and policies and the failover plans (_protection_read) on another.

The lanes run on worker threads while the caller reads the task sessions, so EM answers them
while the client is busy converting session pages (make bench's inventory_off row, judged on
sessions without coverage, shows what they still cost, and its cdp_plans_off row what CDP and
plans cost). Points come page by page from one query (the window, and the exact VM and backup
server names EM can filter on) and are kept as settled records until the sessions are folded;
EM's retention bounds them per VM, so memory still follows the VMs. Jobs come from one query
and their includes from one request per job, at most max_concurrency at a time. An account
refused the jobs (an EM role without Portal Administrator: Veeam's "Security Roles" page,
docs/docsite/rst/em_api_notes.rst, "Roles") leaves them unread and says so (verdict._not_judged),
so the rest is still judged.
Private to the collection.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._gather import unless_jobs_refused
from ansible_collections.veeam_em.core.plugins.module_utils._records import settled_replica_point
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.plugin_utils._protection_read import (
    FoldCdp,
    Protection,
    Stopped,
    read_protection,
)


@dataclass
class Evidence:
    """What the worker read: the kept points, and the replication jobs with the includes of
    those the selection keeps (jobs None when coverage is off or the jobs were refused), and
    what could not be judged (_not_judged entries)."""

    points: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] | None = None
    includes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    not_judged: list[dict[str, Any]] = field(default_factory=list)
    protection: Protection = field(default_factory=Protection)


def read_points(api: EmApi, settings: Any, stop: threading.Event) -> list[dict[str, Any]]:
    """The window's restore points the selection keeps (Selection.keeps_point, which VmFold
    applies again), dropped as they come so memory follows the kept VMs."""
    kept = []
    for page in api.iter_replica_points(settings.point_query()):
        if stop.is_set():
            raise Stopped()
        kept.extend(settled_replica_point(raw) for raw in page if settings.selection.keeps_point(raw))
    return kept


def read_jobs(api: EmApi, settings: Any, evidence: Evidence) -> None:
    """The replication jobs and the includes of those the selection keeps (a request per job).

    Every job read is kept, not only those selected: VmFold selects them again, and tells
    jobs read empty (what an account without the right may be shown) from jobs not selected.
    A refusal of the jobs or their includes leaves them unread and records JOBS_REFUSED; a
    refusal of anything else is still an error.
    """
    selection = settings.selection

    def read() -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        jobs = api.replication_jobs(selection.exact_names().backup_server_names)
        return jobs, api.job_includes([job["id"] for job in jobs if selection.keeps_job(job)])

    read_jobs_and_includes, refused = unless_jobs_refused(read)
    evidence.not_judged += refused
    if read_jobs_and_includes is not None:
        evidence.jobs, evidence.includes = read_jobs_and_includes


def read_evidence(api: EmApi, settings: Any, stop: threading.Event) -> Evidence:
    """Points when the RPO is judged on them, jobs and includes when include_unreplicated."""
    evidence = Evidence()
    if settings.reads_points:
        evidence.points = read_points(api, settings, stop)
    if settings.include_unreplicated and not stop.is_set():
        read_jobs(api, settings, evidence)
    return evidence


def _no_cdp(records: list[dict[str, Any]]) -> None:
    """The fold of a read that asks for no CDP session (never called)."""


class EvidenceRead:
    """`with EvidenceRead(api, settings, fold_cdp) as reading:` starts the read; read the sessions
    inside the block, then `reading.result()` (the Evidence a VmFold takes). `fold_cdp(records)`
    folds a page of CDP task sessions (settled records) on the protection lane's thread.

    Two lanes at most, each paging with the client's max_concurrency: points then jobs, and
    (with include_cdp or include_failover_plans) CDP sessions, policies, then plans. An error
    of a lane is raised by result(), so no summary is built on part of the evidence; leaving
    the block on an error stops the lanes at their next request and waits for them, so no
    request runs after the caller logs out.
    """

    def __init__(self, api: EmApi, settings: Any, fold_cdp: FoldCdp = _no_cdp) -> None:
        self._api = api
        self._settings = settings
        self._fold_cdp = fold_cdp
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="veeam_em_evidence")
        self._future: Future | None = None
        self._protection: Future | None = None

    def __enter__(self) -> "EvidenceRead":
        self._future = self._pool.submit(read_evidence, self._api, self._settings, self._stop)
        if self._settings.include_cdp or self._settings.include_failover_plans:
            self._protection = self._pool.submit(read_protection, self._api, self._settings, self._stop,
                                                 self._fold_cdp)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if kind is not None:
            self._stop.set()
        self._pool.shutdown(wait=True)

    def result(self) -> Evidence:
        """What the lanes read, once they are done; the first lane's error, if one failed."""
        evidence: Evidence = self._future.result()  # type: ignore[union-attr]
        if self._protection is not None:
            evidence.protection = self._protection.result()
        return evidence
