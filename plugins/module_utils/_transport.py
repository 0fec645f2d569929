# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport: one keep-alive requests.Session, TLS settings, timeouts, bounded retries.

It knows nothing of EM's logon; it retries only what is safe and transient (connection
errors, 502/503/504) and turns requests' exceptions into the neutral errors.
"""
from __future__ import annotations

import random
import time
import warnings
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.cookiejar import DefaultCookiePolicy
from typing import Any, Callable, TypeVar

from ansible_collections.veeam_em.core.plugins.module_utils._dependencies import optional_import
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    CertificateError,
    ConnectionFailure,
    IncompleteBody,
    ProtocolError,
    RequestTimeout,
)
from ansible_collections.veeam_em.core.plugins.module_utils._proxy import request_proxies, without_secret

requests = optional_import("requests")
urllib3_exceptions = optional_import("urllib3.exceptions")  # installed with requests

RETRY_STATUSES = frozenset((502, 503, 504))
Read = TypeVar("Read")
USER_AGENT = "veeam_em.core (Ansible collection)"


@dataclass(frozen=True)
class TransportOptions:
    validate_certs: bool = True
    ca_path: str | None = None
    timeout: float = 60.0
    pool_size: int = 4
    max_retries: int = 5
    retry_budget: float = 60.0  # seconds of waiting between attempts, at most
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    # A 1,000-entity page is about 1.2 MB; nothing EM sends for this collection nears this.
    max_body_bytes: int = 64 * 1024 * 1024
    # An explicit proxy url (checked by _proxy.check_proxy); None: the environment's, if any.
    proxy: str | None = field(default=None, repr=False)

    @property
    def verify(self) -> bool | str:
        if not self.validate_certs:
            return False
        return self.ca_path or True


@dataclass(frozen=True)
class Answer:
    """An HTTP answer whose body has been read in full (and within the size limit)."""

    status_code: int
    headers: Any
    content: bytes
    url: str


class _NoCookies(DefaultCookiePolicy):
    """EM prefers a cookie over the token header, so a cookie jar that sends back an old
    X-RestSvcSessionId would silently override a fresh token. Keep no cookies at all."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


class Transport:
    def __init__(
        self,
        options: TransportOptions,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.options = options
        self._sleep = sleep
        self._jitter = jitter
        self.retries = 0  # counted for diagnostics and benchmarks
        if not options.validate_certs:
            # The user chose this; the edges say so once per run instead of urllib3
            # repeating it for every request.
            warnings.filterwarnings("ignore", category=urllib3_exceptions.InsecureRequestWarning)
        self.http = requests.Session()
        self.http.cookies.set_policy(_NoCookies())
        self.http.headers.update({"User-Agent": USER_AGENT, "Accept": "application/xml"})
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=max(1, options.pool_size), max_retries=0)
        self.http.mount("https://", adapter)
        self.http.mount("http://", adapter)

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, url: str, limits: TransportOptions | None = None, **kwargs: Any) -> Answer:
        """Send one request, retrying transient failures within the count and time budget."""
        return self.fetch(method, url, _as_is, limits, **kwargs)

    def fetch(self, method: str, url: str, read: Callable[[Answer], Read], limits: TransportOptions | None = None,
              **kwargs: Any) -> Read:
        """`read(answer)` of one request, retrying transient failures within the budget of
        `limits` (default: the transport's options).

        Transient: a broken connection, a 502/503/504, and, for a GET, a 2xx answer whose
        `read` raises IncompleteBody (a body cut short in transit). When the budget is
        spent, the last 5xx answer is read (EM's own message) or the last error raised.
        """
        limits = limits or self.options
        waited = 0.0
        attempt = 0
        while True:
            outcome = self._attempt(method, url, read, limits, attempt, waited, kwargs)
            if not isinstance(outcome, _Retry):
                return outcome
            self.retries += 1
            self._sleep(outcome.delay)
            waited += outcome.delay
            attempt += 1

    def _attempt(self, method: str, url: str, read: Callable[[Answer], Read], limits: TransportOptions,
                 attempt: int, waited: float, kwargs: dict[str, Any]) -> Read | _Retry:
        """One attempt: what `read` made of the answer, or how long to wait before the next."""
        try:
            response = self._send(method, url, limits, **kwargs)
        except _Transient as failure:
            delay = self._next_delay(limits, attempt, waited, None)
            if delay is None:
                raise ConnectionFailure(
                    f"cannot reach Enterprise Manager for {method} {url} after {attempt + 1} attempt(s): "
                    f"{failure.reason}. Check url, the port (9398 by default), proxies and firewalls."
                ) from None
            return _Retry(delay)
        if response.status_code in RETRY_STATUSES:
            delay = self._next_delay(limits, attempt, waited, response.headers.get("Retry-After"))
            return read(response) if delay is None else _Retry(delay)  # spent: EM's own message
        try:
            return read(response)
        except IncompleteBody:
            # Only an idempotent read of a success may be sent again.
            if method != "GET" or response.status_code >= 300:
                raise
            delay = self._next_delay(limits, attempt, waited, None)
            if delay is None:
                raise
            return _Retry(delay)

    def _send(self, method: str, url: str, limits: TransportOptions, **kwargs: Any) -> Answer:
        # verify travels with every request: requests lets REQUESTS_CA_BUNDLE override a
        # session-wide setting, which would silently ignore ca_path.
        try:
            # No redirects: the token header would follow them to wherever they point.
            response = self.http.request(
                method, url, verify=limits.verify, timeout=limits.timeout, stream=True,
                allow_redirects=False, proxies=request_proxies(self.options.proxy, url), **kwargs
            )
            with response:
                return Answer(response.status_code, response.headers, self._body(response, method, url), response.url)
        except requests.exceptions.SSLError as error:
            raise _certificate_error(url, error, self.options.proxy) from None
        except requests.exceptions.ConnectTimeout as error:
            raise _Transient(f"connecting timed out ({self._reason(error)})") from None
        except requests.exceptions.Timeout:
            raise RequestTimeout(
                f"Enterprise Manager did not answer {method} {url} within {limits.timeout:g} seconds; "
                "raise timeout, or narrow the query (a shorter window, fewer names)."
            ) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
            raise _Transient(self._reason(error)) from None

    def _reason(self, error: Exception) -> str:
        # A proxy's own user name and password (proxy: http://user:pw@host) stay out of messages.
        return without_secret(_reason(error), self.options.proxy)

    def _body(self, response: requests.Response, method: str, url: str) -> bytes:
        """The whole body, refusing (without reading on) one larger than max_body_bytes."""
        limit = self.options.max_body_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(method, url, int(declared), limit)
        body = bytearray()
        for chunk in response.iter_content(chunk_size=256 * 1024):
            body += chunk
            if len(body) > limit:
                raise _too_large(method, url, len(body), limit)
        return bytes(body)

    def _next_delay(self, limits: TransportOptions, attempt: int, waited: float, retry_after: str | None) -> float | None:
        """Seconds to wait before the next attempt, or None when the budget is spent."""
        if attempt >= limits.max_retries:
            return None
        backoff = min(limits.backoff_max, limits.backoff_base * 2**attempt)
        delay = backoff * (0.5 + self._jitter() / 2)
        hinted = _retry_after_seconds(retry_after)
        if hinted is not None:
            delay = max(delay, hinted)
        if waited + delay > limits.retry_budget:
            return None
        return delay


@dataclass(frozen=True)
class _Retry:
    delay: float


def _as_is(answer: Answer) -> Answer:
    return answer


class _Transient(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _reason(error: Exception) -> str:
    """The innermost cause's text, which says more than requests' wrappers."""
    cause: BaseException = error
    while cause.__context__ is not None and cause.__context__ is not cause:
        cause = cause.__context__
    text = str(cause) or type(cause).__name__
    return text if len(text) < 300 else text[:297] + "..."


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


def _certificate_error(url: str, error: Exception, proxy: str | None = None) -> ConnectionFailure:
    reason = without_secret(_reason(error), proxy)
    lowered = reason.lower()
    lacking = next((what for text, what in STRICT_CHECK_FAILURES.items() if text in lowered), None)
    if lacking:
        return CertificateError(
            f"TLS certificate verification failed for {url}: {reason}. Enterprise Manager's certificate (or the "
            f"CA certificate that signed it) lacks {lacking}, which strict RFC 5280 checking requires; Python 3.13 "
            "and later check this by default, and self-signed certificates made by installers often fail it. "
            "Give Enterprise Manager a certificate issued by your certificate authority (such authorities add "
            "these extensions) and set ca_path to that authority's certificate, or to a CA bundle the controller "
            "trusts. validate_certs: false would turn all checking off and is not a fix."
        )
    if "CERTIFICATE_VERIFY_FAILED" in reason or "hostname" in lowered or "certificate" in lowered:
        return CertificateError(
            f"TLS certificate verification failed for {url}: {reason}. Set ca_path to the CA that signed "
            "Enterprise Manager's certificate (or make the system trust it); validate_certs: false turns the "
            "check off, which is not recommended."
        )
    return ConnectionFailure(f"TLS handshake with {url} failed: {reason}")


def _too_large(method: str, url: str, size: int, limit: int) -> ProtocolError:
    return ProtocolError(
        f"Enterprise Manager's answer to {method} {url} is larger than {limit // (1024 * 1024)} MiB "
        f"({size} bytes or more); refused unread. Lower page_size if a page is this large."
    )


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
