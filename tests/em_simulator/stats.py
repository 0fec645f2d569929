"""Request counts the tests read: per path, in flight, the highest concurrency, faults,
reads refused for the account's roles, and every write (a request that asks EM to do
something: a job action, a collection, a task deleted) with its exact path and answer."""
from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

# Ids in paths: GUIDs, and tasks' own ids ("task-29" [tasks]).
_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?<=/tasks/)[^/]+")


# Logging on and off changes no data: not counted as writes.
_NOT_WRITES = re.compile(r"/api/(sessionMngr|logonSessions)(/.*)?")


def write_key(method: str, path: str, action: str | None) -> str | None:
    """'POST /api/jobs/<id>?action=start' for a write (ids kept: which job a module started
    matters), None for a read or a logon or logoff."""
    if method in ("GET", "HEAD") or _NOT_WRITES.fullmatch(path):
        return None
    return f"{method} {path}?action={action}" if action is not None else f"{method} {path}"


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
            self.writes: Counter[str] = Counter()
            # In arrival order: {"request": write_key, "status": the answer's, None if none was sent}.
            self.write_log: list[dict[str, Any]] = []
            self.max_in_flight = self.in_flight

    def begin(self, key: str) -> None:
        # Counted on arrival: a client may read the counts as soon as its last answer
        # is in, before this server thread has finished its bookkeeping.
        with self._lock:
            self.requests += 1
            self.by_path[key] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def write(self, key: str) -> dict[str, Any]:
        """Count a write on arrival; the entry to give answered() once its status is known."""
        entry: dict[str, Any] = {"request": key, "status": None}
        with self._lock:
            self.writes[key] += 1
            self.write_log.append(entry)
        return entry

    def answered(self, entry: dict[str, Any] | None, status: int) -> None:
        if entry is not None:
            with self._lock:
                entry["status"] = status

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
                "writes": dict(self.writes),
                "write_log": [dict(entry) for entry in self.write_log],
                "max_concurrency": self.max_in_flight,
                "in_flight": self.in_flight,
            }
