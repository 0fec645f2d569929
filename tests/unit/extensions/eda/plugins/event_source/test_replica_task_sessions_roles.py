# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source as each Enterprise Manager role, against the EM simulator answering as
Veeam's "Security Roles" page (EM REST reference, security_roles_concept) gives each role:
the source reads only replica task and job sessions, which a Portal User may read and a VM
Restore Operator may not.

Expected values: the administrator's events (for the Portal User), and the refusal worded
from that page (which roles may read sessions) and the issue's "what to do".
"""
from __future__ import annotations

import asyncio
from typing import Any, Iterator

import pytest

from ansible_collections.veeam_em.core.extensions.eda.plugins.event_source.replica_task_sessions import SourceError, main
from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, GeneratorSpec, SimulatorConfig, generate
from ansible_collections.veeam_em.core.tests.em_simulator.roles import PORTAL_USER, RESTORE_OPERATOR
from ansible_collections.veeam_em.core.tests.unit.extensions.eda.plugins.event_source.test_replica_task_sessions import (
    SourceRun,
    source_args,
)
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXED_NOW

USER, OPERATOR, PASSWORD = "CORP\\portal-user", "CORP\\operator", "Roles-Passw0rd-25"
TASK_QUERY = "GET /api/query?type=ReplicaTaskSession"


@pytest.fixture
def simulator() -> Iterator[EmSimulator]:
    """One backup server, one job of six VMs; the default Portal Administrator, a Portal User
    and a VM Restore Operator."""
    spec = GeneratorSpec(seed=5, servers=1, jobs_per_server=1, vms_per_job=6, days=2, now=FIXED_NOW)
    with EmSimulator(generate(spec), SimulatorConfig(plain_collection_days=0)) as started:
        started.add_user(USER, PASSWORD, (PORTAL_USER,))
        started.add_user(OPERATOR, PASSWORD, (RESTORE_OPERATOR,))
        yield started
    assert started.snapshot()["sessions"]["open"] == 0, "the source left an EM session open"


def replayed_events(simulator: EmSimulator, **account: str) -> list[dict[str, Any]]:
    """The events of two polls replaying the whole history, every result, as the account
    given (username, password), else as the default Portal Administrator."""
    args = source_args(simulator, since="2020-01-01T00:00:00Z", results=["Success", "Warning", "Failed"], **account)

    async def scenario() -> list[dict[str, Any]]:
        async with SourceRun(simulator, args) as run:
            await run.polls(2)
            return run.pending()

    return asyncio.run(scenario())


def test_a_portal_user_gets_the_administrators_events(simulator: EmSimulator) -> None:
    completed = [task for task in simulator.dataset.task_sessions if task.state == "Completed"]
    assert completed, "the estate has no completed session: the test would prove nothing"
    administrators = replayed_events(simulator)
    assert sorted(event["uid"] for event in administrators) == sorted(task.uid for task in completed)
    assert replayed_events(simulator, username=USER, password=PASSWORD) == administrators
    assert simulator.snapshot()["denied"] == {}


@pytest.mark.parametrize("denied_answer, said, refusals", [
    ("forbidden", "HTTP 403: Access is denied.", 1),
    # A 401 is first taken for an ended session: one fresh logon, refused again while EM
    # still accepts the token elsewhere.
    ("unauthorized", "HTTP 401 to a fresh session token that it still accepts for other requests", 2),
])
def test_a_restore_operator_is_told_which_roles_read_sessions(simulator: EmSimulator, denied_answer: str,
                                                              said: str, refusals: int) -> None:
    simulator.configure(denied_answer=denied_answer)
    with pytest.raises(SourceError) as raised:
        asyncio.run(main(asyncio.Queue(), source_args(simulator, username=OPERATOR, password=PASSWORD)))
    assert str(raised.value) == (
        f"veeam_em.core.replica_task_sessions: Enterprise Manager refused GET {simulator.url.rstrip('/')}/query "
        f"for user {OPERATOR} ({said}): reading replica task sessions needs the Portal User or Portal Administrator "
        "role in Enterprise Manager; give the account one of those roles (Enterprise Manager's web UI, "
        "Configuration > Roles)")
    assert PASSWORD not in str(raised.value)
    stats = simulator.snapshot()
    # Refused, not an outage: the source stops at its first read instead of polling on.
    assert stats["denied"] == {"ReplicaTaskSession": refusals}
    assert stats["by_path"][TASK_QUERY] == refusals
