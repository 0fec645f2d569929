"""Generated CDP policies, their sessions and failover plans (datagen.py calls `protection`).

Drawn from a random stream of their own (seeded from the spec's seed), so a seed's replica
sessions, jobs and points stay what they were; with both counts 0 nothing is added. Named cases,
also listed in Dataset.notes (the estate summary `--estate-summary` prints):

- on every server one VM is both replicated (in the server's first replication job) and in
  its first CDP policy: "cdp_both_replicated";
- "cdp_rpo_breached": on the first server, the last VM of the first policy: its CDP task
  sessions stop 3 h before now, the last two ending Warning, then Failed, "RPO is not met";
- "cdp_policy_disabled": the last policy of the last server (when there are two policies or
  more): ScheduleEnabled false, its VMs' sessions stop a day before now;
- failover plans, per server: the first ("<server> ready") holds 3 VMs with fresh replicas
  (newest point within 24 h, last run Success, job enabled) in order 1, 2, 3; the second
  ("<server> held back") a VM in no job and no policy ("vm_without_replica") and a VM whose
  newest point is older than 24 h ("vm_stale_point", made with a job of its own when the
  estate has none); further ones mix replicated and CDP VMs.

CDP task sessions, by `span` (the --cdp-session-span switch):

- "sync" (the default): one per VM per RPO interval over the last `cdp_days`, each a sync that
  Completed with Success 2-9 s after it began, so a healthy VM's newest completed session ended
  within its RPO of now;
- "long-term", as Veeam's examples show them (cdpreplicasessions_id_cdpreplicatasksessions,
  get_query_cdpreplicatasksession): one per VM per long-term restore point (the policy's
  LongTermRetentionHours, 8 h, which xml_protection writes for every policy), back to back, each
  Completed Success, the newest InProgress since up to 8 h with Result Success already set (as
  real EMs fill it early). "cdp_rpo_breached": its running session is marked Failed, "RPO is not
  met" (VBR's own RPO reporting); "cdp_policy_disabled": the last session Completed at the stop,
  a day before now, and none runs.

Policy sessions last 24 h and hold them (user guide, cdp_session).
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from .config import CDP_SESSION_SPANS
from .names import SHARED_VM_NAME
from .model import TICKS_PER_SECOND, BackupServer, Job, ObjectInJob, ReplicaJobSession, ReplicaPoint, ReplicaTaskSession
from .model_protection import CdpInclude, CdpPolicy, CdpReplicaSession, CdpReplicaTaskSession, Duration, FailoveredVm, FailoverPlan

SECOND = TICKS_PER_SECOND
HOUR = 3600 * SECOND
DAY = 24 * HOUR
RPO_NOT_MET = "RPO is not met"
BREACH_LAG = 3 * HOUR
FRESH = DAY
SYNC, LONG_TERM = CDP_SESSION_SPANS
# xml_protection writes LongTermRetentionHours 8 for every policy: a long-term session's length.
LONG_TERM_HOURS = 8


@dataclass
class Estate:
    """What the replica history holds, and what this module adds to it."""

    servers: list[BackupServer]
    jobs: list[Job]
    points: list[ReplicaPoint]
    tasks: list[ReplicaTaskSession]
    now: int
    policies: list[CdpPolicy] = field(default_factory=list)
    sessions: list[CdpReplicaSession] = field(default_factory=list)
    cdp_tasks: list[CdpReplicaTaskSession] = field(default_factory=list)
    plans: list[FailoverPlan] = field(default_factory=list)
    extra_job_sessions: list[ReplicaJobSession] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def note(self, case: str, name: str) -> None:
        self.notes.setdefault(case, []).append(name)


class _Maker:
    def __init__(self, seed: int, estate: Estate, cdp_days: float, span: str = SYNC) -> None:
        self.rng = random.Random(f"protection-{seed}")
        self.estate = estate
        self.window = int(cdp_days * DAY)
        self.span = span
        self.vm_counter = 0

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def vm_ref(self) -> str:
        return f"urn:VMware:Vm:{self.guid()}.vm-{self.rng.randint(100, 99999)}"

    def new_vm_name(self, prefix: str) -> str:
        self.vm_counter += 1
        return f"{prefix}{self.vm_counter:03d}"


def protection(seed: int, estate: Estate, policies_per_server: int, plans_per_server: int, cdp_days: float,
               span: str = SYNC) -> Estate:
    """Add CDP policies (with sessions of the given span) and failover plans to the estate, in place."""
    if span not in CDP_SESSION_SPANS:
        raise ValueError(f"cdp_session_span must be one of {', '.join(CDP_SESSION_SPANS)}")
    maker = _Maker(seed, estate, cdp_days, span)
    for server_index, server in enumerate(estate.servers):
        for policy_index in range(policies_per_server):
            _policy(maker, server, server_index, policy_index)
    _mark_disabled(estate)
    for policy in estate.policies:
        _policy_history(maker, policy)
    for server in estate.servers:
        for plan_index in range(plans_per_server):
            estate.plans.append(_plan(maker, server, plan_index))
    return estate


def _replicated_vms(estate: Estate, server: BackupServer) -> list[str]:
    names = [item.name for job in estate.jobs if job.server is server for item in job.includes
             if item.hierarchy_ref.startswith("urn:VMware:Vm:")]
    return list(dict.fromkeys(names))


def _policy(maker: _Maker, server: BackupServer, server_index: int, policy_index: int) -> None:
    estate = maker.estate
    rpo = Duration(15, "Minutes") if policy_index % 2 == 0 else Duration(300, "Seconds")
    reporting = policy_index % 2 == 0
    policy = CdpPolicy(id=maker.guid(), name=f"CDP Policy {server_index + 1}-{policy_index + 1}", server=server,
                       rpo=rpo, description=f"Generated, RPO {rpo.value} {rpo.unit.lower()}",
                       warning_after=Duration(5, "Minutes") if reporting else None,
                       failed_after=Duration(10, "Minutes") if reporting else None)
    names = [maker.new_vm_name("cdp-vm") for _count in range(maker.rng.randint(2, 4))]
    both = [name for name in _replicated_vms(estate, server) if name != SHARED_VM_NAME][:1]
    if policy_index == 0 and both:
        names.insert(0, both[0])
        estate.note("cdp_both_replicated", f"{server.name}/{both[0]}")
    if policy_index == 0 and server_index == 0:
        estate.note("cdp_rpo_breached", f"{server.name}/{names[-1]}")
    policy.includes = [CdpInclude(maker.guid(), name, maker.vm_ref(), order) for order, name in enumerate(names)]
    policy.next_run = estate.now + 60 * SECOND
    estate.policies.append(policy)


def _mark_disabled(estate: Estate) -> None:
    if len(estate.policies) < 2:
        return
    policy = estate.policies[-1]
    policy.schedule_enabled, policy.next_run = False, None
    estate.note("cdp_policy_disabled", f"{policy.server.name}/{policy.name}")


def _policy_history(maker: _Maker, policy: CdpPolicy) -> None:
    estate = maker.estate
    stop = estate.now if policy.schedule_enabled else estate.now - DAY
    # Never so short a window that a stopped policy or a breached VM has no session at all.
    start = min(estate.now - maker.window, stop - BREACH_LAG - 6 * HOUR)
    sessions = _policy_sessions(maker, policy, start, stop)
    breached = {note.split("/", 1)[1] for note in estate.notes.get("cdp_rpo_breached", [])
                if note.startswith(f"{policy.server.name}/")}
    for item in policy.includes:
        if maker.span == LONG_TERM:
            tasks = _long_term_sessions(maker, item.name, sessions, start, stop, running=policy.schedule_enabled)
            if item.name in breached and tasks[-1].ended is None:
                tasks[-1].result, tasks[-1].reason = "Failed", RPO_NOT_MET
        else:
            tasks = _sync_history(maker, policy, item.name, sessions, (start, stop), item.name in breached)
        estate.cdp_tasks.extend(tasks)
    for session in sessions:
        if session.ended is not None:
            # Of the sessions that ended: a long-term one may run on past its policy session's end.
            results = [task.result for task in estate.cdp_tasks
                       if task.policy_session is session and task.ended is not None] or ["Success"]
            session.result = max(results, key=("Success", "Warning", "Failed").index)
    estate.sessions.extend(sessions)


def _policy_sessions(maker: _Maker, policy: CdpPolicy, start: int, stop: int) -> list[CdpReplicaSession]:
    """Policy sessions of 24 h each from before `start` until `stop`; the last runs on (enabled)
    or was stopped at `stop` (disabled)."""
    first = start - maker.rng.randrange(HOUR)
    created = [first + index * DAY for index in range(int((stop - first) // DAY) + 1)]
    sessions = []
    for index, begin in enumerate(created):
        last = index == len(created) - 1
        ended = None if last and policy.schedule_enabled else (stop if last else created[index + 1])
        state = "Working" if ended is None else "Stopped"
        sessions.append(CdpReplicaSession(id=maker.guid(), policy=policy, created=begin, ended=ended, state=state,
                                          result="None" if ended is None else "Success",
                                          progress=0 if ended is None else 100))
    return sessions


def _sync_history(maker: _Maker, policy: CdpPolicy, vm: str, sessions: list[CdpReplicaSession],
                  bounds: tuple[int, int], breached: bool) -> list[CdpReplicaTaskSession]:
    """Sync sessions from `bounds` (start, stop); a breached VM's stop 3 h early, the last two
    ending Warning, then Failed."""
    start, stop = bounds
    tasks = _vm_sessions(maker, policy, vm, sessions, start, stop - BREACH_LAG if breached else stop)
    if breached and len(tasks) >= 2:
        tasks[-2].result, tasks[-2].reason = "Warning", f"{RPO_NOT_MET}: the restore point is late"
        tasks[-1].result, tasks[-1].reason = "Failed", RPO_NOT_MET
    return tasks


def _holder(sessions: list[CdpReplicaSession], moment: int) -> CdpReplicaSession:
    """The policy session a task session begun at `moment` belongs to: the newest begun by then."""
    return next(session for session in reversed(sessions) if session.created <= moment)


def _long_term_sessions(maker: _Maker, vm: str, sessions: list[CdpReplicaSession], start: int, stop: int,
                        running: bool) -> list[CdpReplicaTaskSession]:
    """Back-to-back sessions of LONG_TERM_HOURS from `start`: each begins as the one before ends
    (at a long-term restore point); the newest, begun within the last span before `stop`, runs
    on (InProgress, Result Success already) or, stopped, Completed at `stop`."""
    span = LONG_TERM_HOURS * HOUR
    newest = stop - 10 * SECOND - maker.rng.randrange(span - 10 * SECOND)
    moments = list(range(newest, start - 1, -span))[::-1]
    tasks = []
    for index, moment in enumerate(moments):
        last = index == len(moments) - 1
        ended = (None if running else stop) if last else moments[index + 1]
        tasks.append(CdpReplicaTaskSession(id=maker.guid(), vm_name=vm, policy_session=_holder(sessions, moment),
                                           created=moment, ended=ended,
                                           state="InProgress" if ended is None else "Completed", result="Success",
                                           total_size=maker.rng.randint(1, 64) * 1024**3))
    return tasks


def _vm_sessions(maker: _Maker, policy: CdpPolicy, vm: str, sessions: list[CdpReplicaSession],
                 start: int, end: int) -> list[CdpReplicaTaskSession]:
    cadence = policy.rpo.seconds * SECOND
    # Counted back from the end, so the newest session ends within half an RPO (and 10 s) of it.
    moment = end - 10 * SECOND - maker.rng.randrange(cadence // 2)
    moments = []
    while moment >= start:
        moments.append(moment)
        moment -= cadence
    tasks = []
    for moment in reversed(moments):
        took = maker.rng.randint(2, 9) * SECOND + maker.rng.randrange(SECOND)
        tasks.append(CdpReplicaTaskSession(id=maker.guid(), vm_name=vm, policy_session=_holder(sessions, moment),
                                           created=moment, ended=moment + took, state="Completed", result="Success",
                                           total_size=maker.rng.randint(1, 64) * 1024 * 1024))
    return tasks


@dataclass
class _VmFacts:
    name: str
    ref: str
    newest_point: int | None
    last_result: str | None
    job_enabled: bool


def _facts(estate: Estate, server: BackupServer) -> list[_VmFacts]:
    """What each replicated VM of the server has: newest point, newest completed run's result."""
    newest: dict[str, int] = {}
    for point in estate.points:
        if point.server is server:
            newest[point.vm_name] = max(newest.get(point.vm_name, point.created), point.created)
    last: dict[str, tuple[int, str]] = {}
    for task in estate.tasks:
        if task.server is server and task.state == "Completed" and task.created >= last.get(task.vm_name, (-1, ""))[0]:
            last[task.vm_name] = (task.created, task.result)
    facts: dict[str, _VmFacts] = {}
    for job in estate.jobs:
        for item in job.includes:
            if job.server is server and item.hierarchy_ref.startswith("urn:VMware:Vm:") and item.name not in facts:
                facts[item.name] = _VmFacts(item.name, item.hierarchy_ref, newest.get(item.name),
                                            last.get(item.name, (0, None))[1], job.schedule_enabled)
    return list(facts.values())


def _plan(maker: _Maker, server: BackupServer, plan_index: int) -> FailoverPlan:
    estate, short = maker.estate, server.name.split(".")[0]
    facts = _facts(estate, server)
    cdp = [item for policy in estate.policies if policy.server is server for item in policy.includes]
    # The ready plan avoids the name every server has and prefers VMs without CDP (a replicated
    # CDP VM of the first policy is fresh on both), so it is ready on any reading.
    cdp_names = {item.name for item in cdp}
    fresh = sorted((vm for vm in facts if vm.newest_point is not None and vm.newest_point >= estate.now - FRESH
                    and vm.last_result == "Success" and vm.job_enabled and vm.name != SHARED_VM_NAME),
                   key=lambda vm: (vm.name in cdp_names, -vm.newest_point))
    if plan_index == 0:
        name, members = f"{short} ready", [(vm.name, vm.ref) for vm in fresh[:3]]
        estate.note("plans_ready", f"{server.name}/{name}")
    elif plan_index == 1:
        name, members = f"{short} held back", _held_back_members(maker, server, facts, fresh)
        estate.note("plans_held_back", f"{server.name}/{name}")
    else:
        name = f"{short} plan {plan_index + 1}"
        replicated = {vm.name for vm in facts}
        cdp_only = [(item.name, item.hierarchy_ref) for item in cdp if item.name not in replicated]
        mixed = maker.rng.sample(facts, min(2, len(facts)))
        members = [(vm.name, vm.ref) for vm in mixed] + cdp_only[:1]
    vms = [FailoveredVm(maker.guid(), vm_name, ref, order) for order, (vm_name, ref) in enumerate(members, start=1)]
    return FailoverPlan(id=maker.guid(), name=name, server=server, description=f"Generated plan of {short}", vms=vms)


def _held_back_members(maker: _Maker, server: BackupServer, facts: list[_VmFacts],
                       fresh: list[_VmFacts]) -> list[tuple[str, str]]:
    estate = maker.estate
    stale = [vm for vm in facts if vm.newest_point is not None and vm.newest_point < estate.now - FRESH
             and vm.name != SHARED_VM_NAME]
    stale_vm = (stale[0].name, stale[0].ref) if stale else _stale_job(maker, server)
    missing = (maker.new_vm_name("no-replica-vm"), maker.vm_ref())
    estate.note("vm_without_replica", f"{server.name}/{missing[0]}")
    estate.note("vm_stale_point", f"{server.name}/{stale_vm[0]}")
    first = [(fresh[0].name, fresh[0].ref)] if fresh else []
    return first + [missing, stale_vm]


def _stale_job(maker: _Maker, server: BackupServer) -> tuple[str, str]:
    """A job of one VM whose only run, and point, is three days old: the estate had no stale point."""
    estate, vm = maker.estate, maker.new_vm_name("stale-vm")
    ran = estate.now - 3 * DAY
    job = Job(id=maker.guid(), name=f"Stale Replica {server.name.split('.')[0]}", server=server,
              next_run=estate.now + HOUR, replica_id=maker.guid())
    job.includes = [ObjectInJob(maker.guid(), vm, maker.vm_ref(), 0)]
    session = ReplicaJobSession(id=maker.guid(), server=server, job_id=job.id, job_name=job.name, created=ran,
                                ended=ran + 10 * 60 * SECOND, state="Stopped", result="Success", progress=100,
                                is_retry=False, failure_message="")
    task = ReplicaTaskSession(id=maker.guid(), vm_name=vm, job_session=session, created=ran + 5 * SECOND,
                              ended=ran + 5 * 60 * SECOND, state="Completed", result="Success", reason="",
                              total_size=16 * 1024**3)
    estate.jobs.append(job)
    estate.extra_job_sessions.append(session)
    estate.tasks.append(task)
    estate.points.append(ReplicaPoint(id=maker.guid(), vm_name=vm, job=job, created=task.ended))
    return vm, job.includes[0].hierarchy_ref
