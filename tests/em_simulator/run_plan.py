"""A new run of a job, planned at its start: its job session and one task session per VM.

A run processes the VMs the job includes by name (ObjectInJob with a VM HierarchyObjRef);
EM does not say what a container include (a folder, a tag) holds [jobs_id_includes], so the
simulator processes none for it. A retry processes only the VMs that failed in the run it
retries, as VBR's retry does. A VM keeps the size and VmUid of its last task session.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from .dataset import Dataset
from .model import RUNNING_RESULT, Job, ReplicaJobSession, ReplicaPoint, ReplicaTaskSession
from .names import reports_failure_message
from .runs import Run

DEFAULT_VM_SIZE = 40 * 1024**3


@dataclass(frozen=True)
class VmToProcess:
    name: str
    size: int = DEFAULT_VM_SIZE
    vm_uid: str | None = None


def included_vms(dataset: Dataset, job: Job) -> list[VmToProcess]:
    """The job's VM includes, in their order, each with what its last task session said."""
    names = [item.name for item in sorted(job.includes, key=lambda item: item.order) if ":Vm:" in item.hierarchy_ref]
    last: dict[str, ReplicaTaskSession] = {}
    for session in reversed(dataset.job_sessions):
        if session.job_id != job.id:
            continue
        for task in session.tasks:
            last.setdefault(task.vm_name, task)
        if len(last) >= len(names):
            break
    return [VmToProcess(name, last[name].total_size, last[name].vm_uid) if name in last else VmToProcess(name)
            for name in names]


def failed_vms(tasks: list[ReplicaTaskSession], results: list[str]) -> list[VmToProcess]:
    """What a retry processes: the VMs whose task sessions ended Failed."""
    return [VmToProcess(task.vm_name, task.total_size, task.vm_uid)
            for task, result in zip(tasks, results) if result == "Failed"]


def new_run(job: Job, vms: list[VmToProcess], started: int, length: int, result: str, is_retry: bool) -> Run:
    session = ReplicaJobSession(
        id=str(uuid.uuid4()), server=job.server, job_id=job.id, job_name=job.name, created=started, ended=None,
        state="Starting", result=RUNNING_RESULT, progress=0, is_retry=is_retry,
        failure_message="" if reports_failure_message(job.server.version) else None,
    )
    run = Run(job, session, [], {}, started, length, result)
    run.tasks = [ReplicaTaskSession(id=str(uuid.uuid4()), vm_name=vm.name, job_session=session,
                                    created=run.working_from, ended=None, state="InProgress",
                                    result=RUNNING_RESULT, reason="", total_size=vm.size, vm_uid=vm.vm_uid)
                 for vm in vms]
    return run


def new_point(dataset: Dataset, run: Run, index: int) -> ReplicaPoint:
    """The restore point VM `index` of the run made when it ended well: the VM's first on this
    server is a full one, later ones increments (as generated points are)."""
    vm_name = run.tasks[index].vm_name
    first = not any(point.vm_name == vm_name and point.server.id == run.job.server.id
                    for point in dataset.replica_points)
    return ReplicaPoint(str(uuid.uuid4()), vm_name, run.job, run.vm_ends(index),
                        "Snapshot", "Full" if first else "Increment")
