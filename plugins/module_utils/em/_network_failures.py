# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a failed connection to Enterprise Manager means, in words that name the fix.

The transport decides what to retry; this module reads requests' and urllib3's exception
chains (the OS error is several wrappers deep) and words the final errors: nothing
listening, a name that does not resolve, a certificate for other names, https:// to a plain-HTTP
port, a timeout.
"""
from __future__ import annotations

import socket
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    ActionOutcomeUnknown,
    CertificateError,
    ConnectionFailure,
    RequestTimeout,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._proxy import without_secret

# OpenSSL's RFC 5280 checks (X509_V_FLAG_X509_STRICT), on by default from Python 3.13
# through urllib3: the reason text as OpenSSL words it, and what the certificate lacks.
STRICT_CHECK_FAILURES = {
    "missing authority key identifier": "an Authority Key Identifier extension",
    "missing subject key identifier": "a Subject Key Identifier extension",
    "basic constraints of ca cert not marked critical": "a Basic Constraints extension marked critical",
    "ca cert does not include key usage extension": "a Key Usage extension on the CA certificate",
    "subject name empty and san not critical": "a subject name, or a Subject Alternative Name marked critical",
    "empty subject alternative name extension": "a non-empty Subject Alternative Name",
}
# OpenSSL ("Hostname mismatch", "IP address mismatch") and urllib3's own matcher ("doesn't match").
NAME_MISMATCH = ("mismatch", "doesn't match")


def causes(error: BaseException) -> list[BaseException]:
    """The error and every exception behind it (causes, contexts and urllib3's `reason`)."""
    found: list[BaseException] = []
    pending: list[object] = [error]
    while pending:
        cause = pending.pop()
        if not isinstance(cause, BaseException) or any(cause is seen for seen in found):
            continue
        found.append(cause)
        pending += [cause.__cause__, cause.__context__, getattr(cause, "reason", None), *cause.args]
    return found


def reason(error: BaseException) -> str:
    """The innermost cause's text, which says more than requests' wrappers."""
    cause: BaseException = error
    while cause.__context__ is not None and cause.__context__ is not cause:
        cause = cause.__context__
    text = str(cause) or type(cause).__name__
    return text if len(text) < 300 else text[:297] + "..."


def refused(error: BaseException) -> bool:
    return any(isinstance(cause, ConnectionRefusedError) for cause in causes(error))


def never_connected(error: BaseException) -> bool:
    """Whether the connection was never made (so no request reached EM): urllib3's
    NewConnectionError, which a refusal, a bad address or a connect timeout raise."""
    return any(type(cause).__name__ in ("NewConnectionError", "ConnectTimeoutError") for cause in causes(error))


def unknown_host(error: BaseException) -> bool:
    """Whether the host name does not exist (not a DNS server that failed for a moment)."""
    return any(isinstance(cause, socket.gaierror) and cause.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None))
               for cause in causes(error))


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


def refused_error(method: str, url: str, through_proxy: bool) -> ConnectionFailure:
    if through_proxy:
        return ConnectionFailure(f"the proxy refused the connection for {method} {url} (nothing listens at the proxy's "
                                 "address): check the proxy option, or HTTPS_PROXY and ALL_PROXY. Not retried")
    return ConnectionFailure(
        f"nothing listens at {_where(url)} (connection refused, {method} {url}): check the host and port in url "
        "(Enterprise Manager's REST API listens on HTTPS port 9398 unless it was installed with another), that "
        "Enterprise Manager's RESTful API service runs on that host, and that no firewall rejects the connection. "
        "Not retried: a refused connection does not recover by waiting"
    )


def plain_http_error(method: str, url: str) -> ConnectionFailure:
    """The error for https:// to a port that answered in plain HTTP (OpenSSL says only
    WRONG_VERSION_NUMBER or the like): which of the two fixes depends on what was meant."""
    parts = urlsplit(url)
    plain = urlunsplit(("http", parts.netloc, "/api", "", ""))
    return ConnectionFailure(
        f"{_where(url)} answers plain HTTP, but url uses https:// ({method} {url}): Enterprise Manager's REST API is "
        "served over HTTPS (port 9398 unless it was installed with another), so check the port in url; if this "
        f"plain-HTTP port is really meant, use http:// (url: {plain}), knowing that the username, the password "
        "and the session token then travel unencrypted. Not retried"
    )


def unknown_host_error(method: str, url: str) -> ConnectionFailure:
    return ConnectionFailure(f"the host name {urlsplit(url).hostname} does not resolve ({method} {url}): check the "
                             "host in url, or the controller's DNS. Not retried")


def unreachable_error(method: str, url: str, attempts: int, why: str) -> ConnectionFailure:
    return ConnectionFailure(f"cannot reach Enterprise Manager for {method} {url} after {attempts} attempt(s): {why}. "
                             "Check url, the port (9398 by default), proxies and firewalls.")


def connect_timeout_error(method: str, url: str, attempts: int, seconds: float) -> ConnectionFailure:
    return ConnectionFailure(
        f"connecting to {_where(url)} for {method} {url} timed out after {seconds:g} seconds ({attempts} attempt(s)): "
        "the host may be down, or a firewall drops the connection. Check the host and port in url and the firewalls "
        "between the controller and Enterprise Manager."
    )


def outcome_unknown_error(method: str, url: str, why: str) -> ActionOutcomeUnknown:
    """A request that acts (a logon, a job start) whose answer never came: EM may have acted
    (the session words a logon's own way)."""
    return ActionOutcomeUnknown(
        f"the answer to {method} {url} never came ({why}): Enterprise Manager may have acted on it, so it is not "
        "sent again. Check what it did (a job's sessions, EM's tasks) before trying again")


def read_timeout_error(method: str, url: str, attempts: int, seconds: float) -> RequestTimeout:
    return RequestTimeout(
        f"Enterprise Manager did not answer {method} {url} within {seconds:g} seconds ({attempts} attempt(s)); "
        "raise timeout, or narrow the query (a shorter window, fewer names)."
    )


def certificate_error(url: str, error: BaseException, proxy: str | None = None,
                      names: Callable[[], list[str] | None] | None = None) -> ConnectionFailure:
    """The error for a failed TLS handshake; `names` reads the peer certificate's names for a
    certificate made out to other names (None: they cannot be read, such as through a proxy)."""
    text = without_secret(reason(error), proxy)
    lowered = text.lower()
    lacking = next((what for failure, what in STRICT_CHECK_FAILURES.items() if failure in lowered), None)
    if lacking:
        return CertificateError(
            f"TLS certificate verification failed for {url}: {text}. Enterprise Manager's certificate (or the "
            f"CA certificate that signed it) lacks {lacking}, which strict RFC 5280 checking requires; Python 3.13 "
            "and later check this by default, and self-signed certificates made by installers often fail it. "
            "Give Enterprise Manager a certificate issued by your certificate authority (such authorities add "
            "these extensions) and set ca_path to that authority's certificate, or to a CA bundle the controller "
            "trusts. validate_certs: false would turn all checking off and is not a fix."
        )
    if any(words in lowered for words in NAME_MISMATCH):
        return name_mismatch_error(url, text, names() if names else None)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate" in lowered:
        return CertificateError(
            f"TLS certificate verification failed for {url}: {text}. Set ca_path to the CA that signed "
            "Enterprise Manager's certificate (or make the system trust it); validate_certs: false turns the "
            "check off, which is not recommended."
        )
    return ConnectionFailure(f"TLS handshake with {url} failed: {text}")


def name_mismatch_error(url: str, text: str, names: list[str] | None) -> CertificateError:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port
    start = f"TLS certificate verification failed for {url}: the certificate is not made out to {host} ({text})"
    if names is None:
        held = (f"its names could not be read here; see them with: openssl s_client -connect {host}:{port} "
                "</dev/null | openssl x509 -noout -ext subjectAltName. The url must use one of them")
    elif not names:
        held = (f"it holds no subjectAltName entry, and TLS clients no longer match the subject's common name: give "
                f"Enterprise Manager a certificate whose subjectAltName holds {host}")
    else:
        example = next((name for name in names if "*" not in name), None)
        fixed = f" (e.g. url: https://{f'[{example}]' if example and ':' in example else example}:{port}/api)" if example else ""
        held = (f"it holds {', '.join(names)}. The url must use one of these names{fixed}, resolving to Enterprise "
                f"Manager, or Enterprise Manager needs a certificate that also holds {host}")
    return CertificateError(f"{start}; {held}. ca_path does not help here: the certificate's names are the problem, "
                            "not its issuer")
