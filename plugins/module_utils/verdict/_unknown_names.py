# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exact names a user filtered on that Enterprise Manager does not know. EM's name filters
are exact and case-sensitive, so a typo (vbr99.corp.example) or the right name in the wrong
case matches nothing and EM says nothing: an empty, green answer. These warnings say so, with
the names EM does know, closest first. Shared by the modules and the replicas inventory."""
from __future__ import annotations

import difflib
from typing import Any, Iterable, Sequence

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import WILDCARD_CHARS

# How many known names a warning lists; the rest are counted.
SHOWN = 8


def exact_names(given: Iterable[Any] | None) -> list[str]:
    """The given names that are exact (no wildcard), in order, each once."""
    names = [str(name) for name in given or () if name not in (None, "")]
    return [name for name in dict.fromkeys(names) if not WILDCARD_CHARS & set(name)]


def closest_first(name: str, known: Iterable[str], at_least: float = 0.0) -> list[str]:
    """The known names at least `at_least` alike, most like `name` first (difflib's ratio,
    ignoring case, so a case variant comes first), then by name."""
    wanted = name.casefold()
    scored = sorted((-difflib.SequenceMatcher(None, wanted, candidate.casefold()).ratio(), candidate)
                    for candidate in set(known))
    return [candidate for score, candidate in scored if -score >= at_least]


def case_variants(name: str, known: Iterable[str]) -> list[str]:
    """The known names that differ from `name` only in case, sorted."""
    return sorted(candidate for candidate in set(known) if candidate != name and candidate.casefold() == name.casefold())


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean <the closest choice>?' for a misspelt word, or '' when none is close."""
    lowered = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), sorted(lowered), n=1)
    return f"; did you mean {lowered[close[0]]}?" if close else ""


def unknown_name_warnings(option: str, kind: str, given: Iterable[Any] | None, known: Sequence[str]) -> list[str]:
    """One warning per exact name in `given` that is not in `known` (every name EM knows of that kind).

    A name that differs from a known one only in case says so; any other lists the known names,
    closest first (at most SHOWN of them).
    """
    known_set = {name for name in known if name}
    warnings = []
    for name in exact_names(given):
        if name in known_set:
            continue
        warnings.append(f"{option}: Enterprise Manager knows no {kind} named {name!r}, so nothing matches it; "
                        + _hint(name, kind, known_set))
    return warnings


def _hint(name: str, kind: str, known: set[str]) -> str:
    same_but_case = case_variants(name, known)
    if same_but_case:
        return (f"{same_but_case[0]!r} differs only in case, and Enterprise Manager's names are case-sensitive: "
                f"write it as {same_but_case[0]!r}")
    if not known:
        return f"it lists no {kind} at all to this account"
    ordered = closest_first(name, known)
    more = f" and {len(ordered) - SHOWN} more" if len(ordered) > SHOWN else ""
    return f"the {kind}s it knows, closest first: {', '.join(ordered[:SHOWN])}{more}"


def unmatched_name_warnings(option: str, kind: str, given: Iterable[Any] | None, found: Iterable[str], scope: str) -> list[str]:
    """One warning per exact name in `given` that matched nothing EM returned (`found`), for
    filters EM applies itself, where the names it does not return are not known to the caller."""
    found_set = set(found)
    return [f"{option}: {name!r} matched no {kind} {scope}; names are exact and case-sensitive"
            for name in exact_names(given) if name not in found_set]


def backup_server_warnings(api: Any, given: Iterable[Any] | None, option: str = "backup_server_names") -> list[str]:
    """unknown_name_warnings for backup server names, read from EM (api.all_backup_servers():
    one BackupServer query per run, shared with the task sessions' name join); no query
    when no exact name is given."""
    if not exact_names(given):
        return []
    return unknown_name_warnings(option, "backup server", given, [server["name"] for server in api.all_backup_servers()])
