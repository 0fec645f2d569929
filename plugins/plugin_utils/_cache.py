# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replicas inventory's cache: one document per source, for one `url` and for several
Enterprise Managers alike, its fingerprint, and its one read/update pair.

What is cached is each EM's VM summaries (the one fold's, not their ages), backup server
records and what its account could not have judged (so a hit warns as the read did): never
credentials, and not the built inventory, so a hit costs what the VMs cost.

Private to the collection. No Ansible objects: the plugin passes its cache (a mapping).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._history import history_as_text
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_list import EmSource
from ansible_collections.veeam_em.core.plugins.plugin_utils._fetch import EmPart
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import Settings

# Bump when the cached document changes shape, so an old entry is a miss. 1: raw task
# sessions; 2: one fold summary per VM; 3: summaries with restore points and coverage;
# 4: one document for one url and for several EMs (each EM's part, named or not); 5: each
# part's not_judged (what its account could not have judged); 6: summaries with CDP evidence
# and failover plan membership (issue 27); 7: summaries with evidence_times and runs (issue 28's
# history, null unless kept); 8: each run a row, not a mapping (_anomalies.RUN_FIELDS).
CACHE_FORMAT = 8


def cache_fingerprint(settings: Settings, sources: Sequence[EmSource]) -> str:
    """A digest of what a cache entry was made from; an entry made for other options is a miss.

    It covers each EM (its name, url, account and API version) and what it was asked for,
    and everything that shapes the cached folds: the job patterns (applied to each session
    before folding) and include_sessions. The VM and backup server patterns apply to whole
    folds (Selection.keeps_vm), so they are left out and changing them reuses the entry. A
    digest, so neither a url nor an account name is written to the cache in clear.
    """
    query = settings.session_query()
    jobs = settings.selection.jobs
    asked = {
        "format": CACHE_FORMAT,
        "enterprise_managers": [[source.name, source.connection.url, source.connection.username,
                                 source.connection.api_version] for source in sources],
        "window": settings.window, "vm_names": query.vm_names, "job_names": query.job_names,
        "backup_servers": query.backup_servers, "include_backup_servers": settings.include_backup_servers,
        # Sorted sets: patterns given in another order or twice still select the same sessions.
        "job_patterns": [sorted(set(jobs.include)), sorted(set(jobs.exclude))],
        "include_sessions": settings.include_sessions,
        # What else is read: restore points (rpo_basis) and jobs with their includes.
        "reads_points": settings.reads_points, "include_unreplicated": settings.include_unreplicated,
        # An entry read without require_coverage may hold coverage not judged, which must fail a run with it.
        "require_coverage": settings.require_coverage,
        # CDP sessions and policies, and failover plans, are read or not (cdp_rpo_source only judges).
        "include_cdp": settings.include_cdp, "include_failover_plans": settings.include_failover_plans,
        # Summaries with each VM's history (include_sla or include_anomalies); waivers and targets only judge.
        "keep_history": settings.keeps_history,
    }
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode("utf-8")).hexdigest()


def get_cached_parts(cache: Mapping[str, Any], key: str, fingerprint: str) -> tuple[list[EmPart], str] | None:
    """(the EM parts, when they were fetched) of the entry made for these options, or None (a miss)."""
    cached = cache.get(key)
    if not isinstance(cached, Mapping) or cached.get("format") != CACHE_FORMAT or cached.get("fingerprint") != fingerprint:
        return None
    parts = [EmPart(entry["name"], entry["vms"], entry["backup_servers"], entry["not_judged"])
             for entry in cached["enterprise_managers"]]
    return parts, str(cached.get("fetched_at"))


def update_cached_parts(cache: MutableMapping[str, Any], key: str, fingerprint: str, parts: Sequence[EmPart],
                        fetched_at: str) -> None:
    """Write the entry; the caller does so only after every EM answered (a partial read is never cached)."""
    cache[key] = {"format": CACHE_FORMAT, "fetched_at": fetched_at, "fingerprint": fingerprint,
                  "enterprise_managers": [{"name": part.name, "vms": [history_as_text(vm) for vm in part.summaries],
                                           "backup_servers": part.servers, "not_judged": part.not_judged}
                                          for part in parts]}
