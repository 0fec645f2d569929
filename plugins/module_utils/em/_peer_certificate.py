# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the server at the configured host and port says in its TLS handshake, read only to
explain a failure: whether it speaks TLS at all, which names its certificate holds, and
whether it answers the handshake in plain HTTP.

Nothing here trusts the certificate or sends a byte of HTTP: the handshake is made with
checking off, the connection is closed at once, and only the certificate's
subjectAltName entries are read (a small DER walk, since the standard library parses a
peer certificate only when it was verified). Only the url's own host and port are
contacted, and only when a request to them already failed.
"""
from __future__ import annotations

import ipaddress
import socket
import ssl

PROBE_TIMEOUT = 5.0
_SAN_OID = bytes.fromhex("0603551d11")  # DER of OID 2.5.29.17, subjectAltName
_DNS_NAME, _IP_ADDRESS = 0x82, 0x87  # GeneralName [2] dNSName, [7] iPAddress
# How an HTTP answer to a TLS hello starts: a status line (HTTP/1.1 400), or an HTML error page
# alone, as a server answers a request line it takes for HTTP/0.9 (Python's http.server does).
HTTP_ANSWER_STARTS = (b"HTTP/", b"<")
ANSWER_BYTES_READ = 5


def _unchecked_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _handshake(host: str, port: int, timeout: float) -> bytes | None:
    """The peer's certificate (DER) after an unchecked TLS handshake; None when there was none."""
    context = _unchecked_context()
    try:
        with socket.create_connection((host, port), timeout=min(timeout, PROBE_TIMEOUT)) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                return tls.getpeercert(binary_form=True) or b""
    except (OSError, ValueError):  # ssl.SSLError is an OSError
        return None


def speaks_tls(host: str, port: int, timeout: float) -> bool:
    """Whether host:port completes a TLS handshake (an https:// service)."""
    return _handshake(host, port, timeout) is not None


def answers_plain_http(host: str, port: int, timeout: float) -> bool:
    """Whether host:port answers a TLS client hello in plain HTTP (an http:// service).

    A plain-HTTP server reads the hello as a bad request and says so (HTTP/1.1 400); OpenSSL
    reports those bytes only as a record it cannot read, in words that differ between its
    versions (wrong version number, record layer failure). The hello is what the failed
    request sent already, and the answer's first five bytes are all that is read (a TLS
    server's answer starts with a record type byte, never with one of HTTP_ANSWER_STARTS).
    """
    context = _unchecked_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = context.wrap_bio(incoming, outgoing, server_hostname=host)
    try:
        client.do_handshake()
    except ssl.SSLWantReadError:
        pass  # expected: the hello is written and the server's answer is awaited
    hello = outgoing.read()
    answer = b""
    try:
        with socket.create_connection((host, port), timeout=min(timeout, PROBE_TIMEOUT)) as raw:
            raw.sendall(hello)
            while len(answer) < ANSWER_BYTES_READ:
                chunk = raw.recv(ANSWER_BYTES_READ - len(answer))
                if not chunk:
                    break
                answer += chunk
    except OSError:
        return False
    return answer.startswith(HTTP_ANSWER_STARTS)


def certificate_names(host: str, port: int, timeout: float) -> list[str] | None:
    """The DNS names and IP addresses of the subjectAltName of host:port's certificate,
    or None when the certificate could not be read."""
    der = _handshake(host, port, timeout)
    if der is None:
        return None
    try:
        return subject_alt_names(der)
    except (IndexError, ValueError):
        return None


def subject_alt_names(der: bytes) -> list[str]:
    """The dNSName and iPAddress entries of a DER certificate's subjectAltName ([] without one)."""
    start = der.find(_SAN_OID)
    if start < 0:
        return []
    position = start + len(_SAN_OID)
    if der[position] == 0x01:  # the optional "critical" BOOLEAN
        position = _value_end(der, position)
    octets_start, _octets_end = _value_span(der, position)  # OCTET STRING around GeneralNames
    names_start, names_end = _value_span(der, octets_start)  # SEQUENCE OF GeneralName
    names = []
    while names_start < names_end:
        tag = der[names_start]
        value_start, value_end = _value_span(der, names_start)
        value = der[value_start:value_end]
        if tag == _DNS_NAME:
            names.append(value.decode("ascii", errors="replace"))
        elif tag == _IP_ADDRESS:
            names.append(str(ipaddress.ip_address(value)))
        names_start = value_end
    return names


def _value_span(der: bytes, position: int) -> tuple[int, int]:
    """Where the value of the DER element at `position` starts and ends."""
    length = der[position + 1]
    start = position + 2
    if length & 0x80:
        size = length & 0x7F
        length = int.from_bytes(der[start:start + size], "big")
        start += size
    if start + length > len(der):
        raise ValueError("DER element runs past the certificate's end")
    return start, start + length


def _value_end(der: bytes, position: int) -> int:
    return _value_span(der, position)[1]
