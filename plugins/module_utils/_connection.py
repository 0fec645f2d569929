# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by modules, the inventory plugin and the role, and the
factory that turns them into a logged-on EM session."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils.em._ca_file import check_ca_file
from ansible_collections.veeam_em.core.plugins.module_utils.em._control_characters import check_no_control_characters
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.em._paging import DEFAULT_MAX_CONCURRENCY, DEFAULT_PAGE_SIZE
from ansible_collections.veeam_em.core.plugins.module_utils.em._proxy import check_proxy
from ansible_collections.veeam_em.core.plugins.module_utils.em._session import LATEST, Credentials, EmSession
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport, TransportOptions
from ansible_collections.veeam_em.core.plugins.module_utils.em._url import api_root

MAX_PAGE_SIZE = 10_000
MAX_CONCURRENCY = 16
MAX_RETRIES = 10
MAX_RETRY_BACKOFF = 30.0
# Said once per module run or inventory parse when validate_certs is false.
INSECURE_WARNING = (
    "validate_certs is false: Enterprise Manager's certificate is not checked, so the credentials "
    "could be sent to an impostor. Prefer ca_path."
)


@dataclass(frozen=True)
class ConnectionOptions:
    url: str
    username: str
    password: str = field(repr=False)
    validate_certs: bool = True
    ca_path: str | None = None
    timeout: float = 60.0
    api_version: str = LATEST
    page_size: int = DEFAULT_PAGE_SIZE
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    proxy: str | None = field(default=None, repr=False)  # it may hold the proxy's own password
    retries: int = TransportOptions.max_retries
    retry_backoff: float = TransportOptions.backoff_base

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> ConnectionOptions:
        """Build from Ansible-style options (None means 'use the default')."""
        given = {name: options.get(name) for name in cls.__dataclass_fields__ if options.get(name) is not None}
        missing = [name for name in ("url", "username", "password") if name not in given]
        if missing:
            raise ConfigurationError(
                f"missing connection option(s): {', '.join(missing)}; set them as options or through "
                + ", ".join(f"VEEAM_EM_{name.upper()}" for name in missing)
            )
        connection = cls(**given)
        connection.check()
        return connection

    def check(self) -> None:
        """Refuse unusable values before any request is sent."""
        check_no_control_characters("url", self.url.strip() if isinstance(self.url, str) else self.url)
        check_no_control_characters("username", self.username)
        check_no_control_characters("password", self.password, secret=True)
        self.root()
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {self.page_size}")
        if not 1 <= self.max_concurrency <= MAX_CONCURRENCY:
            raise ConfigurationError(f"max_concurrency must be between 1 and {MAX_CONCURRENCY}, not {self.max_concurrency}")
        if not self.timeout > 0:
            raise ConfigurationError(f"timeout must be a positive number of seconds, not {self.timeout}")
        if not 0 <= self.retries <= MAX_RETRIES:
            raise ConfigurationError(f"retries must be between 0 and {MAX_RETRIES}, not {self.retries}")
        if not 0 < self.retry_backoff <= MAX_RETRY_BACKOFF:
            raise ConfigurationError(f"retry_backoff must be more than 0 and at most {MAX_RETRY_BACKOFF:g} seconds, "
                                     f"not {self.retry_backoff}")
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


# Every connection option, in one place for modules and plugins alike.
CONNECTION_OPTION_NAMES = tuple(ConnectionOptions.__dataclass_fields__)


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
