"""The simulator's command line: one-line errors, readiness, clean stops on signals."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

TESTS_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(TESTS_DIR, "em_simulator", "fixtures", "documented_examples.json")


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": TESTS_DIR}
    return subprocess.run([sys.executable, "-m", "em_simulator", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)


def start_cli(tmp_path, *args: str) -> tuple[subprocess.Popen, dict]:
    ready = tmp_path / "ready.json"
    env = {**os.environ, "PYTHONPATH": TESTS_DIR}
    process = subprocess.Popen(
        [sys.executable, "-m", "em_simulator", "--port", "0", "--ready-file", str(ready), "--fixture", FIXTURE, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    deadline = time.monotonic() + 60
    while not ready.exists() or not ready.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"simulator did not start: {process.communicate()}")
        time.sleep(0.05)
    return process, json.loads(ready.read_text())


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("em_simulator: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--colour", "red"], "--colour"),
        (["--port", "70000"], "invalid port"),
        (["--port", "http"], "invalid port"),
        (["--error-rate", "2"], "error_rate"),
        (["--days", "-1"], "must not be negative"),
        (["--filter-precedence", "or-first"], "or-first"),
        (["--fixture", "/nonexistent/data.json"], "cannot read fixture"),
        (["--cert", "/nonexistent/cert.pem"], "--cert and --key go together"),
        (["--cert", "/nonexistent/cert.pem", "--key", "/nonexistent/key.pem"], "cannot use certificate"),
        (["--password-env", "EM_SIM_TEST_UNSET_VARIABLE"], "EM_SIM_TEST_UNSET_VARIABLE is not set"),
        (["--password-env", "PATH", "--password", "x"], "not both"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(args, fragment):
    assert_one_line_error(run_cli(*args), fragment)


def test_unusable_certificate_file(tmp_path):
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate")
    assert_one_line_error(run_cli("--cert", str(cert), "--key", str(cert)), "cannot use certificate")


def test_port_in_use(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert_one_line_error(run_cli("--port", str(port), "--fixture", FIXTURE), f"cannot listen on 127.0.0.1:{port}")


def test_help_lists_the_options():
    result = run_cli("--help")
    assert result.returncode == 0
    for option in ("--port", "--no-tls", "--seed", "--fixture", "--error-rate", "--token-expiry-after"):
        assert option in result.stdout


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serves_then_stops_cleanly_on_signal(tmp_path, signum):
    process, ready = start_cli(tmp_path, "--ca-out", str(tmp_path / "ca.pem"))
    try:
        assert ready["ca_path"] == str(tmp_path / "ca.pem") and ready["task_sessions"] == 5
        assert requests.get(ready["url"], verify=ready["ca_path"], timeout=5).status_code == 200
    finally:
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "listening on https://127.0.0.1:" in stdout and "em_simulator: stopped" in stdout
    assert "Traceback" not in stderr


def test_password_from_the_environment(tmp_path, monkeypatch):
    """--password-env: the account's password is on no command line (test scripts trace theirs)."""
    monkeypatch.setenv("EM_SIM_TEST_PASSWORD", "from-env:pw")
    process, ready = start_cli(tmp_path, "--no-tls", "--username", "EM\\ops", "--password-env", "EM_SIM_TEST_PASSWORD")
    try:
        good = requests.post(ready["url"] + "sessionMngr/", auth=(b"EM\\ops", b"from-env:pw"), timeout=5)
        named = requests.post(ready["url"] + "sessionMngr/", auth=(b"EM\\ops", b"EM_SIM_TEST_PASSWORD"), timeout=5)
        assert (good.status_code, named.status_code) == (201, 401)
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_plain_http_and_custom_account(tmp_path):
    process, ready = start_cli(tmp_path, "--no-tls", "--username", "EM\\ops", "--password", "pa:ss")
    try:
        url = ready["url"]
        assert url.startswith("http://") and ready["ca_path"] is None
        good = requests.post(url + "sessionMngr/", auth=(b"EM\\ops", b"pa:ss"), timeout=5)
        default = requests.post(url + "sessionMngr/", auth=(b"CORP\\em-reader", b"Sim-Passw0rd!"), timeout=5)
        assert (good.status_code, default.status_code) == (201, 401)
    finally:
        process.terminate()
        process.communicate(timeout=30)
