# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the CDP and failover plan tests: issue 27's estate on a simulator of its own."""
from __future__ import annotations

from typing import Iterator

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.protection_estate import started_estate
from ansible_collections.veeam_em.core.tests.unit.simhelpers import leak_checked


@pytest.fixture(scope="module")
def protection_estate() -> Iterator[EmSimulator]:
    yield from started_estate()


@pytest.fixture
def protection_simulator(protection_estate: EmSimulator) -> Iterator[EmSimulator]:
    """The estate with default readings, zeroed counts, and no EM session left open after the test."""
    yield from leak_checked(protection_estate)
