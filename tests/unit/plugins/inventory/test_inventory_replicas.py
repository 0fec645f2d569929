"""The replicas inventory plugin against the EM simulator on loopback: hosts, groups, unsafe
values, options, errors, and the cache (hit, miss, expiry, failed fetch)."""
from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from typing import Any, Iterator

import pytest
import yaml

from ansible.errors import AnsibleError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.plugins.loader import inventory_loader
from ansible.template import Templar

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConnectionFailure
from ansible_collections.veeam_em.core.tests.em_simulator import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EmSimulator,
    SimulatorConfig,
)
from ansible_collections.veeam_em.core.tests.em_simulator.fixture_file import dataset_from_dict

FQCN = "veeam_em.core.replicas"
S1 = "11111111-1111-4111-8111-111111111111"
S2 = "22222222-2222-4222-8222-222222222222"
TEMPLATE_VM = "{{ lookup('pipe', 'touch MARKER') }}"
TEMPLATE_JOB = "{{ 7 * 6 }}"
try:  # ansible-core 2.19+: a string is a template only when trusted
    from ansible.template import trust_as_template as _trust  # noqa: F401
    DATA_TAGGING = True
except ImportError:
    DATA_TAGGING = False
# The host of TEMPLATE_VM. Before data tagging ansible-core evaluates a host name that holds
# a template, so there the name's first brace is defused; with data tagging it is exact.
TEMPLATE_VM_HOST = TEMPLATE_VM if DATA_TAGGING else "_{ lookup('pipe', 'touch MARKER') }}"


def _guid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def _task(number: int, job: int, vm: str, day: int, result: str = "Success") -> dict[str, Any]:
    running = result == "None"
    return {"id": _guid(100 + number), "job_session_id": _guid(job), "vm_name": vm,
            "creation_time": f"2026-11-{day:02d}T10:00:00Z", "end_time": None if running else f"2026-11-{day:02d}T10:05:00Z",
            "state": "InProgress" if running else "Completed", "result": result, "total_size": 1024}


def _job(number: int, server: str, name: str, day: int) -> dict[str, Any]:
    return {"id": _guid(number), "server_id": server, "job_id": _guid(50 + number % 10), "job_name": name,
            "creation_time": f"2026-11-{day:02d}T09:59:00Z", "end_time": f"2026-11-{day:02d}T10:10:00Z",
            "state": "Stopped", "result": "Success"}


ESTATE = {
    "backup_servers": [
        {"id": S1, "name": "vbr01", "description": "Primary", "port": 9392, "version": "13.0.0.4967", "wcf_port": 9405},
        {"id": S2, "name": "vbr02", "description": "", "port": 9392, "version": "12.1.2.172"},
    ],
    "replica_job_sessions": [
        _job(1, S1, "Tier1 Replication", 20), _job(2, S1, "Tier1 Replication", 28), _job(3, S2, "Tier1-Replication", 28),
        _job(4, S2, TEMPLATE_JOB, 28),
    ],
    "replica_task_sessions": [
        _task(1, 1, "web01", 20), _task(2, 1, "db01", 20),
        _task(3, 2, "web01", 28), _task(4, 2, "db01", 28, "Failed"), _task(5, 2, TEMPLATE_VM, 28, "Warning"),
        _task(6, 3, "web01", 28), _task(7, 4, "app01", 28, "None"),
    ],
    # The jobs the sessions name, as a real EM lists them (without includes: no object never
    # replicated). Without them, an EM that shows no job while sessions name jobs is what an
    # account without the right to read jobs may get: coverage not judged, and a warning.
    "jobs": [{"id": _guid(61), "server_id": S1, "name": "Tier1 Replication"},
             {"id": _guid(62), "server_id": S2, "name": "Tier1-Replication"},
             {"id": _guid(63), "server_id": S2, "name": TEMPLATE_JOB}],
}


@pytest.fixture(scope="module")
def estate() -> Iterator[EmSimulator]:
    with EmSimulator(dataset_from_dict(ESTATE), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator


@pytest.fixture
def em(estate: EmSimulator) -> Iterator[EmSimulator]:
    estate.reset_stats(drop_sessions=True)
    yield estate
    assert estate.snapshot()["sessions"]["open"] == 0, "the plugin left an EM session open"


class Run:
    """One inventory config in a temporary directory, parsed as ansible-inventory would."""

    def __init__(self, tmp_path: Any, simulator: EmSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp_path, self.simulator = tmp_path, simulator
        self.monkeypatch = monkeypatch

    def config(self, name: str = "test.veeam_em.yml", connection: bool = True, **options: Any) -> str:
        data: dict[str, Any] = {"plugin": FQCN, "created_after": "2026-11-01T00:00:00Z"}
        if connection:
            data.update(url=self.simulator.url, username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD,
                        ca_path=self.simulator.ca_path)
        data.update(options)
        path = self.tmp_path / name
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return str(path)

    def parse(self, path: str, cache: bool = True, plugin: Any = None, loader: Any = None) -> tuple[InventoryData, Any]:
        plugin = plugin or inventory_loader.get(FQCN)
        inventory = InventoryData()
        plugin.parse(inventory, loader or DataLoader(), path, cache=cache)
        if plugin.get_option("cache"):
            plugin.update_cache_if_changed()  # what InventoryManager does after a parse
        return inventory, plugin

    def inventory(self, **options: Any) -> InventoryData:
        return self.parse(self.config(**options))[0]


@pytest.fixture
def run(tmp_path, em, monkeypatch) -> Run:
    for name in ("URL", "USERNAME", "PASSWORD", "VALIDATE_CERTS", "CA_PATH", "TIMEOUT"):
        monkeypatch.delenv(f"VEEAM_EM_{name}", raising=False)
    return Run(tmp_path, em, monkeypatch)


def run_on(simulator: EmSimulator, tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
           after: Any = None) -> Iterator[Run]:
    """A fixture body for a module's own simulator: no VEEAM_EM_* of the caller's, fresh counts,
    `after()` once the test is done, and no EM session left open."""
    for name in ("URL", "USERNAME", "PASSWORD", "VALIDATE_CERTS", "CA_PATH", "TIMEOUT"):
        monkeypatch.delenv(f"VEEAM_EM_{name}", raising=False)
    simulator.reset_stats(drop_sessions=True)
    yield Run(tmp_path, simulator, monkeypatch)
    if after is not None:
        after()
    assert simulator.snapshot()["sessions"]["open"] == 0, "the plugin left an EM session open"


def hosts(inventory: InventoryData, group: str) -> list[str]:
    return sorted(host.name for host in inventory.groups[group].get_hosts())


def hostvars(inventory: InventoryData, host: str) -> dict[str, Any]:
    return inventory.get_host(host).get_vars()


def requests_made(simulator: EmSimulator) -> dict[str, int]:
    return simulator.snapshot()["by_path"]


# -- what the inventory holds ------------------------------------------------------------------


def test_hosts_groups_and_requests(run):
    inventory = run.inventory(rpo="3d")
    assert hosts(inventory, "veeam_backup_servers") == ["vbr01", "vbr02"]
    assert hosts(inventory, "veeam_replicated_vms") == sorted(
        ["app01", "db01", "web01_vbr01", "web01_vbr02", TEMPLATE_VM_HOST])
    assert hosts(inventory, "veeam_server_vbr01") == sorted(["db01", "web01_vbr01", TEMPLATE_VM_HOST])
    assert hosts(inventory, "veeam_result_failed") == ["db01"]
    assert hosts(inventory, "veeam_result_warning") == sorted([TEMPLATE_VM_HOST])
    assert hosts(inventory, "veeam_running") == ["app01"]
    # app01 never finished in the window; db01's success is 8 days old when "now" is the real time.
    assert "app01" in hosts(inventory, "veeam_rpo_breached")
    job_groups = sorted(name for name in inventory.groups if name.startswith("veeam_job_Tier1_Replication_"))
    assert len(job_groups) == 2, "two jobs whose safe names clash keep separate groups"
    assert hosts(inventory, "veeam_job____7___6___") == ["app01"]
    # One bulk pass per type, never a request per VM or session (one per job for its includes,
    # three jobs); logged on once and out.
    made = requests_made(run.simulator)
    assert made["GET /api/query?type=ReplicaTaskSession"] == 1
    assert made["GET /api/query?type=ReplicaJobSession"] == 1
    assert made["GET /api/query?type=BackupServer"] == 1
    assert made["GET /api/jobs/{id}/includes"] == 3
    assert not [key for key in made if "{id}" in key and not key.startswith(("DELETE", "GET /api/jobs/{id}/includes"))]


def test_points_and_jobs_are_read_once_each_and_only_when_asked(run):
    run.inventory(rpo="3d")
    made = requests_made(run.simulator)
    assert made["GET /api/query?type=VmReplicaPoint"] == 1 and made["GET /api/query?type=Job"] == 1
    run.simulator.reset_stats()
    inventory = run.inventory(rpo="3d", rpo_basis="session", include_unreplicated=False)
    made = requests_made(run.simulator)
    assert "GET /api/query?type=VmReplicaPoint" not in made and "GET /api/query?type=Job" not in made
    db01 = hostvars(inventory, "db01")
    assert db01["veeam_rpo_basis"] == "session" and db01["veeam_restore_points"] is None
    assert db01["veeam_job_schedule_enabled"] is None and "veeam_never_replicated" not in inventory.groups


def test_a_bad_rpo_basis_is_named(run):
    with pytest.raises(AnsibleError, match="rpo_basis"):
        run.inventory(rpo_basis="newest")


def test_vm_and_server_host_vars(run):
    inventory = run.inventory(rpo="1d")
    db01 = hostvars(inventory, "db01")
    assert db01["veeam_vm_name"] == "db01" and db01["veeam_kind"] == "replicated_vm"
    assert db01["veeam_backup_server_name"] == "vbr01" and db01["veeam_backup_server_id"] == S1
    assert db01["veeam_job_name"] == "Tier1 Replication" and db01["veeam_job_names"] == ["Tier1 Replication"]
    assert db01["veeam_last_result"] == "Failed" and db01["veeam_consecutive_failures"] == 1
    assert db01["veeam_last_success_time"] == "2026-11-20T10:00:00Z"
    assert db01["veeam_latest_session"]["duration_seconds"] == 300.0
    assert db01["veeam_rpo_seconds"] == 86400.0 and db01["veeam_rpo_breached"] is True
    assert db01["veeam_session_count"] == 2 and "veeam_sessions" not in db01
    server = hostvars(inventory, "vbr01")
    assert server["veeam_kind"] == "backup_server"
    assert (server["veeam_backup_server_version"], server["veeam_backup_server_port"]) == ("13.0.0.4967", 9392)
    assert server["veeam_backup_server_description"] == "Primary" and server["veeam_backup_server_id"] == S1


def test_without_rpo_there_are_no_rpo_vars_or_groups(run):
    inventory = run.inventory()
    assert "veeam_rpo_breached" not in inventory.groups and "veeam_rpo_ok" not in inventory.groups
    assert "veeam_rpo_breached" not in hostvars(inventory, "db01")


def test_values_from_em_are_unsafe_and_never_evaluated(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the VM name's `touch MARKER` would land
    inventory = run.inventory(compose={"echo": "veeam_vm_name ~ '!'"})
    variables = hostvars(inventory, TEMPLATE_VM_HOST)
    templar = Templar(loader=DataLoader(), variables=variables)
    assert templar.template(variables["veeam_vm_name"]) == TEMPLATE_VM
    assert templar.template(variables["echo"]) == TEMPLATE_VM + "!"
    assert templar.template(hostvars(inventory, "app01")["veeam_job_name"]) == TEMPLATE_JOB
    assert templar.template(hostvars(inventory, "app01"))["veeam_job_names"] == [TEMPLATE_JOB]
    assert not (tmp_path / "MARKER").exists()
    assert _is_unsafe(variables["veeam_vm_name"]) and _is_unsafe(variables["veeam_latest_session"]["reason"])
    # The host name is plain text (ansible-inventory --list prints a name, not an unsafe object).
    name = inventory.get_host(TEMPLATE_VM_HOST).name
    assert name.__class__ is str and name == TEMPLATE_VM_HOST
    if not DATA_TAGGING:  # the name is no template that ansible-core would evaluate
        assert "{{" not in name and templar.template(name) == name


def _is_unsafe(value: Any) -> bool:
    try:  # ansible-core 2.19+: untrusted is unsafe
        from ansible.template import is_trusted_as_template
    except ImportError:
        from ansible.utils.unsafe_proxy import AnsibleUnsafe
        return isinstance(value, AnsibleUnsafe)
    return not is_trusted_as_template(value)


def test_same_vm_name_on_two_servers_is_kept_twice_and_said_at_v(run, mocker):
    plugin = inventory_loader.get(FQCN)
    said = mocker.patch.object(plugin.display, "v")
    inventory = run.parse(run.config(), plugin=plugin)[0]
    assert hostvars(inventory, "web01_vbr01")["veeam_backup_server_name"] == "vbr01"
    assert hostvars(inventory, "web01_vbr02")["veeam_backup_server_name"] == "vbr02"
    messages = [call.args[0] for call in said.call_args_list]
    assert any("'web01'" in message and "'web01_vbr02'" in message for message in messages)


# -- options -----------------------------------------------------------------------------------


def test_filters_push_exact_names_and_apply_wildcards(run):
    inventory = run.inventory(backup_server_names=["vbr01"], vm_names=["web*", "db*"], exclude_job_names=["*42*"])
    assert hosts(inventory, "veeam_replicated_vms") == ["db01", "web01"]
    assert hosts(inventory, "veeam_backup_servers") == ["vbr01"]
    inventory = run.inventory(exclude_backup_server_names=["vbr01"], exclude_vm_names=["app*"])
    assert hosts(inventory, "veeam_replicated_vms") == ["web01"]


def without_evidence(inventory: InventoryData) -> list[str]:
    """The VM hosts with nothing to measure an RPO from (no rpo needed, so no age and no clock)."""
    return sorted(host for host in hosts(inventory, "veeam_replicated_vms")
                  if hostvars(inventory, host)["veeam_rpo_evidence_time"] is None)


def test_created_after_is_the_window(run):
    # No rpo: a window shorter than an RPO is refused (test_inventory_options), and this one
    # starts on 2026-11-25 whatever the day the test runs.
    inventory = run.inventory(created_after="2026-11-25T00:00:00Z")
    # db01's success was before the window: within it, db01 never succeeded.
    assert hostvars(inventory, "db01")["veeam_never_succeeded"] is True
    # The template-named VM's only session in the window is a Warning and EM holds no restore
    # point of it: judged on points (the default), nothing proves a replica; on sessions the
    # Warning counts as a success.
    assert without_evidence(inventory) == sorted(["app01", "db01", TEMPLATE_VM_HOST])
    by_session = run.inventory(created_after="2026-11-25T00:00:00Z", rpo_basis="session")
    assert without_evidence(by_session) == ["app01", "db01"]


def test_options_hostname_prefix_backup_servers_sessions(run):
    inventory = run.inventory(hostname="veeam_vm_name | upper ~ '.' ~ veeam_backup_server_name", group_prefix="em_",
                              include_backup_servers=False, include_sessions=True)
    assert hosts(inventory, "em_replicated_vms")[:3] == ["APP01.vbr02", "DB01.vbr01", "WEB01.vbr01"]
    assert "em_backup_servers" not in inventory.groups and "veeam_replicated_vms" not in inventory.groups
    sessions = hostvars(inventory, "DB01.vbr01")["veeam_sessions"]
    assert [session["result"] for session in sessions] == ["Failed", "Success"]
    assert "GET /api/query?type=BackupServer" not in requests_made(run.simulator)


def test_constructed_features(run):
    inventory = run.inventory(
        strict=True, rpo="1d", include_backup_servers=False,
        compose={"ansible_host": "veeam_vm_name ~ '.corp.example'"},
        groups={"flaky": "veeam_consecutive_failures > 0"},
        keyed_groups=[{"key": "veeam_backup_server_name", "prefix": "on"}],
    )
    assert hostvars(inventory, "db01")["ansible_host"] == "db01.corp.example"
    assert hosts(inventory, "flaky") == ["db01"]
    assert hosts(inventory, "on_vbr02") == ["app01", "web01_vbr02"]


def test_strict_compose_error_fails(run):
    with pytest.raises(AnsibleError, match="Could not set broken"):
        run.inventory(strict=True, compose={"broken": "veeam_no_such_var.x"})


def test_hostname_expression_that_fails_names_the_vm(run):
    with pytest.raises(AnsibleError, match="hostname expression .* for VM"):
        run.inventory(hostname="veeam_no_such_var")


def test_connection_from_environment_and_templates(run, monkeypatch):
    monkeypatch.setenv("VEEAM_EM_URL", run.simulator.url)
    monkeypatch.setenv("VEEAM_EM_USERNAME", DEFAULT_USERNAME)
    monkeypatch.setenv("VEEAM_EM_CA_PATH", run.simulator.ca_path)
    monkeypatch.setenv("SECRET_FOR_TEST", DEFAULT_PASSWORD)
    path = run.config(connection=False, password="{{ lookup('ansible.builtin.env', 'SECRET_FOR_TEST') }}")
    inventory = run.parse(path)[0]
    assert "db01" in hosts(inventory, "veeam_replicated_vms")


def test_vaulted_password(run, monkeypatch):
    secret = VaultSecret(b"vault-key-for-test")
    try:  # ansible-core 2.19+ decrypts with process-wide secrets, which the CLI sets up
        from ansible.parsing.vault import VaultSecretsContext
    except ImportError:
        pass
    else:
        monkeypatch.setattr(VaultSecretsContext, "_current", VaultSecretsContext([("default", secret)]))
    vaulted = VaultLib([("default", secret)]).encrypt(DEFAULT_PASSWORD).decode("ascii")
    path = run.config(password="VAULTED")
    text = open(path, encoding="utf-8").read().replace(
        "password: VAULTED", "password: !vault |\n  " + vaulted.replace("\n", "\n  "))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    loader = DataLoader()
    loader.set_vault_secrets([("default", secret)])
    inventory = run.parse(path, loader=loader)[0]
    assert "db01" in hosts(inventory, "veeam_replicated_vms")


def test_missing_connection_option_names_the_variable(run):
    with pytest.raises(AnsibleError, match="missing connection option.*url.*VEEAM_EM_URL"):
        run.parse(run.config(connection=False, username="u", password="p"))


def test_refused_logon_is_an_ansible_error_without_the_password(run):
    with pytest.raises(AnsibleError, match="authentication failed") as failure:
        run.inventory(password="Wrong-Secret-123")
    assert "Wrong-Secret-123" not in str(failure.value)


def test_validate_certs_false_warns(run, mocker):
    plugin = inventory_loader.get(FQCN)
    warned = mocker.patch.object(plugin.display, "warning")
    run.parse(run.config(validate_certs=False, ca_path=None), plugin=plugin)
    assert "validate_certs is false" in warned.call_args.args[0]


@pytest.mark.parametrize("name, ok", [
    ("inv.veeam_em.yml", True), ("veeam_em.yaml", True), ("inv.yml", False), ("veeam_em.yml.bak", False),
])
def test_verify_file(tmp_path, name, ok):
    path = tmp_path / name
    path.write_text("plugin: veeam_em.core.replicas\n", encoding="utf-8")
    plugin = inventory_loader.get(FQCN)
    assert plugin.verify_file(str(path)) is ok
    assert plugin.verify_file(str(tmp_path / "missing.veeam_em.yml")) is False


# -- cache -------------------------------------------------------------------------------------


def cached(run, **options: Any) -> str:
    return run.config(cache=True, cache_plugin="ansible.builtin.jsonfile",
                      cache_connection=str(run.tmp_path / "cache"), cache_timeout=3600, **options)


def cache_files(run) -> list[str]:
    folder = run.tmp_path / "cache"
    return sorted(str(path) for path in folder.iterdir()) if folder.exists() else []


def cache_document(cache_file: str) -> dict[str, Any]:
    document = json.loads(open(cache_file, encoding="utf-8").read())
    # ansible-core 2.19's jsonfile cache wraps the value in a serialised payload.
    return json.loads(document["__payload__"]) if "__payload__" in document else document


def cached_part(cache_file: str) -> dict[str, Any]:
    """The cached part of the one EM of `url`: a fleet of one, without a name."""
    [part] = cache_document(cache_file)["enterprise_managers"]
    assert part["name"] is None
    return part


def shown(inventory: InventoryData) -> dict[str, Any]:
    """Every host's vars and groups, without the vars measured in seconds from the real now."""
    measured = ("veeam_last_success_age_seconds", "veeam_rpo_age_seconds", "veeam_last_point_age_seconds")
    return {
        name: ({key: value for key, value in host.get_vars().items() if key not in measured},
               sorted(group.name for group in host.get_groups()))
        for name, host in inventory.hosts.items()
    }


def test_cache_miss_then_hit_without_requests_or_rewrite(run):
    path = cached(run, rpo="1d")
    first = run.parse(path)[0]
    [cache_file] = cache_files(run)
    text = open(cache_file, encoding="utf-8").read()
    assert DEFAULT_PASSWORD not in text and "em-reader" not in text, "credentials were cached"
    document = cached_part(cache_file)
    assert "task_sessions" not in document, "raw task sessions were cached"
    # One summary per (backup server, VM): web01 twice, db01, app01 and the template-named VM.
    assert len(document["vms"]) == 5 and len(document["backup_servers"]) == 2, "per-VM summaries are cached"
    assert sum(vm["session_count"] for vm in document["vms"]) == 7
    assert "veeam_rpo_breached" not in text and "veeam_kind" not in text, "the built inventory was cached"
    assert not [key for vm in document["vms"] for key in vm if key.startswith("veeam_")], "host vars were cached"
    assert not [vm for vm in document["vms"] if {"last_success_age_seconds", "rpo_breached"} & set(vm)], \
        "something measured from the fetch's now was cached"
    written = os.stat(cache_file).st_mtime_ns
    run.simulator.reset_stats()
    time.sleep(0.01)
    second = run.parse(path)[0]
    assert run.simulator.snapshot()["requests"] == 0, "a cache hit asked EM"
    assert os.stat(cache_file).st_mtime_ns == written, "a cache hit rewrote the cache (and reset its lifetime)"
    assert shown(second) == shown(first)
    assert hosts(second, "veeam_rpo_breached") == hosts(first, "veeam_rpo_breached")
    assert hostvars(second, "db01") == hostvars(first, "db01") | {
        key: hostvars(second, "db01")[key] for key in ("veeam_last_success_age_seconds", "veeam_rpo_age_seconds")}
    assert hostvars(second, "db01")["veeam_last_success_age_seconds"] > hostvars(first, "db01")["veeam_last_success_age_seconds"]


def test_presentation_options_reuse_the_cache_query_options_do_not(run):
    run.parse(cached(run))
    run.simulator.reset_stats()
    inventory = run.parse(cached(run, rpo="2h", exclude_vm_names=["web*"], group_prefix="x_"))[0]
    assert run.simulator.snapshot()["requests"] == 0
    assert hosts(inventory, "x_replicated_vms") == sorted(["app01", "db01", TEMPLATE_VM_HOST])
    run.parse(cached(run, vm_names=["db01"]))
    assert run.simulator.snapshot()["requests"] > 0, "a cache made for another query was used"


@pytest.mark.parametrize("options", [{"job_names": ["Tier1*"]}, {"exclude_job_names": ["{{*"]}])
def test_a_job_filter_change_is_a_cache_miss(run, options):
    """Job filters apply to each session before the fold, so the cached folds cannot be reused."""
    run.parse(cached(run))
    run.simulator.reset_stats()
    inventory = run.parse(cached(run, **options))[0]
    assert run.simulator.snapshot()["requests"] > 0, "folds made with other job filters were used"
    assert hosts(inventory, "veeam_replicated_vms") == sorted(["db01", "web01_vbr01", "web01_vbr02", TEMPLATE_VM_HOST])
    assert hostvars(inventory, "web01_vbr02")["veeam_job_names"] == ["Tier1-Replication"]


def test_an_include_sessions_change_is_a_cache_miss(run):
    run.parse(cached(run))
    run.simulator.reset_stats()
    inventory = run.parse(cached(run, include_sessions=True))[0]
    assert run.simulator.snapshot()["requests"] > 0, "summaries without sessions were used"
    assert [session["result"] for session in hostvars(inventory, "db01")["veeam_sessions"]] == ["Failed", "Success"]
    run.simulator.reset_stats()
    assert "veeam_sessions" not in hostvars(run.parse(cached(run))[0], "db01")
    assert run.simulator.snapshot()["requests"] > 0


@pytest.mark.parametrize(("fetch", "view"), [
    ({}, {}),
    ({"rpo": "1d"}, {"exclude_vm_names": ["web*"]}),
    ({}, {"backup_server_names": ["vbr0[2]"], "rpo": "7d"}),
    ({}, {"exclude_backup_server_names": ["*01"], "vm_names": ["*01", "{{*"]}),
    ({}, {"vm_names": ["web*"], "exclude_vm_names": ["*01"]}),
    ({"include_sessions": True}, {"exclude_vm_names": ["db*"], "hostname": "veeam_vm_name ~ '.' ~ veeam_backup_server_name"}),
])
def test_a_cache_hit_shows_what_a_read_without_cache_shows(run, fetch, view):
    run.parse(cached(run, **fetch))
    run.simulator.reset_stats()
    hit = run.parse(cached(run, **fetch, **view))[0]
    assert run.simulator.snapshot()["requests"] == 0, "VM and backup server filters made a cache miss"
    fresh = run.inventory(**fetch, **view)
    assert shown(hit) == shown(fresh)


def test_the_cache_grows_with_vms_not_with_sessions(tmp_path, monkeypatch):
    """Twenty days of sessions cache the same three summaries as two days of them."""
    estate = {
        "backup_servers": ESTATE["backup_servers"][:1],
        "replica_job_sessions": [_job(day, S1, "Tier1 Replication", day) for day in range(1, 21)],
        "replica_task_sessions": [_task(3 * day + number, day, vm, day) for day in range(1, 21)
                                  for number, vm in enumerate(("web01", "db01", "app01"))],
    }
    sizes, documents = {}, {}
    with EmSimulator(dataset_from_dict(estate), SimulatorConfig(plain_collection_days=0)) as simulator:
        for name in ("URL", "USERNAME", "PASSWORD", "VALIDATE_CERTS", "CA_PATH", "TIMEOUT"):
            monkeypatch.delenv(f"VEEAM_EM_{name}", raising=False)
        for window in ("2026-11-19T00:00:00Z", "2026-11-01T00:00:00Z"):
            run = Run(tmp_path / window[:10], simulator, monkeypatch)
            (tmp_path / window[:10]).mkdir()
            run.parse(cached(run, created_after=window))
            [cache_file] = cache_files(run)
            sizes[window], documents[window] = os.path.getsize(cache_file), cached_part(cache_file)
    short, long = documents["2026-11-19T00:00:00Z"], documents["2026-11-01T00:00:00Z"]
    assert [vm["session_count"] for vm in short["vms"]] == [2, 2, 2]
    assert [vm["session_count"] for vm in long["vms"]] == [20, 20, 20]
    # Ten times the sessions: the same summaries, but for the count (one digit more each).
    assert sizes["2026-11-01T00:00:00Z"] - sizes["2026-11-19T00:00:00Z"] < 100
    assert [vm["latest_session"] for vm in long["vms"]] == [vm["latest_session"] for vm in short["vms"]]


def test_expired_cache_is_fetched_again(run):
    path = cached(run)
    run.parse(path)
    [cache_file] = cache_files(run)
    old = time.time() - 7200
    os.utime(cache_file, (old, old))
    run.simulator.reset_stats()
    run.parse(path)
    assert run.simulator.snapshot()["requests"] > 0
    assert os.stat(cache_file).st_mtime > old


def test_flush_cache_fetches(run):
    path = cached(run)
    run.parse(path)
    run.simulator.reset_stats()
    run.parse(path, cache=False)  # --flush-cache, meta: refresh_inventory
    assert run.simulator.snapshot()["requests"] > 0


def test_failed_fetch_never_writes_the_cache(run):
    with pytest.raises(AnsibleError):
        run.parse(cached(run, password="wrong"))
    assert cache_files(run) == []


def test_failed_fetch_through_the_client_seam(run, mocker):
    plugin = inventory_loader.get(FQCN)

    def broken(_source, _said):
        raise ConnectionFailure("cannot reach Enterprise Manager at https://em.example:9398/api/")

    mocker.patch.object(plugin, "_create_client", broken)
    with pytest.raises(AnsibleError, match="cannot reach Enterprise Manager"):
        run.parse(cached(run), plugin=plugin)
    assert cache_files(run) == []
    assert run.simulator.snapshot()["requests"] == 0


def test_client_seam_feeds_the_inventory(run, mocker):
    plugin = inventory_loader.get(FQCN)
    raw = {"id": "1", "uid": "u", "name": "s1", "vm_name": "vm1", "state": "Completed", "result": "Success",
           "creation_time": _utc(2026, 11, 28), "end_time": _utc(2026, 11, 28), "job_name": "J",
           "backup_server_id": "b1", "backup_server_name": "vbr"}

    class FakeApi:
        def iter_task_sessions(self, query):
            assert query.vm_names == ("vm1",)
            yield [raw]

        def backup_servers(self):
            return [{"id": "b1", "name": "vbr", "port": 9392, "version": "13"}]

        def iter_replica_points(self, query):
            assert query.vm_names == ("vm1",)
            yield []

        def replication_jobs(self, backup_servers):
            return []

        def job_includes(self, job_ids):
            return {}

        def iter_cdp_task_sessions(self, query):
            assert query.vm_names == ("vm1",), "the exact VM name is sent for CDP task sessions too"
            yield []

        def cdp_policies(self, backup_servers, names):
            return []

        def cdp_policy_includes(self, ids):
            return {}

        def failover_plans(self, backup_servers):
            return []

    @contextmanager
    def fake(_source, _said):
        yield FakeApi()

    mocker.patch.object(plugin, "_create_client", fake)
    inventory = run.parse(run.config(vm_names=["vm1"]), plugin=plugin)[0]
    assert hosts(inventory, "veeam_replicated_vms") == ["vm1"] and hosts(inventory, "veeam_backup_servers") == ["vbr"]


def _utc(year: int, month: int, day: int) -> Any:
    from datetime import datetime, timezone
    return datetime(year, month, day, tzinfo=timezone.utc)


# -- hostile names --------------------------------------------------------------------------------

SHELL_VM = "$(touch MARKER); `touch MARKER` | rm -rf / && echo pwned"
NEWLINE_VM = "first line\nsecond line\r\nthird"
LONG_VM = "v" * 1000
HOSTILE_JOB = "{{ lookup('pipe', 'touch MARKER') }}\n$(id)"


def test_hostile_names_are_data_and_their_groups_are_safe(tmp_path, monkeypatch):
    """Names with shell metacharacters, newlines, 1,000 characters or Jinja stay exactly
    as EM sent them, run nothing, and make only safe, distinct group names."""
    marker = tmp_path / "MARKER"
    names = [name.replace("MARKER", str(marker)) for name in (SHELL_VM, NEWLINE_VM, LONG_VM)]
    job = HOSTILE_JOB.replace("MARKER", str(marker))
    estate = {
        "backup_servers": ESTATE["backup_servers"][:1],
        "replica_job_sessions": [_job(1, S1, job, 28)],
        "replica_task_sessions": [_task(number, 1, name, 28) for number, name in enumerate(names, start=1)],
    }
    with EmSimulator(dataset_from_dict(estate), SimulatorConfig(plain_collection_days=0)) as simulator:
        for name in ("URL", "USERNAME", "PASSWORD", "VALIDATE_CERTS", "CA_PATH", "TIMEOUT"):
            monkeypatch.delenv(f"VEEAM_EM_{name}", raising=False)
        inventory = Run(tmp_path, simulator, monkeypatch).inventory(rpo="1d")
    assert hosts(inventory, "veeam_replicated_vms") == sorted(names)
    for name in names:
        variables = hostvars(inventory, name)
        assert variables["veeam_vm_name"] == name and variables["veeam_job_names"] == [job]
    groups = [group for group in inventory.groups if group not in ("all", "ungrouped")]
    assert all(group.replace("_", "a").isalnum() and group.isascii() for group in groups), groups
    job_groups = [group for group in groups if group.startswith("veeam_job_")]
    assert len(job_groups) == 1 and hosts(inventory, job_groups[0]) == sorted(names)
    assert not marker.exists(), "a name was executed"


# -- what real Enterprise Managers send (issue 13) ----------------------------------------------


def test_a_running_task_that_claims_success_is_running_without_a_result(run):
    run.simulator.configure(running_result="success")  # app01's only task is InProgress
    try:
        inventory = run.inventory()
    finally:
        run.simulator.configure(running_result="value")
    app = hostvars(inventory, "app01")
    assert app["veeam_running"] is True and app["veeam_last_result"] is None
    assert app["veeam_latest_session"]["result"] is None and app["veeam_latest_session"]["end_time"] is None
    assert "app01" in hosts(inventory, "veeam_running") and "app01" not in hosts(inventory, "veeam_result_success")


def test_links_on_another_host_are_not_followed_and_the_logout_reaches_this_em(run):
    run.simulator.configure(link_host="em-01.corp.invalid")
    try:
        started = time.monotonic()
        run.inventory()
        elapsed = time.monotonic() - started
    finally:
        run.simulator.configure(link_host=None)
    counts = run.simulator.snapshot()["sessions"]
    assert (counts["logons"], counts["logouts"], counts["open"]) == (1, 1, 0)
    assert elapsed < 5  # a logout sent to the other host used to retry for about 14 s


def test_a_failed_logout_is_one_quick_warning(run, mocker):
    from ansible_collections.veeam_em.core.plugins.plugin_utils._evidence_read import EvidenceRead

    result = EvidenceRead.result  # after the sessions and the evidence beside them: every read is over

    def read_then_break(self):
        evidence = result(self)
        run.simulator.configure(drop_rate=1.0)  # from here on, EM hangs up on every request
        return evidence

    mocker.patch.object(EvidenceRead, "result", read_then_break)
    plugin = inventory_loader.get(FQCN)
    warned = mocker.patch.object(plugin.display, "warning")
    try:
        started = time.monotonic()
        run.parse(run.config(), plugin=plugin)
        elapsed = time.monotonic() - started
    finally:
        run.simulator.configure(drop_rate=0.0)
        run.simulator.reset_stats(drop_sessions=True)  # the session EM still holds
    assert warned.call_count == 1 and elapsed < 5
    message = warned.call_args.args[0]
    assert "could not log out of Enterprise Manager" in message and "idle timeout" in message
    assert DEFAULT_PASSWORD not in message and "(session id)" in message
