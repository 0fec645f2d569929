# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failover plans and CDP VMs of a replica_compliance run's reports (issue 27).

    python check_plans.py REPORT_DIR [--golden FILE] [--plans-not-judged]

The HTML plan table (a row per plan above the VMs, held back first: readiness, the VMs in start order with
their status, the VMs that hold it back and why) and the JUnit suite replica_compliance.failover_plans (one
test case per plan, a failure per plan that fails the run) say what the JSON's failover_plans says; with
--golden, the HTML rows are exactly the hand-written ones of FILE. Each CDP VM's row names its policy, the
SLA share, the largest delay and where its RPO came from. With --plans-not-judged, the plans were asked
for and refused: said plainly, no table, no plan suite, no plan counted, none ready.
Prints the plan table's rows as the page shows them.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

WORDS = {"no_replica": "no replica", "stale": "stale", "failed": "failed last run", "job_disabled": "job disabled"}
PLAN_ROW = re.compile(r'<tr class="plan (\w+)" data-ready="\w+" data-failing="(true|false)">(.*?)</tr>', re.S)


def text(fragment: str) -> str:
    """The fragment as a reader sees it: no tags, no <wbr>, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment.replace("<wbr>", ""))).split())


def html_rows(page: str) -> list[dict]:
    """Each plan row of the page: plan, backup server, readiness, fails, VMs (order, status, name), held back by."""
    rows = []
    for state, failing, body in PLAN_ROW.findall(page):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        name, server = re.search(r"<b>(.*?)</b><br><span class=\"muted\">(.*?)</span>", cells[0], re.S).groups()
        vms = [f"{order} {text(status)} {text(vm)}".strip() for order, status, vm in
               re.findall(r'<li value="(\d+)"><span class="badge \w+">(.*?)</span>(.*?)</li>', cells[2], re.S)]
        held = [f"{text(vm)}: {reasons.strip()}" for vm, reasons in re.findall(r"<b>(.*?)</b>:\s*([^<(]*)", cells[3])]
        rows.append({"plan": text(name), "backup_server": text(server), "readiness": state.replace("_", " "),
                     "fails": failing == "true", "vms": vms, "held_back_by": held})
    return rows


def expected_rows(report: dict) -> list[dict]:
    """The rows the JSON's plans call for, in its order (held back first)."""
    status = {vm["vm_name"]: vm["status"] for vm in report["vms"]}
    failing = "failover_plan_not_ready" in report["fail_on"]
    return [{"plan": plan["name"], "backup_server": plan["backup_server_name"],
             "readiness": "not judged" if plan["ready"] is None else "ready" if plan["ready"] else "held back",
             "fails": failing and plan["ready"] is False,
             "vms": [f"{vm['order']} {status[vm['name']].replace('_', ' ')} {vm['name']}" + (" holds it back" if vm["hold_back"] else "")
                     for vm in plan["vms"]],
             "held_back_by": [f"{held['order']}. {held['vm_name']}: {', '.join(WORDS[r] for r in held['reasons'])}"
                              for held in plan["held_back_by"]]} for plan in report["failover_plans"]]


def check_junit(root: ET.Element, report: dict) -> None:
    """One test case per plan in the JSON's order, a failure for each that fails the run, in a suite of its own."""
    suites = root.findall("testsuite[@name='replica_compliance.failover_plans']")
    assert len(suites) == 1, "no suite (or more than one) for the failover plans"
    cases = suites[0].findall("testcase")
    assert [case.get("name") for case in cases] == [plan["name"] for plan in report["failover_plans"]], cases
    for case, row in zip(cases, expected_rows(report)):
        failure = case.find("failure")
        assert (failure is not None) is row["fails"], (row["plan"], ET.tostring(case))
        assert failure is None or failure.get("type") == "failover_plan_not_ready", row["plan"]
        for held in row["held_back_by"]:
            order_name = held.split(":")[0]
            assert failure is not None and order_name in failure.text, (row["plan"], held)
    assert int(suites[0].get("failures")) == sum(row["fails"] for row in expected_rows(report))


def check_cdp_rows(page: str, report: dict) -> None:
    """Each CDP VM's row: its policy, its SLA share and largest delay, and whether its RPO is the policy's."""
    rows = {html.unescape(title): body for title, body in re.findall(
        r'<tr data-findings="[^"]*"[^>]*class="vm \w+"[^>]*>\n<td[^>]*>.*?</td>\n<td class="name" title="([^"]*)">(.*?)</tr>',
        page, re.S)}
    for vm in report["vms"]:
        row = rows[f"{vm['vm_name']} on {vm['backup_server_name']}"]
        shown = text(row)
        if not vm["cdp"]:
            # No CDP figures (the SLA over the window, issue 28, is every VM's: "SLA n%" may show).
            assert 'class="protection"' not in row and "largest delay" not in shown, (vm["vm_name"], shown)
            continue
        sla = "n/a" if vm["cdp"]["sla_percent"] is None else f"{vm['cdp']['sla_percent']}%"
        assert f"CDP {vm['cdp']['policy_name']}" in shown and f"SLA {sla}, largest delay " in shown, shown
        assert f"{vm['rpo_source']} RPO" in shown, (vm["vm_name"], vm["rpo_source"], shown)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("report_dir", type=Path)
    parser.add_argument("--golden", type=Path, help="the plan rows the HTML must show, written by hand")
    parser.add_argument("--plans-not-judged", action="store_true", help="plans asked for and refused")
    args = parser.parse_args()
    report = json.loads((args.report_dir / "replica-compliance.json").read_text(encoding="utf-8"))
    page = (args.report_dir / "replica-compliance.html").read_text(encoding="utf-8")
    root = ET.parse(args.report_dir / "replica-compliance.junit.xml").getroot()
    check_cdp_rows(page, report)
    if args.plans_not_judged:
        assert report["failover_plans"] == [] and "failover_plans" not in report["counts"], report["counts"]
        assert "failover plans not judged: no right to read failover plans" in text(page), "the refusal is not said"
        assert 'id="plans"' not in page and "replica_compliance.failover_plans" not in ET.tostring(root, "unicode")
        print(f"{args.report_dir}: failover plans not judged, said so; no plan table, suite or count")
        return 0
    rows = html_rows(page)
    assert rows == expected_rows(report), json.dumps([rows, expected_rows(report)], indent=1)
    if args.golden:
        golden = json.loads(args.golden.read_text(encoding="utf-8"))
        assert rows == golden, json.dumps(rows, indent=1)
    assert page.index('id="failover-plans"') < page.index('id="details"'), "the plans are not above the VMs"
    check_junit(root, report)
    for row in rows:
        print(f"{row['plan']} ({row['backup_server']}): {row['readiness']}{' (fails the run)' if row['fails'] else ''}; "
              f"VMs: {', '.join(row['vms'])}" + (f"; held back by {'; '.join(row['held_back_by'])}" if row["held_back_by"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
