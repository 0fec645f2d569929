# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failover plans of a compliance run (_summary): which plans were asked for, the names that
match none, the plans worst first, their counts, their JUnit cases, and the run-level finding
failover_plan_not_ready.

A plan status is judge_plans' (verdict/_plans.py): ready True, False (held back by some VM) or
None (not judged: its VMs' evidence was not read); a plan not judged is never counted as ready.
Plan names match exactly, as every name in the collection does. Pure functions, no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

PLAN_NOT_READY = "failover_plan_not_ready"  # a finding of the run, not of a VM
ALL = "all"
NOT_FOUND_KIND = "failover_plan"
# held back first, then not judged, then ready: as the VMs, the worst first.
_ORDER = {False: 0, None: 1, True: 2}


def read_plan_names(value: Any, prefix: str = "") -> tuple[str, ...] | None:
    """The plans asked for: None for all (`all`, or a list holding only it), () for none (None, '' or []),
    else the names. ConfigurationError naming `prefix`failover_plans for anything else."""
    if value is None or value == "" or value == []:
        return ()
    if value == ALL or (isinstance(value, Sequence) and not isinstance(value, str) and list(value) == [ALL]):
        return None
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, Sequence) or not all(isinstance(name, str) and name for name in listed):
        raise ConfigurationError(f"{prefix}failover_plans must be a list of failover plan names, or {ALL}, "
                                 f"not {value!r}")
    return tuple(listed)


def select_plans(plans: Sequence[Mapping[str, Any]], names: tuple[str, ...] | None
                 ) -> tuple[list[Mapping[str, Any]], list[dict[str, str]]]:
    """The plans asked for (every plan for None) and a not_found entry {kind, name, message} for each
    name no plan has, the plans there are named (a misspelt plan must not pass as a plan nobody asked for)."""
    if names is None:
        return list(plans), []
    chosen = [plan for plan in plans if plan.get("name") in names]
    known = sorted({str(plan.get("name")) for plan in plans}, key=lambda name: (name.lower(), name))
    there = ", ".join(repr(name) for name in known) if known else "none"
    missing = [{"kind": NOT_FOUND_KIND, "name": name,
                "message": f"failover plan {name!r} matches no failover plan Enterprise Manager returned "
                           f"(the plans: {there})"}
               for name in dict.fromkeys(names) if name not in known]
    return chosen, missing


def plans_worst_first(plans: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Held back first, then not judged, then ready; then by name ignoring case, then backup server, then name."""
    return sorted(plans, key=lambda plan: (_ORDER.get(plan.get("ready"), 1), str(plan.get("name")).lower(),
                                           str(plan.get("backup_server_name")).lower(), str(plan.get("name"))))


def plan_counts(plans: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """failover_plans (asked for and found), _ready, _held_back, _not_judged and _waived (held back, and
    an active waiver covers failover_plan_not_ready: still counted as held back)."""
    return {"failover_plans": len(plans),
            "failover_plans_ready": sum(1 for plan in plans if plan.get("ready") is True),
            "failover_plans_held_back": sum(1 for plan in plans if plan.get("ready") is False),
            "failover_plans_not_judged": sum(1 for plan in plans if plan.get("ready") is None),
            "failover_plans_waived": sum(1 for plan in plans if plan.get("ready") is False and plan.get("waived"))}


def plans_failing(plans: Sequence[Mapping[str, Any]], fail_on: Sequence[str]) -> list[Mapping[str, Any]]:
    """The plans that fail the run: held back, not waived (_run_waivers), while failover_plan_not_ready is in fail_on."""
    if PLAN_NOT_READY not in fail_on:
        return []
    return [plan for plan in plans if plan.get("ready") is False and not plan.get("waived")]


def plan_junit(plans: Sequence[Mapping[str, Any]], fail_on: Sequence[str]) -> dict[str, Any]:
    """One test case per plan, in a suite of its own: {'tests', 'failures', 'skipped', 'cases':
    [{'plan', 'failure_type' (PLAN_NOT_READY or None), 'skipped' (not judged), 'waived' (held back, waived)}]}.
    A plan held back while failover_plan_not_ready is not in fail_on, or waived, passes, as a VM with a
    finding outside fail_on or waived does."""
    failing = {id(plan) for plan in plans_failing(plans, fail_on)}
    cases = [{"plan": plan, "failure_type": PLAN_NOT_READY if id(plan) in failing else None,
              "skipped": plan.get("ready") is None, "waived": plan.get("ready") is False and bool(plan.get("waived"))}
             for plan in plans]
    return {"tests": len(cases), "failures": len(failing), "skipped": sum(1 for case in cases if case["skipped"]),
            "cases": cases}
