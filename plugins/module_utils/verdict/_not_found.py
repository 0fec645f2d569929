# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exact names in include lists that match nothing: a typo must not look like a healthy, empty estate.

A name without wildcards in an include list (vm_name, job_name, backup_server_name) that no
task session, restore point or replication job (its name, its backup server or an object
it includes) names, and, for a backup server, that Enterprise Manager does not list either,
is "not found". Names match case-sensitively, as everywhere in the collection, so the right
name in the wrong case is not found too, and the message names the spelling the evidence
(or EM) has. Pure functions, no I/O.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import MATCH_KEYS, read_selection
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import case_variants, closest_first, exact_names

# Selection key -> (the kind a report shows, the noun its message uses).
KINDS = {"vm_name": ("vm", "VM"), "job_name": ("job", "replication job"), "backup_server_name": ("backup_server", "backup server")}
# At most this many other names are suggested, each at least this alike (difflib's ratio).
SUGGESTIONS = 5
SIMILAR = 0.6


def known_names(sessions: Iterable[Mapping[str, Any]], points: Iterable[Mapping[str, Any]] = (),
                jobs: Iterable[Mapping[str, Any]] = (),
                backup_servers: Iterable[Mapping[str, Any]] = ()) -> dict[str, set[str]]:
    """{selection key: every name of that kind the evidence holds} (records as the info modules return them)."""
    known: dict[str, set[str]] = {key: set() for key in MATCH_KEYS}
    for record in sessions:
        _add(known, vm_name=record.get("vm_name"), job_name=record.get("job_name"),
             backup_server_name=record.get("backup_server_name"))
    for point in points:  # a replica is named like the job that makes it
        _add(known, vm_name=point.get("vm_name"), job_name=point.get("replica_name"),
             backup_server_name=point.get("backup_server_name"))
    for job in jobs:
        _add(known, job_name=job.get("name"), backup_server_name=job.get("backup_server_name"))
        for included in job.get("includes") or ():
            _add(known, vm_name=included.get("display_name") or included.get("name"))
    for server in backup_servers:
        _add(known, backup_server_name=server.get("name"))
    return known


def _add(known: dict[str, set[str]], **names: Any) -> None:
    for key, name in names.items():
        if isinstance(name, str) and name:
            known[key].add(name)


def not_found(include: Any, known: Mapping[str, set[str]]) -> list[dict[str, str]]:
    """[{kind, name, message}] for each exact include name (the filter's include shape) no known name equals.

    ConfigurationError (from read_selection) for an include that is not that shape.
    """
    selection = read_selection(include, None)
    found = []
    for key in MATCH_KEYS:
        for name in exact_names(selection.by_key(key).include):
            if name not in known.get(key, ()):
                kind, noun = KINDS[key]
                found.append({"kind": kind, "name": name, "message": _message(noun, name, known.get(key, set()))})
    return found


def _message(noun: str, name: str, known: set[str]) -> str:
    text = f"{noun} {name!r} matches nothing Enterprise Manager returned"
    matches = closest_first(name, known, SIMILAR)[:SUGGESTIONS]
    same_case = case_variants(name, known)
    if same_case:
        return f"{text}; it has {', '.join(map(repr, same_case))}, which differs only in case (names match case-sensitively)"
    if noun == "backup server" and known:
        others = matches + sorted(known - set(matches))
        return f"{text}; its backup servers are {', '.join(map(repr, others[:10]))}{' ...' if len(others) > 10 else ''}"
    if matches:
        return f"{text}; the closest names it has: {', '.join(map(repr, matches))}"
    return f"{text}; check the spelling, and that the Enterprise Manager account can see it"
