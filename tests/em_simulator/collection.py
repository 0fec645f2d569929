"""When EM last collected from each backup server: what it shows is the server as it was then.

EM collects from every backup server on a schedule (every 15 minutes by default, configurable)
and when asked to (POST /backupServers/{ID}?action=collect) [em/collecting_data_from_backup_servers,
post_backupservers_id_collect]. The simulator's automatic collections fall every
config.collection_interval_seconds from the moment the simulator was made; with no interval EM
is always up to date. A collection asked for completes config.collect_seconds after the request.
"""
from __future__ import annotations

import threading
from collections import defaultdict

from .clock import ticks


class CollectionSchedule:
    def __init__(self, anchor: int) -> None:
        self._anchor = anchor  # the first automatic collection
        self._lock = threading.Lock()
        self._asked: dict[str, list[int]] = defaultdict(list)  # server id -> completion times

    def ask(self, server_id: str, now: int, collect_seconds: float) -> int:
        """Record a collection asked for now; when its data will be visible."""
        done = now + ticks(collect_seconds)
        with self._lock:
            self._asked[server_id].append(done)
        return done

    def last_collected(self, server_id: str, now: int, interval_seconds: float | None) -> int:
        """The moment of the server EM's data stands at: now when EM is always up to date, else
        the later of the last automatic collection and the last completed one asked for."""
        if interval_seconds is None:
            return now
        interval = max(1, ticks(interval_seconds))
        automatic = self._anchor + (now - self._anchor) // interval * interval
        with self._lock:
            asked = [done for done in self._asked[server_id] if done <= now]
        return max([automatic, *asked])
