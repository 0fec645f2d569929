#!/usr/bin/env bash
# Every module option, and the role's, given a wrong type or value: each run fails with a
# message that names the option (table-driven, against the documented examples).
set -eux
source ../setup_em_simulator/simulator.sh

start_em_simulator DOC --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json"

ansible-playbook -i "$INVENTORY_PATH" modules.yml "$@"
quietly role ansible-playbook -i "$INVENTORY_PATH" role.yml "$@"

# Nothing was left logged on by the refused runs.
python - "$DOC_CONTROL" "$DOC_CA" <<'PY'
import json, ssl, sys, urllib.request
control, ca = sys.argv[1:]
stats = json.load(urllib.request.urlopen(control + "/stats", context=ssl.create_default_context(cafile=ca)))
assert stats["sessions"]["open"] == 0, "an EM session was left open"
PY
