"""A deterministic generator of realistic replica history.

The same spec (seed, counts, now) always yields the same servers, jobs, ids, names,
times and results. History is relative to `now`, so "the last 24 hours" means something.
"""
from __future__ import annotations

import itertools
import random
import time
import uuid
from dataclasses import dataclass
from typing import Iterator

from . import names
from .dataset import Dataset
from .coverage_gen import FROM_BACKUP_JOB, jobs_and_points
from .config import CDP_SESSION_SPANS
from .datagen_protection import Estate, protection
from .datagen_window import WindowCases
from .model import (
    RESULTS,
    RUNNING_RESULT,
    TICKS_PER_SECOND,
    BackupServer,
    ReplicaJobSession,
    ReplicaTaskSession,
)

HOUR = 3600 * TICKS_PER_SECOND
DAY = 24 * HOUR

# Per-VM behaviour: weights of Success / Warning / Failed for one task session.
PROFILE_WEIGHTS = {
    "healthy": (0.95, 0.03, 0.02),
    "flaky": (0.6, 0.1, 0.3),
    "warned": (0.2, 0.75, 0.05),
    "never": (0.0, 0.0, 1.0),
}
# Every estate of four VMs or more has at least one of these; the rest are weighted.
REQUIRED_PROFILES = ("stale", "never", "flaky", "warned")
PROFILE_MIX = (("healthy", 0.75), ("flaky", 0.1), ("warned", 0.05), ("stale", 0.07), ("never", 0.03))
# Every tenth job (the first included) has a run in progress right now.
RUNNING_JOB_EVERY = 10


@dataclass(frozen=True)
class GeneratorSpec:
    seed: int = 1
    servers: int = 3
    jobs_per_server: int = 2
    vms_per_job: int = 5
    days: float = 7.0
    interval_hours: float = 6.0
    now: int | None = None  # ticks; None means the start of the current minute
    point_retention: int = 7  # restore points kept per VM
    # CDP policies and failover plans (datagen_protection.py); 0 adds none, leaving every
    # existing estate as it was.
    cdp_policies_per_server: int = 0
    failover_plans_per_server: int = 0
    cdp_days: float = 1.0
    # How the CDP task sessions run (datagen_protection.py, --cdp-session-span).
    cdp_session_span: str = CDP_SESSION_SPANS[0]
    # Judging over the window (datagen_window.py); all off, leaving every existing estate as it was.
    sla_gaps: bool = False
    vms_added_mid_window: int = 0
    anomalies: bool = False

    def resolved_now(self) -> int:
        if self.now is not None:
            return self.now
        return int(time.time() // 60 * 60) * TICKS_PER_SECOND


@dataclass
class _Vm:
    name: str
    profile: str
    size: int
    vm_uid: str | None
    stale_since: int | None = None


@dataclass
class _Job:
    id: str
    name: str
    server: BackupServer
    vms: list[_Vm]
    running_now: bool = False


def generate(spec: GeneratorSpec) -> Dataset:
    """Build a Dataset from a spec; see the module docstring for the guarantees."""
    return _Generator(spec).build()


class _Generator:
    def __init__(self, spec: GeneratorSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.now = spec.resolved_now()
        self.start = self.now - int(spec.days * DAY)
        self.interval = int(spec.interval_hours * HOUR)
        self.job_sessions: list[ReplicaJobSession] = []
        self.task_sessions: list[ReplicaTaskSession] = []

    def build(self) -> Dataset:
        servers = [self._server(index) for index in range(self.spec.servers)]
        jobs = self._jobs(servers)
        for job in jobs:
            self._run_history(job)
        window = WindowCases(self.spec.seed, self.start, self.now)
        self._window_history(window, jobs)
        # Derived from the history without drawing from the random stream, so the sessions
        # of a seed are the same as before jobs and points were served.
        model_jobs, points = jobs_and_points(jobs, self.task_sessions, self.now, self.interval,
                                             self.spec.point_retention)
        if self.spec.anomalies:
            window.vary_runs(model_jobs, self.task_sessions)
        estate = Estate(servers, model_jobs, points, self.task_sessions, self.now, notes=window.notes)
        if self.spec.cdp_policies_per_server or self.spec.failover_plans_per_server:
            protection(self.spec.seed, estate, self.spec.cdp_policies_per_server,
                       self.spec.failover_plans_per_server, self.spec.cdp_days, self.spec.cdp_session_span)
        return Dataset(servers=servers, job_sessions=self.job_sessions + estate.extra_job_sessions,
                       task_sessions=estate.tasks, jobs=estate.jobs, replica_points=estate.points,
                       cdp_policies=estate.policies, cdp_sessions=estate.sessions, cdp_task_sessions=estate.cdp_tasks,
                       failover_plans=estate.plans, notes=estate.notes)

    def _window_history(self, window: WindowCases, jobs: list[_Job]) -> None:
        """Gaps and VMs added mid-window, before points are derived from the sessions."""
        if self.spec.sla_gaps:
            window.remove_runs(jobs, self.job_sessions, self.task_sessions)
        if self.spec.vms_added_mid_window:
            window.add_vms(self.spec.vms_added_mid_window, jobs, self.job_sessions, self.task_sessions,
                           FROM_BACKUP_JOB)

    def _guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _server(self, index: int) -> BackupServer:
        version, has_17_fields, _has_vm_uid = names.SERVER_VERSIONS[index % len(names.SERVER_VERSIONS)]
        return BackupServer(
            id=self._guid(),
            name=f"vbr{index + 1:02d}.corp.example",
            description=names.SERVER_DESCRIPTIONS[index % len(names.SERVER_DESCRIPTIONS)],
            port=9392,
            version=version,
            wcf_port=9405 if has_17_fields else None,
            thumbprint=f"{self.rng.getrandbits(160):040X}" if has_17_fields else None,
        )

    def _jobs(self, servers: list[BackupServer]) -> list[_Job]:
        total_vms = len(servers) * self.spec.jobs_per_server * self.spec.vms_per_job
        profiles = self._profiles(total_vms)
        jobs: list[_Job] = []
        vm_names = self._vm_names()
        for server_index, server in enumerate(servers):
            has_vm_uid = names.SERVER_VERSIONS[server_index % len(names.SERVER_VERSIONS)][2]
            for job_index in range(self.spec.jobs_per_server):
                vms = []
                for vm_index in range(self.spec.vms_per_job):
                    shared = job_index == 0 and vm_index == 0
                    name = names.SHARED_VM_NAME if shared else next(vm_names)
                    vms.append(self._vm(name, profiles.pop(), has_vm_uid))
                jobs.append(_Job(self._guid(), self._job_name(len(jobs)), server, vms))
        for job in jobs[::RUNNING_JOB_EVERY]:
            job.running_now = True
        return jobs

    def _profiles(self, count: int) -> list[str]:
        kinds, weights = zip(*PROFILE_MIX)
        chosen = list(REQUIRED_PROFILES[:count]) if count >= len(REQUIRED_PROFILES) else []
        chosen += self.rng.choices(kinds, weights, k=count - len(chosen))
        self.rng.shuffle(chosen)
        return chosen

    @staticmethod
    def _vm_names() -> Iterator[str]:
        yield from names.AWKWARD_VM_NAMES
        yield from (f"app{counter:04d}" for counter in itertools.count(len(names.AWKWARD_VM_NAMES)))

    def _job_name(self, counter: int) -> str:
        if counter < len(names.AWKWARD_JOB_NAMES):
            return names.AWKWARD_JOB_NAMES[counter]
        return f"Replication Job {counter + 1}"

    def _vm(self, name: str, profile: str, has_vm_uid: bool) -> _Vm:
        size = self.rng.choice((8, 16, 40, 60, 120, 500)) * 1024**3
        vm_uid = f"urn:VMware:Vm:{self._guid()}.vm-{self.rng.randint(100, 99999)}" if has_vm_uid else None
        vm = _Vm(name, profile, size, vm_uid)
        if profile == "stale":
            span_days = min(5.0, max(1.5, self.spec.days * 0.8))
            vm.stale_since = self.now - int(self.rng.uniform(1.5, span_days) * DAY)
        return vm

    def _run_history(self, job: _Job) -> None:
        scheduled = self.start + self.rng.randrange(max(1, self.interval))
        last_complete = self.now - HOUR
        while scheduled <= last_complete:
            session = self._run(job, scheduled, is_retry=False, vms=job.vms)
            failed = [vm for vm, task in zip(job.vms, session.tasks) if task.result == "Failed"]
            if failed and self.rng.random() < 0.5 and session.ended + 10 * 60 * TICKS_PER_SECOND < self.now:
                self._run(job, session.ended + 10 * 60 * TICKS_PER_SECOND, is_retry=True, vms=failed)
            scheduled += self.interval + self.rng.randrange(-30, 30) * TICKS_PER_SECOND
        if job.running_now and job.vms:
            self._run_in_progress(job)

    def _stamp(self, ticks: int) -> int:
        """Vary the precision the way EM's times vary: whole seconds, ms, or full ticks."""
        whole = ticks - ticks % TICKS_PER_SECOND
        style = self.rng.random()
        if style < 0.1:
            return whole
        if style < 0.5:
            return whole + self.rng.randrange(1000) * 10_000
        return whole + self.rng.randrange(TICKS_PER_SECOND)

    def _new_job_session(self, job: _Job, created: int, is_retry: bool) -> ReplicaJobSession:
        server_reports_failure = names.reports_failure_message(job.server.version)
        return ReplicaJobSession(
            id=self._guid(), server=job.server, job_id=job.id, job_name=job.name,
            created=self._stamp(created), ended=None, state="Stopped", result="Success",
            progress=100, is_retry=is_retry, failure_message="" if server_reports_failure else None,
        )

    def _run(self, job: _Job, created: int, is_retry: bool, vms: list[_Vm]) -> ReplicaJobSession:
        session = self._new_job_session(job, created, is_retry)
        offset = session.created + 5 * TICKS_PER_SECOND
        for vm in vms:
            task_start = self._stamp(offset)
            result = self._result(vm, task_start, is_retry)
            task_end = self._stamp(task_start + self.rng.randint(60, 900) * TICKS_PER_SECOND)
            self._add_task(session, vm, task_start, task_end, "Completed", result)
            offset += self.rng.randint(20, 90) * TICKS_PER_SECOND
        session.ended = self._stamp(max(task.ended for task in session.tasks) + 3 * TICKS_PER_SECOND)
        session.result = max((task.result for task in session.tasks), key=RESULTS.index)
        if session.failure_message is not None and session.result == "Failed":
            failures = sum(task.result == "Failed" for task in session.tasks)
            session.failure_message = f"Processing finished with errors: {failures} of {len(vms)} VMs failed"
        self.job_sessions.append(session)
        return session

    def _run_in_progress(self, job: _Job) -> None:
        """The job's current run: some VMs done, one being processed, the rest waiting."""
        created = self.now - self.rng.randint(3, 20) * 60 * TICKS_PER_SECOND
        session = self._new_job_session(job, created, is_retry=False)
        session.state, session.result, session.progress = "Working", RUNNING_RESULT, 40
        done = len(job.vms) // 2
        offset = session.created + 5 * TICKS_PER_SECOND
        for index, vm in enumerate(job.vms):
            task_start = self._stamp(min(offset, self.now - TICKS_PER_SECOND))
            if index < done:
                task_end = min(self.now, task_start + self.rng.randint(30, 120) * TICKS_PER_SECOND)
                self._add_task(session, vm, task_start, task_end, "Completed", self._result(vm, task_start, False))
            else:
                state = "InProgress" if index == done else "Pending"
                self._add_task(session, vm, task_start, None, state, RUNNING_RESULT)
            offset += self.rng.randint(20, 60) * TICKS_PER_SECOND
        self.job_sessions.append(session)

    def _result(self, vm: _Vm, when: int, is_retry: bool) -> str:
        if vm.profile == "stale":
            return "Failed" if when >= vm.stale_since else self._weighted("healthy")
        if is_retry and vm.profile != "never":
            return "Success" if self.rng.random() < 0.8 else "Failed"
        return self._weighted(vm.profile)

    def _weighted(self, profile: str) -> str:
        return self.rng.choices(RESULTS, PROFILE_WEIGHTS[profile])[0]

    def _reason(self, result: str) -> str:
        if result == "Failed":
            return self.rng.choice(names.FAILURE_REASONS)
        if result == "Warning":
            return self.rng.choice(names.WARNING_REASONS)
        return ""

    def _add_task(self, session: ReplicaJobSession, vm: _Vm, start: int, end: int | None, state: str, result: str) -> None:
        task = ReplicaTaskSession(
            id=self._guid(), vm_name=vm.name, job_session=session, created=start, ended=end,
            state=state, result=result, reason=self._reason(result), total_size=vm.size, vm_uid=vm.vm_uid,
        )
        session.tasks.append(task)
        self.task_sessions.append(task)
