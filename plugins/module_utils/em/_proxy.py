# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which proxy, if any, carries the requests to Enterprise Manager.

A proxy is the path to EM, not another origin: over https:// the client asks the proxy
to CONNECT to EM's host and port and speaks TLS to EM through that tunnel, so the proxy
sees neither the credentials nor the token. Over http:// a proxy would read both, so no
proxy is used for an http:// url, and an explicit one is refused.
"""
from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

PROXY_SCHEMES = ("http", "https")
PROXY_EXAMPLE = "http://proxy.example.com:3128"
# For requests: None for a scheme means "no proxy", even when the environment names one.
NO_PROXIES: dict[str, Optional[str]] = {"http": None, "https": None}


def shown_proxy(proxy: str) -> str:
    """The proxy url as it may be shown: without a user name or password it may hold."""
    parts = urlsplit(proxy)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def check_proxy(proxy: str | None, api_root: str) -> None:
    """Refuse a proxy url requests cannot use, or one that would see the credentials."""
    if proxy is None:
        return
    parts = urlsplit(proxy)
    shown = shown_proxy(proxy)
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname:
        raise ConfigurationError(f"proxy {shown!r} must be an http:// or https:// proxy url, e.g. {PROXY_EXAMPLE}")
    try:
        parts.port
    except ValueError:
        raise ConfigurationError(f"proxy {shown!r} has an invalid port: use a number from 1 to 65535") from None
    if not api_root.startswith("https://"):
        raise ConfigurationError(
            f"proxy {shown!r} cannot be used with an http:// url: the proxy would read the credentials. "
            "Use Enterprise Manager's https:// address."
        )


def request_proxies(proxy: str | None, url: str) -> dict[str, Optional[str]] | None:
    """The `proxies` argument of every request.

    None lets requests apply the environment (HTTPS_PROXY, NO_PROXY...) per request. An
    explicit proxy is used for EM whatever NO_PROXY says: the user named it for this EM.
    """
    if not url.startswith("https://"):
        return dict(NO_PROXIES)
    if proxy is None:
        return None
    return {"http": proxy, "https": proxy}


def without_secret(text: str, proxy: str | None) -> str:
    """An error text with the proxy's user name and password, if it has them, taken out."""
    if not proxy:
        return text
    text = text.replace(proxy, shown_proxy(proxy))
    password = urlsplit(proxy).password
    return text.replace(password, "***") if password else text
