# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wait until the event source has polled the simulator twice with its session open, stop
ansible-rulebook with SIGINT (what Ctrl-C sends), wait for it to end, then fail unless the
simulator shows no EM session open and every logon logged out.

    python stop_when_polled.py CONTROL_URL CA_PATH RULEBOOK_PID
"""
from __future__ import annotations

import os
import signal
import sys
import time
from typing import Any

import requests

TASK_QUERY = "GET /api/query?type=ReplicaTaskSession"


def stats(control: str, ca_path: str) -> dict[str, Any]:
    return requests.get(f"{control}/stats", verify=ca_path, timeout=10).json()


def ended(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie is ended too: the shell that started it reaps it only at its `wait`.
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0] == "Z"


def main(control: str, ca_path: str, pid: int) -> None:
    deadline = time.monotonic() + 240  # the JVM and the rulebook start first; a bound, not a measure
    while stats(control, ca_path)["by_path"].get(TASK_QUERY, 0) < 4:
        if time.monotonic() > deadline or ended(pid):
            sys.exit("the event source never polled the simulator")
        time.sleep(0.5)
    before = stats(control, ca_path)["sessions"]
    if before["open"] != 1:
        sys.exit(f"expected the source's one EM session open while it polls, the simulator shows {before}")
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + 60
    while not ended(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            sys.exit("ansible-rulebook did not stop within 60 s of SIGINT")
        time.sleep(0.2)
    after = stats(control, ca_path)["sessions"]
    if after["open"] != 0 or after["logouts"] != after["logons"]:
        sys.exit(f"ansible-rulebook stopped with SIGINT left an EM session open: {after}")
    print(f"stopped with SIGINT: {after['logons']} logon(s), as many logouts, no EM session open")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
