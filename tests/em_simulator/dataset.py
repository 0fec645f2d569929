"""The simulator's data: backup servers, replica job sessions and task sessions, indexed.

Sessions are kept sorted by creation time, which lets the query engine answer
CreationTime ranges by bisection instead of scanning a million records.
"""
from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field

from .model import BackupServer, Job, ReplicaJobSession, ReplicaPoint, ReplicaTaskSession
from .model_protection import CdpPolicy, CdpReplicaSession, CdpReplicaTaskSession, FailoverPlan


def _creation_key(session: ReplicaJobSession | ReplicaTaskSession | ReplicaPoint | CdpReplicaTaskSession) -> int:
    return session.created


@dataclass
class Dataset:
    servers: list[BackupServer] = field(default_factory=list)
    job_sessions: list[ReplicaJobSession] = field(default_factory=list)
    task_sessions: list[ReplicaTaskSession] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    replica_points: list[ReplicaPoint] = field(default_factory=list)
    # CDP and failover plans (model_protection.py); empty unless generated or loaded.
    cdp_policies: list[CdpPolicy] = field(default_factory=list)
    cdp_sessions: list[CdpReplicaSession] = field(default_factory=list)
    cdp_task_sessions: list[CdpReplicaTaskSession] = field(default_factory=list)
    failover_plans: list[FailoverPlan] = field(default_factory=list)
    # The generator's named cases ("cdp_rpo_breached": ["server/vm"], ...), for the estate summary.
    notes: dict[str, list[str]] = field(default_factory=dict)
    # Bumped on every change, so cached query results are never served stale.
    version: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.servers_by_id = {server.id: server for server in self.servers}
        self.job_sessions.sort(key=_creation_key)
        self.task_sessions.sort(key=_creation_key)
        self.replica_points.sort(key=_creation_key)
        self.jobs_by_id = {job.id: job for job in self.jobs}
        self.replica_points_by_id = {point.id: point for point in self.replica_points}
        self.job_sessions_by_id = {job.id: job for job in self.job_sessions}
        self.task_sessions_by_id = {task.id: task for task in self.task_sessions}
        for job in self.job_sessions:
            job.tasks = []
        for task in self.task_sessions:
            task.job_session.tasks.append(task)
        self._index_protection()

    def _index_protection(self) -> None:
        self.cdp_sessions.sort(key=_creation_key)
        self.cdp_task_sessions.sort(key=_creation_key)
        self.cdp_policies_by_id = {policy.id: policy for policy in self.cdp_policies}
        self.cdp_sessions_by_id = {session.id: session for session in self.cdp_sessions}
        self.cdp_task_sessions_by_id = {task.id: task for task in self.cdp_task_sessions}
        self.failover_plans_by_id = {plan.id: plan for plan in self.failover_plans}

    def add_task_sessions(self, tasks: list[ReplicaTaskSession]) -> None:
        """Insert sessions (and their job sessions) as EM would record new runs."""
        with self._lock:
            for task in tasks:
                job = task.job_session
                if job.id not in self.job_sessions_by_id:
                    job.tasks = []
                    bisect.insort(self.job_sessions, job, key=_creation_key)
                    self.job_sessions_by_id[job.id] = job
                job.tasks.append(task)
                bisect.insort(self.task_sessions, task, key=_creation_key)
                self.task_sessions_by_id[task.id] = task
            self.version += 1

    def add_job_session(self, job: ReplicaJobSession) -> None:
        """Insert a job session that has no task sessions yet (a run that is Starting)."""
        with self._lock:
            job.tasks = []
            bisect.insort(self.job_sessions, job, key=_creation_key)
            self.job_sessions_by_id[job.id] = job
            self.version += 1

    def add_points(self, points: list[ReplicaPoint]) -> None:
        """Insert the restore points a run made."""
        with self._lock:
            for point in points:
                bisect.insort(self.replica_points, point, key=_creation_key)
                self.replica_points_by_id[point.id] = point
            self.version += 1

    def touch(self) -> None:
        """Note that records changed in place (a run moved on), so no cached query serves them stale."""
        with self._lock:
            self.version += 1

    def complete_task_session(self, task_id: str | None, result: str, ended: int, reason: str = "") -> ReplicaTaskSession:
        """End a running task session as EM records it when its run finishes (the event source's
        tests and the rulebook run use it): State Completed, the Result, EndTime and Reason set.

        `task_id` None picks the running session that started first; KeyError when there is
        no such session or it is not running. The version bump makes the change visible to the next query.
        """
        with self._lock:
            running = [task for task in self.task_sessions if task.state != "Completed"]
            task = self.task_sessions_by_id.get(task_id) if task_id else (running[0] if running else None)
            if task is None or task.state == "Completed":
                raise KeyError(f"no running task session {task_id or '(any)'}")
            task.state, task.result, task.ended, task.reason = "Completed", result, ended, reason
            self.version += 1
            return task
