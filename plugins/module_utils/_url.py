# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that turns the user's `url` into EM's API root."""
from __future__ import annotations

from urllib.parse import urlsplit

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

DEFAULT_PORT = 9398
ACCEPTED_PATHS = ("", "/", "/api", "/api/")
EXAMPLE = "https://em.example.com:9398/api"


def api_root(url: str | None) -> str:
    """'https://host:port/api' for a url given with or without /api, a slash or a port.

    Raises ConfigurationError before any request for anything else. The message never
    repeats a password that was put into the url by mistake.
    """
    if not url or not isinstance(url, str) or not url.strip():
        raise ConfigurationError(f"url is required: the address of Enterprise Manager, e.g. {EXAMPLE}")
    parts = urlsplit(url.strip())
    shown = _without_userinfo(parts)
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigurationError(f"url {shown!r} must start with https:// (or http://), e.g. {EXAMPLE}")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(f"url {shown!r} must not hold credentials: use the username and password options")
    if not parts.hostname:
        raise ConfigurationError(f"url {shown!r} has no host name, e.g. {EXAMPLE}")
    if parts.path.rstrip() not in ACCEPTED_PATHS or parts.query or parts.fragment:
        raise ConfigurationError(f"url {shown!r} must be Enterprise Manager's address, optionally ending in /api, e.g. {EXAMPLE}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise ConfigurationError(f"url {shown!r} has an invalid port: use a number from 1 to 65535") from None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme.lower()}://{host}:{port}/api"


def _without_userinfo(parts) -> str:
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=netloc).geturl()
