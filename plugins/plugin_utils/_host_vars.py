# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each host of the replicas inventory carries: the host vars of a VM (its judged
status), of a backup server and of an EM that failed, and the groups they are in.

Private to the collection. No I/O and no Ansible objects but make_unsafe's.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, Sequence

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import judge_vms
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_reads import EmRead
from ansible_collections.veeam_em.core.plugins.plugin_utils._fetch import EmPart
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import Settings
from ansible_collections.veeam_em.core.plugins.plugin_utils._unsafe import make_unsafe

HOST_VAR_PREFIX = "veeam_"
# Host vars that exist only when an RPO applies to the VM.
RPO_KEYS = ("rpo_seconds", "rpo_breached", "rpo_text", "rpo_used_percent")
RESULT_GROUPS = {"Success": "success", "Warning": "warning", "Failed": "failed"}


@dataclass(frozen=True)
class VmHost:
    """A VM to list: its EM's name (None for the EM of `url`), its judged status, its host vars."""

    em_name: str | None
    status: dict[str, Any]
    variables: dict[str, Any]


def judged_vms(parts: Sequence[EmPart], settings: Settings, now: datetime) -> list[VmHost]:
    """Every VM the selection keeps, judged at `now` (verdict's judge_vms), EM after EM; each EM's
    waivers applied for its name (a waiver's `em` scopes it to one EM of several)."""
    return [VmHost(part.name, status, with_em_name(make_unsafe(vm_host_vars(status)), part.name))
            for part in parts  # judged per EM: judge_vms gives each EM's statuses in its own order
            for status in judge_vms(part.summaries, now, replace(settings.criteria, em=part.name), settings.selection)]


def vm_host_vars(status: Mapping[str, Any]) -> dict[str, Any]:
    """A VM's host vars: its status record, prefixed; RPO keys only when an RPO was given.

    veeam_kind is replicated_vm, or for an object included in a job but never replicated
    unreplicated_vm (a VM) or job_container (a folder, tag or host).
    """
    kind = "replicated_vm"
    if status.get("never_replicated"):
        kind = "unreplicated_vm" if (status.get("object_type") or "Vm").lower() == "vm" else "job_container"
    hostvars = {"veeam_kind": kind}
    for key, value in status.items():
        if key in RPO_KEYS and value is None:
            continue
        hostvars[HOST_VAR_PREFIX + key] = value
    # The inventory's word for the waivers that match the VM, with their state (issue 28).
    hostvars["veeam_waiver"] = list(status.get("waivers") or [])
    return hostvars


def server_host_vars(record: Mapping[str, Any]) -> dict[str, Any]:
    """A backup server's host vars: its record, each key as veeam_backup_server_<key>."""
    hostvars = {"veeam_kind": "backup_server"}
    hostvars.update({f"{HOST_VAR_PREFIX}backup_server_{key}": value for key, value in record.items()})
    return hostvars


def unreachable_host_vars(read: EmRead) -> dict[str, Any]:
    """The host vars of an EM that failed under on_em_error: warn."""
    return {"veeam_kind": "enterprise_manager", "veeam_em_name": _as_data(read.source.name), "veeam_em_error": read.error}


def with_em_name(hostvars: dict[str, Any], em_name: str | None) -> dict[str, Any]:
    """Host vars with veeam_em_name, when the source names its EMs (enterprise_managers)."""
    if em_name is not None:
        hostvars["veeam_em_name"] = _as_data(em_name)
    return hostvars


def _as_data(name: str) -> str:
    # A copy without the trust ansible-core 2.19+ gives text from the configuration file, so
    # the name is data like every other host var of the host (it can never be a template).
    return str.__str__(name)


def vm_fixed_groups(status: Mapping[str, Any]) -> list[str]:
    """The fixed-name groups (without prefix) a VM belongs to; an object never replicated is
    in never_replicated instead of replicated_vms; a VM with CDP evidence (a CDP task session,
    or a CDP policy that includes it) is in cdp too."""
    groups = [] if status.get("never_replicated") else ["replicated_vms"]
    if status.get("last_result") in RESULT_GROUPS:
        groups.append(f"result_{RESULT_GROUPS[status['last_result']]}")
    if status.get("running"):
        groups.append("running")
    if status.get("rpo_breached") is not None:
        groups.append("rpo_breached" if status["rpo_breached"] else "rpo_ok")
    groups.extend(f"finding_{finding}" for finding in status.get("findings", ()))
    if status.get("failing"):
        groups.append("failing")
    if status.get("waived"):
        groups.append("waived")
    if status.get("never_replicated"):
        groups.append("never_replicated")
    if status.get("job_schedule_enabled") is False:
        groups.append("job_disabled")
    if status.get("job_overdue"):
        groups.append("job_overdue")
    if "cdp" in (status.get("protection") or ()):
        groups.append("cdp")
    return groups


class GroupNamer:
    """Safe Ansible group names from names EM chose, without two EM names sharing a group."""

    def __init__(self, prefix: str, sanitize: Callable[[str], str]) -> None:
        self.prefix = prefix
        self.sanitize = sanitize

    def fixed(self, name: str) -> str:
        return self.sanitize(f"{self.prefix}{name}")

    def family(self, family: str, raw_names: Iterable[str]) -> dict[str, str]:
        """{EM name: group name} for one family (server, job, failover_plan). Names that sanitise alike get a digest suffix."""
        safe = {raw: self.sanitize(f"{self.prefix}{family}_{raw}") for raw in set(raw_names)}
        clashes = Counter(safe.values())
        return {
            raw: name if clashes[name] == 1 else f"{name}_{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:8]}"
            for raw, name in safe.items()
        }
