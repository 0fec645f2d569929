"""Issue 19's fast, specific failures, met over real sockets and TLS: what is retried (and
told to on_retry), what fails at once, and the message that names the fix."""
from __future__ import annotations

import dataclasses
import socket
import ssl
from typing import Any

import pytest
from cryptography import x509

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, connection_options_from, open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    CertificateError,
    ConfigurationError,
    NotEnterpriseManager,
    RequestTimeout,
    VeeamEmError,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._peer_certificate import subject_alt_names
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport, TransportOptions
from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, SimulatorConfig, load_fixture
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED, connection_options


def checked(simulator: EmSimulator, **overrides: Any) -> ConnectionOptions:
    """Options as every edge builds them: through connection_options_from, so checked before any request."""
    options = dataclasses.asdict(connection_options(simulator))
    options.update(overrides)
    return connection_options_from(options)


def failure(options: ConnectionOptions, notes: list[str] | None = None) -> VeeamEmError:
    with pytest.raises(VeeamEmError) as caught:
        with open_session(options, on_retry=None if notes is None else notes.append) as em:
            em.get("backupServers")
    return caught.value


# -- retried, and told -------------------------------------------------------------------------

def test_each_retry_of_a_503_is_told_and_the_run_succeeds(fresh_simulator):
    fresh_simulator.configure(error_rate=0.5, fault_seed=2)
    notes: list[str] = []
    with open_session(checked(fresh_simulator, retry_backoff=0.01), on_retry=notes.append) as em:
        assert em.get("backupServers") is not None
    assert notes and all(" failed (HTTP 503); retry " in note and " of 5 in " in note for note in notes)
    assert fresh_simulator.snapshot()["faults"]["error_503"] == len(notes)


def test_a_connection_dropped_after_it_was_made_is_still_retried(fresh_simulator):
    fresh_simulator.configure(drop_rate=0.5, fault_seed=3)
    notes: list[str] = []
    transport = Transport(TransportOptions(ca_path=fresh_simulator.ca_path, max_retries=10, backoff_base=0.01),
                          on_retry=notes.append)
    for _attempt in range(6):
        assert transport.request("GET", fresh_simulator.url).status_code == 200
    assert len(notes) == fresh_simulator.snapshot()["faults"]["drop"] > 0


def test_the_logout_retry_note_holds_no_session_id(fresh_simulator):
    notes: list[str] = []
    with open_session(checked(fresh_simulator, retry_backoff=0.01), on_retry=notes.append) as em:
        session_id = em._session_id
        fresh_simulator.configure(error_rate=1.0)
    assert notes and all(note.startswith("DELETE ") and "(session id)" in note for note in notes)
    assert not any(session_id in note for note in notes)


# -- at once, with the fix ---------------------------------------------------------------------

def test_plain_http_to_the_tls_port_says_use_https(fresh_simulator):
    port = fresh_simulator.port
    notes: list[str] = []
    error = failure(checked(fresh_simulator, url=f"http://127.0.0.1:{port}/api"), notes)
    assert isinstance(error, ConfigurationError) and notes == []
    assert str(error).startswith(f"127.0.0.1:{port} speaks HTTPS, but url uses http://: use https:// "
                                 f"(url: https://127.0.0.1:{port}/api)")


def test_a_tls_front_end_answering_400_to_plain_http_says_use_https(fresh_simulator):
    fresh_simulator.configure(plain_http_on_tls="nginx-400")
    port = fresh_simulator.port
    error = failure(checked(fresh_simulator, url=f"http://127.0.0.1:{port}/api"))
    assert isinstance(error, NotEnterpriseManager)
    assert f"use https:// (url: https://127.0.0.1:{port}/api)" in str(error)


def test_a_certificate_for_other_names_lists_them_and_not_ca_path():
    with EmSimulator(load_fixture(DOCUMENTED), cert_hostnames=("em.corp.example", "10.20.30.40")) as simulator:
        error = failure(checked(simulator))
    message = str(error)
    assert isinstance(error, CertificateError)
    assert "the certificate is not made out to 127.0.0.1" in message
    assert "it holds em.corp.example, 10.20.30.40. The url must use one of these names " \
           f"(e.g. url: https://em.corp.example:{simulator.port}/api)" in message
    assert "Set ca_path" not in message


def test_an_untrusted_ca_keeps_its_ca_path_advice(fresh_simulator):
    message = str(failure(checked(fresh_simulator, ca_path=None)))
    assert "Set ca_path to the CA that signed" in message and "holds" not in message


def test_a_logon_that_hangs_is_about_reaching_em_not_the_query():
    with EmSimulator(load_fixture(DOCUMENTED), SimulatorConfig(logon_delay_ms=2000)) as simulator:
        notes: list[str] = []
        error = failure(checked(simulator, timeout=0.4), notes)
        assert simulator.snapshot()["by_path"]["POST /api/sessionMngr/"] == 1  # sent once, never twice
    root = simulator.url.rstrip("/")
    assert isinstance(error, RequestTimeout) and notes == []
    assert str(error).startswith(f"Enterprise Manager at {root} did not answer the logon (POST {root}/sessionMngr/) "
                                 "within 0.4 seconds: its RESTful API service may be starting or overloaded")
    assert "narrow" not in str(error)


# -- refused before any request -----------------------------------------------------------------

@pytest.mark.parametrize("name, value, expected", [
    ("username", "CORP\x1bm-reader", "username holds the control character U+001B (ESC) at position 5: in YAML double "
     "quotes a backslash starts an escape (\\e becomes U+001B); write the value in single quotes or double each "
     "backslash: 'CORP\\em-reader' or \"CORP\\\\em-reader\""),
    ("username", "CORP\x07dmin", "username holds the control character U+0007 (BEL) at position 5"),
    ("password", "Sim\tPassw0rd", "password holds the control character U+0009 (TAB) at position 4: in YAML double "
     "quotes a backslash starts an escape (\\t becomes U+0009); write the value in single quotes or double each "
     "backslash"),
    ("url", "https://em\x1b.example.com/api", "url holds the control character U+001B (ESC) at position 11"),
])
def test_a_control_character_is_named_before_any_request(fresh_simulator, name, value, expected):
    fresh_simulator.reset_stats()
    with pytest.raises(ConfigurationError) as caught:
        checked(fresh_simulator, **{name: value})
    assert str(caught.value).startswith(expected)
    if name == "password":
        assert value not in str(caught.value) and "Passw0rd" not in str(caught.value)
    assert fresh_simulator.snapshot()["requests"] == 0


def _ca_files(simulator: EmSimulator, folder) -> dict[str, str]:
    with open(simulator.ca_path, encoding="ascii") as handle:
        der = ssl.PEM_cert_to_DER_cert(handle.read())
    contents = {"ca.cer": der, "notes.txt": b"our CA is on the wiki\n", "empty.pem": b"",
                "broken.pem": b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"}
    for name, content in contents.items():
        (folder / name).write_bytes(content)
    return {name: str(folder / name) for name in contents}


@pytest.mark.parametrize("name, problem", [
    ("ca.cer", "is binary, likely a DER certificate"),
    ("notes.txt", "holds no -----BEGIN CERTIFICATE----- line"),
    ("empty.pem", "is empty"),
    ("broken.pem", "does not load as CA certificates"),
    (".", "is a directory"),
])
def test_a_ca_path_that_is_not_pem_says_so(fresh_simulator, tmp_path, name, problem):
    paths = _ca_files(fresh_simulator, tmp_path)
    path = paths.get(name, str(tmp_path))
    with pytest.raises(ConfigurationError) as caught:
        checked(fresh_simulator, ca_path=path)
    message = str(caught.value)
    assert message.startswith(f"ca_path {path} {problem}")
    assert "-----BEGIN CERTIFICATE-----" in message and "openssl x509 -inform der -in " in message


def test_subject_alt_names_are_read_from_der():
    with EmSimulator(load_fixture(DOCUMENTED), cert_hostnames=("a.example", "b.example", "::1", "192.0.2.7")) as sim:
        context = ssl.create_default_context(cafile=sim.ca_path)
        context.check_hostname = False
        with socket.create_connection(("127.0.0.1", sim.port)) as raw, context.wrap_socket(raw) as tls:
            der = tls.getpeercert(binary_form=True)
    expected = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    shown = [str(name.value) for name in expected.value]
    assert subject_alt_names(der) == shown == ["a.example", "b.example", "::1", "192.0.2.7"]
