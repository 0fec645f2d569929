# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""replica_evidence_info's body: the four info modules' reads in one logon, each part as its own
module gives it, the backup servers asked for once, and a part not included not read at all."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _gather, _module
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.test_logout_and_services import (
    FakeModule,
    _Exit,
    module_params,
)
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options

LOGON = "POST /api/sessionMngr/"
WINDOW = {"created_after": "2025-11-15T00:00:00Z", "created_before": "2025-11-24T16:00:00Z"}
EVERYTHING = {"include_restore_points": True, "include_replication_jobs": True, "include_backup_servers": True}


def run_module(simulator, **params):
    """The module's run on `params` (the connection added): its result, warnings and the simulator's counts."""
    simulator.reset_stats(drop_sessions=True)
    module = FakeModule({**module_params(simulator), **params})
    with pytest.raises(_Exit):
        _module.run_info_module(module, _gather.gather_replica_evidence)
    return module.result, module.warnings, simulator.snapshot()


def each_module_alone(simulator, names):
    """What the four modules read, each over a logon of its own, for the same window and names."""
    parts = {}
    for gather, params in ((_gather.gather_task_sessions, {**WINDOW, **names}),
                           (_gather.gather_replica_points, {**WINDOW, **names}),
                           (_gather.gather_replication_jobs, {"backup_server_names": names.get("backup_server_names"),
                                                              "names": names.get("job_names")}),
                           (_gather.gather_backup_servers, {})):
        with open_api(connection_options(simulator)) as api:
            parts.update(gather(api, params))
    return parts


def test_one_logon_gives_what_the_four_modules_give_each_with_its_own(generated_simulator):
    servers = [server["name"] for server in each_module_alone(generated_simulator, {})["backup_servers"]][:2]
    names = {"backup_server_names": servers}
    result, warnings, counts = run_module(generated_simulator, **WINDOW, **names, **EVERYTHING)
    alone = each_module_alone(generated_simulator, names)
    assert {key: result[key] for key in alone} == alone
    assert all(result[key] for key in alone), "the estate has records of every kind"
    assert counts["by_path"][LOGON] == 1 and counts["sessions"]["logouts"] == 1 and counts["sessions"]["open"] == 0
    # The backup servers are read once: for the result, the name check and the name join alike.
    assert counts["by_path"]["GET /api/query?type=BackupServer"] == 1
    assert warnings == [] and result["changed"] is False


def test_a_part_not_included_is_not_read_and_not_in_the_result(generated_simulator):
    result, _warnings, counts = run_module(generated_simulator, **WINDOW, include_restore_points=False,
                                           include_replication_jobs=False, include_backup_servers=False,
                                           include_cdp=False)
    # not_judged is about the run, not a part: empty, since nothing asked for was refused.
    assert set(result) == {"changed", "replica_task_sessions", "not_judged"} and result["not_judged"] == []
    assert not [path for path in counts["by_path"] if "VmReplicaPoint" in path or "type=Job" in path or "/includes" in path
                or "Cdp" in path or "FailoverPlan" in path]
    assert counts["by_path"][LOGON] == 1


def test_a_duration_gives_the_sessions_and_the_points_the_same_window(generated_simulator, monkeypatch):
    moments = []
    real = _gather.listing_options

    def noting(params, now):
        moments.append(now)
        return real(params, now)

    monkeypatch.setattr(_gather, "listing_options", noting)
    run_module(generated_simulator, created_after="7d", include_restore_points=True, include_replication_jobs=False)
    # The task sessions, the restore points and the CDP task sessions (include_cdp is on by default).
    assert len(moments) == 3 and len(set(moments)) == 1


def test_an_unknown_backup_server_name_is_warned_once(generated_simulator):
    result, warnings, counts = run_module(generated_simulator, **WINDOW, backup_server_names=["vbr99.example"], **EVERYTHING)
    assert len(warnings) == 1 and "knows no backup server named 'vbr99.example'" in warnings[0]
    assert result["replica_task_sessions"] == [] and result["replica_points"] == [] and result["replication_jobs"] == []
    assert counts["by_path"]["GET /api/query?type=BackupServer"] == 1


PORTAL_USER = {"username": "CORP\\evidence-reader", "password": "Evidence-Pw-9"}
COVERAGE_REFUSED = ("reading replication jobs needs the Portal Administrator role in Enterprise Manager; this account "
                    "was refused, so VMs in jobs that never ran, disabled jobs and overdue jobs are not judged")


def test_a_portal_user_gets_everything_but_the_jobs_and_one_warning_why(generated_simulator):
    generated_simulator.add_user(PORTAL_USER["username"], PORTAL_USER["password"], roles=("PortalUser",))
    admin, admin_warnings, _counts = run_module(generated_simulator, **WINDOW, **EVERYTHING)
    result, warnings, counts = run_module(generated_simulator, **WINDOW, **EVERYTHING, **PORTAL_USER)
    assert admin_warnings == [] and admin["not_judged"] == []
    # A Portal User may read CDP sessions but not CDP policies (security_roles_concept); this estate has no
    # CDP session, so that refusal changes nothing and is not said (test_protection_info: the estate with CDP).
    assert result["not_judged"] == [{"checks": "coverage", "reason": "no right to read replication jobs"}]
    assert warnings == [COVERAGE_REFUSED]
    assert set(admin) - set(result) == {"replication_jobs", "cdp_policies"}
    assert result["cdp_task_sessions"] == admin["cdp_task_sessions"]
    assert all(result[part] == admin[part] for part in ("replica_task_sessions", "replica_points", "backup_servers"))
    assert counts["sessions"]["open"] == 0


def test_require_coverage_fails_the_module_in_the_words_of_the_warning(generated_simulator):
    generated_simulator.add_user(PORTAL_USER["username"], PORTAL_USER["password"], roles=("PortalUser",))
    result, warnings, _counts = run_module(generated_simulator, **WINDOW, **EVERYTHING, **PORTAL_USER,
                                           require_coverage=True)
    assert result["msg"].startswith(COVERAGE_REFUSED + "; require_coverage is true, so this fails")
    assert "replica_task_sessions" not in result and warnings == []
