"""Helpers for tests that talk to the EM simulator: a deliberately plain EM client for the simulator's tests (not the collection's client).

It passes `verify` on every request: requests lets REQUESTS_CA_BUNDLE override a
session-level setting, and these machines set that variable.
"""
from __future__ import annotations

import os
from typing import Any, Iterator

import requests
from lxml import etree

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions
from ansible_collections.veeam_em.core.tests.em_simulator import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EmSimulator,
    GeneratorSpec,
    SimulatorConfig,
    generate,
)

NS = {"em": "http://www.veeam.com/ent/v1.0"}
FIXTURE_DIR = os.path.join(os.path.dirname(__file__), "..", "em_simulator", "fixtures")
DOCUMENTED = os.path.join(FIXTURE_DIR, "documented_examples.json")
# A fixed end of history, so generated data is identical run after run.
FIXED_NOW = 1_764_000_000 * 10_000_000


def parse(response: requests.Response) -> etree._Element:
    return etree.fromstring(response.content, etree.XMLParser(resolve_entities=False, no_network=True))


class EmTestClient:
    def __init__(self, simulator: EmSimulator) -> None:
        self.simulator = simulator
        self.http = requests.Session()
        self.token: str | None = None
        self.logon_response: requests.Response | None = None

    def __enter__(self) -> EmTestClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def url(self, path: str) -> str:
        return self.simulator.url + path.lstrip("/")

    def request(self, method: str, path: str, *, token: bool = True, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token and self.token:
            headers["X-RestSvcSessionId"] = self.token
        kwargs.setdefault("verify", self.simulator.ca_path or True)
        kwargs.setdefault("timeout", 10)
        return self.http.request(method, self.url(path), headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def logon(self, user: str = DEFAULT_USERNAME, password: str = DEFAULT_PASSWORD, version: str = "latest") -> requests.Response:
        response = self.request("POST", "sessionMngr/", params={"v": version}, auth=(user.encode(), password.encode()), token=False)
        self.http.cookies.clear()  # keep the cookie jar from sending the token back
        if response.status_code == 201:
            self.token = response.headers["X-RestSvcSessionId"]
            self.logon_response = response
        return response

    def logout(self) -> requests.Response:
        session_id = parse(self.logon_response).findtext("em:SessionId", namespaces=NS)
        return self.request("DELETE", f"logonSessions/{session_id}")

    def query(self, type_: str, **params: Any) -> requests.Response:
        return self.get("query", params={"type": type_, **params})

    def query_entities(self, type_: str, **params: Any) -> list[etree._Element]:
        response = self.query(type_, format="Entities", **params)
        assert response.status_code == 200, response.text
        return parse(response).findall("em:Entities/*/*", NS)


def estate_simulator(**spec: Any) -> EmSimulator:
    """A simulator (not yet started) of a generated estate whose history ends at FIXED_NOW."""
    return EmSimulator(generate(GeneratorSpec(now=FIXED_NOW, **spec)), SimulatorConfig(plain_collection_days=0))


def leak_checked(simulator: EmSimulator) -> Iterator[EmSimulator]:
    """For a fixture: default readings and no faults, zeroed counts, then no EM session left open."""
    simulator.configure(**vars(SimulatorConfig(plain_collection_days=0)))
    simulator.reset_stats(drop_sessions=True)
    yield simulator
    assert simulator.snapshot()["sessions"]["open"] == 0, "an EM session was left open"


def connection_options(simulator: EmSimulator, **overrides: Any) -> ConnectionOptions:
    """The collection's connection options for a simulator, trusting its CA."""
    values: dict[str, Any] = {"url": simulator.url, "username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD,
                              "ca_path": simulator.ca_path}
    values.update(overrides)
    return ConnectionOptions(**values)
