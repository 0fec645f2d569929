# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the replicas inventory reads of the other replica protection (issue 27): the CDP task
sessions of the window, the CDP policies (with their includes when coverage is read) and the
failover plans, on one lane of _evidence_read beside the task sessions.

CDP task session pages (query type CdpReplicaTaskSession, filtered on CreationTimeUTC) are
folded as they come (`fold_cdp`), so memory follows the VMs as for task sessions. Refusals are
what each role may not read (Veeam's "Security Roles" page, docs/docsite/rst/em_api_notes.rst,
"Roles"), not failures:
- CDP policies (Portal Administrator only; a Portal User gets 403): CDP VMs are judged on the
  rpo option instead; said only when the window has CDP task sessions, so an estate without
  CDP gets no warning about it;
- CDP sessions (a VM Restore Operator gets 403): said unless the policies were read and there
  are none, since then there is no CDP VM to miss;
- failover plans (a Portal User gets 403): no plan is known, said always (a plan cannot be
  seen any other way).
Private to the collection.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from ansible_collections.veeam_em.core.plugins.module_utils._gather import (
    CDP_POLICIES_REFUSED,
    CDP_SESSIONS_REFUSED,
    FAILOVER_PLANS_REFUSED,
    unless_refused,
)
from ansible_collections.veeam_em.core.plugins.module_utils._protection_records import (
    cdp_policy_record,
    failover_plan_record,
    settled_cdp_task_session,
)
from ansible_collections.veeam_em.core.plugins.module_utils._rights import CDP_POLICIES, CDP_SESSIONS, FAILOVER_PLANS
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi

FoldCdp = Callable[[list[dict[str, Any]]], None]


class Stopped(Exception):
    """The session read failed, so a lane stops between two requests."""


@dataclass
class Protection:
    """The lane's result: the CDP policies and failover plans (None: not asked for, or refused),
    how many CDP task sessions EM gave, and what could not be judged (_not_judged entries)."""

    cdp_policies: list[dict[str, Any]] | None = None
    failover_plans: list[dict[str, Any]] | None = None
    cdp_sessions_read: int = 0
    not_judged: list[dict[str, Any]] = field(default_factory=list)


def read_cdp_sessions(api: EmApi, settings: Any, stop: threading.Event, fold_cdp: FoldCdp) -> int:
    """Fold the window's CDP task sessions page by page; how many EM gave."""
    count = 0
    for page in api.iter_cdp_task_sessions(settings.cdp_session_query()):
        if stop.is_set():
            raise Stopped()
        count += len(page)
        fold_cdp([settled_cdp_task_session(raw) for raw in page])
    return count


def read_cdp_policies(api: EmApi, settings: Any) -> list[dict[str, Any]]:
    """The CDP policies of the exact backup server and job names (a policy stands for a job), with
    their includes (one request per policy) when coverage is read: they name the VMs a policy
    protects that had no session in the window."""
    names = settings.selection.exact_names()
    policies = api.cdp_policies(names.backup_server_names, names.job_names)
    if not settings.include_unreplicated:
        return [cdp_policy_record(raw, None) for raw in policies]
    kept = [raw for raw in policies if settings.selection.keeps_job(raw)]
    includes = api.cdp_policy_includes([raw["id"] for raw in kept])
    return [cdp_policy_record(raw, includes.get(raw["id"])) for raw in policies]


def read_protection(api: EmApi, settings: Any, stop: threading.Event, fold_cdp: FoldCdp) -> Protection:
    """CDP sessions and policies with include_cdp, failover plans with include_failover_plans."""
    found = Protection()
    if settings.include_cdp:
        sessions, sessions_refused = unless_refused(
            CDP_SESSIONS, CDP_SESSIONS_REFUSED, lambda: read_cdp_sessions(api, settings, stop, fold_cdp))
        found.cdp_sessions_read = sessions or 0
        found.cdp_policies, policies_refused = unless_refused(
            CDP_POLICIES, CDP_POLICIES_REFUSED, lambda: read_cdp_policies(api, settings))
        if sessions_refused and found.cdp_policies != []:
            found.not_judged += sessions_refused
        if policies_refused and found.cdp_sessions_read:
            found.not_judged += policies_refused
    if settings.include_failover_plans and not stop.is_set():
        servers = settings.selection.exact_names().backup_server_names
        plans, refused = unless_refused(FAILOVER_PLANS, FAILOVER_PLANS_REFUSED, lambda: api.failover_plans(servers))
        found.failover_plans = None if plans is None else [failover_plan_record(raw) for raw in plans]
        found.not_judged += refused
    return found
