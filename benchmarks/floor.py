"""The floor of `make bench`: the collection's query pages on one keep-alive connection.

Logs on, fetches every page of the task-session query and of the job-session query the
collection sends for the same window (same type, filter, sort and page size) one after
the other on ONE requests.Session, does nothing with the bytes, and logs out. Then it
times lxml parsing the same bytes. fetch + parse is what no client on one connection can
beat; the collection with several connections may.

Run alone: PYTHONPATH=tests .venv/bin/python benchmarks/floor.py --url URL --ca-path CA
"""
from __future__ import annotations

import argparse
import json
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import requests
from lxml import etree

from naive_baseline import PASSWORD, TOKEN, USERNAME

PAGES_COUNT = re.compile(rb'PagesCount="(\d+)"')
# The collection reads job sessions from one day before the first task of the window.
JOB_SESSION_LEAD = timedelta(days=1)


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def query_params(days: float, page_size: int) -> list[dict[str, Any]]:
    """The two queries the collection sends for `created_after: <days>d`."""
    after = datetime.now(timezone.utc) - timedelta(days=days)
    return [
        {"type": "ReplicaTaskSession", "format": "Entities", "sortDesc": "CreationTime",
         "filter": f'CreationTime>="{_utc(after)}"', "pageSize": page_size},
        {"type": "ReplicaJobSession", "format": "Entities",
         "filter": f'CreationTime>="{_utc(after - JOB_SESSION_LEAD)}"', "pageSize": page_size},
    ]


def fetch_pages(http: requests.Session, url: str, params: dict[str, Any]) -> list[bytes]:
    """Every page of one query, in order, on the session's one connection."""
    bodies: list[bytes] = []
    number, count = 1, 1
    while number <= count:
        response = http.get(f"{url}query", params={**params, "page": number}, timeout=120)
        response.raise_for_status()
        bodies.append(response.content)
        if number == 1:
            found = PAGES_COUNT.search(response.content)
            count = int(found.group(1)) if found else 1
        number += 1
    return bodies


def run_floor(url: str, ca_path: str, days: float = 400, page_size: int = 1000) -> dict[str, Any]:
    """Fetch time (logon to logout) and lxml parse time of the collection's pages."""
    with requests.Session() as http:
        http.trust_env = False  # REQUESTS_CA_BUNDLE would override the session's verify
        http.verify = ca_path
        started = time.perf_counter()
        logon = http.post(f"{url}sessionMngr/?v=latest", auth=(USERNAME.encode(), PASSWORD.encode()), timeout=120)
        logon.raise_for_status()
        http.headers[TOKEN] = logon.headers[TOKEN]
        bodies = [body for params in query_params(days, page_size) for body in fetch_pages(http, url, params)]
        http.delete(logon.headers["Location"], timeout=120).raise_for_status()
        fetch = time.perf_counter() - started
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    started = time.perf_counter()
    for body in bodies:
        etree.fromstring(body, parser)
    parse = time.perf_counter() - started
    return {"pages": len(bodies), "bytes": sum(len(body) for body in bodies), "fetch_seconds": round(fetch, 3),
            "parse_seconds": round(parse, 3), "seconds": round(fetch + parse, 3), "requests": len(bodies) + 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the API root, e.g. https://127.0.0.1:9398/api/")
    parser.add_argument("--ca-path", required=True)
    parser.add_argument("--days", type=float, default=400, help="the window, as created_after: <days>d")
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    print(json.dumps(run_floor(args.url, args.ca_path, args.days, args.page_size)))


if __name__ == "__main__":
    main()
