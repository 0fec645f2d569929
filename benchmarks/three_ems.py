"""Three Enterprise Managers in one inventory source against one EM with all their sessions.

Three simulators of N sessions each (7 backup servers x 10 jobs x 25 VMs, 1,750 VMs each)
read by one `enterprise_managers` source, against one simulator of 3N sessions (21 backup
servers, 5,250 VMs) read by a single-EM source: the same number of hosts and sessions.
`three_over_one` = three-EM seconds / one-EM seconds (goal: at most 1.2). Each run also gets
Ansible's floor (a script inventory printing the run's own --list output).

Run alone: PYTHONPATH=tests:benchmarks .venv/bin/python benchmarks/three_ems.py --sessions-each 35000
"""
from __future__ import annotations

import argparse
import json
import tempfile
from contextlib import ExitStack
from typing import Any

from _collection import BenchCollection, check, summary
from em_simulator.process import SimulatorProcess

DAYS = 400
SERVERS_EACH = 7
VMS_PER_SERVER = 10 * 25
RUNS_PER_DAY = 4  # a run every 6 hours


def estate(servers: int, sessions: int, seed: int) -> list[str]:
    """`servers` backup servers of 10 jobs x 25 VMs, with the days that make `sessions` task sessions."""
    days = sessions / (servers * VMS_PER_SERVER * RUNS_PER_DAY)
    return ["--seed", str(seed), "--servers", str(servers), "--jobs-per-server", "10", "--vms-per-job", "25",
            "--days", f"{days:g}", "--interval-hours", "6", "--plain-collection-days", "0"]


def fleet_lines(simulators: list[SimulatorProcess]) -> tuple[str, ...]:
    lines = ["enterprise_managers:"]
    for number, simulator in enumerate(simulators, 1):
        lines += [f"  - name: em{number}", f"    url: {simulator.url}", f"    ca_path: {simulator.ca_path}"]
    return tuple(lines)


def timed_source(collection: BenchCollection, simulators: list[SimulatorProcess], extra: tuple[str, ...]) -> dict[str, Any]:
    """One inventory run and its Ansible floor; requests summed over the simulators."""
    for simulator in simulators:
        simulator.reset()
    child, hosts = collection.inventory(DAYS, extra=extra)
    check(child, "ansible-inventory --list")
    made = sum(simulator.stats()["requests"] for simulator in simulators)
    run = summary(child, {"requests": made, "by_path": {}}, hosts)
    floor_child, floor_hosts = collection.ansible_floor(child.stdout)
    check(floor_child, "ansible-inventory --list (script inventory, Ansible's floor)")
    run["ansible_floor_seconds"] = round(floor_child.seconds, 2)
    run["inventory_over_ansible_floor"] = round(child.seconds / floor_child.seconds, 2)
    return run


def measure(sessions_each: int) -> dict[str, Any]:
    with ExitStack() as stack:
        three = [stack.enter_context(SimulatorProcess(*estate(SERVERS_EACH, sessions_each, seed)))
                 for seed in (1, 2, 3)]
        one = stack.enter_context(SimulatorProcess(*estate(3 * SERVERS_EACH, 3 * sessions_each, 1)))
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="em-bench-three-"))
        single = timed_source(BenchCollection(workdir, one.url, one.ca_path), [one], ())
        fleet = timed_source(BenchCollection(workdir, one.url, one.ca_path), three, fleet_lines(three))
        return {
            "sessions_each": [simulator.task_sessions for simulator in three], "sessions_one": one.task_sessions,
            "hosts_three": fleet["items"], "hosts_one": single["items"],
            "three_seconds": fleet["seconds"], "one_seconds": single["seconds"],
            "three_over_one": round(fleet["seconds"] / single["seconds"], 2),
            "requests_three": fleet["requests"], "requests_one": single["requests"],
            "three": fleet, "one": single,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions-each", type=int, default=35_000)
    args = parser.parse_args()
    row = measure(args.sessions_each)
    print(f"three EMs of {row['sessions_each']} sessions in one source: {row['three_seconds']} s "
          f"({row['hosts_three']} hosts, {row['requests_three']} requests; over Ansible's floor "
          f"{row['three']['inventory_over_ansible_floor']}x)")
    print(f"one EM of {row['sessions_one']} sessions: {row['one_seconds']} s ({row['hosts_one']} hosts, "
          f"{row['requests_one']} requests; over Ansible's floor {row['one']['inventory_over_ansible_floor']}x)")
    print(f"three_over_one: {row['three_over_one']}x (goal: at most 1.2)")
    print(json.dumps(row))


if __name__ == "__main__":
    main()
