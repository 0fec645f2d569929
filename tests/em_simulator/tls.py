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
from cryptography.x509.oid import NameOID

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


def _build(subject: str, issuer: str, public_key, signing_key, is_ca: bool, hostnames: tuple[str, ...]) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if is_ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        builder = builder.add_extension(usage, critical=True)
    else:
        builder = builder.add_extension(_alt_names(hostnames), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def make_certificates(directory: str, hostnames: tuple[str, ...] = DEFAULT_HOSTNAMES) -> CertificateFiles:
    """Write ca.pem, server.pem and server-key.pem into `directory` and name them."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _build("veeam_em.core simulator CA", "veeam_em.core simulator CA", ca_key.public_key(), ca_key, True, ())
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = _build(hostnames[0], "veeam_em.core simulator CA", server_key.public_key(), ca_key, False, hostnames)
    files = CertificateFiles(
        cert=os.path.join(directory, "server.pem"),
        key=os.path.join(directory, "server-key.pem"),
        ca=os.path.join(directory, "ca.pem"),
    )
    _write(files.ca, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write(files.cert, server_cert.public_bytes(serialization.Encoding.PEM))
    key_bytes = server_key.private_bytes(
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
