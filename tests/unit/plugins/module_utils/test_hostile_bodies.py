"""Hostile answers are refused with bounded memory: huge, deeply nested, invalid UTF-8."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ProtocolError
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport, TransportOptions

MIB = 1024 * 1024
HUGE = 200 * MIB
NS = "http://www.veeam.com/ent/v1.0"


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sent = 0
    paths: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        if self.path == "/declared":
            self.send_header("Content-Length", str(HUGE))
            self.end_headers()
            self._stream(HUGE)
        else:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._stream(HUGE, chunked=True)

    def _stream(self, total: int, chunked: bool = False) -> None:
        block = b"<" * MIB
        try:
            for _block in range(total // MIB):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
                type(self).sent += len(block)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up, as it should


@pytest.fixture
def hostile_server():
    _Hostile.sent = 0
    _Hostile.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/declared", "/chunked"])
def test_a_200_mb_body_is_refused_without_reading_it_all(hostile_server, path):
    transport = Transport(TransportOptions(max_body_bytes=4 * MIB, max_retries=0))
    with pytest.raises(ProtocolError, match="larger than 4 MiB.*page_size"):
        transport.request("GET", hostile_server + path)
    transport.close()
    assert _Hostile.sent < HUGE / 2


def test_deeply_nested_elements_are_a_protocol_error():
    body = (f'<QueryResult xmlns="{NS}">' + "<a>" * 100_000 + "</a>" * 100_000 + "</QueryResult>").encode()
    with pytest.raises(ProtocolError, match="not well-formed|nest|depth"):
        codec.parse_document(body, "https://em/api/query", 200)


def test_invalid_utf8_is_a_protocol_error():
    body = f'<?xml version="1.0" encoding="utf-8"?><Error xmlns="{NS}" Message="'.encode() + b"\xff\xfe\xc3(" + b'" />'
    with pytest.raises(ProtocolError, match="https://em/api/x.*HTTP 500"):
        codec.parse_document(body, "https://em/api/x", 500)


def test_redirects_are_not_followed_so_the_token_stays_put(hostile_server):
    transport = Transport(TransportOptions(max_retries=0))
    answer = transport.request("GET", hostile_server + "/redirect", headers={"X-RestSvcSessionId": "secret-token"})
    transport.close()
    assert answer.status_code == 302 and _Hostile.paths == ["/redirect"]
