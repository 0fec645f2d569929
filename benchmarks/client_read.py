"""Requests and wall time for the shared client to read N task sessions from the simulator.

Run: make bench-client. The simulator runs in a process of its own. Measures at 0 ms and
20 ms injected latency, with max_concurrency 1 and 4. Figures vary by machine; compare
them within one run. This is no test.
"""
from __future__ import annotations

import argparse
import json
import math
import time

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, open_session
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, TaskSessionQuery
from em_simulator.process import SimulatorProcess
from em_simulator import DEFAULT_PASSWORD, DEFAULT_USERNAME


def estate_args(sessions: int) -> list[str]:
    """20 backup servers, 5,000 VMs, a run every 6 hours, as many days as N needs."""
    days = max(0.5, math.ceil(sessions / 5000) * 6 / 24)
    return ["--seed", "1", "--servers", "20", "--jobs-per-server", "10", "--vms-per-job", "25",
            "--days", str(days), "--interval-hours", "6", "--plain-collection-days", "0"]


def measure(simulator: SimulatorProcess, latency_ms: float, concurrency: int, page_size: int) -> dict:
    simulator.configure(latency_ms=latency_ms)
    simulator.reset()
    options = ConnectionOptions(simulator.url, DEFAULT_USERNAME, DEFAULT_PASSWORD, ca_path=simulator.ca_path,
                                page_size=page_size, max_concurrency=concurrency)
    started = time.perf_counter()
    with open_session(options) as em:
        records = EmApi(em, page_size, concurrency).task_sessions(TaskSessionQuery())
    elapsed = time.perf_counter() - started
    stats = simulator.stats()
    return {
        "latency_ms": latency_ms, "max_concurrency": concurrency, "records": len(records),
        "seconds": round(elapsed, 2), "requests": stats["requests"], "by_path": stats["by_path"],
        "server_max_concurrency": stats["max_concurrency"], "open_sessions_after": stats["sessions"]["open"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    rows = []
    with SimulatorProcess(*estate_args(args.sessions)) as simulator:
        for latency in (0.0, 20.0):
            for concurrency in (1, 4):
                rows.append(measure(simulator, latency, concurrency, args.page_size))
        tasks, jobs = simulator.task_sessions, simulator.job_sessions
    # logon + the task query's pages + the job-session join's pages + logout
    expected = 1 + math.ceil(tasks / args.page_size) + math.ceil(jobs / args.page_size) + 1
    print(f"task sessions {tasks}, job sessions {jobs}, page size {args.page_size}, expected requests {expected}")
    print(f"{'latency':>8} {'conc':>5} {'records':>8} {'requests':>9} {'seconds':>8} {'peak':>5}")
    for row in rows:
        print(f"{row['latency_ms']:>8} {row['max_concurrency']:>5} {row['records']:>8} {row['requests']:>9} "
              f"{row['seconds']:>8} {row['server_max_concurrency']:>5}")
    print(json.dumps({"task_sessions": tasks, "requests_expected": expected, "runs": rows}))


if __name__ == "__main__":
    main()
