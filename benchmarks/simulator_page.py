"""How fast the simulator answers a 1,000-entity page, and its memory with N task sessions.

Run: make bench-simulator   (or PYTHONPATH=tests python benchmarks/simulator_page.py --sessions 1000000)
Prints a small table, then one JSON line. Figures vary by machine; this is no test.
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import time

import requests

from em_simulator import DEFAULT_PASSWORD, DEFAULT_USERNAME, EmSimulator, GeneratorSpec, generate

PAGE = 1000


def spec_for(sessions: int) -> GeneratorSpec:
    """20 servers x 10 jobs x 25 VMs every 6 hours; the days grow with the wanted count."""
    vms = 20 * 10 * 25
    days = max(1.0, math.ceil(sessions / vms) * 6 / 24)
    return GeneratorSpec(seed=1, servers=20, jobs_per_server=10, vms_per_job=25, days=days, interval_hours=6)


def timed_get(http: requests.Session, url: str, token: str, ca: str, **params) -> tuple[float, int]:
    started = time.perf_counter()
    response = http.get(url, params=params, headers={"X-RestSvcSessionId": token}, verify=ca, timeout=60)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    dataset = generate(spec_for(args.sessions))
    generated_in = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with EmSimulator(dataset) as simulator, requests.Session() as http:
        logon = http.post(simulator.url + "sessionMngr/?v=latest", auth=(DEFAULT_USERNAME.encode(), DEFAULT_PASSWORD.encode()),
                          verify=simulator.ca_path, timeout=60)
        token = logon.headers["X-RestSvcSessionId"]
        query = simulator.url + "query"
        base = {"type": "ReplicaTaskSession", "format": "Entities", "sortDesc": "CreationTime", "pageSize": PAGE}
        first, size = timed_get(http, query, token, simulator.ca_path, page=1, **base)
        later = [timed_get(http, query, token, simulator.ca_path, page=n, **base)[0] for n in range(2, args.pages + 2)]
        window = {**base, "filter": f'CreationTime>="{time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 86400))}";Result==Failed'}
        filtered_first = timed_get(http, query, token, simulator.ca_path, page=1, **window)[0]
    figures = {
        "task_sessions": len(dataset.task_sessions), "generate_seconds": round(generated_in, 1),
        "rss_mb_after_load": round(rss_mb), "page_entities": PAGE, "page_bytes": size,
        "first_page_ms": round(first * 1000, 1), "page_ms_median": round(statistics.median(later) * 1000, 1),
        "page_ms_max": round(max(later) * 1000, 1), "filtered_24h_first_page_ms": round(filtered_first * 1000, 1),
    }
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
