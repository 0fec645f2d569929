# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replica_compliance_summary filter: a run's counts, verdict, warnings and worst-first order
from judged VMs, and the EM's URL without credentials."""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.filter import replica_compliance_summary as summary_module
from ansible_collections.veeam_em.core.plugins.filter.replica_compliance_summary import replica_compliance_summary
from ansible_collections.veeam_em.core.plugins.filter.replica_status import replica_status
from ansible_collections.veeam_em.core.plugins.module_utils.em._url import public_url


def vm(name, status="ok", failing=False, findings=None, percent=None, age=None, running=False, basis="session"):
    """A judged VM as the replica_status filter gives one, with only what the summary reads."""
    return {"vm_name": name, "backup_server_name": "vbr-a", "status": status, "failing": failing,
            "findings": findings if findings is not None else ([] if status == "ok" else [status]),
            "rpo_used_percent": percent, "rpo_age_seconds": age, "running": running, "rpo_basis": basis}


ESTATE = [
    vm("web01", percent=40, age=3600, basis="restore_point"),
    vm("db01", "rpo_breach", True, ["rpo_breach", "failed"], percent=150, age=36000, basis="restore_point"),
    vm("mail01", "warning", percent=20, age=1800, running=True),
    vm("erp01", "never_succeeded", True, ["never_succeeded", "rpo_breach", "failed"], basis="session"),
    vm("fs01", "failed", True, ["failed"], percent=90, age=7200, basis="restore_point"),
    vm("App02", "rpo_breach", True, percent=150, age=36000, basis="restore_point"),
    vm("new01", "never_replicated", False, basis=None),
]
NOT_FOUND = [{"kind": "vm", "name": "db99", "message": "VM 'db99' matches nothing Enterprise Manager returned"}]


def test_the_filter_is_registered_under_its_name():
    assert summary_module.FilterModule().filters() == {"replica_compliance_summary": replica_compliance_summary}


def test_counts_by_status_finding_evidence_and_records_read():
    summary = replica_compliance_summary(ESTATE, not_found=NOT_FOUND, sessions=[{}] * 12, points=[{}] * 5)
    assert summary["counts"] == {
        "vms": 7, "ok": 1, "failing": 4, "never_succeeded": 1, "never_replicated": 1, "rpo_breach": 3, "failed": 3,
        "warning": 1, "running": 1, "sessions": 12, "restore_points": 5, "judged_on_restore_point": 4,
        "judged_on_session": 2, "not_found": 1, "not_found_waived": 0, "containers": 0, "containers_failing": 0,
        # Nothing over the window in this estate: no SLA, anomaly, waiver or expired one.
        "sla_below_target": 0, "duration_anomaly": 0, "size_anomaly": 0, "waiver_expired": 0, "waived": 0,
        "stale_waivers": 0, "sla_groups_below_target": 0, "anomalous_runs": 0}
    assert summary["statuses"] == [
        {"status": "never_replicated", "vms": 1}, {"status": "never_succeeded", "vms": 1}, {"status": "rpo_breach", "vms": 2},
        {"status": "failed", "vms": 1}, {"status": "sla_below_target", "vms": 0}, {"status": "warning", "vms": 1},
        {"status": "duration_anomaly", "vms": 0}, {"status": "size_anomaly", "vms": 0},
        {"status": "waiver_expired", "vms": 0}, {"status": "ok", "vms": 1}]


def test_worst_first_failing_then_status_then_rpo_used_then_age_then_name_ignoring_case():
    order = [entry["vm_name"] for entry in replica_compliance_summary(ESTATE)["worst_first"]]
    # Failing: never_succeeded, the two rpo_breach (same share and age: by name, App02 before db01), failed;
    # then not failing: never_replicated, warning, ok.
    assert order == ["erp01", "App02", "db01", "fs01", "new01", "mail01", "web01"]


def test_among_equals_no_evidence_is_worse_than_any_share_and_the_older_evidence_comes_first():
    vms = [vm("a", "rpo_breach", True, percent=300, age=100), vm("b", "rpo_breach", True, percent=None, age=None),
           vm("c", "rpo_breach", True, percent=300, age=900)]
    assert [entry["vm_name"] for entry in replica_compliance_summary(vms)["worst_first"]] == ["b", "c", "a"]


def test_the_order_leaves_the_vms_as_they_are():
    given = [dict(entry) for entry in ESTATE]
    summary = replica_compliance_summary(given)
    assert given == ESTATE and sorted(map(id, summary["worst_first"])) == sorted(map(id, given))


@pytest.mark.parametrize(("vms", "not_found", "fail_on", "empty_scope", "passed", "on_names", "on_empty"), [
    (ESTATE[:1], [], None, None, True, False, False),                      # all well
    (ESTATE[:2], [], None, None, False, False, False),                     # a failing VM
    (ESTATE[:1], NOT_FOUND, None, None, False, True, False),               # not_found is in the default fail_on
    (ESTATE[:1], NOT_FOUND, ["rpo_breach"], None, True, False, False),     # ... and only a warning outside it
    ([], [], None, None, False, False, True),                              # no VM fails by default
    ([], [], None, "warn", True, False, False),                            # ... and only warns with warn
    ([], NOT_FOUND, None, "warn", False, True, False),
])
def test_what_fails_the_run(vms, not_found, fail_on, empty_scope, passed, on_names, on_empty):
    summary = replica_compliance_summary(vms, not_found=not_found, fail_on=fail_on, empty_scope=empty_scope)
    assert (summary["passed"], summary["fails_on_not_found"], summary["fails_on_empty"]) == (passed, on_names, on_empty)


def test_the_warnings_name_the_options_as_the_caller_calls_them():
    summary = replica_compliance_summary([], not_found=NOT_FOUND, fail_on=["failed"], empty_scope="warn",
                                         option_prefix="replica_compliance_")
    assert summary["warnings"] == [
        summary["empty_scope_message"] + " replica_compliance_empty_scope is warn, so this does not fail the run.",
        "not_found (not in replica_compliance_fail_on): VM 'db99' matches nothing Enterprise Manager returned"]
    assert summary["empty_scope_message"].startswith("No VM is in scope: nothing Enterprise Manager returned")
    assert replica_compliance_summary(ESTATE)["empty_scope_message"] is None
    assert replica_compliance_summary([], empty_scope="warn")["warnings"][0].endswith(" empty_scope is warn, so this does not fail the run.")


@pytest.mark.parametrize(("arguments", "message"), [
    ({"vms": {"vm_name": "db01"}}, r"^replica_compliance_summary: expects a list of judged VMs .*, got dict$"),
    ({"vms": [{"vm_name": "db01"}]}, r"^replica_compliance_summary: VM 0 has no status: give the replica_status filter's output$"),
    ({"fail_on": ["rpo_breach", "late"]}, r"^replica_compliance_summary: fail_on has unknown finding\(s\) late; choose from .*not_found$"),
    ({"fail_on": ["late"], "option_prefix": "replica_compliance_"}, r"^replica_compliance_fail_on has unknown finding\(s\) late"),
    ({"empty_scope": "ignore"}, r"^replica_compliance_summary: empty_scope must be fail or warn, not 'ignore'$"),
    ({"not_found": "db99"}, r"^replica_compliance_summary: not_found: expects a list of names not found"),
    ({"sessions": 12}, r"^replica_compliance_summary: sessions: expects a list of records, got int$"),
])
def test_input_that_cannot_work_is_refused_by_name(arguments, message):
    vms = arguments.pop("vms", ESTATE)
    with pytest.raises(AnsibleFilterError, match=message):
        replica_compliance_summary(vms, **arguments)


@pytest.mark.parametrize(("url", "shown"), [
    ("https://CORP%5Cem-reader:S3cret@EM.test.example:9398/api/?token=S3cret#x", "https://em.test.example:9398/api/"),
    ("https://em.test.example/api", "https://em.test.example/api"),      # no port given, none added
    ("  https://10.0.0.5:9398  ", "https://10.0.0.5:9398"),
    ("https://[fd00::5]:9398/api/", "https://[fd00::5]:9398/api/"),
    ("HTTPS://em.example", "https://em.example"),
])
def test_the_em_is_named_without_user_password_query_or_fragment(url, shown):
    assert public_url(url) == shown
    assert replica_compliance_summary([], url=url)["enterprise_managers"] == [{"url": shown}]


@pytest.mark.parametrize("url", [None, "", "em.example.com", "https://", "https://em.example:port/api"])
def test_a_url_without_a_host_to_show_names_no_em(url):
    assert replica_compliance_summary([], url=url)["enterprise_managers"] == []


def test_it_sums_up_what_the_replica_status_filter_judged():
    sessions = [
        {"vm_name": "db01", "job_name": "Gold", "backup_server_name": "vbr-a", "backup_server_id": "a", "state": "Completed",
         "result": "Failed", "reason": "disk full", "creation_time": "2026-11-29T05:00:00Z", "end_time": "2026-11-29T05:10:00Z"},
        {"vm_name": "web01", "job_name": "Gold", "backup_server_name": "vbr-a", "backup_server_id": "a", "state": "Completed",
         "result": "Success", "reason": "", "creation_time": "2026-11-29T04:00:00Z", "end_time": "2026-11-29T04:10:00Z"},
    ]
    judged = replica_status(sessions, rpo="24h", now="2026-11-29T06:00:00Z")
    summary = replica_compliance_summary(judged, sessions=sessions)
    assert [entry["vm_name"] for entry in summary["worst_first"]] == ["db01", "web01"]
    assert (summary["passed"], summary["counts"]["failing"], summary["counts"]["never_succeeded"]) == (False, 1, 1)


def on(server, entry):
    """The VM `entry` on backup server `server` (None: without a backup_server_name)."""
    entry = {key: value for key, value in entry.items() if key != "backup_server_name"}
    return entry if server is None else {**entry, "backup_server_name": server}


def test_junit_has_a_suite_per_backup_server_by_name_ignoring_case_with_its_vms_in_the_order_given():
    vms = [on("vbr-b", vm("db01", "rpo_breach", True, ["warning", "rpo_breach", "failed"])), on("VBR-a", vm("web01")),
           on("vbr-b", vm("mail01", "warning")), on("vbr-A", vm("app01", "failed", True)), on(None, vm("x01"))]
    junit = replica_compliance_summary(vms, not_found=NOT_FOUND, fail_on=["rpo_breach", "failed", "not_found"])["junit"]
    # '' sorts first; VBR-a and vbr-A are one suite named as its first VM spells it; db01's first finding
    # in fail_on is rpo_breach (warning is not listed).
    assert [(server["name"], server["tests"], server["failures"],
             [(case["vm"]["vm_name"], case["failure_type"]) for case in server["cases"]]) for server in junit["servers"]] == [
        ("", 1, 0, [("x01", None)]),
        ("VBR-a", 2, 1, [("web01", None), ("app01", "failed")]),
        ("vbr-b", 2, 1, [("db01", "rpo_breach"), ("mail01", None)])]
    assert junit["servers"][1]["cases"][1]["vm"] is vms[3]
    # Five VMs and the one name not found (failing: not_found is in fail_on).
    assert (junit["tests"], junit["failures"], junit["skipped"]) == (6, 3, 0)
    assert junit["scope"] == {"empty": False, "empty_warns": False, "not_found_fails": True, "not_judged": [],
                              "not_judged_fails": False, "tests": 1, "failures": 1, "skipped": 0}


def no_vm_scope(empty_warns: bool, not_found_fails: bool, tests: int, failures: int, skipped: int) -> dict:
    """The scope suite of a run with no VM and nothing left unjudged."""
    return {"empty": True, "empty_warns": empty_warns, "not_found_fails": not_found_fails, "not_judged": [],
            "not_judged_fails": False, "tests": tests, "failures": failures, "skipped": skipped}


@pytest.mark.parametrize(("not_found", "fail_on", "empty_scope", "scope"), [
    # no VM: one case for the empty scope, one per name not found; failing or skipped as the options say.
    ([], None, None, no_vm_scope(False, True, 1, 1, 0)),
    ([], None, "warn", no_vm_scope(True, True, 1, 0, 1)),
    (NOT_FOUND * 2, None, None, no_vm_scope(False, True, 3, 3, 0)),
    (NOT_FOUND * 2, ["failed"], "warn", no_vm_scope(True, False, 3, 0, 3)),
    (NOT_FOUND * 2, ["failed"], "fail", no_vm_scope(False, False, 3, 1, 2)),
])
def test_junit_without_vms_has_only_the_scope_suite_never_a_green_zero(not_found, fail_on, empty_scope, scope):
    junit = replica_compliance_summary([], not_found=not_found, fail_on=fail_on, empty_scope=empty_scope)["junit"]
    assert junit == {"tests": scope["tests"], "failures": scope["failures"], "skipped": scope["skipped"],
                     "scope": scope, "servers": []}


def test_junit_names_a_failing_vm_without_a_listed_finding_by_its_status():
    junit = replica_compliance_summary([vm("z01", "warning", True)], fail_on=["failed"])["junit"]
    assert [case["failure_type"] for case in junit["servers"][0]["cases"]] == ["warning"]
    assert (junit["tests"], junit["failures"], junit["skipped"], junit["scope"]["tests"]) == (1, 1, 0, 0)
