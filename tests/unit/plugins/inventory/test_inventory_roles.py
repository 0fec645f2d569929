"""The replicas inventory with the Enterprise Manager role a monitoring account is given
(issue 25), against the EM simulator answering as Veeam's "Security Roles" page says: a
Portal User lists every VM an administrator lists but for coverage, which it says is not
judged (host var, one warning per EM, the cache); require_coverage makes that a failure of
the EM's read (on_em_error applies); a VM Restore Operator fails naming the roles that may."""
from __future__ import annotations

import re
from typing import Any, Iterator

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.loader import inventory_loader

from ansible_collections.veeam_em.core.tests.em_simulator import DEFAULT_PASSWORD, EmSimulator, SimulatorConfig
from ansible_collections.veeam_em.core.tests.em_simulator.fixture_file import dataset_from_dict
from ansible_collections.veeam_em.core.tests.em_simulator.roles import PORTAL_USER, RESTORE_OPERATOR
from ansible_collections.veeam_em.core.tests.unit.plugins.inventory.test_inventory_replicas import (
    ESTATE,
    FQCN,
    S1,
    Run,
    cache_document,
    cache_files,
    cached,
    hosts,
    hostvars,
    run_on,
)

READER, OPERATOR = "CORP\\em-monitor", "CORP\\em-restore"
# The estate of test_inventory_replicas, its first job including new01, which never ran.
ROLE_ESTATE = {**ESTATE, "jobs": [
    {**ESTATE["jobs"][0], "includes": [
        {"id": "inc-1", "name": "web01", "ref": "urn:VMware:Vm:vc-1.vm-101"},
        {"id": "inc-2", "name": "new01", "ref": "urn:VMware:Vm:vc-1.vm-105"}]},
    *ESTATE["jobs"][1:]]}
assert ROLE_ESTATE["jobs"][0]["server_id"] == S1
COVERAGE = "VMs in jobs that never ran, disabled jobs and overdue jobs are not judged"
REFUSED_WARNING = ("reading replication jobs needs the Portal Administrator role in Enterprise Manager; this account "
                   f"was refused, so {COVERAGE}")
NOT_SHOWN_WARNING = ("Enterprise Manager showed this account no replication job although the task sessions of the "
                     "window name jobs; reading replication jobs needs the Portal Administrator role in Enterprise "
                     f"Manager, and an account without it may be shown none, so {COVERAGE}")
REFUSED = {"checks": "coverage", "reason": "no right to read replication jobs"}
NOT_SHOWN = {"checks": "coverage", "reason": "Enterprise Manager showed no replication job"}
# EM's denied answers (the simulator's denied_answer): what the account is then told.
BY_ANSWER = {"forbidden": (REFUSED, REFUSED_WARNING), "unauthorized": (REFUSED, REFUSED_WARNING),
             "empty": (NOT_SHOWN, NOT_SHOWN_WARNING)}
# A Portal User may not read failover plans either (issue 27): refused (403 or 401), it is one more
# warning and not_judged entry; shown none ("empty"), there is simply no plan.
PLANS_REFUSED = {"checks": "failover_plans", "reason": "no right to read failover plans"}
PLANS_WARNING = ("reading failover plans needs the VM Restore Operator or Portal Administrator role in Enterprise "
                 "Manager; this account was refused, so failover plans are not judged")
PLANS_BY_ANSWER = {"forbidden": ([PLANS_REFUSED], [PLANS_WARNING]), "unauthorized": ([PLANS_REFUSED], [PLANS_WARNING]),
                   "empty": ([], [])}
FAILS = ("require_coverage is true, so this fails: give the account the Portal Administrator role, or set "
         "require_coverage: false to judge without coverage")


@pytest.fixture(scope="module")
def roles_em() -> Iterator[EmSimulator]:
    with EmSimulator(dataset_from_dict(ROLE_ESTATE), SimulatorConfig(plain_collection_days=0)) as simulator:
        simulator.add_user(READER, DEFAULT_PASSWORD, (PORTAL_USER,))
        simulator.add_user(OPERATOR, DEFAULT_PASSWORD, (RESTORE_OPERATOR,))
        yield simulator


@pytest.fixture
def run(tmp_path, roles_em, monkeypatch) -> Iterator[Run]:
    yield from run_on(roles_em, tmp_path, monkeypatch, after=lambda: roles_em.configure(denied_answer="forbidden"))


def parse(run: Run, path: str, mocker: Any) -> tuple[Any, list[str]]:
    """The inventory of `path`, and the warnings the plugin gave."""
    plugin = inventory_loader.get(FQCN)
    warned = mocker.patch.object(plugin.display, "warning")
    inventory = run.parse(path, plugin=plugin)[0]
    return inventory, [call.args[0] for call in warned.call_args_list]


def vm_hosts(inventory: Any) -> list[str]:
    return sorted(name for name, host in inventory.hosts.items()
                  if host.get_vars()["veeam_kind"] not in ("backup_server", "enterprise_manager"))


@pytest.mark.parametrize("answer", list(BY_ANSWER))
def test_a_portal_user_lists_every_vm_but_coverage_and_says_so_once(run, mocker, answer):
    admin, said = parse(run, run.config(rpo="3d"), mocker)
    assert said == [] and hosts(admin, "veeam_never_replicated") == ["new01"]
    assert hostvars(admin, "db01")["veeam_not_judged"] == []
    run.simulator.configure(denied_answer=answer)
    reader, said = parse(run, run.config(rpo="3d", username=READER), mocker)
    entry, warning = BY_ANSWER[answer]
    plan_entries, plan_warnings = PLANS_BY_ANSWER[answer]
    assert said == [f"{FQCN}: {text}" for text in [warning, *plan_warnings]]
    assert vm_hosts(reader) == [name for name in vm_hosts(admin) if name != "new01"]
    assert hosts(reader, "veeam_replicated_vms") == hosts(admin, "veeam_replicated_vms")
    assert hosts(reader, "veeam_backup_servers") == ["vbr01", "vbr02"]
    assert "veeam_never_replicated" not in reader.groups
    for name in vm_hosts(reader):
        assert hostvars(reader, name)["veeam_not_judged"] == [entry, *plan_entries], name
        assert hostvars(reader, name)["veeam_never_replicated"] is None, name
    # Judged on what the role may read: db01's failure and its RPO as an administrator sees them.
    assert hostvars(reader, "db01")["veeam_findings"] == hostvars(admin, "db01")["veeam_findings"]
    assert hosts(reader, "veeam_rpo_breached") == [name for name in hosts(admin, "veeam_rpo_breached") if name != "new01"]


@pytest.mark.parametrize("answer", ["forbidden", "empty"])
def test_require_coverage_fails_a_portal_user_in_the_same_words(run, answer):
    run.simulator.configure(denied_answer=answer)
    with pytest.raises(AnsibleError) as failure:
        run.inventory(username=READER, require_coverage=True)
    assert f"{BY_ANSWER[answer][1]}; {FAILS}" in str(failure.value)
    assert "db01" in vm_hosts(run.inventory(require_coverage=True)), "an administrator's coverage is judged"


def test_require_coverage_is_not_checked_without_include_unreplicated(run, mocker):
    inventory, said = parse(run, run.config(username=READER, require_coverage=True, include_unreplicated=False), mocker)
    # The plans refused are not coverage: said, and never a failure of require_coverage.
    assert said == [f"{FQCN}: {PLANS_WARNING}"] and hostvars(inventory, "db01")["veeam_not_judged"] == [PLANS_REFUSED]
    assert "GET /api/query?type=Job" not in run.simulator.snapshot()["by_path"]


def test_a_restore_operator_is_told_which_roles_may_read(run):
    with pytest.raises(AnsibleError) as failure:
        run.inventory(username=OPERATOR)
    assert ("reading backup servers needs the Portal User or Portal Administrator role in Enterprise Manager; give "
            "the account one of those roles (Enterprise Manager's web UI, Configuration > Roles)") in str(failure.value)
    with pytest.raises(AnsibleError) as failure:
        run.inventory(username=OPERATOR, include_backup_servers=False)
    # The sessions: the job sessions of the window (which name each task's job) or the task sessions.
    assert re.search(r": reading replica (job|task) sessions needs the Portal User or Portal Administrator role in "
                     "Enterprise Manager; give the account one of those roles", str(failure.value))


# -- several EMs: one account an administrator, one a Portal User ----------------------------------


def two_accounts(run: Run, **options: Any) -> str:
    """eu read as an administrator, us as a Portal User (one simulator serves both accounts)."""
    em = {"url": run.simulator.url, "ca_path": run.simulator.ca_path, "password": DEFAULT_PASSWORD}
    return run.config(connection=False, rpo="3d", enterprise_managers=[
        {"name": "eu", **em}, {"name": "us", **em, "username": READER}], username="CORP\\em-reader", **options)


def test_the_read_only_em_is_named_in_its_warning_and_the_other_judged(run, mocker):
    inventory, said = parse(run, two_accounts(run), mocker)
    assert said == [f"{FQCN}: Enterprise Manager 'us' (enterprise_managers[1]): {text}"
                    for text in (REFUSED_WARNING, PLANS_WARNING)]
    assert hosts(inventory, "veeam_never_replicated") == ["new01"]
    assert hostvars(inventory, "new01")["veeam_em_name"] == "eu"
    for name in hosts(inventory, "veeam_em_us"):
        if hostvars(inventory, name)["veeam_kind"] != "backup_server":
            assert hostvars(inventory, name)["veeam_not_judged"] == [REFUSED, PLANS_REFUSED], name
    assert hostvars(inventory, "db01_eu")["veeam_not_judged"] == []
    assert hostvars(inventory, "db01_us")["veeam_findings"] == hostvars(inventory, "db01_eu")["veeam_findings"]


def test_require_coverage_makes_the_read_only_em_one_that_failed(run, mocker):
    inventory, said = parse(run, two_accounts(run, require_coverage=True, on_em_error="warn"), mocker)
    assert hosts(inventory, "veeam_em_unreachable") == ["us"]
    assert hostvars(inventory, "us")["veeam_em_error"] == f"{REFUSED_WARNING}; {FAILS}"
    assert hosts(inventory, "veeam_never_replicated") == ["new01"] and "db01" in hosts(inventory, "veeam_em_eu")
    assert said == [f"{FQCN}: Enterprise Manager 'us' (enterprise_managers[1]) failed and its hosts are left out: "
                    f"{REFUSED_WARNING}; {FAILS}. Host 'us' is in group veeam_em_unreachable"]
    with pytest.raises(AnsibleError, match=r"Enterprise Manager 'us' \(enterprise_managers\[1\]\) failed: reading "):
        run.parse(two_accounts(run, require_coverage=True))


# -- the cache ------------------------------------------------------------------------------------


def test_the_cache_keeps_what_was_not_judged_and_a_hit_says_it_again(run, mocker):
    path = cached(run, username=READER)
    fetched, said_at_fetch = parse(run, path, mocker)
    [cache_file] = cache_files(run)
    [part] = cache_document(cache_file)["enterprise_managers"]
    assert part["not_judged"] == [REFUSED, PLANS_REFUSED]
    run.simulator.reset_stats()
    hit, said_at_hit = parse(run, path, mocker)
    assert run.simulator.snapshot()["requests"] == 0, "a cache hit asked EM"
    assert said_at_hit == said_at_fetch == [f"{FQCN}: {REFUSED_WARNING}", f"{FQCN}: {PLANS_WARNING}"]
    assert hostvars(hit, "db01")["veeam_not_judged"] == [REFUSED, PLANS_REFUSED] and hostvars(hit, "db01")["veeam_never_replicated"] is None
    assert vm_hosts(hit) == vm_hosts(fetched)


def test_an_entry_without_coverage_never_serves_require_coverage(run):
    run.parse(cached(run, username=READER))
    run.simulator.reset_stats()
    with pytest.raises(AnsibleError, match="require_coverage is true, so this fails"):
        run.parse(cached(run, username=READER, require_coverage=True))
    assert run.simulator.snapshot()["requests"] > 0, "the entry read without require_coverage was used"
