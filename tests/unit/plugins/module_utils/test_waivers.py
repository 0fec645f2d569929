"""Waivers applied to judged statuses (issue 28): which waivers match a VM, which of its
findings they waive, what an expired waiver gives back and which waivers are stale. The
expected values are worked out by hand from the documented rules (starts <= now < expires)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._findings import DEFAULT_FAIL_ON
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waiver_file import Waiver, parse_waivers
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waivers import apply_waivers, waiver_state

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
FAIL_ON = frozenset(DEFAULT_FAIL_ON)  # rpo_breach, failed, never_succeeded


def vm(name: str, findings: list[str], job: str = "Gold A", server: str = "vbr01", plans: tuple[str, ...] = (),
       **more) -> dict:
    """A judged status as judge() leaves it, with only the keys waivers read."""
    return {"vm_name": name, "backup_server_name": server, "job_name": job, "job_names": [job],
            "failover_plans": [{"name": plan, "order": 1} for plan in plans], "findings": findings,
            "status": findings[0] if findings else "ok", "failing": any(f in FAIL_ON for f in findings),
            "message": f"{name}: {', '.join(findings)}" if findings else "", **more}


def waiver(entry: int = 1, line: int = 2, **fields) -> Waiver:
    fields.setdefault("justification", "storage migration")
    if "permanent" not in fields:
        fields.setdefault("expires", NOW + timedelta(days=3))
    return Waiver(entry=entry, line=line, **fields)


def one(status: dict, *waivers: Waiver, em: str | None = None) -> dict:
    outcome = apply_waivers([status], list(waivers), NOW, FAIL_ON, em=em)
    return outcome.statuses[0]


def test_overlapping_waivers_are_both_listed_and_waive_the_finding_once():
    by_vm = waiver(1, 2, vms=("db01",))
    by_job = waiver(2, 6, jobs=("Gold*",), permanent=True)
    result = one(vm("db01", ["rpo_breach"]), by_vm, by_job)
    assert result["waived_findings"] == ["rpo_breach"]
    assert [(listed["entry"], listed["state"]) for listed in result["waivers"]] == [(1, "active"), (2, "active")]
    assert result["waived"] is True
    assert result["failing"] is False
    assert result["findings"] == ["rpo_breach"]  # nothing dropped, nothing added


def test_the_listed_waiver_is_its_dict_and_state():
    given = waiver(3, 14, vms=("db01",), ticket="CHG-1", owner="ops", expires=datetime(2026, 12, 8, tzinfo=timezone.utc))
    assert one(vm("db01", ["failed"]), given)["waivers"] == [{
        "entry": 3, "line": 14, "vms": ["db01"], "jobs": [], "backup_servers": [], "failover_plans": [], "em": None,
        "findings": None, "justification": "storage migration", "starts": None, "expires": "2026-12-08T00:00:00Z",
        "permanent": False, "ticket": "CHG-1", "owner": "ops", "state": "active"}]


def test_an_expiry_inside_the_window_gives_the_finding_back_with_waiver_expired():
    # expires: 2026-12-05 holds through that day: it ended at 2026-12-06T00:00Z, before NOW.
    [expired] = parse_waivers("waivers:\n  - vms: db01\n    justification: SAN swap\n    expires: 2026-12-05\n", "w.yml")
    result = one(vm("db01", ["rpo_breach"]), expired)
    assert result["waivers"][0]["state"] == "expired"
    assert result["waived_findings"] == []
    assert result["waived"] is False
    assert result["findings"] == ["rpo_breach", "waiver_expired"]
    assert result["failing"] is True
    assert result["status"] == "rpo_breach"
    assert result["message"] == ("db01: rpo_breach; waiver 1 (line 2) expired at 2026-12-06T00:00:00Z, so rpo_breach "
                                 "counts again; it said: SAN swap")


def test_waiver_expired_alone_does_not_fail_the_default_gate():
    result = one(vm("db01", ["warning"]), waiver(vms=("db01",), expires=NOW - timedelta(hours=1)))
    assert result["findings"] == ["warning", "waiver_expired"]
    assert result["failing"] is False


def test_an_expiry_exactly_at_now_has_expired():
    at_now = waiver(vms=("db01",), expires=NOW)
    assert waiver_state(at_now, NOW) == "expired"
    assert one(vm("db01", ["rpo_breach"]), at_now)["failing"] is True


def test_an_expiry_one_second_after_now_is_active():
    assert waiver_state(waiver(vms=("db01",), expires=NOW + timedelta(seconds=1)), NOW) == "active"


def test_a_maintenance_window_not_started_active_and_ended():
    def window(start_hours: float, end_hours: float) -> Waiver:
        return waiver(vms=("db01",), starts=NOW + timedelta(hours=start_hours), expires=NOW + timedelta(hours=end_hours))

    later, running, starting_now, ended = window(1, 5), window(-1, 5), window(0, 5), window(-5, -1)
    assert [waiver_state(each, NOW) for each in (later, running, starting_now, ended)] == [
        "not_started", "active", "active", "expired"]
    not_yet = one(vm("db01", ["rpo_breach"]), later)
    assert (not_yet["failing"], not_yet["waived"], not_yet["findings"]) == (True, False, ["rpo_breach"])
    assert one(vm("db01", ["rpo_breach"]), running)["failing"] is False
    assert one(vm("db01", ["rpo_breach"]), ended)["findings"] == ["rpo_breach", "waiver_expired"]


def test_permanent_is_always_active_and_reported_as_such():
    result = one(vm("db01", ["failed"]), waiver(vms=("db01",), permanent=True))
    assert (result["failing"], result["waivers"][0]["state"]) == (False, "active")
    assert (result["waivers"][0]["permanent"], result["waivers"][0]["expires"]) == (True, None)


def test_permanent_with_a_start_waits_for_it():
    assert waiver_state(waiver(vms=("db01",), permanent=True, starts=NOW + timedelta(days=1)), NOW) == "not_started"


def test_a_waiver_matching_no_vm_is_stale():
    waivers = [waiver(1, 2, vms=("db01",)), waiver(3, 14, vms=("app-9*",))]
    outcome = apply_waivers([vm("db01", []), vm("app-10", ["failed"])], waivers, NOW, FAIL_ON)
    assert [stale["message"] for stale in outcome.stale] == [
        "waiver 3 (line 14) matches no VM: vms app-9*; remove it or fix its selectors"]
    assert (outcome.stale[0]["entry"], outcome.stale[0]["state"]) == (3, "active")


def test_a_stale_message_names_every_selector_and_the_em():
    stale = waiver(2, 7, jobs=("Gold*", "Silver"), backup_servers=("vbr9",), em="em-east")
    [found] = apply_waivers([vm("db01", [])], [stale], NOW, FAIL_ON, em="em-east").stale
    assert found["message"] == ("waiver 2 (line 7) matches no VM on em-east: jobs Gold*, Silver and backup_servers vbr9; "
                                "remove it or fix its selectors")


def test_selectors_are_anded():
    both = waiver(vms=("db*",), backup_servers=("vbr01",))
    outcome = apply_waivers([vm("db01", ["failed"]), vm("db02", ["failed"], server="vbr02"),
                             vm("web01", ["failed"])], [both], NOW, FAIL_ON)
    assert [status["failing"] for status in outcome.statuses] == [False, True, True]
    assert [len(status["waivers"]) for status in outcome.statuses] == [1, 0, 0]
    assert outcome.stale == []


def test_globs_are_shell_style_and_case_sensitive():
    pattern = waiver(vms=("db0[12]",))
    outcome = apply_waivers([vm("db01", ["failed"]), vm("db02", ["failed"]), vm("db03", ["failed"]),
                             vm("DB01", ["failed"])], [pattern], NOW, FAIL_ON)
    assert [status["waived"] for status in outcome.statuses] == [True, True, False, False]


def test_an_exact_name_matches_only_itself():
    outcome = apply_waivers([vm("db01", ["failed"]), vm("db010", ["failed"])], [waiver(vms=("db01",))], NOW, FAIL_ON)
    assert [status["waived"] for status in outcome.statuses] == [True, False]


def test_jobs_match_any_job_of_the_vm_and_plans_by_name():
    second_job = vm("db01", ["failed"], job="Gold A", job_names=["Gold A", "Silver B"])
    assert one(second_job, waiver(jobs=("Silver*",)))["waived"] is True
    in_plan = vm("db01", ["failed"], plans=("DR-east", "DR-west"))
    assert one(in_plan, waiver(failover_plans=("DR-west",)))["waived"] is True
    assert one(in_plan, waiver(failover_plans=("DR-north",)))["waived"] is False


def test_the_em_scope():
    scoped = waiver(vms=("db01",), em="em-east")
    assert one(vm("db01", ["failed"]), scoped, em="em-east")["waived"] is True
    assert one(vm("db01", ["failed"]), scoped, em="em-west")["waived"] is False
    # Without an em argument each status' own em is used; an unscoped waiver matches every EM.
    assert one(vm("db01", ["failed"], em="em-east"), scoped)["waived"] is True
    assert one(vm("db01", ["failed"]), scoped)["waived"] is False
    assert one(vm("db01", ["failed"]), waiver(vms=("db01",)), em="em-west")["waived"] is True


def test_a_waiver_of_one_finding_leaves_another_failing():
    result = one(vm("db01", ["rpo_breach", "failed"]), waiver(vms=("db01",), findings=("rpo_breach",)))
    assert result["waived_findings"] == ["rpo_breach"]
    assert result["waived"] is True
    assert result["failing"] is True  # failed is in fail_on and not waived


def test_a_waiver_of_a_finding_the_vm_lacks_waives_nothing_and_is_not_stale():
    outcome = apply_waivers([vm("db01", ["warning"])], [waiver(vms=("db01",), findings=("rpo_breach",))], NOW, FAIL_ON)
    assert (outcome.statuses[0]["waived_findings"], outcome.statuses[0]["waived"]) == ([], False)
    assert len(outcome.statuses[0]["waivers"]) == 1
    assert outcome.stale == []


def test_a_renewed_waiver_keeps_the_expired_one_quiet():
    old = waiver(1, 2, vms=("db01",), expires=NOW - timedelta(days=1))
    renewal = waiver(2, 6, vms=("db01",), expires=NOW + timedelta(days=30))
    result = one(vm("db01", ["rpo_breach"]), old, renewal)
    assert result["findings"] == ["rpo_breach"]
    assert (result["failing"], [listed["state"] for listed in result["waivers"]]) == (False, ["expired", "active"])


def test_an_expired_waiver_for_a_finding_gone_says_nothing():
    result = one(vm("db01", []), waiver(vms=("db01",), expires=NOW - timedelta(days=1)))
    assert (result["findings"], result["failing"], result["message"]) == ([], False, "")


def test_every_status_is_kept_in_order_and_the_input_is_not_changed():
    statuses = [vm("b", ["rpo_breach"]), vm("a", ["warning"]), vm("c", [])]
    before = [dict(status) for status in statuses]
    outcome = apply_waivers(statuses, [waiver(vms=("b",), permanent=True)], NOW, FAIL_ON)
    assert [status["vm_name"] for status in outcome.statuses] == ["b", "a", "c"]
    assert [status["failing"] for status in outcome.statuses] == [False, False, False]
    assert [status["waived"] for status in outcome.statuses] == [True, False, False]
    assert statuses == before


def test_no_waivers_leaves_the_verdict_and_adds_empty_lists():
    [result] = apply_waivers([vm("db01", ["rpo_breach"])], [], NOW, FAIL_ON).statuses
    assert (result["failing"], result["waived_findings"], result["waivers"], result["waived"]) == (True, [], [], False)
