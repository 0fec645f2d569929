# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options checked (ConnectionOptions, connection_options_from) and the one way
to a logged-on client (open_api), for every surface: modules, lookup, inventory, event source.
The options themselves (names, types, defaults, bounds, environment) are _options' table."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils.em._ca_file import check_ca_file
from ansible_collections.veeam_em.core.plugins.module_utils.em._control_characters import check_no_control_characters
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.module_utils.em._proxy import check_proxy
from ansible_collections.veeam_em.core.plugins.module_utils.em._session import Credentials, EmSession
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport, TransportOptions
from ansible_collections.veeam_em.core.plugins.module_utils.em._url import api_root
from ansible_collections.veeam_em.core.plugins.module_utils._options import OPTIONS, missing_required, read_connection_values

# Said once per module run or inventory parse when validate_certs is false.
INSECURE_WARNING = (
    "validate_certs is false: Enterprise Manager's certificate is not checked, so the credentials "
    "could be sent to an impostor. Prefer ca_path."
)

# Said likewise for a plain http:// url: EM itself listens for HTTPS only (port 9398), so such a
# url is a proxy or a port forward in front of it, or a mistake, and the logon crosses it in clear.
CLEARTEXT_WARNING = (
    "url is plain http://: the username, the password and the session token travel unencrypted and can be "
    "read on the network. Use https:// (Enterprise Manager's REST API listens for HTTPS on port 9398)."
)


def _default(name: str) -> Any:
    return OPTIONS[name].default


@dataclass(frozen=True)
class ConnectionOptions:
    """The connection options, checked; the defaults and bounds are _options.CONNECTION_OPTIONS'."""

    url: str
    username: str
    password: str = field(repr=False)
    validate_certs: bool = _default("validate_certs")
    ca_path: str | None = _default("ca_path")
    timeout: float = _default("timeout")
    api_version: str = _default("api_version")
    page_size: int = _default("page_size")
    max_concurrency: int = _default("max_concurrency")
    proxy: str | None = field(default=_default("proxy"), repr=False)  # it may hold the proxy's own password
    retries: int = _default("retries")
    retry_backoff: float = _default("retry_backoff")

    def warnings(self) -> list[str]:
        """What every surface says once per run about how these options expose the credentials."""
        said = [] if self.validate_certs else [INSECURE_WARNING]
        if self.root().lower().startswith("http://"):
            said.append(CLEARTEXT_WARNING)
        return said

    def check(self) -> None:
        """Refuse unusable values before any request is sent."""
        check_no_control_characters("url", self.url.strip() if isinstance(self.url, str) else self.url)
        check_no_control_characters("username", self.username)
        check_no_control_characters("password", self.password, secret=True)
        self.root()
        for name in ("page_size", "max_concurrency", "timeout", "retries", "retry_backoff"):
            problem = OPTIONS[name].bounds_error(getattr(self, name))
            if problem:
                raise ConfigurationError(problem)
        check_proxy(self.proxy, self.root())
        if self.ca_path is not None:
            check_ca_file(self.ca_path)

    def root(self) -> str:
        return api_root(self.url)

    def pool_size(self) -> int:
        """Connections kept open: the inventory reads restore points and job includes on a
        second path beside the task sessions (plugin_utils._evidence_read), each with up to
        max_concurrency requests in flight; a smaller pool would close and reopen TLS
        connections at every request beyond it."""
        return 2 * self.max_concurrency

    def transport_options(self) -> TransportOptions:
        return TransportOptions(
            validate_certs=self.validate_certs, ca_path=self.ca_path, timeout=self.timeout,
            pool_size=self.pool_size(), max_retries=self.retries, backoff_base=self.retry_backoff,
            backoff_max=max(TransportOptions.backoff_max, self.retry_backoff), proxy=self.proxy,
        )


def connection_options_from(values: Mapping[str, Any], where: str = "",
                            environ: Mapping[str, str] | None = None) -> ConnectionOptions:
    """Checked ConnectionOptions from raw values: each in its natural YAML type or its string
    form ("3", "no", "1.5"); None or a missing key means unset, so the table's default.

    With `environ` (such as os.environ), an unset option comes from its VEEAM_EM_* variable.
    Keys that are not connection options are ignored (check them with
    _options.check_option_names). ConfigurationError names the option, the value and what it
    takes, after `where` and a colon when given ("enterprise_managers[0] (eu)").
    """
    try:
        given = read_connection_values(values, environ)
        missing = missing_required(given)
        if missing:
            raise ConfigurationError(missing)
        connection = ConnectionOptions(**given)
        connection.check()
    except ConfigurationError as error:
        if not where:
            raise
        raise ConfigurationError(f"{where}: {error}") from None
    return connection


def open_session(options: ConnectionOptions, transport: Transport | None = None,
                 on_retry: Callable[[str], Any] | None = None) -> EmSession:
    """An EmSession to use as a context manager: `with open_session(o) as em: ...`.

    `on_retry` is told each retry in one line; the edges show it at -vvv.
    """
    return EmSession(
        transport or Transport(options.transport_options(), on_retry=on_retry),
        options.root(),
        Credentials(options.username, options.password),
        options.api_version,
    )


@contextmanager
def open_api(options: ConnectionOptions, on_retry: Callable[[str], Any] | None = None,
             on_logout_failure: Callable[[str], Any] | None = None,
             transport: Transport | None = None) -> Iterator[EmApi]:
    """A logged-on EmApi for the `with` block; logged out on every way out of it (a return,
    an exception, KeyboardInterrupt, a cancelled asyncio task's CancelledError).

    `on_retry` is told each retry in one line (the edges show it at -vvv). A logout that
    fails never raises: its warning (EmSession.logout_warning, the one wording of it) goes
    to `on_logout_failure` once, after the logout, whether the block succeeded or not; each
    surface only chooses how to show it (module.warn, display.warning, logger.warning).
    """
    session = open_session(options, transport, on_retry)
    try:
        with session:
            yield EmApi(session, options.page_size, options.max_concurrency)
    finally:
        if session.logout_warning and on_logout_failure is not None:
            on_logout_failure(session.logout_warning)
