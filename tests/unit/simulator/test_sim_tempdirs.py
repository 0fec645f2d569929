"""No folder a simulator makes (throwaway certificates, a private key among them) outlives its owner:
not in a unit run as ansible-test runs it, not after a failed start, not after SIGTERM."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ansible_test
import pytest

from ansible_collections.veeam_em.core.tests.em_simulator.process import SimulatorProcess
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED

TESTS_DIR = Path(__file__).parents[2]
# The folder that holds ansible_collections/, for a Python started afresh (not resolved: it may be a link).
COLLECTIONS_ROOT = Path(__file__).parents[6]
# ansible-test's pytest plugin that runs each test in a fork of its own (ansible-test units uses it).
FORKED_PLUGIN_DIR = Path(ansible_test.__file__).parent / "_util" / "target" / "pytest" / "plugins"
CONFTEST = "ansible_collections.veeam_em.core.tests.unit.conftest"
# Three tests sharing the module-scoped simulator of conftest.py, as most unit test modules do.
THREE_TESTS = """
def test_one(documented_simulator):
    assert documented_simulator.ca_path

def test_two(documented_simulator):
    assert documented_simulator.ca_path

def test_three(documented_simulator):
    assert documented_simulator.ca_path
"""


def leftovers(folder: Path) -> list[str]:
    """What is left in a temp folder, pytest's own retained tmp_path folders aside."""
    return sorted(path.name for path in folder.iterdir() if not path.name.startswith("pytest-of-"))


def forked_run(tmp_path: Path, temp: Path) -> subprocess.CompletedProcess:
    """pytest as ansible-test units runs it (ansible_forked, conftest.py), with TMPDIR=temp."""
    (tmp_path / "test_three.py").write_text(THREE_TESTS, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # not the checkout's settings
    env = {**os.environ, "TMPDIR": str(temp), "PYTEST_PLUGINS": "ansible_forked",
           "PYTHONPATH": os.pathsep.join([str(FORKED_PLUGIN_DIR), str(COLLECTIONS_ROOT)])}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", CONFTEST,
                           str(tmp_path / "test_three.py")],
                          env=env, capture_output=True, text=True, timeout=300, check=False)


def test_a_unit_run_with_a_fork_per_test_leaves_no_simulator_folder(tmp_path):
    # Each forked test sets up the module's simulator anew and ends with os._exit(); only the
    # last one's teardown stops it. The others' folders must not be left in the temp directory.
    temp = tmp_path / "tmp"
    temp.mkdir()
    run = forked_run(tmp_path, temp)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout
    assert leftovers(temp) == []


def start_cli(temp: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(TESTS_DIR), "TMPDIR": str(temp)}
    return subprocess.Popen([sys.executable, "-m", "em_simulator", "--fixture", DOCUMENTED, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_a_simulator_that_cannot_listen_leaves_no_folder(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        process = start_cli(tmp_path, "--port", str(busy.getsockname()[1]))
        _stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and "cannot listen on" in stderr
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_simulator_stopped_by_a_signal_removes_its_folder(tmp_path, signum):
    ready = tmp_path / "ready.json"
    process = start_cli(tmp_path, "--port", "0", "--ready-file", str(ready))
    deadline = time.monotonic() + 60
    while not (ready.exists() and ready.read_text()) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [name for name in leftovers(tmp_path) if name.startswith("em-simulator-")], "no folder while serving"
    process.send_signal(signum)
    process.communicate(timeout=30)
    assert process.returncode == 0
    assert leftovers(tmp_path) == ["ready.json"]


def test_a_simulator_process_removes_its_work_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with SimulatorProcess("--fixture", DOCUMENTED) as simulator:
        assert Path(simulator.ca_path).is_file()
    assert leftovers(tmp_path) == []


def test_a_simulator_process_that_fails_to_start_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(RuntimeError, match="did not start"):
        with SimulatorProcess("--days", "-1"):
            pass
    assert leftovers(tmp_path) == []
