"""The writes a simulator saw, in order, are exactly the given ones: a job name is its start
(POST /api/jobs/{id}?action=start), "collect" a collection (which backup servers, the playbooks
check in the module's result); every logon was logged out. Usage: python check_writes.py CONTROL CA WRITE..."""
from __future__ import annotations

import json
import ssl
import sys
import urllib.request

control, ca, *expected = sys.argv[1:]
stats = json.load(urllib.request.urlopen(control + "/stats", context=ssl.create_default_context(cafile=ca)))
runs = {run["job_id"]: run["job_name"] for run in stats["runs"]}


def named(request: str) -> str:
    """'POST /api/jobs/ID?action=start' as the job's name; a collection as "collect"."""
    path = request.split(" ", 1)[1].split("?", 1)[0]
    target = path.rsplit("/", 1)[-1]
    if request.endswith("?action=start"):
        return runs.get(target, request)
    if request.endswith("?action=collect"):
        return "collect"
    return request


seen = [named(entry["request"]) for entry in stats["write_log"]]
assert seen == expected, (seen, expected)
assert all(entry["status"] == 202 for entry in stats["write_log"]), stats["write_log"]
assert stats["sessions"]["open"] == 0, "an EM session was left open"
print(json.dumps(stats["write_log"], indent=1))
