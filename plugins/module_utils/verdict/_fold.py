# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one per-VM fold: task sessions, restore points and replication jobs in, one summary
per VM out, with the selection, the evidence and the coverage applied in one order.

The replica_status filter (so the replica_compliance role), the replicas inventory and the
event source's RPO verdicts all fold through VmFold and judge its summaries with
_judgement.judge_vms, so they agree by construction. The order:

1. each session and restore point is kept or not by what varies per record (the window and
   its job: Selection.keeps_session, keeps_point) and folded (_status.StatusBuilder);
2. the replication jobs the selection keeps (by name) add their never replicated objects and
   schedule facts (_coverage.with_coverage);
3. the CDP task sessions of the window (added beside the sessions) and the CDP policies join
   them (_cdp_summaries.with_cdp): a VM a CDP policy protects is judged on its policy's RPO;
   the failover plans say which plans hold each VM (_plan_members);
4. what could not be judged (_not_judged: jobs refused, or none shown) is put on every summary;
5. whole VMs are kept by VM and backup server name (Selection.keeps_vm) when judged, so the
   inventory can cache the summaries of step 3 and select them again on a hit.

Pure functions, no I/O.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._cdp import CdpFold
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._cdp_summaries import with_cdp
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._coverage import with_coverage
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plan_members import with_plan_members
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_judged import jobs_not_shown, union
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import Selection
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._status import StatusBuilder


class VmFold:
    """`VmFold(selection).add_sessions(records).add_points(points).summaries(jobs)`.

    Sessions and points may be added in any order and in several batches (the inventory adds
    a page at a time and keeps none). `points_read` says that the restore points of the window
    were read, so a VM without one has none (restore_points 0) rather than unknown (None).
    `keep_history` keeps each VM's evidence times and successful runs for the SLA over the
    window and the anomalies (_period); off, a summary's size no longer grows with its sessions.
    """

    def __init__(self, selection: Selection | None = None, include_sessions: bool = False,
                 points_read: bool = False, keep_history: bool = False) -> None:
        self.selection = selection if selection is not None else Selection()
        self._builder = StatusBuilder(include_sessions, points_read=points_read, keep_history=keep_history)
        self._cdp = CdpFold()

    def add_sessions(self, records: Iterable[Mapping[str, Any]]) -> VmFold:
        """Fold task session records (the module's, or the client's settled ones) the selection keeps."""
        for record in records:
            if self.selection.keeps_session(record):
                self._builder.add(record)
        return self

    def add_points(self, points: Iterable[Mapping[str, Any]]) -> VmFold:
        """Fold restore point records (replica_point_info's, or the client's settled ones) the selection keeps."""
        for point in points:
            if self.selection.keeps_point(point):
                self._builder.add_point(point)
        return self

    def add_cdp_sessions(self, records: Iterable[Mapping[str, Any]]) -> VmFold:
        """Fold CDP task session records (cdp_task_session_record's) the selection keeps by window;
        their policy stands for the job in the selection's job names."""
        for record in records:
            if self.selection.keeps_cdp_session(record):
                self._cdp.add(record)
        return self

    def summaries(self, jobs: Iterable[Mapping[str, Any]] | None = None,
                  includes: Mapping[str, list[Mapping[str, Any]]] | None = None,
                  not_judged: Iterable[Mapping[str, Any]] = (),
                  cdp_policies: Iterable[Mapping[str, Any]] | None = None,
                  failover_plans: Iterable[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
        """One summary per (backup server, VM), plain JSON data but for a kept history's
        datetimes (_history.history_as_text gives its JSON); with `jobs` (replication job
        records; None: not read) coverage added from the jobs the selection keeps.

        `includes` maps a job id to the objects it includes; by default each job's own
        `includes` (replication_job_info's records carry them). `not_judged` holds what the
        reader could not judge (_not_judged entries, such as the jobs refused); jobs read
        empty while sessions name jobs add JOBS_NOT_SHOWN. Every summary carries them all.
        `cdp_policies` (cdp_policy_record's with includes; None: not read) give CDP VMs their
        policy and its RPO; `failover_plans` (failover_plan_record's; None: not read) say which
        plans hold each VM, and add the plan VMs without evidence (_plan_members).
        """
        summaries = self._builder.summaries()
        jobs = None if jobs is None else list(jobs)
        shown = jobs_not_shown(jobs, (summary["job_name"] for summary in summaries))
        entries = union(not_judged, [shown] if shown else [])
        if jobs is not None and shown is None:
            kept = [job for job in jobs if self.selection.keeps_job(job)]
            if includes is None:
                includes = {job.get("id") or "": job.get("includes") or [] for job in kept}
            summaries = with_coverage(summaries, kept, includes)
        kept_policies = None if cdp_policies is None else [
            policy for policy in cdp_policies if self.selection.keeps_job(policy)]
        summaries = with_plan_members(with_cdp(summaries, self._cdp.summaries(), kept_policies, self._builder.keep_history),
                                      failover_plans)
        for summary in summaries:
            summary["not_judged"] = [dict(entry) for entry in entries]
        return summaries
