#!/usr/bin/env bash
# The modules, the lookup and the replica_status filter as each Enterprise Manager role, as
# Veeam's "Security Roles" page (EM REST reference, security_roles_concept) lists its rights:
# one simulator per way EM may answer a denied read (403, 401, or no records), each with the
# default Portal Administrator, a Portal User and a VM Restore Operator over the same estate.
#   portal_user.yml       - everything but the replication jobs works, with the administrator's
#                           records; coverage is not judged and said so; the jobs' refusal names the role
#   restore_operator.yml  - only the restore points; the rest names the roles that may read it
#   cdp_and_plans.yml     - a Portal User's CDP VMs judged on its rpo (no CDP policies) and its failover
#                           plans refused; a Restore Operator's plans judged on restore points, CDP refused
# The extra accounts' password, set before tracing starts: see simulator.sh.
export ROLES_PASSWORD='Roles-Pw-25b7e1' SECRET_VARS=ROLES_PASSWORD
set -eux
source ../setup_em_simulator/simulator.sh

accounts=(--extra-account 'CORP\portal-user:portal-user' --extra-account 'CORP\operator:restore-operator'
          --extra-password-env ROLES_PASSWORD)
estate=(--seed 25 --servers 1 --jobs-per-server 2 --vms-per-job 3 --days 2 --cdp-policies-per-server 1
        --failover-plans-per-server 2)
start_em_simulator FORBIDDEN "${estate[@]}" "${accounts[@]}"
start_em_simulator UNAUTHORIZED "${estate[@]}" "${accounts[@]}" --denied-answer unauthorized
start_em_simulator EMPTY "${estate[@]}" "${accounts[@]}" --denied-answer empty

for denied in forbidden unauthorized empty; do
    ansible-playbook -i "$INVENTORY_PATH" portal_user.yml -e "denied_answer=$denied" "$@"
    ansible-playbook -i "$INVENTORY_PATH" cdp_and_plans.yml -e "denied_answer=$denied" "$@"
done
# A Restore Operator shown no sessions (empty) is told nothing: EM gives no sign of a refusal.
for denied in forbidden unauthorized; do
    quietly "operator-$denied" ansible-playbook -i "$INVENTORY_PATH" restore_operator.yml -e "denied_answer=$denied" "$@"
done

# Every logon was logged out, the refused ones included (a 401 re-logs on once, then logs
# the replaced session out), and only as the roles allow: the Portal User's job reads were
# the only Job queries refused.
for em in FORBIDDEN UNAUTHORIZED EMPTY; do
    control="${em}_CONTROL" ca="${em}_CA"
    python check_sessions.py "${!control}" "${!ca}" "$em"
done
