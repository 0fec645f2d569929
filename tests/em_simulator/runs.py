"""One run of a replication job on its backup server, as a timeline: what it is at any moment.

A run is planned when it starts (its VMs, its length, how it ends) and is then a pure function
of time, so EM's view of it is simply the run at the moment of EM's last collection
(run_engine.py). For a run that starts at s and lasts D:

- the job session is Starting from s, Working from s + D/5, Stopped at s + D
  (ReplicaJobSession states, get_query_replicajobsession);
- at s + D/5 one task session per VM is created, InProgress (VBR processes a job's VMs in
  parallel); VM i of n is Completed at s + D/5 + 7D/10 * (i + 1) / n with its Result;
- a VM that ends Success or Warning gets a new VmReplicaPoint at that moment;
- a stop at x makes the session Stopping until x + D/10, then Stopped with Result Failed (of the
  documented results, the one for a run that did not complete); VMs still InProgress end Failed
  then, and a run stopped while Starting has no task sessions.

A replica made from backup finds no new backup point (the source backup is not simulated, so it
never has a new one): its VMs end Warning with no new point, as the Veeam user guide's "How
Replica from Backup Works" says.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .coverage_gen import FROM_BACKUP_WARNING
from .model import RESULTS, RUNNING_RESULT, Job, ReplicaJobSession, ReplicaPoint, ReplicaTaskSession
from .names import FAILURE_REASONS, WARNING_REASONS

STOPPED_REASON = "Job has been stopped by user"
REASONS = {"Success": "", "Warning": WARNING_REASONS[0], "Failed": FAILURE_REASONS[0]}


@dataclass
class Run:
    job: Job
    session: ReplicaJobSession  # the record EM shows, brought up to date by run_engine
    tasks: list[ReplicaTaskSession]  # one per VM, in processing order
    points: dict[int, ReplicaPoint]  # by VM index: the point it made, once EM has seen it
    started: int
    length: int  # ticks
    result: str  # how each VM ends if the run is not stopped
    stopped_at: int | None = None
    # The latest moment of the run EM has collected (run_engine.py); None: nothing yet.
    seen_until: int | None = field(default=None, repr=False)
    tasks_shown: bool = field(default=False, repr=False)  # whether EM has the task sessions

    @property
    def working_from(self) -> int:
        return self.started + self.length // 5

    @property
    def ends(self) -> int:
        """When the job session is Stopped."""
        if self.stopped_at is not None:
            return self.stopped_at + self.length // 10
        return self.started + self.length

    @property
    def has_tasks(self) -> bool:
        """Whether the run reached Working, where its task sessions are created."""
        return self.stopped_at is None or self.stopped_at >= self.working_from

    def _natural_vm_end(self, index: int) -> int:
        return self.working_from + (self.length * 7 // 10) * (index + 1) // max(1, len(self.tasks))

    def vm_stopped(self, index: int) -> bool:
        """Whether the stop came before this VM was done."""
        return self.stopped_at is not None and self.stopped_at < self._natural_vm_end(index)

    def vm_ends(self, index: int) -> int:
        return self.ends if self.vm_stopped(index) else self._natural_vm_end(index)

    def vm_result(self, index: int) -> str:
        if self.vm_stopped(index):
            return "Failed"
        return "Warning" if self.job.from_backup and self.result == "Success" else self.result

    def vm_reason(self, index: int) -> str:
        if self.vm_stopped(index):
            return STOPPED_REASON
        if self.job.from_backup and self.result == "Success":
            return FROM_BACKUP_WARNING
        return REASONS[self.result]

    def vm_makes_point(self, index: int) -> bool:
        return not self.job.from_backup and self.vm_result(index) != "Failed"

    def outcome(self) -> str:
        """The job session's Result once Stopped: Failed when stopped, else the worst VM's."""
        if self.stopped_at is not None:
            return "Failed"
        return max((self.vm_result(index) for index in range(len(self.tasks))), key=RESULTS.index,
                   default=self.result)


def session_at(run: Run, moment: int) -> tuple[str, str, int | None, int]:
    """(State, Result, end, Progress) of the job session at a moment of the run."""
    if moment >= run.ends:
        return "Stopped", run.outcome(), run.ends, 100
    progress = min(99, (moment - run.started) * 100 // max(1, run.length))
    if run.stopped_at is not None and moment >= run.stopped_at:
        return "Stopping", RUNNING_RESULT, None, progress
    return ("Working" if moment >= run.working_from else "Starting"), RUNNING_RESULT, None, progress


def vm_at(run: Run, index: int, moment: int) -> tuple[str, str, int | None, str]:
    """(State, Result, end, Reason) of one VM's task session at a moment after its creation."""
    if moment < run.vm_ends(index):
        return "InProgress", RUNNING_RESULT, None, ""
    return "Completed", run.vm_result(index), run.vm_ends(index), run.vm_reason(index)
