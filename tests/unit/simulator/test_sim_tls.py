"""Certificate checking is real: the simulator's CA is needed, and the name must match."""
from __future__ import annotations

import os
import socket
import ssl
from urllib.parse import urlsplit

import pytest
import requests
from cryptography import x509

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, load_fixture
from ansible_collections.veeam_em.core.tests.em_simulator.tls import make_certificates
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED


def test_untrusted_certificate_is_refused_and_trusted_one_accepted(documented_simulator):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(documented_simulator.url, verify=True, timeout=5)
    assert requests.get(documented_simulator.url, verify=documented_simulator.ca_path, timeout=5).status_code == 200


def test_hostname_outside_the_certificate_is_refused(tmp_path):
    with EmSimulator(load_fixture(DOCUMENTED), cert_hostnames=("em.invalid",)) as simulator:
        with pytest.raises(requests.exceptions.SSLError, match="(?i)hostname|match"):
            requests.get(simulator.url, verify=simulator.ca_path, timeout=5)


def test_plain_http_when_tls_is_off():
    with EmSimulator(load_fixture(DOCUMENTED), tls=False) as simulator:
        assert simulator.url.startswith("http://") and simulator.ca_path is None
        assert requests.get(simulator.url, timeout=5).status_code == 200


def test_throwaway_files_are_removed_on_stop():
    simulator = EmSimulator(load_fixture(DOCUMENTED)).start()
    ca_path = simulator.ca_path
    assert os.path.exists(ca_path)
    simulator.stop()
    assert not os.path.exists(ca_path)


def _strict_handshake(simulator: EmSimulator) -> None:
    """A TLS handshake with RFC 5280 strict checking on, whatever this Python's default is."""
    context = ssl.create_default_context(cafile=simulator.ca_path)
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    host, port = urlsplit(simulator.url).hostname, urlsplit(simulator.url).port
    with socket.create_connection((host, port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="localhost"):
            pass


def test_made_certificates_pass_strict_verification():
    # Python 3.13 verifies strictly by default; the simulator must pass on every Python.
    with EmSimulator(load_fixture(DOCUMENTED)) as simulator:
        _strict_handshake(simulator)


def test_made_certificates_carry_what_strict_checking_needs():
    with EmSimulator(load_fixture(DOCUMENTED)) as simulator:
        with open(simulator.ca_path, "rb") as handle:
            ca = x509.load_pem_x509_certificate(handle.read())
        server = x509.load_der_x509_certificate(
            ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(("127.0.0.1", simulator.port))))
    ca_key_id = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert server.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier == ca_key_id
    assert server.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    for certificate, is_ca in ((ca, True), (server, False)):
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        assert constraints.critical and constraints.value.ca is is_ca
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
        assert usage.critical and usage.value.key_cert_sign is is_ca
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)


def test_legacy_profile_fails_strict_verification_as_installer_certificates_do():
    with EmSimulator(load_fixture(DOCUMENTED), certificate_profile="legacy") as simulator:
        with pytest.raises(ssl.SSLCertVerificationError, match="Missing (Authority|Subject) Key Identifier"):
            _strict_handshake(simulator)


def test_unknown_certificate_profile_is_refused(tmp_path):
    with pytest.raises(ValueError, match="certificate profile 'weak'"):
        make_certificates(str(tmp_path), profile="weak")
