# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""https:// to a port that answers plain HTTP (issue 29): OpenSSL says only
WRONG_VERSION_NUMBER; the collection says what the port is and the two fixes, over real
sockets, and asks again only when no certificate was checked."""
from __future__ import annotations

import socket
import threading
from typing import Iterator

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import CertificateError, ConnectionFailure, VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils.em import _transport
from ansible_collections.veeam_em.core.plugins.module_utils.em._peer_certificate import answers_plain_http
from ansible_collections.veeam_em.core.tests.em_simulator import DEFAULT_PASSWORD, DEFAULT_USERNAME, EmSimulator, load_fixture
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED


@pytest.fixture(scope="module")
def plain_simulator() -> Iterator[EmSimulator]:
    """The simulator serving plain HTTP, as `--no-tls` does."""
    with EmSimulator(load_fixture(DOCUMENTED), tls=False) as simulator:
        yield simulator


def _serve_once(answer: bytes) -> tuple[int, threading.Thread]:
    """A loopback port that reads what comes, sends `answer` (nothing: it just closes) and closes."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        with listener:
            connection, _address = listener.accept()
            with connection:
                connection.recv(4096)
                connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return port, thread


def failure(url: str, notes: list[str]) -> VeeamEmError:
    options = ConnectionOptions(url=url, username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD, retry_backoff=0.01)
    with pytest.raises(VeeamEmError) as caught:
        with open_session(options, on_retry=notes.append) as em:
            em.get("backupServers")
    return caught.value


def test_https_to_a_plain_http_port_says_so_and_names_both_fixes(plain_simulator):
    port = plain_simulator.port
    notes: list[str] = []
    error = failure(f"https://127.0.0.1:{port}/api", notes)
    assert isinstance(error, ConnectionFailure) and not isinstance(error, CertificateError)
    assert str(error) == (
        f"127.0.0.1:{port} answers plain HTTP, but url uses https:// (POST https://127.0.0.1:{port}/api/sessionMngr/): "
        "Enterprise Manager's REST API is served over HTTPS (port 9398 unless it was installed with another), so "
        "check the port in url; if this plain-HTTP port is really meant, use http:// "
        f"(url: http://127.0.0.1:{port}/api), knowing that the username, the password and the session token then "
        "travel unencrypted. Not retried")
    assert notes == []
    assert "WRONG_VERSION_NUMBER" not in str(error)


def test_the_fix_it_names_works(plain_simulator):
    options = ConnectionOptions(url=f"http://127.0.0.1:{plain_simulator.port}/api", username=DEFAULT_USERNAME,
                                password=DEFAULT_PASSWORD)
    with open_session(options) as em:
        assert em.get("backupServers") is not None


def test_a_status_line_answer_is_plain_http():
    # HTTP.sys, nginx and IIS answer a TLS hello with a status line.
    port, thread = _serve_once(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    assert answers_plain_http("127.0.0.1", port, 5.0)
    thread.join(5)


def test_a_port_that_closes_without_a_word_is_not_called_plain_http():
    port, thread = _serve_once(b"")
    assert not answers_plain_http("127.0.0.1", port, 5.0)
    thread.join(5)


def test_another_protocol_is_not_called_plain_http():
    port, thread = _serve_once(b"SSH-2.0-OpenSSH_9.6\r\n")
    assert not answers_plain_http("127.0.0.1", port, 5.0)
    thread.join(5)


def test_a_tls_port_is_not_plain_http(fresh_simulator):
    assert not answers_plain_http("127.0.0.1", fresh_simulator.port, 5.0)


def test_a_certificate_failure_does_not_ask_the_port_again(fresh_simulator, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(_transport, "answers_plain_http", lambda *args: asked.append("asked") or False)
    error = failure(fresh_simulator.url, [])  # the simulator's CA is not trusted here
    assert isinstance(error, CertificateError) and asked == []
