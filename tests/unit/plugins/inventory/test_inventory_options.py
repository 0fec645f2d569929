# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every option of the replicas inventory plugin given a wrong type or value, table-driven:
each is refused with an AnsibleError whose message names the option, with no traceback and
no password in it, and no EM session is left open."""
from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
import yaml

from ansible.errors import AnsibleError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._options import convert
from ansible_collections.veeam_em.core.tests.em_simulator import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EmSimulator,
    SimulatorConfig,
    load_fixture,
)
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED

FQCN = "veeam_em.core.replicas"
SAFE_GROUP = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@pytest.fixture(scope="module")
def documented() -> Iterator[EmSimulator]:
    with EmSimulator(load_fixture(DOCUMENTED), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator


@pytest.fixture
def em(documented: EmSimulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmSimulator]:
    for name in ("URL", "USERNAME", "PASSWORD", "VALIDATE_CERTS", "CA_PATH", "TIMEOUT"):
        monkeypatch.delenv(f"VEEAM_EM_{name}", raising=False)
    documented.reset_stats(drop_sessions=True)
    yield documented
    assert documented.snapshot()["sessions"]["open"] == 0, "the plugin left an EM session open"


def parse(tmp_path: Any, simulator: EmSimulator, **options: Any) -> InventoryData:
    """Write a config (a working connection to the simulator, then `options`) and parse it."""
    data: dict[str, Any] = {"plugin": FQCN, "created_after": "2025-01-01T00:00:00Z", "url": simulator.url,
                            "username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD,
                            "ca_path": simulator.ca_path}
    data.update(options)
    path = tmp_path / "options.veeam_em.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    inventory = InventoryData()
    inventory_loader.get(FQCN).parse(inventory, DataLoader(), str(path), cache=False)
    return inventory


# (options, the option the message must name, more the message must say)
WRONG = [
    # wrong types
    ({"page_size": "many"}, "page_size", "many"),
    ({"max_concurrency": [1]}, "max_concurrency", ""),
    ({"timeout": "soon"}, "timeout", "soon"),
    ({"validate_certs": "perhaps"}, "validate_certs", "perhaps"),
    ({"include_sessions": "maybe"}, "include_sessions", "maybe"),
    ({"include_backup_servers": [1]}, "include_backup_servers", ""),
    ({"vm_names": 5}, "vm_names", ""),
    ({"exclude_vm_names": {"a": 1}}, "exclude_vm_names", ""),
    ({"job_names": 7}, "job_names", ""),
    ({"backup_server_names": {"x": "y"}}, "backup_server_names", ""),
    ({"created_after": [1]}, "created_after", ""),
    ({"rpo": 5}, "rpo", "5"),
    ({"cache": "sometimes"}, "cache", "sometimes"),
    ({"require_coverage": "if possible"}, "require_coverage", "must be true or false, not 'if possible'"),
    ({"include_sla": "weekly"}, "include_sla", "must be true or false, not 'weekly'"),
    ({"include_sla_days": "perhaps"}, "include_sla_days", "must be true or false, not 'perhaps'"),
    ({"include_anomalies": "some"}, "include_anomalies", "must be true or false, not 'some'"),
    ({"include_cdp": "auto"}, "include_cdp", "must be true or false, not 'auto'"),
    ({"include_failover_plans": "if any"}, "include_failover_plans", "must be true or false, not 'if any'"),
    # wrong values
    ({"rpo": "soon"}, "rpo", "must be a duration such as 24h, 30m or 7d (a number and s, m, h, d or w), not 'soon'"),
    ({"rpo": "-4h"}, "rpo", "-4h"),
    ({"created_after": "whenever"}, "created_after", "cannot read 'whenever' as a time"),
    ({"created_after": "2026-02-30T00:00:00Z"}, "created_after", "2026-02-30"),
    # a window shorter than an RPO would make healthy VMs look never succeeded
    ({"created_after": "12h", "rpo": "24h"}, "created_after",
     "created_after (12h) is shorter than rpo (24h): a VM whose last success is older than 12h but within its RPO "
     "would be reported as never succeeded. Set created_after to 24h or more"),
    ({"created_after": "3d", "rpo": "4h", "rpo_by_job": {"Archive*": "1w"}}, "created_after",
     "created_after (3d, 72h back) is shorter than rpo_by_job['Archive*'] (7d)"),
    ({"page_size": 0}, "page_size", "between 1 and 10000"),
    ({"page_size": 20000}, "page_size", "between 1 and 10000"),
    ({"max_concurrency": 0}, "max_concurrency", "between 1 and 16"),
    ({"max_concurrency": 99}, "max_concurrency", "between 1 and 16"),
    ({"timeout": 0}, "timeout", "positive"),
    ({"timeout": -5}, "timeout", "positive"),
    ({"url": "ftp://x"}, "url", "must start with https://"),
    ({"url": "https://em.example.com:99999/api"}, "url", "invalid port"),
    ({"url": "https://em.example.com/somewhere/else"}, "url", ""),
    ({"ca_path": "/nonexistent/ca.pem"}, "ca_path", "cannot be read"),
    ({"api_version": "v9_9"}, "api_version", "v9_9 is not offered"),
    ({"hostname": "{{ undefined_var }}"}, "hostname", ""),
    ({"hostname": "undefined_var ~ 'x'"}, "hostname", "undefined_var"),
    ({"plugin": "veeam_em.core.other"}, "plugin", ""),
    # constructed options that ansible-core would skip without a word
    ({"keyed_groups": [{"key": "veeam_job_name", "prefx": "job"}]}, "keyed_groups",
     "veeam_em.core.replicas: keyed_groups[0] (key: veeam_job_name) has no option prefx; did you mean prefix?"),
    ({"groups": {"tier1": None}}, "groups", "groups: tier1 has no expression"),
    ({"compose": {"ansible_port": 22}}, "compose", 'write it in quotes (ansible_port: "22")'),
]


def case_id(case: tuple[dict[str, Any], str, str]) -> str:
    options = case[0]
    return ",".join(f"{name}={value!r}" for name, value in options.items())


@pytest.mark.parametrize(("options", "option", "says"), WRONG, ids=[case_id(case) for case in WRONG])
def test_a_wrong_option_is_refused_naming_the_option(tmp_path, em, options, option, says):
    with pytest.raises(AnsibleError) as caught:
        parse(tmp_path, em, **options)
    message = str(caught.value)
    assert re.search(rf"\b{re.escape(option)}\b", message), f"the message does not name {option}: {message}"
    assert says in message, message
    assert "Traceback" not in message and DEFAULT_PASSWORD not in message, message


def test_a_missing_url_names_the_option_and_its_variable(tmp_path, em):
    with pytest.raises(AnsibleError, match=r"url.*VEEAM_EM_URL"):
        parse(tmp_path, em, url=None)


def test_a_group_prefix_with_spaces_and_symbols_still_makes_safe_groups(tmp_path, em):
    inventory = parse(tmp_path, em, group_prefix="my prefix -{{ x }}")
    made = [name for name in inventory.groups if name not in ("all", "ungrouped")]
    assert made, "no groups were made"
    unsafe = [name for name in made if not SAFE_GROUP.match(name)]
    assert not unsafe, unsafe
    assert any(name.startswith("my_prefix_") for name in made), made


# -- the connection options, through the collection's one options table ------------------------

@pytest.mark.parametrize("options", [
    {"retries": 3, "retry_backoff": 1, "timeout": 30, "validate_certs": True, "page_size": 500, "max_concurrency": 2},
    {"retries": "3", "retry_backoff": "1", "timeout": "30", "validate_certs": "yes", "page_size": "500",
     "max_concurrency": "2"},
], ids=["natural", "text"])
def test_connection_options_take_their_natural_type_and_their_text(tmp_path, em, options):
    inventory = parse(tmp_path, em, **options)
    assert [host for host in inventory.hosts.values() if host.get_vars()["veeam_kind"] == "replicated_vm"]


@pytest.mark.parametrize(("name", "value"), [
    ("retries", "many"), ("retries", 11), ("retries", "3.5"), ("timeout", "soon"), ("timeout", 0),
    ("validate_certs", "perhaps"), ("validate_certs", [1]), ("page_size", "0"), ("retry_backoff", "x"),
    ("max_concurrency", 99),
])
def test_a_bad_connection_value_gets_the_message_of_every_surface(tmp_path, em, name, value):
    """The inventory's message is the options table's own (the modules', the lookup's and the event source's)."""
    with pytest.raises(ConfigurationError) as table:
        convert(name, value)
    with pytest.raises(AnsibleError) as caught:
        parse(tmp_path, em, **{name: value})
    assert str(caught.value) == f"{FQCN}: {table.value}"
    assert em.snapshot()["requests"] == 0


def test_connection_options_left_out_come_from_the_environment_in_text(tmp_path, em, monkeypatch):
    monkeypatch.setenv("VEEAM_EM_TIMEOUT", "30")
    monkeypatch.setenv("VEEAM_EM_VALIDATE_CERTS", "perhaps")
    with pytest.raises(AnsibleError) as caught:
        parse(tmp_path, em)
    assert str(caught.value) == f"{FQCN}: validate_certs must be true or false (or yes/no), not 'perhaps'"
    monkeypatch.setenv("VEEAM_EM_VALIDATE_CERTS", "true")
    assert parse(tmp_path, em).hosts
