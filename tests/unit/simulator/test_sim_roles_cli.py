"""The simulator's command line for EM roles: --account-role, --extra-account with
--extra-password-env, --denied-answer and --denied-answer-for."""
from __future__ import annotations

import requests

import pytest

from ansible_collections.veeam_em.core.tests.unit.simulator.test_sim_cli import assert_one_line_error, run_cli, start_cli

DEFAULT_USERNAME = "CORP\\em-reader"
DEFAULT_PASSWORD = "Sim-Passw0rd!"


def status_of(ready: dict, user: str, password: str, path: str, **params: str) -> int:
    """Log on over the simulator's TLS (or plain HTTP), then GET path: its HTTP status."""
    verify = ready["ca_path"] or True
    with requests.Session() as http:
        logon = http.post(ready["url"] + "sessionMngr/", auth=(user.encode(), password.encode()), verify=verify, timeout=10)
        assert logon.status_code == 201, logon.text
        headers = {"X-RestSvcSessionId": logon.headers["X-RestSvcSessionId"]}
        http.cookies.clear()
        return http.get(ready["url"] + path, params=params, headers=headers, verify=verify, timeout=10).status_code


def stop(process) -> None:
    process.terminate()
    process.communicate(timeout=30)


def test_the_account_plays_the_roles_named_in_any_spelling(tmp_path):
    process, ready = start_cli(tmp_path, "--account-role", "Portal-User", "--account-role", "portal_user,RESTORE-OPERATOR")
    try:
        assert ready["accounts"] == {DEFAULT_USERNAME: ["PortalUser", "RestoreOperator"]}
        assert status_of(ready, DEFAULT_USERNAME, DEFAULT_PASSWORD, "replicaTaskSessions") == 200
        assert status_of(ready, DEFAULT_USERNAME, DEFAULT_PASSWORD, "jobs") == 403
    finally:
        stop(process)


def test_without_a_role_option_the_account_is_a_portal_administrator(tmp_path):
    process, ready = start_cli(tmp_path, "--no-tls", "--username", "EM\\ops", "--password", "pw")
    try:
        assert ready["accounts"] == {"EM\\ops": ["PortalAdministrator"]}
    finally:
        stop(process)


def test_an_extra_account_with_its_own_roles_and_password_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("EM_SIM_TEST_EXTRA_PW", "extra:Pw-9")
    process, ready = start_cli(tmp_path, "--no-tls", "--denied-answer", "empty", "--denied-answer-for", "Job=unauthorized",
                               "--extra-account", "CORP\\monitor:portal-user", "--extra-password-env", "EM_SIM_TEST_EXTRA_PW")
    try:
        assert ready["accounts"] == {DEFAULT_USERNAME: ["PortalAdministrator"], "CORP\\monitor": ["PortalUser"]}
        monitor = ("CORP\\monitor", "extra:Pw-9")
        assert status_of(ready, *monitor, "jobs/00000000-0000-0000-0000-000000000000") == 404  # empty: by id 404
        assert status_of(ready, *monitor, "query", type="Job") == 401
        assert status_of(ready, DEFAULT_USERNAME, DEFAULT_PASSWORD, "query", type="Job") == 200
        named = requests.post(ready["url"] + "sessionMngr/", auth=(b"CORP\\monitor", b"EM_SIM_TEST_EXTRA_PW"), timeout=5)
        assert named.status_code == 401
    finally:
        stop(process)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--account-role", "auditor"], ["--account-role", "'auditor'", "portal-administrator, portal-user, restore-operator"]),
        (["--account-role", "portal-user,"], ["--account-role", "''"]),
        (["--extra-account", "CORP\\x:portal-user"], ["--extra-password-env"]),
        (["--extra-account", "CORP\\x", "--extra-password-env", "PATH"], ["NAME:ROLE"]),
        (["--extra-account", "CORP\\x:admin", "--extra-password-env", "PATH"], ["'admin'", "portal-user"]),
        (["--extra-password-env", "PATH"], ["goes with --extra-account"]),
        (["--extra-account", "CORP\\x:portal-user", "--extra-password-env", "EM_SIM_TEST_UNSET_VARIABLE"],
         ["EM_SIM_TEST_UNSET_VARIABLE is not set"]),
        (["--extra-account", f"{DEFAULT_USERNAME}:portal-user", "--extra-password-env", "PATH"], ["named twice"]),
        (["--denied-answer", "silent"], ["--denied-answer", "silent"]),
        (["--denied-answer-for", "Job"], ["RESOURCE=MODE"]),
        (["--denied-answer-for", "Jobz=empty"], ["Jobz"]),
        (["--denied-answer-for", "Job=silent"], ["denied_answer must be one of forbidden, unauthorized, empty"]),
    ],
)
def test_bad_role_options_get_one_line_and_exit_2(args, fragments):
    assert_one_line_error(run_cli(*args), *fragments)


def test_help_lists_the_role_options():
    result = run_cli("--help")
    for option in ("--account-role", "--extra-account", "--extra-password-env", "--denied-answer", "--denied-answer-for"):
        assert option in result.stdout
