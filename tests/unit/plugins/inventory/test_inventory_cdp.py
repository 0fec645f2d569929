"""The replicas inventory with CDP VMs and failover plans (issue 27), against the EM simulator
serving a small hand-made estate, judged at a fixed NOW (the plugin's _now seam):

- vbr01's replication job Tier1 replicates web01 (a Success 2 h before NOW);
- the CDP policy Gold (RPO 10 minutes, RPO reporting off) includes db01 (CDP task sessions ending
  40 and 30 minutes before NOW: its newest is 30 minutes old, so its 10-minute RPO is breached),
  web01 (a CDP task session ending 5 minutes before NOW) and idle01 (no CDP session at all);
- the failover plan "DR Tier 1" starts web01 (1), db01 (2), then ghost01 (3), which has no evidence.

Every expected value below is worked out from that description and the documented options.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

import pytest

from ansible.plugins.loader import inventory_loader

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, SimulatorConfig
from ansible_collections.veeam_em.core.tests.em_simulator.fixture_file import dataset_from_dict
from ansible_collections.veeam_em.core.tests.unit.plugins.inventory.test_inventory_replicas import (
    FQCN,
    S1,
    Run,
    _guid,
    hosts,
    hostvars,
    run_on,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
GOLD = _guid(701)


def _cdp_task(number: int, vm: str, ended: str) -> dict[str, Any]:
    return {"id": _guid(800 + number), "vm_name": vm, "policy_session_id": _guid(751),
            "creation_time": f"2026-11-20T{ended}:55Z", "end_time": f"2026-11-20T{ended}:59Z",
            "state": "Completed", "result": "Success", "reason": "", "total_size": 1024}


ESTATE = {
    "backup_servers": [{"id": S1, "name": "vbr01", "description": "", "port": 9392, "version": "13.0.0.4967"}],
    "replica_job_sessions": [{"id": _guid(1), "server_id": S1, "job_id": _guid(61), "job_name": "Tier1",
                              "creation_time": "2026-11-20T09:59:00Z", "end_time": "2026-11-20T10:10:00Z",
                              "state": "Stopped", "result": "Success"}],
    "replica_task_sessions": [{"id": _guid(101), "job_session_id": _guid(1), "vm_name": "web01",
                               "creation_time": "2026-11-20T09:55:00Z", "end_time": "2026-11-20T10:00:00Z",
                               "state": "Completed", "result": "Success", "total_size": 1024}],
    "jobs": [{"id": _guid(61), "server_id": S1, "name": "Tier1", "schedule_enabled": True,
              "includes": [{"id": _guid(62), "name": "web01", "ref": "urn:VMware:Vm:vc-1.vm-101"}]}],
    "cdp_policies": [{"id": GOLD, "server_id": S1, "name": "Gold", "schedule_enabled": True, "rpo_minutes": 10,
                      "includes": [{"id": _guid(711), "name": "db01", "ref": "urn:VMware:Vm:vc-1.vm-201"},
                                   {"id": _guid(712), "name": "web01", "ref": "urn:VMware:Vm:vc-1.vm-101"},
                                   {"id": _guid(713), "name": "idle01", "ref": "urn:VMware:Vm:vc-1.vm-202"}]}],
    "cdp_sessions": [{"id": _guid(751), "policy_id": GOLD, "creation_time": "2026-11-20T00:00:00Z",
                      "state": "Working", "result": "None", "progress": 0, "failure_message": "", "is_retry": False}],
    # Each ends at :59 of the minute given, one second before the minute NOW is counted from.
    "cdp_task_sessions": [_cdp_task(1, "db01", "11:19"), _cdp_task(2, "db01", "11:29"), _cdp_task(3, "web01", "11:54")],
    "failover_plans": [{"id": _guid(901), "server_id": S1, "name": "DR Tier 1", "description": "",
                        "vms": [{"id": _guid(911), "name": "web01", "ref": "urn:VMware:Vm:vc-1.vm-101", "order": 1},
                                {"id": _guid(912), "name": "db01", "ref": "urn:VMware:Vm:vc-1.vm-201", "order": 2},
                                {"id": _guid(913), "name": "ghost01", "ref": "urn:VMware:Vm:vc-1.vm-301", "order": 3}]}],
}
PLAN_GROUP = "veeam_failover_plan_DR_Tier_1"


@pytest.fixture(scope="module")
def cdp_em() -> Iterator[EmSimulator]:
    with EmSimulator(dataset_from_dict(ESTATE), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator


@pytest.fixture
def run(tmp_path, cdp_em, monkeypatch) -> Iterator[Run]:
    yield from run_on(cdp_em, tmp_path, monkeypatch)


def inventory_at_now(run: Run, **options: Any) -> Any:
    plugin = inventory_loader.get(FQCN)
    plugin._now = lambda: NOW
    return run.parse(run.config(rpo="24h", rpo_basis="session", **options), plugin=plugin)[0]


def test_cdp_vms_are_hosts_judged_on_their_policy_rpo_in_the_usual_groups(run):
    inventory = inventory_at_now(run)
    assert hosts(inventory, "veeam_cdp") == ["db01", "idle01", "web01"]
    assert hosts(inventory, "veeam_replicated_vms") == ["db01", "web01"]
    assert hosts(inventory, "veeam_rpo_breached") == ["db01", "ghost01", "idle01"]
    assert hosts(inventory, "veeam_rpo_ok") == ["web01"]
    assert hosts(inventory, "veeam_job_Gold") == ["db01", "idle01"], "a CDP-only VM's job is its policy"
    db01 = hostvars(inventory, "db01")
    assert (db01["veeam_protection"], db01["veeam_rpo_source"], db01["veeam_rpo_seconds"]) == (["cdp"], "policy", 600)
    assert db01["veeam_rpo_breached"] is True and db01["veeam_job_name"] == "Gold"
    cdp = db01["veeam_cdp"]
    assert (cdp["policy_name"], cdp["policy_rpo_seconds"], cdp["policy_enabled"]) == ("Gold", 600, True)
    assert (cdp["warning_after_seconds"], cdp["failed_after_seconds"]) == (None, None), "RPO reporting is off"
    # Ended 10 minutes apart: the second within the 10-minute RPO of the first, so both met it.
    assert (cdp["sessions"], cdp["sessions_within_rpo"], cdp["sla_percent"], cdp["max_delay_seconds"]) == (2, 2, 100.0, 0)
    assert cdp["last_completed_time"] == "2026-11-20T11:29:59Z" and cdp["last_result"] == "Success"


def test_a_vm_with_both_kinds_of_evidence_is_one_host_measured_from_the_newer(run):
    web01 = hostvars(inventory_at_now(run), "web01")
    assert web01["veeam_protection"] == ["cdp", "replica"] and web01["veeam_job_name"] == "Tier1"
    # The policy's 10 minutes apply; its CDP session (5 minutes old) is newer than the replica (2 h).
    assert (web01["veeam_rpo_source"], web01["veeam_rpo_seconds"], web01["veeam_rpo_basis"]) == ("policy", 600, "cdp_session")
    assert web01["veeam_rpo_breached"] is False and web01["veeam_cdp"]["sessions"] == 1


def test_plan_vms_are_grouped_in_start_order_and_a_vm_without_evidence_is_listed(run):
    inventory = inventory_at_now(run)
    assert hosts(inventory, PLAN_GROUP) == ["db01", "ghost01", "web01"]
    assert [hostvars(inventory, name)["veeam_failover_plans"] for name in ("web01", "db01", "ghost01")] == [
        [{"name": "DR Tier 1", "order": order}] for order in (1, 2, 3)]
    ghost01 = hostvars(inventory, "ghost01")
    assert (ghost01["veeam_kind"], ghost01["veeam_protection"], ghost01["veeam_cdp"]) == ("unreplicated_vm", [], None)
    assert "ghost01" in hosts(inventory, "veeam_never_replicated")
    assert hostvars(inventory, "idle01")["veeam_failover_plans"] == [], "in no plan"


def test_group_prefix_names_the_new_groups_too(run):
    inventory = inventory_at_now(run, group_prefix="dr_")
    assert hosts(inventory, "dr_cdp") == ["db01", "idle01", "web01"]
    assert hosts(inventory, "dr_failover_plan_DR_Tier_1") == ["db01", "ghost01", "web01"]
    assert "veeam_cdp" not in inventory.groups and PLAN_GROUP not in inventory.groups


def test_cdp_rpo_source_option_judges_cdp_vms_on_the_rpo_given(run):
    db01 = hostvars(inventory_at_now(run, cdp_rpo_source="option"), "db01")
    assert (db01["veeam_rpo_source"], db01["veeam_rpo_seconds"], db01["veeam_rpo_breached"]) == ("option", 86400, False)


def test_rpo_by_job_naming_the_policy_overrides_its_rpo(run):
    db01 = hostvars(inventory_at_now(run, rpo_by_job={"Gold": "1h"}), "db01")
    assert (db01["veeam_rpo_source"], db01["veeam_rpo_seconds"], db01["veeam_rpo_breached"]) == ("option", 3600, False)


def test_with_both_off_nothing_of_cdp_or_plans_is_read_or_listed(run):
    inventory = inventory_at_now(run, include_cdp=False, include_failover_plans=False)
    vms = sorted(name for name, host in inventory.hosts.items() if host.get_vars()["veeam_kind"] != "backup_server")
    assert vms == ["web01"]
    web01 = hostvars(inventory, "web01")
    assert (web01["veeam_protection"], web01["veeam_cdp"], web01["veeam_failover_plans"]) == (["replica"], None, [])
    assert web01["veeam_rpo_source"] == "option" and "veeam_cdp" not in inventory.groups
    asked = " ".join(run.simulator.snapshot()["by_path"])
    assert "CdpReplicaTaskSession" not in asked and "CdpPolicy" not in asked and "FailoverPlan" not in asked
