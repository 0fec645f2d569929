"""The command line's switches for CDP policies, their sessions and failover plans: what the
generator makes (datagen_protection.py), one reading of what EM leaves undocumented, and the
estate summary that names the generated special cases."""
from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any, Callable

from .config import CDP_RESULT_FILTER_MODES, CDP_SESSION_SPANS
from .dataset import Dataset
from .model import format_utc


def add_protection_options(parser: argparse.ArgumentParser, count: Callable[[str], Any],
                           days: Callable[[str], Any]) -> None:
    group = parser.add_argument_group("CDP policies and failover plans (generated estates)")
    group.add_argument("--cdp-policies-per-server", type=count, default=0,
                       help="CDP policies of 2-4 VMs on each backup server (default 0: none)")
    group.add_argument("--failover-plans-per-server", type=count, default=0,
                       help="failover plans on each backup server: the first ready, the second held back "
                            "(a VM without a replica, a VM with a stale point), more mixed (default 0: none)")
    group.add_argument("--cdp-days", type=days, default=1.0,
                       help="days of CDP task sessions (one per VM per RPO) before --now (default %(default)s)")
    group.add_argument("--cdp-session-span", choices=CDP_SESSION_SPANS, default=CDP_SESSION_SPANS[0],
                       help="CDP task sessions: a short sync per RPO (sync, default), or back to back until the "
                            "next long-term restore point (8 h), the newest running, as Veeam's examples show "
                            "(long-term)")
    group.add_argument("--cdp-result-filter", choices=CDP_RESULT_FILTER_MODES, default="reject",
                       help="query?type=CdpReplicaTaskSession with a filter on Result: refused with 400 as an "
                            "unknown field (reject, default; the page does not list it) or applied (accept)")
    group.add_argument("--estate-summary", action="store_true",
                       help="print the estate (counts and the generated special cases) as JSON and exit")


def generator_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The GeneratorSpec fields the options above set."""
    settings = {"cdp_policies_per_server": args.cdp_policies_per_server,
                "failover_plans_per_server": args.failover_plans_per_server, "cdp_days": args.cdp_days}
    # Only when asked for: the default leaves GeneratorSpec as every earlier caller built it.
    if args.cdp_session_span != CDP_SESSION_SPANS[0]:
        settings["cdp_session_span"] = args.cdp_session_span
    return settings


def estate_summary(dataset: Dataset, now: int | None = None) -> dict[str, Any]:
    """Counts, the CDP policies and plans by name, and the named cases (Dataset.notes)."""
    counts = {name: len(getattr(dataset, name)) for name in (
        "servers", "jobs", "job_sessions", "task_sessions", "replica_points", "cdp_policies", "cdp_sessions",
        "cdp_task_sessions", "failover_plans")}
    per_vm = Counter(task.vm_name for task in dataset.cdp_task_sessions)
    return {
        "now": None if now is None else format_utc(now),
        "counts": counts,
        "cdp_policies": [{"name": policy.name, "backup_server": policy.server.name,
                          "rpo_seconds": policy.rpo.seconds, "rpo_element": f"RecoveryPointObjective{policy.rpo.unit}",
                          "schedule_enabled": policy.schedule_enabled,
                          "vms": {item.name: per_vm[item.name] for item in policy.includes}}
                         for policy in dataset.cdp_policies],
        "failover_plans": [{"name": plan.name, "backup_server": plan.server.name,
                            "vms": [vm.name for vm in sorted(plan.vms, key=lambda vm: vm.order)]}
                           for plan in dataset.failover_plans],
        "special_cases": dataset.notes,
    }


def print_estate_summary(dataset: Dataset, now: int | None) -> None:
    print(json.dumps(estate_summary(dataset, now), indent=2, ensure_ascii=False))
