"""Shared fixtures: EM simulators on loopback over real TLS."""
from __future__ import annotations

import shutil
import tempfile
from typing import Iterator

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator import (
    EmSimulator,
    GeneratorSpec,
    SimulatorConfig,
    generate,
    load_fixture,
)
from ansible_collections.veeam_em.core.tests.em_simulator.tls import CertificateFiles, make_certificates
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED, FIXED_NOW, EmTestClient

# ansible-test runs each test in a fork that ends with os._exit(): there the teardown that
# stops a module's simulator never runs (it runs only after a module's last test), nor does
# atexit. So this process (the pytest process, or each xdist worker), which outlives its
# forks, gives simulators a folder of its own and removes it, with what they left, at the end.
_SIMULATOR_FOLDERS = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SIMULATOR_FOLDERS] = EmSimulator.temp_parent = tempfile.mkdtemp(prefix="em-unit-")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_SIMULATOR_FOLDERS, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    EmSimulator.temp_parent = None


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> CertificateFiles:
    """A CA and a server certificate for the simulators a test module starts itself (the job estates)."""
    return make_certificates(str(tmp_path_factory.mktemp("certificates")))


@pytest.fixture(scope="module")
def documented_simulator() -> Iterator[EmSimulator]:
    with EmSimulator(load_fixture(DOCUMENTED), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def generated_simulator() -> Iterator[EmSimulator]:
    spec = GeneratorSpec(seed=11, servers=3, jobs_per_server=3, vms_per_job=6, days=10, now=FIXED_NOW)
    with EmSimulator(generate(spec), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator


@pytest.fixture
def client(documented_simulator: EmSimulator) -> Iterator[EmTestClient]:
    documented_simulator.reset_stats(drop_sessions=True)
    with EmTestClient(documented_simulator) as em:
        yield em


@pytest.fixture
def generated_client(generated_simulator: EmSimulator) -> Iterator[EmTestClient]:
    generated_simulator.reset_stats(drop_sessions=True)
    with EmTestClient(generated_simulator) as em:
        yield em


@pytest.fixture
def fresh_simulator() -> Iterator[EmSimulator]:
    """A simulator of its own, for tests that switch readings or faults."""
    with EmSimulator(load_fixture(DOCUMENTED), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator
