# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A compliance run's judgements over the window (issue 28) through the summary filter: SLA by
group with a target, the lowest VMs, anomalous runs, waived VMs and stale waivers. Expected
values worked out by hand beside each assertion."""
from __future__ import annotations

from ansible_collections.veeam_em.core.plugins.filter.replica_compliance_summary import replica_compliance_summary

HOUR = 3600.0
DAY = "2026-12-07"


def sla(covered_hours: float, target: float | None = 90.0) -> dict:
    """A VM's SLA over one whole day (24 h span), as the replica_status filter gives it."""
    percent = round(100.0 * covered_hours / 24, 2)
    return {"percent": percent, "covered_seconds": covered_hours * HOUR, "span_seconds": 24 * HOUR,
            "days": [{"date": DAY, "percent": percent, "covered_seconds": covered_hours * HOUR,
                      "span_seconds": 24 * HOUR}],
            "target": target, "below_target": None if target is None else percent < target}


def vm(name: str, server: str, job: str, covered_hours: float, waived: tuple = (), anomalies: tuple = ()) -> dict:
    findings = (["sla_below_target"] if 100.0 * covered_hours / 24 < 90 else []) + [a["kind"] for a in anomalies]
    return {"vm_name": name, "backup_server_name": server, "job_name": job, "status": findings[0] if findings else "ok",
            "findings": findings, "failing": "sla_below_target" in findings and "sla_below_target" not in waived,
            "sla": sla(covered_hours), "anomalies": list(anomalies), "waived_findings": list(waived),
            "waived": bool(waived), "waivers": [{"entry": 1, "state": "active"}] if waived else []}


def anomaly(kind: str, when: str, value: float) -> dict:
    return {"kind": kind, "session_id": f"s-{when}", "creation_time": when, "value": value, "median": 100,
            "usual_low": 50, "usual_high": 150, "score": 90.0, "history": 6}


# a: 20 h of 24 (83.33 %, below 90, not waived); b: all 24 h; c: 12 h (50 %, below, waived).
ESTATE = [vm("a", "vbr1", "J1", 20, anomalies=(anomaly("size_anomaly", "2026-12-07T10:00:00Z", 1000),)),
          vm("b", "vbr1", "J1", 24, anomalies=(anomaly("duration_anomaly", "2026-12-07T11:00:00Z", 6000),)),
          vm("c", "vbr2", "J2", 12, waived=("sla_below_target",))]


def groups_of(summary: dict) -> dict:
    return {(group["kind"], group["name"]): (group["percent"], group["below_target"], group["failing"])
            for group in summary["sla"]["groups"]}


def test_sla_by_group_time_weighted_with_the_target():
    summary = replica_compliance_summary(ESTATE, sla_target=90, fail_on=["sla_below_target"])
    # EM: 56 h of 72 = 77.78 %, below; a (not waived) is below, so it fails. vbr1: 44 of 48 = 91.67 %.
    # vbr2 and its job: c alone, 50 %, below, but c's finding is waived: reported, not failing.
    assert groups_of(summary) == {
        ("em", ""): (77.78, True, True),
        ("backup_server", "vbr1"): (91.67, False, False),
        ("backup_server", "vbr2"): (50.0, True, False),
        ("job", "J1 on vbr1"): (91.67, False, False),
        ("job", "J2 on vbr2"): (50.0, True, False),
    }
    assert summary["sla"]["estate"]["days"] == [{"date": DAY, "percent": 77.78, "covered_seconds": 56 * HOUR,
                                                 "span_seconds": 72 * HOUR}]
    assert [group["name"] for group in summary["sla"]["groups_failing"]] == [""]
    assert summary["sla"]["groups_failing"][0]["message"] == (
        "the Enterprise Manager's VMs: within the RPO 77.78% of the window over 3 VM(s), below the target of 90.0%")
    assert [entry["vm_name"] for entry in summary["sla"]["worst"]] == ["c", "a", "b"]
    assert summary["counts"]["sla_groups_below_target"] == 3 and summary["counts"]["sla_below_target"] == 2
    # One SLA case per group; only the EM's fails.
    assert (summary["junit"]["sla"]["tests"], summary["junit"]["sla"]["failures"]) == (5, 1)
    assert summary["passed"] is False


def test_a_group_below_the_target_does_not_fail_without_sla_below_target_in_fail_on():
    summary = replica_compliance_summary(ESTATE[2:], sla_target=90, fail_on=["rpo_breach"])
    assert groups_of(summary)[("em", "")] == (50.0, True, False) and summary["passed"] is True


def test_without_a_target_no_group_is_below():
    summary = replica_compliance_summary(ESTATE, fail_on=["sla_below_target"])
    assert summary["sla"]["target"] is None
    assert {below for _percent, below, _failing in groups_of(summary).values()} == {None}


def test_anomalous_runs_newest_first_and_waived_vms():
    summary = replica_compliance_summary(ESTATE)
    assert [(run["vm_name"], run["kind"], run["value"]) for run in summary["anomalies"]] == [
        ("b", "duration_anomaly", 6000), ("a", "size_anomaly", 1000)]
    assert [entry["vm_name"] for entry in summary["waived"]] == ["c"]
    assert (summary["counts"]["anomalous_runs"], summary["counts"]["waived"], summary["counts"]["size_anomaly"]) == (2, 1, 1)


def test_a_waiver_matching_no_vm_is_stale_and_warned(tmp_path):
    path = tmp_path / "waivers.yml"
    path.write_text("waivers:\n"
                    "  - vms: c\n"
                    "    justification: moving storage\n"
                    "    permanent: true\n"
                    "  - vms: ghost*\n"
                    "    justification: gone\n"
                    "    expires: 2026-12-31\n", encoding="utf-8")
    summary = replica_compliance_summary(ESTATE, waivers=str(path), now="2026-12-07T12:00:00Z")
    # c carries waiver 1 (it matched); waiver 2, on line 5, matched nothing.
    message = "waiver 2 (line 5) matches no VM: vms ghost*; remove it or fix its selectors"
    assert [(stale["entry"], stale["state"], stale["message"]) for stale in summary["stale_waivers"]] == [
        (2, "active", message)]
    assert summary["warnings"] == [f"stale waiver: {message}"] and summary["counts"]["stale_waivers"] == 1


def test_a_failover_plan_is_a_group_of_its_vms_on_their_server():
    # a (20 h) and c (12 h) are in plan ERP: 32 h of 48 = 66.67 %; b is in no plan.
    vms = [dict(ESTATE[0], failover_plans=[{"name": "ERP"}]), ESTATE[1],
           dict(ESTATE[2], backup_server_name="vbr1", failover_plans=[{"name": "ERP"}])]
    groups = groups_of(replica_compliance_summary(vms, sla_target=90, fail_on=["sla_below_target"]))
    assert groups[("failover_plan", "ERP on vbr1")] == (66.67, True, True)  # a is below and not waived


def test_an_sla_group_is_a_junit_case_carrying_its_numbers():
    (case,) = [case for case in replica_compliance_summary(ESTATE[2:], sla_target=90)["junit"]["sla"]["cases"]
               if case["group"]["kind"] == "em"]
    # c alone: 12 h of 24, below 90 but waived, so the case does not fail.
    assert (case["group"]["percent"], case["group"]["covered_seconds"], case["failure_type"]) == (50.0, 12 * HOUR, None)
