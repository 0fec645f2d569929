"""The collection as users run it, for `make bench`: ansible-inventory with the replicas
plugin and ansible-playbook with replica_task_session_info, each a child process whose
wall time and peak RSS (os.wait4: the largest process of its tree) are measured."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
# ansible-inventory itself, with the plugin's parse and ansible-core's listing timed apart.
TIMED_INVENTORY = os.path.join(ROOT, "benchmarks", "_timed_inventory.py")
PLAYBOOK = """- name: Read replica task sessions
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Every task session of the window
      veeam_em.core.replica_task_session_info:
        created_after: "{days}d"
        max_concurrency: {concurrency}
      register: found
    - name: Count them
      ansible.builtin.debug:
        msg: "records={{{{ found.replica_task_sessions | length }}}}"
"""


@dataclass
class Child:
    seconds: float
    rss_mb: float
    code: int
    stdout: str
    stderr: str
    phases: dict[str, float] = field(default_factory=dict)


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
            return Child(seconds, usage.ru_maxrss / 1024, process.returncode, out.read(), err.read())

    def inventory(self, days: float, concurrency: int = 4, cache_dir: str | None = None) -> tuple[Child, int]:
        """ansible-inventory --list over `days`; the child and the number of hosts listed."""
        lines = ["plugin: veeam_em.core.replicas", f"created_after: {days}d", "rpo: 24h",
                 f"max_concurrency: {concurrency}"]
        if cache_dir:
            lines += ["cache: true", "cache_plugin: ansible.builtin.jsonfile",
                      f"cache_connection: {cache_dir}", "cache_timeout: 3600"]
        config = self._write("bench.veeam_em.yml", "\n".join(lines) + "\n")
        phases_path = os.path.join(self.workdir, "phases.json")
        if os.path.exists(phases_path):
            os.unlink(phases_path)
        self.env["BENCH_PHASES_FILE"] = phases_path
        child = self.run(sys.executable, TIMED_INVENTORY, "-i", config, "--list")
        hosts = len(json.loads(child.stdout).get("_meta", {}).get("hostvars", {})) if child.code == 0 else 0
        if child.code == 0:
            with open(phases_path, encoding="utf-8") as handle:
                child.phases = json.load(handle)
        return child, hosts

    def playbook(self, days: float, concurrency: int = 4) -> tuple[Child, int]:
        """ansible-playbook with replica_task_session_info; the child and the records returned."""
        path = self._write("bench.yml", PLAYBOOK.format(days=days, concurrency=concurrency))
        child = self.run(os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", path)
        found = re.search(r"records=(\d+)", child.stdout)
        return child, int(found.group(1)) if found else 0


def check(child: Child, what: str) -> None:
    if child.code != 0:
        raise RuntimeError(f"{what} failed with exit code {child.code}:\n{child.stderr[-3000:]}{child.stdout[-2000:]}")


def summary(child: Child, stats: dict[str, Any], items: int) -> dict[str, Any]:
    return {"seconds": round(child.seconds, 2), "requests": stats["requests"], "by_path": stats["by_path"],
            "rss_mb": round(child.rss_mb, 1), "items": items, "phases": child.phases}
