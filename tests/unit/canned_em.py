"""A loopback HTTP server that answers from canned bodies (field samples) and records
every request it gets, for tests that must replay exactly what a real EM sent."""
from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

Canned = tuple[int, list[tuple[str, str]], bytes]
Route = Callable[[str, str], "Canned | None"]  # (method, path) -> answer, or None for 404


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


class CannedServer:
    """`with CannedServer(route) as server:` then `server.origin`, `server.hits`."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.hits: list[Hit] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                outer.hits.append(Hit(self.command, self.path, dict(self.headers.items())))
                status, headers, body = outer.route(self.command, self.path) or (404, [], b"")
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> CannedServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def read_http_sample(path: str) -> Canned:
    """(status, headers, body) of a raw HTTP answer saved as text (status line, headers, body)."""
    with open(path, "rb") as handle:
        head, _blank, body = handle.read().replace(b"\r\n", b"\n").partition(b"\n\n")
    status_line, *header_lines = head.decode("ascii").split("\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in header_lines if ":" in line]
    return int(status_line.split()[1]), headers, body  # type: ignore[return-value]


class ConnectionRecorder:
    """A loopback TCP listener that only counts the connections it accepts: a stand-in for
    "another host" that must never hear from the client (TLS or not, anything counts)."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()

    def __enter__(self) -> ConnectionRecorder:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self._socket.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            connection.close()

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._socket.close()
