# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waivers (_waiver_file) applied to judged statuses at a moment.

An active waiver keeps the findings it covers from failing the VM, and the VM keeps them in
every report, with the waiver beside them; an expired one gives them back and says so
(`waiver_expired`), as Veeam ONE fires a suppressed alarm when the suppression ends and the
object is still affected; a waiver that matches nothing is stale. A VM is never dropped.
The run's own findings (a held-back plan, a name not found) are waived the same way, through the
same matching (waive_run_finding; _run_waivers decides what each is matched by).
Pure functions, no I/O.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._times import iso
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._findings import WAIVER_EXPIRED
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waiver_file import SELECTORS, Waiver

ACTIVE, EXPIRED, NOT_STARTED = "active", "expired", "not_started"


@dataclass(frozen=True)
class WaiverOutcome:
    """The statuses with their waivers applied (every one kept, in order), and the waivers
    that match none of them (as dicts with a `message`)."""

    statuses: list[dict[str, Any]]
    stale: list[dict[str, Any]]


def waiver_state(waiver: Waiver, now: datetime) -> str:
    """active while starts <= now < expires (permanent: from starts on, or always), else
    not_started or expired; an expiry exactly at `now` has expired."""
    if waiver.starts is not None and now < waiver.starts:
        return NOT_STARTED
    if waiver.permanent or (waiver.expires is not None and now < waiver.expires):
        return ACTIVE
    return EXPIRED


def selected_names(status: Mapping[str, Any], em: str | None) -> dict[str, list[str]]:
    """The names of a status each selector (and the em scope) is matched against."""
    jobs = [status.get("job_name")] + list(status.get("job_names") or ())
    return {
        "vms": [status.get("vm_name") or ""],
        "jobs": [name for name in dict.fromkeys(jobs) if name],
        "backup_servers": [status.get("backup_server_name") or ""],
        "failover_plans": [plan.get("name") or "" for plan in status.get("failover_plans") or ()],
        "em": [em if em is not None else status.get("em") or ""],
    }


def matches(waiver: Waiver, names: Mapping[str, Sequence[str]]) -> bool:
    """Whether every selector the waiver gives matches one of the status' names (AND), and its
    em scope, when it has one, matches the status' EM. Globs are fnmatchcase's: case-sensitive,
    as EM's names are."""
    given = [(key, getattr(waiver, key)) for key in SELECTORS if getattr(waiver, key)]
    if waiver.em is not None:
        given.append(("em", (waiver.em,)))
    return all(any(fnmatchcase(name, pattern) for name in names[key] for pattern in patterns)
               for key, patterns in given)


def apply_waivers(statuses: Iterable[Mapping[str, Any]], waivers: Sequence[Waiver], now: datetime,
                  fail_on: Collection[str], em: str | None = None) -> WaiverOutcome:
    """Each judged status (with `findings`, `failing`, `message`) as a new dict with
    `waived_findings`, `waivers` (each matching waiver's as_dict() and its `state`), `waived`
    and `failing` recomputed: some finding in fail_on that no active waiver covers. `em` is the
    EM the statuses come from (None: each status' own `em`, if any)."""
    used: set[int] = set()
    applied = []
    for status in statuses:
        names = selected_names(status, em)
        positions = [position for position, waiver in enumerate(waivers) if matches(waiver, names)]
        used.update(positions)
        applied.append(waived_status(status, [waivers[position] for position in positions], now, fail_on))
    stale = [stale_waiver(waiver, now) for position, waiver in enumerate(waivers) if position not in used]
    return WaiverOutcome(applied, stale)


def covered(waiver: Waiver, findings: Sequence[str]) -> list[str]:
    """The findings (of a VM) a waiver covers: those it names, or all when it names none."""
    return [finding for finding in findings if waiver.findings is None or finding in waiver.findings]


def active_covering(waivers: Iterable[Mapping[str, Any]], findings: Collection[str]) -> list[Mapping[str, Any]]:
    """Of the waivers a status carries (as waived_status lists them: as_dict() with state), the active ones that
    cover one of `findings` (they name it, or name none): which waivers waived them, for a report to say."""
    return [waiver for waiver in waivers if waiver.get("state") == ACTIVE
            and (waiver.get("findings") is None or any(finding in waiver["findings"] for finding in findings))]


def waive_run_finding(item: Mapping[str, Any], finding: str, present: bool, names: Mapping[str, Sequence[str]],
                      waivers: Sequence[Waiver], now: datetime) -> dict[str, Any]:
    """A finding of the run, not of a VM (a held-back plan's failover_plan_not_ready, a name not_found), waived
    as a VM's are: `item` as a new dict with `waivers` (each waiver that matches `names`, as selected_names
    gives them, and covers `finding`: as_dict() and its state), `waived` (the finding is `present` and an
    active one covers it) and `waiver_expired` (present, no active one, an expired one did: its
    expired_message joins the item's `message`, as a VM's does)."""
    states = [(waiver, waiver_state(waiver, now)) for waiver in waivers
              if matches(waiver, names) and covered(waiver, [finding])]
    waived = present and any(state == ACTIVE for _waiver, state in states)
    expired = [waiver for waiver, state in states if state == EXPIRED] if present and not waived else []
    result = {**item, "waivers": [{**waiver.as_dict(), "state": state} for waiver, state in states],
              "waived": waived, "waiver_expired": bool(expired)}
    if expired:
        result["message"] = "; ".join(part for part in [item.get("message") or ""]
                                      + [expired_message(waiver, [finding]) for waiver in expired] if part)
    return result


def waived_status(status: Mapping[str, Any], matched: Sequence[Waiver], now: datetime,
                  fail_on: Collection[str]) -> dict[str, Any]:
    """One status with the waivers that match it applied (see apply_waivers)."""
    findings = list(status.get("findings") or ())
    states = [(waiver, waiver_state(waiver, now)) for waiver in matched]
    waived = {finding for waiver, state in states if state == ACTIVE for finding in covered(waiver, findings)}
    restored = []
    for waiver, state in states:
        # An expired waiver whose finding a newer active one covers (a renewal) gives nothing back.
        given_back = [finding for finding in covered(waiver, findings) if finding not in waived]
        if state == EXPIRED and given_back:
            restored.append((waiver, given_back))
    result = dict(status)
    result["waived_findings"] = [finding for finding in findings if finding in waived]
    result["waivers"] = [{**waiver.as_dict(), "state": state} for waiver, state in states]
    result["waived"] = bool(waived)
    if restored:
        result["findings"] = findings + [WAIVER_EXPIRED]
        result["message"] = "; ".join(part for part in [status.get("message") or ""]
                                      + [expired_message(waiver, given_back) for waiver, given_back in restored] if part)
    result["failing"] = any(finding in fail_on and finding not in waived for finding in result.get("findings", findings))
    return result


def expired_message(waiver: Waiver, given_back: Sequence[str]) -> str:
    """What an expired waiver gave back, with its expiry and justification."""
    return (f"waiver {waiver.entry} (line {waiver.line}) expired at {iso(waiver.expires)}, so "
            f"{', '.join(given_back)} counts again; it said: {waiver.justification}")


def stale_waiver(waiver: Waiver, now: datetime) -> dict[str, Any]:
    """A waiver that matches no status, as a dict with its state and a `message` saying so."""
    selectors = [f"{key} {', '.join(getattr(waiver, key))}" for key in SELECTORS if getattr(waiver, key)]
    scope = f" on {waiver.em}" if waiver.em is not None else ""
    message = (f"waiver {waiver.entry} (line {waiver.line}) matches no VM{scope}: {' and '.join(selectors)}; "
               "remove it or fix its selectors")
    return {**waiver.as_dict(), "state": waiver_state(waiver, now), "message": message}


def stale_waivers(waivers: Sequence[Waiver], statuses: Iterable[Mapping[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The waivers no status matched (stale_waiver's dicts), from statuses apply_waivers gave:
    a surface that judged several EMs apart (the inventory) asks once over all of them."""
    used = {waiver.get("entry") for status in statuses for waiver in status.get("waivers") or ()}
    return [stale_waiver(waiver, now) for waiver in waivers if waiver.entry not in used]
