# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waivers applied to the findings of a run, not of a VM (issue 28): a failover plan held back
(failover_plan_not_ready) and a name in the scope that matches nothing (not_found).

A waived plan or name stays in every report, with `waived` and its `waivers`, but does not fail
the run (_plan_summary.plans_failing, _summary.verdict); an expired waiver gives the failure back
and says so in the message, as a VM's does. What each is matched by:

- a plan: a waiver whose failover_plans selector matches the plan's name (its backup_servers and
  em, when given, must match too; one that also gives vms or jobs selects VMs, not a plan) and
  that names failover_plan_not_ready or no finding (all);
- a name not found: a waiver whose selector of the entry's kind (vms for a VM, jobs for a job,
  backup_servers for a backup server, failover_plans for a plan) matches the name, and that names
  not_found: a name that matches nothing is most often a typo, so a waiver of "every finding" of
  some VMs does not hide one.

The matching is _waivers' (matches, waiver_state, covered through waive_run_finding); an EM's name
is not known here, so an em-scoped waiver matches no plan and no name (as it matches no VM in the
role). Pure functions, no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plan_summary import PLAN_NOT_READY
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waiver_file import NOT_FOUND, SELECTORS, Waiver
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waivers import waive_run_finding

# A not_found entry's kind -> the selector its name is matched by.
KIND_SELECTORS = {"vm": "vms", "job": "jobs", "backup_server": "backup_servers", "failover_plan": "failover_plans"}


def _names(em: str, **given: str) -> dict[str, list[str]]:
    """selected_names' shape for a run's finding: the selectors given, every other one empty (a waiver
    giving one of those does not match)."""
    return {**{key: [] for key in SELECTORS}, **{key: [name] for key, name in given.items()}, "em": [em]}


def waive_plans(plans: Sequence[Mapping[str, Any]], waivers: Sequence[Waiver], now: datetime,
                em: str = "") -> list[dict[str, Any]]:
    """Each plan status (judge_plans') with waive_run_finding's `waivers`, `waived` and `waiver_expired`:
    waived only while it is held back (ready False); a waiver that matches a ready plan is listed, not stale."""
    chosen = [waiver for waiver in waivers if waiver.failover_plans]
    return [waive_run_finding(plan, PLAN_NOT_READY, plan.get("ready") is False,
                              _names(em, failover_plans=str(plan.get("name") or ""),
                                     backup_servers=str(plan.get("backup_server_name") or "")),
                              chosen, now)
            for plan in plans]


def waive_not_found(entries: Sequence[Mapping[str, Any]], waivers: Sequence[Waiver], now: datetime,
                    em: str = "") -> list[dict[str, Any]]:
    """Each not_found entry ({kind, name, message}) with waive_run_finding's `waivers`, `waived` and
    `waiver_expired`, matched by the waivers that name not_found and give the selector of its kind."""
    named = [waiver for waiver in waivers if waiver.findings is not None and NOT_FOUND in waiver.findings]
    result = []
    for entry in entries:
        selector = KIND_SELECTORS.get(str(entry.get("kind")))
        chosen = [waiver for waiver in named if selector and getattr(waiver, selector)]
        names = _names(em, **({selector: str(entry.get("name") or "")} if selector else {}))
        result.append(waive_run_finding(entry, NOT_FOUND, True, names, chosen, now))
    return result


def unwaived(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The entries (plans or names not found) no active waiver covers: those that may fail the run."""
    return [entry for entry in entries if not entry.get("waived")]
