"""Request counts the tests read: per path, in flight, the highest concurrency, faults,
reads refused for the account's roles."""
from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

# Ids in paths: GUIDs, and tasks' own ids ("task-29" [tasks]).
_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?<=/tasks/)[^/]+")


def path_key(method: str, path: str, query_type: str | None) -> str:
    """'GET /api/replicaTaskSessions/{id}' or 'GET /api/query?type=ReplicaTaskSession'."""
    key = f"{method} {_ID.sub('{id}', path)}"
    return f"{key}?type={query_type}" if query_type else key


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_flight = 0
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.by_path: Counter[str] = Counter()
            self.faults: Counter[str] = Counter()
            # By the resource judged (roles.py): a collection ("jobs") or a query type ("Job").
            self.denied: Counter[str] = Counter()
            self.max_in_flight = self.in_flight

    def begin(self, key: str) -> None:
        # Counted on arrival: a client may read the counts as soon as its last answer
        # is in, before this server thread has finished its bookkeeping.
        with self._lock:
            self.requests += 1
            self.by_path[key] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def end(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self.faults[kind] += 1

    def deny(self, resource: str) -> None:
        with self._lock:
            self.denied[resource] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "by_path": dict(self.by_path),
                "faults": dict(self.faults),
                "denied": dict(self.denied),
                "max_concurrency": self.max_in_flight,
                "in_flight": self.in_flight,
            }
