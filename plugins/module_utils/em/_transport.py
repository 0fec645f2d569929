# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport: one keep-alive requests.Session, TLS settings, timeouts, bounded retries.

It knows nothing of EM's logon. It retries only what can recover by waiting: a connection
that breaks or is reset after it was made, an answer cut short, HTTP 502/503/504, and a
timeout once (each costs `timeout` seconds). A refused connection, a host name that does
not resolve and TLS failures (https:// to a plain-HTTP port among them) fail at once, with
the fix in the message. Each retry is told to `on_retry` (the edges show it at -vvv).
"""
from __future__ import annotations

import random
import ssl
import time
import warnings
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.cookiejar import DefaultCookiePolicy
from typing import Any, Callable, TypeVar
from urllib.parse import urlsplit

from ansible_collections.veeam_em.core.plugins.module_utils._dependencies import optional_import
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    ConfigurationError,
    ConnectionFailure,
    IncompleteBody,
    ProtocolError,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._network_failures import (
    causes,
    certificate_error as _certificate_error,
    connect_timeout_error,
    never_connected,
    outcome_unknown_error,
    plain_http_error,
    read_timeout_error,
    reason,
    refused,
    refused_error,
    unknown_host,
    unknown_host_error,
    unreachable_error,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._peer_certificate import (
    answers_plain_http,
    certificate_names,
    speaks_tls,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._proxy import request_proxies, without_secret
from ansible_collections.veeam_em.core.plugins.module_utils.em._url import https_instead

requests = optional_import("requests")
urllib3_exceptions = optional_import("urllib3.exceptions")  # installed with requests

RETRY_STATUSES = frozenset((502, 503, 504))
# A timed-out attempt is tried once more at most: EM may have been busy for a moment, but
# each attempt costs the whole timeout, and a second one in a row will not be the last.
TIMEOUT_RETRIES = 1
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
        on_retry: Callable[[str], Any] | None = None,
    ) -> None:
        self.options = options
        self._sleep = sleep
        self._jitter = jitter
        self._on_retry = on_retry  # told each retry in one line (no secret in it)
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

    def request(self, method: str, url: str, limits: TransportOptions | None = None, shown: str | None = None,
                **kwargs: Any) -> Answer:
        """Send one request, retrying transient failures within the count and time budget."""
        return self.fetch(method, url, _as_is, limits, shown, **kwargs)

    def fetch(self, method: str, url: str, read: Callable[[Answer], Read], limits: TransportOptions | None = None,
              shown: str | None = None, once: bool = False, **kwargs: Any) -> Read:
        """`read(answer)` of one request, retrying transient failures within the budget of
        `limits` (default: the transport's options).

        `once`: the request acts (starts a job), so it is not sent again once it may have
        reached EM (a connection that broke after it was made): ActionOutcomeUnknown. A
        connection never made, and a 502/503/504 answer (EM did not act), are still retried.

        Transient: a connection broken or reset once made, a 502/503/504, a timeout (once),
        and, for a GET, a 2xx answer whose `read` raises IncompleteBody (a body cut short in
        transit). When the budget is spent, the last 5xx answer is read (EM's own message)
        or the last error raised. `shown` is the request as retry notes name it, when the url
        holds what must not be shown (a session id).
        """
        limits = limits or self.options
        tries = _Tries()
        while True:
            outcome = self._attempt(method, url, read, limits, tries, kwargs, once)
            if not isinstance(outcome, _Retry):
                return outcome
            tries.attempt += 1
            if self._on_retry is not None:
                self._on_retry(f"{shown or f'{method} {url}'} failed ({outcome.why}); retry {tries.attempt} of "
                               f"{limits.max_retries} in {round(outcome.delay, 2):g} s")
            self._sleep(outcome.delay)
            tries.waited += outcome.delay

    def _attempt(self, method: str, url: str, read: Callable[[Answer], Read], limits: TransportOptions,
                 tries: _Tries, kwargs: dict[str, Any], once: bool = False) -> Read | _Retry:
        """One attempt: what `read` made of the answer, or how long to wait before the next."""
        try:
            response = self._send(method, url, limits, tries, **kwargs)
        except _Transient as failure:
            if once and failure.maybe_delivered:
                raise outcome_unknown_error(method, url, failure.reason) from None
            spent = failure.timed_out and tries.timeouts >= TIMEOUT_RETRIES
            tries.timeouts += failure.timed_out
            delay = None if spent else self._next_delay(limits, tries, None)
            if delay is None:
                raise failure.final(tries.attempt + 1) from None
            return _Retry(delay, failure.reason)
        if response.status_code in RETRY_STATUSES:
            delay = self._next_delay(limits, tries, response.headers.get("Retry-After"))
            return read(response) if delay is None else _Retry(delay, f"HTTP {response.status_code}")
        try:
            return read(response)
        except IncompleteBody:
            # Only an idempotent read of a success may be sent again.
            if method != "GET" or response.status_code >= 300:
                raise
            delay = self._next_delay(limits, tries, None)
            if delay is None:
                raise
            return _Retry(delay, "answer cut short")

    def _send(self, method: str, url: str, limits: TransportOptions, tries: _Tries, **kwargs: Any) -> Answer:
        # verify travels with every request: requests lets REQUESTS_CA_BUNDLE override a
        # session-wide setting, which would silently ignore ca_path.
        proxies = request_proxies(self.options.proxy, url)
        try:
            # No redirects: the token header would follow them to wherever they point.
            response = self.http.request(
                method, url, verify=limits.verify, timeout=limits.timeout, stream=True,
                allow_redirects=False, proxies=proxies, **kwargs
            )
            with response:
                return Answer(response.status_code, response.headers, self._body(response, method, url), response.url)
        except requests.exceptions.SSLError as error:
            raise self._tls_failure(method, url, error, limits, proxies) from None
        except requests.exceptions.ConnectTimeout:
            raise _Transient(f"no connection within {limits.timeout:g} s", True,
                             lambda attempts: connect_timeout_error(method, url, attempts, limits.timeout)) from None
        except requests.exceptions.Timeout:
            if method != "GET":  # not idempotent: sent once, and EM may have acted on it
                raise outcome_unknown_error(method, url, f"no answer within {limits.timeout:g} s") from None
            raise _Transient(f"no answer within {limits.timeout:g} s", True,
                             lambda attempts: read_timeout_error(method, url, attempts, limits.timeout)) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
            raise self._broken(method, url, error, tries, proxies) from None

    def _tls_failure(self, method: str, url: str, error: Exception, limits: TransportOptions,
                     proxies: Any) -> ConnectionFailure:
        """The error for a failed TLS handshake. The url's own host and port are asked again
        (never through a proxy) only to explain it: a handshake that failed before any
        certificate was checked may have met a plain-HTTP port."""
        if self._proxied(url, proxies):
            return _certificate_error(url, error, self.options.proxy)
        checked = any(isinstance(cause, ssl.SSLCertVerificationError) for cause in causes(error))
        if not checked and _answers_plain_http(url, limits.timeout):
            return plain_http_error(method, url)
        return _certificate_error(url, error, self.options.proxy, lambda: _names(url, limits.timeout))

    def _broken(self, method: str, url: str, error: Exception, tries: _Tries, proxies: Any) -> Exception:
        """The error for a connection that failed or broke: final when waiting cannot help."""
        if refused(error):
            return refused_error(method, url, self._proxied(url, proxies))
        if unknown_host(error) and not self._proxied(url, proxies):
            return unknown_host_error(method, url)
        if url.startswith("http://") and tries.attempt == 0 and _speaks_tls(url, self.options.timeout):
            return ConfigurationError(https_instead(url))  # waiting cannot fix it
        why = without_secret(reason(error), self.options.proxy)
        return _Transient(why, False, lambda attempts: unreachable_error(method, url, attempts, why),
                          maybe_delivered=not never_connected(error))

    @staticmethod
    def _proxied(url: str, proxies: dict[str, Any] | None) -> bool:
        """Whether the request went through a proxy (explicit, or the environment's for this url)."""
        if proxies is None:
            proxies = requests.utils.get_environ_proxies(url)
        return bool(proxies.get(urlsplit(url).scheme) or proxies.get("all"))

    def _body(self, response: requests.Response, method: str, url: str) -> bytes:
        """The whole body, refusing (without reading on) one larger than max_body_bytes."""
        limit = self.options.max_body_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(method, url, int(declared), limit)
        body = bytearray()
        try:
            for chunk in response.iter_content(chunk_size=256 * 1024):
                body += chunk
                if len(body) > limit:
                    raise _too_large(method, url, len(body), limit)
        except ValueError as error:
            if not _closed_mid_read(error):
                raise
            # http.client reads from a socket file that urllib3 closed when the peer cut the
            # connection: the same broken connection as urllib3's own errors, not a bug.
            raise requests.exceptions.ConnectionError("the connection closed while the answer was read") from error
        return bytes(body)

    def _next_delay(self, limits: TransportOptions, tries: _Tries, retry_after: str | None) -> float | None:
        """Seconds to wait before the next attempt, or None when the budget is spent."""
        if tries.attempt >= limits.max_retries:
            return None
        backoff = min(limits.backoff_max, limits.backoff_base * 2**tries.attempt)
        delay = backoff * (0.5 + self._jitter() / 2)
        hinted = _retry_after_seconds(retry_after)
        if hinted is not None:
            delay = max(delay, hinted)
        if tries.waited + delay > limits.retry_budget:
            return None
        return delay


@dataclass
class _Tries:
    """Where one request stands in its retry budget."""

    attempt: int = 0  # retries made so far
    waited: float = 0.0  # seconds slept between attempts
    timeouts: int = 0  # attempts that timed out


@dataclass(frozen=True)
class _Retry:
    delay: float
    why: str  # for the retry note: "HTTP 503", "no answer within 60 s", ...


def _as_is(answer: Answer) -> Answer:
    return answer


class _Transient(Exception):
    """A failure worth another attempt; `final(attempts)` is the error once none is left;
    `maybe_delivered`: the connection was made, so EM may have received the request."""

    def __init__(self, reason: str, timed_out: bool, final: Callable[[int], ConnectionFailure],
                 maybe_delivered: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out
        self.final = final
        self.maybe_delivered = maybe_delivered


def _speaks_tls(url: str, timeout: float) -> bool:
    parts = urlsplit(url)
    return speaks_tls(parts.hostname or "", parts.port or 0, timeout)


def _answers_plain_http(url: str, timeout: float) -> bool:
    parts = urlsplit(url)
    return answers_plain_http(parts.hostname or "", parts.port or 443, timeout)


def _names(url: str, timeout: float) -> list[str] | None:
    parts = urlsplit(url)
    return certificate_names(parts.hostname or "", parts.port or 0, timeout)


def _closed_mid_read(error: ValueError) -> bool:
    """Whether `error` is http.client's "I/O operation on closed file" (not a ValueError of ours)."""
    return "closed file" in str(error)


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
