"""The simulator's clock for what happens over time (job runs, EM tasks, collections).

Wall-clock time, so the times EM writes are real ones a client can compare with its own,
plus an offset a test may push forward (`advance`): a run of ten simulated seconds is then
judged at any moment without sleeping through it. Logon sessions keep their own monotonic
clock (auth.py): moving this one does not expire tokens.
"""
from __future__ import annotations

import threading
import time

from .model import TICKS_PER_SECOND


class SimClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset_ticks = 0

    def now(self) -> int:
        """Ticks since the epoch (model.py's unit), pushed forward by every advance()."""
        with self._lock:
            return int(time.time() * TICKS_PER_SECOND) + self._offset_ticks

    def advance(self, seconds: float) -> int:
        """Move the clock forward (never back: runs and tasks only go on); the new now."""
        if seconds < 0:
            raise ValueError("the clock only moves forward: seconds must not be negative")
        with self._lock:
            self._offset_ticks += int(seconds * TICKS_PER_SECOND)
        return self.now()


def ticks(seconds: float) -> int:
    return int(seconds * TICKS_PER_SECOND)
