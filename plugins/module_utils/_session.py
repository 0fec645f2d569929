# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM's logon lifecycle: logon, the token header, one re-logon on 401, logout on every exit."""
from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    ProtocolError,
    VeeamEmError,
)
from ansible_collections.veeam_em.core.plugins.module_utils._transport import Transport

TOKEN_HEADER = "X-RestSvcSessionId"
LATEST = "latest"


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
        self._logout_href: str | None = None
        self._lock = threading.Lock()
        self._relogon_lock = threading.Lock()  # one logon at a time; held across the request
        self.logout_error: VeeamEmError | None = None

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
        try:
            self.logout()
        finally:
            self.transport.close()

    # -- logon and logout -----------------------------------------------------------------
    def logon(self) -> None:
        if self.api_version != LATEST:
            self._check_version()
        url = f"{self.api_root}/sessionMngr/"
        response = self.transport.request(
            "POST", url, params={"v": self.api_version}, headers={"Authorization": self.credentials.basic_header()}
        )
        if response.status_code in (401, 403):
            raise AuthenticationError(self._refusal(response.status_code))
        root = self._document(response, "POST", url)
        token = response.headers.get(TOKEN_HEADER)
        if response.status_code != 201 or not token:
            raise ProtocolError(f"Enterprise Manager answered the logon at {url} with HTTP {response.status_code} "
                                f"and {'no' if not token else 'a'} session token; expected 201 and a token")
        with self._lock:
            self._token = token
            self._logout_href = codec.logon_session(root)["delete_href"]

    def _refusal(self, status: int) -> str:
        user = self.credentials.username
        if status == 403:
            return (f"authentication failed for user {user} at {self.api_root}: access denied; the account needs an "
                    "Enterprise Manager role (Portal Administrator, Portal User or Restore Operator)")
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
        """End the EM session; never raises (the error is kept in logout_error)."""
        with self._lock:
            href, token = self._logout_href, self._token
            self._logout_href = self._token = None
        if not href or not token:
            return True
        try:
            response = self.transport.request("DELETE", href, headers={TOKEN_HEADER: token})
        except VeeamEmError as error:
            self.logout_error = error
            return False
        # 401 or 404: EM already ended the session (idle expiry); nothing is left open.
        return response.status_code in (204, 200, 401, 404)

    # -- requests -------------------------------------------------------------------------
    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET an EM resource (absolute Href or a path under the API root) as parsed XML."""
        if not url.startswith(("http://", "https://")):
            url = f"{self.api_root}/{url.lstrip('/')}"
        token = self._current_token()
        response = self.transport.request("GET", url, params=params, headers={TOKEN_HEADER: token})
        if response.status_code == 401:
            token = self._relogon(token)
            response = self.transport.request("GET", url, params=params, headers={TOKEN_HEADER: token})
            if response.status_code == 401:
                raise AuthenticationError(
                    f"Enterprise Manager at {self.api_root} refused a fresh session token for user "
                    f"{self.credentials.username} (HTTP 401 twice, the second right after a new logon): EM "
                    "ended the new session at once, or the account may not read this resource"
                )
        return self._document(response, "GET", response.url or url)

    def _current_token(self) -> str:
        with self._lock:
            if self._token is None:
                raise VeeamEmError("the Enterprise Manager session is not logged on")
            return self._token

    def _relogon(self, stale_token: str) -> str:
        """Log on again once for a token EM rejected; concurrent callers share the new one."""
        with self._lock:
            fresh = self._token if self._token != stale_token else None
        if fresh:
            return fresh
        with self._relogon_lock:
            with self._lock:
                if self._token != stale_token and self._token is not None:
                    return self._token
            self.logon()
            return self._current_token()

    @staticmethod
    def _document(response: Any, method: str, url: str) -> Any:
        status = response.status_code
        if status == 204:
            return None
        root = codec.parse_document(response.content, url, status, method)
        if status >= 400:
            error = codec.api_error(root, url, status)
            raise error or ApiError(f"HTTP {status} without an Error body", status, url)
        return root
