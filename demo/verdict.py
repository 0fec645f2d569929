# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tell whether the demo's compliance run ended as designed: failed by the role, on findings, with reports.

    python demo/verdict.py JSON_REPORT ANSIBLE_PLAYBOOK_EXIT_CODE PLAYBOOK_LOG
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROLE_FAILURE = "Replica compliance failed:"
# The failing VMs shown on the screen; the reports list them all.
SHOWN = 5


def verdict(report_path: Path, code: int, log: str) -> tuple[bool, str]:
    """(ran as designed, what to tell the user)."""
    if not report_path.is_file():
        return False, f"the role wrote no JSON report (ansible-playbook exited {code}); see the end of its output below (all of it in compliance.log)"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    counts = report["counts"]
    failing = [f"{vm['vm_name']} on {vm['backup_server_name']} ({', '.join(vm['findings'])})"
               for vm in report["vms"] if vm["failing"]]
    if code == 2 and not report["passed"] and ROLE_FAILURE in log:
        lines = [
            f"As expected, the role failed the run: {counts['failing']} of {counts['vms']} VMs have findings in "
            f"{', '.join(report['fail_on'])}.",
            "The demo estate is generated with stale, never-succeeded and flaky VMs among healthy ones, so these",
            "findings are the point of the demo; a pipeline would be red here, with the reports below as its",
            "evidence. Failing VMs:",
        ]
        lines += [f"  - {name}" for name in failing[:SHOWN]]
        if len(failing) > SHOWN:
            lines.append(f"  ... and {len(failing) - SHOWN} more in the reports")
        return True, "\n".join(lines + plan_lines(report) + window_lines(report))
    if code == 0 and report["passed"]:
        return False, "the role passed, but the demo estate always holds breaches: the evaluation looks wrong"
    return False, f"ansible-playbook exited {code} without the role's compliance failure; see the end of its output below (all of it in compliance.log)"


def plan_lines(report: dict) -> list[str]:
    """The failover plans as the reports' plan table has them: ready, or the VMs that hold each back."""
    plans = report.get("failover_plans") or []
    if not plans:
        return []
    lines = [f"Failover plans ({len(plans)}; the plan table heads the HTML report):"]
    for plan in plans:
        state = "not judged" if plan["ready"] is None else "ready" if plan["ready"] else "held back by " + ", ".join(
            f"{held['vm_name']} ({', '.join(held['reasons'])})" for held in plan["held_back_by"])
        lines.append(f"  - {plan['name']} on {plan['backup_server_name']}: {state}")
    return lines


def window_lines(report: dict) -> list[str]:
    """The judgements over the window (issue 28): the estate's SLA, the runs that look wrong, the waivers."""
    estate = (report.get("sla") or {}).get("estate")
    if not estate:
        return []
    target = report["sla"].get("target")
    counts = report["counts"]
    lines = [f"SLA over the window: {estate['percent']}% of the time within the RPO"
             + (f" (target {target}%, {counts['sla_below_target']} VM(s) below it)" if target is not None else "")
             + f"; {counts['anomalous_runs']} run(s) that look wrong; {counts['waived']} VM(s) waived,"
             f" {counts['stale_waivers']} stale waiver(s) (the HTML report's Waivers, SLA and anomaly sections):"]
    lines += [f"  - {run['kind']} {run['vm_name']} on {run['backup_server_name']} at {run['creation_time']}"
              for run in report.get("anomalies") or []][:SHOWN]
    return lines


def main() -> int:
    ok, text = verdict(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]).read_text(encoding="utf-8", errors="replace"))
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
