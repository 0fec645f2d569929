"""The CDP and failover plan lane of the inventory's evidence read (plugin_utils._protection_read):
CDP pages folded as they come, includes only with coverage, and each refusal a role meets (Veeam's
"Security Roles" page) either a not_judged entry or, where nothing was missed, nothing; any other
refusal is still an error."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied
from ansible_collections.veeam_em.core.plugins.module_utils._rights import (
    CDP_POLICIES,
    CDP_SESSIONS,
    FAILOVER_PLANS,
    REPLICATION_JOBS,
    Right,
)
from ansible_collections.veeam_em.core.plugins.plugin_utils._evidence_read import EvidenceRead
from ansible_collections.veeam_em.core.plugins.plugin_utils._protection_read import read_protection
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import read_settings

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
POLICIES_REFUSED = {"checks": "cdp_policy_rpo", "reason": "no right to read CDP policies"}
SESSIONS_REFUSED = {"checks": "cdp", "reason": "no right to read CDP sessions"}
PLANS_REFUSED = {"checks": "failover_plans", "reason": "no right to read failover plans"}


def _cdp_session(vm: str) -> dict[str, Any]:
    return {"id": f"c-{vm}", "name": f"{vm}@2026-11-30 11:00:00", "vm_name": vm, "policy_name": "Gold",
            "policy_session_id": "ps1", "backup_server_id": "s1", "backup_server_name": "vbr01",
            "creation_time": datetime(2026, 11, 30, 11, 0, tzinfo=timezone.utc),
            "end_time": datetime(2026, 11, 30, 11, 0, 4, tzinfo=timezone.utc), "state": "Completed",
            "result": "Success", "reason": "", "total_size": 1}


class FakeApi:
    """EM's CDP and failover plan reads from lists; `refused` maps a read ("cdp_sessions",
    "cdp_policies", "includes", "plans") to the right its refusal names."""

    def __init__(self, pages: list[list[dict[str, Any]]], policies: list[dict[str, Any]] | None = None,
                 refused: dict[str, Right | None] | None = None) -> None:
        self.pages = pages
        self.policies = [{"id": "g1", "name": "Gold", "backup_server_id": "s1", "rpo_seconds": 600}] \
            if policies is None else policies
        self.refused = refused or {}
        self.asked: list[str] = []
        self.queries: list[Any] = []

    def _request(self, read: str) -> None:
        self.asked.append(read)
        if read in self.refused:
            raise AccessDenied(f"Enterprise Manager refused the {read} (HTTP 403)", 403,
                               f"https://em.example:9398/api/{read}", self.refused[read])

    def iter_cdp_task_sessions(self, query: Any):
        self.queries.append(query)
        for page in self.pages:
            self._request("cdp_sessions")
            yield page

    def cdp_policies(self, backup_servers: tuple[str, ...], names: tuple[str, ...]) -> list[dict[str, Any]]:
        self._request("cdp_policies")
        return self.policies

    def cdp_policy_includes(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        self._request("includes")
        return {policy_id: [{"name": "db01", "display_name": "db01", "object_type": "Vm", "order": 0}] for policy_id in ids}

    def failover_plans(self, backup_servers: tuple[str, ...]) -> list[dict[str, Any]]:
        self._request("plans")
        return [{"id": "p1", "name": "DR", "description": None, "backup_server_id": "s1", "backup_server_name": "vbr01",
                 "vms": [{"order": 2, "name": "db01"}, {"order": 1, "name": "web01"}]}]


def _settings(**options: Any) -> Any:
    return read_settings({"created_after": "2d", "rpo": "24h", **options}, NOW)


def _read(api: FakeApi, **options: Any) -> tuple[Any, list[dict[str, Any]]]:
    folded: list[dict[str, Any]] = []
    return read_protection(api, _settings(**options), threading.Event(), folded.extend), folded


def test_cdp_pages_are_folded_and_policies_and_plans_read_as_records():
    api = FakeApi([[_cdp_session("db01")], [_cdp_session("web01")]])
    found, folded = _read(api, vm_names=["db01", "web01"], job_names=["Gold"])
    assert [record["vm_name"] for record in folded] == ["db01", "web01"] and found.cdp_sessions_read == 2
    assert api.queries[0].vm_names == ("db01", "web01") and api.queries[0].policy_names == ("Gold",)
    assert found.cdp_policies[0]["rpo_seconds"] == 600 and found.cdp_policies[0]["includes"][0]["name"] == "db01"
    assert [vm["name"] for vm in found.failover_plans[0]["vms"]] == ["web01", "db01"], "in start order"
    assert found.not_judged == []


def test_includes_are_read_only_with_coverage():
    found = _read(FakeApi([]), include_unreplicated=False)[0]
    assert "includes" not in found.cdp_policies[0]


def test_each_option_off_reads_nothing_of_its_kind():
    api = FakeApi([[_cdp_session("db01")]])
    found, folded = _read(api, include_cdp=False)
    assert api.asked == ["plans"] and folded == [] and found.cdp_policies is None
    api = FakeApi([[_cdp_session("db01")]])
    found = _read(api, include_failover_plans=False)[0]
    assert "plans" not in api.asked and found.failover_plans is None


def test_policies_refused_are_said_only_when_the_window_has_cdp_sessions():
    """A Portal User: CDP VMs are then judged on the rpo; an estate without CDP is told nothing."""
    found = _read(FakeApi([[_cdp_session("db01")]], refused={"cdp_policies": CDP_POLICIES}))[0]
    assert found.cdp_policies is None and found.not_judged == [POLICIES_REFUSED]
    found = _read(FakeApi([[]], refused={"cdp_policies": CDP_POLICIES}))[0]
    assert found.cdp_policies is None and found.not_judged == []


def test_plans_refused_are_always_said():
    found = _read(FakeApi([], refused={"plans": FAILOVER_PLANS}))[0]
    assert found.failover_plans is None and found.not_judged == [PLANS_REFUSED]


def test_sessions_refused_are_said_unless_the_policies_show_there_is_no_cdp():
    """A VM Restore Operator (refused the policies too), or an account refused only the sessions."""
    refused = {"cdp_sessions": CDP_SESSIONS, "cdp_policies": CDP_POLICIES}
    found = _read(FakeApi([[_cdp_session("db01")]], refused=refused))[0]
    assert found.not_judged == [SESSIONS_REFUSED]
    found = _read(FakeApi([[_cdp_session("db01")]], refused={"cdp_sessions": CDP_SESSIONS}))[0]
    assert found.not_judged == [SESSIONS_REFUSED], "policies exist, so CDP VMs are missed"
    found = _read(FakeApi([[_cdp_session("db01")]], policies=[], refused={"cdp_sessions": CDP_SESSIONS}))[0]
    assert found.not_judged == [], "no policy: no CDP VM to miss"


@pytest.mark.parametrize("refused", [{"cdp_policies": REPLICATION_JOBS}, {"plans": None}, {"cdp_sessions": None}])
def test_any_other_refusal_is_still_an_error(refused):
    with pytest.raises(AccessDenied, match="Enterprise Manager refused the"):
        _read(FakeApi([[_cdp_session("db01")]], refused=refused))


def test_the_lane_runs_beside_the_points_and_jobs_lane_and_its_result_reaches_the_evidence():
    """Within one EvidenceRead: the CDP lane's pages are folded on their own thread and its
    policies, plans and entries come back with the evidence."""
    api = FakeApi([[_cdp_session("db01")]], refused={"plans": FAILOVER_PLANS})
    api.iter_replica_points = lambda query: iter(())  # the other lane: no point, no job
    folded: list[dict[str, Any]] = []
    threads: set[str] = set()

    def fold(records: list[dict[str, Any]]) -> None:
        threads.add(threading.current_thread().name)
        folded.extend(records)

    settings = _settings(include_unreplicated=False)
    with EvidenceRead(api, settings, fold) as reading:
        evidence = reading.result()
    assert [record["vm_name"] for record in folded] == ["db01"]
    assert threads and threading.current_thread().name not in threads, "folded on the lane's thread"
    assert evidence.protection.cdp_policies[0]["name"] == "Gold"
    assert evidence.protection.not_judged == [PLANS_REFUSED]
