# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM's logon lifecycle: logon, the token header, re-logons on 401, refusals named, logout on every exit."""
from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Callable
from urllib.parse import quote

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    IncompleteBody,
    ProtocolError,
    RequestTimeout,
    VeeamEmError,
)
from ansible_collections.veeam_em.core.plugins.module_utils._rights import (
    PORTAL_ADMINISTRATOR,
    PORTAL_USER,
    RESTORE_OPERATOR,
    WHERE_ROLES_ARE_GIVEN,
)
from ansible_collections.veeam_em.core.plugins.module_utils.em._network_failures import outcome_unknown_error
from ansible_collections.veeam_em.core.plugins.module_utils.em._refusal import access_denied, right_for
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport, TransportOptions
from ansible_collections.veeam_em.core.plugins.module_utils.em._url import on_origin
from ansible_collections.veeam_em.core.plugins.module_utils.em._wrong_service import not_enterprise_manager

TOKEN_HEADER = "X-RestSvcSessionId"
LATEST = "latest"
# A logout is retried only briefly: when it fails, the edges warn and EM's idle timeout
# ends the session; a run must not hang for seconds on its way out.
LOGOUT_TIMEOUT = 10.0
LOGOUT_RETRY_BUDGET = 1.0
# Fresh sessions EM may end in a row (a 401 to each before it answered one request) before a
# read gives up: an EM restart or a session purge ends one or two, never three in a row.
MAX_RELOGONS = 3
REPLACED_KEPT = 8


def logout_limits(options: TransportOptions) -> TransportOptions:
    """The transport's options, with the short waits a logout may spend."""
    return replace(options, timeout=min(options.timeout, LOGOUT_TIMEOUT), max_retries=min(options.max_retries, 2),
                   retry_budget=LOGOUT_RETRY_BUDGET, backoff_base=min(options.backoff_base, 0.2),
                   backoff_max=min(options.backoff_max, 0.5))


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)

    def basic_header(self) -> str:
        # RFC 7617 with UTF-8, so DOMAIN\user and non-ASCII passwords survive intact
        # (requests' own Basic auth encodes latin-1 and fails beyond it).
        raw = f"{self.username}:{self.password}".encode("utf-8")
        return "Basic " + base64.b64encode(raw).decode("ascii")


class EmSession:
    """A logged-on EM session. Use as a context manager: logout happens on every exit."""

    def __init__(self, transport: Transport, api_root: str, credentials: Credentials, api_version: str = LATEST) -> None:
        if not credentials.username:
            raise ConfigurationError("username is required to log on to Enterprise Manager")
        self.transport = transport
        self.api_root = api_root
        self.credentials = credentials
        self.api_version = api_version or LATEST
        self._token: str | None = None
        self._session_id: str | None = None
        self._lock = threading.Lock()
        self._relogon_lock = threading.Lock()  # one logon at a time; held across the request
        self.logout_error: VeeamEmError | None = None  # why the last logout failed; see logout_warning
        self._closed = False  # set by close(): a request still running on another thread logs on no more
        # Re-logons since a request was last answered; shared by the requests in flight (_relogon).
        self._relogons_in_a_row = 0
        # Sessions a re-logon replaced, by token: one refused (not ended) is logged out (_end_replaced).
        self._replaced: dict[str, str | None] = {}

    def __repr__(self) -> str:
        return f"EmSession({self.api_root!r}, user={self.credentials.username!r})"

    def __enter__(self) -> EmSession:
        try:
            self.logon()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Log out and close the transport, for good: a re-logon in progress (a request of
        another thread that met a 401) ends first and its session is the one logged out,
        and none starts after."""
        self._closed = True
        try:
            with self._relogon_lock:
                self.logout()
        finally:
            self.transport.close()

    # -- logon and logout -----------------------------------------------------------------
    def logon(self) -> None:
        if self.api_version != LATEST:
            self._check_version()
        url = f"{self.api_root}/sessionMngr/"
        try:
            response = self.transport.request(
                "POST", url, params={"v": self.api_version}, headers={"Authorization": self.credentials.basic_header()}
            )
        except RequestTimeout:
            raise RequestTimeout(self._logon_timeout(url)) from None
        if response.status_code in (401, 403):
            raise AuthenticationError(self._refusal(response.status_code))
        token = response.headers.get(TOKEN_HEADER)
        session_id = self._logon_session_id(response, url, token)
        with self._lock:
            self._token, self._session_id = token, session_id

    def _logon_session_id(self, response: Any, url: str, token: str | None) -> str | None:
        """The SessionId a 201 logon answer names, for the logout.

        Only the id is taken: the Delete link names EM's own host name, which may not be
        the host the user connects to (field sample F6). The token comes in a header, so
        a 201 whose body was cut short in transit still gives a working session; its id
        is then read from the part that arrived (the root's Href comes first).
        """
        try:
            logon = codec.logon_session(self._document(response, "POST", url))
        except IncompleteBody:
            if response.status_code != 201 or not token:
                raise
            logon = codec.logon_session_prefix(response.content)
        if response.status_code != 201 or not token:
            raise ProtocolError(f"Enterprise Manager answered the logon at {url} with HTTP {response.status_code} "
                                f"and {'no' if not token else 'a'} session token; expected 201 and a token")
        return logon["session_id"] or codec.id_from_href(logon["delete_href"] or logon["href"])

    def _logon_timeout(self, url: str) -> str:
        # Not a query problem: nothing was asked yet but a session.
        seconds = self.transport.options.timeout
        return (f"Enterprise Manager at {self.api_root} did not answer the logon (POST {url}) within {seconds:g} "
                "seconds: its RESTful API service may be starting or overloaded, or a proxy or firewall holds the "
                f"connection open without passing it on. Check that {self.api_root}/ answers from the controller, "
                "then try again, or raise timeout if Enterprise Manager is known to be slow. Not retried: a logon is "
                "not sent twice")

    def _refusal(self, status: int) -> str:
        user = self.credentials.username
        if status == 403:
            return (f"authentication failed for user {user} at {self.api_root}: access denied; the account needs an "
                    f"Enterprise Manager role ({WHERE_ROLES_ARE_GIVEN}): {PORTAL_USER} reads all this collection "
                    f"reads but replication jobs, {PORTAL_ADMINISTRATOR} everything, {RESTORE_OPERATOR} only restore "
                    "points")
        return f"authentication failed for user {user} at {self.api_root}: check username and password"

    def _check_version(self) -> None:
        root = self._document(self.transport.request("GET", f"{self.api_root}/"), "GET", f"{self.api_root}/")
        supported = codec.supported_versions(root)
        if self.api_version not in supported:
            raise ConfigurationError(
                f"api_version {self.api_version} is not offered by Enterprise Manager at {self.api_root} "
                f"(it offers {', '.join(supported) or 'none'}); use one of those or 'latest'"
            )

    def logout(self) -> bool:
        """End the EM session at the configured url: `DELETE <url>/api/logonSessions/<SessionId>`.

        Never raises and never waits long: a failure is kept in logout_error (and worded
        in logout_warning) for the edges to report once; EM ends the session by itself
        after its idle timeout.
        """
        with self._lock:
            session_id, token = self._session_id, self._token
            self._session_id = self._token = None
        if not token:
            return True
        if not session_id:
            self.logout_error = VeeamEmError("its logon answer named no SessionId to log out")
            return False
        self.logout_error = self._end_session(session_id, token)
        return self.logout_error is None

    def _end_session(self, session_id: str, token: str) -> VeeamEmError | None:
        """DELETE one logon session; why it failed, or None."""
        url = f"{self.api_root}/logonSessions/{quote(session_id, safe='')}"
        try:
            response = self.transport.request("DELETE", url, logout_limits(self.transport.options),
                                              self._logout_shown, headers={TOKEN_HEADER: token})
        except VeeamEmError as error:
            return VeeamEmError(str(error).replace(url, self._logout_shown))
        # 401 or 404: EM already ended the session (idle expiry); nothing is left open.
        if response.status_code in (204, 200, 401, 404):
            return None
        return VeeamEmError(f"{self._logout_shown} answered HTTP {response.status_code}")

    def _end_replaced(self, token: str) -> None:
        """Log out the session a re-logon replaced, once a 401 proved a refusal, not its end:
        it is still open on EM. A failure is left to EM's idle timeout."""
        with self._lock:
            session_id = self._replaced.pop(token, None)
        if session_id:
            self._end_session(session_id, token)

    @property
    def _logout_shown(self) -> str:
        # The session id stays out of messages: some EM builds derive the token from it.
        return f"DELETE {self.api_root}/logonSessions/(session id)"

    @property
    def logout_warning(self) -> str | None:
        """The one warning the edges show when the logout failed, else None."""
        if self.logout_error is None:
            return None
        return (f"could not log out of Enterprise Manager at {self.api_root} ({self.logout_error}); the EM "
                "session stays open until EM's idle timeout ends it (15 minutes by default)")

    # -- requests -------------------------------------------------------------------------
    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET an EM resource (an Href EM sent, or a path under the API root) as parsed XML.

        Every request goes to the configured url's origin: an Href naming another host
        is re-based onto it, never followed there. A 401 logs on again (shared by the
        requests in flight, at most MAX_RELOGONS fresh sessions in a row that EM ends before
        answering one request); a fresh token refused here while EM still accepts it
        elsewhere, or a 403, is AccessDenied naming the role the read needs.
        """
        return self._send("GET", url, params)

    def post(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """POST an action without a body (`jobs/{ID}` with action=start, `backupServers/{ID}`
        with action=collect) and return EM's answer (a Task) as parsed XML.

        As get() for 401 and 403 (EM acts on no request it refuses, so a 401 is sent again
        after a fresh logon), but sent once: a connection that breaks after it was made, or
        no answer in time, is ActionOutcomeUnknown, never a second start.
        """
        return self._send("POST", url, params)

    def _send(self, method: str, url: str, params: dict[str, Any] | None) -> Any:
        url = on_origin(url, self.api_root)
        token = first_token = self._current_token()
        after_relogon = False
        while True:
            status, root = self._fetch_as(method, token, url, params)
            if status != 401:
                self._relogons_in_a_row = 0
                return root
            if after_relogon and self._token_alive(token):
                self._end_replaced(first_token)
                raise access_denied(None, 401, method, url, right_for(method, url, self.api_root, params),
                                    self.credentials.username)
            token = self._relogon(token)
            after_relogon = True

    def _fetch_as(self, method: str, token: str, url: str, params: dict[str, Any] | None) -> tuple[int, Any]:
        try:
            return self.transport.fetch(method, url, self._reader(method, url), params=params,
                                        headers={TOKEN_HEADER: token}, once=method != "GET")
        except IncompleteBody as error:
            if method == "GET":
                raise
            # The answer came, cut short: EM acted on the request, or refused it; nobody can tell.
            raise outcome_unknown_error(method, url, str(error)) from None
        except ApiError as error:
            if error.status_code != 403:
                raise
            raise access_denied(error, 403, method, url, right_for(method, url, self.api_root, params),
                                self.credentials.username) from None

    def _token_alive(self, token: str) -> bool:
        """Whether EM still accepts `token`: GET /tasks (the current session's tasks, which
        every role may read) answers anything but 401. Tells a token that died from a
        resource refused to this account with a 401."""
        status = self.transport.fetch("GET", f"{self.api_root}/tasks", lambda answer: answer.status_code,
                                      headers={TOKEN_HEADER: token})
        return status != 401

    def _reader(self, method: str, url: str) -> Callable[[Any], tuple[int, Any]]:
        """(status, parsed document) of an answer; a 401 is left unparsed for the re-logon."""
        def read(answer: Any) -> tuple[int, Any]:
            if answer.status_code == 401:
                return 401, None
            return answer.status_code, self._document(answer, method, url)
        return read

    def _current_token(self) -> str:
        with self._lock:
            if self._token is None:
                raise VeeamEmError("the Enterprise Manager session is not logged on")
            return self._token

    def _relogon(self, stale_token: str) -> str:
        """Log on again for a token EM rejected; concurrent callers share the new one.

        AuthenticationError when EM has ended MAX_RELOGONS fresh sessions in a row before
        answering one request with any of them: logging on again would not end.
        """
        with self._lock:
            fresh = self._token if self._token != stale_token else None
        if fresh:
            return fresh
        with self._relogon_lock:
            if self._closed:
                raise VeeamEmError(f"the session with Enterprise Manager at {self.api_root} was closed; not logging on again")
            with self._lock:
                if self._token != stale_token and self._token is not None:
                    return self._token
            if self._relogons_in_a_row >= MAX_RELOGONS:
                raise AuthenticationError(
                    f"Enterprise Manager at {self.api_root} ended {MAX_RELOGONS} fresh sessions of user "
                    f"{self.credentials.username} in a row before answering one request with them (HTTP 401 each "
                    "time): EM may be restarting or purging sessions. Try again when it is stable")
            self._relogons_in_a_row += 1
            with self._lock:
                self._replaced[stale_token] = self._session_id
                while len(self._replaced) > REPLACED_KEPT:
                    self._replaced.pop(next(iter(self._replaced)))
            self.logon()
            return self._current_token()

    @staticmethod
    def _document(response: Any, method: str, url: str) -> Any:
        status = response.status_code
        if status == 204:
            return None
        foreign = not_enterprise_manager(response.content, response.headers.get("Content-Type"), url, status, method)
        if foreign is not None:
            raise foreign
        root = codec.parse_document(response.content, url, status, method)
        if status >= 400:
            error = codec.api_error(root, url, status)
            raise error or ApiError(f"HTTP {status} without an Error body", status, url)
        return root
