"""Answers of the services users point `url` at by mistake (SimulatorConfig.answer_as).

- "vbr-rest": the backup server's own REST API (port 9419), which answers every path
  under /api that it does not have with a JSON 404 (field sample F4);
- "web-ui": Enterprise Manager's web UI (port 9443), an HTML application;
- "proxy-error": a reverse proxy that cannot reach EM and says so in an HTML 502 page.
"""
from __future__ import annotations

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

VBR_REST_NOT_FOUND = b'{"errorCode":"NotFound","message":"The requested resource was not found.","resourceId":null}'
WEB_UI_PAGE = (
    b"<!DOCTYPE html>\r\n<html lang=\"en\">\r\n<head>\r\n<meta charset=\"utf-8\">\r\n"
    b"<title>Veeam Backup Enterprise Manager</title>\r\n</head>\r\n<body>\r\n"
    b"<div id=\"app\">Loading...</div>\r\n<script src=\"/scripts/app.js\"></script>\r\n</body>\r\n</html>\r\n"
)
WEB_UI_METHOD_NOT_ALLOWED = (
    b"<!DOCTYPE html>\r\n<html><head><title>405 - HTTP verb used to access this page is not allowed.</title></head>"
    b"\r\n<body><h2>405 - HTTP verb used to access this page is not allowed.</h2></body></html>\r\n"
)
PROXY_BAD_GATEWAY = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def answer(answer_as: str, method: str, path: str) -> tuple[int, bytes, list[tuple[str, str]]]:
    """(status, body, headers) of that service for any request; the path does not matter."""
    if answer_as == "vbr-rest":
        return 404, VBR_REST_NOT_FOUND, [("Content-Type", JSON_TYPE)]
    if answer_as == "web-ui":
        if method == "GET":
            return 200, WEB_UI_PAGE, [("Content-Type", HTML_TYPE)]
        return 405, WEB_UI_METHOD_NOT_ALLOWED, [("Content-Type", HTML_TYPE), ("Allow", "GET, HEAD")]
    return 502, PROXY_BAD_GATEWAY, [("Content-Type", HTML_TYPE), ("Server", "nginx")]
