#!/usr/bin/env bash
# replication_job against the EM simulator serving files/jobs.json (Web Replica last ended
# Success, DB Replica Failed, Mail Replica runs, a Files Replica on each backup server):
#   jobs.yml - check mode, started (and waited for), already running, stopped, retry, a failing
#              run, wait with a timeout (and the run it left found going), a job name on two
#              servers, a Portal User (403); each case asserts the exact writes EM was sent
#   lag.yml  - EM that collects once an hour: a start it does not show yet, then its answer
#              (409) to a start of the job that runs unseen
#   docs/examples/retry_failed_replica.yml (the EDA example's playbook), given an event of DB
#              Replica's failed run twice: one retry, then nothing (its last run went well)
# JOBS's runs last 1 simulated second and its tasks 1, so the waits are short.
# The Portal User's password, and the default account's for the example (which reads it from
# the environment), set before tracing starts: see simulator.sh.
export RJ_PASSWORD='Rj-Pw-26c4f1' RJ_ADMIN_PASSWORD='Sim-Passw0rd!' SECRET_VARS=RJ_PASSWORD
set -eux
source ../setup_em_simulator/simulator.sh

start_em_simulator JOBS --fixture "$PWD/files/jobs.json" --job-run-seconds 1 --task-seconds 1 \
    --extra-account 'CORP\portal-user:portal-user' --extra-password-env RJ_PASSWORD
# Here a run outlasts the playbook: the second start finds it going on the backup server.
start_em_simulator EDA --fixture "$PWD/files/jobs.json" --job-run-seconds 1 --task-seconds 1
start_em_simulator LAG --fixture "$PWD/files/jobs.json" --job-run-seconds 600 --task-seconds 1 \
    --collection-interval-seconds 3600 --already-running-answer error-409

ansible-playbook -i "$INVENTORY_PATH" jobs.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" lag.yml "$@"

# The example reads the connection from the environment, as the rulebook's source does.
event='{"ansible_eda": {"event": {"job_name": "DB Replica", "backup_server_name": "vbr-a.test.example"}}, "run_timeout": 30}'
examples="$COLLECTION_ROOT/docs/examples"
for _ in 1 2; do
    VEEAM_EM_URL="$EDA_URL" VEEAM_EM_CA_PATH="$EDA_CA" VEEAM_EM_USERNAME='CORP\em-reader' \
        run_with_password RJ_ADMIN_PASSWORD ansible-playbook -i "$INVENTORY_PATH" "$examples/retry_failed_replica.yml" \
        -e "$event" "$@"
done
python - "$EDA_CONTROL" "$EDA_CA" <<'PY'
import json, ssl, sys, urllib.request
control, ca = sys.argv[1:]
stats = json.load(urllib.request.urlopen(control + "/stats", context=ssl.create_default_context(cafile=ca)))
writes = [(entry["request"], entry["status"]) for entry in stats["write_log"]]
# DB Replica's last run ended Failed: the first event retries it; after that retry went well the
# second retries nothing.
assert writes == [("POST /api/jobs/10000000-0000-4000-8000-000000000002?action=retry", 202)], writes
assert [run["is_retry"] for run in stats["runs"]] == [True] and stats["sessions"]["open"] == 0, stats
PY
