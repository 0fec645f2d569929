# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Neutral errors of the EM client.

Only the edges (modules, plugins) turn these into fail_json or AnsibleError. Messages
say what happened and what to do; none ever holds a password, a token or an
Authorization header.
"""
from __future__ import annotations

from typing import Any


class VeeamEmError(Exception):
    """Base of every error the client raises."""


class ConfigurationError(VeeamEmError):
    """Options that cannot work (a malformed url, a bad version), found before any request."""


class ConnectionFailure(VeeamEmError):
    """EM could not be reached, or the connection broke, after the retries allowed."""


class CertificateError(ConnectionFailure):
    """TLS certificate verification failed."""


class RequestTimeout(ConnectionFailure):
    """EM did not answer within the timeout."""


class ActionOutcomeUnknown(RequestTimeout):
    """A request that acts (a logon, a job start) was sent, and its answer never came: EM may
    have acted on it, so it is not sent again."""


class AuthenticationError(VeeamEmError):
    """EM refused the credentials, or refused a fresh logon's token."""


class ProtocolError(VeeamEmError):
    """EM answered with something that is not the EM XML it documents."""


class IncompleteBody(ProtocolError):
    """A body that is not well-formed XML: cut short by a proxy or by EM under load.

    Transient for an idempotent GET, which the transport retries like a 503."""


class NotEnterpriseManager(ProtocolError):
    """The url answers, but not as EM's REST API: JSON, an HTML page or plain text."""


class ApiError(VeeamEmError):
    """EM refused a request and said why (its Error body's Message and StatusCode)."""

    def __init__(self, message: str, status_code: int, url: str) -> None:
        super().__init__(f"Enterprise Manager refused {url} with HTTP {status_code}: {message}")
        self.em_message = message
        self.status_code = status_code
        self.url = url


class ActionFailed(VeeamEmError):
    """A module that acts could not reach the state asked; `known` is its result as far as it is
    known (the jobs it started, their sessions), returned beside the message, so a run the
    module started is never left untracked."""

    def __init__(self, message: str, known: dict[str, Any]) -> None:
        super().__init__(message)
        self.known = known


class AccessDenied(ApiError):
    """EM refused an operation the account's roles do not allow (403, or 401 to a token that is
    alive). `right` is the Right (module _rights) the operation needs, None when the request is
    not one the collection knows; the message names the operation, the roles that may do it and
    what to do."""

    def __init__(self, message: str, status_code: int, url: str, right: Any = None) -> None:
        ApiError.__init__(self, message, status_code, url)
        self.args = (message,)
        self.right = right

    def __str__(self) -> str:
        return str(self.args[0])
