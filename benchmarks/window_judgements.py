"""The SLA over the window and the anomalies on against off (issue 28), on one estate.

    PYTHONPATH=<collections>:tests:benchmarks python benchmarks/window_judgements.py [--sessions 100000] [--rounds 5]

The estate is make bench's (20 backup servers, 5,000 VMs; client_read.estate_args) with its CDP
policies and failover plans (run.PROTECTION_ARGS), and the simulator's window cases: gaps inside
the window, VMs added mid-window, a tenfold size and a tenfold duration (--sla-gaps --anomalies).
Two paths, each in alternating rounds so a busy machine slows on and off alike:

- `filter`: the replica_status filter's judgement (verdict._judgement.judge_records) of every task
  session record, read once through the client, with a 24-hour RPO and a 99% SLA target, with
  include_sla and include_anomalies true against both false (in this process; no EM time);
- `inventory`: `ansible-inventory --list` of the replicas inventory (rpo 24h) with include_sla and
  include_anomalies true (and sla_target 99) against its defaults (both false); with --with-days
  also with include_sla_days true (`days_on_over_off`: each VM's SLA per day in its host vars).

Each gives the medians, `on_over_off` (issue 28's target: at most 1.1), the median of each
round's own ratio, `round_ratio_median`, and `fastest_over_fastest` (the fastest on over the
fastest off: a busy machine only adds time); the inventory also for its CPU seconds (`cpu_`: user and
system time of ansible-inventory, which a shared machine's other work does not lengthen as it does
the wall time) and for the plugin's own part (ansible-core parsing the source). Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import math
import time
from datetime import timedelta
from typing import Any

from _collection import BenchCollection, check
from cdp_plans import ratios
from client_read import estate_args
from em_simulator import DEFAULT_PASSWORD, DEFAULT_USERNAME
from em_simulator.process import SimulatorProcess
from run import PROTECTION_ARGS

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, open_session
from ansible_collections.veeam_em.core.plugins.module_utils._times import utc_now
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import judge_records, read_criteria

WINDOW_ARGS = ("--sla-gaps", "--anomalies")


def window_days(sessions: int) -> int:
    """A window one day longer than the estate's history (client_read.estate_args' days), not make
    bench's 400 days: the SLA gives every VM one entry per UTC day of the window, so a 400-day
    window over a 5-day estate would measure 400 empty days per VM rather than the judgement."""
    return math.ceil(max(0.5, math.ceil(sessions / 5000) * 6 / 24)) + 1


INVENTORY_ON = ("include_sla: true", "include_anomalies: true", "sla_target: 99")
# The same with each VM's SLA per day in its host vars (off by default: ansible-core's cost per value).
INVENTORY_DAYS = INVENTORY_ON + ("include_sla_days: true",)


def read_records(simulator: SimulatorProcess) -> list[dict[str, Any]]:
    """Every task session record, as replica_task_session_info returns them (the filter's input)."""
    options = ConnectionOptions(simulator.url, DEFAULT_USERNAME, DEFAULT_PASSWORD, ca_path=simulator.ca_path)
    with open_session(options) as em:
        return EmApi(em, 1000, 4).task_sessions(TaskSessionQuery())


def filter_rounds(records: list[dict[str, Any]], rounds: int, days: int) -> dict[str, list[float]]:
    """Seconds of judge_records over `records` with the window's judgements on and off, alternating."""
    now = utc_now()
    window = {"window_start": now - timedelta(days=days), "sla_target": 99}
    criteria = {"on": read_criteria("24h", **window),
                "off": read_criteria("24h", include_sla=False, include_anomalies=False, **window)}
    seconds: dict[str, list[float]] = {"on": [], "off": []}
    for _round in range(rounds):
        for name in ("on", "off"):
            started = time.perf_counter()
            judge_records(records, now, criteria[name])
            seconds[name].append(round(time.perf_counter() - started, 3))
    return seconds


def inventory_rounds(simulator: SimulatorProcess, rounds: int, days: int, with_days: bool) -> dict[str, Any]:
    """Wall, CPU and plugin seconds of ansible-inventory --list with the window's judgements on
    and off; with `with_days` also on with include_sla_days (`days_`: its ratios to off)."""
    collection = BenchCollection(simulator.workdir, simulator.url, simulator.ca_path)
    variants = (("on", INVENTORY_ON), ("off", ())) + ((("days", INVENTORY_DAYS),) if with_days else ())
    seconds: dict[str, list[float]] = {name: [] for name, _extra in variants}
    cpu: dict[str, list[float]] = {name: [] for name, _extra in variants}
    parse: dict[str, list[float]] = {name: [] for name, _extra in variants}
    for _round in range(rounds):
        for name, extra in variants:
            simulator.reset()
            child, hosts = collection.inventory(days, extra=extra)
            check(child, f"ansible-inventory --list (SLA and anomalies {name})")
            seconds[name].append(round(child.seconds, 2))
            cpu[name].append(round(child.cpu_seconds, 2))
            parse[name].append(child.phases["parse"])
    result = {"hosts": hosts, "seconds": seconds, **ratios(seconds), "cpu_seconds": cpu,
              **{f"cpu_{key}": value for key, value in ratios(cpu).items()}, "plugin_parse_seconds": parse,
              **{f"plugin_{key}": value for key, value in ratios(parse).items()}}
    for prefix, runs in (("days_", seconds), ("days_cpu_", cpu)) if with_days else ():
        result.update({f"{prefix}{key}": value for key, value in ratios({"on": runs["days"], "off": runs["off"]}).items()
                       if key in ("on_over_off", "round_ratio_median", "fastest_over_fastest")})
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--inventory-rounds", type=int, help="rounds of the inventory path (default: --rounds)")
    parser.add_argument("--skip-inventory", action="store_true", help="measure the filter path only")
    parser.add_argument("--with-days", action="store_true", help="measure the inventory with include_sla_days too")
    args = parser.parse_args()
    with SimulatorProcess(*estate_args(args.sessions), *PROTECTION_ARGS, *WINDOW_ARGS) as simulator:
        records = read_records(simulator)
        days = window_days(args.sessions)
        filtered = filter_rounds(records, args.rounds, days)
        inventory = None if args.skip_inventory else inventory_rounds(
            simulator, args.inventory_rounds or args.rounds, days, args.with_days)
        estate = {"task_sessions": simulator.task_sessions}
    print(json.dumps({"estate": estate, "window_days": days, "records": len(records),
                      "filter": {"seconds": filtered, **ratios(filtered)}, "inventory": inventory}))


if __name__ == "__main__":
    main()
