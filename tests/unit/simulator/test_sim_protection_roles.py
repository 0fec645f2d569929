"""Who may read CDP policies, CDP sessions and failover plans, as Veeam's "Security Roles" page
lists it (EM REST reference, security_roles_concept, VBR 13.0.1), written out here: a Portal User
may read /cdpReplicaSessions, /cdpReplicaTaskSessions and their query types but not
/cdpPolicies, /failoverPlans, query?type=CdpPolicy or FailoverPlan; a VM Restore Operator may
read /failoverPlans and query?type=FailoverPlan but nothing of CDP; a Portal Administrator all.
And how a denied read is answered, per group (cdp_policies, cdp_sessions, failover_plans)."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, SimulatorConfig
from ansible_collections.veeam_em.core.tests.unit.simhelpers import NS, parse
from ansible_collections.veeam_em.core.tests.unit.simulator.protection_helpers import fixture_simulator, logged_on

# Each read: (may a Portal User, may a VM Restore Operator).
READS = {
    "cdpPolicies": (False, False),
    "cdpPolicies/{policy}": (False, False),
    "cdpPolicies/{policy}/includes": (False, False),
    "cdpPolicies/{policy}/cdpReplicaSessions": (False, False),
    "cdpReplicaSessions": (True, False),
    "cdpReplicaSessions/{session}": (True, False),
    "cdpReplicaSessions/{session}/cdpReplicaTaskSessions": (True, False),
    "cdpReplicaTaskSessions": (True, False),
    "cdpReplicaTaskSessions/{task}": (True, False),
    "failoverPlans": (False, True),
    "failoverPlans/{plan}": (False, True),
    "query?type=CdpPolicy": (False, False),
    "query?type=CdpReplicaSession": (True, False),
    "query?type=CdpReplicaTaskSession": (True, False),
    "query?type=FailoverPlan": (False, True),
    "query?type=failoverplan": (False, True),
}


@pytest.fixture(scope="module")
def ids(cdp_simulator: EmSimulator) -> dict[str, str]:
    data = cdp_simulator.dataset
    return {"policy": data.cdp_policies[0].id, "session": data.cdp_sessions[0].id,
            "task": data.cdp_task_sessions[0].id, "plan": data.failover_plans[0].id}


def _read(em, path: str, ids: dict[str, str]):
    return em.get(path.format(**ids))


@pytest.mark.parametrize("path", sorted(READS))
def test_the_portal_administrator_reads_everything(cdp_simulator: EmSimulator, ids: dict[str, str], path: str) -> None:
    with logged_on(cdp_simulator, "administrator") as em:
        assert _read(em, path, ids).status_code == 200


@pytest.mark.parametrize("account, column", [("portal_user", 0), ("restore_operator", 1)])
@pytest.mark.parametrize("path", sorted(READS))
def test_each_role_reads_what_the_page_gives_it_and_gets_403_otherwise(
        cdp_simulator: EmSimulator, ids: dict[str, str], path: str, account: str, column: int) -> None:
    with logged_on(cdp_simulator, account) as em:
        response = _read(em, path, ids)
    if READS[path][column]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert parse(response).get("StatusCode") == "403"


def test_a_group_name_sets_the_answer_for_its_collections_and_query_types() -> None:
    with fixture_simulator(denied_answer_for=(("cdp_policies", "empty"), ("failover_plans", "unauthorized"))) as sim:
        with logged_on(sim, "portal_user") as em:
            result = parse(em.query("CdpPolicy", format="Entities"))
            assert result.findall("em:Entities/em:CdpPolicies/*", NS) == []
            assert em.get(f"cdpPolicies/{sim.dataset.cdp_policies[0].id}").status_code == 404
            includes = em.get(f"cdpPolicies/{sim.dataset.cdp_policies[0].id}/includes")
            assert includes.status_code == 200 and parse(includes).findall("em:ObjectInJob", NS) == []
            assert em.get("failoverPlans").status_code == 401
            assert em.query("FailoverPlan").status_code == 401


def test_cdp_sessions_covers_policy_and_task_sessions_for_a_restore_operator() -> None:
    with fixture_simulator(denied_answer_for=(("cdp_sessions", "empty"),)) as sim:
        with logged_on(sim, "restore_operator") as em:
            assert em.query_entities("CdpReplicaTaskSession") == []
            assert em.query_entities("CdpReplicaSession") == []
            assert parse(em.get("cdpReplicaTaskSessions")).findall("em:Ref", NS) == []
            # Not in the group: still the default answer.
            assert em.get("cdpPolicies").status_code == 403


def test_a_resource_named_itself_wins_over_its_group() -> None:
    setting = (("cdpPolicies", "unauthorized"), ("cdp_policies", "empty"))
    with fixture_simulator(denied_answer_for=setting) as sim, logged_on(sim, "portal_user") as em:
        assert em.get("cdpPolicies").status_code == 401
        assert em.query("CdpPolicy").status_code == 200


def test_an_unknown_group_name_is_refused() -> None:
    with pytest.raises(ValueError, match="cdp_policy"):
        SimulatorConfig(denied_answer_for=(("cdp_policy", "empty"),))
