# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Coverage: the objects replication jobs include, against the VMs the window shows.

A VM in a replication job that has never been processed has no task session and no
restore point, so it is invisible to a judgement of sessions. with_coverage() adds one
summary for each such VM (never_replicated), and gives every summary its job's schedule
state; coverage_facts() turns them into status keys at a moment. An include can be a
container (a folder, tag or host; Veeam's jobs_id_includes page, and
docs/docsite/rst/em_api_notes.rst, "Replication jobs and what they include"): EM does not
say which VMs it holds, so it is reported as itself, by the name EM gives it, when its job
shows no session in the window. Pure functions, no I/O.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._records import parse_record_time
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_judged import COVERAGE

# The type part of a HierarchyObjRef (urn:VMware:Vm:..., urn:HyperV:Vm:..., urn:vCloud:Vm:...) of a VM.
VM_OBJECT_TYPES = ("vm",)


def job_facts(job: Mapping[str, Any] | None) -> dict[str, Any]:
    """The schedule state of a VM's job as plain JSON data (None where the job is unknown).

    A job whose schedule is not configured runs only when started by hand: its schedule
    counts as disabled.
    """
    if job is None:
        return {"job_schedule_enabled": None, "job_next_run": None}
    enabled = job.get("schedule_enabled")
    if job.get("schedule_configured") is False:
        enabled = False
    next_run = job.get("next_run")
    return {"job_schedule_enabled": enabled, "job_next_run": iso(next_run) if isinstance(next_run, datetime) else next_run}


def with_coverage(summaries: Iterable[Mapping[str, Any]], jobs: Iterable[Mapping[str, Any]],
                  includes: Mapping[str, list[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """The summaries with their job's schedule facts, plus a never_replicated summary for each
    included VM (or container whose job ran not at all) with neither a session nor a point."""
    jobs = list(jobs)
    by_name = {(job.get("backup_server_id"), job.get("name")): job for job in jobs}
    covered = [{**summary, **job_facts(by_name.get((summary["backup_server_id"], summary["job_name"])))}
               for summary in summaries]
    seen = {(summary["backup_server_id"], summary["vm_name"]) for summary in covered}
    ran = {(summary["backup_server_id"], name) for summary in covered for name in summary["job_names"]}
    missing: dict[tuple[Any, ...], dict[str, Any]] = {}
    for job in jobs:
        for included in includes.get(job.get("id") or "", ()):
            name = included.get("display_name") or included.get("name")
            kind = included.get("object_type")
            is_vm = kind is None or kind.lower() in VM_OBJECT_TYPES
            server = job.get("backup_server_id")
            if (is_vm and (server, name) in seen) or (not is_vm and (server, job.get("name")) in ran):
                continue
            key = (server, name, is_vm)
            if key in missing:
                missing[key]["job_names"] = sorted({*missing[key]["job_names"], job.get("name")})
                continue
            missing[key] = _never_replicated(name, "Vm" if is_vm and kind is None else kind, job)
    return covered + list(missing.values())


def summary_without_sessions(vm_name: str | None, backup_server_id: str | None, backup_server_name: str | None,
                             **overrides: Any) -> dict[str, Any]:
    """A summary (the keys of _status's, in its order) for a VM no replica task session names:
    never replicated, of no job, unless `overrides` say otherwise. The one shape of the objects
    a job includes without evidence, the VMs only CDP protects and the plan VMs without evidence."""
    return {
        "vm_name": vm_name, "backup_server_id": backup_server_id, "backup_server_name": backup_server_name,
        "job_name": None, "job_names": [], "latest_session": {}, "last_result": None, "last_success_time": None,
        "last_clean_success_time": None, "consecutive_failures": 0, "running": False, "session_count": 0,
        "last_point_time": None, "restore_points": None, "never_replicated": True, "object_type": "Vm",
        **overrides,
    }


def _never_replicated(name: str | None, object_type: str | None, job: Mapping[str, Any]) -> dict[str, Any]:
    """A summary for an included object with no evidence in the window."""
    return summary_without_sessions(name, job.get("backup_server_id"), job.get("backup_server_name"),
                                    job_name=job.get("name"), job_names=[job.get("name")], restore_points=0,
                                    object_type=object_type, **job_facts(job))


def coverage_facts(summary: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The coverage keys of a status at `now`: never_replicated (None when coverage was not
    judged: _not_judged), object_type (V(Vm) or the container's type for an included object;
    None for a VM known from its sessions), job_schedule_enabled, job_next_run and job_overdue
    (an enabled schedule whose next run is already past; None when the job is unknown)."""
    enabled = summary.get("job_schedule_enabled")
    next_run = parse_record_time(summary.get("job_next_run"))
    unjudged = any(entry.get("checks") == COVERAGE for entry in summary.get("not_judged") or ())
    return {
        "never_replicated": None if unjudged else bool(summary.get("never_replicated")),
        "object_type": summary.get("object_type"),
        "job_schedule_enabled": enabled,
        "job_next_run": summary.get("job_next_run"),
        "job_overdue": None if enabled is None else bool(enabled and next_run is not None and next_run < now),
    }
