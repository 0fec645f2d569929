#!/usr/bin/env bash
# EM builds every Href from its own configured host name (field sample F6). Against an EM
# whose links name another host - a loopback listener that logs any connection, or a name
# that resolves nowhere - the module, the inventory and the role must log out of the EM in
# use, at once, and send nothing elsewhere. The EM also claims Success for running tasks
# and writes the 1900 placeholder as their end (field samples F1, F5).
set -eux
source ../setup_em_simulator/simulator.sh

hits="$EM_SIMULATOR_DIR/other-host.hits"
: > "$hits"
python recorder.py "$EM_SIMULATOR_DIR/other-host.port" "$hits" &
EM_SIMULATOR_PIDS+=("$!")
until [ -s "$EM_SIMULATOR_DIR/other-host.port" ]; do sleep 0.1; done
other="127.0.0.1:$(cat "$EM_SIMULATOR_DIR/other-host.port")"

field=(--seed 3 --servers 2 --jobs-per-server 1 --vms-per-job 4 --days 2 --running-result success --running-end-time 1900)
start_em_simulator RECORDED "${field[@]}" --link-host "$other"
start_em_simulator NOWHERE "${field[@]}" --link-host em-01.corp.invalid

export ANSIBLE_INVENTORY_UNPARSED_FAILED=true
# run LABEL COMMAND...: the command must pass without warning about the logout. Its wall
# time is printed, not judged (a loaded machine varies too much): the old failure, a logout
# sent to the other host and retried for ~14 s, also left the EM session open, which
# check_em.py refuses. The sub-second logout is asserted in the unit property test.
run() {
    local label="$1"; shift
    local started ended
    started=$(date +%s%N)
    "$@" > "$EM_SIMULATOR_DIR/$label.out" 2>&1 || { cat "$EM_SIMULATOR_DIR/$label.out"; return 1; }
    ended=$(date +%s%N)
    echo "$label: $(( (ended - started) / 1000000 )) ms"
    ! grep -q "could not log out" "$EM_SIMULATOR_DIR/$label.out"
}

for em in RECORDED NOWHERE; do
    url_var="${em}_URL" ca_var="${em}_CA" control_var="${em}_CONTROL"
    export EM_URL="${!url_var}" EM_CA="${!ca_var}"
    run "$em-module" ansible-playbook -i "$INVENTORY_PATH" module.yml "$@"
    cat > "$EM_SIMULATOR_DIR/$em.veeam_em.yml" <<YAML
plugin: veeam_em.core.replicas
url: $EM_URL
username: CORP\\em-reader
password: Sim-Passw0rd!
ca_path: $EM_CA
created_after: 2d
rpo: 24h
YAML
    run "$em-inventory" ansible-inventory -i "$EM_SIMULATOR_DIR/$em.veeam_em.yml" --list
    run "$em-role" ansible-playbook -i "$INVENTORY_PATH" role.yml -e "report_dir=$EM_SIMULATOR_DIR/$em-reports" "$@"
    python check_em.py "${!control_var}" "$EM_CA" "$EM_SIMULATOR_DIR/$em-inventory.out"
done

if [ -s "$hits" ]; then
    echo "the client connected to the host EM's links name:" >&2; cat "$hits" >&2; exit 1
fi
