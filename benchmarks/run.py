"""The collection against the naive baseline and the floor: `make bench` / `make bench-quick`.

For each size and injected latency, with the simulator in a process of its own: the
collection (ansible-inventory --list with veeam_em.core.replicas, and ansible-playbook with
replica_task_session_info; wall time, requests counted by the simulator, peak RSS), the
naive baseline (naive_baseline.py), the floor (floor.py) and an inventory cache run (cold,
then hit). Prints a table, then as its last line one JSON object (also written under
tests/output/bench/). Figures are ratios within one run; absolute times vary by machine.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

from _collection import BIN, ROOT, BenchCollection, check, summary
from em_simulator.process import SimulatorProcess
from client_read import estate_args
from three_ems import measure as measure_three_ems

HERE = os.path.dirname(os.path.abspath(__file__))

DAYS = 400  # created_after: 400d covers every generated estate
# CDP and failover plans in every estate (issue 27): one CDP policy of 2-4 VMs (15-minute RPO,
# a day of CDP task sessions) and two failover plans per backup server, so the inventory's
# default reads them, and the cdp_plans_off row reads the same estate without them.
PROTECTION_ARGS = ("--cdp-policies-per-server", "1", "--failover-plans-per-server", "2")
RESULTS = os.path.join(ROOT, "tests", "output", "bench")


def expected_requests(tasks: int, jobs: int, page: int, servers_page: bool, points: int = 0,
                      replication_jobs: int | None = None) -> int:
    """logon + the task query's pages + the job-session join's pages (+ the servers' page) + logout;
    the inventory's defaults (rpo_basis restore_point, include_unreplicated) add the restore
    point query's pages (at least one), the replication job query's pages and one includes
    request per replication job (replication_jobs None: neither is read, as in the playbook)."""
    base = 1 + math.ceil(tasks / page) + math.ceil(jobs / page) + int(servers_page) + 1
    if replication_jobs is None:
        return base
    return base + max(1, math.ceil(points / page)) + max(1, math.ceil(replication_jobs / page)) + replication_jobs


def protection_requests(protection: dict[str, int], page: int, includes: bool) -> int:
    """What the inventory's include_cdp and include_failover_plans (both on by default) add: the
    CDP task session query's pages, the CDP policy query's pages (with include_unreplicated,
    `includes`, one includes request per policy) and the failover plan query's pages, each query
    at least one page."""
    policies = protection["cdp_policies"]
    return (max(1, math.ceil(protection["cdp_task_sessions"] / page)) + max(1, math.ceil(policies / page))
            + (policies if includes else 0) + max(1, math.ceil(protection["failover_plans"] / page)))


def protection_counts(simulator: SimulatorProcess) -> dict[str, int]:
    """The estate's CDP task sessions, CDP policies and failover plans, from the simulator's ready file."""
    with open(os.path.join(simulator.workdir, "ready.json"), encoding="utf-8") as handle:
        details = json.load(handle)
    return {key: int(details.get(key, 0)) for key in ("cdp_task_sessions", "cdp_policies", "failover_plans")}


def in_child(script: str, simulator: SimulatorProcess, *args: str) -> dict[str, Any]:
    """Run floor.py or naive_baseline.py in a process of its own; the JSON it prints.

    This process must stay small: on Linux a child's peak RSS, as os.wait4 reports it,
    starts from the memory of the process that forked it, so 680 MB of floor pages held
    here showed up as the peak of every later ansible-inventory run.
    """
    command = [sys.executable, os.path.join(HERE, script), "--url", simulator.url, "--ca-path", simulator.ca_path, *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def measured(simulator: SimulatorProcess, step: Any) -> tuple[Any, dict[str, Any]]:
    """Run one step on freshly reset counts; its result and the simulator's counts."""
    simulator.reset()
    result = step()
    return result, simulator.stats()


def collection_runs(simulator: SimulatorProcess, collection: BenchCollection, quick: bool) -> dict[str, Any]:
    runs: dict[str, Any] = {}
    (child, hosts), stats = measured(simulator, lambda: collection.inventory(DAYS))
    check(child, "ansible-inventory --list")
    runs["inventory"] = summary(child, stats, hosts)
    runs["ansible_floor"] = ansible_floor_run(simulator, collection, child.stdout)
    (child, hosts), stats = measured(simulator, lambda: collection.inventory(DAYS, concurrency=1))
    check(child, "ansible-inventory --list (max_concurrency 1)")
    runs["inventory_c1"] = summary(child, stats, hosts)
    # The same inventory judged on sessions alone: no restore points, no jobs (the cost of "on").
    (child, hosts), stats = measured(simulator, lambda: collection.inventory(DAYS, evidence=False))
    check(child, "ansible-inventory --list (rpo_basis session, include_unreplicated false)")
    runs["inventory_off"] = summary(child, stats, hosts)
    # The same estate without CDP and failover plans: what reading them beside the sessions costs.
    (child, hosts), stats = measured(simulator, lambda: collection.inventory(DAYS, protection=False))
    check(child, "ansible-inventory --list (include_cdp false, include_failover_plans false)")
    runs["cdp_plans_off"] = summary(child, stats, hosts)
    (child, records), stats = measured(simulator, lambda: collection.playbook(DAYS))
    check(child, "ansible-playbook (replica_task_session_info)")
    runs["playbook"] = summary(child, stats, records)
    cache_dir = tempfile.mkdtemp(prefix="cache-", dir=collection.workdir)
    for name in ("cache_cold", "cache_hit"):
        (child, hosts), stats = measured(simulator, lambda: collection.inventory(DAYS, cache_dir=cache_dir))
        check(child, f"ansible-inventory --list ({name})")
        runs[name] = summary(child, stats, hosts)
    if quick:
        for run in runs.values():
            run.pop("by_path")
    return runs


def ansible_floor_run(simulator: SimulatorProcess | None, collection: BenchCollection, listing: str) -> dict[str, Any]:
    """ansible-inventory --list over a script that prints `listing`, the --list of a plugin run:
    the least any inventory plugin giving these hosts, vars and groups can cost."""
    if simulator is None:
        (child, hosts), stats = collection.ansible_floor(listing), {"requests": 0, "by_path": {}}
    else:
        (child, hosts), stats = measured(simulator, lambda: collection.ansible_floor(listing))
    check(child, "ansible-inventory --list (script inventory, Ansible's floor)")
    return summary(child, stats, hosts)


def naive_run(simulator: SimulatorProcess, sample: int, budget: float) -> dict[str, Any]:
    """A sample of `sample` entities; the full read too when the sample predicts it fits `budget` s."""
    result, stats = measured(simulator, lambda: in_child("naive_baseline.py", simulator, "--sample", str(sample)))
    if result["extrapolated"] and result["seconds"] <= budget:
        result, stats = measured(simulator, lambda: in_child("naive_baseline.py", simulator))
    result["requests"] = stats["requests"]
    return result


def measure_row(simulator: SimulatorProcess, collection: BenchCollection, latency: float, args: argparse.Namespace) -> dict[str, Any]:
    simulator.configure(latency_ms=latency)
    runs = collection_runs(simulator, collection, args.quick)
    floor, floor_stats = measured(simulator, lambda: in_child("floor.py", simulator, "--days", str(DAYS)))
    floor["requests"] = floor_stats["requests"]
    naive = naive_run(simulator, args.naive_sample, args.naive_budget)
    tasks, jobs = simulator.task_sessions, simulator.job_sessions
    protection = protection_counts(simulator)
    inventory = runs["inventory"]
    row = {
        "sessions": tasks, "job_sessions": jobs, "replica_points": simulator.replica_points,
        "replication_jobs": simulator.jobs, "latency_ms": latency,
        "naive_over_collection": round(naive["seconds"] / inventory["seconds"], 1),
        "naive_over_playbook": round(naive["seconds"] / runs["playbook"]["seconds"], 1),
        "collection_over_floor": round(inventory["seconds"] / floor["seconds"], 2),
        "inventory_over_ansible_floor": round(inventory["seconds"] / runs["ansible_floor"]["seconds"], 2),
        # A fresh read cannot cost less than Ansible's floor plus fetching and parsing EM's pages
        # (floor.py); a cache hit reads nothing, so Ansible's floor alone bounds it.
        "inventory_over_ansible_floor_plus_read": round(
            inventory["seconds"] / (runs["ansible_floor"]["seconds"] + floor["seconds"]), 2),
        "cache_hit_over_ansible_floor": round(runs["cache_hit"]["seconds"] / runs["ansible_floor"]["seconds"], 2),
        "collection_c1_over_floor": round(runs["inventory_c1"]["seconds"] / floor["seconds"], 2),
        "playbook_over_floor": round(runs["playbook"]["seconds"] / floor["seconds"], 2),
        "requests_made": inventory["requests"], **expected_counts(simulator, protection),
        "evidence_on_over_off": round(inventory["seconds"] / runs["inventory_off"]["seconds"], 2),
        # Issue 27's target: at most 1.2.
        "cdp_plans_on_over_off": round(inventory["seconds"] / runs["cdp_plans_off"]["seconds"], 2),
        **protection,
        "playbook_requests_made": runs["playbook"]["requests"],
        "playbook_requests_expected": expected_requests(tasks, jobs, 1000, False),
        "cache_hit_requests": runs["cache_hit"]["requests"],
        "cache_speedup": round(runs["cache_cold"]["seconds"] / runs["cache_hit"]["seconds"], 1),
        "rss_mb": inventory["rss_mb"], "playbook_rss_mb": runs["playbook"]["rss_mb"],
        "naive_extrapolated": naive["extrapolated"], "collection": runs, "naive": naive, "floor": floor,
    }
    row.update(phase_ratios(runs, floor["seconds"]))
    return row


def expected_counts(simulator: SimulatorProcess, protection: dict[str, int]) -> dict[str, int]:
    """The requests each inventory run must make: the defaults, inventory_off (no points, no jobs,
    CDP and plans still read) and cdp_plans_off (all but CDP and plans)."""
    tasks, jobs, points, replication_jobs = (simulator.task_sessions, simulator.job_sessions,
                                             simulator.replica_points, simulator.jobs)
    evidence = expected_requests(tasks, jobs, 1000, True, points, replication_jobs)
    return {"requests_expected": evidence + protection_requests(protection, 1000, includes=True),
            "off_requests_expected": expected_requests(tasks, jobs, 1000, True)
            + protection_requests(protection, 1000, includes=False),
            "cdp_plans_off_requests_expected": evidence}


def phase_ratios(runs: dict[str, Any], floor_seconds: float) -> dict[str, Any]:
    """The plugin's own part (parsing the inventory source) against the floor, and what
    ansible-core then spends listing the hosts, which any inventory plugin pays."""
    ratios: dict[str, Any] = {}
    for name in ("inventory", "inventory_c1"):
        phases = runs[name]["phases"]
        ratios[f"{name}_plugin_seconds"] = phases.get("parse")
        ratios[f"{name}_ansible_listing_seconds"] = round(phases.get("collect_vars", 0) + phases.get("serialise", 0), 2)
        ratios[f"{name}_plugin_over_floor"] = round(phases["parse"] / floor_seconds, 2) if "parse" in phases else None
    return ratios


def measure_size(sessions: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    with SimulatorProcess(*estate_args(sessions), *PROTECTION_ARGS) as simulator:
        collection = BenchCollection(simulator.workdir, simulator.url, simulator.ca_path)
        rows = []
        for latency in args.latencies:
            rows.append(measure_row(simulator, collection, latency, args))
            print_row(rows[-1], flush=True)
        return rows


def startup_seconds() -> float:
    """ansible-inventory --list over an empty inventory: the fixed cost of every collection run."""
    with tempfile.TemporaryDirectory(prefix="em-bench-") as workdir:
        collection = BenchCollection(workdir, "https://127.0.0.1:1/api/", "")
        child = collection.run(os.path.join(BIN, "ansible-inventory"), "-i", "localhost,", "--list")
    return round(child.seconds, 2)


HEADER = (f"{'sessions':>8} {'lat ms':>6} {'step':<14} {'seconds':>8} {'requests':>9} {'expected':>8} "
          f"{'rss MB':>7}  note")


def print_row(row: dict[str, Any], flush: bool = False) -> None:
    """The lines of one size/latency under HEADER."""
    lead = f"{row['sessions']:>8} {row['latency_ms']:>6g}"
    expected = {"inventory": row["requests_expected"], "inventory_c1": row["requests_expected"],
                "inventory_off": row["off_requests_expected"], "cdp_plans_off": row["cdp_plans_off_requests_expected"],
                "cache_cold": row["requests_expected"], "playbook": row["playbook_requests_expected"]}
    notes = {"inventory": f"{row['collection']['inventory']['items']} hosts; plugin {row['inventory_plugin_seconds']} s, "
                          f"ansible-core listing {row['inventory_ansible_listing_seconds']} s",
             "inventory_c1": f"max_concurrency 1; plugin {row['inventory_c1_plugin_seconds']} s, "
                             f"ansible-core listing {row['inventory_c1_ansible_listing_seconds']} s",
             "inventory_off": f"no points, no jobs: on/off {row['evidence_on_over_off']}x "
                              f"({row['replica_points']} points, {row['replication_jobs']} jobs)",
             "cdp_plans_off": f"no CDP, no plans: on/off {row['cdp_plans_on_over_off']}x "
                              f"({row['cdp_task_sessions']} CDP task sessions, {row['cdp_policies']} policies, "
                              f"{row['failover_plans']} plans)",
             "playbook": f"{row['collection']['playbook']['items']} records",
             "cache_hit": f"speedup {row['cache_speedup']}x",
             "ansible_floor": f"script inventory printing the inventory's --list; inventory / this "
                              f"{row['inventory_over_ansible_floor']}x, inventory / (this + floor) "
                              f"{row['inventory_over_ansible_floor_plus_read']}x, cache_hit / this "
                              f"{row['cache_hit_over_ansible_floor']}x"}
    for name, run in row["collection"].items():
        print(f"{lead} {name:<14} {run['seconds']:>8} {run['requests']:>9} {expected.get(name, 0):>8} "
              f"{run['rss_mb']:>7}  {notes.get(name, '')}", flush=flush)
    floor, naive = row["floor"], row["naive"]
    print(f"{lead} {'floor':<14} {floor['seconds']:>8} {floor['requests']:>9} {'':>8} {'':>7}  "
          f"fetch {floor['fetch_seconds']} s + lxml parse {floor['parse_seconds']} s", flush=flush)
    how = (f"EXTRAPOLATED from {naive['entities_read']} of {naive['entities']} entities "
           f"({naive['per_entity_ms']} ms each)" if naive["extrapolated"] else "measured in full")
    print(f"{lead} {'naive':<14} {naive['seconds']:>8} {naive['requests']:>9} {naive['requests_full_read']:>8} "
          f"{'':>7}  {how}", flush=flush)
    print(f"{lead} ratios: naive/collection {row['naive_over_collection']}x, collection/floor "
          f"{row['collection_over_floor']}x (max_concurrency 1: {row['collection_c1_over_floor']}x), "
          f"playbook/floor {row['playbook_over_floor']}x, naive/playbook {row['naive_over_playbook']}x", flush=flush)
    print(f"{lead} the plugin's own part (parse) over the floor: {row['inventory_plugin_over_floor']}x, "
          f"max_concurrency 1: {row['inventory_c1_plugin_over_floor']}x", flush=flush)


def slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of (n, y); None with fewer than two distinct n."""
    if len({n for n, y in points}) < 2:
        return None
    mean_n = sum(n for n, y in points) / len(points)
    mean_y = sum(y for n, y in points) / len(points)
    numerator = sum((n - mean_n) * (y - mean_y) for n, y in points)
    return numerator / sum((n - mean_n) ** 2 for n, y in points)


def growth(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Seconds per 100,000 sessions of the inventory per latency, and the RSS ratio of the two largest sizes."""
    result: dict[str, Any] = {}
    for latency in sorted({row["latency_ms"] for row in rows}):
        same = [row for row in rows if row["latency_ms"] == latency]
        fitted = slope([(row["sessions"], row["collection"]["inventory"]["seconds"]) for row in same])
        if fitted is not None:
            result[f"inventory_seconds_per_100k_at_{latency:g}ms"] = round(fitted * 100_000, 2)
        sizes = sorted(same, key=lambda row: row["sessions"])
        if len(sizes) >= 2:
            result[f"rss_largest_over_next_at_{latency:g}ms"] = round(sizes[-1]["rss_mb"] / sizes[-2]["rss_mb"], 2)
    return result


def machine() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gb": round(pages / 2**30, 1),
            "python": platform.python_version()}


KEYS = ("sessions", "latency_ms", "naive_over_collection", "naive_over_playbook", "collection_over_floor",
        "inventory_over_ansible_floor", "inventory_over_ansible_floor_plus_read", "cache_hit_over_ansible_floor",
        "collection_c1_over_floor", "inventory_c1_plugin_over_floor", "requests_made", "requests_expected",
        "cache_hit_requests", "cache_speedup", "rss_mb", "evidence_on_over_off", "cdp_plans_on_over_off")


def report(rows: list[dict[str, Any]], args: argparse.Namespace, seconds: float, startup: float) -> dict[str, Any]:
    """One object: each required key as a list in row order, plus the rows themselves."""
    document: dict[str, Any] = {key: [row[key] for row in rows] for key in KEYS}
    document.update({
        "mode": "quick" if args.quick else "full", "naive_extrapolated": any(row["naive_extrapolated"] for row in rows),
        "growth": growth(rows), "ansible_startup_seconds": startup, "total_seconds": round(seconds, 1),
        # No child's reported peak RSS can be below this (see in_child).
        "bench_process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "machine": machine(), "rows": rows,
    })
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--latencies", type=float, nargs="+", default=[0.0, 20.0])
    parser.add_argument("--naive-sample", type=int, default=200, help="entities the naive baseline reads first")
    parser.add_argument("--naive-budget", type=float, default=300,
                        help="read every entity when the sample predicts at most this many seconds")
    parser.add_argument("--quick", action="store_true", help="short JSON rows (no per-path counts)")
    parser.add_argument("--three-ems", type=int, default=0, metavar="SESSIONS_EACH",
                        help="add the three-EM row: three simulators of this many sessions in one source against "
                             "one of three times as many (three_ems.py); 0 leaves it out")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless every run made exactly the expected requests and a cache hit none")
    args = parser.parse_args()
    started = time.perf_counter()
    startup = startup_seconds()
    print(f"ansible-inventory start-up (empty inventory): {startup} s")
    print(HEADER, flush=True)
    rows = [row for sessions in args.sizes for row in measure_size(sessions, args)]
    three = measure_three_ems(args.three_ems) if args.three_ems else None
    if three:
        print(f"three EMs of {three['sessions_each']} sessions in one source: {three['three_seconds']} s, one EM of "
              f"{three['sessions_one']}: {three['one_seconds']} s; three_over_one {three['three_over_one']}x; "
              f"over Ansible's floor {three['three']['inventory_over_ansible_floor']}x / "
              f"{three['one']['inventory_over_ansible_floor']}x", flush=True)
    document = report(rows, args, time.perf_counter() - started, startup)
    document["three_ems"] = three
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, f"bench-{document['mode']}-{time.strftime('%Y%m%dT%H%M%S')}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
    print(f"growth: {json.dumps(document['growth'])}; written to {os.path.relpath(path, ROOT)}")
    print(json.dumps(document))
    problems = request_problems(rows) if args.check else []
    for problem in problems:
        print(f"bench: {problem}")
    sys.exit(1 if problems else 0)


def request_problems(rows: list[dict[str, Any]]) -> list[str]:
    """Runs whose request count differs from logon + pages + join pages (+ servers) + logout."""
    problems = []
    for row in rows:
        where = f"{row['sessions']} sessions, {row['latency_ms']:g} ms"
        for name in ("inventory", "inventory_c1", "cache_cold"):
            made = row["collection"][name]["requests"]
            if made != row["requests_expected"]:
                problems.append(f"{where}: {name} made {made} requests, not {row['requests_expected']}")
        for name, key in (("inventory_off", "off_requests_expected"), ("cdp_plans_off", "cdp_plans_off_requests_expected")):
            made = row["collection"][name]["requests"]
            if made != row[key]:
                problems.append(f"{where}: {name} made {made} requests, not {row[key]}")
        if row["playbook_requests_made"] != row["playbook_requests_expected"]:
            problems.append(f"{where}: the playbook made {row['playbook_requests_made']} requests, "
                            f"not {row['playbook_requests_expected']}")
        if row["collection"]["ansible_floor"]["requests"]:
            problems.append(f"{where}: Ansible's floor (a script inventory) sent requests to EM")
        if row["cache_hit_requests"]:
            problems.append(f"{where}: a cache hit made {row['cache_hit_requests']} requests")
    return problems


if __name__ == "__main__":
    main()
