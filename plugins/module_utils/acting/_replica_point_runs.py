# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replication runs replica_point waits for: one per job, started by it or already going.

A job's run is its ReplicaJobSession [get_query_replicajobsession]: State Starting, Working,
Stopping or Stopped, and a Result once Stopped. The session followed is the one already running
when the module looked, else the newest that was not there before the start: which one EM made
for the start is not said by the start's Task [post_jobs_id_actionstart], and the times of the
backup server (CreationTime) need not match this machine's, so a VM's new point is one created
after that session was. A start EM refuses because the job runs already (undocumented: a failed
Task, or 400/409; docs/docsite/rst/em_api_notes.rst) is waited for like a job seen running.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils._outcome import run_going
from ansible_collections.veeam_em.core.plugins.module_utils._records import job_session_record
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_jobs import job_label
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import EmTask

HOW_TO_SEE = ("see the job's sessions with veeam_em.core.replica_task_session_info (job_names) or in "
              "Enterprise Manager's Jobs view")


class RunFailed(VeeamEmError):
    """A run ended without the point waited for, or EM refused its start."""


@dataclass
class JobRun:
    """One job replica_point acts on, and what is known of its run."""

    job: dict[str, Any]
    vms: list[str]
    known_session_ids: frozenset[str]
    floor: datetime  # a session of this run was created at or after this
    session: dict[str, Any] | None = None  # the session followed (None: not seen yet)
    started: bool = False  # the module sent a start EM took
    task: EmTask | None = None  # the start's Task while it is followed
    refusal: str | None = None  # what EM said when it refused the start
    points: dict[str, dict[str, Any]] = field(default_factory=dict)  # VM -> its new point

    @property
    def since(self) -> datetime | None:
        """A point of this run is newer than this: the followed session's creation."""
        return None if self.session is None else self.session.get("creation_time")

    @property
    def done(self) -> bool:
        return all(vm in self.points for vm in self.vms)

    def session_summary(self) -> dict[str, Any] | None:
        return job_session_record(self.session)


def take_refusal(run: JobRun, message: str) -> None:
    """A refused start: waited for when EM's words say the job runs already, else RunFailed."""
    if "running" not in message.lower():
        raise RunFailed(f"Enterprise Manager refused to start replication job {job_label(run.job)} "
                        f"(for VM(s) {', '.join(run.vms)}): {message}. Nothing was started; {HOW_TO_SEE}.")
    run.refusal = message


def follow_session(run: JobRun, sessions: list[dict[str, Any]]) -> None:
    """Pick the session to follow from the job's sessions (newest first) and keep it current."""
    mine = [session for session in sessions if session.get("job_id") == run.job["id"]]
    if run.session is not None:
        run.session = next((s for s in mine if s.get("id") == run.session.get("id")), run.session)
        return
    if run.started or run.refusal is not None:
        run.session = next((s for s in mine if s.get("id") not in run.known_session_ids
                            and s.get("creation_time") is not None and s["creation_time"] >= run.floor), None)


def take_points(run: JobRun, points: list[dict[str, Any]]) -> None:
    """Keep, per VM, its newest point created after the followed session was."""
    since = run.since
    if since is None:
        return
    for point in points:
        created = point.get("creation_time")
        if point.get("vm_name") in run.vms and created is not None and created > since:
            best = run.points.get(point["vm_name"])
            if best is None or created > best["creation_time"]:
                run.points[point["vm_name"]] = point


def check_ended(run: JobRun) -> None:
    """RunFailed when the followed session ended Failed, or ended without a VM's new point."""
    if run_going(run.session) or run.session is None or run.done:
        return
    session, missing = run.session, [vm for vm in run.vms if vm not in run.points]
    said = session.get("failure_message") or f"result {session.get('result')}"
    if session.get("result") == "Failed":
        raise RunFailed(f"The run of replication job {job_label(run.job)} (session {session.get('id')}) ended Failed "
                        f"without a new restore point for VM(s) {', '.join(missing)}: {said}. Fix the cause, then "
                        f"retry it (veeam_em.core.replication_job) or run this task again; {HOW_TO_SEE}.")
    raise RunFailed(f"The run of replication job {job_label(run.job)} (session {session.get('id')}) ended "
                    f"{session.get('result')} but no new restore point of VM(s) {', '.join(missing)} appeared "
                    "(a replica made from backup gets none when no new backup exists, and ends Warning); "
                    f"{HOW_TO_SEE}.")
