"""The entities the simulator serves, as EM documents them.

Times are held as integer ticks (100 ns, like .NET's DateTime) since the Unix epoch, so a
million sessions stay small in memory and every fractional-second length EM writes
(none, 2, 3, 6 or 7 digits) can be reproduced exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

TICKS_PER_SECOND = 10_000_000
NAMESPACE = "http://www.veeam.com/ent/v1.0"

# Documented enumerations. The filter grammar compares enum fields by their index in
# these lists (EM: "Success < Warning < Failed"), so the order here is the documented one.
RESULTS = ("Success", "Warning", "Failed")
TASK_STATES = ("InProgress", "Pending", "Completed")
JOB_STATES = ("Starting", "Stopping", "Working", "Pausing", "Resuming", "Stopped")
JOB_TYPES = ("Replica",)

# EM does not document the Result of a session that is still running; the simulator
# writes this value by default (see SimulatorConfig.running_result for the others).
RUNNING_RESULT = "None"


@dataclass(slots=True)
class BackupServer:
    id: str
    name: str
    description: str
    port: int
    version: str
    wcf_port: int | None = None
    thumbprint: str | None = None

    @property
    def uid(self) -> str:
        return f"urn:veeam:BackupServer:{self.id}"


@dataclass(slots=True)
class ReplicaJobSession:
    id: str
    server: BackupServer
    job_id: str
    job_name: str
    created: int
    ended: int | None
    state: str
    result: str
    progress: int
    is_retry: bool
    failure_message: str | None = None
    tasks: list[ReplicaTaskSession] = field(default_factory=list, repr=False)

    @property
    def uid(self) -> str:
        return f"urn:veeam:ReplicaJobSession:{self.id}"

    @property
    def job_uid(self) -> str:
        return f"urn:veeam:Job:{self.job_id}"

    @property
    def name(self) -> str:
        return f"{self.job_name}@{name_time(self.created)}"


@dataclass(slots=True)
class ReplicaTaskSession:
    id: str
    vm_name: str
    job_session: ReplicaJobSession
    created: int
    ended: int | None
    state: str
    result: str
    reason: str
    total_size: int
    vm_uid: str | None = None

    @property
    def uid(self) -> str:
        return f"urn:veeam:ReplicaTaskSession:{self.id}"

    @property
    def name(self) -> str:
        return f"{self.vm_name}@{name_time(self.created)}"

    @property
    def server(self) -> BackupServer:
        return self.job_session.server


def ticks_from_datetime(moment: datetime) -> int:
    """Ticks since the epoch for an aware datetime (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * TICKS_PER_SECOND + delta.microseconds * 10


def parse_utc(text: str) -> int:
    """Ticks for an ISO 8601 UTC time with any number (0-7) of fractional digits."""
    value = text.strip()
    if not value.endswith("Z"):
        raise ValueError(f"not a UTC time ending in Z: {text!r}")
    main, _dot, fraction = value[:-1].partition(".")
    if len(fraction) > 7 or (fraction and not fraction.isdigit()):
        raise ValueError(f"bad fractional seconds in {text!r}")
    whole = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return ticks_from_datetime(whole) + int(fraction.ljust(7, "0") or 0)


def format_utc(ticks: int) -> str:
    """EM's form: seconds, then as many fractional digits as the value needs, then Z."""
    seconds, remainder = divmod(ticks, TICKS_PER_SECOND)
    text = datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{remainder:07d}".rstrip("0")
    return f"{text}.{fraction}Z" if fraction else f"{text}Z"


def name_time(ticks: int) -> str:
    """The 'yyyy-MM-dd HH:mm:ss' stamp EM puts into session names."""
    seconds = ticks // TICKS_PER_SECOND
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


# -- replication jobs, their objects and replica restore points (docs/docsite/rst/em_api_notes.rst,
# "Replica restore points" and "Replication jobs and what they include") ---------------------
JOB_TYPES_OF_JOBS = ("Backup", "Replica", "Copy", "BackupCopy", "ImmediateBackupCopy")
PLATFORMS = ("VMware", "HyperV", "vCloud")
POINT_TYPES = ("Full", "ReverseIncrement", "Increment", "Snapshot")
ALGORITHMS = ("Full", "Increment", "ReverseIncrement", "Snapshot")


@dataclass(slots=True)
class ObjectInJob:
    id: str
    name: str
    # urn:VMware:Vm:<server>.vm-123 for a VM; urn:VMware:Folder:... or urn:VMware:Tag:... for a container.
    hierarchy_ref: str
    order: int = 0


@dataclass(slots=True)
class Job:
    id: str
    name: str
    server: BackupServer
    schedule_enabled: bool = True
    schedule_configured: bool = True
    next_run: int | None = None
    platform: str = "VMware"
    description: str = ""
    replica_id: str = ""
    # A replica made from backup: its points carry the backup's time, and a run without a
    # new backup point ends in Warning without a new replica point (Veeam user guide).
    from_backup: bool = False
    includes: list[ObjectInJob] = field(default_factory=list)

    @property
    def uid(self) -> str:
        return f"urn:veeam:Job:{self.id}"


@dataclass(slots=True)
class ReplicaPoint:
    id: str
    vm_name: str
    job: Job
    created: int
    point_type: str = "Snapshot"
    algorithm: str = "Increment"

    @property
    def uid(self) -> str:
        return f"urn:veeam:VmReplicaPoint:{self.id}"

    @property
    def name(self) -> str:
        return f"{self.vm_name}@{name_time(self.created)}"

    @property
    def server(self) -> BackupServer:
        return self.job.server

    @property
    def replica_uid(self) -> str:
        return f"urn:veeam:Replica:{self.job.replica_id}"
