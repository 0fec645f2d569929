"""Fixtures of the simulator's CDP and failover plan tests: the hand-made estate
(fixtures/cdp_and_plans.json) served once per module, and a Portal Administrator's client."""
from __future__ import annotations

from typing import Iterator

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator
from ansible_collections.veeam_em.core.tests.unit.simhelpers import EmTestClient
from ansible_collections.veeam_em.core.tests.unit.simulator.protection_helpers import fixture_simulator, logged_on


@pytest.fixture(scope="module")
def cdp_simulator() -> Iterator[EmSimulator]:
    with fixture_simulator() as simulator:
        yield simulator


@pytest.fixture()
def cdp_em(cdp_simulator: EmSimulator) -> Iterator[EmTestClient]:
    with logged_on(cdp_simulator) as client:
        yield client
