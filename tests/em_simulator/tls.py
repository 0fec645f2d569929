"""A throwaway CA and server certificate, so certificate checking is tested for real."""
from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_HOSTNAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class CertificateFiles:
    cert: str
    key: str
    ca: str | None = None  # the CA that signed `cert`, when the simulator made it


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _alt_names(hostnames: tuple[str, ...]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for host in hostnames:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            entries.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(entries)


# What the made certificates carry.  "strict" meets RFC 5280 as Python 3.13's default
# context checks it (VERIFY_X509_STRICT); "legacy" lacks the key identifiers, as the
# self-signed certificates of many installers do, so tests can meet that failure.
PROFILES = ("strict", "legacy")


@dataclass(frozen=True)
class _Party:
    """A certificate's subject: its name and key pair."""

    name: str
    key: ec.EllipticCurvePrivateKey


def _build(subject: _Party, issuer: _Party, is_ca: bool, hostnames: tuple[str, ...], profile: str) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject.name))
        .issuer_name(_name(issuer.name))
        .public_key(subject.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if is_ca:
        # keyCertSign and cRLSign only.
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    else:
        # digitalSignature: an ECDSA server key signs the TLS handshake; serverAuth only.
        usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
        builder = builder.add_extension(_alt_names(hostnames), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    builder = builder.add_extension(usage, critical=True)
    if profile == "strict":
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(subject.key.public_key()),
                                        critical=False)
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    return builder.sign(issuer.key, hashes.SHA256())


def make_certificates(directory: str, hostnames: tuple[str, ...] = DEFAULT_HOSTNAMES,
                      profile: str = "strict") -> CertificateFiles:
    """Write ca.pem, server.pem and server-key.pem into `directory` and name them.

    `profile` is one of PROFILES; ValueError for any other.
    """
    if profile not in PROFILES:
        raise ValueError(f"certificate profile {profile!r}: expected one of {', '.join(PROFILES)}")
    ca = _Party("veeam_em.core simulator CA", ec.generate_private_key(ec.SECP256R1()))
    server = _Party(hostnames[0], ec.generate_private_key(ec.SECP256R1()))
    ca_cert = _build(ca, ca, True, (), profile)
    server_cert = _build(server, ca, False, hostnames, profile)
    files = CertificateFiles(
        cert=os.path.join(directory, "server.pem"),
        key=os.path.join(directory, "server-key.pem"),
        ca=os.path.join(directory, "ca.pem"),
    )
    _write(files.ca, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write(files.cert, server_cert.public_bytes(serialization.Encoding.PEM))
    key_bytes = server.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(files.key, key_bytes, mode=0o600)
    return files


def _write(path: str, data: bytes, mode: int = 0o644) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def server_context(files: CertificateFiles) -> ssl.SSLContext:
    """A server-side context; raises ssl.SSLError or OSError for unusable files."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert, files.key)
    return context
