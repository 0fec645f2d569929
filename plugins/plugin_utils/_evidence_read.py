# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the replicas inventory reads beside task sessions: restore points (the RPO evidence)
and replication jobs with their includes (coverage and schedule state).

These reads run on one worker thread while the caller reads the task sessions, so EM
answers them while the client is busy converting session pages (make bench's inventory_off
row, judged on sessions without coverage, shows what they still cost). Points come page by page from
one query (the window, and the exact VM and backup server names EM can filter on) and are
kept as settled records until the sessions are folded; EM's retention bounds them per VM,
so memory still follows the VMs. Jobs come from one query and their includes from one
request per job, at most max_concurrency at a time. Private to the collection.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._coverage import with_coverage
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, PointQuery
from ansible_collections.veeam_em.core.plugins.module_utils._records import settled_replica_point
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._status import StatusBuilder


@dataclass
class Evidence:
    """What the worker read: the kept points, and the replication jobs with their includes
    (None when coverage is off)."""

    points: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] | None = None
    includes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class _Stopped(Exception):
    """The session read failed, so the worker stops between two requests."""


def read_points(api: EmApi, selection: Any, stop: threading.Event) -> list[dict[str, Any]]:
    """The window's restore points the selection keeps; a point's replica is named like its
    job (em-api.md [vmreplicapoints_id]), so the job patterns select points by it."""
    query = selection.query()
    points = PointQuery(vm_names=query.vm_names, backup_servers=query.backup_servers, created_after=query.created_after)
    kept = []
    for page in api.iter_replica_points(points):
        if stop.is_set():
            raise _Stopped()
        kept.extend(settled_replica_point(raw) for raw in page if selection.keeps_point(raw))
    return kept


def read_evidence(api: EmApi, settings: Any, stop: threading.Event) -> Evidence:
    """Points when the RPO is judged on them, jobs and includes when include_unreplicated."""
    evidence = Evidence()
    if settings.reads_points:
        evidence.points = read_points(api, settings.selection, stop)
    if settings.include_unreplicated and not stop.is_set():
        selection = settings.selection
        jobs = api.replication_jobs(selection.query().backup_servers)
        evidence.jobs = [job for job in jobs if selection.jobs.allows(job["name"])]
        evidence.includes = api.job_includes([job["id"] for job in evidence.jobs])
    return evidence


class EvidenceRead:
    """`with EvidenceRead(api, settings) as evidence:` starts the read; read the sessions into
    a StatusBuilder inside the block, then `evidence.summaries(builder)`.

    An error of the worker is raised by summaries(), so no summary is built on part of the
    evidence; leaving the block on an error stops the worker at its next request and waits
    for it, so no request runs after the caller logs out.
    """

    def __init__(self, api: EmApi, settings: Any) -> None:
        self._api = api
        self._settings = settings
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="veeam_em_evidence")
        self._future: Future | None = None

    def __enter__(self) -> "EvidenceRead":
        self._future = self._pool.submit(read_evidence, self._api, self._settings, self._stop)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if kind is not None:
            self._stop.set()
        self._pool.shutdown(wait=True)

    def summaries(self, builder: StatusBuilder) -> list[dict[str, Any]]:
        """The per-VM summaries: points folded when the RPO is judged on them, coverage
        added when include_unreplicated."""
        evidence: Evidence = self._future.result()  # type: ignore[union-attr]
        for point in evidence.points:
            builder.add_point(point)
        summaries = builder.summaries()
        if evidence.jobs is not None:
            summaries = with_coverage(summaries, evidence.jobs, evidence.includes)
        return summaries
