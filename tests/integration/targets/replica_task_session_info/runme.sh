#!/usr/bin/env bash
# replica_task_session_info and backup_server_info against the EM simulator:
#   DOC  - the documented examples (exact data),
#   LIVE - a generated estate whose history ends now (relative windows),
#   MARK - one account with a marker password, for the secrets check.
# The MARK account's password, set before tracing starts: see simulator.sh.
export MARK_PASSWORD='Marker-Pw-7f3a9c' SECRET_VARS=MARK_PASSWORD
set -eux
source ../setup_em_simulator/simulator.sh

start_em_simulator DOC --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" --plain-collection-days 0
start_em_simulator LIVE --seed 7 --servers 2 --jobs-per-server 2 --vms-per-job 4 --days 3 \
    --max-page-size 500 --max-page-size-mode reject
start_em_simulator MARK --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" \
    --username 'CORP\marker' --password-env MARK_PASSWORD

ansible-playbook -i "$INVENTORY_PATH" options.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" errors.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" backup_servers.yml "$@"

# Nothing secret in the most verbose output: not the password, not any session token.
output="$EM_SIMULATOR_DIR/secrets.log"  # removed with the simulators' folder on exit
ansible-playbook -i "$INVENTORY_PATH" secrets.yml -vvvv > "$output" 2>&1 || { cat "$output"; exit 1; }
grep -q "secrets check ran" "$output"
no_secrets_in "$output"
python - "$MARK_CONTROL" "$MARK_CA" "$output" <<'PY'
import json, ssl, sys, urllib.request
control, ca, output = sys.argv[1:]
stats = json.load(urllib.request.urlopen(control + "/stats", context=ssl.create_default_context(cafile=ca)))
text = open(output, encoding="utf-8", errors="replace").read()
tokens = stats["issued_tokens"]
assert tokens, "the secrets playbook logged on at least once"
leaked = [token for token in tokens if token in text]
assert not leaked, f"{len(leaked)} session token(s) appeared in -vvvv output"
assert stats["sessions"]["open"] == 0, "an EM session was left open"
PY
