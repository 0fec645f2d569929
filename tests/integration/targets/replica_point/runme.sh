#!/usr/bin/env bash
# replica_point against the EM simulator (seed 7: 'Tier 1 "Gold" DR' holds web"front and
# db,reporting; 'Zürich Standby' (replicas from backup: its runs end Warning without points)
# データ01 and mail;01; 'Web, App & DB' Köln-fs01; 'SQL Replication' sql 01 with a generated run
# that never ends). Runs take 2 simulated seconds, tasks 0.5, collections 1, on the
# wall clock: the whole target waits about 40 s.
#   main.yml - already running, fresh, check mode, stale (and again: no write), a point that never
#              comes, a timeout, a failing run, a Portal User (fresh: works; stale: refused, naming the role), collect without lag
#   lag.yml  - EM collects every 600 s: without collect the run is not seen (timeout, the job
#              started); with collect the same VM is fresh and nothing starts; with collect a stale
#              VM's job starts and one more collection while waiting shows its point
# Each simulator's write log is then checked request by request.
export RP_USER_PASSWORD='Rp-Pw-26c1' SECRET_VARS=RP_USER_PASSWORD
set -eux
source ../setup_em_simulator/simulator.sh

estate=(--seed 7 --servers 2 --jobs-per-server 2 --vms-per-job 2 --days 1 --plain-collection-days 0
        --job-run-seconds 2 --task-seconds 0.5 --collect-seconds 1
        --extra-account 'CORP\rp-user:portal-user' --extra-password-env RP_USER_PASSWORD)
start_em_simulator RP "${estate[@]}"
start_em_simulator LAG "${estate[@]}" --collection-interval-seconds 600

run_seconds() {  # how long the RP simulator's runs started from now take
python - "$RP_CONTROL" "$RP_CA" "$1" <<'PY'
import json, ssl, sys, urllib.request
control, ca, seconds = sys.argv[1:]
request = urllib.request.Request(control + "/config", json.dumps({"job_run_seconds": float(seconds)}).encode(),
                                 method="POST")
urllib.request.urlopen(request, context=ssl.create_default_context(cafile=ca))
PY
}
# Another pipeline starts 'Tier 1 "Gold" DR' (a long run) just before the play: replica_point waits
# for it. web"front's point comes 0.55 of the run in (13 s): long enough for ansible-playbook to start
# on a loaded machine, which 8 s was not (main.yml makes the play's own runs 2 s).
run_seconds 24
PYTHONPATH="${ANSIBLE_COLLECTIONS_PATH%%:*}" python start_job.py "$RP_URL" "$RP_CA" 'Tier 1 "Gold" DR'
ansible-playbook -i "$INVENTORY_PATH" main.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" lag.yml "$@"

python check_writes.py "$RP_CONTROL" "$RP_CA" 'Tier 1 "Gold" DR' "Web, App & DB" "Zürich Standby" "Web, App & DB" collect
python check_writes.py "$LAG_CONTROL" "$LAG_CA" 'Tier 1 "Gold" DR' collect collect "Web, App & DB" collect
