"""The collection as users run it, for `make bench`: ansible-inventory with the replicas
plugin and ansible-playbook with replica_task_session_info, each a child process whose
wall time and peak RSS are measured (tests/soak/_ansible.py)."""
from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

from ansible_collections.veeam_em.core.tests.soak._ansible import BIN, ROOT, Child, Collection

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


# Ansible's floor: a script inventory that prints the JSON the plugin's run printed. What
# ansible-core itself costs for those hosts, vars and groups, with nothing read or computed.
FLOOR_SCRIPT = """#!{python}
import sys
if "--host" in sys.argv:
    sys.stdout.write("{{}}")
else:
    with open({listing!r}, "rb") as handle:
        sys.stdout.buffer.write(handle.read())
"""


class BenchCollection(Collection):
    """The inventory and playbook runs the benchmark measures."""

    def inventory(self, days: float, concurrency: int = 4, cache_dir: str | None = None,
                  extra: tuple[str, ...] = (), evidence: bool = True, protection: bool = True) -> tuple[Child, int]:
        """ansible-inventory --list over `days`; the child and the number of hosts listed.

        `extra`: more lines of the inventory config (such as enterprise_managers); `evidence`
        False judges on sessions alone: no restore points, no jobs or includes; `protection`
        False reads no CDP sessions or policies and no failover plans (issue 27's options off).
        """
        lines = ["plugin: veeam_em.core.replicas", f"created_after: {days}d", "rpo: 24h",
                 f"max_concurrency: {concurrency}", *extra]
        if not evidence:
            lines += ["rpo_basis: session", "include_unreplicated: false"]
        if not protection:
            lines += ["include_cdp: false", "include_failover_plans: false"]
        if cache_dir:
            lines += ["cache: true", "cache_plugin: ansible.builtin.jsonfile",
                      f"cache_connection: {cache_dir}", "cache_timeout: 3600"]
        config = self._write("bench.veeam_em.yml", "\n".join(lines) + "\n")
        return self._timed_inventory(config)

    def ansible_floor(self, listing: str) -> tuple[Child, int]:
        """ansible-inventory --list over a script inventory that prints `listing` (a --list output)."""
        data = self._write("floor-listing.json", listing)
        script = self._write("floor_inventory.py", FLOOR_SCRIPT.format(python=sys.executable, listing=data))
        os.chmod(script, 0o755)
        return self._timed_inventory(script)

    def _timed_inventory(self, source: str) -> tuple[Child, int]:
        phases_path = os.path.join(self.workdir, "phases.json")
        if os.path.exists(phases_path):
            os.unlink(phases_path)
        self.env["BENCH_PHASES_FILE"] = phases_path
        child = self.run(sys.executable, TIMED_INVENTORY, "-i", source, "--list")
        if child.code == 0:
            with open(phases_path, encoding="utf-8") as handle:
                child.phases = json.load(handle)
        return child, int(child.phases.pop("hosts", 0))

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
