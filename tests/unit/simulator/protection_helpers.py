"""Shared by the simulator's CDP and failover plan tests: the hand-made estate
(em_simulator/fixtures/cdp_and_plans.json, now 2026-11-20T12:00:00Z) served over plain HTTP,
with one account per EM role (jobhelpers.ACCOUNTS)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator

from lxml import etree

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, SimulatorConfig
from ansible_collections.veeam_em.core.tests.em_simulator.fixture_file import load_fixture
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXTURE_DIR
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import ACCOUNTS, EM, PASSWORD, logged_on

__all__ = ["CDP_FIXTURE", "EM", "FIXTURE_NOW", "by_name", "children", "fixture_simulator", "local", "logged_on", "text"]

CDP_FIXTURE = os.path.join(FIXTURE_DIR, "cdp_and_plans.json")
FIXTURE_NOW = "2026-11-20T12:00:00Z"


@contextmanager
def fixture_simulator(**settings: Any) -> Iterator[EmSimulator]:
    """The estate served with these settings; its accounts those of jobhelpers.ACCOUNTS (log on
    with jobhelpers.logged_on)."""
    config = SimulatorConfig(plain_collection_days=0, **settings)
    with EmSimulator(load_fixture(CDP_FIXTURE), config, tls=False) as simulator:
        for account in ACCOUNTS.values():
            simulator.add_user(account[0], PASSWORD, account[1])
        yield simulator


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def children(element: etree._Element) -> list[str]:
    """The local names of an element's children, in document order."""
    return [local(child) for child in element]


def text(element: etree._Element, path: str) -> str | None:
    return element.findtext("/".join(f"{EM}{part}" for part in path.split("/")))


def by_name(entities: list[etree._Element]) -> dict[str, etree._Element]:
    return {entity.get("Name"): entity for entity in entities}
