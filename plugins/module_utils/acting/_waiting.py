# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for Enterprise Manager: ask again with a growing pause until a condition holds or a
timeout passes.

One loop polls for everything a caller waits for (all VMs, all tasks), so the number of requests
grows with the time waited, not with the number of things waited for; never a fixed sleep per
item. The pause starts short (a job start's task is done in seconds) and grows to a cap (a
replication run takes minutes). The clock and the sleep are injectable, so tests can run a
simulated clock instead of waiting.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """The pauses between polls: `first`, then each `factor` times the last, at most `cap`."""

    first: float = 1.0
    factor: float = 1.5
    cap: float = 30.0

    def __post_init__(self) -> None:
        if self.first <= 0 or self.cap <= 0 or self.factor < 1:
            raise ValueError("a backoff needs first > 0, cap > 0 and factor >= 1")

    def pause(self, poll: int) -> float:
        """The pause after the poll numbered `poll` (0 for the first)."""
        return min(self.cap, self.first * self.factor ** poll)


@dataclass(frozen=True)
class Waited(Generic[T]):
    """How a wait ended: `met` when the condition held; `value` is the condition's last answer
    (what is known when the time ran out); `seconds` the time waited; `polls` how often it asked."""

    met: bool
    value: T | None
    seconds: float
    polls: int


def wait_until(condition: Callable[[], tuple[bool, T]], timeout: float, backoff: Backoff = Backoff(),
               clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> Waited[T]:
    """Call `condition` (which answers (holds, what it saw)) until it holds or `timeout` seconds
    have passed, pausing as `backoff` says between calls.

    It asks at once, then after each pause; the last pause is cut so the last ask falls at the
    timeout rather than after it. A timeout is not an error here: the caller knows what it waited
    for and says so, with the last value seen. Errors the condition raises go to the caller.
    """
    started = clock()
    polls = 0
    while True:
        holds, value = condition()
        polls += 1
        waited = clock() - started
        if holds:
            return Waited(True, value, waited, polls)
        left = timeout - waited
        if left <= 0:
            return Waited(False, value, waited, polls)
        sleep(min(backoff.pause(polls - 1), left))
