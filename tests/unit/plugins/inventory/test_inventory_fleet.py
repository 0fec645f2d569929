"""Several Enterprise Managers in one source (enterprise_managers), on_em_error, hostnames,
filters and exclude_filters, against EM simulators on loopback."""
from __future__ import annotations

import socket
from typing import Any, Iterator

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.loader import inventory_loader

from ansible_collections.veeam_em.core.tests.em_simulator import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EmSimulator,
    SimulatorConfig,
)
from ansible_collections.veeam_em.core.tests.em_simulator.fixture_file import dataset_from_dict
from ansible_collections.veeam_em.core.tests.unit.connect_proxy import ConnectProxy
from ansible_collections.veeam_em.core.tests.unit.plugins.inventory.test_inventory_replicas import (
    ESTATE,
    FQCN,
    TEMPLATE_VM_HOST,
    Run,
    cache_files,
    cached,
    em,
    estate,
    hosts,
    hostvars,
    run,
)

__all__ = ["em", "estate", "run"]  # fixtures of the single-EM tests, shared here


@pytest.fixture(scope="module")
def second() -> Iterator[EmSimulator]:
    with EmSimulator(dataset_from_dict(ESTATE), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator


@pytest.fixture
def both(em, second) -> Iterator[tuple[EmSimulator, EmSimulator]]:
    second.reset_stats(drop_sessions=True)
    yield em, second
    assert second.snapshot()["sessions"]["open"] == 0, "the plugin left an EM session open"


@pytest.fixture
def fleet(tmp_path, both, monkeypatch) -> Run:
    for name in ("URL", "USERNAME", "PASSWORD", "VALIDATE_CERTS", "CA_PATH", "TIMEOUT"):
        monkeypatch.delenv(f"VEEAM_EM_{name}", raising=False)
    return Run(tmp_path, both[0], monkeypatch)


def entry(simulator: EmSimulator, name: str, **options: Any) -> dict[str, Any]:
    return {"name": name, "url": simulator.url, "ca_path": simulator.ca_path, **options}


def closed_port_url() -> str:
    """The address of a port nothing listens on (a stopped EM)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"https://127.0.0.1:{probe.getsockname()[1]}/api"


def two_ems(fleet: Run, second: EmSimulator, **options: Any) -> str:
    return fleet.config(connection=False, username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD,
                        enterprise_managers=[entry(fleet.simulator, "eu"), entry(second, "us")], **options)


# -- several EMs -------------------------------------------------------------------------------


def test_two_ems_give_distinct_hosts_per_em_and_fleet_wide_groups(fleet, both):
    inventory = fleet.parse(two_ems(fleet, both[1], rpo="3d"))[0]
    # db01 is on one backup server of each EM: one host per EM, named by the EM.
    assert hosts(inventory, "veeam_result_failed") == ["db01_eu", "db01_us"]
    # web01 is on two backup servers of each EM: EM and backup server tell them apart.
    assert {"web01_eu_vbr01", "web01_eu_vbr02", "web01_us_vbr01", "web01_us_vbr02"} <= set(
        hosts(inventory, "veeam_replicated_vms"))
    assert hosts(inventory, "veeam_backup_servers") == ["vbr01_eu", "vbr01_us", "vbr02_eu", "vbr02_us"]
    eu = hosts(inventory, "veeam_em_eu")
    assert "db01_eu" in eu and "vbr01_eu" in eu and not [name for name in eu if name.endswith("_us")]
    assert len(hosts(inventory, "veeam_replicated_vms")) == 10  # 5 VMs on each EM, none overwritten
    assert hostvars(inventory, "db01_us")["veeam_em_name"] == "us"
    assert hostvars(inventory, "vbr02_eu")["veeam_em_name"] == "eu"
    # Fleet-wide: the same VMs of both EMs are breached (never finished, or last success too old).
    breached = set(hosts(inventory, "veeam_rpo_breached"))
    assert {"app01_eu", "app01_us"} <= breached
    assert {name[:-3] + "_us" for name in breached if name.endswith("_eu")} == {
        name for name in breached if name.endswith("_us")}
    for simulator in both:  # one logon and one logout per EM
        snapshot = simulator.snapshot()
        assert snapshot["sessions"]["logons"] == 1 and snapshot["sessions"]["open"] == 0


def test_veeam_em_url_is_not_an_em_of_the_fleet_and_minus_v_says_so(fleet, both, monkeypatch, mocker):
    monkeypatch.setenv("VEEAM_EM_URL", closed_port_url())  # set for the modules; would fail if used
    plugin = inventory_loader.get(FQCN)
    told = mocker.patch.object(plugin.display, "v")
    inventory = fleet.parse(two_ems(fleet, both[1]), plugin=plugin)[0]
    assert len(hosts(inventory, "veeam_replicated_vms")) == 10
    said = [call.args[0] for call in told.call_args_list if "VEEAM_EM_URL" in call.args[0]]
    assert said == [f"{FQCN}: VEEAM_EM_URL is not used: with enterprise_managers each entry gives its own url"]


def test_entry_values_come_from_templates_and_the_source_defaults(fleet, both, monkeypatch):
    monkeypatch.setenv("EM_US_PASSWORD", DEFAULT_PASSWORD)
    monkeypatch.setenv("VEEAM_EM_USERNAME", DEFAULT_USERNAME)  # the default of every entry
    path = fleet.config(connection=False, password="not-this-one", enterprise_managers=[
        entry(fleet.simulator, "eu", password=DEFAULT_PASSWORD),
        entry(both[1], "us", password="{{ lookup('ansible.builtin.env', 'EM_US_PASSWORD') }}")])
    inventory = fleet.parse(path)[0]
    assert "db01_us" in hosts(inventory, "veeam_em_us") and "db01_eu" in hosts(inventory, "veeam_em_eu")


@pytest.mark.parametrize("managers, wanted", [
    ([], "a non-empty list"),
    ([{"url": "https://em.example.com"}], r"enterprise_managers\[0\] needs a name"),
    ([{"name": "unreachable", "url": "https://em.example.com"}], "needs a name"),
    ([{"name": "eu-1", "url": "https://em.example.com"}], "needs a name"),
    ([{"name": "eu", "url": "https://a.example.com"}, {"name": "eu", "url": "https://b.example.com"}], "used twice"),
    ([{"name": "eu", "url": "https://a.example.com", "passwrd": "x"}], "unknown option.*passwrd"),
    ([{"name": "eu"}], r"enterprise_managers\[0\] \(eu\): missing connection option\(s\): url"),
    ([{"name": "eu", "url": "https://a.example.com", "validate_certs": "perhaps"}],
     r"enterprise_managers\[0\] \(eu\): validate_certs must be true or false"),
    ([{"name": "eu", "url": "https://a.example.com", "retries": "many"}],
     r"enterprise_managers\[0\] \(eu\): retries must be a whole number"),
    ([{"name": "eu", "url": "https://a.example.com", "retries": 11}], r"retries must be between 0 and 10, not 11"),
    (["https://a.example.com"], "must be a mapping"),
])
def test_a_wrong_entry_is_refused_before_any_request(fleet, managers, wanted):
    path = fleet.config(connection=False, username="u", password="p", enterprise_managers=managers)
    if not managers:
        path = fleet.config(connection=False, username="u", password="p", enterprise_managers=[{"name": "x"}],
                            url="https://em.example.com")
        wanted = "give url or enterprise_managers, not both"
    with pytest.raises(AnsibleError, match=wanted):
        fleet.parse(path)
    assert fleet.simulator.snapshot()["requests"] == 0


# -- one EM that fails -----------------------------------------------------------------------------


def three_ems(fleet: Run, second: EmSimulator, **options: Any) -> str:
    stopped = {"name": "ap", "url": closed_port_url(), "retries": 0}
    return fleet.config(connection=False, username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD,
                        enterprise_managers=[entry(fleet.simulator, "eu"), stopped, entry(second, "us")], **options)


def test_by_default_one_failed_em_fails_the_source_naming_it(fleet, both):
    with pytest.raises(AnsibleError) as caught:
        fleet.parse(three_ems(fleet, both[1]))
    message = str(caught.value)
    assert "Enterprise Manager 'ap' (enterprise_managers[1]) failed" in message and "nothing listens at 127.0.0.1:" in message
    assert "on_em_error: warn" in message and DEFAULT_PASSWORD not in message
    assert "'eu'" not in message and "'us'" not in message


def test_warn_keeps_what_answered_and_names_what_failed(fleet, both, mocker):
    plugin = inventory_loader.get(FQCN)
    warned = mocker.spy(plugin.display, "warning")
    inventory = fleet.parse(three_ems(fleet, both[1], on_em_error="warn", **{}), plugin=plugin)[0]
    assert hosts(inventory, "veeam_em_unreachable") == ["ap"]
    variables = hostvars(inventory, "ap")
    assert variables["veeam_kind"] == "enterprise_manager" and variables["veeam_em_name"] == "ap"
    assert "nothing listens at 127.0.0.1:" in variables["veeam_em_error"]
    assert "db01_eu" in hosts(inventory, "veeam_em_eu") and "db01_us" in hosts(inventory, "veeam_em_us")
    about_ap = [call.args[0] for call in warned.call_args_list if "'ap'" in call.args[0]]
    assert len(about_ap) == 1 and "veeam_em_unreachable" in about_ap[0]


def test_a_partial_read_is_never_cached_and_a_full_one_is(fleet, both):
    fleet.parse(cached(fleet, **_three_ems_options(fleet, both[1]), on_em_error="warn"))
    assert cache_files(fleet) == []
    path = cached(fleet, **_two_ems_options(fleet, both[1]))
    first = fleet.parse(path)[0]
    assert len(cache_files(fleet)) == 1
    for simulator in both:
        simulator.reset_stats()
    again = fleet.parse(path)[0]
    assert both[0].snapshot()["requests"] == 0 and both[1].snapshot()["requests"] == 0
    assert hosts(again, "veeam_replicated_vms") == hosts(first, "veeam_replicated_vms")
    assert hostvars(again, "db01_us")["veeam_em_name"] == "us"


def _two_ems_options(fleet: Run, second: EmSimulator) -> dict[str, Any]:
    return {"connection": False, "username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD,
            "enterprise_managers": [entry(fleet.simulator, "eu"), entry(second, "us")]}


def _three_ems_options(fleet: Run, second: EmSimulator) -> dict[str, Any]:
    options = _two_ems_options(fleet, second)
    options["enterprise_managers"].insert(1, {"name": "ap", "url": closed_port_url(), "retries": 0})
    return options


def test_a_proxy_for_the_source_carries_every_em(fleet, both):
    with ConnectProxy() as proxy:
        inventory = fleet.parse(two_ems(fleet, both[1], proxy=proxy.url()))[0]
    origins = {simulator.url.split("/")[2] for simulator in both}
    assert set(proxy.seen.connects) == origins
    assert len(hosts(inventory, "veeam_replicated_vms")) == 10


# -- hostnames, filters, exclude_filters -------------------------------------------------------------


def test_hostnames_take_the_first_usable_name(run):
    inventory = run.inventory(hostnames=["veeam_no_such_var", "'' if veeam_vm_name == 'db01' else None",
                                         "veeam_vm_name ~ '.' ~ veeam_backup_server_name | default('x')"])
    assert "db01.vbr01" in hosts(inventory, "veeam_replicated_vms")
    assert "web01.vbr02" in hosts(inventory, "veeam_replicated_vms")


def test_hostnames_without_a_name_fall_back_or_fail_when_strict(run):
    inventory = run.inventory(hostnames=["veeam_no_such_var"])
    assert "db01" in hosts(inventory, "veeam_replicated_vms")
    with pytest.raises(AnsibleError, match="hostnames expression gave no host name for VM .*veeam_no_such_var"):
        run.inventory(hostnames=["veeam_no_such_var", "''"], strict=True)


def test_hostname_and_hostnames_together_are_refused(run):
    with pytest.raises(AnsibleError, match="give hostnames or hostname, not both"):
        run.inventory(hostnames=["veeam_vm_name"], hostname="veeam_vm_name | upper")


def test_filters_and_exclude_filters_judge_the_built_status(run):
    inventory = run.inventory(rpo="3d", filters=["veeam_status != 'ok'"], exclude_filters=["veeam_running"])
    assert "app01" not in hosts(inventory, "veeam_replicated_vms")  # excluded: running
    kept = hosts(inventory, "veeam_replicated_vms")
    assert kept and all(hostvars(inventory, name)["veeam_status"] != "ok" for name in kept)
    assert hosts(inventory, "veeam_backup_servers") == ["vbr01", "vbr02"]  # not filtered


def test_a_filter_that_fails_names_the_vm(run):
    with pytest.raises(AnsibleError, match="filters expression 'veeam_rpo_breached' failed for VM"):
        run.inventory(filters=["veeam_rpo_breached"])


def test_filters_see_untrusted_em_values_as_text(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inventory = run.inventory(filters=["veeam_vm_name is search('lookup')"])
    assert hosts(inventory, "veeam_replicated_vms") == [TEMPLATE_VM_HOST]
    assert not (tmp_path / "MARKER").exists()
