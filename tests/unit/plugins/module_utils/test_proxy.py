"""The proxy option and the environment's proxies, through a real CONNECT proxy.

The proxy is the path to EM, never another origin: it is asked to CONNECT to EM's own
host and port, and what it relays is TLS, so no credential crosses it in clear.
"""
from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, connection_options_from, open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError, ConnectionFailure
from ansible_collections.veeam_em.core.tests.em_simulator import DEFAULT_PASSWORD, DEFAULT_USERNAME
from ansible_collections.veeam_em.core.tests.unit.connect_proxy import ConnectProxy
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                   "NO_PROXY", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def em_origin(simulator) -> str:
    parts = urlsplit(simulator.url)
    return f"{parts.hostname}:{parts.port}"


def read_servers(options: ConnectionOptions) -> None:
    with open_session(options) as em:
        assert em.get("backupServers") is not None


def assert_no_credential_seen(proxy: ConnectProxy) -> None:
    basic = base64.b64encode(f"{DEFAULT_USERNAME}:{DEFAULT_PASSWORD}".encode()).decode()
    for secret in (DEFAULT_PASSWORD.encode(), basic.encode(), b"X-RestSvcSessionId", b"backupServers"):
        assert secret not in proxy.seen.tunnelled
    assert all("authorization" not in headers for headers in proxy.seen.headers)


def test_explicit_proxy_tunnels_to_em_only(fresh_simulator):
    with ConnectProxy() as proxy:
        read_servers(connection_options(fresh_simulator, proxy=proxy.url()))
    # Logon, the read and the logout, all to EM's own host and port, none as a plain request.
    assert proxy.seen.connects and set(proxy.seen.connects) == {em_origin(fresh_simulator)}
    assert proxy.seen.plain_requests == []
    assert len(proxy.seen.tunnelled) > 0
    assert_no_credential_seen(proxy)
    assert fresh_simulator.snapshot()["sessions"]["open"] == 0


def test_proxy_account_is_sent_to_the_proxy_and_never_shown(fresh_simulator):
    with ConnectProxy(require=("proxy-user", "Proxy-Pw-77")) as proxy:
        read_servers(connection_options(fresh_simulator, proxy=proxy.url("proxy-user:Proxy-Pw-77")))
        options = connection_options(fresh_simulator, proxy=proxy.url("proxy-user:Wrong-Pw-78"), retries=0)
        with pytest.raises(ConnectionFailure) as caught:
            read_servers(options)
    assert "Wrong-Pw-78" not in str(caught.value) and "Wrong-Pw-78" not in repr(options)
    assert "407" in str(caught.value)
    assert set(proxy.seen.connects) == {em_origin(fresh_simulator)}


def test_environment_proxy_applies_by_default(fresh_simulator, monkeypatch):
    with ConnectProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url())
        read_servers(connection_options(fresh_simulator))
    assert set(proxy.seen.connects) == {em_origin(fresh_simulator)}
    assert_no_credential_seen(proxy)


def test_no_proxy_is_honoured(fresh_simulator, monkeypatch):
    with ConnectProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url())
        monkeypatch.setenv("NO_PROXY", urlsplit(fresh_simulator.url).hostname)
        read_servers(connection_options(fresh_simulator))
    assert proxy.seen.connects == []


def test_explicit_proxy_wins_over_no_proxy(fresh_simulator, monkeypatch):
    monkeypatch.setenv("NO_PROXY", urlsplit(fresh_simulator.url).hostname)
    with ConnectProxy() as proxy:
        read_servers(connection_options(fresh_simulator, proxy=proxy.url()))
    assert set(proxy.seen.connects) == {em_origin(fresh_simulator)}


def test_refused_tunnel_fails_with_the_reason(fresh_simulator):
    with ConnectProxy(refuse=True) as proxy:
        with pytest.raises(ConnectionFailure) as caught:
            read_servers(connection_options(fresh_simulator, proxy=proxy.url(), retries=1, retry_backoff=0.01))
    assert "403" in str(caught.value) and "proxies" in str(caught.value)
    assert len(proxy.seen.connects) == 2  # the first attempt and one retry
    assert fresh_simulator.snapshot()["sessions"]["logons"] == 0


@pytest.mark.parametrize("proxy, wanted", [
    ("socks5://127.0.0.1:1080", "must be an http:// or https:// proxy url"),
    ("http://user:Secret-Pw-1@", "must be an http:// or https:// proxy url"),
    ("http://proxy.example.com:99999", "invalid port"),
])
def test_unusable_proxy_is_refused_before_any_request(proxy, wanted):
    with pytest.raises(ConfigurationError) as caught:
        connection_options_from({"url": "https://em.example.com", "username": "u", "password": "p",
                                        "proxy": proxy})
    assert wanted in str(caught.value) and "Secret-Pw-1" not in str(caught.value)


def test_explicit_proxy_with_plain_http_url_is_refused():
    with pytest.raises(ConfigurationError, match="proxy would read the credentials"):
        connection_options_from({"url": "http://em.example.com", "username": "u", "password": "p",
                                        "proxy": "http://proxy.example.com:3128"})


@pytest.mark.parametrize("name, value, wanted", [
    ("retries", -1, "retries must be between 0 and 10"), ("retries", 11, "retries must be between 0 and 10"),
    ("retry_backoff", 0, "retry_backoff must be more than 0"), ("retry_backoff", 31, "at most 30 seconds"),
])
def test_retry_options_are_bounded(name, value, wanted):
    with pytest.raises(ConfigurationError, match=wanted):
        connection_options_from({"url": "https://em.example.com", "username": "u", "password": "p",
                                        name: value})


def test_retries_and_backoff_reach_the_transport(fresh_simulator):
    fresh_simulator.configure(error_rate=1.0)
    options = connection_options(fresh_simulator, retries=2, retry_backoff=0.01)
    with pytest.raises(Exception):
        read_servers(options)
    # A logon answered 503 three times: the first attempt and two retries, nothing more.
    assert fresh_simulator.snapshot()["requests"] == 3
