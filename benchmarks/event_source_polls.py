# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Requests per poll of the replica_task_sessions event source over an estate of N task
sessions (default 10,000), counted by the EM simulator: `make bench-events`.

The source must not re-read a window at every poll: an idle poll is two small queries
(completions since the last poll, sessions running now), whatever the estate's size. For
comparison the table ends with what one read of the last 24 hours costs (the module's way).
"""
from __future__ import annotations

import argparse
import logging
import math
from datetime import datetime, timezone
from typing import Any, Callable

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.module_utils._gather import gather_task_sessions
from ansible_collections.veeam_em.core.plugins.module_utils.events._replica_events import ReplicaEventPoller
from ansible_collections.veeam_em.core.plugins.module_utils.events._source_options import read_source_settings
from ansible_collections.veeam_em.core.tests.em_simulator import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EmSimulator,
    GeneratorSpec,
    SimulatorConfig,
    generate,
)
from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND


def estate(sessions: int) -> GeneratorSpec:
    """20 backup servers, 5,000 VMs, a run every 6 hours up to now, as many days as N needs."""
    now = int(datetime.now(timezone.utc).timestamp()) * TICKS_PER_SECOND
    return GeneratorSpec(seed=1, servers=20, jobs_per_server=10, vms_per_job=25,
                         days=max(0.25, math.ceil(sessions / 5000) * 6 / 24), interval_hours=6, now=now)


def counted(simulator: EmSimulator, action: Callable[[], Any]) -> tuple[int, dict[str, int], Any]:
    """(requests, by path, result) of one action, logon and logout not counted."""
    simulator.reset_stats()
    result = action()
    by_path = {path: count for path, count in simulator.snapshot()["by_path"].items()
               if "sessionMngr" not in path and "logonSessions" not in path}
    return sum(by_path.values()), by_path, result


def complete(simulator: EmSimulator, count: int, late: bool) -> None:
    """End `count` running sessions as Failed: now, or (late) with an end EM recorded late."""
    for task in [task for task in simulator.dataset.task_sessions if task.state != "Completed"][:count]:
        if late:
            simulator.dataset.complete_task_session(task.id, "Failed", task.created + 60 * TICKS_PER_SECOND, "late")
        else:
            simulator.complete_task_session(task.id, "Failed", "benchmark")


def source_rows(simulator: EmSimulator, extra: dict[str, Any], label: str) -> list[tuple[str, int, str, int]]:
    args = {"url": simulator.url, "username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD,
            "ca_path": simulator.ca_path, **extra}
    poller = ReplicaEventPoller(read_source_settings(args, {}, datetime.now(timezone.utc)), logging.getLogger("bench"))
    rows = []
    steps: list[tuple[str, Callable[[], None]]] = [("first poll (start)", lambda: None)]
    steps += [(f"idle poll {number}", lambda: None) for number in range(1, 4)]
    steps += [("poll after 10 completions", lambda: complete(simulator, 10, late=False)),
              ("poll after 10 late-recorded", lambda: complete(simulator, 10, late=True)),
              ("idle poll", lambda: None)]
    try:
        for step, before in steps:
            before()
            requests, by_path, events = counted(simulator, poller.poll)
            rows.append((f"{label}: {step}", requests, _paths(by_path), len(events)))
    finally:
        poller.close()
    return rows


def window_row(simulator: EmSimulator) -> tuple[str, int, str, int]:
    args = {"url": simulator.url, "username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD, "ca_path": simulator.ca_path}
    options = read_source_settings(args, {}, datetime.now(timezone.utc)).connection

    def read() -> Any:
        with open_session(options) as session:
            return gather_task_sessions(EmApi(session, options.page_size, options.max_concurrency), {"created_after": "24h"})

    requests, by_path, found = counted(simulator, read)
    return ("for comparison: one read of the last 24h", requests, _paths(by_path), len(found["replica_task_sessions"]))


def _paths(by_path: dict[str, int]) -> str:
    return ", ".join(f"{count} {path.replace('GET /api/', '')}" for path, count in sorted(by_path.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10_000)
    args = parser.parse_args()
    dataset = generate(estate(args.sessions))
    running = sum(task.state != "Completed" for task in dataset.task_sessions)
    print(f"estate: {len(dataset.task_sessions)} task sessions, {len(dataset.job_sessions)} job sessions, "
          f"{running} running; page_size 1000")
    with EmSimulator(dataset, SimulatorConfig(plain_collection_days=0)) as simulator:
        rows = source_rows(simulator, {"interval": 60}, "results [Failed, Warning]")
        rows += source_rows(simulator, {"interval": 60, "rpo": "24h"}, "with rpo 24h")
        rows.append(window_row(simulator))
    width = max(len(row[0]) for row in rows)
    print(f"{'step':<{width}} {'requests':>8} {'events/records':>14}  requests by path")
    for step, requests, paths, events in rows:
        print(f"{step:<{width}} {requests:>8} {events:>14}  {paths}")


if __name__ == "__main__":
    main()
