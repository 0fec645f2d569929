"""Transport: TLS for real, bounded retries with backoff and Retry-After, clear failures."""
from __future__ import annotations

import socket
import ssl

import pytest
from urllib3.util.ssl_ import create_urllib3_context

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    ApiError,
    CertificateError,
    ConnectionFailure,
    RequestTimeout,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import (
    Transport,
    TransportOptions,
    _certificate_error,
)
from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, load_fixture
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED, connection_options


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def test_untrusted_certificate_fails_with_advice(fresh_simulator):
    # The machine's own bundle (REQUESTS_CA_BUNDLE) does not hold the simulator's CA.
    with pytest.raises(CertificateError) as caught:
        with open_session(connection_options(fresh_simulator, ca_path=None)):
            pass
    message = str(caught.value)
    assert "certificate verification failed" in message and "ca_path" in message and "validate_certs" in message
    assert fresh_simulator.snapshot()["sessions"]["logons"] == 0


def test_ca_path_wins_over_the_environment_bundle(fresh_simulator, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/bundle.pem")
    monkeypatch.setenv("CURL_CA_BUNDLE", "/nonexistent/bundle.pem")
    with open_session(connection_options(fresh_simulator)) as em:
        assert em.get("backupServers") is not None


def test_validate_certs_false_skips_the_check(fresh_simulator):
    with open_session(connection_options(fresh_simulator, ca_path=None, validate_certs=False)) as em:
        assert em.get("backupServers") is not None


def test_503_is_retried_with_backoff_and_retry_after(fresh_simulator):
    fresh_simulator.configure(error_rate=1.0, retry_after=1)
    sleep = RecordingSleep()
    transport = Transport(TransportOptions(ca_path=fresh_simulator.ca_path, max_retries=3), sleep=sleep)
    response = transport.request("GET", fresh_simulator.url)
    assert response.status_code == 503
    assert len(sleep.delays) == 3 and all(delay >= 1 for delay in sleep.delays)
    assert fresh_simulator.snapshot()["by_path"]["GET /api/"] == 4


def test_backoff_grows_and_is_bounded_in_total_time(fresh_simulator):
    fresh_simulator.configure(error_rate=1.0)
    sleep = RecordingSleep()
    options = TransportOptions(ca_path=fresh_simulator.ca_path, max_retries=50, retry_budget=5.0, backoff_base=0.5)
    Transport(options, sleep=sleep, jitter=lambda: 1.0).request("GET", fresh_simulator.url)
    assert sleep.delays[:3] == [0.5, 1.0, 2.0]
    assert sum(sleep.delays) <= 5.0


def test_503_after_the_retries_is_reported_with_ems_message(fresh_simulator):
    fresh_simulator.configure(error_rate=1.0)
    options = connection_options(fresh_simulator)
    from ansible_collections.veeam_em.core.plugins.module_utils.em._session import Credentials, EmSession

    transport = Transport(TransportOptions(ca_path=fresh_simulator.ca_path, max_retries=2), sleep=RecordingSleep())
    with pytest.raises(ApiError) as caught:
        with EmSession(transport, options.root(), Credentials(options.username, options.password)):
            pass
    assert caught.value.status_code == 503 and "temporarily unavailable" in caught.value.em_message


@pytest.mark.parametrize("status_path", [("query", {"type": "Nope"}), ("noSuchThing", None)])
def test_client_errors_are_never_retried(fresh_simulator, status_path):
    path, params = status_path
    with open_session(connection_options(fresh_simulator)) as em:
        fresh_simulator.reset_stats()
        with pytest.raises(ApiError):
            em.get(path, params)
        assert fresh_simulator.snapshot()["requests"] == 1


def test_dropped_connections_are_retried(fresh_simulator):
    fresh_simulator.configure(drop_rate=0.5, fault_seed=3)
    sleep, notes = RecordingSleep(), []
    transport = Transport(TransportOptions(ca_path=fresh_simulator.ca_path, max_retries=10), sleep=sleep,
                          on_retry=notes.append)
    for _attempt in range(10):
        assert transport.request("GET", fresh_simulator.url).status_code == 200
    assert len(notes) == len(sleep.delays) > 0


def test_refused_connection_fails_at_once_naming_host_and_port():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sleep, notes = RecordingSleep(), []
    transport = Transport(TransportOptions(max_retries=5), sleep=sleep, on_retry=notes.append)
    with pytest.raises(ConnectionFailure) as caught:
        transport.request("GET", f"https://127.0.0.1:{port}/api/")
    assert str(caught.value).startswith(f"nothing listens at 127.0.0.1:{port} (connection refused, GET ")
    assert "9398" in str(caught.value) and "firewall" in str(caught.value)
    assert sleep.delays == [] and notes == []


def test_slow_answer_is_a_timeout_tried_once_more(fresh_simulator):
    fresh_simulator.configure(latency_ms=1500)
    sleep, notes = RecordingSleep(), []
    transport = Transport(TransportOptions(ca_path=fresh_simulator.ca_path, timeout=0.3), sleep=sleep, on_retry=notes.append)
    with pytest.raises(RequestTimeout, match=r"within 0.3 seconds \(2 attempt\(s\)\); raise timeout, or narrow the query"):
        transport.request("GET", fresh_simulator.url)
    assert len(sleep.delays) == 1 and notes[0].startswith(f"GET {fresh_simulator.url} failed (no answer within 0.3 s); retry 1 of 5")


def test_proxies_from_the_environment_are_used(fresh_simulator, monkeypatch):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_proxy = f"http://127.0.0.1:{closed.getsockname()[1]}"
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", dead_proxy)
    transport = Transport(TransportOptions(ca_path=fresh_simulator.ca_path, max_retries=0))
    with pytest.raises(ConnectionFailure, match="(?i)proxy|refused"):
        transport.request("GET", fresh_simulator.url)


def _strict_by_default() -> bool:
    """Whether requests (through urllib3) verifies with RFC 5280 strict checking here (Python 3.13+)."""
    return bool(create_urllib3_context().verify_flags & ssl.VERIFY_X509_STRICT)


def test_certificate_without_key_identifiers_is_explained_where_checking_is_strict():
    # An installer-made certificate: trusted through ca_path, but without key identifiers.
    with EmSimulator(load_fixture(DOCUMENTED), certificate_profile="legacy") as simulator:
        if not _strict_by_default():
            # Python before 3.13: the same certificate is accepted, so the user meets no error.
            with open_session(connection_options(simulator)) as em:
                assert em.get("backupServers") is not None
            return
        with pytest.raises(CertificateError) as caught:
            with open_session(connection_options(simulator)):
                pass
    message = str(caught.value)
    assert "Key Identifier extension" in message and "strict RFC 5280" in message
    # The fixes come first; turning checking off is named only as not being one.
    assert message.index("ca_path") < message.index("validate_certs: false")
    assert "is not a fix" in message


@pytest.mark.parametrize("reason, lacking", [
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Missing Authority Key Identifier (_ssl.c:1028)",
     "an Authority Key Identifier extension"),
    ("certificate verify failed: Basic Constraints of CA cert not marked critical",
     "a Basic Constraints extension marked critical"),
    ("certificate verify failed: CA cert does not include key usage extension",
     "a Key Usage extension on the CA certificate"),
])
def test_each_strict_check_failure_names_what_the_certificate_lacks(reason, lacking):
    message = str(_certificate_error("https://em.example.com:9398/api/", ssl.SSLError(reason)))
    assert f"lacks {lacking}" in message and reason in message
