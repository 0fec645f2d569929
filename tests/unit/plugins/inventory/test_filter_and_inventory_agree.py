"""The replica_status filter and the replicas inventory judge one estate alike.

Both read the same EM simulator: the filter gets the records the
replica_task_session_info, replica_point_info and replication_job_info modules return,
the inventory reads EM itself. For each VM the
findings, status word, failing flag, message and RPO must be equal, and they must also be
the findings this estate was built to have (so two equally wrong sides still fail).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

import pytest
import yaml

from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.veeam_em.core.plugins.filter.replica_status import replica_status
from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, open_session
from ansible_collections.veeam_em.core.plugins.module_utils._gather import (
    gather_replica_points,
    gather_replication_jobs,
    gather_task_sessions,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.tests.em_simulator import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EmSimulator,
    SimulatorConfig,
)
from ansible_collections.veeam_em.core.tests.em_simulator.fixture_file import dataset_from_dict

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
SERVER = "33333333-3333-4333-8333-333333333333"
OPTIONS = {"rpo": "24h", "rpo_by_job": {"Gold*": "2h", "Gold Exact": "3d"}, "fail_on": ["rpo_breach", "warning"]}
# What each VM was built to show at NOW with OPTIONS (latest session first in each comment).
EXPECTED = {
    "fresh": ([], False),                                              # success 1h ago, RPO 24h
    "stale": (["rpo_breach"], True),                                   # point 30h ago
    "broken": (["never_succeeded", "rpo_breach", "failed"], True),     # only failures
    "warned": (["warning"], True),                                     # warning 1h ago
    "gold": (["rpo_breach", "failed"], True),                          # Gold job: success 5h ago > 2h
    "exact": (["failed"], False),                                      # exact name wins: 3d RPO, success 50h ago
    "running": ([], False),                                            # running now, success 3h ago
    "late": (["rpo_breach"], True),                                    # from backup: session 1h, point 26h ago
    "ghost": (["never_replicated", "rpo_breach"], True),               # in Silver's includes, never processed
}


def _guid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def _at(hours_ago: float) -> str:
    return datetime.fromtimestamp(NOW.timestamp() - hours_ago * 3600, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _task(number: int, vm: str, job: int, hours_ago: float, result: str = "Success") -> dict[str, Any]:
    running = result == "None"
    return {"id": _guid(100 + number), "job_session_id": _guid(job), "vm_name": vm, "creation_time": _at(hours_ago),
            "end_time": None if running else _at(hours_ago - 0.1), "state": "InProgress" if running else "Completed",
            "result": result, "reason": "disk full" if result == "Failed" else "", "total_size": 1}


def _job(number: int, name: str) -> dict[str, Any]:
    return {"id": _guid(number), "server_id": SERVER, "job_id": _guid(50 + number), "job_name": name,
            "creation_time": _at(60), "end_time": _at(0.5), "state": "Stopped", "result": "Success"}


ESTATE = {
    "backup_servers": [{"id": SERVER, "name": "vbr01", "description": "", "port": 9392, "version": "13.0.0.4967"}],
    "replica_job_sessions": [_job(1, "Silver"), _job(2, "Gold 1"), _job(3, "Gold Exact")],
    "replica_task_sessions": [
        _task(1, "fresh", 1, 1), _task(2, "stale", 1, 30), _task(3, "broken", 1, 2, "Failed"),
        _task(4, "broken", 1, 26, "Failed"), _task(5, "warned", 1, 1, "Warning"), _task(6, "gold", 2, 1, "Failed"),
        _task(7, "gold", 2, 5), _task(8, "exact", 3, 1, "Failed"), _task(9, "exact", 3, 50),
        _task(10, "running", 1, 0.2, "None"), _task(11, "running", 1, 3), _task(12, "late", 1, 1),
    ],
    "jobs": [
        {"id": _guid(51), "server_id": SERVER, "name": "Silver", "next_run": _at(-5),
         "includes": [{"id": _guid(80 + n), "name": vm, "ref": f"urn:VMware:Vm:vc.vm-{n}"}
                      for n, vm in enumerate(("fresh", "stale", "broken", "warned", "running", "late", "ghost"))]},
        {"id": _guid(52), "server_id": SERVER, "name": "Gold 1", "next_run": _at(-1)},
        {"id": _guid(53), "server_id": SERVER, "name": "Gold Exact", "next_run": _at(-1)},
    ],
    # A point for each Success or Warning at the task's time; late's carries its backup's (26h).
    "replica_points": [
        {"id": _guid(200 + n), "vm_name": vm, "job_id": _guid(50 + job), "creation_time": _at(hours)}
        for n, (vm, job, hours) in enumerate((("fresh", 1, 1), ("stale", 1, 30), ("warned", 1, 1), ("gold", 2, 5),
                                             ("exact", 3, 50), ("running", 1, 3), ("late", 1, 26)))
    ],
}
COMPARED = ("findings", "status", "failing", "message", "rpo_seconds", "rpo_breached", "last_success_age_seconds",
            "rpo_basis", "rpo_age_seconds", "last_point_time", "restore_points", "job_schedule_enabled", "job_overdue")


@pytest.fixture(scope="module")
def em() -> Iterator[EmSimulator]:
    with EmSimulator(dataset_from_dict(ESTATE), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator


def connection(em: EmSimulator) -> dict[str, Any]:
    return {"url": em.url, "username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD, "ca_path": em.ca_path}


def filter_statuses(em: EmSimulator) -> dict[str, dict[str, Any]]:
    """What a playbook gets: the module's records through the filter."""
    options = ConnectionOptions.from_mapping(connection(em))
    window = {"created_after": "2026-11-01T00:00:00Z"}
    with open_session(options) as session:
        api = EmApi(session, options.page_size, options.max_concurrency)
        records = gather_task_sessions(api, window)["replica_task_sessions"]
        points = gather_replica_points(api, window)["replica_points"]
        jobs = gather_replication_jobs(api, {})["replication_jobs"]
    statuses = replica_status(records, now=NOW.isoformat(), points=points, jobs=jobs, **OPTIONS)
    return {status["vm_name"]: {key: status[key] for key in COMPARED} for status in statuses}


def inventory_statuses(em: EmSimulator, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, InventoryData]:
    """What an inventory gets: its host vars, unprefixed, measured at the same moment."""
    path = tmp_path / "agree.veeam_em.yml"
    config = {"plugin": "veeam_em.core.replicas", "created_after": "2026-11-01T00:00:00Z", **connection(em), **OPTIONS}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    plugin = inventory_loader.get("veeam_em.core.replicas")
    monkeypatch.setattr(plugin, "_now", lambda: NOW)
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), str(path), cache=False)
    found = {}
    for host in inventory.hosts.values():
        variables = host.get_vars()
        if variables["veeam_kind"] == "backup_server":
            continue
        found[str(variables["veeam_vm_name"])] = {key: variables.get(f"veeam_{key}") for key in COMPARED}
    return found, inventory


def test_the_filter_and_the_inventory_give_the_same_findings(em, tmp_path, monkeypatch):
    from_filter = filter_statuses(em)
    from_inventory, inventory = inventory_statuses(em, tmp_path, monkeypatch)
    assert from_inventory == from_filter
    assert {vm: (status["findings"], status["failing"]) for vm, status in from_filter.items()} == EXPECTED
    for finding in ("never_replicated", "never_succeeded", "rpo_breach", "failed", "warning"):
        members = sorted(host.name for host in inventory.groups[f"veeam_finding_{finding}"].get_hosts())
        assert members == sorted(vm for vm, (findings, _failing) in EXPECTED.items() if finding in findings)
    failing = sorted(host.name for host in inventory.groups["veeam_failing"].get_hosts())
    assert failing == sorted(vm for vm, (_findings, fails) in EXPECTED.items() if fails)
