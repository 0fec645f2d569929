"""The replicas inventory over the window and with waivers (issue 28), against the EM simulator
serving a small hand-made estate judged at a fixed NOW (the plugin's _now seam), 2026-11-20 12:00 UTC,
with a 24-hour window (created_after 2026-11-19 12:00), a 6-hour RPO judged on sessions:

- web01 and app01 (job Tier1, vbr01) succeed at 12:00, 16:00 and 20:00 on the 19th and 00:00,
  04:00 and 08:00 on the 20th, each run 5 minutes and 1000 bytes, but web01's last run moved
  10000 bytes and app01's took 50 minutes. Each 6-hour RPO reaches the next run, the last
  (08:00) reaches 14:00, past NOW: 100% of the 24 hours. The last run has 5 earlier ones; all alike,
  so the MAD is 0 and the scale is 10% of the median: 100 bytes (score 9000 / 100 = 90) and 30 s
  (score 2700 / 30 = 90), both far above the threshold 5; the usual range is the median -/+ 5 scales.
- db01 succeeds at 12:00 on the 19th and 00:00 on the 20th: 12 h old at NOW (rpo_breach), covered
  [12:00, 18:00] and [00:00, 06:00]: 12 h of 24 = 50%.
- mail01 succeeds at 14:00 on the 19th and 02:00 on the 20th: 10 h old (rpo_breach); added mid-window,
  so measured from its first run: 12 h covered of the 22 h from 14:00 to NOW = 54.55%.

The waivers file waives db01 until 2026-12-01 (active), mail01 until 2026-11-15 (expired at the end of
that day: its findings count again, with waiver_expired), and gone* (matches no VM: stale).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.loader import inventory_loader

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, SimulatorConfig
from ansible_collections.veeam_em.core.tests.em_simulator.fixture_file import dataset_from_dict
from ansible_collections.veeam_em.core.tests.unit.plugins.inventory.test_inventory_replicas import FQCN, S1, Run, _guid
from ansible_collections.veeam_em.core.tests.unit.plugins.inventory.test_inventory_replicas import cache_files, cached_part
from ansible_collections.veeam_em.core.tests.unit.plugins.inventory.test_inventory_replicas import hosts, hostvars
from ansible_collections.veeam_em.core.tests.unit.plugins.inventory.test_inventory_replicas import requests_made, run_on

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
# Run times as (day, hour); each has a job session of its own.
WEB_RUNS = [(19, 12), (19, 16), (19, 20), (20, 0), (20, 4), (20, 8)]
RUNS = {"web01": WEB_RUNS, "app01": WEB_RUNS, "db01": [(19, 12), (20, 0)], "mail01": [(19, 14), (20, 2)]}
SLOTS = sorted({slot for runs in RUNS.values() for slot in runs})


def _task(number: int, vm: str, slot: tuple[int, int], minutes: int = 5, size: int = 1000) -> dict[str, Any]:
    day, hour = slot
    return {"id": _guid(100 + number), "job_session_id": _guid(SLOTS.index(slot) + 1), "vm_name": vm,
            "creation_time": f"2026-11-{day:02d}T{hour:02d}:00:00Z",
            "end_time": f"2026-11-{day:02d}T{hour:02d}:{minutes:02d}:00Z",
            "state": "Completed", "result": "Success", "total_size": size}


def _tasks() -> list[dict[str, Any]]:
    tasks = []
    for vm, runs in RUNS.items():
        for slot in runs:
            last = slot == (20, 8)
            tasks.append(_task(len(tasks), vm, slot, minutes=50 if last and vm == "app01" else 5,
                               size=10000 if last and vm == "web01" else 1000))
    return tasks


ESTATE = {
    "backup_servers": [{"id": S1, "name": "vbr01", "description": "", "port": 9392, "version": "13.0.0.4967"}],
    "replica_job_sessions": [{"id": _guid(index + 1), "server_id": S1, "job_id": _guid(61), "job_name": "Tier1",
                              "creation_time": f"2026-11-{day:02d}T{hour:02d}:00:00Z",
                              "end_time": f"2026-11-{day:02d}T{hour:02d}:55:00Z", "state": "Stopped", "result": "Success"}
                             for index, (day, hour) in enumerate(SLOTS)],
    "replica_task_sessions": _tasks(),
    "jobs": [{"id": _guid(61), "server_id": S1, "name": "Tier1"}],
}
WAIVERS = """\
waivers:
  - vms: db01
    justification: decommissioned in December
    expires: 2026-12-01
  - vms: mail01
    justification: storage migration
    expires: 2026-11-15
  - vms: "gone*"
    justification: old VMs
    permanent: true
"""


@pytest.fixture(scope="module")
def window_em() -> Iterator[EmSimulator]:
    with EmSimulator(dataset_from_dict(ESTATE), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator


def waivers_file(run: Run, text: str = WAIVERS) -> str:
    path = run.tmp_path / "waivers.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def run(tmp_path, window_em, monkeypatch) -> Iterator[Run]:
    yield from run_on(window_em, tmp_path, monkeypatch)


def inventory_at_now(run: Run, **options: Any) -> tuple[Any, Any]:
    plugin = inventory_loader.get(FQCN)
    plugin._now = lambda: NOW
    warnings: list[str] = []
    run.monkeypatch.setattr(plugin.display, "warning", warnings.append)
    path = run.config(created_after="2026-11-19T12:00:00Z", rpo="6h", rpo_basis="session", include_cdp=False,
                      include_failover_plans=False, include_unreplicated=False, **options)
    return run.parse(path, plugin=plugin)[0], warnings


def test_off_by_default_the_window_vars_are_empty_and_nothing_is_waived(run):
    inventory, _warnings = inventory_at_now(run, sla_target=90)
    web01 = hostvars(inventory, "web01")
    assert (web01["veeam_sla"], web01["veeam_anomalies"]) == (None, [])
    assert (web01["veeam_waived"], web01["veeam_waiver"], web01["veeam_waivers"]) == (False, [], [])
    assert "veeam_waived" not in inventory.groups or hosts(inventory, "veeam_waived") == []
    assert hosts(inventory, "veeam_failing") == ["db01", "mail01"], "their RPO breaches; no SLA without include_sla"


def test_sla_over_the_window_and_below_the_target(run):
    inventory, _warnings = inventory_at_now(run, include_sla=True, sla_target=90)
    db01 = hostvars(inventory, "db01")["veeam_sla"]
    assert (db01["percent"], db01["covered_seconds"], db01["span_seconds"]) == (50.0, 12 * 3600, 24 * 3600)
    assert [(gap["start"], gap["end"], gap["seconds"]) for gap in db01["gaps"]] == [
        ("2026-11-19T18:00:00Z", "2026-11-20T00:00:00Z", 6 * 3600),
        ("2026-11-20T06:00:00Z", "2026-11-20T12:00:00Z", 6 * 3600)]
    assert db01["below_target"] is True
    mail01 = hostvars(inventory, "mail01")["veeam_sla"]
    assert (mail01["percent"], mail01["start"], mail01["span_seconds"]) == (54.55, "2026-11-19T14:00:00Z", 22 * 3600)
    assert hostvars(inventory, "web01")["veeam_sla"]["percent"] == 100.0
    assert hosts(inventory, "veeam_finding_sla_below_target") == ["db01", "mail01"]
    assert "sla_below_target" in hostvars(inventory, "db01")["veeam_findings"]
    assert db01["days"] is None, "include_sla_days is off by default"


def test_the_days_of_the_sla_when_asked(run):
    # db01 over the window 19th 12:00 to 20th 12:00: on the 19th its span is 12 h, covered 12:00-18:00
    # (6 h, 50%); on the 20th 12 h, covered 00:00-06:00 (6 h, 50%). mail01 is measured from 14:00 on the
    # 19th: 10 h of span, covered 14:00-20:00 (6 h, 60%); on the 20th covered 02:00-08:00 (50%).
    inventory, _warnings = inventory_at_now(run, include_sla=True, include_sla_days=True)
    assert sla_days(inventory, "db01") == [
        ("2026-11-19", 50.0, 6 * 3600, 12 * 3600), ("2026-11-20", 50.0, 6 * 3600, 12 * 3600)]
    assert sla_days(inventory, "mail01") == [
        ("2026-11-19", 60.0, 6 * 3600, 10 * 3600), ("2026-11-20", 50.0, 6 * 3600, 12 * 3600)]


def sla_days(inventory: Any, host: str) -> list[tuple[Any, ...]]:
    """A host's SLA days as (date, percent, covered_seconds, span_seconds)."""
    return [(day["date"], day["percent"], day["covered_seconds"], day["span_seconds"])
            for day in hostvars(inventory, host)["veeam_sla"]["days"]]


def test_each_anomaly_with_its_usual_range(run):
    inventory, _warnings = inventory_at_now(run, include_anomalies=True)
    (size,) = hostvars(inventory, "web01")["veeam_anomalies"]
    assert (size["kind"], size["creation_time"], size["value"], size["median"]) == (
        "size_anomaly", "2026-11-20T08:00:00Z", 10000, 1000)
    assert (size["usual_low"], size["usual_high"], size["score"], size["history"]) == (500, 1500, 90.0, 5)
    (duration,) = hostvars(inventory, "app01")["veeam_anomalies"]
    assert (duration["kind"], duration["value"], duration["usual_low"], duration["usual_high"]) == (
        "duration_anomaly", 3000, 150, 450)
    assert hosts(inventory, "veeam_finding_size_anomaly") == ["web01"]
    assert hosts(inventory, "veeam_finding_duration_anomaly") == ["app01"]
    assert "web01" not in hosts(inventory, "veeam_failing"), "anomalies warn; not in the default fail_on"
    assert hostvars(inventory, "web01")["veeam_sla"] is None, "include_sla is off"


def test_the_cache_keeps_the_history_as_text_and_a_hit_judges_the_same(run):
    # The fold keeps the history's times as datetimes; the cache must write them as JSON text,
    # and a hit must judge that text as the miss judged the datetimes.
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(run.tmp_path / "cache"),
             "cache_timeout": 3600, "include_sla": True, "sla_target": 90, "include_anomalies": True}
    missed, _warnings = inventory_at_now(run, **cache)
    [cache_file] = cache_files(run)
    db01 = next(vm for vm in cached_part(cache_file)["vms"] if vm["vm_name"] == "db01")
    assert db01["evidence_times"] == ["2026-11-19T12:00:00Z", "2026-11-20T00:00:00Z"]
    assert db01["first_seen_time"] == "2026-11-19T12:00:00Z"
    assert [row[0] for row in db01["runs"]] == db01["evidence_times"], "each run a row, its creation time first"
    run.simulator.reset_stats()
    hit, _warnings = inventory_at_now(run, **cache)
    assert requests_made(run.simulator) == {}, "the second run is a cache hit"
    for host in RUNS:
        for key in ("veeam_sla", "veeam_anomalies", "veeam_findings"):
            assert hostvars(hit, host)[key] == hostvars(missed, host)[key], (host, key)
    assert hostvars(hit, "db01")["veeam_sla"]["percent"] == 50.0
    assert [found["kind"] for found in hostvars(hit, "web01")["veeam_anomalies"]] == ["size_anomaly"]


def test_a_waived_breach_stays_listed_but_does_not_fail(run):
    inventory, _warnings = inventory_at_now(run, include_sla=True, sla_target=90, waivers=waivers_file(run))
    db01 = hostvars(inventory, "db01")
    assert hosts(inventory, "veeam_waived") == ["db01"]
    assert db01["veeam_waived"] is True and db01["veeam_failing"] is False
    assert db01["veeam_waived_findings"] == ["rpo_breach", "sla_below_target"]
    (waiver,) = db01["veeam_waiver"]
    assert (waiver["entry"], waiver["state"], waiver["justification"]) == (1, "active", "decommissioned in December")
    assert waiver["expires"] == "2026-12-02T00:00:00Z", "a date holds through that whole day UTC"
    assert db01["veeam_waivers"] == db01["veeam_waiver"]
    assert "db01" in hosts(inventory, "veeam_finding_rpo_breach"), "a waived finding is still a finding"


def test_an_expired_waiver_gives_the_findings_back(run):
    inventory, _warnings = inventory_at_now(run, waivers=waivers_file(run))
    mail01 = hostvars(inventory, "mail01")
    assert mail01["veeam_failing"] is True and mail01["veeam_waived"] is False
    assert "waiver_expired" in mail01["veeam_findings"] and "rpo_breach" in mail01["veeam_findings"]
    assert [(waiver["entry"], waiver["state"]) for waiver in mail01["veeam_waiver"]] == [(2, "expired")]
    assert hosts(inventory, "veeam_finding_waiver_expired") == ["mail01"]
    assert "storage migration" in mail01["veeam_message"]


def test_a_stale_waiver_warns_once(run):
    _inventory, warnings = inventory_at_now(run, waivers=waivers_file(run))
    stale = [warning for warning in warnings if "matches no VM" in warning]
    assert stale == [f"{FQCN}: waiver 3 (line 8) matches no VM: vms gone*; remove it or fix its selectors"]


def test_a_malformed_waivers_file_fails_before_em_is_asked(run):
    text = WAIVERS.replace("justification: storage migration", "justifcation: storage migration")
    path = waivers_file(run, text)
    with pytest.raises(AnsibleError) as raised:
        inventory_at_now(run, waivers=path)
    assert f"waivers file {path}, entry 2 (line 5): unknown key 'justifcation'" in str(raised.value)
    assert requests_made(run.simulator) == {}, "nothing may be read from EM"
