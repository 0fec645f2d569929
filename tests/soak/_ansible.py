"""Ansible commands run as child processes against a throwaway collections path, for the
soaks and the benchmarks: each run's wall time, CPU time and peak RSS (os.wait4: the largest
process of its tree) are measured."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field

# The collection's root (tests/soak/ is two levels down), linked into each collections path.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


@dataclass
class Child:
    seconds: float
    rss_mb: float
    code: int
    stdout: str
    stderr: str
    phases: dict[str, float] = field(default_factory=dict)
    # User plus system CPU seconds of the process tree (os.wait4): unlike the wall time, not
    # lengthened while a busy shared machine runs something else.
    cpu_seconds: float = 0.0


class Collection:
    """A throwaway collections path and ansible config under `workdir`."""

    def __init__(self, workdir: str, url: str, ca_path: str) -> None:
        self.workdir = workdir
        link = os.path.join(workdir, "collections", "ansible_collections", "veeam_em")
        os.makedirs(link, exist_ok=True)
        if not os.path.islink(os.path.join(link, "core")):
            os.symlink(ROOT, os.path.join(link, "core"))
        self.env = {
            **os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
            "ANSIBLE_COLLECTIONS_PATH": os.path.join(workdir, "collections"),
            "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", "ANSIBLE_NOCOLOR": "true",
            "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "tmp"), "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_RETRY_FILES_ENABLED": "false", "ANSIBLE_LOCALHOST_WARNING": "false",
            "VEEAM_EM_URL": url, "VEEAM_EM_CA_PATH": ca_path,
            "VEEAM_EM_USERNAME": "CORP\\em-reader", "VEEAM_EM_PASSWORD": "Sim-Passw0rd!",
        }

    def _write(self, name: str, text: str) -> str:
        path = os.path.join(self.workdir, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def run(self, *command: str) -> Child:
        """Run a command to its end; wall time and the peak RSS of its process tree."""
        out_path, err_path = os.path.join(self.workdir, "out.txt"), os.path.join(self.workdir, "err.txt")
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen(command, env=self.env, stdout=out, stderr=err, cwd=self.workdir)
            status, usage = os.wait4(process.pid, 0)[1:]
            seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
        with open(out_path, encoding="utf-8") as out, open(err_path, encoding="utf-8") as err:
            return Child(seconds, usage.ru_maxrss / 1024, process.returncode, out.read(), err.read(),
                         cpu_seconds=usage.ru_utime + usage.ru_stime)
