# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the replica_compliance reports: JSON keys, the common JUnit XML shape, a self-contained HTML page.

    python check_reports.py REPORT_DIR --vms N --failing F [--dom DUMPED_DOM]
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# The JSON report's keys are a contract: adding one is fine, renaming or removing one is not.
TOP_KEYS = {"schema_version", "evaluated_at", "window", "rpo", "rpo_by_job", "rpo_basis", "include_unreplicated", "fail_on",
            "passed", "counts", "vms", "reports"}
COUNT_KEYS = {"vms", "ok", "failing", "never_replicated", "never_succeeded", "rpo_breach", "failed", "warning", "running", "sessions",
              "restore_points", "judged_on_restore_point", "judged_on_session"}
VM_KEYS = {
    "vm_name", "backup_server_id", "backup_server_name", "job_name", "job_names", "latest_session", "last_result",
    "last_success_time", "last_success_age_seconds", "consecutive_failures", "running", "never_succeeded",
    "session_count", "rpo_seconds", "rpo_breached", "findings", "status", "failing", "message",
    "last_success_age_text", "rpo_text", "rpo_used_percent",
    "last_point_time", "last_point_age_seconds", "last_point_age_text", "restore_points", "rpo_basis", "rpo_evidence_time",
    "rpo_age_seconds", "rpo_evidence_text", "never_replicated", "object_type", "job_schedule_enabled", "job_next_run",
    "job_overdue",
}
# Issue 19: the scope of the run, the names that matched nothing and the warnings (one line each, so
# keys others add in the same release merge without touching these).
TOP_KEYS |= {"scope", "not_found", "warnings"}
COUNT_KEYS |= {"not_found"}
SCOPE_KEYS = {"vm_names", "exclude_vm_names", "job_names", "exclude_job_names", "backup_server_names",
              "exclude_backup_server_names", "lookback", "created_after", "created_before", "rpo", "rpo_by_job",
              "rpo_basis", "include_unreplicated", "empty_scope", "inventory_group", "inventory_vm_names"}
# Attributes the common JUnit schema (Jenkins, GitLab, Azure DevOps) allows on each element.
JUNIT_ATTRIBUTES = {
    "testsuites": {"name", "tests", "failures", "errors", "skipped", "disabled", "time"},
    "testsuite": {"name", "tests", "failures", "errors", "skipped", "disabled", "time", "timestamp", "hostname", "id", "package"},
    "testcase": {"name", "classname", "time", "assertions", "status"},
    "failure": {"message", "type"},
}


def check_json(path: Path, vms: int, failing: int) -> dict:
    report = json.loads(path.read_text(encoding="utf-8"))
    assert set(report) == TOP_KEYS, f"JSON keys changed: {sorted(set(report) ^ TOP_KEYS)}"
    assert report["schema_version"] == 1
    assert set(report["counts"]) == COUNT_KEYS, f"count keys changed: {sorted(set(report['counts']) ^ COUNT_KEYS)}"
    assert report["counts"]["vms"] == vms == len(report["vms"]), report["counts"]
    assert report["counts"]["failing"] == failing == sum(vm["failing"] for vm in report["vms"]), report["counts"]
    assert report["passed"] is (failing == 0)
    for vm in report["vms"]:
        assert set(vm) == VM_KEYS, f"VM keys changed: {sorted(set(vm) ^ VM_KEYS)}"
    assert set(report["scope"]) == SCOPE_KEYS, f"scope keys changed: {sorted(set(report['scope']) ^ SCOPE_KEYS)}"
    assert report["scope"]["created_after"] == report["window"]["created_after"], report["scope"]
    assert report["counts"]["not_found"] == len(report["not_found"]), report["not_found"]
    assert all(set(item) == {"kind", "name", "message"} for item in report["not_found"]), report["not_found"]
    assert isinstance(report["warnings"], list), report["warnings"]
    return report


def check_junit(path: Path, report: dict) -> None:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites", root.tag
    for element in root.iter():
        allowed = JUNIT_ATTRIBUTES.get(element.tag)
        if allowed is not None:
            assert set(element.attrib) <= allowed, f"<{element.tag}> has {sorted(set(element.attrib) - allowed)}"
    suites = root.findall("testsuite")
    assert suites and all(child.tag == "testsuite" for child in root), "testsuites holds only testsuite elements"
    cases = root.findall("testsuite/testcase")
    failures = root.findall("testsuite/testcase/failure")
    assert len(cases) == int(root.get("tests")) == report["counts"]["vms"], (len(cases), root.get("tests"))
    assert len(failures) == int(root.get("failures")) == report["counts"]["failing"]
    for suite in suites:
        assert int(suite.get("tests")) == len(suite.findall("testcase")), suite.get("name")
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure")), suite.get("name")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", suite.get("timestamp", "")), suite.get("timestamp")
    for case in cases:
        assert case.get("name") and case.get("classname"), case.attrib
    for failure in failures:
        assert failure.get("message") and failure.get("type") in {"rpo_breach", "failed", "warning", "never_succeeded",
                                                                  "never_replicated"}
        assert "rpo evidence: " in (failure.text or ""), "a failure names the evidence its RPO was judged on"
    names = sorted(case.get("name") for case in cases)
    assert names == sorted(vm["vm_name"] for vm in report["vms"]), names


def check_html(path: Path, report: dict) -> None:
    page = path.read_text(encoding="utf-8")
    # Self-contained: nothing fetched from anywhere (only the xmlns of the inline SVG names a URL).
    fetched = re.findall(r"""(?:src|href)\s*=\s*["'](?!data:)[^"']*["']|url\(\s*["']?(?!#|data:)""", page)
    assert not fetched, f"the HTML report fetches {fetched}"
    assert "<svg" in page and "<script>" in page and "<style>" in page
    rows = re.findall(r'<tr class="(\w+)" data-failing="(true|false)"', page)
    assert len(rows) == report["counts"]["vms"], len(rows)
    assert "<th>RPO evidence</th><th>Last restore point (UTC)</th>" in page
    # The evidence column holds each VM's evidence, in the JSON report's order.
    evidence = [html.unescape(text) for text in re.findall(r'<td data-basis="\w*">([^<]*)</td>', page)]
    assert evidence == [vm["rpo_evidence_text"] or "none" for vm in report["vms"]], evidence


def check_dom(path: Path, report: dict) -> None:
    """The DOM Chromium dumped after running the page's script."""
    dom = path.read_text(encoding="utf-8")
    assert re.search(r'<body[^>]*data-ready="true"', dom), "the page's script did not finish"
    body = dom.split('<table id="vms">', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r'<tr class="(\w+)" data-failing="(true|false)"', body)
    assert len(rows) == report["counts"]["vms"], f"{len(rows)} table rows for {report['counts']['vms']} VMs"
    # The script sorted the table worst first: failing rows before the others.
    flags = [failing == "true" for _status, failing in rows]
    assert flags == sorted(flags, reverse=True), "failing rows come first"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("report_dir", type=Path)
    parser.add_argument("--vms", type=int, required=True)
    parser.add_argument("--failing", type=int, required=True)
    parser.add_argument("--dom", type=Path)
    args = parser.parse_args()
    report = check_json(args.report_dir / "replica-compliance.json", args.vms, args.failing)
    check_junit(args.report_dir / "replica-compliance.junit.xml", report)
    check_html(args.report_dir / "replica-compliance.html", report)
    if args.dom:
        check_dom(args.dom, report)
    print(f"reports in {args.report_dir}: {args.vms} VMs, {args.failing} failing; JSON, JUnit and HTML checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
