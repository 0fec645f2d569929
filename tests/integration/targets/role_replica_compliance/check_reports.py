# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the replica_compliance reports: JSON keys, the common JUnit XML shape, the HTML page and the context
(EM, collection version, scope) in all three.

    python check_reports.py REPORT_DIR --vms N --failing F --version V [--em-url URL] [--context]
                            [--not-judged REASON ...] [--containers C] [--summary-log LOG]

--context: the result also has scope, not_found and warnings (set by the role since issue 19, written by hand
in files/report_context.json), and every report must show them.
--not-judged: the reasons the run could not judge coverage for (issue 25: an account without the Portal
Administrator role), each shown by its label in every report; none given, the run judged everything.
Every run: each count agrees in every place it is shown (check_agreement.py, issue 29); --containers: the
containers included in jobs (never VMs) the run reports; --summary-log: the run's log, whose summary line must agree too.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from check_agreement import check_agreement, is_run_case

# The JSON report's keys are a contract: adding one is fine, renaming or removing one is not.
TOP_KEYS = {"schema_version", "evaluated_at", "window", "rpo", "rpo_by_job", "rpo_basis", "include_unreplicated", "fail_on",
            "passed", "counts", "vms", "reports", "enterprise_managers", "collection_version", "containers", "failover_plans",
            # Issue 28: the SLA by group and the lowest VMs, the anomalous runs, the waived VMs, the stale waivers.
            "sla", "anomalies", "waived", "stale_waivers"}
CONTEXT_KEYS = {"scope", "not_found", "warnings"}
COUNT_KEYS = {"vms", "ok", "failing", "never_replicated", "never_succeeded", "rpo_breach", "failed", "warning", "running", "sessions",
              "restore_points", "judged_on_restore_point", "judged_on_session", "containers", "containers_failing",
              "sla_below_target", "duration_anomaly", "size_anomaly", "waiver_expired", "waived", "stale_waivers",
              "sla_groups_below_target", "anomalous_runs",
              # Issue 28: the names not found an active waiver covers.
              "not_found_waived"}
# Issue 27: counted only when failover plans were asked for and read (issue 28: those held back and waived).
PLAN_COUNT_KEYS = {"failover_plans", "failover_plans_ready", "failover_plans_held_back", "failover_plans_not_judged",
                   "failover_plans_waived"}
# Issue 28: a name not found carries its waivers (waived: an active one covers it, so it does not fail the run);
# a result written by hand (report_context.yml) may leave them out.
NOT_FOUND_KEYS = {"kind", "name", "message"}
NOT_FOUND_WAIVER_KEYS = {"waived", "waivers", "waiver_expired"}
VM_KEYS = {
    "vm_name", "backup_server_id", "backup_server_name", "job_name", "job_names", "latest_session", "last_result",
    "last_success_time", "last_success_age_seconds", "consecutive_failures", "running", "never_succeeded",
    "session_count", "rpo_seconds", "rpo_breached", "findings", "status", "failing", "message",
    "last_success_age_text", "rpo_text", "rpo_used_percent",
    "last_point_time", "last_point_age_seconds", "last_point_age_text", "restore_points", "rpo_basis", "rpo_evidence_time",
    "rpo_age_seconds", "rpo_evidence_text", "never_replicated", "object_type", "job_schedule_enabled", "job_next_run",
    "job_overdue", "not_judged", "protection", "rpo_source", "cdp", "failover_plans",
    "sla", "anomalies", "waived_findings", "waivers", "waived",
}
# Issue 19: the keys of the result's scope.
SCOPE_KEYS = {"vm_names", "exclude_vm_names", "job_names", "exclude_job_names", "backup_server_names",
              "exclude_backup_server_names", "lookback", "created_after", "created_before", "rpo", "rpo_by_job",
              "rpo_basis", "include_unreplicated", "empty_scope", "inventory_group", "inventory_vm_names", "not_judged",
              "include_cdp", "cdp_rpo_source", "failover_plans",
              "waivers", "sla_target", "anomalies", "anomaly_threshold", "anomaly_min_history"}
# Issue 25: what a check not judged says, as docs/docsite/rst/em_api_notes.rst ("Roles") and the role's docs word it.
NOT_JUDGED_KEYS = {"checks", "reason", "label", "message"}
PORTAL_ADMINISTRATOR_NEEDED = "reading replication jobs needs the Portal Administrator role in Enterprise Manager"
# Attributes the common JUnit schema (Jenkins, GitLab, Azure DevOps) allows on each element.
JUNIT_ATTRIBUTES = {
    "testsuites": {"name", "tests", "failures", "errors", "skipped", "disabled", "time"},
    "testsuite": {"name", "tests", "failures", "errors", "skipped", "disabled", "time", "timestamp", "hostname", "id", "package"},
    "testcase": {"name", "classname", "time", "assertions", "status"},
    "failure": {"message", "type"},
    "skipped": {"message"},
    "property": {"name", "value"},
}
# Worst first: a failing VM before any other, then by status, then by the share of its RPO used.
SEVERITY = ["never_replicated", "never_succeeded", "rpo_breach", "failed", "sla_below_target", "warning", "duration_anomaly",
            "size_anomaly", "waiver_expired", "ok"]
CHART_LIMIT = 25


SECRETS = ("Sim-Passw0rd!",)  # the simulator's password: never in a report


def readable(stamp: str) -> str:
    """2026-11-29T06:00:00Z as the HTML report shows it: to the second, in UTC."""
    return datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").strftime("%Y-%m-%d %H:%M:%S") + "\u00a0UTC"


def check_json(path: Path, args: argparse.Namespace) -> dict:
    report = json.loads(path.read_text(encoding="utf-8"))
    assert set(report) - CONTEXT_KEYS == TOP_KEYS, f"JSON keys changed: {sorted((set(report) - CONTEXT_KEYS) ^ TOP_KEYS)}"
    assert not args.context or CONTEXT_KEYS <= set(report), f"no {sorted(CONTEXT_KEYS - set(report))} in the JSON report"
    assert report["schema_version"] == 1
    counts = set(report["counts"]) - {"not_found"}
    plans_counted = bool(report["failover_plans"]) or PLAN_COUNT_KEYS <= counts
    expected_keys = COUNT_KEYS | (PLAN_COUNT_KEYS if plans_counted else set())
    assert counts == expected_keys, f"count keys changed: {sorted(counts ^ expected_keys)}"
    assert report["counts"]["vms"] == args.vms == len(report["vms"]), report["counts"]
    assert report["counts"]["failing"] == args.failing == sum(vm["failing"] for vm in report["vms"]), report["counts"]
    # Passed: no failing VM, no name that matched nothing while not_found fails the run, and some VM (or the
    # run says an empty scope only warns).
    fails_on_scope = "not_found" in report["fail_on"] and any(not item.get("waived") for item in report.get("not_found", []))
    assert report["counts"]["containers"] == args.containers == len(report["containers"]), report["counts"]
    held_back = [plan for plan in report["failover_plans"] if plan["ready"] is False and not plan.get("waived")]
    plans_fail = "failover_plan_not_ready" in report["fail_on"] and bool(held_back)
    assert report["passed"] is (args.failing == 0 and report["counts"]["containers_failing"] == 0 and not fails_on_scope
                                and not plans_fail and not report["sla"]["groups_failing"]
                                and (args.vms > 0 or args.passed_empty)), report["passed"]
    assert report["collection_version"] == args.version, (report["collection_version"], args.version)
    expected_ems = [{"url": args.em_url}] if args.em_url else []
    assert report["enterprise_managers"] == expected_ems, (report["enterprise_managers"], expected_ems)
    for vm in report["vms"] + report["containers"]:
        assert set(vm) == VM_KEYS, f"VM keys changed: {sorted(set(vm) ^ VM_KEYS)}"
    assert set(report["scope"]) == SCOPE_KEYS, f"scope keys changed: {sorted(set(report['scope']) ^ SCOPE_KEYS)}"
    assert report["scope"]["created_after"] == report["window"]["created_after"], report["scope"]
    assert report["counts"]["not_found"] == len(report["not_found"]), report["not_found"]
    assert all(set(item) - NOT_FOUND_WAIVER_KEYS == NOT_FOUND_KEYS for item in report["not_found"]), report["not_found"]
    assert isinstance(report["warnings"], list), report["warnings"]
    check_not_judged(report, args.not_judged)
    return report


def check_not_judged(report: dict, reasons: list[str]) -> None:
    """Exactly the expected checks not judged, each with its label and a message naming the role; coverage
    not judged leaves never_replicated null (not a 0 nobody looked for) in the counts and on every VM."""
    entries = report["scope"]["not_judged"]
    assert [entry["reason"] for entry in entries] == reasons, (entries, reasons)
    for entry in entries:
        assert set(entry) == NOT_JUDGED_KEYS and entry["checks"] == "coverage", entry
        assert entry["label"] == "not judged: " + entry["reason"], entry
        assert PORTAL_ADMINISTRATOR_NEEDED in entry["message"] and entry["message"].endswith(
            "so VMs in jobs that never ran, disabled jobs and overdue jobs are not judged"), entry
    coverage = [{"checks": "coverage", "reason": reason} for reason in reasons]
    assert (report["counts"]["never_replicated"] is None) is bool(coverage), report["counts"]
    for vm in report["vms"]:
        assert vm["not_judged"] == coverage, (vm["vm_name"], vm["not_judged"])
        assert vm["never_replicated"] is None if coverage else isinstance(vm["never_replicated"], bool), vm


def check_properties(suite: ET.Element, report: dict, context: bool) -> None:
    """Each suite carries the run's context, so a reader of one suite in Jenkins sees it."""
    found: dict[str, list[str]] = {}
    for prop in suite.findall("properties/property"):
        found.setdefault(prop.get("name"), []).append(prop.get("value"))
    scope = report.get("scope", {})
    expected = {
        "evaluated_at": report["evaluated_at"], "collection_version": report["collection_version"],
        "enterprise_managers": " ".join(em["url"] for em in report["enterprise_managers"]),
        "created_after": report["window"]["created_after"], "created_before": report["window"]["created_before"],
        "rpo": report["rpo"], "rpo_basis": report["rpo_basis"], "fail_on": ",".join(report["fail_on"]),
    }
    for name, value in expected.items():
        assert found.get(name) == [value], f"{suite.get('name')}: property {name} is {found.get(name)}, not {value!r}"
    assert json.loads(found["rpo_by_job"][0]) == report["rpo_by_job"], found["rpo_by_job"]
    if context:
        for key, value in scope.items():
            if key not in expected and key not in ("rpo_by_job", "include_unreplicated", "inventory_vm_names", "not_judged"):
                shown = found.get(f"scope.{key}", [None])[0]
                assert (shown if isinstance(value, str) else json.loads(shown)) == value, (key, shown)
        assert found.get("warning", []) == report["warnings"], found.get("warning")


def check_junit(path: Path, report: dict, context: bool) -> None:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites", root.tag
    for element in root.iter():
        allowed = JUNIT_ATTRIBUTES.get(element.tag)
        if allowed is not None:
            assert set(element.attrib) <= allowed, f"<{element.tag}> has {sorted(set(element.attrib) - allowed)}"
    suites = root.findall("testsuite")
    assert suites and all(child.tag == "testsuite" for child in root), "testsuites holds only testsuite elements"
    assert int(root.get("tests")) > 0, "a JUnit report with tests=0 reads as green"
    for suite in suites:
        check_properties(suite, report, context)
        assert int(suite.get("tests")) == len(suite.findall("testcase")), suite.get("name")
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure")), suite.get("name")
        assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped")), suite.get("name")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", suite.get("timestamp", "")), suite.get("timestamp")
    cases = [case for case in root.findall("testsuite/testcase") if not is_run_case(case)]
    failures = [case.find("failure") for case in cases if case.find("failure") is not None]
    scope_failures, scope_skipped = check_scope_cases(root, report)
    # The failover plans' suite (check_plans.py checks its cases): one case per plan, counted in the totals.
    plan_cases = root.findall("testsuite[@name='replica_compliance.failover_plans']/testcase")
    assert len(plan_cases) == len(report["failover_plans"]), (len(plan_cases), len(report["failover_plans"]))
    plan_failures = sum(case.find("failure") is not None for case in plan_cases)
    plan_skipped = sum(case.find("skipped") is not None for case in plan_cases)
    # Issue 28: one case per SLA group, failing exactly where the JSON says the group fails the run.
    sla_cases = root.findall("testsuite[@name='replica_compliance.sla']/testcase")
    assert len(sla_cases) == len(report["sla"]["groups"]), (len(sla_cases), len(report["sla"]["groups"]))
    sla_failures = sum(case.find("failure") is not None for case in sla_cases)
    assert sla_failures == len(report["sla"]["groups_failing"]), (sla_failures, report["sla"]["groups_failing"])
    assert all("sla_percent: " in (case.findtext("system-out") or "") for case in sla_cases)
    assert len(cases) == report["counts"]["vms"] + report["counts"]["containers"], (len(cases), report["counts"])
    assert int(root.get("tests")) == len(root.findall("testsuite/testcase")), root.get("tests")
    assert int(root.get("failures")) == len(failures) + scope_failures + plan_failures + sla_failures == (
        report["counts"]["failing"] + report["counts"]["containers_failing"] + scope_failures + plan_failures + sla_failures)
    assert int(root.get("skipped")) == scope_skipped + plan_skipped, root.get("skipped")
    for case in cases:
        assert case.get("name") and case.get("classname"), case.attrib
    for failure in failures:
        assert failure.get("message") and failure.get("type") in {"rpo_breach", "failed", "warning", "never_succeeded",
                                                                  "never_replicated", "sla_below_target", "duration_anomaly",
                                                                  "size_anomaly", "waiver_expired"}
        assert "rpo evidence: " in (failure.text or ""), "a failure names the evidence its RPO was judged on"
    names = sorted(case.get("name") for case in cases)
    containers = [f"{item['object_type']}: {item['vm_name']}" for item in report["containers"]]
    assert names == sorted([vm["vm_name"] for vm in report["vms"]] + containers), names


def check_scope_cases(root: ET.Element, report: dict) -> tuple[int, int]:
    """The scope's findings as test cases: no VM in scope (failing unless the empty scope only warns), each
    name that matched nothing (failing while not_found is in fail_on, else skipped) and each check not judged
    (skipped, its label the message). (failures, skipped)"""
    cases = {case.get("name"): case for case in root.findall("testsuite/testcase[@classname='replica_compliance.scope']")}
    expected = {}
    if not report["vms"]:
        warns = report.get("scope", {}).get("empty_scope", "warn" if report["passed"] else "fail") == "warn"
        expected["scope"] = ("skipped" if warns else "failure", "No VM was in scope")
    for missing in report.get("not_found", []):
        verdict = "failure" if "not_found" in report["fail_on"] else "skipped"
        # A waived name passes while it would fail, saying why in its output.
        verdict = "system-out" if verdict == "failure" and missing.get("waived") else verdict
        expected[f"not_found: {missing['kind']} {missing['name']}"] = (verdict, missing["message"])
    not_judged = {f"not_judged: {entry['checks']}": entry["label"] for entry in report["scope"].get("not_judged", [])}
    expected.update((name, ("skipped", label)) for name, label in not_judged.items())
    assert sorted(cases) == sorted(expected), (sorted(cases), sorted(expected))
    for name, (verdict, message) in expected.items():
        element = cases[name].find(verdict)
        assert element is not None, (name, ET.tostring(cases[name]))
        shown = (element.text or "") if verdict == "system-out" else element.get("message", "")
        assert message in shown, (name, ET.tostring(cases[name]))
        assert verdict != "system-out" or cases[name].find("failure") is None, (name, ET.tostring(cases[name]))
        assert name not in not_judged or element.get("message") == message, (name, element.get("message"))
    failures = sum(verdict == "failure" for verdict, _message in expected.values())
    return failures, sum(verdict == "skipped" for verdict, _message in expected.values())


def table_rows(page: str) -> list[tuple[str, bool, str, str]]:
    """(status, failing, VM name, backup server) of each table row, in the page's order."""
    # A name breaks only at its separators (a <wbr> after each): read without them.
    rows = re.findall(r'<tr data-findings="[^"]*" data-running="\w+" class="vm (\w+)" data-failing="(true|false)" data-waived="\w+">\n<td[^>]*>.*?</td>\n'
                      r'<td class="name" title="[^"]*"><b>([^<]*)</b><br><span class="muted">([^<]*)</span>', page.replace("<wbr>", ""))
    return [(status, failing == "true", html.unescape(name), html.unescape(server)) for status, failing, name, server in rows]


def check_order(rows: list[tuple[str, bool, str, str]], report: dict) -> None:
    """Worst first: failing before not, then by status, then by the share of the RPO used (never: the most)."""
    vms = {(vm["vm_name"], vm["backup_server_name"]): vm for vm in report["vms"]}
    keys = []
    for status, failing, name, server in rows:
        vm = vms[(name, server)]
        assert (vm["status"], vm["failing"]) == (status, failing), (name, server, status, failing)
        used = vm["rpo_used_percent"] if vm["rpo_used_percent"] is not None else float("inf")
        keys.append((not failing, SEVERITY.index(status), -used))
    wrong = [(rows[i], rows[i + 1]) for i in range(len(keys) - 1) if keys[i] > keys[i + 1]]
    assert not wrong, f"the table is not worst first: {wrong[:3]}"


def check_html(path: Path, report: dict, context: bool) -> None:
    page = path.read_text(encoding="utf-8")
    # Nothing inline that Jenkins' CSP (style-src 'self', no script) refuses; nothing fetched from elsewhere.
    assert "<style" not in page and not re.search(r"\sstyle\s*=", page), "inline styles"
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page) and not re.search(r"<script[^>]*>[^<]", page), "inline script"
    assert not re.search(r"\son\w+\s*=", page), "inline event handlers"
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page)
    assert set(references) - {"replica-compliance.css", "replica-compliance.js"} <= {r for r in references if r.startswith("#")}, references
    for asset in ("replica-compliance.css", "replica-compliance.js"):
        assert asset in references and (path.parent / asset).is_file(), f"{asset} is not next to the report"
    rows = table_rows(page)
    assert len(rows) == report["counts"]["vms"], f"{len(rows)} rows for {report['counts']['vms']} VMs"
    check_order(rows, report)
    bars = [html.unescape(name) for name in re.findall(r'<g class="bar" data-vm="([^"]*)"', page)]
    assert bars == [name for _s, _f, name, _server in rows[:CHART_LIMIT]], "the chart shows the table's first (worst) VMs"
    more = re.search(r'<p class="more" id="chart-more">and (\d+) more VMs', page)
    assert (int(more.group(1)) if more else 0) == max(0, len(rows) - CHART_LIMIT), "the chart says how many it left out"
    check_html_context(page, report, context)
    # The evidence column holds each VM's evidence.
    evidence = sorted(html.unescape(text) for text in re.findall(r'<td data-basis="\w*">([^<]*)</td>', page))
    assert evidence == sorted(vm["rpo_evidence_text"] or "none" for vm in report["vms"]), evidence


def check_html_context(page: str, report: dict, context: bool) -> None:
    """Which EM, which collection version, the scope and when: to the second, in UTC."""
    text = html.unescape(page)
    for em in report["enterprise_managers"]:
        assert f"<code>{em['url']}</code>" in text, em
    assert report["enterprise_managers"] or "not named to the role" in text
    assert f"veeam_em.core {report['collection_version']}" in text
    when = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', text)
    assert when and all(shown == readable(stamp) for stamp, shown in when), when[:3]
    for stamp in (report["evaluated_at"], report["window"]["created_after"], report["window"]["created_before"]):
        assert f'<time datetime="{stamp}">' in text, stamp
    for status in {vm["status"] for vm in report["vms"]} | {"failing"}:
        assert f'<a href="#show-{status}" ' in page and f'id="show-{status}"' in page, f"no filter for {status}"
    if context:
        for missing in report["not_found"]:
            assert f"<code>{missing['name']}</code>" in text and missing["message"] in text, missing
        assert all(warning in text for warning in report["warnings"]), report["warnings"]
        for key in ("vm_names", "job_names", "backup_server_names"):
            for name in report["scope"][key] + report["scope"]["exclude_" + key]:
                assert f"<code>{name}</code>" in text, (key, name)
        assert f"replica_compliance_empty_scope: {report['scope']['empty_scope']}" in text
    check_html_not_judged(page, report)


def check_html_not_judged(page: str, report: dict) -> None:
    """Each check not judged by its label, up top with its message and where never replicated VMs would be
    judged; the never replicated card says not judged instead of a count."""
    text = html.unescape(page)
    entries = report["scope"].get("not_judged", [])
    listed = re.search(r'<section id="not-judged" class="not-judged">(.*?)</section>', text, re.S)
    assert bool(listed) is bool(entries), "a Not judged section without a check not judged, or none with one"
    never = re.search(r"<dt>VMs never replicated</dt><dd>(.*?)</dd>", text, re.S).group(1)
    for entry in entries:
        assert f"<b>{entry['checks']} {entry['label']}</b>: {entry['message']}" in listed.group(1), entry
        assert entry["label"] in never, never
    card = re.search(r'<div class="card (never_replicated|not_judged)" data-count-of="never_replicated"><b>([^<]*)</b>never replicated</div>', page)
    shown = "not judged" if report["counts"]["never_replicated"] is None else str(report["counts"]["never_replicated"])
    assert card and card.group(2) == shown, (card and card.group(0), shown)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("report_dir", type=Path)
    parser.add_argument("--vms", type=int, required=True)
    parser.add_argument("--failing", type=int, required=True)
    parser.add_argument("--version", required=True, help="the collection version the reports must name")
    parser.add_argument("--em-url", default="", help="the EM URL the reports must name; none when not given")
    parser.add_argument("--context", action="store_true", help="the result has scope, not_found and warnings")
    parser.add_argument("--passed-empty", action="store_true", help="no VM in scope, and the run passed anyway")
    parser.add_argument("--containers", type=int, default=0, help="the containers (not VMs) the run reports")
    parser.add_argument("--summary-log", type=Path, help="the run's ansible-playbook log, whose summary line must agree")
    parser.add_argument("--not-judged", action="append", default=[], metavar="REASON",
                        help="a reason coverage was not judged, as the run's scope.not_judged gives it (repeatable)")
    args = parser.parse_args()
    report = check_json(args.report_dir / "replica-compliance.json", args)
    check_junit(args.report_dir / "replica-compliance.junit.xml", report, args.context)
    check_html(args.report_dir / "replica-compliance.html", report, args.context)
    agreed = check_agreement(report, (args.report_dir / "replica-compliance.html").read_text(encoding="utf-8"),
                             ET.parse(args.report_dir / "replica-compliance.junit.xml").getroot(), args.summary_log)
    for name in ("replica-compliance.json", "replica-compliance.junit.xml", "replica-compliance.html"):
        content = (args.report_dir / name).read_text(encoding="utf-8")
        assert not any(secret in content for secret in SECRETS), f"{name} holds a password"
    print(f"reports in {args.report_dir}: {args.vms} VMs, {args.failing} failing; JSON, JUnit and HTML checked; "
          f"every count agrees: {json.dumps(agreed, sort_keys=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
