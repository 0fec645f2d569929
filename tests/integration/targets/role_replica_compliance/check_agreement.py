# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replica_compliance reports agree with themselves (issue 29): every count is read from each place a
reader sees it - the HTML header, tiles, filter links, table rows, chart and containers section, the JSON,
the JUnit and the summary line of the run's log - and each must equal the count worked out here from the
JSON's own VMs by the documented rule (a VM counts under every finding it has; a container is never a VM).
check_reports.py calls check_agreement(); it is not run on its own.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

FINDINGS = ("never_replicated", "never_succeeded", "rpo_breach", "failed", "sla_below_target", "warning",
            "duration_anomaly", "size_anomaly", "waiver_expired")
# What a tile shows and a filter link must show too (containers and names not found are no VM rows: tiles only).
FILTERED = ("ok", "failing") + FINDINGS + ("waived", "running")
CHART_LIMIT = 25


def expected_counts(report: dict) -> dict:
    """The counts by the documented rule, from the JSON's VMs and containers (not from its counts)."""
    vms, containers = report["vms"], report.get("containers", [])
    coverage_judged = not any(entry["checks"] == "coverage" for entry in report.get("scope", {}).get("not_judged", []))
    counts = {"vms": len(vms), "ok": sum(not vm["findings"] for vm in vms), "failing": sum(vm["failing"] for vm in vms),
              "running": sum(bool(vm["running"]) for vm in vms), "containers": len(containers),
              "waived": sum(bool(vm.get("waived")) for vm in vms),
              "containers_failing": sum(item["failing"] for item in containers)}
    counts.update((finding, sum(finding in vm["findings"] for vm in vms)) for finding in FINDINGS)
    if not coverage_judged:
        counts["never_replicated"] = None
    assert all((vm.get("object_type") or "Vm").lower() == "vm" for vm in vms), "a container among the VMs"
    assert all(item["object_type"].lower() != "vm" for item in containers), "a VM among the containers"
    return counts


def number(text: str) -> int | None:
    return None if text == "not judged" else int(text)


def html_numbers(page: str) -> dict[str, dict[str, int | None]]:
    """Each place of the page that shows a count: {place: {count: number}}."""
    text = html.unescape(page)
    tiles = {key: number(value) for key, value in re.findall(r'<div class="card[^"]*" data-count-of="(\w+)"><b>([^<]*)</b>', page)}
    links = {key: number(value) for key, value in re.findall(
        r'<(?:a|span)[^>]*\sdata-count-of="(\w+)">[^<]*\((\d+|not judged)\)</(?:a|span)>', page)}
    rows = re.findall(r'<tr data-findings="([^"]*)" data-running="(true|false)" class="vm (\w+)" data-failing="(true|false)"'
                      r' data-waived="(true|false)">', page)
    by_rows = {"vms": len(rows), "ok": sum(status == "ok" for _f, _r, status, _x, _w in rows),
               "failing": sum(failing == "true" for *_rest, failing, _w in rows),
               "running": sum(running == "true" for _f, running, _s, _x, _w in rows),
               "waived": sum(waived == "true" for *_rest, waived in rows)}
    by_rows.update((finding, sum(finding in found.split() for found, *_rest in rows)) for finding in FINDINGS)
    boxes = re.findall(r'<tr data-findings="[^"]*" class="container \w+" data-failing="(true|false)">', page)
    by_rows.update(containers=len(boxes), containers_failing=boxes.count("true"))
    head = re.search(r"<p>(\d+) VMs evaluated at .*?; (\d+) failing on", text)
    header = {"vms": int(head.group(1)), "failing": int(head.group(2))}
    held = re.search(r"; (\d+) container\(s\) included in jobs, not counted as VMs \((\d+) failing\)", text)
    header.update(containers=int(held.group(1)) if held else 0, containers_failing=int(held.group(2)) if held else 0)
    section = re.search(r"<h2>Containers included in jobs \((\d+)\)", text)
    details = {"vms": int(re.search(r"<h2>VMs \((\d+)\)", text).group(1)), "containers": int(section.group(1)) if section else 0}
    bars = len(re.findall(r'<g class="bar" data-vm=', page))
    more = re.search(r'<p class="more" id="chart-more">and (\d+) more VMs', page)
    chart = {"vms": bars + (int(more.group(1)) if more else 0)}
    return {"tiles": tiles, "filter links": links, "table rows": by_rows, "header": header, "section titles": details,
            "chart": chart}


def is_run_case(case: ET.Element) -> bool:
    """A test case of the run's scope, of a failover plan (issue 27) or of an SLA group (issue 28), not of a VM or
    container."""
    return case.get("classname") == "replica_compliance.scope" or case.get("classname", "").startswith(
        ("replica_compliance.failover_plans", "replica_compliance.sla"))


def junit_numbers(root: ET.Element, report: dict) -> dict[str, int]:
    """The VM and container test cases of the JUnit report, and how many of each fail."""
    labels = {f"{item['object_type']}: {item['vm_name']}" for item in report.get("containers", [])}
    cases = [case for case in root.findall("testsuite/testcase") if not is_run_case(case)]
    boxes = [case for case in cases if case.get("name") in labels]
    vms = [case for case in cases if case.get("name") not in labels]
    return {"vms": len(vms), "failing": sum(case.find("failure") is not None for case in vms),
            "containers": len(boxes), "containers_failing": sum(case.find("failure") is not None for case in boxes)}


SUMMARY_LINE = re.compile(
    r"Replica compliance at \S+ \(RPO [^,]*, sessions since \S+\): (?P<vms>\d+) VMs, (?P<ok>\d+) ok, (?P<failing>\d+) failing, "
    r"\d+ with findings that do not fail the run \((?:(?P<never_replicated>\d+) never replicated|never replicated not judged), "
    r"(?P<never_succeeded>\d+) never succeeded, (?P<rpo_breach>\d+) RPO breached, (?P<failed>\d+) last failed, "
    r"(?P<warning>\d+) last warned; (?P<running>\d+) running\); \d+ name\(s\) not found"
    r"(?:; (?P<containers>\d+) container\(s\) included in jobs, not counted as VMs \((?P<containers_failing>\d+) failing\))?")


def summary_numbers(log: Path) -> dict[str, int | None]:
    """The counts of the last summary line the role printed in an ansible-playbook log."""
    found = list(SUMMARY_LINE.finditer(" ".join(log.read_text(encoding="utf-8").split())))
    assert found, f"no summary line in {log}"
    shown = {key: None if value is None else int(value) for key, value in found[-1].groupdict().items()}
    if shown["containers"] is None:  # a summary line that does not name containers: only its counts of VMs are compared
        del shown["containers"], shown["containers_failing"]
    return shown


def check_agreement(report: dict, page: str, root: ET.Element, log: Path | None = None) -> dict:
    """Every place's counts equal the expected ones; returns the expected counts."""
    expected = expected_counts(report)
    places = {"JSON counts": report["counts"], **html_numbers(page), "JUnit": junit_numbers(root, report)}
    if log is not None:
        places["summary line"] = summary_numbers(log)
    rows = places["table rows"]
    if expected["never_replicated"] is None and rows["never_replicated"] == 0:
        rows["never_replicated"] = None  # coverage not judged: no row may claim it, and none is counted
    wrong = [f"{place}: {key} is {shown.get(key)!r}, not {expected[key]!r}" for place, shown in places.items()
             for key in expected if key in shown and shown[key] != expected[key]]
    assert not wrong, "the reports disagree: " + "; ".join(wrong)
    # A tile is shown for every count, and a filter link for every tile that counts VM rows, with the same number.
    missing = [key for key in ("vms",) + FILTERED if key not in places["tiles"] or key not in places["filter links"]]
    assert not missing, f"no tile or no filter link for {missing}"
    assert ("containers" in places["tiles"]) is bool(expected["containers"]), places["tiles"]
    assert places["chart"]["vms"] == expected["vms"] and (expected["vms"] <= CHART_LIMIT or "more VMs" in page)
    return expected
