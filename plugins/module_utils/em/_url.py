# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that turns the user's `url` into EM's API root."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

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


def public_url(url: str | None) -> str | None:
    """The url as a report may show it: scheme, host, port (when given) and path, without the
    user, password, query or fragment, any of which may hold a secret; scheme and host in lower
    case, as urlsplit gives them. None when it names no host (empty, or unreadable).

    >>> public_url("https://CORP%5Cuser:pw@EM.example.com:9398/api/?token=x#y")
    'https://em.example.com:9398/api/'
    """
    parts = urlsplit(url.strip()) if isinstance(url, str) else None
    if parts is None or not parts.hostname:
        return None
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}{port}{parts.path}"


def on_origin(href: str, root: str) -> str:
    """A link EM sent, re-based onto the configured API root's origin.

    EM builds every Href from its own configured host name, which is often not the name
    the user connects to (an IP, an alias, a load balancer); following it would send the
    session token to a host the user never named. Only the link's path and query are
    kept. A relative href is taken as a path under the API root.
    """
    parts = urlsplit(href)
    origin = urlsplit(root)
    if not parts.scheme and not parts.netloc:
        path = f"{origin.path}/{parts.path.lstrip('/')}"
        return urlunsplit((origin.scheme, origin.netloc, path, parts.query, ""))
    return urlunsplit((origin.scheme, origin.netloc, parts.path or "/", parts.query, ""))


def https_instead(url: str) -> str:
    """The message for an http:// url whose host and port answer TLS (or say plain HTTP
    reached their HTTPS port): the same address with https://, as the url to set."""
    parts = urlsplit(url)
    fixed = urlunsplit(("https", parts.netloc, "/api", "", ""))
    return (f"{parts.hostname}:{parts.port} speaks HTTPS, but url uses http://: use https:// "
            f"(url: {fixed}). Enterprise Manager's REST API is served over HTTPS only (port 9398 by default)")
