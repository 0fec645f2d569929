# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Several Enterprise Managers as one inventory: what each EM's hosts carry, how their
names stay distinct, the failure policy's words, and the cache of a whole fleet.

Private to the collection. No I/O and no Ansible objects, like _inventory.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ansible_collections.veeam_em.core.plugins.plugin_utils._em_list import EmSource
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_reads import EmRead
from ansible_collections.veeam_em.core.plugins.plugin_utils._inventory import Settings, fetch_fingerprint

# The cached document of a several-EM source; its fingerprint never equals a single-EM one.
FLEET_CACHE_FORMAT = 1
ON_EM_ERROR = ("fail", "warn")


@dataclass(frozen=True)
class EmPart:
    """What one EM contributes: its name (None for a single-EM source), VM summaries, backup servers."""

    name: str | None
    summaries: list[dict[str, Any]] = field(default_factory=list)
    servers: list[dict[str, Any]] = field(default_factory=list)


def with_em_name(hostvars: dict[str, Any], em_name: str | None) -> dict[str, Any]:
    """Host vars with veeam_em_name, when the source names its EMs."""
    if em_name is not None:
        hostvars["veeam_em_name"] = _as_data(em_name)
    return hostvars


def _as_data(name: str) -> str:
    # A copy without the trust ansible-core 2.19+ gives text from the configuration file, so
    # the name is data like every other host var of the host (it can never be a template).
    return str.__str__(name)


def vm_places(names: Sequence[str], ems: Sequence[str | None], servers: Sequence[str | None]) -> list[str]:
    """What tells apart the VMs that want the same host name, one per VM.

    A single EM: the VM's backup server (web01_vbr02). Several EMs: the EM's name
    (web01_eu), or the EM and backup server when the name is used twice within one EM too
    (web01_eu_vbr02).
    """
    within = Counter(zip(names, ems))
    places = []
    for name, em, server in zip(names, ems, servers):
        server_text = server or "unknown"
        if em is None:
            places.append(server_text)
        else:
            places.append(em if within[(name, em)] == 1 else f"{em}_{server_text}")
    return places


def unreachable_host_vars(read: EmRead) -> dict[str, Any]:
    return {"veeam_kind": "enterprise_manager", "veeam_em_name": _as_data(read.source.name), "veeam_em_error": read.error}


def failure_message(failed: Sequence[EmRead]) -> str:
    """The error of a source whose EMs did not all answer (on_em_error: fail)."""
    each = "; ".join(f"{read.source.label} failed: {read.error}" for read in failed)
    return (f"{each}. Nothing is listed from this source, so no EM's hosts look complete when they are not; "
            "set on_em_error: warn to list the Enterprise Managers that answered, with each that failed as a "
            "host in veeam_em_unreachable")


def warning_text(read: EmRead, group: str) -> str:
    return (f"{read.source.label} failed and its hosts are left out: {read.error}. Host {read.source.name!r} "
            f"is in group {group}")


def fleet_fingerprint(settings: Settings, sources: Sequence[EmSource]) -> str:
    """A digest of what a several-EM cache entry was made from: each EM's own fingerprint, by name."""
    per_em = [[source.name, fetch_fingerprint(settings, source.connection.url, source.connection.username,
                                              source.connection.api_version)] for source in sources]
    asked = {"fleet_format": FLEET_CACHE_FORMAT, "enterprise_managers": per_em}
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode("utf-8")).hexdigest()


def fleet_cache_document(fingerprint: str, fetched_at: str, parts: Sequence[EmPart]) -> dict[str, Any]:
    """What is cached after every EM answered (a partial read is never cached)."""
    return {"fleet_format": FLEET_CACHE_FORMAT, "fetched_at": fetched_at, "fingerprint": fingerprint,
            "enterprise_managers": [{"name": part.name, "vms": part.summaries, "backup_servers": part.servers}
                                    for part in parts]}


def parts_from_cache(cached: Any, fingerprint: str) -> list[EmPart] | None:
    """The EM parts of a cache entry made for these options, or None (a miss)."""
    if not isinstance(cached, Mapping) or cached.get("fingerprint") != fingerprint:
        return None
    return [EmPart(entry["name"], entry["vms"], entry["backup_servers"]) for entry in cached["enterprise_managers"]]
