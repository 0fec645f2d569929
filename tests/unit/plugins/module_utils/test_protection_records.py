# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CDP policies, CDP task sessions and failover plans from EM's XML to the modules' records:
RPOs and thresholds in seconds whether EM gives seconds or minutes, the VM and policy names
from the session's Name and link, a running session settled like a replica task session, and
a plan's VMs in the order the plan starts them. The XML follows Veeam's pages (get_cdppolicies_id,
policyscheduleoptions, cdpreplicatasksessions_id, get_failoverplans_id); values are hand-set."""
from __future__ import annotations

import re

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _protection_records as records
from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils.em import _protection_codec as protection
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ProtocolError

pytest.importorskip("lxml.etree")
NS = "http://www.veeam.com/ent/v1.0"
URL = "https://em.example:9398/api/query?type=CdpPolicy&format=Entities"
SERVER = "cca0b96b-4924-4461-8899-b831bc00176e"
SERVER_LINK = f'<Link Rel="Up" Type="BackupServerReference" Href="https://em:9398/api/backupServers/{SERVER}" Name="vbr01" />'


def entity(xml: str):
    return codec.parse_document(re.sub(r"^<(\w+)", rf'<\1 xmlns="{NS}"', xml, count=1).encode(), URL, 200)


def policy_xml(schedule_options: str, enabled: str = "true") -> str:
    return (
        '<CdpPolicy Type="CdpPolicy" Href="https://em:9398/api/cdpPolicies/bc93?format=Entity" Name="CDP Policy 1" '
        'UID="urn:veeam:CdpPolicy:bc933bb6-0cc5-47b6-a1ec-e062b9e29877">'
        f"<Links>{SERVER_LINK}</Links>"
        "<PolicyType>CdpReplica</PolicyType><Platform>VMware</Platform><Description>tier 0</Description>"
        f"<ScheduleConfigured>true</ScheduleConfigured><ScheduleEnabled>{enabled}</ScheduleEnabled>"
        "<NextRun>2026-12-07T07:00:00Z</NextRun>"
        f"<PolicyScheduleOptions>{schedule_options}</PolicyScheduleOptions></CdpPolicy>"
    )


IN_SECONDS = ("<RecoveryPointObjectiveSeconds>15</RecoveryPointObjectiveSeconds>"
              "<RPOReporting><Enabled>true</Enabled>"
              "<MarkAsWarning><RPOThresholdSeconds>30</RPOThresholdSeconds></MarkAsWarning>"
              "<MarkAsFailed><RPOThresholdSeconds>90</RPOThresholdSeconds></MarkAsFailed></RPOReporting>")
IN_MINUTES = ("<RecoveryPointObjectiveMinutes>2</RecoveryPointObjectiveMinutes>"
              "<RPOReporting><Enabled>true</Enabled>"
              "<MarkAsWarning><RPOThresholdMinutes>5</RPOThresholdMinutes></MarkAsWarning>"
              "<MarkAsFailed><RPOThresholdMinutes>10</RPOThresholdMinutes></MarkAsFailed></RPOReporting>")
REPORTING_OFF = ("<RecoveryPointObjectiveSeconds>15</RecoveryPointObjectiveSeconds>"
                 "<RPOReporting><Enabled>false</Enabled>"
                 "<MarkAsWarning><RPOThresholdSeconds>30</RPOThresholdSeconds></MarkAsWarning>"
                 "<MarkAsFailed><RPOThresholdSeconds>90</RPOThresholdSeconds></MarkAsFailed></RPOReporting>")


def test_a_policy_in_seconds_is_read_as_it_stands():
    record = records.cdp_policy_record(protection.cdp_policy(entity(policy_xml(IN_SECONDS))), None)
    assert record == {
        "id": "bc933bb6-0cc5-47b6-a1ec-e062b9e29877", "name": "CDP Policy 1", "description": "tier 0",
        "platform": "VMware", "backup_server_id": SERVER, "backup_server_name": "vbr01",
        "schedule_configured": True, "schedule_enabled": True, "next_run": "2026-12-07T07:00:00Z",
        "rpo_seconds": 15, "warning_after_seconds": 30, "failed_after_seconds": 90,
    }
    assert "includes" not in record  # not read is not the same as read and empty


def test_minutes_become_seconds_for_the_rpo_and_both_thresholds():
    record = records.cdp_policy_record(protection.cdp_policy(entity(policy_xml(IN_MINUTES, "false"))), [])
    # 2 min, 5 min and 10 min, worked out by hand.
    assert (record["rpo_seconds"], record["warning_after_seconds"], record["failed_after_seconds"]) == (120, 300, 600)
    assert record["schedule_enabled"] is False and record["includes"] == []


@pytest.mark.parametrize("options", [REPORTING_OFF, "<RecoveryPointObjectiveSeconds>15</RecoveryPointObjectiveSeconds>"],
                         ids=["reporting disabled", "no RPOReporting"])
def test_thresholds_are_null_when_rpo_reporting_is_off_or_absent(options):
    record = records.cdp_policy_record(protection.cdp_policy(entity(policy_xml(options))), None)
    assert record["rpo_seconds"] == 15
    assert record["warning_after_seconds"] is None and record["failed_after_seconds"] is None


def test_a_policy_without_schedule_options_has_no_rpo():
    xml = policy_xml("").replace("<PolicyScheduleOptions></PolicyScheduleOptions>", "")
    record = records.cdp_policy_record(protection.cdp_policy(entity(xml)), None)
    assert (record["rpo_seconds"], record["warning_after_seconds"], record["failed_after_seconds"]) == (None, None, None)


# Veeam's get_cdppolicies_id example: the options inside <CdpReplica>, both units written (the
# unused one as 0), RPOReporting without an Enabled of its own, each threshold with one.
AS_IN_VEEAMS_EXAMPLE = (
    "<CdpReplica><RecoveryPointObjectiveSeconds>0</RecoveryPointObjectiveSeconds>"
    "<RecoveryPointObjectiveMinutes>15</RecoveryPointObjectiveMinutes><RPOSchedule Enabled=\"false\" />"
    "<RPOReporting><MarkAsWarning><Enabled>true</Enabled><RPOThresholdSeconds>0</RPOThresholdSeconds>"
    "<RPOThresholdMinutes>5</RPOThresholdMinutes></MarkAsWarning>"
    "<MarkAsFailed><Enabled>false</Enabled><RPOThresholdSeconds>0</RPOThresholdSeconds>"
    "<RPOThresholdMinutes>0</RPOThresholdMinutes></MarkAsFailed></RPOReporting></CdpReplica>")


def test_the_form_of_veeams_example_counts_the_unit_that_is_not_zero_and_each_thresholds_enabled():
    record = records.cdp_policy_record(protection.cdp_policy(entity(policy_xml(AS_IN_VEEAMS_EXAMPLE))), None)
    # 15 min and 5 min in seconds; the failed threshold is not enabled.
    assert (record["rpo_seconds"], record["warning_after_seconds"], record["failed_after_seconds"]) == (900, 300, None)


def test_a_threshold_that_is_not_a_number_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="RPOThresholdSeconds 'soon', which is not an integer"):
        protection.cdp_policy(entity(policy_xml(IN_SECONDS.replace(">30<", ">soon<"))))


def test_a_policys_includes_keep_the_documented_keys():
    include = {"uid": None, "id": "x", "name": "sql01", "href": None, "object_in_job_id": "x",
               "hierarchy_obj_ref": "urn:VMware:Vm:vc01.vm-12", "display_name": "sql01", "order": 1, "object_type": "Vm"}
    record = records.cdp_policy_record(protection.cdp_policy(entity(policy_xml(IN_SECONDS))), [include])
    assert record["includes"] == [{"name": "sql01", "display_name": "sql01", "object_type": "Vm",
                                   "hierarchy_obj_ref": "urn:VMware:Vm:vc01.vm-12", "order": 1}]


def task_xml(state: str, result: str, end: str = "2026-12-07T06:10:25Z", vm_attribute: str = "") -> str:
    return (
        f'<CdpReplicaTaskSession Type="CdpReplicaTaskSession" Href="https://em:9398/api/cdpReplicaTaskSessions/2ec4?format=Entity" '
        f'Name="virt03-ubuntu01@2021-02-12 00:00:10" UID="urn:veeam:CdpReplicaTaskSession:2ec4d35f" {vm_attribute}>'
        f"<Links>{SERVER_LINK}"
        '<Link Rel="Up" Type="CdpReplicaSessionReference" Href="https://em:9398/api/cdpReplicaSessions/6b87" '
        'Name="CDP Policy 1@2021-02-11 19:08:36" /></Links>'
        "<PolicySessionUid>urn:veeam:CdpReplicaSession:6b872a71</PolicySessionUid>"
        "<CreationTimeUTC>2026-12-07T06:10:10Z</CreationTimeUTC>"
        f"<EndTimeUTC>{end}</EndTimeUTC><State>{state}</State><Result>{result}</Result>"
        "<Reason /><TotalSize>4096</TotalSize></CdpReplicaTaskSession>"
    )


def test_a_completed_cdp_task_session_names_its_vm_and_policy_from_name_and_link():
    record = records.cdp_task_session_record(protection.cdp_task_session(entity(task_xml("Completed", "Warning"))))
    assert record == {
        "id": "2ec4d35f", "name": "virt03-ubuntu01@2021-02-12 00:00:10", "vm_name": "virt03-ubuntu01",
        "policy_name": "CDP Policy 1", "policy_session_id": "6b872a71", "backup_server_id": SERVER,
        "backup_server_name": "vbr01", "creation_time": "2026-12-07T06:10:10Z", "end_time": "2026-12-07T06:10:25Z",
        "state": "Completed", "result": "Warning", "reason": "", "total_size": 4096, "duration_seconds": 15.0,
        "running_result": None,
    }


def test_a_running_cdp_task_session_has_no_result_end_or_duration_yet():
    # EM writes a Result before the task ends; the State wins (_outcome.settle).
    record = records.cdp_task_session_record(protection.cdp_task_session(entity(task_xml("InProgress", "Success"))))
    assert (record["state"], record["result"], record["end_time"], record["duration_seconds"]) == (
        "InProgress", None, None, None)
    assert record["creation_time"] == "2026-12-07T06:10:10Z"
    # What VBR reports on it so far is kept apart: for CDP it is VBR's own RPO reporting.
    assert record["running_result"] == "Success"


def test_a_placeholder_end_time_is_null():
    raw = protection.cdp_task_session(entity(task_xml("Completed", "Failed", end="1900-01-01T00:00:00Z")))
    record = records.cdp_task_session_record(raw)
    assert (record["result"], record["end_time"], record["duration_seconds"]) == ("Failed", None, None)


def test_vm_display_name_wins_over_the_name_when_em_gives_it():
    raw = protection.cdp_task_session(entity(task_xml("Completed", "Success", vm_attribute='VmDisplayName="ubuntu@lab"')))
    assert raw["vm_name"] == "ubuntu@lab"


@pytest.mark.parametrize(("name", "expected"), [
    ("CDP Policy 1@2021-02-11 19:08:36", "CDP Policy 1"),
    ("sql@corp@2026-12-07 06:00:00", "sql@corp"),
    ("no-date", "no-date"),
    (None, None),
])
def test_a_name_is_cut_at_its_last_at(name, expected):
    assert protection.name_before_at(name) == expected


def plan_xml(vms: str) -> str:
    return (
        '<FailoverPlan Type="FailoverPlan" Href="https://em:9398/api/failoverPlans/aa11?format=Entity" Name="ERP" '
        'UID="urn:veeam:FailoverPlan:aa11bb22">'
        f"<Links>{SERVER_LINK}</Links><Description>ERP in start order</Description>"
        f"<FailoverPlanInfo><Includes>{vms}</Includes></FailoverPlanInfo></FailoverPlan>"
    )


def vm_xml(name: str, order: str | None) -> str:
    order_xml = f"<Order>{order}</Order>" if order is not None else ""
    return (f"<FailoveredVm><FailoveredVmId>id-{name}</FailoveredVmId><HierarchyObjRef>urn:VMware:Vm:vc01.{name}"
            f"</HierarchyObjRef><Name>{name}</Name><DisplayName>{name}</DisplayName>{order_xml}"
            "<GuestProcessingOptions /></FailoveredVm>")


def test_a_plans_vms_come_in_start_order_those_without_order_last_by_name():
    raw = protection.failover_plan(entity(plan_xml(
        vm_xml("web02", None) + vm_xml("app01", "2") + vm_xml("db01", "1") + vm_xml("web01", None))))
    record = records.failover_plan_record(raw)
    assert {key: record[key] for key in ("id", "name", "description", "backup_server_id", "backup_server_name")} == {
        "id": "aa11bb22", "name": "ERP", "description": "ERP in start order", "backup_server_id": SERVER,
        "backup_server_name": "vbr01"}
    expected = [(1, "db01"), (2, "app01"), (None, "web01"), (None, "web02")]
    assert [(vm["order"], vm["name"]) for vm in record["vms"]] == expected
    assert record["vms"][0] == {"order": 1, "name": "db01", "display_name": "db01", "failovered_vm_id": "id-db01",
                                "hierarchy_obj_ref": "urn:VMware:Vm:vc01.db01"}


def test_a_plan_without_plan_info_has_no_vms():
    xml = plan_xml("").replace("<FailoverPlanInfo><Includes></Includes></FailoverPlanInfo>", "")
    assert records.failover_plan_record(protection.failover_plan(entity(xml)))["vms"] == []
