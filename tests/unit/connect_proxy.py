"""A tiny real HTTP CONNECT proxy (stdlib only) for the proxy tests.

It accepts CONNECT host:port, records the request line and headers, opens a TCP
connection to the target, answers 200 and relays bytes both ways, keeping a copy of
what the client sent through the tunnel so a test can check the proxy never saw a
credential in clear. `refuse` answers 403 instead; `require` (user, password) answers
407 to a CONNECT without that Proxy-Authorization.
"""
from __future__ import annotations

import base64
import select
import socket
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Seen:
    connects: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    tunnelled: bytearray = field(default_factory=bytearray)
    plain_requests: list[str] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        request_line = self.rfile.readline(65536).decode("latin-1").strip()
        headers = {}
        while True:
            line = self.rfile.readline(65536).decode("latin-1")
            if line in ("\r\n", "\n", ""):
                break
            name, _colon, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        method, _space, rest = request_line.partition(" ")
        with self.server.lock:
            self.server.seen.headers.append(headers)
            if method != "CONNECT":
                self.server.seen.plain_requests.append(request_line)
        if method != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        target = rest.split(" ")[0]
        with self.server.lock:
            self.server.seen.connects.append(target)
        if self.server.refuse or not self._authorised(headers):
            status = b"403 Forbidden" if self.server.refuse else b"407 Proxy Authentication Required"
            self.wfile.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        host, _colon, port = target.rpartition(":")
        with socket.create_connection((host.strip("[]"), int(port)), timeout=10) as upstream:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            self._relay(upstream)

    def _authorised(self, headers: dict[str, str]) -> bool:
        if self.server.require is None:
            return True
        expected = base64.b64encode(":".join(self.server.require).encode()).decode()
        return headers.get("proxy-authorization") == f"Basic {expected}"

    def _relay(self, upstream: socket.socket) -> None:
        client = self.connection
        pending = self.rfile.peek() if hasattr(self.rfile, "peek") else b""
        if pending:
            data = self.rfile.read(len(pending))
            self._record(data)
            upstream.sendall(data)
        while True:
            readable = select.select([client, upstream], [], [], 10)[0]
            if not readable:
                return
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                if source is client:
                    self._record(data)
                    upstream.sendall(data)
                else:
                    client.sendall(data)

    def _record(self, data: bytes) -> None:
        with self.server.lock:
            self.server.seen.tunnelled += data


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, refuse: bool, require: tuple[str, str] | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen = Seen()
        self.lock = threading.Lock()
        self.refuse = refuse
        self.require = require


class ConnectProxy:
    """`with ConnectProxy() as proxy:` listens on loopback; proxy.url, proxy.seen."""

    def __init__(self, refuse: bool = False, require: tuple[str, str] | None = None) -> None:
        self._server = _Server(refuse, require)
        self.port = self._server.server_address[1]
        self.seen = self._server.seen
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, userinfo: str = "") -> str:
        return f"http://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}"

    def __enter__(self) -> ConnectProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
