# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""After the playbooks: every EM session the accounts opened is closed, and EM denied only
reads the roles may not make (Veeam's "Security Roles" page): the Portal User's replication
jobs, CDP policies and failover plans, and the Restore Operator's sessions, backup servers and CDP.

    python check_sessions.py CONTROL_URL CA_PATH NAME
"""
from __future__ import annotations

import sys

import requests

# The simulator counts a denied read by query type. The Portal User asked for jobs, CDP
# policies and failover plans; the Restore Operator for task sessions (the job sessions that
# name their jobs may be asked beside them), backup servers, jobs, CDP policies and CDP task
# sessions. EMPTY served no Restore Operator (runme.sh).
MUST_DENY = {"FORBIDDEN": {"Job", "ReplicaTaskSession", "BackupServer", "CdpPolicy", "CdpReplicaTaskSession",
                           "FailoverPlan"},
             "UNAUTHORIZED": {"Job", "ReplicaTaskSession", "BackupServer", "CdpPolicy", "CdpReplicaTaskSession",
                              "FailoverPlan"},
             "EMPTY": {"Job", "CdpPolicy", "FailoverPlan"}}
MAY_DENY = {"Job", "ReplicaTaskSession", "ReplicaJobSession", "BackupServer", "CdpPolicy", "CdpReplicaTaskSession",
            "FailoverPlan"}


def main(control: str, ca_path: str, name: str) -> None:
    stats = requests.get(f"{control}/stats", verify=ca_path, timeout=10).json()
    assert stats["sessions"]["open"] == 0, f"{name}: EM sessions left open: {stats['sessions']}"
    denied = set(stats["denied"])
    assert MUST_DENY[name] <= denied <= MAY_DENY, f"{name}: denied {sorted(denied)}"
    print(f"{name}: every session closed; denied {sorted(denied)}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
