"""The replicas inventory with CDP and failover plans on against off (issue 27), on one estate.

    python benchmarks/cdp_plans.py [--sessions 100000] [--rounds 3] [--latency-ms 0]

The estate is make bench's (20 backup servers, 5,000 VMs; client_read.estate_args) with one CDP
policy and two failover plans per backup server (run.PROTECTION_ARGS). Each round runs
`ansible-inventory --list` with the defaults (include_cdp and include_failover_plans true) and
then with both false, so a busy machine slows both alike; the figure is the median of each and
their ratio, `on_over_off` (issue 27's target: at most 1.2), and the median of each round's own
ratio, `round_ratio_median`, which a load that changes from round to round moves less; the same
for the plugin's own part (ansible-core parsing the source: reading EM and building the hosts).
make bench's cdp_plans_off row is the same comparison from a single run of each. Prints one JSON
object.
"""
from __future__ import annotations

import argparse
import json
import statistics

from _collection import BenchCollection, check
from client_read import estate_args
from em_simulator.process import SimulatorProcess
from run import DAYS, PROTECTION_ARGS, protection_counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    seconds: dict[str, list[float]] = {"on": [], "off": []}
    parse: dict[str, list[float]] = {"on": [], "off": []}
    requests: dict[str, int] = {}
    with SimulatorProcess(*estate_args(args.sessions), *PROTECTION_ARGS) as simulator:
        simulator.configure(latency_ms=args.latency_ms)
        collection = BenchCollection(simulator.workdir, simulator.url, simulator.ca_path)
        for _round in range(args.rounds):
            for name, protection in (("on", True), ("off", False)):
                simulator.reset()
                child, hosts = collection.inventory(DAYS, protection=protection)
                check(child, f"ansible-inventory --list (CDP and plans {name})")
                seconds[name].append(round(child.seconds, 2))
                parse[name].append(child.phases["parse"])
                requests[name] = simulator.stats()["requests"]
        estate = {"task_sessions": simulator.task_sessions, **protection_counts(simulator)}
    print(json.dumps({"estate": estate, "latency_ms": args.latency_ms, "hosts": hosts, "requests": requests,
                      "seconds": seconds, **ratios(seconds), "plugin_parse_seconds": parse,
                      **{f"plugin_{key}": value for key, value in ratios(parse).items()}}))


def ratios(runs: dict[str, list[float]]) -> dict[str, float]:
    """The medians of on and off, their ratio, the median of each round's on/off, and the fastest
    on over the fastest off: other work on a shared machine only ever adds time, so the fastest
    run of each is the least disturbed (what timeit's documentation advises reading)."""
    on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
    rounds = [first / second for first, second in zip(runs["on"], runs["off"])]
    return {"median_on": on, "median_off": off, "on_over_off": round(on / off, 2),
            "round_ratio_median": round(statistics.median(rounds), 2),
            "fastest_over_fastest": round(min(runs["on"]) / min(runs["off"]), 2)}


if __name__ == "__main__":
    main()
