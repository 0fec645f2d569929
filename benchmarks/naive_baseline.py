"""What a user without the collection does today: the naive baseline of `make bench`.

Log on, GET /api/replicaTaskSessions (every reference), then GET each entity with
format=Entity one after the other, each request on a new HTTP connection
(`Connection: close`), and log out. With --sample N only the first N entities are read
and the time of the whole list is extrapolated (the result says so).

Run alone: PYTHONPATH=tests .venv/bin/python benchmarks/naive_baseline.py --url URL --ca-path CA
"""
from __future__ import annotations

import argparse
import json
import time
from typing import Any

import requests
from lxml import etree

NS = "{http://www.veeam.com/ent/v1.0}"
TOKEN = "X-RestSvcSessionId"
USERNAME = "CORP\\em-reader"
PASSWORD = "Sim-Passw0rd!"  # the simulator's documented test account, not a secret


def _call(method: str, url: str, ca_path: str, **kwargs: Any) -> requests.Response:
    """One request on a connection of its own, as a loop of plain requests calls does."""
    headers = {"Connection": "close", **kwargs.pop("headers", {})}
    response = requests.request(method, url, headers=headers, verify=ca_path, timeout=120, **kwargs)
    response.raise_for_status()
    return response


def entity_urls(references: bytes) -> list[str]:
    """The format=Entity URL of every reference in an EntityReferences document."""
    root = etree.fromstring(references, etree.XMLParser(resolve_entities=False, no_network=True))
    return [f"{ref.get('Href')}?format=Entity" for ref in root.iter(f"{NS}Ref")]


def run_naive(url: str, ca_path: str, sample: int | None = None) -> dict[str, Any]:
    """Time the naive read; `sample` limits the entity reads and extrapolates the rest."""
    started = time.perf_counter()
    logon = _call("POST", f"{url}sessionMngr/?v=latest", ca_path, auth=(USERNAME.encode(), PASSWORD.encode()))
    token = {TOKEN: logon.headers[TOKEN]}
    listed = time.perf_counter()
    urls = entity_urls(_call("GET", f"{url}replicaTaskSessions", ca_path, headers=token).content)
    list_seconds = time.perf_counter() - listed
    chosen = urls if sample is None or sample >= len(urls) else urls[:sample]
    entities_started = time.perf_counter()
    records = [etree.fromstring(_call("GET", href, ca_path, headers=token).content) for href in chosen]
    entity_seconds = time.perf_counter() - entities_started
    _call("DELETE", logon.headers["Location"], ca_path, headers=token)
    measured = time.perf_counter() - started
    extrapolated = len(chosen) < len(urls)
    per_entity = entity_seconds / max(1, len(records))
    estimate = measured + per_entity * (len(urls) - len(chosen))
    return {
        "entities": len(urls), "entities_read": len(records), "extrapolated": extrapolated,
        "list_seconds": round(list_seconds, 3), "per_entity_ms": round(per_entity * 1000, 2),
        "measured_seconds": round(measured, 2), "seconds": round(estimate, 2),
        "requests_measured": 3 + len(records), "requests_full_read": 3 + len(urls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the API root, e.g. https://127.0.0.1:9398/api/")
    parser.add_argument("--ca-path", required=True)
    parser.add_argument("--sample", type=int, default=None, help="read only this many entities and extrapolate")
    args = parser.parse_args()
    print(json.dumps(run_naive(args.url, args.ca_path, args.sample)))


if __name__ == "__main__":
    main()
