"""The EM simulator in a process of its own, for benchmarks and soaks: a client measured
in the same process would share its interpreter (and GIL) with the server it measures."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any

import requests

# The directory that holds the em_simulator package, put on the child's PYTHONPATH.
TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class SimulatorProcess:
    def __init__(self, *args: str) -> None:
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix="em-bench-")
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.ca_path = ""
        self.task_sessions = self.job_sessions = self.jobs = self.replica_points = 0

    def __enter__(self) -> SimulatorProcess:
        try:
            return self._start()
        except BaseException:
            self._stop()  # a simulator that did not start: no process or folder left behind
            raise

    def _start(self) -> SimulatorProcess:
        ready = os.path.join(self.workdir, "ready.json")
        command = [sys.executable, "-m", "em_simulator", "--port", "0", "--ready-file", ready,
                   "--ca-out", os.path.join(self.workdir, "ca.pem"), *self.args]
        # The child's own folder of certificates goes inside workdir: removed with it even if
        # the child has to be killed and cannot remove it itself.
        env = {**os.environ, "PYTHONPATH": TESTS_DIR, "TMPDIR": self.workdir}
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 600
        while not (os.path.exists(ready) and os.path.getsize(ready)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the simulator did not start: {self._stderr()}")
            time.sleep(0.1)
        with open(ready, encoding="utf-8") as handle:
            details = json.load(handle)
        self.url, self.ca_path = details["url"], details["ca_path"]
        self.task_sessions, self.job_sessions = details["task_sessions"], details["job_sessions"]
        self.jobs, self.replica_points = details.get("jobs", 0), details.get("replica_points", 0)
        return self

    def _stderr(self) -> str:
        """What the child wrote to stderr, once it has exited (reading a live one's would block)."""
        return self.process.stderr.read() if self.process and self.process.poll() is not None and self.process.stderr else ""

    def __exit__(self, *exc_info: object) -> None:
        self._stop()

    def _stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after 60 s) and remove workdir, which ends with it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stderr:
            self.process.stderr.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _control(self, method: str, action: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        response = requests.request(method, self.url.replace("/api/", f"/_simulator/{action}"), json=payload,
                                    verify=self.ca_path, timeout=60)
        response.raise_for_status()
        return response.json()

    def configure(self, **changes: Any) -> dict[str, Any]:
        return self._control("POST", "config", changes)

    def reset(self) -> dict[str, Any]:
        return self._control("POST", "reset", {"drop_sessions": True})

    def stats(self) -> dict[str, Any]:
        return self._control("GET", "stats")

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the child's simulated time on (runs, tasks, collections): {"now": ...}."""
        return self._control("POST", "advance", {"seconds": seconds})
