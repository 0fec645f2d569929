# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""cdp_policy_info's body against the simulator over HTTPS with CDP task sessions as Veeam's
examples show them (--cdp-session-span long-term: back to back until the next long-term restore
point, 8 h, the newest running; datagen_protection.py): a running session holds the RPO
(rpo_basis cdp_running) although the last completed one ended hours ago.

One server, two policies (seed 3, --now FIXED_NOW, 2025-11-24T16:00:00Z): "CDP Policy 1-1" (RPO
15 min) with "sql 01", cdp-vm001, cdp-vm002 and cdp-vm003 (the cdp_rpo_breached case: its running
session marked Failed, "RPO is not met"); "CDP Policy 1-2" (RPO 300 s, the cdp_policy_disabled
case) with cdp-vm004 to cdp-vm006, whose last sessions Completed at 2025-11-23T16:00:00Z.
Expected times are read from the generated model, never from the verdict.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _module, _protection_info
from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, GeneratorSpec, SimulatorConfig
from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.test_logout_and_services import (
    FakeModule,
    _Exit,
    module_params,
)
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXED_NOW, leak_checked
from ansible_collections.veeam_em.core.tests.unit.simulator.long_term_estate import long_term_dataset

NOW = datetime.fromtimestamp(FIXED_NOW // TICKS_PER_SECOND, timezone.utc)
SPEC = GeneratorSpec(seed=3, servers=1, jobs_per_server=2, vms_per_job=3, days=2, now=FIXED_NOW,
                     cdp_policies_per_server=2)
WINDOW = {"created_after": "2025-11-23T00:00:00Z"}
HEALTHY = ("cdp-vm001", "cdp-vm002", "sql 01")
BREACHED, DISABLED = "cdp-vm003", ("cdp-vm004", "cdp-vm005", "cdp-vm006")


@pytest.fixture(scope="module")
def started() -> Iterator[EmSimulator]:
    with EmSimulator(long_term_dataset(SPEC), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def judged(started: EmSimulator) -> dict[str, Any]:
    """cdp_policy_info's result on the estate, judged at its now; read once, as every test only reads it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_protection_info, "utc_now", lambda: NOW)
        for simulator in leak_checked(started):
            module = FakeModule({**module_params(simulator), **WINDOW})
            with pytest.raises(_Exit):
                _module.run_info_module(module, _protection_info.gather_cdp_policy_info)
    return module.result


def _vms(judged: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {vm["vm_name"]: vm for vm in judged["cdp_vms"]}


def _tasks(started: EmSimulator, vm: str) -> list[Any]:
    return [task for task in started.dataset.cdp_task_sessions if task.vm_name == vm]


def _seconds_before_now(ticks: int) -> float:
    return (FIXED_NOW - ticks) / TICKS_PER_SECOND


def test_the_estate_is_the_one_described(started: EmSimulator) -> None:
    assert started.dataset.notes["cdp_rpo_breached"] == [f"vbr01.corp.example/{BREACHED}"]
    assert started.dataset.notes["cdp_policy_disabled"] == ["vbr01.corp.example/CDP Policy 1-2"]
    assert {policy.name: sorted(item.name for item in policy.includes) for policy in started.dataset.cdp_policies} == {
        "CDP Policy 1-1": ["cdp-vm001", "cdp-vm002", BREACHED, "sql 01"], "CDP Policy 1-2": list(DISABLED)}


def test_a_running_session_holds_the_rpo_although_the_last_completed_one_ended_hours_ago(
        started: EmSimulator, judged: dict[str, Any]) -> None:
    vms = _vms(judged)
    for name in HEALTHY:
        running = _tasks(started, name)[-1]
        completed = _tasks(started, name)[-2]
        assert running.state == "InProgress" and completed.ended == running.created
        # The newest completed session ended longer ago than the 15 min RPO ...
        assert _seconds_before_now(completed.ended) > 900
        # ... yet the session running since then holds it: its age is the running session's.
        vm = vms[name]
        assert (vm["rpo_basis"], vm["rpo_breached"], vm["rpo_seconds"], vm["rpo_source"]) == (
            "cdp_running", False, 900, "policy")
        assert vm["rpo_age_seconds"] == pytest.approx(_seconds_before_now(running.created), abs=1e-6)


def test_a_healthy_vms_back_to_back_sessions_all_met_the_rpo(judged: dict[str, Any]) -> None:
    # A day of 8 h sessions, the newest begun within the last 8 h: 3 sessions, 2 of them
    # completed, each ending Success as the next began (gap 0): 2 of 2 within the RPO.
    for name in HEALTHY:
        cdp = _vms(judged)[name]["cdp"]
        assert (cdp["sessions"], cdp["sessions_within_rpo"], cdp["sla_percent"], cdp["max_delay_seconds"]) == (
            3, 2, 100.0, 0.0)


def test_a_running_session_vbr_marks_failed_breaches_the_rpo(started: EmSimulator, judged: dict[str, Any]) -> None:
    running = _tasks(started, BREACHED)[-1]
    assert (running.state, running.result, running.reason) == ("InProgress", "Failed", "RPO is not met")
    vm = _vms(judged)[BREACHED]
    assert (vm["rpo_basis"], vm["rpo_breached"]) == ("cdp_running", True)
    assert vm["message"].startswith("the running CDP session (since")


def test_the_disabled_policys_vms_are_breached_on_their_last_session_a_day_ago(judged: dict[str, Any]) -> None:
    vms = _vms(judged)
    for name in DISABLED:
        vm = vms[name]
        assert (vm["rpo_basis"], vm["rpo_breached"], vm["rpo_seconds"]) == ("cdp_session", True, 300)
        assert vm["rpo_age_seconds"] == 86400.0  # Completed at 2025-11-23T16:00:00Z, none running
        assert vm["message"].startswith("last CDP session ended 1d ago (2025-11-23T16:00:00Z)")
        assert vm["cdp"]["policy_enabled"] is False
