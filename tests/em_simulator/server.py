"""The simulator's HTTP(S) server: keep-alive, TLS per connection, faults, control endpoints."""
from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import ssl
import tempfile
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote, urlsplit

from .api import EmApi, Request, Response, error_response
from .auth import Account, SessionManager
from .clock import SimClock
from .config import SimulatorConfig
from .datagen import GeneratorSpec, generate
from .dataset import Dataset
from .faults import FaultPlan
from .model import RESULTS, format_utc, ticks_from_datetime
from .query import QUERY_TYPES
from .roles import PORTAL_ADMINISTRATOR
from .stats import Stats, path_key, write_key
from .tls import DEFAULT_HOSTNAMES, CertificateFiles, make_certificates, server_context

CONTROL_PREFIX = "/_simulator/"
CONNECTION_IDLE_SECONDS = 30
# Folders of throwaway certificates (private keys) not yet removed, each with the pid that made
# it: what a simulator never stopped leaves, removed when its interpreter exits.
_LIVE_TEMPDIRS: dict[str, int] = {}


@atexit.register
def _remove_unstopped_tempdirs() -> None:
    for path, pid in list(_LIVE_TEMPDIRS.items()):
        if pid == os.getpid():  # a forked child that exits normally must not take its parent's folders
            shutil.rmtree(path, ignore_errors=True)


PLAIN_HTTP_PAGE = (b"<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n"
                   b"<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent "
                   b"to HTTPS port</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
PLAIN_HTTP_ANSWER = (b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nConnection: close\r\n"
                     b"Content-Length: " + str(len(PLAIN_HTTP_PAGE)).encode() + b"\r\n\r\n" + PLAIN_HTTP_PAGE)


def _plain_http(connection: socket.socket) -> bool:
    """Whether the client opened with plain HTTP (a letter) rather than a TLS record (0x16)."""
    try:
        first = connection.recv(1, socket.MSG_PEEK)
    except OSError:
        return False
    return first.isalpha()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], simulator: EmSimulator, context: ssl.SSLContext | None) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.simulator = simulator
        self.ssl_context = context
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(CONNECTION_IDLE_SECONDS)
        # The handler writes the headers and the body in two sends; with Nagle's algorithm the
        # body waits for the client's delayed ACK of the headers, 40 ms on Linux, on every
        # answer smaller than a segment. EM's HTTP.sys answers without that wait.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is not None:
            if self.simulator.config.plain_http_on_tls == "nginx-400" and _plain_http(request):
                request.sendall(PLAIN_HTTP_ANSWER)
                return
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # the client refused the certificate or went away: nothing to serve
        with self.connections_lock:
            self.connections.add(request)
        try:
            self.RequestHandlerClass(request, client_address, self)
        finally:
            with self.connections_lock:
                self.connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-answer are normal (and injected); stay quiet about them.
        pass

    def close_connections(self) -> None:
        with self.connections_lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def version_string(self) -> str:
        return "Microsoft-HTTPAPI/2.0"  # what EM's HTTP.sys front end announces

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
        if self.server.simulator.verbose:
            super().log_message(format, *args)

    def _serve(self) -> None:
        body = self._read_body()
        split = urlsplit(self.path)
        path = unquote(split.path)
        params = {name.lower(): value for name, value in parse_qsl(split.query, keep_blank_values=True)}
        simulator = self.server.simulator
        if path.startswith(CONTROL_PREFIX):
            self._send(simulator.control(self.command, path[len(CONTROL_PREFIX):], body))
            return
        query_type = QUERY_TYPES.get(params.get("type", "").lower()) if path.rstrip("/") == "/api/query" else None
        simulator.stats.begin(path_key(self.command, path, query_type.name if query_type else None))
        write = write_key(self.command, path, params.get("action"))
        entry = simulator.stats.write(write) if write else None
        try:
            self._answer(simulator, path, params, entry)
        finally:
            simulator.stats.end()

    def _answer(self, simulator: EmSimulator, path: str, params: dict[str, str], entry: dict[str, Any] | None) -> None:
        fault = simulator.faults.next()
        if fault.delay:
            time.sleep(fault.delay)
        if self.command == "POST" and path.rstrip("/") == "/api/sessionMngr" and simulator.config.logon_delay_ms:
            time.sleep(simulator.config.logon_delay_ms / 1000.0)
        if fault.kind == "drop":
            simulator.stats.fault("drop")
            self.close_connection = True  # hang up without a word
            return
        if fault.kind == "error":
            simulator.stats.fault(f"error_{fault.status}")
            response = error_response(fault.status, "The service is temporarily unavailable; try again later")
            if simulator.config.retry_after is not None:
                response.headers.append(("Retry-After", str(simulator.config.retry_after)))
            simulator.stats.answered(entry, response.status)
            self._send(response)
            return
        port = self.server.server_address[1]
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{port}"
        base = simulator.config.link_base("https" if self.server.ssl_context else "http", host, port)
        response = simulator.api.handle(Request(self.command, path, params, self.headers, base))
        if fault.kind == "truncate" and response.body:
            simulator.stats.fault("truncate")
            response.body = response.body[: len(response.body) // 2]
            self.close_connection = True
        simulator.stats.answered(entry, response.status)
        self._send(response)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.body:
            self.wfile.write(response.body)


class EmSimulator:
    """The EM simulator, started on a background thread (tests) or by the CLI.

    Use as a context manager, or call start() and stop(). `url` is the API root
    (https://127.0.0.1:PORT/api/); `ca_path` is the CA to trust when TLS is on.
    The folder of made certificates is removed by stop(), by a start() that fails, and at
    interpreter exit when stop() never ran.
    """

    # Where start() makes that folder (None: the system's temp directory). A process that
    # forks children which end with os._exit (ansible-test's per-test fork) names a folder
    # of its own here and removes it itself: nothing in such a child runs to remove it.
    temp_parent: ClassVar[str | None] = None

    def __init__(
        self,
        dataset: Dataset | None = None,
        config: SimulatorConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: bool = True,
        certificates: CertificateFiles | None = None,
        cert_hostnames: tuple[str, ...] = DEFAULT_HOSTNAMES,
        certificate_profile: str = "strict",
        verbose: bool = False,
    ) -> None:
        self.dataset = dataset if dataset is not None else generate(GeneratorSpec())
        self.config = config or SimulatorConfig()
        self.host, self.port, self.verbose = host, port, verbose
        self.sessions = SessionManager(self.config.idle_timeout)
        self.stats = Stats()
        # Simulated time for runs, tasks and collections; advance() moves it on (clock.py).
        self.clock = SimClock()
        self.api = EmApi(self.dataset, self.config, self.sessions, self.stats, self.clock)
        self.faults = FaultPlan(self.config)
        self._tls, self._certificates, self._cert_hostnames = tls, certificates, cert_hostnames
        self._certificate_profile = certificate_profile
        self._tempdir: str | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> EmSimulator:
        try:
            return self._start()
        except BaseException:
            self._abandon()  # a port in use or unusable certificates: leave no folder behind
            raise

    def _start(self) -> EmSimulator:
        context = None
        if self._tls:
            if self._certificates is None:
                self._tempdir = self._make_tempdir()
                self._certificates = make_certificates(self._tempdir, self._cert_hostnames, self._certificate_profile)
            context = server_context(self._certificates)
        self._server = _Server((self.host, self.port), self, context)
        self.port = self._server.server_address[1]
        # A short poll: stop() waits for serve_forever to notice, up to one poll (0.5 s by default).
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="em-simulator", daemon=True)
        self._thread.start()
        return self

    def _make_tempdir(self) -> str:
        path = tempfile.mkdtemp(prefix="em-simulator-", dir=self.temp_parent)
        _LIVE_TEMPDIRS[path] = os.getpid()
        return path

    def _remove_tempdir(self) -> None:
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            _LIVE_TEMPDIRS.pop(self._tempdir, None)
            self._tempdir = None

    def _abandon(self) -> None:
        """Undo a start that failed half-way (shutdown() would wait for a serve_forever that never ran)."""
        if self._server is not None and (self._thread is None or not self._thread.is_alive()):
            self._server.server_close()
            self._server = None
        self.stop()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._server = None
        self._remove_tempdir()

    def __enter__(self) -> EmSimulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self._tls else 'http'}://{host}:{self.port}/api/"

    @property
    def ca_path(self) -> str | None:
        return self._certificates.ca if self._certificates else None

    def configure(self, **changes: Any) -> SimulatorConfig:
        """Switch readings or faults for the following requests (raises ValueError)."""
        self.config = self.config.changed(**changes)
        self.api.apply(self.config)
        self.faults.reconfigure(self.config)
        return self.config

    def add_user(self, name: str, password: str, roles: tuple[str, ...] = (PORTAL_ADMINISTRATOR,)) -> None:
        """Accept this account, holding these EM roles (roles.ROLES); () means none, so its logon
        is refused with 403. ValueError for a role EM does not have."""
        self.sessions.accounts[name] = Account(password, tuple(roles))

    def snapshot(self) -> dict[str, Any]:
        """Counts since the last reset, the EM logon sessions open right now, and every job run
        started here as its backup server knows it now (run_engine.summary)."""
        counts = self.stats.snapshot()
        counts["sessions"] = {**self.sessions.counts, "open": len(self.sessions.open_sessions())}
        counts["issued_tokens"] = list(self.sessions.issued_tokens)
        now = self.clock.now()
        self.api.runs.refresh(self.config, now)
        counts["runs"] = self.api.runs.summary(now)
        counts["now"] = format_utc(now)
        return counts

    def advance(self, seconds: float) -> str:
        """Move simulated time on (runs, tasks, collections; clock.py); the new now, as EM writes it."""
        return format_utc(self.clock.advance(float(seconds)))

    def reset_stats(self, drop_sessions: bool = False) -> None:
        self.stats.reset()
        self.sessions.reset_counts()
        if drop_sessions:
            self.sessions.drop_all()

    def complete_task_session(self, task_id: str | None, result: str = "Failed", reason: str = "") -> dict[str, Any]:
        """End a running task session now (the oldest running one when `task_id` is None), as a
        finished run would: {id, uid, vm_name, result, end_time}. KeyError or ValueError otherwise."""
        if result not in RESULTS:
            raise ValueError(f"result must be one of {', '.join(RESULTS)}")
        ended = ticks_from_datetime(datetime.now(timezone.utc))
        task = self.dataset.complete_task_session(task_id, result, max(ended, 0), reason)
        return {"id": task.id, "uid": task.uid, "vm_name": task.vm_name, "result": task.result,
                "reason": task.reason, "end_time": format_utc(task.ended)}

    def control(self, method: str, action: str, body: bytes) -> Response:
        """The /_simulator/ endpoints: GET stats, POST reset, POST config (JSON), POST complete
        ({"id": task session id or absent for the oldest running one, "result": "Failed", "reason": ...})
        and POST advance ({"seconds": N}: simulated time moves on; answers {"now": ...})."""
        try:
            request = json.loads(body or b"{}")
            if method == "GET" and action == "stats":
                answer: Any = self.snapshot()
            elif method == "POST" and action == "reset":
                self.reset_stats(bool(request.get("drop_sessions")))
                answer = self.snapshot()
            elif method == "POST" and action == "config":
                answer = vars(self.configure(**request))
            elif method == "POST" and action == "complete":
                answer = self.complete_task_session(request.get("id"), request.get("result", "Failed"),
                                                    request.get("reason", ""))
            elif method == "POST" and action == "advance":
                answer = {"now": self.advance(request["seconds"])}
            else:
                return error_response(404, f"No simulator control {method} {action}")
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            return error_response(400, str(error))
        payload = json.dumps(answer, default=list).encode("utf-8")
        return Response(200, payload, [("Content-Type", "application/json")])
