# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A compliance run summed up from its judged VMs (the replica_status filter's statuses): the
counts, whether the run passed and why not, its warnings, and the VMs worst first.

The replica_compliance role's result, summary, failure message and reports read these, so the
order the HTML report shows and every count its reports show (tiles, filters, chart, JSON, JUnit,
summary line) are decided here only. A container included in a job (_containers) is counted and
listed as a container, never as a VM.
Pure functions, no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import groupby
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._times import read_now
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._containers import split_containers
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._findings import DEFAULT_FAIL_ON, FINDINGS
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import records_list
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_judged import (
    COVERAGE,
    label,
    message,
    union,
    unmet_requirement,
)
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plan_summary import (
    PLAN_NOT_READY,
    plan_counts,
    plan_junit,
    plans_failing,
    plans_worst_first,
    read_plan_names,
    select_plans,
)
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._run_waivers import unwaived, waive_not_found, waive_plans
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waiver_file import Waiver, read_waivers
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._window_summary import sla_junit, window_summary

# A VM's status is its worst finding, else ok: every status, worst first.
STATUSES = FINDINGS + ("ok",)
NOT_FOUND = "not_found"  # a finding of the scope (names that match nothing), not of a VM
RUN_FAIL_ON = DEFAULT_FAIL_ON + (NOT_FOUND,)
EMPTY_SCOPE_CHOICES = ("fail", "warn")
# Sorts a VM without evidence (None) before any VM with some: never is the worst age.
_NEVER = float("inf")
# The findings counted, in the order the result has always listed them.
_COUNTED = ("never_succeeded", "never_replicated", "rpo_breach", "failed", "warning")

EMPTY_SCOPE_MESSAGE = (
    "No VM is in scope: nothing Enterprise Manager returned for the window and the name lists is a VM to judge "
    "(see scope in the reports). A name that matches nothing, an account that sees too little of the estate, or an "
    "Enterprise Manager that stopped collecting all look like this.")


def worst_first(vms: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The VMs worst first: failing before not, then by status (STATUSES' order), then the
    larger share of the RPO used (none: the most), then the older evidence, then by VM name
    ignoring case; VMs equal in all of these keep their order."""
    def key(vm: Mapping[str, Any]) -> tuple[Any, ...]:
        status = vm.get("status")
        percent, age = vm.get("rpo_used_percent"), vm.get("rpo_age_seconds")
        return (not vm.get("failing"), STATUSES.index(status) if status in STATUSES else len(STATUSES),
                -(_NEVER if percent is None else percent), -(_NEVER if age is None else age),
                str(vm.get("vm_name")).lower())

    return sorted(vms, key=key)


def status_counts(vms: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """[{'status': 'never_replicated', 'vms': 2}, ...]: every status worst first, with its VMs (0 included)."""
    return [{"status": status, "vms": sum(1 for vm in vms if vm.get("status") == status)} for status in STATUSES]


def counts(vms: Sequence[Mapping[str, Any]], not_found: Sequence[Any], sessions: int, points: int,
           coverage_judged: bool = True, containers: Sequence[Mapping[str, Any]] = ()) -> dict[str, int | None]:
    """The counts of a run's result: VMs by status, failing, by finding (a VM counts once per
    finding it has; never_replicated is None when coverage was not judged, not a 0 nobody
    looked for), running, by the evidence the RPO was judged on; the records read; the names not found;
    the containers (not VMs) and those failing; the names not found an active waiver covers (_run_waivers)."""
    def having(test: Any) -> int:
        return sum(1 for vm in vms if test(vm))

    by_finding: dict[str, int | None] = {
        finding: having(lambda vm, finding=finding: finding in (vm.get("findings") or ())) for finding in _COUNTED}
    if not coverage_judged:
        by_finding["never_replicated"] = None
    return {
        "vms": len(vms),
        "ok": having(lambda vm: vm.get("status") == "ok"),
        "failing": having(lambda vm: vm.get("failing")),
        **by_finding,
        "running": having(lambda vm: vm.get("running")),
        "sessions": sessions,
        "restore_points": points,
        "judged_on_restore_point": having(lambda vm: vm.get("rpo_basis") == "restore_point"),
        "judged_on_session": having(lambda vm: vm.get("rpo_basis") == "session"),
        NOT_FOUND: len(not_found),
        "not_found_waived": sum(1 for missing in not_found if missing.get("waived")),
        "containers": len(containers),
        "containers_failing": sum(1 for container in containers if container.get("failing")),
    }


def read_run_fail_on(value: Any, prefix: str = "") -> tuple[str, ...]:
    """A run's fail_on (findings of VMs, failover_plan_not_ready and not_found) as a tuple; RUN_FAIL_ON for None.
    ConfigurationError naming `prefix`fail_on for anything else."""
    if value is None:
        return RUN_FAIL_ON
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, Sequence):
        raise ConfigurationError(f"{prefix}fail_on must be a list of findings, got {type(value).__name__}")
    choices = FINDINGS + (PLAN_NOT_READY, NOT_FOUND)
    unknown = sorted({str(item) for item in listed} - set(choices))
    if unknown:
        raise ConfigurationError(f"{prefix}fail_on has unknown finding(s) {', '.join(unknown)}; "
                                 f"choose from {', '.join(choices)}")
    return tuple(listed)


def read_empty_scope(value: Any, prefix: str = "") -> str:
    """'fail' (also for None) or 'warn'; ConfigurationError naming `prefix`empty_scope otherwise."""
    if value is None:
        return "fail"
    if value not in EMPTY_SCOPE_CHOICES:
        raise ConfigurationError(f"{prefix}empty_scope must be fail or warn, not {value!r}")
    return str(value)


def verdict(vms: Sequence[Mapping[str, Any]], not_found: Sequence[Mapping[str, Any]], fail_on: Sequence[str],
            empty_scope: str, prefix: str = "") -> dict[str, Any]:
    """Whether the run passed, and why not: {'passed', 'fails_on_not_found', 'fails_on_empty',
    'warnings'}. A failing VM, a name not found (that no active waiver covers: its `waived`) while
    not_found is in fail_on, and no VM at all while empty_scope is fail each fail the run; not_found
    outside fail_on and an empty scope with empty_scope warn are warnings instead. `prefix` goes before
    the option names the warnings mention (a role's replica_compliance_)."""
    fails_on_not_found = NOT_FOUND in fail_on and len(unwaived(not_found)) > 0
    fails_on_empty = len(vms) == 0 and empty_scope == "fail"
    warnings = []
    if len(vms) == 0 and empty_scope == "warn":
        warnings.append(f"{EMPTY_SCOPE_MESSAGE} {prefix}empty_scope is warn, so this does not fail the run.")
    if NOT_FOUND not in fail_on:
        warnings += [f"{NOT_FOUND} (not in {prefix}fail_on): {missing.get('message')}" for missing in not_found]
    return {
        "passed": not any(vm.get("failing") for vm in vms) and not fails_on_not_found and not fails_on_empty,
        "fails_on_not_found": fails_on_not_found,
        "fails_on_empty": fails_on_empty,
        "warnings": warnings,
    }


def _server_name(vm: Mapping[str, Any]) -> str:
    """The VM's backup server name, '' for none (its suite is then replica_compliance.)."""
    name = vm.get("backup_server_name")
    return "" if name is None else str(name)


def _server_key(vm: Mapping[str, Any]) -> str:
    return _server_name(vm).lower()


def _failure_type(vm: Mapping[str, Any], fail_on: Sequence[str]) -> str | None:
    """A failing VM's first finding that fail_on lists (its status if none does); None when it is not failing."""
    if not vm.get("failing"):
        return None
    return next((finding for finding in vm.get("findings") or () if finding in fail_on), str(vm.get("status")))


def junit_suites(vms: Sequence[Mapping[str, Any]], not_found: Sequence[Any], fail_on: Sequence[str],
                 empty_scope: str, not_judged: Sequence[Mapping[str, Any]] = (),
                 not_judged_fails: bool = False, containers: Sequence[Mapping[str, Any]] = (),
                 plans: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """What the JUnit report counts and decides, so its template only lays it out:
    {'tests', 'failures', 'skipped': over every suite,
     'scope': {'empty': no VM in scope (one test case), 'empty_warns': that case skipped (empty_scope warn)
               rather than failing, 'not_found_fails': each name not found (one test case each) failing
               rather than skipped (a waived one passes: _run_waivers), 'not_judged': the checks not judged (one test case each, its label the
               reason), 'not_judged_fails': those cases failing (coverage required) rather than skipped,
               'tests', 'failures', 'skipped'},
     'servers': [{'name': backup server name ('' for none), 'tests', 'failures',
                  'cases': [{'vm': the VM (or container) as given, 'container': whether it is a container,
                             'failure_type': its first finding in fail_on, None if passing}]}]}.
    Servers sorted by name ignoring case (names equal but for case share one suite, named as its first VM
    spells it), each server's VMs in their given order, then its containers. With `plans` (not None),
    'failover_plans' (plan_junit): one case per plan, in a suite of its own, counted in the totals."""
    empty, empty_warns, not_found_fails = len(vms) == 0, empty_scope == "warn", NOT_FOUND in fail_on
    scope_tests = int(empty) + len(not_found) + len(not_judged)
    # A waived name passes while it would fail: neither failed nor skipped.
    scope_waived = len(not_found) - len(unwaived(not_found)) if not_found_fails else 0
    scope_failures = (int(empty and not empty_warns) + (len(unwaived(not_found)) if not_found_fails else 0)
                      + (len(not_judged) if not_judged_fails else 0))
    servers = []
    # As Jinja's groupby did when the template grouped them: sorted and grouped ignoring case, stable.
    objects = [(vm, False) for vm in vms] + [(container, True) for container in containers]

    def server_of(pair: tuple[Mapping[str, Any], bool]) -> str:
        return _server_key(pair[0])

    for _key, grouped in groupby(sorted(objects, key=server_of), key=server_of):
        cases = [{"vm": vm, "container": container, "failure_type": _failure_type(vm, fail_on)}
                 for vm, container in grouped]
        servers.append({"name": _server_name(cases[0]["vm"]), "tests": len(cases),
                        "failures": sum(1 for case in cases if case["failure_type"] is not None), "cases": cases})
    plan_suite = plan_junit(plans or [], fail_on)
    suites = {
        "tests": len(objects) + scope_tests + plan_suite["tests"],
        "failures": sum(server["failures"] for server in servers) + scope_failures + plan_suite["failures"],
        "skipped": scope_tests - scope_failures - scope_waived + plan_suite["skipped"],
        "scope": {"empty": empty, "empty_warns": empty_warns, "not_found_fails": not_found_fails,
                  "not_judged": list(not_judged), "not_judged_fails": not_judged_fails, "tests": scope_tests,
                  "failures": scope_failures, "skipped": scope_tests - scope_failures - scope_waived},
        "servers": servers,
    }
    if plans is not None:
        suites["failover_plans"] = plan_suite
    return suites


def compliance_summary(vms: Any, not_found: Any = None, fail_on: Any = None, empty_scope: Any = None,
                       sessions: Any = None, points: Any = None, prefix: str = "",
                       not_judged: Any = None, require_coverage: Any = False, failover_plans: Any = None,
                       failover_plan_names: Any = None, *, sla_target: Any = None, waivers: Any = None,
                       now: Any = None) -> dict[str, Any]:
    """A run summed up: verdict() with 'counts', 'statuses' (status_counts), 'worst_first' (the VMs),
    'containers' (the containers included in jobs, worst first: split_containers; never counted as VMs),
    'empty_scope_message' (None while a VM is in scope), 'not_judged' (scope_not_judged; not in
    'warnings': the reader warned of each once), 'not_judged_failure' (with `require_coverage`,
    why coverage not judged fails the run, else None), 'not_found' (the given entries, then one per
    plan name in `failover_plan_names` that no plan has) and 'junit' (junit_suites). A failing container
    fails the run as a failing VM does. `failover_plans` are plan statuses (judge_plans'; None: plans not
    read or not asked for), kept by `failover_plan_names` (None or 'all': every one given): then
    'failover_plans' lists them worst first, the counts have theirs (plan_counts), and a plan held back
    fails the run while failover_plan_not_ready is in fail_on (its `failing`; 'failover_plans_failing', their names).
    With `waivers` and `now`, the run-level waivers (_run_waivers) mark plans and names not found `waived`
    (with their `waivers`): still listed, counted and reported, but not failing the run.
    `sessions` and `points` are the records read (lists, counted; None counts 0); `not_judged` the entries
    the reader could not judge (replica_evidence_info's), joined with those of the VMs. ConfigurationError,
    naming the option after `prefix`, for input that is not judged VMs, not_found entries or the choices above.
    Over the window (_window_summary.window_summary, with `sla_target`, the `waivers` file and `now`, the
    moment judged): 'sla', 'anomalies', 'waived', 'stale_waivers' (warned), their counts, and an SLA group
    below the target that fails (sla_below_target) fails the run, a case of junit's 'sla' suite."""
    judged = records_list(vms, "judged VMs (as the replica_status filter returns them)")
    for index, vm in enumerate(judged):
        if "status" not in vm:
            raise ConfigurationError(f"VM {index} has no status: give the replica_status filter's output")
    missing = records_list(not_found or [], "names not found (as the replica_not_found filter returns them)",
                           f"{prefix}not_found: ")
    plans, plans_missing = _plans(failover_plans, failover_plan_names, prefix)
    # The waivers file read once, for the run-level waivers and for the stale ones (with a moment to judge them at).
    waivers_read = read_waivers(str(waivers)) if waivers and now else None
    plans, missing = _run_waivers(plans, list(missing) + plans_missing, waivers_read, now)
    read = {name: len(records_list(records or [], "records", f"{name}: ")) for name, records in
            (("sessions", sessions), ("points", points))}
    unjudged = scope_not_judged(judged, records_list(not_judged or [], "entries (as replica_evidence_info "
                                                     "returns them)", f"{prefix}not_judged: "))
    unmet = unmet_requirement(unjudged, f"{prefix}require_coverage") if _flag(require_coverage, prefix) else None
    run_fail_on, run_empty_scope = read_run_fail_on(fail_on, prefix), read_empty_scope(empty_scope, prefix)
    in_vms, containers = split_containers(judged)
    failing_plans = plans_failing(plans or [], run_fail_on)
    # Each plan says whether it fails: two servers may name a plan alike, and a waiver may hold one of them only.
    failing_ids = {id(plan) for plan in failing_plans}
    plans = None if plans is None else [{**plan, "failing": id(plan) in failing_ids} for plan in plans]
    summary = verdict(in_vms, missing, run_fail_on, run_empty_scope, prefix)
    summary["passed"] = (summary["passed"] and unmet is None and not any(item.get("failing") for item in containers)
                         and not failing_plans)
    coverage_judged = not any(entry["checks"] == COVERAGE for entry in unjudged)
    summary.update(counts=counts(in_vms, missing, read["sessions"], read["points"], coverage_judged, containers),
                   statuses=status_counts(in_vms), worst_first=worst_first(in_vms), containers=worst_first(containers),
                   empty_scope_message=None if in_vms else EMPTY_SCOPE_MESSAGE,
                   not_judged=unjudged, not_judged_failure=unmet, not_found=missing,
                   failover_plans=None if plans is None else plans_worst_first(plans),
                   failover_plans_failing=[plan.get("name") for plan in failing_plans],
                   junit=junit_suites(in_vms, missing, run_fail_on, run_empty_scope, unjudged, unmet is not None,
                                      containers, None if plans is None else plans_worst_first(plans)))
    if plans is not None:
        summary["counts"].update(plan_counts(plans))
    _add_window(summary, in_vms, run_fail_on, sla_target, waivers_read, now, prefix, list(plans or []) + missing)
    return summary


def _run_waivers(plans: list[Mapping[str, Any]] | None, missing: list[Mapping[str, Any]],
                 waivers: Sequence[Waiver] | None, now: Any) -> tuple[list[Mapping[str, Any]] | None, list[Mapping[str, Any]]]:
    """The plans and names not found with the file's run-level waivers applied (_run_waivers); without the
    file read (None), as given with `waived`, `waivers` and `waiver_expired` defaulted (a report's second
    call keeps what the run gave them), so every report reads the same keys."""
    if waivers is None:
        return (None if plans is None else [_unwaived_keys(plan) for plan in plans]), [_unwaived_keys(m) for m in missing]
    moment = read_now(now)
    return (None if plans is None else waive_plans(plans, waivers, moment)), waive_not_found(missing, waivers, moment)


def _unwaived_keys(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"waived": False, "waivers": [], "waiver_expired": False, **entry}


def _add_window(summary: dict[str, Any], vms: Sequence[Mapping[str, Any]], fail_on: Sequence[str], sla_target: Any,
                waivers: Sequence[Waiver] | None, now: Any, prefix: str, run_level: Sequence[Mapping[str, Any]] = ()) -> None:
    """The judgements over the window added to a summary: their parts, counts, warnings and JUnit suite;
    `run_level` the plans and names not found, whose waivers are not stale."""
    window = window_summary(vms, fail_on, sla_target, waivers, read_now(now) if now else None, prefix, run_level)
    summary["counts"].update(window.pop("window_counts"))
    summary["warnings"] = summary["warnings"] + window.pop("window_warnings")
    summary.update(window)
    suite = sla_junit(window["sla"]["groups"])
    if suite["tests"]:  # only where some VM has an SLA: no empty suite
        summary["junit"]["sla"] = suite
        for key in ("tests", "failures"):
            summary["junit"][key] += suite[key]
    summary["passed"] = summary["passed"] and not window["sla"]["groups_failing"]


def _plans(plans: Any, names: Any, prefix: str) -> tuple[list[Mapping[str, Any]] | None, list[dict[str, str]]]:
    """The plan statuses asked for (None when not read), and the not_found entries of the names no plan has."""
    if plans is None:
        return None, []
    given = records_list(plans, "failover plan statuses (as the failover_plan_status filter returns them)",
                         f"{prefix}failover_plans: ")
    wanted = None if names is None else read_plan_names(names, prefix)
    return select_plans(given, wanted)


def _flag(value: Any, prefix: str) -> bool:
    """require_coverage as a bool; ConfigurationError naming it for anything else."""
    if value is None or isinstance(value, bool):
        return bool(value)
    raise ConfigurationError(f"{prefix}require_coverage must be true or false, not {value!r}")


def scope_not_judged(vms: Sequence[Mapping[str, Any]], given: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What the run did not judge: the given entries and those of the VMs, each once, with its
    'label' for a report's scope and its 'message' (the warning) added."""
    entries = union(given, *(vm.get("not_judged") or () for vm in vms))
    return [{**entry, "label": label(entry), "message": message(entry)} for entry in entries]
