"""Wall time of one replica_task_session_info run against an EM whose links name another
host (EM builds every Href from its own configured host name; field sample F6), next to
the same run against an EM whose links name the host the client connected to.

Run: PYTHONPATH=.build-link:tests .venv/bin/python benchmarks/foreign_link_host.py
(with .build-link/ansible_collections/veeam_em/core linked to the checkout, as the
Makefile's bench targets do). This is no test; tests/integration/targets/foreign_links
holds the checks.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile

from ansible_collections.veeam_em.core.tests.soak._ansible import BIN, Collection
from em_simulator.process import SimulatorProcess

PLAYBOOK = """- name: One read
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: The last day's task sessions
      veeam_em.core.replica_task_session_info:
        created_after: 1d
"""


def run_once(simulator: SimulatorProcess, collection: Collection, playbook: str) -> dict:
    simulator.reset()
    child = collection.run(f"{BIN}/ansible-playbook", "-i", "localhost,", playbook)
    stats = simulator.stats()["sessions"]
    return {"seconds": child.seconds, "code": child.code, "logouts": stats.get("logouts"), "open": stats["open"],
            "warned": "[WARNING]" in child.stderr + child.stdout}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--link-host", default="em-01.corp.invalid", help="the name EM writes into its links")
    args = parser.parse_args()
    with SimulatorProcess("--servers", "1", "--jobs-per-server", "1", "--vms-per-job", "5", "--days", "2") as sim, \
            tempfile.TemporaryDirectory() as workdir:
        collection = Collection(workdir, sim.url, sim.ca_path)
        playbook = collection._write("read.yml", PLAYBOOK)
        for link_host in (None, args.link_host):
            sim.configure(link_host=link_host)
            runs = [run_once(sim, collection, playbook) for _run in range(args.runs)]
            label = f"links on {link_host}" if link_host else "links on the host connected to"
            median = statistics.median(run["seconds"] for run in runs)
            print(f"{label}: median {median:.2f} s over {len(runs)} runs; each "
                  + "; ".join(f"{r['seconds']:.2f} s rc={r['code']} logouts={r['logouts']} open={r['open']} "
                              f"warning={r['warned']}" for r in runs))


if __name__ == "__main__":
    main()
