# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Restore Operator's rulebook run: ansible-rulebook ended with the source's error, which
names the refused read, the roles that may make it and what to do, plainly (no traceback);
EM was asked for task sessions once, and the refused session was logged out.

    python check_refused.py CONTROL_URL CA_PATH RULEBOOK_LOG EM_URL USERNAME
"""
from __future__ import annotations

import sys

import requests

TASK_QUERY = "GET /api/query?type=ReplicaTaskSession"


def main(control: str, ca_path: str, log_path: str, em_url: str, username: str) -> None:
    log = open(log_path, encoding="utf-8", errors="replace").read()
    # Veeam's Security Roles page: task sessions are read by Portal Users and Administrators.
    message = (f"veeam_em.core.replica_task_sessions: Enterprise Manager refused GET {em_url.rstrip('/')}/query "
               f"for user {username} (HTTP 403: Access is denied.): reading replica task sessions needs the "
               "Portal User or Portal Administrator role in Enterprise Manager; give the account one of those "
               "roles (Enterprise Manager's web UI, Configuration > Roles)")
    assert message in log, f"the rulebook's output does not say {message!r}"
    assert "Traceback" not in log, "the refusal came with a Python traceback"
    stats = requests.get(f"{control}/stats", verify=ca_path, timeout=10).json()
    # Refused, not unreachable: no retry, no second poll.
    assert stats["by_path"].get(TASK_QUERY) == 1, stats["by_path"]
    assert stats["denied"] == {"ReplicaTaskSession": 1}, stats["denied"]
    assert stats["sessions"]["open"] == 0, f"the refused source left an EM session open: {stats['sessions']}"
    print("refused as a Restore Operator: the role named, no traceback, no EM session open")


if __name__ == "__main__":
    main(*sys.argv[1:6])
