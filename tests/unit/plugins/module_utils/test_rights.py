"""Refusals named by the role they need: the rights table, and the client against a simulator
that plays each Enterprise Manager role (Veeam's security_roles_concept page)."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils import _rights as rights
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied
from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_replica_evidence
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, PointQuery, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils.em._refusal import right_for
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_judged import NotJudgedError
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options, estate_simulator, leak_checked

ROOT = "https://em.example:9398/api"
READER, READER_PASSWORD = "CORP\\portal-user", "Reader-Pw-1"
OPERATOR, OPERATOR_PASSWORD = "CORP\\restore-op", "Operator-Pw-1"
# The page's sentences, written out: who may do what.
JOBS_NEED = "reading replication jobs needs the Portal Administrator role in Enterprise Manager"
SESSIONS_NEED = "reading replica task sessions needs the Portal User or Portal Administrator role in Enterprise Manager"
SERVERS_NEED = "reading backup servers needs the Portal User or Portal Administrator role in Enterprise Manager"


@pytest.mark.parametrize(("method", "path", "params", "right"), [
    ("GET", "query", {"type": "ReplicaTaskSession"}, rights.TASK_SESSIONS),
    ("GET", "query", {"TYPE": "job"}, rights.REPLICATION_JOBS),  # EM takes names and values in any case
    ("GET", "query", {"type": "ObjectInJob"}, rights.REPLICATION_JOBS),
    ("GET", "query", {"type": "VmReplicaPoint"}, rights.RESTORE_POINTS),
    ("GET", "query", {"type": "FailoverPlan"}, rights.FAILOVER_PLANS),
    ("GET", "query", {"type": "CdpPolicy"}, rights.CDP_POLICIES),
    ("GET", "jobs/5e7a/includes", None, rights.REPLICATION_JOBS),
    ("GET", "replicaSessions/5e7a", {"format": "Entity"}, rights.JOB_SESSIONS),
    ("GET", "replicaSessions/5e7a/replicaTaskSessions", None, rights.TASK_SESSIONS),
    ("GET", "backupServers", None, rights.BACKUP_SERVERS),
    ("GET", "tasks/task-1", None, rights.TASKS),
    ("POST", "jobs/5e7a", {"action": "start"}, rights.JOB_ACTIONS),
    ("POST", "backupServers/5e7a", {"action": "collect"}, rights.COLLECTION),
    ("GET", "query", {"type": "SomethingNew"}, None),
    ("GET", "somethingNew", None, None),
])
def test_each_request_is_named_by_the_right_it_needs(method, path, params, right):
    assert right_for(method, f"{ROOT}/{path}", ROOT, params) is right


def test_the_roles_are_those_of_veeams_page():
    assert rights.REPLICATION_JOBS.roles == ("Portal Administrator",)
    assert set(rights.TASK_SESSIONS.roles) == {"Portal User", "Portal Administrator"}
    assert set(rights.RESTORE_POINTS.roles) == {"Portal User", "VM Restore Operator", "Portal Administrator"}
    assert set(rights.FAILOVER_PLANS.roles) == {"VM Restore Operator", "Portal Administrator"}
    assert rights.JOB_ACTIONS.roles == ("Portal Administrator",)
    assert rights.REPLICATION_JOBS.needs() == JOBS_NEED
    assert rights.REPLICATION_JOBS.reason == "no right to read replication jobs"


@pytest.fixture(scope="module")
def estate():
    with estate_simulator(seed=4, servers=2, jobs_per_server=2, vms_per_job=3, days=3, interval_hours=6) as simulator:
        simulator.add_user(READER, READER_PASSWORD, roles=("PortalUser",))
        simulator.add_user(OPERATOR, OPERATOR_PASSWORD, roles=("RestoreOperator",))
        yield simulator


@pytest.fixture
def role_simulator(estate):
    yield from leak_checked(estate)  # every test ends with no EM session left open


def as_user(simulator, user, password, call):
    with open_session(connection_options(simulator, username=user, password=password)) as em:
        return call(EmApi(em, page_size=50, max_concurrency=3))


def test_a_portal_user_reads_sessions_servers_and_points_as_an_administrator_does(role_simulator):
    for read in (lambda api: api.task_sessions(TaskSessionQuery()), lambda api: api.backup_servers(),
                 lambda api: api.replica_points(PointQuery())):
        assert as_user(role_simulator, READER, READER_PASSWORD, read) == as_user(
            role_simulator, "CORP\\em-reader", "Sim-Passw0rd!", read)


def test_a_portal_user_refused_the_jobs_is_told_the_role_and_what_to_do(role_simulator):
    with pytest.raises(AccessDenied) as refused:
        as_user(role_simulator, READER, READER_PASSWORD, lambda api: api.replication_jobs())
    text = str(refused.value)
    assert refused.value.status_code == 403 and refused.value.right is rights.REPLICATION_JOBS
    assert f"for user {READER} (HTTP 403" in text and JOBS_NEED in text
    assert "give the account that role (Enterprise Manager's web UI, Configuration > Roles)" in text


def test_a_restore_operator_reading_sessions_is_told_sessions_need_portal_user_or_administrator(role_simulator):
    with pytest.raises(AccessDenied, match=SESSIONS_NEED):
        as_user(role_simulator, OPERATOR, OPERATOR_PASSWORD, lambda api: api.task_sessions(TaskSessionQuery()))
    with pytest.raises(AccessDenied, match=SERVERS_NEED):
        as_user(role_simulator, OPERATOR, OPERATOR_PASSWORD, lambda api: api.backup_servers())


def test_a_refusal_answered_with_401_is_told_from_a_dead_token_after_one_fresh_logon(role_simulator):
    role_simulator.configure(denied_answer="unauthorized")
    with pytest.raises(AccessDenied) as refused:
        as_user(role_simulator, READER, READER_PASSWORD, lambda api: api.replication_jobs())
    assert refused.value.status_code == 401 and JOBS_NEED in str(refused.value)
    assert "fresh session token that it still accepts for other requests" in str(refused.value)
    counts = role_simulator.snapshot()["sessions"]
    # The first logon and one fresh one, both logged out: the first was refused, not ended.
    assert counts["logons"] == 2 and counts["logouts"] == 2 and counts["open"] == 0


@pytest.mark.parametrize("denied_answer", ["forbidden", "unauthorized"])
def test_a_token_that_dies_is_logged_on_again_not_taken_for_a_refusal(role_simulator, denied_answer):
    whole = as_user(role_simulator, READER, READER_PASSWORD, lambda api: api.task_sessions(TaskSessionQuery()))
    role_simulator.configure(token_expiry_after=2, denied_answer=denied_answer)
    assert as_user(role_simulator, READER, READER_PASSWORD,
                   lambda api: api.task_sessions(TaskSessionQuery())) == whole and len(whole) > 50


EVIDENCE = {"created_after": "3650d", "include_restore_points": True, "include_replication_jobs": True}


def test_evidence_for_a_portal_user_leaves_coverage_out_and_says_why(role_simulator):
    admin = as_user(role_simulator, "CORP\\em-reader", "Sim-Passw0rd!", lambda api: gather_replica_evidence(api, EVIDENCE))
    reader = as_user(role_simulator, READER, READER_PASSWORD, lambda api: gather_replica_evidence(api, EVIDENCE))
    assert admin["not_judged"] == [] and admin["replication_jobs"]
    # A Portal User may not read CDP policies either (security_roles_concept), but this estate has no CDP
    # session to judge: that refusal is not said (test_protection_info has the estate with CDP).
    assert reader["not_judged"] == [{"checks": "coverage", "reason": "no right to read replication jobs"}]
    assert "replication_jobs" not in reader and "cdp_policies" not in reader
    assert reader["replica_task_sessions"] == admin["replica_task_sessions"]
    assert reader["replica_points"] == admin["replica_points"]


def test_evidence_for_an_account_shown_no_job_says_coverage_is_not_judged(role_simulator):
    role_simulator.configure(denied_answer="empty")
    reader = as_user(role_simulator, READER, READER_PASSWORD, lambda api: gather_replica_evidence(api, EVIDENCE))
    assert reader["replication_jobs"] == []
    assert reader["not_judged"] == [{"checks": "coverage", "reason": "Enterprise Manager showed no replication job"}]


@pytest.mark.parametrize("denied_answer", ["forbidden", "unauthorized", "empty"])
def test_require_coverage_fails_in_the_words_of_the_warning(role_simulator, denied_answer):
    role_simulator.configure(denied_answer=denied_answer)
    with pytest.raises(NotJudgedError) as failed:
        as_user(role_simulator, READER, READER_PASSWORD,
                lambda api: gather_replica_evidence(api, {**EVIDENCE, "require_coverage": True}))
    text = str(failed.value)
    assert JOBS_NEED in text and "VMs in jobs that never ran, disabled jobs and overdue jobs are not judged" in text
    assert "require_coverage is true, so this fails" in text and "set require_coverage: false" in text
