#!/usr/bin/env bash
# replication_job against the EM simulator serving files/jobs.json (Web Replica last ended
# Success, DB Replica Failed, Mail Replica runs, a Files Replica on each backup server):
#   jobs.yml - check mode, started (and waited for), already running, stopped, retry, a failing
#              run, wait with a timeout (and the run it left found going), a job name on two
#              servers, a Portal User (403); each case asserts the exact writes EM was sent
#   lag.yml  - EM that collects once an hour: a start it does not show yet, then its answer
#              (409) to a start of the job that runs unseen
# JOBS's runs last 1 simulated second and its tasks 1, so the waits are short.
export RJ_PASSWORD='Rj-Pw-26c4f1' SECRET_VARS=RJ_PASSWORD
set -eux
source ../setup_em_simulator/simulator.sh

start_em_simulator JOBS --fixture "$PWD/files/jobs.json" --job-run-seconds 1 --task-seconds 1 \
    --extra-account 'CORP\portal-user:portal-user' --extra-password-env RJ_PASSWORD
# Here a run outlasts the playbook: the second start finds it going on the backup server.
start_em_simulator LAG --fixture "$PWD/files/jobs.json" --job-run-seconds 600 --task-seconds 1 \
    --collection-interval-seconds 3600 --already-running-answer error-409

ansible-playbook -i "$INVENTORY_PATH" jobs.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" lag.yml "$@"
