# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replica_task_sessions lookup against the EM simulator: the module's filters under the
module's names, the module's records, unsafe values, clear errors, every logon logged out."""
from __future__ import annotations

import socket
from typing import Any, Iterator

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.loader import lookup_loader

from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_task_sessions
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.plugin_utils._unsafe import UNTRUSTED_UNLESS_TAGGED
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.test_options import SAME_ON_EVERY_SURFACE
from ansible_collections.veeam_em.core.tests.em_simulator import DEFAULT_PASSWORD, DEFAULT_USERNAME, EmSimulator
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options, leak_checked

FQCN = "veeam_em.core.replica_task_sessions"


@pytest.fixture
def em(generated_simulator: EmSimulator) -> Iterator[EmSimulator]:
    yield from leak_checked(generated_simulator)


def run_lookup(simulator: EmSimulator, **options: Any) -> list[dict[str, Any]]:
    lookup = lookup_loader.get(FQCN)
    connection = {"url": simulator.url, "username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD,
                  "ca_path": simulator.ca_path}
    return lookup.run([], variables={}, **{**connection, **options})


def module_records(simulator: EmSimulator, params: dict[str, Any]) -> list[dict[str, Any]]:
    options = connection_options(simulator)
    with open_session(options) as session:
        return gather_task_sessions(EmApi(session), params)["replica_task_sessions"]


def test_the_lookup_returns_the_modules_records_for_the_same_filters(em: EmSimulator) -> None:
    vm = em.dataset.task_sessions[0].vm_name
    failed_of_vm = sorted(task.uid for task in em.dataset.task_sessions
                          if task.vm_name == vm and task.state == "Completed" and task.result == "Failed")
    found = run_lookup(em, vm_names=[vm], result=["Failed"])
    assert sorted(record["uid"] for record in found) == failed_of_vm
    assert found == module_records(em, {"vm_names": [vm], "result": ["Failed"]})


def test_latest_per_vm_and_limit(em: EmSimulator) -> None:
    found = run_lookup(em, latest_per_vm=True, limit=3)
    assert len(found) == 3
    assert len({(record["backup_server_id"], record["vm_name"]) for record in found}) == 3


def test_the_old_option_name_still_works(em: EmSimulator) -> None:
    vm = em.dataset.task_sessions[0].vm_name
    assert {record["vm_name"] for record in run_lookup(em, vm_name=[vm])} == {vm}


@pytest.mark.skipif(UNTRUSTED_UNLESS_TAGGED, reason="from ansible-core 2.19 EM data is untrusted without a mark")
def test_records_are_marked_unsafe(em: EmSimulator) -> None:
    record = run_lookup(em, limit=1)[0]
    assert type(record["vm_name"]).__name__ == "AnsibleUnsafeText"


@pytest.mark.parametrize("options, wording", [
    ({"limitt": 3}, "unknown option(s) limitt"),
    ({"created_after": "yesterday"}, "created_after: cannot read 'yesterday' as a time"),
    ({"limit": 0}, "limit must be 1 or more"),
])
def test_bad_options_are_named(em: EmSimulator, options: dict[str, Any], wording: str) -> None:
    with pytest.raises(AnsibleError, match=FQCN) as raised:
        run_lookup(em, **options)
    assert wording in str(raised.value)


def test_terms_are_refused(em: EmSimulator) -> None:
    with pytest.raises(AnsibleError, match="takes no terms"):
        lookup_loader.get(FQCN).run(["db01"], variables={})


def test_each_retry_is_a_vvv_line_and_a_refused_connection_none(fresh_simulator: EmSimulator, mocker: Any) -> None:
    from ansible_collections.veeam_em.core.plugins.lookup import replica_task_sessions

    told = mocker.spy(replica_task_sessions.display, "vvv")
    fresh_simulator.configure(error_rate=0.5, fault_seed=2)
    run_lookup(fresh_simulator, retry_backoff=0.01)
    lines = [call.args[0] for call in told.call_args_list]
    assert lines and all(" failed (HTTP 503); retry " in line for line in lines)
    told.reset_mock()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(AnsibleError, match=f"nothing listens at 127.0.0.1:{port} "):
        run_lookup(fresh_simulator, url=f"https://127.0.0.1:{port}/api")
    assert told.call_args_list == []


def test_a_backup_server_em_does_not_know_warns_naming_those_it_knows(em: EmSimulator, mocker) -> None:
    from ansible_collections.veeam_em.core.plugins.lookup import replica_task_sessions

    warned = mocker.patch.object(replica_task_sessions.display, "warning")
    known = sorted(server.name for server in em.dataset.servers)
    assert len(known) >= 2 and "vbr99.corp.example" not in known
    assert run_lookup(em, backup_server_names=["vbr99.corp.example"]) == []
    assert run_lookup(em, backup_server_names=[known[0]]) != []  # a known name: records, and no second warning
    [[message]] = [call.args for call in warned.call_args_list]
    assert message.startswith(f"{FQCN}: backup_server_names: Enterprise Manager knows no backup server named "
                              "'vbr99.corp.example', so nothing matches it; the backup servers it knows, closest first: ")
    assert sorted(message.rsplit(": ", 1)[1].split(", ")) == known


def test_connection_options_in_their_string_form_read_as_natural_ones(em: EmSimulator) -> None:
    natural = run_lookup(em, limit=2, retries=3, retry_backoff=1, timeout=30, page_size=1)
    assert run_lookup(em, limit=2, retries="3", retry_backoff="1", timeout="30", page_size="1") == natural


@pytest.mark.parametrize("options, environ, message", [
    *SAME_ON_EVERY_SURFACE,
    ({"retrys": 3}, {}, "unknown option(s) retrys (did you mean retries?)"),
])
def test_a_bad_connection_value_is_worded_by_the_table(em: EmSimulator, monkeypatch: pytest.MonkeyPatch,
                                                       options: dict[str, Any], environ: dict[str, str],
                                                       message: str) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(AnsibleError) as raised:
        run_lookup(em, **options)
    assert str(raised.value).startswith(f"{FQCN}: {message}")


def test_connection_options_come_from_the_environment(em: EmSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEEAM_EM_URL", em.url)
    monkeypatch.setenv("VEEAM_EM_USERNAME", DEFAULT_USERNAME)
    monkeypatch.setenv("VEEAM_EM_PASSWORD", DEFAULT_PASSWORD)
    monkeypatch.setenv("VEEAM_EM_CA_PATH", em.ca_path)
    assert len(lookup_loader.get(FQCN).run([], variables={}, limit=1)) == 1


def test_a_failed_logout_is_one_warning_naming_the_lookup(fresh_simulator: EmSimulator, mocker: Any) -> None:
    from ansible_collections.veeam_em.core.plugins.lookup import replica_task_sessions

    warned = mocker.patch.object(replica_task_sessions.display, "warning")
    real_gather = replica_task_sessions.gather_task_sessions

    def gather_then_break_em(api: Any, params: dict[str, Any]) -> dict[str, Any]:
        found = real_gather(api, params)
        fresh_simulator.configure(error_rate=1.0, error_statuses=(500,))
        return found

    mocker.patch.object(replica_task_sessions, "gather_task_sessions", gather_then_break_em)
    mocker.patch.object(replica_task_sessions, "backup_server_warnings", return_value=[])
    run_lookup(fresh_simulator, limit=1)
    fresh_simulator.configure(error_rate=0.0)
    [[message]] = [call.args for call in warned.call_args_list]
    assert message.startswith(f"{FQCN}: could not log out of Enterprise Manager at ") and "answered HTTP 500" in message
