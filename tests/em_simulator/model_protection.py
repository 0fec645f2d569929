"""CDP policies, their sessions and failover plans, as EM documents them (EM REST reference,
VBR 13.0.1: get_cdppolicies_id, policyscheduleoptions, cdpreplicasessions_id,
cdpreplicatasksessions_id, get_failoverplans_id). Times are ticks, as in model.py."""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import BackupServer, name_time

# A CDP policy session's states are a job session's [cdpreplicasessions_id].
CDP_POLICY_TYPES = ("CdpReplica",)
CDP_PLATFORMS = ("VMware", "vCloud")


@dataclass(slots=True)
class Duration:
    """A length EM writes either in seconds or in minutes: `unit` names the element that holds it
    (EM writes the other element as 0, as in the get_cdppolicies_id example)."""

    value: int
    unit: str = "Minutes"  # "Seconds" | "Minutes"

    @property
    def seconds(self) -> int:
        return self.value * 60 if self.unit == "Minutes" else self.value


@dataclass(slots=True)
class CdpInclude:
    id: str
    name: str
    hierarchy_ref: str
    order: int = 0
    display_name: str | None = None

    @property
    def shown_name(self) -> str:
        return self.display_name or self.name


@dataclass(slots=True)
class CdpPolicy:
    id: str
    name: str
    server: BackupServer
    rpo: Duration
    description: str = ""
    platform: str = "VMware"
    schedule_configured: bool = True
    schedule_enabled: bool = True
    next_run: int | None = None
    # RPOReporting: each threshold None when its MarkAsWarning / MarkAsFailed is not Enabled.
    warning_after: Duration | None = None
    failed_after: Duration | None = None
    includes: list[CdpInclude] = field(default_factory=list)

    @property
    def uid(self) -> str:
        return f"urn:veeam:CdpPolicy:{self.id}"


@dataclass(slots=True)
class CdpReplicaSession:
    """A CDP policy session: one a day per policy (user guide, cdp_session)."""

    id: str
    policy: CdpPolicy
    created: int
    ended: int | None
    state: str = "Working"
    result: str = "None"
    progress: int = 0
    failure_message: str = ""
    is_retry: bool = False

    @property
    def uid(self) -> str:
        return f"urn:veeam:CdpReplicaSession:{self.id}"

    @property
    def name(self) -> str:
        return f"{self.policy.name}@{name_time(self.created)}"

    @property
    def server(self) -> BackupServer:
        return self.policy.server


@dataclass(slots=True)
class CdpReplicaTaskSession:
    id: str
    vm_name: str
    policy_session: CdpReplicaSession
    created: int
    ended: int | None
    state: str
    result: str
    reason: str = ""
    total_size: int = 0

    @property
    def uid(self) -> str:
        return f"urn:veeam:CdpReplicaTaskSession:{self.id}"

    @property
    def name(self) -> str:
        return f"{self.vm_name}@{name_time(self.created)}"

    @property
    def server(self) -> BackupServer:
        return self.policy_session.server


@dataclass(slots=True)
class FailoveredVm:
    id: str  # FailoveredVmId
    name: str
    hierarchy_ref: str
    order: int
    display_name: str | None = None

    @property
    def shown_name(self) -> str:
        return self.display_name or self.name


@dataclass(slots=True)
class FailoverPlan:
    id: str
    name: str
    server: BackupServer
    description: str = ""
    vms: list[FailoveredVm] = field(default_factory=list)

    @property
    def uid(self) -> str:
        return f"urn:veeam:FailoverPlan:{self.id}"
