# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the replicas inventory reads beside task sessions: restore points (the RPO evidence)
and replication jobs with their includes (coverage and schedule state).

Points come page by page from one query (the window, and the exact VM and backup server
names EM can filter on) and are folded, not kept; jobs come from one query and their
includes from one request per job, at most max_concurrency at a time. Private to the collection.
"""
from __future__ import annotations

from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._coverage import with_coverage
from ansible_collections.veeam_em.core.plugins.module_utils._em_api import EmApi, PointQuery
from ansible_collections.veeam_em.core.plugins.module_utils._records import settled_replica_point
from ansible_collections.veeam_em.core.plugins.module_utils._status import StatusBuilder


def fold_points(api: EmApi, selection: Any, builder: StatusBuilder) -> None:
    """Fold the window's restore points into the builder; a point's replica is named like its
    job (em-api.md [vmreplicapoints_id]), so the job patterns select points by it."""
    query = selection.query()
    points = PointQuery(vm_names=query.vm_names, backup_servers=query.backup_servers, created_after=query.created_after)
    for page in api.iter_replica_points(points):
        for raw in page:
            if selection.keeps_point(raw):
                builder.add_point(settled_replica_point(raw))


def covered_summaries(api: EmApi, selection: Any, summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summaries with their job's schedule facts, and one for each included object
    never replicated in the window (module_utils._coverage)."""
    jobs = [job for job in api.replication_jobs(selection.query().backup_servers) if selection.jobs.allows(job["name"])]
    includes = api.job_includes([job["id"] for job in jobs])
    return with_coverage(summaries, jobs, includes)


def read_beside_sessions(api: EmApi, settings: Any, builder: StatusBuilder) -> list[dict[str, Any]]:
    """The per-VM summaries after the sessions: points folded when the RPO is judged on them,
    coverage added when include_unreplicated."""
    if builder.points_read:
        fold_points(api, settings.selection, builder)
    summaries = builder.summaries()
    if settings.include_unreplicated:
        summaries = covered_summaries(api, settings.selection, summaries)
    return summaries
