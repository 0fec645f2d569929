"""The EM session against the simulator: logon lifecycle, re-logon, errors, secrets."""
from __future__ import annotations

import dataclasses

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import connection_options_from, open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    ProtocolError,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport
from ansible_collections.veeam_em.core.tests.em_simulator import DEFAULT_USERNAME
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options


def sessions(simulator) -> dict:
    return simulator.snapshot()["sessions"]


def test_logon_then_logout_leaves_no_session_open(fresh_simulator):
    with open_session(connection_options(fresh_simulator)) as em:
        assert sessions(fresh_simulator)["open"] == 1
        assert em.get("backupServers") is not None
    counts = sessions(fresh_simulator)
    assert (counts["logons"], counts["logouts"], counts["open"]) == (1, 1, 0)


def test_logout_happens_when_the_body_of_the_with_raises(fresh_simulator):
    with pytest.raises(ApiError) as caught:
        with open_session(connection_options(fresh_simulator)) as em:
            em.get("query", {"type": "ReplicaTaskSession", "filter": "Colour==red"})
    assert caught.value.status_code == 400 and "Colour" in caught.value.em_message
    assert sessions(fresh_simulator)["open"] == 0


def test_wrong_password_is_an_authentication_error_naming_user_and_url(fresh_simulator):
    with pytest.raises(AuthenticationError) as caught:
        with open_session(connection_options(fresh_simulator, password="Wr0ng-Marker-Pw")):
            pass
    message = str(caught.value)
    assert f"authentication failed for user {DEFAULT_USERNAME} at {fresh_simulator.url.rstrip('/')}" in message
    assert "Wr0ng-Marker-Pw" not in message
    assert sessions(fresh_simulator)["open"] == 0


def test_account_without_role_is_told_which_roles_exist(fresh_simulator):
    fresh_simulator.add_user("CORP\\norole", "pw", roles=())
    with pytest.raises(AuthenticationError, match="Portal Administrator"):
        with open_session(connection_options(fresh_simulator, username="CORP\\norole", password="pw")):
            pass


@pytest.mark.parametrize(
    ("user", "password"),
    [('DOMAIN\\svc"q', "a;b&c:d'e\"f"), ("jürgen", "pässwörd-密码"), ("user with space", "  ")],
)
def test_credentials_with_any_characters(fresh_simulator, user, password):
    fresh_simulator.add_user(user, password)
    with open_session(connection_options(fresh_simulator, username=user, password=password)) as em:
        assert em.get("backupServers") is not None


def test_expired_token_logs_on_once_more_and_repeats_the_request(fresh_simulator):
    fresh_simulator.configure(token_expiry_after=2)
    with open_session(connection_options(fresh_simulator)) as em:
        for _attempt in range(5):
            em.get("backupServers")
    counts = sessions(fresh_simulator)
    assert counts["logons"] == 3 and counts["open"] == 0


def test_sessions_that_end_at_once_are_logged_on_again_three_times_then_an_authentication_error(fresh_simulator):
    with open_session(connection_options(fresh_simulator)) as em:
        logons_before = sessions(fresh_simulator)["logons"]
        fresh_simulator.configure(token_expiry_after=None, idle_timeout=1e-6)
        with pytest.raises(AuthenticationError, match="ended 3 fresh sessions of user .* in a row"):
            em.get("backupServers")
        logons = sessions(fresh_simulator)["logons"] - logons_before
    fresh_simulator.configure(idle_timeout=900)
    assert logons == 3
    assert sessions(fresh_simulator)["open"] == 0


def test_no_cookie_is_ever_sent(fresh_simulator):
    sent = []
    with open_session(connection_options(fresh_simulator)) as em:
        em.transport.http.hooks["response"].append(lambda response, **_hook_args: sent.append(response.request.headers))
        fresh_simulator.configure(token_expiry_after=1)
        for _attempt in range(3):
            em.get("backupServers")
        assert len(em.transport.http.cookies) == 0
    assert sent and all("Cookie" not in headers for headers in sent)


def test_pinned_version_is_checked_against_the_entry_point(fresh_simulator):
    with open_session(connection_options(fresh_simulator, api_version="v1_6")) as em:
        em.get("backupServers")
    assert fresh_simulator.snapshot()["by_path"]["GET /api/"] == 1
    with pytest.raises(ConfigurationError, match="v1_2 is not offered.*v1_5, v1_6, v1_7"):
        with open_session(connection_options(fresh_simulator, api_version="v1_2")):
            pass


def test_truncated_body_is_a_protocol_error_naming_url_and_status(fresh_simulator):
    options = connection_options(fresh_simulator)
    quick = Transport(dataclasses.replace(options.transport_options(), backoff_base=0.01, backoff_max=0.02))
    with open_session(options, quick) as em:
        fresh_simulator.configure(truncate_rate=1.0)
        with pytest.raises(ProtocolError) as caught:
            em.get("backupServers", {"format": "Entity"})
        fresh_simulator.configure(truncate_rate=0.0)
    assert "backupServers" in str(caught.value) and "200" in str(caught.value)
    assert sessions(fresh_simulator)["open"] == 0


def test_secrets_stay_out_of_reprs_and_messages(fresh_simulator):
    fresh_simulator.add_user("CORP\\marker", "Marker-Secret-77")
    options = connection_options(fresh_simulator, username="CORP\\marker", password="Marker-Secret-77")
    assert "Marker-Secret-77" not in repr(options)
    with open_session(options) as em:
        token = em._token
        assert "Marker-Secret-77" not in repr(em) and token not in repr(em)


def test_missing_connection_options_name_the_env_vars():
    with pytest.raises(ConfigurationError, match="password.*VEEAM_EM_PASSWORD"):
        connection_options_from({"url": "https://em", "username": "u"})
    with pytest.raises(ConfigurationError, match="ca_path /nonexistent/ca.pem cannot be read"):
        connection_options_from({"url": "https://em", "username": "u", "password": "p", "ca_path": "/nonexistent/ca.pem"})
