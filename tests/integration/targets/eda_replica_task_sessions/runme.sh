#!/usr/bin/env bash
# The replica_task_sessions event source run by the real ansible-rulebook (pinned in
# tests/requirements-dev.txt with drools-jpy; needs a Java 17 runtime): a rulebook that runs
# a playbook when a replica fails, seen by two sources, as the Portal Administrator and as a
# Portal User. The sources start from now; once they have polled, the simulator ends a
# running session as Failed; the playbook prints and saves both events, and check_event.py
# compares them with the simulator's session and with each other.
# As a VM Restore Operator, who may not read sessions, the source stops at its first poll with
# an error naming the roles that may (check_refused.py).
# Then a second rulebook, with retries, retry_backoff, timeout and validate_certs in their
# natural YAML types, is stopped with SIGINT (as Ctrl-C stops it) once it polls: the
# simulator must then show no EM session open (stop_when_polled.py).
# The simulator's default account, set before tracing starts (see simulator.sh).
export VEEAM_EM_USERNAME='CORP\em-reader' VEEAM_EM_PASSWORD='Sim-Passw0rd!'
set -eux
source ../setup_em_simulator/simulator.sh

if ! command -v ansible-rulebook > /dev/null; then
    echo "ansible-rulebook is not installed in this environment; install tests/requirements-dev.txt" >&2
    exit 1
fi
ansible-rulebook --version

# The documented EDA example (docs/examples) is a rulebook this ansible-rulebook accepts: its own
# validator, with its JSON schema (the unit test of the example checks what it says, on every line).
python -c 'import sys, yaml; from ansible_rulebook.validators import Validate; Validate.rulebook(yaml.safe_load(open(sys.argv[1])))' \
    "$COLLECTION_ROOT/docs/examples/retry_failed_replica_rulebook.yml"

# The extra accounts share the default account's password (VEEAM_EM_PASSWORD), so that the
# rulebooks name only the user.
start_em_simulator EM --seed 5 --servers 1 --jobs-per-server 1 --vms-per-job 6 --days 2 \
    --extra-account 'CORP\portal-user:portal-user' --extra-account 'CORP\operator:restore-operator' \
    --extra-password-env VEEAM_EM_PASSWORD
export VEEAM_EM_URL="$EM_URL" VEEAM_EM_CA_PATH="$EM_CA"
work="$EM_SIMULATOR_DIR/rulebook"
mkdir -p "$work"

printf 'state_file: %s\nportal_user: CORP\\portal-user\nrestore_operator: CORP\\operator\n' "$work/state.json" \
    > "$work/vars.yml"
export EVENT_OUT="$work/event.json" ANSIBLE_NOCOLOR=true
timeout 300 ansible-rulebook --rulebook rulebook.yml -i inventory.yml --vars "$work/vars.yml" --verbose \
    > "$work/rulebook.log" 2>&1 &
rulebook=$!
EM_SIMULATOR_PIDS+=("$rulebook")

python complete_when_polled.py "$EM_CONTROL" "$EM_CA" > "$work/completed.json" || { cat "$work/rulebook.log"; exit 1; }
code=0
wait "$rulebook" || code=$?
cat "$work/rulebook.log"
[ "$code" -eq 0 ] || { echo "ansible-rulebook exited with $code" >&2; exit 1; }
python check_event.py "$work/completed.json" "$work/event.json" "$work/rulebook.log" "$EM_URL" "$work/state.json"

reset_simulator() {
    python - "$EM_CONTROL" "$EM_CA" "$1" <<'PY'
import sys, requests
stats = requests.post(f"{sys.argv[1]}/reset", json={}, verify=sys.argv[2], timeout=10).json()
assert stats["sessions"]["open"] == 0, f"the {sys.argv[3]} rulebook run left an EM session open: {stats['sessions']}"
PY
}
reset_simulator first

# As a Restore Operator: ansible-rulebook ends (exit code 1) with the source's error.
code=0
timeout 120 ansible-rulebook --rulebook rulebook_refused.yml -i inventory.yml --vars "$work/vars.yml" \
    > "$work/refused.log" 2>&1 || code=$?
cat "$work/refused.log"
[ "$code" -eq 1 ] || { echo "ansible-rulebook as a Restore Operator exited with $code, not 1" >&2; exit 1; }
python check_refused.py "$EM_CONTROL" "$EM_CA" "$work/refused.log" "$EM_URL" 'CORP\operator'
reset_simulator refused

# The connection options as a user writes them; stopped by SIGINT, it logs out of EM.
ansible-rulebook --rulebook rulebook_stopped.yml -i inventory.yml --verbose > "$work/stopped.log" 2>&1 &
stopped=$!
EM_SIMULATOR_PIDS+=("$stopped")
python stop_when_polled.py "$EM_CONTROL" "$EM_CA" "$stopped" || { cat "$work/stopped.log"; exit 1; }
code=0
wait "$stopped" || code=$?
cat "$work/stopped.log"
[ "$code" -eq 0 ] || { echo "ansible-rulebook stopped by SIGINT exited with $code" >&2; exit 1; }
grep -q "validate_certs is false" "$work/stopped.log" || { echo "validate_certs: false was not warned of" >&2; exit 1; }
