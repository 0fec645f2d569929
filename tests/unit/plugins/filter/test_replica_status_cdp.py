# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replica_status filter's CDP options: a CDP VM judged on its policy's RPO, on an override,
a VM with both kinds of evidence, the policy's own facts, and the options' bad input.

Expected values are worked out by hand from the filter's documentation: the RPO is measured
from the end of the newest completed CDP task session that did not fail; a session met the RPO
when it ended within the RPO of the previous good one."""
from __future__ import annotations

from typing import Any

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.filter.replica_status import replica_status

NOW = "2026-11-29T06:00:00Z"


def cdp_session(vm: str, created: str, result: str | None = "Success", policy: str = "CDP Gold",
                state: str = "Completed", reason: str = "") -> dict[str, Any]:
    """A cdp_task_session_record that ran 5 s from `created` (hh:mm on 2026-11-29)."""
    end = f"2026-11-29T{created}:05Z" if state == "Completed" else None
    return {"id": f"{vm}-{created}", "name": f"{vm}@2026-11-29 {created}:00", "vm_name": vm, "policy_name": policy,
            "policy_session_id": "ps-1", "backup_server_id": "b1", "backup_server_name": "vbr01",
            "creation_time": f"2026-11-29T{created}:00Z", "end_time": end, "state": state, "result": result,
            "reason": reason, "total_size": 4096, "duration_seconds": 5.0 if end else None}


def policy(name: str = "CDP Gold", vms: tuple[str, ...] = ("db01",), rpo_seconds: int = 900,
           enabled: bool = True) -> dict[str, Any]:
    """A cdp_policy_record: RecoveryPointObjectiveMinutes 15 is rpo_seconds 900."""
    return {"id": f"id-{name}", "name": name, "description": "", "platform": "VMware", "backup_server_id": "b1",
            "backup_server_name": "vbr01", "schedule_configured": True, "schedule_enabled": enabled,
            "next_run": "2026-11-29T06:01:00Z" if enabled else None, "rpo_seconds": rpo_seconds,
            "warning_after_seconds": 300, "failed_after_seconds": 600,
            "includes": [{"name": vm, "display_name": vm, "object_type": "Vm", "hierarchy_obj_ref": f"ref-{vm}",
                          "order": order} for order, vm in enumerate(vms)]}


# Good sessions of db01 ending 05:00:05, 05:20:05 and 05:40:05: 20 minutes apart.
EVERY_20_MINUTES = [cdp_session("db01", time) for time in ("05:00", "05:20", "05:40")]


def only(statuses: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(statuses) == 1, statuses
    return statuses[0]


def test_a_cdp_vm_is_judged_on_its_policys_rpo_not_the_rpo_given():
    status = only(replica_status([], rpo="4h", now=NOW, cdp_sessions=EVERY_20_MINUTES, cdp_policies=[policy()]))
    # 05:40:05 to 06:00:00 is 1195 s, more than the policy's 900 s (the 4 h given would allow it).
    assert (status["protection"], status["rpo_source"], status["rpo_seconds"]) == (["cdp"], "policy", 900)
    assert (status["rpo_basis"], status["rpo_evidence_time"]) == ("cdp_session", "2026-11-29T05:40:05Z")
    assert status["rpo_age_seconds"] == 1195 and status["rpo_breached"] is True
    assert status["job_name"] == "CDP Gold" and status["job_schedule_enabled"] is True
    assert status["findings"] == ["rpo_breach"]
    assert status["message"] == ("last CDP session ended 19m 55s ago (2026-11-29T05:40:05Z), older than the RPO of 15m "
                                 "of CDP policy 'CDP Gold'")
    assert status["rpo_evidence_text"] == "CDP session 19m 55s ago"


def test_the_cdp_facts_of_a_status():
    cdp = only(replica_status([], now=NOW, cdp_sessions=EVERY_20_MINUTES, cdp_policies=[policy()]))["cdp"]
    assert {key: cdp[key] for key in ("policy_name", "policy_id", "policy_enabled", "policy_rpo_seconds",
                                      "warning_after_seconds", "failed_after_seconds", "policy_next_run")} == {
        "policy_name": "CDP Gold", "policy_id": "id-CDP Gold", "policy_enabled": True, "policy_rpo_seconds": 900,
        "warning_after_seconds": 300, "failed_after_seconds": 600, "policy_next_run": "2026-11-29T06:01:00Z"}
    assert cdp["last_session"]["id"] == "db01-05:40" and cdp["last_session"]["end_time"] == "2026-11-29T05:40:05Z"
    assert (cdp["last_result"], cdp["last_completed_time"], cdp["sessions"]) == ("Success", "2026-11-29T05:40:05Z", 3)
    # The first session met the RPO; each later one began 1195 s after the previous one's end, 295 s beyond 900.
    assert (cdp["sessions_within_rpo"], cdp["sla_percent"], cdp["max_delay_seconds"]) == (1, 33.3, 295)
    assert (cdp["running_since"], cdp["running_result"]) == (None, None)


def test_a_running_cdp_session_holds_the_rpo_until_veeam_marks_it_failed():
    running = cdp_session("db01", "05:00", None, state="InProgress")
    earlier = cdp_session("db01", "04:00")
    status = only(replica_status([], now=NOW, cdp_sessions=[earlier, running], cdp_policies=[policy()]))
    # An hour old, but VBR watches the RPO of a session that runs and has not marked it.
    assert (status["rpo_basis"], status["rpo_evidence_time"]) == ("cdp_running", "2026-11-29T05:00:00Z")
    assert (status["rpo_age_seconds"], status["rpo_breached"], status["rpo_used_percent"]) == (3600, False, None)
    assert status["rpo_evidence_text"] == "CDP replicating (session running for 1h)"
    assert status["cdp"]["running_since"] == "2026-11-29T05:00:00Z" and status["findings"] == []
    marked = only(replica_status([], now=NOW, cdp_sessions=[earlier, {**running, "result": "Failed"}],
                                 cdp_policies=[policy()]))
    assert marked["rpo_breached"] is True and marked["cdp"]["running_result"] == "Failed"
    # Marked Failed is VBR's last CDP result too: both findings, the breach first.
    assert marked["findings"] == ["rpo_breach", "failed"]
    assert marked["message"] == ("the running CDP session (since 2026-11-29T05:00:00Z) is marked Failed by Veeam: "
                                 "the RPO of 15m of CDP policy 'CDP Gold' is missed; last CDP result Failed")


def test_an_rpo_by_job_entry_matching_the_policy_overrides_its_rpo():
    status = only(replica_status([], rpo="4h", rpo_by_job={"CDP *": "30m"}, now=NOW, cdp_sessions=EVERY_20_MINUTES,
                                 cdp_policies=[policy()]))
    assert (status["rpo_source"], status["rpo_seconds"], status["rpo_breached"]) == ("option", 1800, False)
    # Against 30 minutes every session met it.
    assert (status["cdp"]["sla_percent"], status["cdp"]["max_delay_seconds"]) == (100.0, 0)
    assert status["cdp"]["policy_rpo_seconds"] == 900 and status["findings"] == []


def test_cdp_rpo_source_option_judges_every_vm_on_the_rpo_given():
    status = only(replica_status([], rpo="10m", now=NOW, cdp_rpo_source="option", cdp_sessions=EVERY_20_MINUTES,
                                 cdp_policies=[policy()]))
    assert (status["rpo_source"], status["rpo_seconds"], status["rpo_breached"]) == ("option", 600, True)
    assert status["message"] == "last CDP session ended 19m 55s ago (2026-11-29T05:40:05Z), older than the RPO of 10m"


def test_without_the_policy_a_cdp_vm_is_judged_on_the_rpo_given():
    """What a Portal User has: the sessions, not the policies."""
    status = only(replica_status([], rpo="1h", now=NOW, cdp_sessions=EVERY_20_MINUTES))
    assert (status["rpo_source"], status["rpo_seconds"], status["rpo_breached"]) == ("option", 3600, False)
    assert status["cdp"]["policy_name"] == "CDP Gold" and status["cdp"]["policy_rpo_seconds"] is None
    assert status["job_schedule_enabled"] is None


def test_a_vm_replicated_and_cdp_protected_is_one_status_measured_from_the_newer_evidence():
    replica = {"id": "t1", "vm_name": "db01", "backup_server_id": "b1", "backup_server_name": "vbr01",
               "job_name": "SQL Replica", "state": "Completed", "result": "Success", "reason": "",
               "creation_time": "2026-11-29T02:00:00Z", "end_time": "2026-11-29T02:10:00Z", "total_size": 1}
    status = only(replica_status([replica], rpo="4h", now=NOW, cdp_sessions=EVERY_20_MINUTES, cdp_policies=[policy()]))
    assert status["protection"] == ["cdp", "replica"] and status["job_name"] == "SQL Replica"
    assert (status["rpo_basis"], status["rpo_evidence_time"]) == ("cdp_session", "2026-11-29T05:40:05Z")
    assert (status["rpo_source"], status["rpo_seconds"], status["rpo_breached"]) == ("policy", 900, True)
    assert status["session_count"] == 1 and status["cdp"]["sessions"] == 3


def test_a_vm_a_policy_includes_without_a_session_is_never_replicated():
    statuses = replica_status([], now=NOW, cdp_sessions=EVERY_20_MINUTES, cdp_policies=[policy(vms=("db01", "db02"))])
    missing = {status["vm_name"]: status for status in statuses}["db02"]
    # No evidence breaches the policy's RPO too; the message says it once.
    assert missing["findings"] == ["never_replicated", "rpo_breach"] and missing["protection"] == ["cdp"]
    assert missing["message"] == "included in CDP policy 'CDP Gold' but no CDP session in the window"


def test_a_disabled_policy_and_a_failed_last_cdp_session():
    sessions = [cdp_session("db01", "05:50"), cdp_session("db01", "05:55", "Failed", reason="RPO is not met")]
    status = only(replica_status([], now=NOW, cdp_sessions=sessions, cdp_policies=[policy(enabled=False)]))
    assert status["job_schedule_enabled"] is False and status["cdp"]["policy_enabled"] is False
    assert (status["cdp"]["last_result"], status["cdp"]["last_reason"]) == ("Failed", "RPO is not met")
    # 05:50:05 to 06:00:00 is 595 s, within 900 s: only the failure is wrong. A VM only CDP
    # protects has its CDP sessions' result as its last result.
    assert status["findings"] == ["failed"] and status["consecutive_failures"] == 1
    assert status["message"] == "last result Failed (1 consecutive failure): RPO is not met"


def test_a_replicated_vm_whose_cdp_sessions_failed_says_so():
    replica = {"id": "t1", "vm_name": "db01", "backup_server_id": "b1", "backup_server_name": "vbr01",
               "job_name": "SQL Replica", "state": "Completed", "result": "Success", "reason": "",
               "creation_time": "2026-11-29T05:00:00Z", "end_time": "2026-11-29T05:10:00Z", "total_size": 1}
    sessions = [cdp_session("db01", "05:50", "Failed", reason="RPO is not met")]
    status = only(replica_status([replica], now=NOW, cdp_sessions=sessions))
    assert status["last_result"] == "Success" and status["findings"] == ["failed"]
    assert status["message"] == "last CDP result Failed: RPO is not met"


def test_the_options_are_selected_by_policy_name_as_a_job_name():
    other = [cdp_session("web01", "05:50", policy="CDP Silver")]
    statuses = replica_status([], now=NOW, cdp_sessions=EVERY_20_MINUTES + other, include={"job_name": "CDP S*"})
    assert [status["vm_name"] for status in statuses] == ["web01"]


@pytest.mark.parametrize(("options", "message"), [
    ({"cdp_sessions": "db01"}, "replica_status: cdp_sessions: expects a list of CDP task session records (as "
                               "cdp_policy_info returns them with include_sessions), got str"),
    ({"cdp_policies": {"name": "CDP Gold"}}, "replica_status: cdp_policies: expects a list of CDP policy records (as "
                                             "cdp_policy_info returns them), got dict"),
    ({"cdp_policies": ["CDP Gold"]}, "replica_status: cdp_policies: record 0 is a str, not a dict"),
    ({"failover_plans": [{}, 7]}, "replica_status: failover_plans: record 1 is a int, not a dict"),
    ({"cdp_rpo_source": "job"}, "replica_status: cdp_rpo_source must be one of policy, option, not 'job'"),
])
def test_bad_cdp_and_plan_input_is_refused_naming_the_option(options, message):
    with pytest.raises(AnsibleFilterError) as refused:
        replica_status([], now=NOW, **options)
    assert str(refused.value) == message
