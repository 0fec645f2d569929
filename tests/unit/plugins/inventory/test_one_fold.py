"""The replica_status filter (so the replica_compliance role) and the replicas inventory judge
any estate alike: both fold through verdict's VmFold and judge with judge_vms, and this test
holds the glue around that one fold (hypothesis, deterministic).

The inventory reads a random estate through its client seam, from a fake EM that answers as
EM's query service does (the exact names and the window it is asked for, in pages; times as
datetimes), then from its cache (the summaries through JSON); the filter gets the records
the info modules return for the same window (times as text), with the inventory's name
options as include/exclude. Every VM's status must be the same, key by key.

A fixed estate, built so that each VM shows one known set of findings, also checks that
the judgement is right (two equally wrong sides would agree) and that the finding groups
hold those VMs.
"""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.veeam_em.core.plugins.filter.replica_status import replica_status
from ansible_collections.veeam_em.core.plugins.module_utils._records import (
    replica_point_record,
    replication_job_record,
    task_session_record,
)

FQCN = "veeam_em.core.replicas"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
WINDOW = timedelta(days=5)
SERVERS = (("s1", "vbr01"), ("s2", "vbr02"))
VMS = ("web01", "web02", "db01", "app01")
JOBS = ("Gold 1", "Silver")
PAGE = 3
# Host vars that exist only when an RPO applies (the inventory leaves them out when null).
RPO_KEYS = ("rpo_seconds", "rpo_breached", "rpo_text", "rpo_used_percent")
# The inventory's name options and the filter's include/exclude keys they stand for.
NAME_OPTIONS = {"vm_names": ("include", "vm_name"), "exclude_vm_names": ("exclude", "vm_name"),
                "job_names": ("include", "job_name"), "exclude_job_names": ("exclude", "job_name"),
                "backup_server_names": ("include", "backup_server_name"),
                "exclude_backup_server_names": ("exclude", "backup_server_name")}


def at(hours_ago: float) -> datetime:
    return NOW - timedelta(hours=hours_ago)


def raw_session(number: int, vm: str, server: int, job: str, hours_ago: float, result: str) -> dict[str, Any]:
    """A task session as the client yields it (times are datetimes; a running one has no end)."""
    running = result == "None"
    server_id, server_name = SERVERS[server]
    return {"id": f"t{number}", "uid": f"urn:veeam:ReplicaTaskSession:t{number}", "name": vm, "vm_name": vm,
            "state": "InProgress" if running else "Completed", "result": result, "reason": "",
            "creation_time": at(hours_ago), "end_time": None if running else at(hours_ago - 0.1),
            "total_size": 1, "job_session_id": f"j{number}", "job_session_name": job, "job_name": job,
            "backup_server_id": server_id, "backup_server_name": server_name, "href": None}


def raw_point(number: int, vm: str, server: int, job: str, hours_ago: float) -> dict[str, Any]:
    server_id, server_name = SERVERS[server]
    return {"id": f"p{number}", "uid": None, "name": vm, "vm_name": vm, "creation_time": at(hours_ago),
            "type": "Snapshot", "algorithm": None, "replica_id": f"r-{job}", "replica_name": job,
            "backup_server_id": server_id, "backup_server_name": server_name, "href": None}


def raw_job(server: int, job: str, enabled: bool, next_run: float | None, includes: list[tuple[str, str]]) -> dict[str, Any]:
    server_id, server_name = SERVERS[server]
    objects = [{"id": f"o-{name}", "name": name, "display_name": name, "object_type": kind, "hierarchy_obj_ref": None,
                "order": None} for name, kind in includes]
    return {"id": f"{server_id}-{job}", "uid": None, "name": job, "description": "", "platform": "VMware",
            "schedule_configured": True, "schedule_enabled": enabled,
            "next_run": None if next_run is None else at(next_run), "backup_server_id": server_id,
            "backup_server_name": server_name, "href": None, "includes": objects}


class FakeEm:
    """The client seam's EmApi over a fixed estate, answering as EM's query service does."""

    def __init__(self, estate: dict[str, list[dict[str, Any]]]) -> None:
        self.estate = estate

    def backup_servers(self) -> list[dict[str, Any]]:
        return [{"id": server_id, "uid": None, "name": name, "description": "", "port": 9392, "version": "13",
                 "wcf_port": None, "certificate_thumbprint": None, "href": None} for server_id, name in SERVERS]

    def iter_task_sessions(self, query: Any) -> Iterator[list[dict[str, Any]]]:
        kept = [raw for raw in self.estate["sessions"]
                if _asked(raw, query.created_after, query.vm_names, query.backup_servers)
                and (not query.job_names or raw["job_name"] in query.job_names)]
        for start in range(0, len(kept), PAGE):
            yield kept[start:start + PAGE]

    def iter_replica_points(self, query: Any) -> Iterator[list[dict[str, Any]]]:
        yield [raw for raw in self.estate["points"]
               if _asked(raw, query.created_after, query.vm_names, query.backup_servers)]

    def replication_jobs(self, backup_servers: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        return [{key: value for key, value in job.items() if key != "includes"} for job in self.estate["jobs"]
                if not backup_servers or job["backup_server_name"] in backup_servers]

    def job_includes(self, job_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        return {job["id"]: job["includes"] for job in self.estate["jobs"] if job["id"] in job_ids}

    # These estates have no CDP and no failover plan (test_inventory_cdp's have): EM answers none.
    def iter_cdp_task_sessions(self, query: Any) -> Iterator[list[dict[str, Any]]]:
        yield []

    def cdp_policies(self, backup_servers: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        return []

    def cdp_policy_includes(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        return {}

    def failover_plans(self, backup_servers: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        return []


def _asked(raw: dict[str, Any], after: datetime | None, vms: tuple[str, ...], servers: tuple[str, ...]) -> bool:
    return ((after is None or raw["creation_time"] >= after) and (not vms or raw["vm_name"] in vms)
            and (not servers or raw["backup_server_name"] in servers))


def inventory_reads(estate: dict[str, Any], options: dict[str, Any], folder: Path) -> list[InventoryData]:
    """The inventory of a read from the fake EM, then of a cache hit, both measured at NOW."""
    plugin = inventory_loader.get(FQCN)
    plugin._now = lambda: NOW

    @contextmanager
    def client(_source: Any, _said: list[str]) -> Iterator[FakeEm]:
        yield FakeEm(estate)

    plugin._create_client = client
    config = {"plugin": FQCN, "url": "https://em.example:9398/api", "username": "u", "password": "p",
              "created_after": "5d", "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
              "cache_connection": str(folder / "cache"), "cache_timeout": 3600, **options}
    path = folder / "property.veeam_em.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    inventories = []
    for _read in ("from EM", "from the cache"):
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path))
        plugin.update_cache_if_changed()  # what InventoryManager does after a parse
        inventories.append(inventory)
    return inventories


def inventory_statuses(estate: dict[str, Any], options: dict[str, Any], folder: Path) -> list[dict[tuple[str, str], dict]]:
    """{(backup server, VM): status, rebuilt from its host vars} of a read, then of a cache hit."""
    return [_statuses_of(inventory) for inventory in inventory_reads(estate, options, folder)]


# What the filter judges over the window (issue 28) from the history it keeps; the inventory keeps
# none (VmFold keep_history off), so the two are compared on everything else.
WINDOW_KEYS = ("sla", "anomalies")


def _statuses_of(inventory: InventoryData) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for host in inventory.hosts.values():
        variables = host.get_vars()
        if variables["veeam_kind"] == "backup_server":
            continue
        status = {key[len("veeam_"):]: value for key, value in variables.items()
                  if key.startswith("veeam_") and key != "veeam_kind" and key[len("veeam_"):] not in WINDOW_KEYS}
        # veeam_waiver is the inventory's own name for the waivers list (issue 28): the same list.
        assert status.pop("waiver") == status["waivers"]
        found[(status["backup_server_name"], status["vm_name"])] = status
    return found


def filter_statuses(estate: dict[str, Any], options: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """What a playbook gets: the info modules' records of the window through the filter."""
    after = NOW - WINDOW
    include: dict[str, list[str]] = {}
    exclude: dict[str, list[str]] = {}
    for option, (side, key) in NAME_OPTIONS.items():
        if options.get(option):
            (include if side == "include" else exclude)[key] = options[option]
    points = None
    if options.get("rpo_basis", "restore_point") == "restore_point":
        points = [replica_point_record(raw) for raw in estate["points"] if raw["creation_time"] >= after]
    jobs = None
    if options.get("include_unreplicated", True):
        jobs = [replication_job_record(raw, raw["includes"]) for raw in estate["jobs"]]
    statuses = replica_status([task_session_record(raw) for raw in estate["sessions"] if raw["creation_time"] >= after],
                              rpo=options.get("rpo"), rpo_by_job=options.get("rpo_by_job"), now=NOW.isoformat(),
                              include=include, exclude=exclude, fail_on=options.get("fail_on"),
                              include_sessions=options.get("include_sessions", False), points=points,
                              rpo_basis=options.get("rpo_basis"), jobs=jobs)
    return {(status["backup_server_name"], status["vm_name"]):
            {key: value for key, value in status.items()
             if not (key in RPO_KEYS and value is None) and key not in WINDOW_KEYS}
            for status in statuses}


# -- random estates -----------------------------------------------------------------------------

HOURS = st.floats(min_value=0.5, max_value=150, allow_nan=False).map(lambda hours: round(hours, 1))
SESSIONS = st.lists(st.tuples(st.sampled_from(VMS), st.integers(0, 1), st.sampled_from(JOBS), HOURS,
                              st.sampled_from(["Success", "Warning", "Failed", "None"])), max_size=14)
POINTS = st.lists(st.tuples(st.sampled_from(VMS), st.integers(0, 1), st.sampled_from(JOBS), HOURS), max_size=8)
INCLUDES = st.lists(st.sampled_from([(vm, "Vm") for vm in VMS] + [("new01", "Vm"), ("Prod", "Folder")]),
                    max_size=3, unique=True)
JOB_RECORDS = st.lists(st.tuples(st.integers(0, 1), st.sampled_from(JOBS), st.booleans(),
                                 st.one_of(st.none(), st.floats(-48, 48).map(lambda hours: round(hours, 1))), INCLUDES),
                       max_size=3, unique_by=lambda job: job[:2])


@st.composite
def estates(draw: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "sessions": [raw_session(number, *drawn) for number, drawn in enumerate(draw(SESSIONS))],
        "points": [raw_point(number, *drawn) for number, drawn in enumerate(draw(POINTS))],
        "jobs": [raw_job(*drawn) for drawn in draw(JOB_RECORDS)],
    }


OPTIONS = st.fixed_dictionaries({}, optional={
    "vm_names": st.sampled_from([["web*"], ["db01"], ["web01", "db01"], ["new01", "Prod"]]),
    "exclude_vm_names": st.sampled_from([["app*"], ["web02"]]),
    "job_names": st.sampled_from([["Gold*"], ["Silver"]]),
    "exclude_job_names": st.sampled_from([["Silver"], ["*1"]]),
    "backup_server_names": st.sampled_from([["vbr01"], ["vbr0[2]"]]),
    "exclude_backup_server_names": st.sampled_from([["vbr02"]]),
    "rpo": st.sampled_from(["4h", "2d"]),
    "rpo_by_job": st.sampled_from([{"Gold*": "1h"}, {"Silver": "3d", "*": "6h"}]),
    "fail_on": st.sampled_from([["warning", "never_replicated"], ["rpo_breach"]]),
    "rpo_basis": st.sampled_from(["restore_point", "session"]),
    "include_unreplicated": st.booleans(),
    "include_sessions": st.booleans(),
})


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(estate=estates(), options=OPTIONS)
def test_the_filter_and_the_inventory_judge_any_estate_alike(estate, options):
    with tempfile.TemporaryDirectory(prefix="veeam-em-fold-") as folder:
        fetched, hit = inventory_statuses(estate, options, Path(folder))
    expected = filter_statuses(estate, options)
    assert fetched == expected
    assert hit == expected


# -- one estate built to show each finding -------------------------------------------------------

BUILT_OPTIONS = {"rpo": "24h", "rpo_by_job": {"Gold*": "2h", "Gold Exact": "3d"}, "fail_on": ["rpo_breach", "warning"]}
# What each VM was built to show at NOW with BUILT_OPTIONS (latest session first in each comment).
BUILT_FINDINGS = {
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


def built_estate() -> dict[str, list[dict[str, Any]]]:
    sessions = [("fresh", "Silver", 1, "Success"), ("stale", "Silver", 30, "Success"), ("broken", "Silver", 2, "Failed"),
                ("broken", "Silver", 26, "Failed"), ("warned", "Silver", 1, "Warning"), ("gold", "Gold 1", 1, "Failed"),
                ("gold", "Gold 1", 5, "Success"), ("exact", "Gold Exact", 1, "Failed"),
                ("exact", "Gold Exact", 50, "Success"), ("running", "Silver", 0.2, "None"),
                ("running", "Silver", 3, "Success"), ("late", "Silver", 1, "Success")]
    # A point for each Success or Warning at the session's time; late's carries its backup's (26h).
    points = [("fresh", "Silver", 1), ("stale", "Silver", 30), ("warned", "Silver", 1), ("gold", "Gold 1", 5),
              ("exact", "Gold Exact", 50), ("running", "Silver", 3), ("late", "Silver", 26)]
    silver = [(vm, "Vm") for vm in ("fresh", "stale", "broken", "warned", "running", "late", "ghost")]
    return {
        "sessions": [raw_session(number, vm, 0, job, hours, result) for number, (vm, job, hours, result) in enumerate(sessions)],
        "points": [raw_point(number, vm, 0, job, hours) for number, (vm, job, hours) in enumerate(points)],
        "jobs": [raw_job(0, "Silver", True, -5, silver), raw_job(0, "Gold 1", True, -1, []),
                 raw_job(0, "Gold Exact", True, -1, [])],
    }


def test_the_estate_built_to_show_each_finding_shows_it(tmp_path):
    estate = built_estate()
    judged = filter_statuses(estate, BUILT_OPTIONS)
    assert {vm: (status["findings"], status["failing"]) for (_server, vm), status in judged.items()} == BUILT_FINDINGS
    fetched, _hit = inventory_statuses(estate, BUILT_OPTIONS, tmp_path)
    assert fetched == judged


def test_the_finding_groups_hold_the_vms_built_for_them(tmp_path):
    _fetched, inventory = inventory_reads(built_estate(), BUILT_OPTIONS, tmp_path)
    for finding in ("never_replicated", "never_succeeded", "rpo_breach", "failed", "warning"):
        members = sorted(host.name for host in inventory.groups[f"veeam_finding_{finding}"].get_hosts())
        assert members == sorted(vm for vm, (findings, _failing) in BUILT_FINDINGS.items() if finding in findings)
    failing = sorted(host.name for host in inventory.groups["veeam_failing"].get_hosts())
    assert failing == sorted(vm for vm, (_findings, fails) in BUILT_FINDINGS.items() if fails)
