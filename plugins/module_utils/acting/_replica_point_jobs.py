# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which replication job replicates each VM, found through the jobs' includes [jobs_id_includes].

An include names a VM, or a container (a folder, a tag, a host) whose VMs EM does not list
(docs/docsite/rst/em_api_notes.rst, "Replication jobs and what they include"): a VM inside a
container cannot be matched by name, so the error for a VM in no job names the containers seen
and what to do. A VM in several jobs is an error too: which one to run is the user's choice.
"""
from __future__ import annotations

from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError


class JobNotFound(VeeamEmError):
    """A VM in no replication job, or in several."""


def jobs_of_vms(api: Any, vm_names: list[str], backup_servers: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """{VM name: its replication job record}; JobNotFound naming every VM in no job or in several."""
    jobs = api.replication_jobs(backup_servers)
    includes = api.job_includes([job["id"] for job in jobs])
    holding: dict[str, list[dict[str, Any]]] = {vm: [] for vm in vm_names}
    containers: list[str] = []
    for job in jobs:
        for item in includes.get(job["id"], []):
            kind = item.get("object_type")
            if kind is not None and kind.lower() != "vm":
                containers.append(f"{kind} {item.get('display_name') or item.get('name')!r} in job {job['name']!r}")
                continue
            for name in {item.get("name"), item.get("display_name")} & holding.keys():
                holding[name].append(job)
    problems = [_problem(vm, found, containers) for vm, found in holding.items() if len(found) != 1]
    if problems:
        raise JobNotFound(" ".join(problems))
    return {vm: found[0] for vm, found in holding.items()}


def job_label(job: dict[str, Any]) -> str:
    """'"SQL Replication" on vbr01' for messages."""
    return f"{job['name']!r} on {job.get('backup_server_name') or 'its backup server'}"


def _problem(vm: str, found: list[dict[str, Any]], containers: list[str]) -> str:
    if found:
        return (f"VM {vm!r} is included in several replication jobs ({', '.join(job_label(job) for job in found)}); "
                "which one to run is yours to say: name its backup server in backup_server_names, or run the job "
                "with veeam_em.core.replication_job.")
    if containers:
        return (f"VM {vm!r} is included by name in no replication job. Jobs include containers whose VMs Enterprise "
                f"Manager does not list ({'; '.join(sorted(containers))}), so a VM inside one cannot be matched by "
                "name: include the VM by name in its job, or run the job with veeam_em.core.replication_job.")
    return (f"VM {vm!r} is included in no replication job Enterprise Manager shows; check the name (exact, "
            "case-sensitive) and backup_server_names.")
