#!/usr/bin/env bash
# A short slice of the plugin fault soak (make soak-plugins runs 30 and 30): ansible-inventory
# with its cache on and the replica_compliance role, each run under random faults injected
# by the EM simulator. Every run must give exactly the fault-free answer or fail cleanly, the
# cache must never hold partial data, and no EM logon session may outlive the idle expiry.
# The script starts its own simulator and exits non-zero on any wrong result or leak.
set -eux

collections="${ANSIBLE_COLLECTIONS_PATH%%:*}"
PYTHONPATH="$collections${PYTHONPATH:+:$PYTHONPATH}" \
    python "$collections/ansible_collections/veeam_em/core/tests/soak/plugin_soak.py" --inventory-runs 4 --role-runs 2
