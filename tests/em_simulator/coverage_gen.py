"""Replication jobs, what they include and the replica restore points of a generated history.

Derived from the jobs and task sessions datagen made, without its random stream (ids are
uuid5 of the job's or task's id), so a seed's sessions stay what they were. Every estate of
a few jobs holds the cases the collection's coverage and restore-point RPO must handle:

- job 2 has its schedule disabled; job 3 is overdue (its next run is two hours past);
- job 4 replicates from backup. Its source backup job runs daily, its last run 25 hours
  before now: the first replication after each backup makes a point carrying the backup's
  time, every later one finds no new backup point and ends in Warning without a point (the
  Veeam user guide, "How Replica from Backup Works"). So by its sessions the replica looks
  fresh, by its newest point it is 25 hours old;
- every third job includes a VM that was never processed (no session, no point);
- one more job, on the first server, has never run: it includes a folder and a VM.

Points: one per completed Success task (and Warning, but not from backup), the newest
`retention` of each VM kept, as a replica's retention policy does.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from .model import TICKS_PER_SECOND, Job, ObjectInJob, ReplicaPoint, ReplicaTaskSession

HOUR = 3600 * TICKS_PER_SECOND
DAY = 24 * HOUR
# The source backup of the job that replicates from backup: daily, the last 25 hours before now.
LAST_BACKUP_AGE = 25 * HOUR
FROM_BACKUP_WARNING = "No new restore point found in the source backup; the replica was not updated"
# The index of the job that replicates from backup (job 4).
FROM_BACKUP_JOB = 3
NEVER_RUN_JOB = "Replication Job (new, never run)"
NEVER_RUN_FOLDER = "Tier3 VMs"


def _guid(base: str, label: str) -> str:
    return str(uuid.uuid5(uuid.UUID(base), label))


def _vm_ref(job_id: str, name: str) -> str:
    return f"urn:VMware:Vm:{_guid(job_id, 'vc')}.vm-{uuid.UUID(_guid(job_id, name)).int % 90000 + 100}"


def _model_job(raw: Any, index: int, now: int, next_run: int | None) -> Job:
    job = Job(id=raw.id, name=raw.name, server=raw.server, next_run=next_run, replica_id=_guid(raw.id, "replica"),
              schedule_enabled=index != 1, from_backup=index == FROM_BACKUP_JOB)
    if index == 2:
        job.next_run = now - 2 * HOUR  # the scheduler missed it
    job.includes = [ObjectInJob(_guid(raw.id, vm.name), vm.name, _vm_ref(raw.id, vm.name), order)
                    for order, vm in enumerate(raw.vms)]
    if index % 3 == 0:
        name = f"new-vm{index + 1:02d}"
        job.includes.append(ObjectInJob(_guid(raw.id, name), name, _vm_ref(raw.id, name), len(job.includes)))
    return job


def _never_run_job(first: Any, now: int) -> Job:
    base = _guid(first.id, "never-run")
    job = Job(id=base, name=NEVER_RUN_JOB, server=first.server, next_run=now + 2 * HOUR, replica_id=_guid(base, "replica"))
    job.includes = [
        ObjectInJob(_guid(base, "folder"), NEVER_RUN_FOLDER, f"urn:VMware:Folder:{_guid(base, 'vc')}.group-v1024", 0),
        ObjectInJob(_guid(base, "vm"), "new-db01", _vm_ref(base, "new-db01"), 1),
    ]
    return job


def _next_run(last: int | None, interval: int, now: int) -> int | None:
    """The first scheduled run after now."""
    if last is None or interval <= 0:
        return None
    return last + max(1, -(-(now - last) // interval)) * interval


def jobs_and_points(raw_jobs: list[Any], tasks: list[ReplicaTaskSession], now: int, interval: int,
                    retention: int) -> tuple[list[Job], list[ReplicaPoint]]:
    last_run: dict[str, int] = {}
    for task in tasks:
        job_session = task.job_session
        if not job_session.is_retry:
            last_run[job_session.job_id] = max(last_run.get(job_session.job_id, 0), job_session.created)
    jobs = [_model_job(raw, index, now, _next_run(last_run.get(raw.id), interval, now))
            for index, raw in enumerate(raw_jobs)]
    if raw_jobs:
        jobs.append(_never_run_job(raw_jobs[0], now))
    return jobs, _points({job.id: job for job in jobs}, tasks, retention, now)


def _backup_time(when: int, now: int) -> int:
    """The newest daily source backup at or before `when` (the last one LAST_BACKUP_AGE before now)."""
    last = now - LAST_BACKUP_AGE
    return last - max(0, -(-(last - when) // DAY)) * DAY


def _points(jobs: dict[str, Job], tasks: list[ReplicaTaskSession], retention: int, now: int) -> list[ReplicaPoint]:
    by_vm: dict[tuple[str, str], list[ReplicaPoint]] = defaultdict(list)
    replicated: dict[tuple[str, str], int] = {}  # the backup point each from-backup VM last replicated
    for task in sorted(tasks, key=lambda task: task.created):
        job = jobs[task.job_session.job_id]
        if task.state != "Completed" or task.result == "Failed":
            continue
        key = (job.server.id, task.vm_name)
        created = task.created
        if job.from_backup:
            created = _backup_time(task.created, now)
            if replicated.get(key) == created:
                _warn_no_new_point(task)
                continue
            replicated[key] = created
        by_vm[key].append(ReplicaPoint(_guid(task.id, "point"), task.vm_name, job, created))
    kept: list[ReplicaPoint] = []
    for points in by_vm.values():
        points.sort(key=lambda point: point.created)
        points[0].point_type, points[0].algorithm = "Snapshot", "Full"
        kept.extend(points[-retention:] if retention else [])
    return kept


def _warn_no_new_point(task: ReplicaTaskSession) -> None:
    """The run found no new backup point: Warning, no point; the job session's result follows."""
    task.result, task.reason = "Warning", FROM_BACKUP_WARNING
    session = task.job_session
    if session.result == "Success":
        session.result = "Warning"
