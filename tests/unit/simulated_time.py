"""A clock for waits (_waiting) that moves the EM simulator's clock instead of sleeping: a test
injects clock and sleep, and the simulated runs, tasks and collections pass at once."""
from __future__ import annotations

from datetime import datetime

from ansible_collections.veeam_em.core.plugins.module_utils._times import parse_moment


class SimulatedTime:
    def __init__(self, simulator) -> None:
        self.simulator, self.now = simulator, 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.simulator.advance(seconds)

    def em_now(self) -> datetime:
        """The simulator's now: its clock runs ahead of this machine's by what tests advanced."""
        return parse_moment(self.simulator.advance(0), "now", datetime.now())  # type: ignore[return-value]
