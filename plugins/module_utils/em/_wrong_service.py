# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Answers from something other than Enterprise Manager's REST API, recognised and named.

Users paste the backup server's own REST API (port 9419, JSON), Enterprise Manager's web
UI (port 9443, HTML) or land on a proxy's HTML error page. The client asks for XML only
(`Accept: application/xml`), and EM's REST API then answers in XML, errors included; so a
JSON, HTML or plain-text answer means another service, and the message says which and
what to change instead of "not well-formed XML".
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from ansible_collections.veeam_em.core.plugins.module_utils._errors import NotEnterpriseManager
from ansible_collections.veeam_em.core.plugins.module_utils.em._url import https_instead

# Ports of the services users confuse with EM's REST API (Veeam's port reference).
VBR_REST_PORT = 9419
WEB_UI_PORT = 9443
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
_SHOWN = 120
# nginx's (and some load balancers') answer to plain HTTP on its TLS port: "400 Bad Request,
# The plain HTTP request was sent to HTTPS port".
_PLAIN_TO_TLS = b"plain http request was sent to https port"


def not_enterprise_manager(body: bytes, content_type: str | None, url: str, status: int,
                           method: str) -> NotEnterpriseManager | None:
    """The error naming what answered at `url`, or None when the answer may be EM's XML."""
    if url.startswith("http://") and _PLAIN_TO_TLS in body[:4096].lower():
        return NotEnterpriseManager(https_instead(url))
    kind = _kind(body, (content_type or "").lower())
    if kind is None:
        return None
    found = {"json": _json_found, "html": _html_found, "text": _text_found}[kind](body, url)
    return NotEnterpriseManager(
        f"the answer to {method} {url} (HTTP {status}) is not Enterprise Manager's REST API: {found}. "
        f"{_fix(url)}"
    )


def _kind(body: bytes, content_type: str) -> str | None:
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].lower()
    if start.startswith((b"{", b"[")) or "json" in content_type:
        return "json"
    if start.startswith((b"<!doctype html", b"<html")) or "html" in content_type:
        return "html"
    if content_type.startswith("text/plain") or (start and not start.startswith(b"<")):
        return "text"
    return None


def _json_found(body: bytes, url: str) -> str:
    try:
        document = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError:
        document = None
    if (isinstance(document, dict) and "errorCode" in document) or _port(url) == VBR_REST_PORT:
        # {"errorCode":..., "message":...} is the VBR REST API's error shape (field sample F4).
        return (f"it answered in JSON ({_shown(body)}), like the Veeam Backup & Replication REST API "
                f"of a backup server (port {VBR_REST_PORT}), which is a different API")
    return f"it answered in JSON ({_shown(body)}), not in XML as asked"


def _html_found(body: bytes, url: str) -> str:
    match = _TITLE.search(body[:65536])
    title = _TAGS.sub("", match.group(1).decode("utf-8", errors="replace")).strip() if match else ""
    page = f'an HTML page titled "{_cut(" ".join(title.split()))}"' if title else "an HTML page"
    if _port(url) == WEB_UI_PORT or "enterprise manager" in title.lower():
        return f"it is {page}, like Enterprise Manager's web UI (port {WEB_UI_PORT}), not its REST API"
    return f"it is {page}, such as a web site or a proxy's error page"


def _text_found(body: bytes, url: str) -> str:
    return f"it answered in plain text ({_shown(body)})"


def _fix(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "em.example.com"
    return (f"Enterprise Manager's REST API listens on HTTPS port 9398 under /api: set url to "
            f"https://<Enterprise Manager host>:9398/api (the url now names {host} port {_port(url)}; "
            "check the host, the port and any proxy in between)")


def _port(url: str) -> int | None:
    try:
        return urlsplit(url).port
    except ValueError:
        return None


def _shown(body: bytes) -> str:
    return _cut(" ".join(body.decode("utf-8-sig", errors="replace").split()))


def _cut(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
