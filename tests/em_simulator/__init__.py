"""A simulator of Veeam Backup Enterprise Manager's REST API for this collection's tests.

In-process use (tests):

    with EmSimulator(generate(GeneratorSpec(seed=7))) as simulator:
        requests.get(simulator.url, verify=simulator.ca_path)

Command line: `make simulator ARGS="--help"`.
"""
from __future__ import annotations

from .auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from .config import SimulatorConfig
from .datagen import GeneratorSpec, generate
from .dataset import Dataset
from .fixture_file import load_fixture
from .server import EmSimulator

__all__ = [
    "DEFAULT_PASSWORD", "DEFAULT_USERNAME", "Dataset", "EmSimulator", "GeneratorSpec",
    "SimulatorConfig", "generate", "load_fixture",
]
