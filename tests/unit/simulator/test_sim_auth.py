"""Logon, tokens, the cookie's precedence, idle expiry, logout, and the counts tests read."""
from __future__ import annotations

import base64
import time

import pytest

from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, EmTestClient, parse

UNAUTHORIZED = "Basic Realm=RestSvc"


def assert_401(response):
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == UNAUTHORIZED
    assert parse(response).get("StatusCode") == "401"


def test_protected_resources_need_a_token(client):
    assert_401(client.get("backupServers"))
    assert_401(client.get("backupServers", headers={"X-RestSvcSessionId": "bm90IGEgdG9rZW4="}))


@pytest.mark.parametrize("password", ["wrong", ""])
def test_wrong_credentials_get_401(client, password):
    assert_401(client.logon(password=password))
    assert client.simulator.snapshot()["sessions"]["failed_logons"] == 1


def test_missing_or_garbled_authorization_gets_401(client):
    assert_401(client.request("POST", "sessionMngr/", params={"v": "latest"}, token=False))
    garbled = {"Authorization": "Basic !!!not-base64"}
    assert_401(client.request("POST", "sessionMngr/", headers=garbled, token=False))


def test_unsupported_version_gets_400_and_each_supported_one_works(client):
    assert client.logon(version="v1_4").status_code == 400
    assert client.logon(version="v9_9").status_code == 400
    for version in ("v1_5", "v1_6", "v1_7", "latest"):
        assert client.logon(version=version).status_code == 201


def test_logon_without_version_parameter_means_latest(client):
    auth = ("CORP\\em-reader".encode(), "Sim-Passw0rd!".encode())
    assert client.request("POST", "sessionMngr", auth=auth, token=False).status_code == 201


def test_user_without_an_em_role_gets_403(fresh_simulator):
    fresh_simulator.add_user("CORP\\nobody", "pw", roles=())
    with EmTestClient(fresh_simulator) as em:
        response = em.logon("CORP\\nobody", "pw")
        assert response.status_code == 403 and parse(response).get("Message") == "Access denied"


@pytest.mark.parametrize(
    ("user", "password"),
    [("DOMAIN\\svc-backup", 'p"a;s&s:w\'ord'), ("jürgen@corp.example", "пароль-密码-🙂"), ("a b", " spaced ")],
)
def test_credentials_with_any_characters_sent_as_utf8(fresh_simulator, user, password):
    fresh_simulator.add_user(user, password)
    with EmTestClient(fresh_simulator) as em:
        response = em.logon(user, password)
        assert response.status_code == 201
        assert parse(response).findtext("em:UserName", namespaces=NS) == user


def test_the_cookie_wins_over_the_header(client):
    client.logon()
    good = client.token
    stale = {"Cookie": "X-RestSvcSessionId=c3RhbGUtdG9rZW4tMTIzNA==", "X-RestSvcSessionId": good}
    assert_401(client.request("GET", "backupServers", headers=stale, token=False))
    swapped = {"Cookie": f"X-RestSvcSessionId={good}", "X-RestSvcSessionId": "c3RhbGU="}
    assert client.request("GET", "backupServers", headers=swapped, token=False).status_code == 200


def test_idle_sessions_expire(fresh_simulator):
    fresh_simulator.configure(idle_timeout=1.5)
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        time.sleep(1.0)
        assert em.get("backupServers").status_code == 200
        time.sleep(1.0)
        # 2 s after the logon, but 1 s after the last use: use keeps the session alive.
        assert em.get("backupServers").status_code == 200
        time.sleep(2.5)
        assert_401(em.get("backupServers"))
    counts = fresh_simulator.snapshot()["sessions"]
    assert counts["expired"] == 1 and counts["open"] == 0


def test_idle_expiry_default_is_fifteen_minutes(fresh_simulator):
    assert fresh_simulator.config.idle_timeout == 900


def test_logout_ends_the_session_and_is_counted(client):
    client.logon()
    assert client.simulator.snapshot()["sessions"]["open"] == 1
    response = client.logout()
    assert response.status_code == 204 and response.content == b""
    assert_401(client.get("backupServers"))
    counts = client.simulator.snapshot()["sessions"]
    assert (counts["logons"], counts["logouts"], counts["open"]) == (1, 1, 0)


def test_logout_of_unknown_session_is_404(client):
    client.logon()
    assert client.request("DELETE", "logonSessions/00000000-0000-4000-8000-000000000000").status_code == 404


def test_logon_sessions_can_be_listed_and_read(client):
    client.logon()
    listing = parse(client.get("logonSessions"))
    assert listing.tag == "{http://www.veeam.com/ent/v1.0}LogonSessions"
    session_id = listing.findtext("em:LogonSession/em:SessionId", namespaces=NS)
    assert parse(client.get(f"logonSessions/{session_id}")).findtext("em:SessionId", namespaces=NS) == session_id


def test_token_is_not_derived_from_the_session_id(client):
    client.logon()
    session_id = parse(client.logon_response).findtext("em:SessionId", namespaces=NS)
    derived = base64.b64encode(session_id.encode()).decode()
    assert_401(client.get("backupServers", headers={"X-RestSvcSessionId": derived}, token=False))


def test_counts_can_be_read_and_reset_over_http(client):
    client.logon()
    client.get("backupServers")
    stats = client.http.get(client.simulator.url.replace("/api/", "/_simulator/stats"), verify=client.simulator.ca_path).json()
    assert stats["by_path"]["GET /api/backupServers"] == 1
    assert stats["by_path"]["POST /api/sessionMngr/"] == 1
    assert stats["sessions"]["open"] == 1
    reset = client.http.post(client.simulator.url.replace("/api/", "/_simulator/reset"), json={"drop_sessions": True},
                             verify=client.simulator.ca_path).json()
    assert reset["requests"] == 0 and reset["sessions"]["open"] == 0
