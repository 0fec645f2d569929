"""Per-request fault decisions, reproducible with a seed."""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from .config import SimulatorConfig


@dataclass(frozen=True)
class Fault:
    kind: str  # none | error | drop | truncate
    delay: float  # seconds to wait before answering
    status: int = 0


class FaultPlan:
    def __init__(self, config: SimulatorConfig) -> None:
        self._lock = threading.Lock()
        self.reconfigure(config)

    def reconfigure(self, config: SimulatorConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(config.fault_seed)

    def next(self) -> Fault:
        with self._lock:
            config, rng = self.config, self._rng
            delay = (config.latency_ms + rng.uniform(0, config.latency_jitter_ms)) / 1000.0
            roll = rng.random()
            if roll < config.error_rate:
                return Fault("error", delay, rng.choice(config.error_statuses))
            roll -= config.error_rate
            if roll < config.drop_rate:
                return Fault("drop", delay)
            roll -= config.drop_rate
            if roll < config.truncate_rate:
                return Fault("truncate", delay)
            return Fault("none", delay)
