"""What a generated estate holds for judging over the window (issue 28), each off by default:

- `sla_gaps`: the jobs jobs[4::5] (in an estate of fewer than five jobs, the last job) miss 2 or
  3 consecutive runs (drawn per job): the completed, non-retry runs just before the job's last
  two are removed with their retries, so every VM of the job has a gap of that many intervals
  inside the window, runs on both sides of it, and the gap within the newest points a retention
  of 7 keeps. Named "sla_gap" (server/VM), with the period in "sla_gap_runs"
  ("server/job: N runs missing between <the run before> and <the run after>").
- `vms_added_mid_window` N: VMs "added-vm01".. join the jobs that are not gapped, not running
  and do not replicate from backup (all jobs when none is left), one after the other. Each is
  first processed, Success, in its job's first completed run at or after the window's middle
  and in every later run (a Pending task in a run still going on), so its first session and
  point are there. Its first point is kept only when --point-retention holds its runs, as for
  every VM. Named "vm_added_mid_window".
- `anomalies`: each VM has a usual run length (300-900 s) and every completed run lasts it
  times 0.9-1.1 and transfers its size times 0.95-1.05 (in the run going on, a task begun less
  than that before now is still InProgress); then, among the VMs of jobs neither
  gapped nor from backup whose newest completed run ended Success after 5 earlier successes,
  the first one's newest run transfers exactly ten times its size ("size_anomaly") and the
  next one's, of those that finish before now, lasts exactly ten times its usual length
  ("duration_anomaly").

Drawn from a random stream of its own ("window-<seed>"), so with every switch off the estate is
the one generate always made, and the CDP part (datagen_protection.py) is unaffected.
"""
from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import replace
from typing import Any

from .model import RESULTS, RUNNING_RESULT, TICKS_PER_SECOND, Job, ReplicaJobSession, ReplicaTaskSession, format_utc
from .names import SHARED_VM_NAME

SECOND = TICKS_PER_SECOND
GAP_EVERY = 5
GAP_RUNS = (2, 3)
MIN_HISTORY = 5
TENFOLD = 10


class WindowCases:
    """The cases above for one generated estate; `notes` names them (Dataset.notes)."""

    def __init__(self, seed: int, start: int, now: int) -> None:
        self.rng = random.Random(f"window-{seed}")
        self.start, self.now = start, now
        self.notes: dict[str, list[str]] = {}
        self.gapped: set[str] = set()  # job ids

    def note(self, case: str, text: str) -> None:
        self.notes.setdefault(case, []).append(text)

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    # -- gaps ---------------------------------------------------------------------------------
    def remove_runs(self, jobs: list[Any], job_sessions: list[ReplicaJobSession],
                    task_sessions: list[ReplicaTaskSession]) -> None:
        """Take 2-3 runs out of the gapped jobs' histories (in place)."""
        chosen = jobs[GAP_EVERY - 1::GAP_EVERY] or jobs[-1:]
        removed: set[str] = set()
        for job in chosen:
            removed |= self._gap(job, [session for session in job_sessions if session.job_id == job.id])
        job_sessions[:] = [session for session in job_sessions if session.id not in removed]
        task_sessions[:] = [task for task in task_sessions if task.job_session.id not in removed]

    def _gap(self, job: Any, sessions: list[ReplicaJobSession]) -> set[str]:
        runs = [session for session in sessions if not session.is_retry and session.ended is not None]
        count = self.rng.choice(GAP_RUNS)
        if len(runs) < count + 3:
            return set()
        missing = runs[-(count + 2):-2]
        removed = {session.id for session in missing}
        # A retry follows its run before the next run begins.
        removed |= {session.id for session in sessions if session.is_retry and missing[0].created < session.created
                    and session.created < runs[-2].created}
        self.gapped.add(job.id)
        self.note("sla_gap_runs", f"{job.server.name}/{job.name}: {count} runs missing between "
                                  f"{format_utc(runs[-(count + 3)].created)} and {format_utc(runs[-2].created)}")
        for vm in job.vms:
            self.note("sla_gap", f"{job.server.name}/{vm.name}")
        return removed

    # -- VMs added mid-window -------------------------------------------------------------------
    def add_vms(self, count: int, jobs: list[Any], job_sessions: list[ReplicaJobSession],
                task_sessions: list[ReplicaTaskSession], from_backup_index: int) -> None:
        """Add `count` VMs to the jobs' later runs (in place)."""
        hosts = [job for index, job in enumerate(jobs) if job.id not in self.gapped and not job.running_now
                 and index != from_backup_index] or jobs
        middle = self.start + (self.now - self.start) // 2
        for index in range(count if hosts else 0):
            job = hosts[index % len(hosts)]
            template = job.vms[0]
            vm = replace(template, name=f"added-vm{index + 1:02d}", profile="healthy", stale_since=None,
                         size=self.rng.choice((8, 16, 40)) * 1024**3,
                         vm_uid=template.vm_uid and f"urn:VMware:Vm:{self.guid()}.vm-{self.rng.randint(100, 99999)}")
            job.vms.append(vm)
            later = [session for session in job_sessions if session.job_id == job.id and not session.is_retry
                     and session.created >= middle]
            for session in later:
                task_sessions.append(self._added_task(session, vm))
            self.note("vm_added_mid_window", f"{job.server.name}/{vm.name}")

    def _added_task(self, session: ReplicaJobSession, vm: Any) -> ReplicaTaskSession:
        """The VM processed last in the run: Success, or Pending while the run goes on."""
        begin = max(task.created for task in session.tasks) + self.rng.randint(20, 90) * SECOND
        running = session.ended is None
        if running:
            begin = min(begin, self.now - SECOND)
        end = None if running else begin + self.rng.randint(60, 900) * SECOND
        task = ReplicaTaskSession(id=self.guid(), vm_name=vm.name, job_session=session, created=begin, ended=end,
                                  state="Pending" if running else "Completed",
                                  result=RUNNING_RESULT if running else "Success", reason="",
                                  total_size=vm.size, vm_uid=vm.vm_uid)
        session.tasks.append(task)
        if end is not None:
            session.ended = max(session.ended, end + 3 * SECOND)
        return task

    # -- sizes, lengths and the two tenfold runs -------------------------------------------------
    def vary_runs(self, jobs: list[Job], task_sessions: list[ReplicaTaskSession]) -> None:
        """Give every completed run its VM's usual length and size, varied a little, then make
        the two anomalous runs (in place)."""
        usual: dict[tuple[str, str], int] = {}
        sizes: dict[tuple[str, str], int] = {}
        by_vm: dict[tuple[str, str], list[ReplicaTaskSession]] = defaultdict(list)
        for task in task_sessions:  # in creation order
            key = (task.job_session.server.id, task.vm_name)
            length = usual.setdefault(key, self.rng.randint(300, 900) * SECOND)
            sizes.setdefault(key, task.total_size)
            if task.ended is None:
                continue
            ended = task.created + round(length * self.rng.uniform(0.9, 1.1))
            task.total_size = round(task.total_size * self.rng.uniform(0.95, 1.05))
            if task.job_session.ended is None and ended >= self.now:
                # In the run going on, a task begun too recently to have lasted its usual length
                # is still being processed (a shorter one would look anomalous).
                task.ended, task.state, task.result, task.reason = None, "InProgress", RUNNING_RESULT, ""
                continue
            task.ended = min(ended, self.now - 4 * SECOND)
            by_vm[key].append(task)
        candidates = self._anomaly_candidates(jobs, by_vm)
        self._tenfold_size(candidates, sizes)
        self._tenfold_length(candidates, usual)
        for task in task_sessions:
            _settle(task.job_session)

    def _anomaly_candidates(self, jobs: list[Job], by_vm: dict[tuple[str, str], list[ReplicaTaskSession]]
                            ) -> list[tuple[tuple[str, str], ReplicaTaskSession]]:
        """(VM, newest run) of the plain VMs whose newest completed run succeeded after history."""
        plain_jobs = {job.id for job in jobs if not job.from_backup and job.id not in self.gapped}
        added = {note.split("/", 1)[1] for note in self.notes.get("vm_added_mid_window", [])}
        chosen = []
        for key, tasks in by_vm.items():
            newest = tasks[-1]
            successes = sum(task.result == "Success" for task in tasks[:-1])
            if (newest.result == "Success" and successes >= MIN_HISTORY and key[1] not in added
                    and key[1] != SHARED_VM_NAME and newest.job_session.job_id in plain_jobs):
                chosen.append((key, newest))
        return sorted(chosen, key=lambda item: (item[1].job_session.server.name, item[0][1]))

    def _tenfold_size(self, candidates: list[tuple[tuple[str, str], ReplicaTaskSession]],
                      sizes: dict[tuple[str, str], int]) -> None:
        if not candidates:
            return
        key, task = candidates.pop(0)
        task.total_size = TENFOLD * sizes[key]
        self.note("size_anomaly", f"{task.job_session.server.name}/{task.vm_name}")

    def _tenfold_length(self, candidates: list[tuple[tuple[str, str], ReplicaTaskSession]],
                        usual: dict[tuple[str, str], int]) -> None:
        for key, task in candidates:
            ended = task.created + TENFOLD * usual[key]
            if ended + 3 * SECOND < self.now:
                task.ended = ended
                self.note("duration_anomaly", f"{task.job_session.server.name}/{task.vm_name}")
                return


def _settle(session: ReplicaJobSession) -> None:
    """A completed job session ends 3 s after its last task, its result the worst of theirs."""
    if session.ended is None or not session.tasks:
        return
    session.ended = max(task.ended or task.created for task in session.tasks) + 3 * SECOND
    session.result = max((task.result for task in session.tasks), key=RESULTS.index)
