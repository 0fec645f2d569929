# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 27's hand-made estate (tests/em_simulator/fixtures/cdp_and_plans.json; its _comment gives
every value the tests expect) and the accounts of each EM role the tests log on with."""
from __future__ import annotations

import os
from typing import Iterator

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, SimulatorConfig, load_fixture
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXTURE_DIR

ESTATE = os.path.join(FIXTURE_DIR, "cdp_and_plans.json")
PORTAL_USER = {"username": "CORP\\cdp-reader", "password": "Cdp-Reader-9"}
RESTORE_OPERATOR = {"username": "CORP\\restorer", "password": "Restorer-Pw-9"}


def started_estate() -> Iterator[EmSimulator]:
    """The estate's simulator with a Portal User and a VM Restore Operator besides the administrator."""
    with EmSimulator(load_fixture(ESTATE), SimulatorConfig(plain_collection_days=0)) as simulator:
        simulator.add_user(PORTAL_USER["username"], PORTAL_USER["password"], roles=("PortalUser",))
        simulator.add_user(RESTORE_OPERATOR["username"], RESTORE_OPERATOR["password"], roles=("RestoreOperator",))
        yield simulator
