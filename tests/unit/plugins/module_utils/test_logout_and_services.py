"""The logout at the configured url (one quick warning when it fails) and the services
users point `url` at by mistake, each over real sockets against the simulator."""
from __future__ import annotations

import dataclasses
import time

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _module
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import NotEnterpriseManager
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options


class _Exit(Exception):
    pass


class FakeModule:
    """What run_info_module uses of AnsibleModule: params, warn, exit_json, fail_json."""

    def __init__(self, params: dict) -> None:
        self.params = params
        self.warnings: list[str] = []
        self.result: dict = {}

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def exit_json(self, **result) -> None:
        self.result = result
        raise _Exit

    fail_json = exit_json


def module_params(simulator) -> dict:
    return {**vars(connection_options(simulator)), "password": connection_options(simulator).password}


def test_a_failed_logout_is_one_quick_warning_in_the_module(fresh_simulator):
    def gather(api, params):
        fresh_simulator.configure(drop_rate=1.0)  # EM hangs up on the logout and whatever follows
        return {"replica_task_sessions": []}

    module = FakeModule(module_params(fresh_simulator))
    started = time.monotonic()
    with pytest.raises(_Exit):
        _module.run_info_module(module, gather)
    elapsed = time.monotonic() - started
    fresh_simulator.configure(drop_rate=0.0)
    assert elapsed < 2.0 and module.result.get("changed") is False
    assert len(module.warnings) == 1 and "could not log out of Enterprise Manager" in module.warnings[0]
    assert fresh_simulator.snapshot()["sessions"]["open"] == 1  # EM's idle timeout will end it


def test_a_failed_logout_is_warned_also_when_the_run_fails(fresh_simulator):
    def gather(api, params):
        fresh_simulator.configure(error_rate=1.0, error_statuses=(500,))
        api.session.get("backupServers")
        return {}

    module = FakeModule(module_params(fresh_simulator))
    with pytest.raises(_Exit):
        _module.run_info_module(module, gather)
    fresh_simulator.configure(error_rate=0.0)
    assert "HTTP 500" in module.result["msg"]
    assert len(module.warnings) == 1 and "answered HTTP 500" in module.warnings[0]


def test_a_logout_that_works_says_nothing(fresh_simulator):
    module = FakeModule(module_params(fresh_simulator))
    with pytest.raises(_Exit):
        _module.run_info_module(module, lambda api, params: {"backup_servers": []})
    assert module.warnings == [] and fresh_simulator.snapshot()["sessions"]["open"] == 0


@pytest.mark.parametrize("answer_as, version, found", [
    ("vbr-rest", "latest", "Veeam Backup & Replication REST API"),
    ("web-ui", "latest", '"405 - HTTP verb used to access this page is not allowed."'),  # the logon's POST
    ("web-ui", "v1_7", "Enterprise Manager's web UI (port 9443)"),  # GET of the entry point first
    ("proxy-error", "latest", '"502 Bad Gateway"'),
])
def test_the_wrong_service_is_named_with_the_fix(fresh_simulator, answer_as, version, found):
    options = connection_options(fresh_simulator, api_version=version)
    quick = Transport(dataclasses.replace(options.transport_options(), backoff_base=0.01, backoff_max=0.02))
    fresh_simulator.configure(answer_as=answer_as)
    with pytest.raises(NotEnterpriseManager) as caught:
        with open_session(options, quick):
            pass
    message = str(caught.value)
    assert found in message and "port 9398 under /api" in message and fresh_simulator.url.rstrip("/") in message
    assert "well-formed" not in message and "DOCTYPE" not in message and options.password not in message
