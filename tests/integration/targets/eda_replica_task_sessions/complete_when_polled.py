# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wait until the rulebook's two event sources (one per account) have polled the simulator
about twice each (so they know the running sessions: the simulator counts queries, not who
asked), then end the oldest running task session as Failed; print what the simulator did.

    python complete_when_polled.py CONTROL_URL CA_PATH > completed.json
"""
from __future__ import annotations

import json
import sys
import time

import requests

TASK_QUERY = "GET /api/query?type=ReplicaTaskSession"
REASON = "Error: Insufficient free space on the target datastore"


def main(control: str, ca_path: str) -> None:
    deadline = time.monotonic() + 240  # the JVM and the rulebook start first; a bound, not a measure
    while requests.get(f"{control}/stats", verify=ca_path, timeout=10).json()["by_path"].get(TASK_QUERY, 0) < 8:
        if time.monotonic() > deadline:
            sys.exit("the event source never polled the simulator")
        time.sleep(0.5)
    answer = requests.post(f"{control}/complete", json={"result": "Failed", "reason": REASON}, verify=ca_path, timeout=10)
    answer.raise_for_status()
    print(json.dumps(answer.json()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
