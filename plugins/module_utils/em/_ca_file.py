# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ca_path checked before any request: a readable PEM file of CA certificates.

Without this check a DER file, a directory, a text file or an empty file reaches OpenSSL
at the first request and comes back as a bare "[X509: NO_CERTIFICATE_OR_CRL_FOUND]" or
"certificate verify failed", which sends users looking at Enterprise Manager instead of
at the file.
"""
from __future__ import annotations

import os
import ssl

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

PEM_MARKER = b"-----BEGIN CERTIFICATE-----"
_HEAD_BYTES = 64 * 1024
_ASN1_SEQUENCE = 0x30  # a DER certificate starts with a SEQUENCE
DER = "is binary, likely a DER certificate"


def check_ca_file(path: str) -> None:
    """Raise ConfigurationError when `path` is not a readable PEM file OpenSSL can load."""
    if os.path.isdir(path):
        raise _not_pem(path, "is a directory")
    if not os.access(path, os.R_OK):
        raise ConfigurationError(f"ca_path {path} cannot be read: give a PEM file of the CA that signed EM's certificate")
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    problem = _problem(head)
    if problem is None:
        problem = _unloadable(path)
    if problem is not None:
        raise _not_pem(path, problem, path if problem == DER else "ca.cer")


def _problem(head: bytes) -> str | None:
    if not head.strip():
        return "is empty"
    if head[0] == _ASN1_SEQUENCE and PEM_MARKER not in head:
        return DER
    if PEM_MARKER not in head:
        return f"holds no {PEM_MARKER.decode()} line"
    return None


def _unloadable(path: str) -> str | None:
    """What OpenSSL says of a file that looks like PEM but does not load as CA certificates."""
    try:
        ssl.create_default_context(cafile=path)
    except (ssl.SSLError, OSError, ValueError) as error:
        return f"does not load as CA certificates ({error.__class__.__name__}: {error})"
    return None


def _not_pem(path: str, problem: str, der_file: str = "ca.cer") -> ConfigurationError:
    return ConfigurationError(
        f"ca_path {path} {problem}: it must be a PEM file of the CA certificate(s) that signed Enterprise Manager's "
        f"certificate, text holding {PEM_MARKER.decode()} ... -----END CERTIFICATE----- blocks. "
        f"Convert a DER (.cer, .crt) file with: openssl x509 -inform der -in {der_file} -out ca.pem"
    )
