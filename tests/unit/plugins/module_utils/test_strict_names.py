# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""strict_names: the info modules' warning of a backup server name EM does not know becomes the
task's failure, in the same words, before the rest is read; and exactly the modules that warn take it."""
from __future__ import annotations

import importlib

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _module
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.test_logout_and_services import (
    FakeModule,
    _Exit,
    module_params,
)

# The documented fixture's backup servers are enterprise06.tech.local and enterprise01.tech.local.
WRONG_CASE = ["Enterprise01.tech.local", "ENTERPRISE06.tech.local"]
# _unknown_names' wording for a name that differs from a known one only in case, worked out by hand.
EXPECTED_LINES = [
    "backup_server_names: Enterprise Manager knows no backup server named 'Enterprise01.tech.local', so nothing "
    "matches it; 'enterprise01.tech.local' differs only in case, and Enterprise Manager's names are case-sensitive: "
    "write it as 'enterprise01.tech.local'",
    "backup_server_names: Enterprise Manager knows no backup server named 'ENTERPRISE06.tech.local', so nothing "
    "matches it; 'enterprise06.tech.local' differs only in case, and Enterprise Manager's names are case-sensitive: "
    "write it as 'enterprise06.tech.local'",
]


def run(simulator, **params):
    """run_info_module over a gather that only notes it was called: the module, the calls, the counts."""
    simulator.reset_stats(drop_sessions=True)
    calls = []

    def gather(api, module_params_):
        calls.append(module_params_)
        return {"replica_task_sessions": []}

    module = FakeModule({**module_params(simulator), **params})
    with pytest.raises(_Exit):
        _module.run_info_module(module, gather)
    return module, calls, simulator.snapshot()


def test_strict_names_fails_with_the_warnings_words_before_the_rest_is_read(documented_simulator):
    module, calls, counts = run(documented_simulator, backup_server_names=WRONG_CASE, strict_names=True)
    assert module.result == {"msg": "\n".join(EXPECTED_LINES)}
    assert calls == [] and module.warnings == []
    assert counts["by_path"]["GET /api/query?type=BackupServer"] == 1
    assert counts["sessions"]["logouts"] == 1 and counts["sessions"]["open"] == 0


def test_without_strict_names_the_same_words_are_warnings_and_the_read_goes_on(documented_simulator):
    module, calls, _counts = run(documented_simulator, backup_server_names=WRONG_CASE, strict_names=False)
    assert module.warnings == EXPECTED_LINES
    assert len(calls) == 1 and module.result == {"changed": False, "replica_task_sessions": []}


def test_strict_names_with_known_names_reads_as_usual_and_asks_for_the_servers_once(documented_simulator):
    module, calls, counts = run(documented_simulator, backup_server_names=["enterprise01.tech.local", "web*"],
                                strict_names=True)
    assert len(calls) == 1 and module.warnings == [] and module.result["changed"] is False
    assert counts["by_path"]["GET /api/query?type=BackupServer"] == 1


class _SpecSeen(Exception):
    pass


@pytest.mark.parametrize(("name", "takes_it"), [
    ("cdp_policy_info", True),
    ("failover_plan_info", True),
    ("replica_evidence_info", True),
    ("replica_point_info", True),
    ("replica_task_session_info", True),
    ("replication_job_info", True),
    ("backup_server_info", False),  # no backup_server_names, so nothing to warn of
])
def test_exactly_the_info_modules_with_backup_server_names_take_strict_names(monkeypatch, name, takes_it):
    seen = {}

    def recording_module(argument_spec, supports_check_mode):
        seen.update(argument_spec)
        raise _SpecSeen

    monkeypatch.setattr(_module, "AnsibleModule", recording_module)
    with pytest.raises(_SpecSeen):
        importlib.import_module(f"ansible_collections.veeam_em.core.plugins.modules.{name}").main()
    assert ("strict_names" in seen) is takes_it
    assert ("backup_server_names" in seen) is takes_it
    if takes_it:
        assert seen["strict_names"] == {"type": "bool", "default": False}
