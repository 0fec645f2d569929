"""Jobs that run: the backup server's truth about each job's runs, and EM's view of them.

The backup server knows every run as it is now (runs.py); EM shows a run as it was at EM's
last collection from that server (collection.py), so its job session, task sessions and
restore points enter the collections and the query service only then, like generated data.
EM's view never goes back, even when the collection interval is switched on later. refresh()
brings EM's view up to the simulator's clock; the API calls it before every request.

A job's latest run is a run started here or, for generated and fixture data, its latest job
session (a generated run in progress is Working with no end: the job counts as running until
it is stopped). Stopping such a session ends it at once, Failed, without waiting for a collection.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .clock import ticks
from .collection import CollectionSchedule
from .config import SimulatorConfig
from .dataset import Dataset
from .model import Job, ReplicaJobSession, format_utc
from .run_plan import VmToProcess, failed_vms, new_point, new_run
from .runs import STOPPED_REASON, Run, session_at, vm_at


@dataclass(frozen=True)
class LastRun:
    running: bool
    result: str | None  # how it ended (None while running)
    failed: list[VmToProcess]  # the VMs a retry of it processes


class RunEngine:
    def __init__(self, dataset: Dataset, schedule: CollectionSchedule) -> None:
        self.dataset = dataset
        self.schedule = schedule
        self.runs: list[Run] = []
        self._unsettled: list[Run] = []  # runs EM has not yet seen to their end
        self._run_sessions: set[str] = set()
        self._lock = threading.RLock()

    def _latest(self, job: Job) -> Run | ReplicaJobSession | None:
        """The job's latest run: one started here, or its latest job session from the data."""
        run = next((run for run in reversed(self.runs) if run.job.id == job.id), None)
        for session in reversed(self.dataset.job_sessions):
            if session.job_id == job.id and session.id not in self._run_sessions:
                return run if run is not None and run.started >= session.created else session
        return run

    def last_run(self, job: Job, now: int) -> LastRun | None:
        """What the backup server knows of the job's latest run now; None for a job never run."""
        with self._lock:
            latest = self._latest(job)
            if isinstance(latest, Run):
                if now < latest.ends:
                    return LastRun(True, None, [])
                results = [latest.vm_result(index) for index in range(len(latest.tasks))]
                return LastRun(False, latest.outcome(), failed_vms(latest.tasks, results) if latest.has_tasks else [])
            if latest is None:
                return None
            if latest.state != "Stopped":
                return LastRun(True, None, [])
            return LastRun(False, latest.result, failed_vms(latest.tasks, [task.result for task in latest.tasks]))

    def start(self, job: Job, vms: list[VmToProcess], config: SimulatorConfig, now: int, is_retry: bool) -> Run:
        run = new_run(job, vms, now, ticks(config.job_run_seconds), config.run_result_of(job.name), is_retry)
        with self._lock:
            self.runs.append(run)
            self._unsettled.append(run)
            self._run_sessions.add(run.session.id)
        self.refresh(config, now)
        return run

    def stop(self, job: Job, config: SimulatorConfig, now: int) -> bool:
        """Stop the job's run if one is going; whether one was."""
        with self._lock:
            latest = self._latest(job)
            if isinstance(latest, Run) and now < latest.ends and latest.stopped_at is None:
                latest.stopped_at = now
            elif isinstance(latest, ReplicaJobSession) and latest.state != "Stopped":
                _stop_at_once(latest, now)
                self.dataset.touch()
            else:
                return False
        self.refresh(config, now)
        return True

    def refresh(self, config: SimulatorConfig, now: int) -> None:
        """Bring EM's view of every run it has not seen to its end up to its last collection."""
        with self._lock:
            changed = False
            for run in self._unsettled:
                seen = self.schedule.last_collected(run.job.server.id, now, config.collection_interval_seconds)
                seen = max(seen, run.seen_until if run.seen_until is not None else seen)
                if seen >= run.started:
                    run.seen_until = seen
                    self._show(run, seen)
                    changed = True
            self._unsettled = [run for run in self._unsettled if run.seen_until is None or run.seen_until < run.ends]
            if changed:
                self.dataset.touch()

    def _show(self, run: Run, moment: int) -> None:
        """Make EM's records of the run what the run was at this moment."""
        session = run.session
        if session.id not in self.dataset.job_sessions_by_id:
            self.dataset.add_job_session(session)
        session.state, session.result, session.ended, session.progress = session_at(run, moment)
        if session.result == "Failed" and session.failure_message is not None:
            session.failure_message = _failure_message(run)
        if not run.has_tasks or moment < run.working_from:
            return
        if not run.tasks_shown:
            self.dataset.add_task_sessions(run.tasks)
            run.tasks_shown = True
        new_points = []
        for index, task in enumerate(run.tasks):
            task.state, task.result, task.ended, task.reason = vm_at(run, index, moment)
            if task.state == "Completed" and run.vm_makes_point(index) and index not in run.points:
                run.points[index] = new_point(self.dataset, run, index)
                new_points.append(run.points[index])
        if new_points:
            self.dataset.add_points(new_points)

    def summary(self, now: int) -> list[dict[str, Any]]:
        """Every run started here, as the backup server knows it now (for snapshot())."""
        with self._lock:
            return [_summary(run, now) for run in self.runs]


def _failure_message(run: Run) -> str:
    if run.stopped_at is not None:
        return STOPPED_REASON
    failed = sum(run.vm_result(index) == "Failed" for index in range(len(run.tasks)))
    return f"Processing finished with errors: {failed} of {len(run.tasks)} VMs failed"


def _stop_at_once(session: ReplicaJobSession, now: int) -> None:
    session.state, session.result, session.ended, session.progress = "Stopped", "Failed", now, 100
    if session.failure_message is not None:
        session.failure_message = STOPPED_REASON
    for task in session.tasks:
        if task.state != "Completed":
            task.state, task.result, task.ended, task.reason = "Completed", "Failed", now, STOPPED_REASON


def _summary(run: Run, now: int) -> dict[str, Any]:
    state, result, _ended, _progress = session_at(run, now)
    return {
        "job_id": run.job.id, "job_name": run.job.name, "backup_server_name": run.job.server.name,
        "job_session_uid": run.session.uid, "is_retry": run.session.is_retry,
        "vm_names": [task.vm_name for task in run.tasks], "started": format_utc(run.started),
        "ends": format_utc(run.ends), "stopped": run.stopped_at is not None, "state": state, "result": result,
        "em_sees_until": None if run.seen_until is None else format_utc(run.seen_until),
    }
