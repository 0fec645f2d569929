"""An estate written out by hand for the tests of jobs that run, EM tasks and collection, and
small readers of EM's answers, so each expectation can be worked out from the data below.

Backup servers: vbr-a (13.0: writes FailureMessage), vbr-b (12.3: leaves it out). Jobs:
- "Replica A" on vbr-a: VMs app-a1, app-a2 and the folder "Tier3 VMs"; last run Success; app-a1
  already has a restore point on vbr-a, app-a2 none;
- "Replica B" on vbr-a: VMs db-b1, db-b2, db-b3; last run Failed (db-b1 Success, the others Failed);
- "Replica C" on vbr-b: VM web-c1, replicated from backup; never run;
- "Replica D" on vbr-b: VM mail-d1; a run in progress (Working, its task InProgress);
- "Replica E" on vbr-b: VM file-e1; never run.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import requests
from lxml import etree

from ansible_collections.veeam_em.core.tests.em_simulator import Dataset, EmSimulator, SimulatorConfig
from ansible_collections.veeam_em.core.tests.em_simulator.model import (
    TICKS_PER_SECOND, BackupServer, Job, ObjectInJob, ReplicaJobSession, ReplicaPoint, ReplicaTaskSession,
)
from ansible_collections.veeam_em.core.tests.em_simulator.tls import CertificateFiles
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXED_NOW, NS, EmTestClient, parse

EM = "{http://www.veeam.com/ent/v1.0}"
HOUR = 3600 * TICKS_PER_SECOND
ADMIN = ("CORP\\em-admin", ("PortalAdministrator",))
ACCOUNTS = {
    "administrator": ADMIN,
    "portal_user": ("CORP\\em-monitor", ("PortalUser",)),
    "restore_operator": ("CORP\\em-restore", ("RestoreOperator",)),
}
PASSWORD = "Jobs-Pw-1"
SERVER_A = "11111111-1111-4111-8111-111111111111"
SERVER_B = "22222222-2222-4222-8222-222222222222"
JOB_IDS = {name: f"{digit * 8}-{digit * 4}-4{digit * 3}-8{digit * 3}-{digit * 12}"
           for name, digit in (("Replica A", "a"), ("Replica B", "b"), ("Replica C", "c"), ("Replica D", "d"),
                               ("Replica E", "e"))}


def _vm(job_id: str, name: str, order: int) -> ObjectInJob:
    return ObjectInJob(f"{job_id[:-4]}{order:04d}", name, f"urn:VMware:Vm:{job_id}.vm-{100 + order}", order)


def _job(name: str, server: BackupServer, vms: tuple[str, ...], from_backup: bool = False) -> Job:
    job_id = JOB_IDS[name]
    return Job(job_id, name, server, replica_id=job_id, from_backup=from_backup,
               includes=[_vm(job_id, vm, order) for order, vm in enumerate(vms)])


def _last_run(job: Job, index: int, result: str, vm_results: dict[str, str]) -> list[ReplicaTaskSession]:
    """The job's last run, some hours before FIXED_NOW; Result "None": still Working."""
    created = FIXED_NOW - (index + 2) * HOUR
    running = result == "None"
    ended = None if running else created + HOUR // 2
    session = ReplicaJobSession(f"{index:08d}-0000-4000-8000-000000000000", job.server, job.id, job.name, created,
                                ended, "Working" if running else "Stopped", result, 50 if running else 100, False)
    return [ReplicaTaskSession(f"{index:08d}-0000-4000-8000-{order:012d}", vm, session, created + TICKS_PER_SECOND,
                               None if running else ended, "InProgress" if running else "Completed", vm_result, "",
                               8 * 1024**3) for order, (vm, vm_result) in enumerate(vm_results.items())]


def jobs_estate() -> Dataset:
    """The estate of the module docstring (a new one each call: runs change it)."""
    vbr_a = BackupServer(SERVER_A, "vbr-a.corp.example", "", 9392, "13.0.0.4967", 9405, "AB" * 20)
    vbr_b = BackupServer(SERVER_B, "vbr-b.corp.example", "", 9392, "12.3.1.1139", 9405, "CD" * 20)
    jobs = [_job("Replica A", vbr_a, ("app-a1", "app-a2")), _job("Replica B", vbr_a, ("db-b1", "db-b2", "db-b3")),
            _job("Replica C", vbr_b, ("web-c1",), from_backup=True), _job("Replica D", vbr_b, ("mail-d1",)),
            _job("Replica E", vbr_b, ("file-e1",))]
    folder = ObjectInJob(f"{JOB_IDS['Replica A'][:-4]}0099", "Tier3 VMs", f"urn:VMware:Folder:{SERVER_A}.group-v1", 2)
    jobs[0].includes.append(folder)
    tasks = (_last_run(jobs[0], 0, "Success", {"app-a1": "Success", "app-a2": "Success"})
             + _last_run(jobs[1], 1, "Failed", {"db-b1": "Success", "db-b2": "Failed", "db-b3": "Failed"})
             + _last_run(jobs[3], 3, "None", {"mail-d1": "None"}))
    point = ReplicaPoint("99999999-0000-4000-8000-000000000001", "app-a1", jobs[0], FIXED_NOW - 2 * HOUR)
    return Dataset(servers=[vbr_a, vbr_b], job_sessions=list({task.job_session.id: task.job_session
                                                              for task in tasks}.values()),
                   task_sessions=tasks, jobs=jobs, replica_points=[point])


@contextmanager
def jobs_simulator(certificates: CertificateFiles, **settings: Any) -> Iterator[EmSimulator]:
    """A simulator of jobs_estate() with these settings, its accounts those of ACCOUNTS."""
    config = SimulatorConfig(plain_collection_days=0, **settings)
    with EmSimulator(jobs_estate(), config, certificates=certificates) as simulator:
        for account in ACCOUNTS.values():
            simulator.add_user(account[0], PASSWORD, account[1])
        yield simulator


@contextmanager
def logged_on(simulator: EmSimulator, account: str = "administrator") -> Iterator[EmTestClient]:
    with EmTestClient(simulator) as em:
        assert em.logon(ACCOUNTS[account][0], PASSWORD).status_code == 201
        yield em


def act(em: EmTestClient, name: str, action: str) -> requests.Response:
    """POST /jobs/{ID}?action=... for a job of the estate, by name."""
    return em.request("POST", f"jobs/{JOB_IDS[name]}", params={"action": action})


def run_through(simulator: EmSimulator, em: EmTestClient, name: str, seconds: float = 11) -> etree._Element:
    """Start the job, let `seconds` of simulated time pass (11: past a 10 s run), and read the
    job session EM shows last."""
    assert act(em, name, "start").status_code == 202
    simulator.advance(seconds)
    return newest_session(em, name)


def collect(em: EmTestClient, server_id: str = SERVER_A) -> requests.Response:
    return em.request("POST", f"backupServers/{server_id}", params={"action": "collect"})


def task_of(response: requests.Response) -> dict[str, Any]:
    """A Task document's parts: its fields, and its Result as (Success, Message) or None."""
    task = parse(response)
    assert task.tag == EM + "Task", response.text
    result = task.find("em:Result", NS)
    return {
        "id": task.findtext("em:TaskId", namespaces=NS), "state": task.findtext("em:State", namespaces=NS),
        "operation": task.findtext("em:Operation", namespaces=NS),
        "result": None if result is None else (result.get("Success"), result.findtext("em:Message", namespaces=NS)),
    }


def text(element: etree._Element, name: str) -> str | None:
    return element.findtext(f"em:{name}", namespaces=NS)


def job_sessions(em: EmTestClient, name: str) -> list[etree._Element]:
    """The job's sessions EM shows, oldest first (the query service, entities)."""
    return em.query_entities("ReplicaJobSession", filter=f"JobUid==urn:veeam:Job:{JOB_IDS[name]}",
                             sortAsc="CreationTime", pageSize=100)


def newest_session(em: EmTestClient, name: str) -> etree._Element:
    return job_sessions(em, name)[-1]


def task_sessions(em: EmTestClient, session: etree._Element) -> dict[str, etree._Element]:
    """A job session's task sessions by VM name (the query service, entities)."""
    records = em.query_entities("ReplicaTaskSession", filter=f"JobSessionUid=={session.get('UID')}", pageSize=100)
    return {record.get("VmDisplayName"): record for record in records}


def points_of(em: EmTestClient, vm_name: str) -> list[etree._Element]:
    """The VM's restore points EM shows, oldest first."""
    return em.query_entities("VmReplicaPoint", filter=f'VmDisplayName=="{vm_name}"', sortAsc="CreationTime",
                             pageSize=100)
