#!/usr/bin/env bash
# make demo: the collection's main job against the embedded EM simulator.
#
#   demo/run.sh [VENV]
#
# VENV is a virtual environment with ansible-core, requests and lxml (`make demo` builds
# .venv-demo and passes it). Without one, the ansible-core and Python found on PATH run the
# demo: that is how it runs from an installed collection, where there is no Makefile.
#
# Starts the simulator with a generated demo estate (fixed seed: the same VMs breach every
# time), shows the inventory graph and that a wrong password fails the inventory (with
# ANSIBLE_INVENTORY_UNPARSED_FAILED, which it sets and says why), runs the replica_compliance
# role as a pipeline would,
# and says where the reports are. The
# simulator is stopped on every exit path. Exit 0 means the demo ran as designed: the
# estate's breaches and failures are expected findings.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${1:-}" ]; then
    VENV="$(cd "$ROOT" && cd "$1" 2> /dev/null && pwd)" || { echo "demo: no virtual environment at $1" >&2; exit 1; }
    export PATH="$VENV/bin:$PATH"
fi
for tool in python3 ansible-inventory ansible-playbook; do
    command -v "$tool" > /dev/null || {
        echo "demo: $tool is not on PATH; install ansible-core, requests and lxml (pip install ansible-core requests lxml) or pass a virtual environment that has them" >&2
        exit 1; }
done
python3 -c 'import requests, lxml, cryptography' 2> /dev/null || {
    echo "demo: $(command -v python3) lacks requests or lxml; install them (pip install requests lxml) next to ansible-core" >&2
    exit 1; }
REPORTS="$ROOT/tests/output/demo"
WORK=""
SIM_PID=""

if [ -t 1 ]; then
    say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
    say() { printf '\n== %s\n' "$*"; }
fi

cleanup() {
    if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2> /dev/null; then
        kill -TERM "$SIM_PID" 2> /dev/null || true
        wait "$SIM_PID" 2> /dev/null || true
        echo "demo: simulator stopped"
    fi
    [ -z "$WORK" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
WORK="$(mktemp -d)"  # made once cleanup is in place, so that no exit path leaves it behind

# Ansible finds the collection as veeam_em.core through a throwaway collections path.
mkdir -p "$WORK/collections/ansible_collections/veeam_em"
ln -s "$ROOT" "$WORK/collections/ansible_collections/veeam_em/core"
export ANSIBLE_COLLECTIONS_PATH="$WORK/collections"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-}" ANSIBLE_RETRY_FILES_ENABLED=false
# ansible-core only warns when an inventory source fails: a wrong password would end in "no
# hosts matched" and exit code 0. The demo makes it fatal, as AWX does for every inventory
# update, and says so: do the same wherever the inventory gates something.
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true

say "Starting the EM simulator with the demo estate (2 backup servers, 4 jobs, 20 VMs, 7 days of history)"
# TMPDIR: the simulator's folder of certificates goes in WORK, removed even if the simulator is killed.
PYTHONPATH="$ROOT/tests" TMPDIR="$WORK" python3 -m em_simulator --port 0 --ready-file "$WORK/ready.json" --ca-out "$WORK/ca.pem" \
    --seed 2038 --servers 2 --jobs-per-server 2 --vms-per-job 5 --days 7 > "$WORK/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 300); do
    [ -s "$WORK/ready.json" ] && break
    kill -0 "$SIM_PID" 2> /dev/null || { cat "$WORK/simulator.log" >&2; echo "demo: the simulator did not start" >&2; exit 1; }
    sleep 0.1
done
[ -s "$WORK/ready.json" ] || { echo "demo: the simulator did not get ready in 30 s" >&2; exit 1; }
VEEAM_EM_URL="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$WORK/ready.json")"
export VEEAM_EM_URL VEEAM_EM_USERNAME='CORP\em-reader' VEEAM_EM_PASSWORD='Sim-Passw0rd!' VEEAM_EM_CA_PATH="$WORK/ca.pem"
echo "demo: Enterprise Manager simulator at $VEEAM_EM_URL (TLS, its own throwaway CA)"
echo "demo: ANSIBLE_INVENTORY_UNPARSED_FAILED=true: an inventory source that fails fails the run" \
    "(ansible-core's default is a warning and no hosts; see the inventory guide)"

failed_steps=()
say "Inventory: ansible-inventory -i demo/veeam_em.yml --graph"
ansible-inventory -i "$ROOT/demo/veeam_em.yml" --graph || failed_steps+=("inventory graph")

say "Inventory with a wrong password: the run must fail, not go on with no hosts"
if VEEAM_EM_PASSWORD=not-the-password ansible-inventory -i "$ROOT/demo/veeam_em.yml" --graph > "$WORK/refused.log" 2>&1; then
    cat "$WORK/refused.log"; failed_steps+=("a wrong password gave an inventory")
else
    echo "demo: ansible-inventory exited with code $? (the plugin's message, then ansible-core's verdict):"
    # Joined first: ansible-core 2.16 wraps its warnings at 80 columns.
    tr -s '\n ' ' ' < "$WORK/refused.log" | grep -m 1 -o -F "veeam_em.core.replicas: authentication failed for user" || {
        cat "$WORK/refused.log"; failed_steps+=("wrong password message"); }
    grep -E "^(\[ERROR\]|ERROR!)" "$WORK/refused.log" || true
fi

say "Compliance: ansible-playbook demo/compliance.yml (the veeam_em.core.replica_compliance role)"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
export DEMO_REPORTS="$REPORTS"
set +e
ansible-playbook -i "$ROOT/demo/hosts.yml" "$ROOT/demo/compliance.yml" 2>&1 | tee "$WORK/compliance.log"
code=${PIPESTATUS[0]}
set -e

say "Result"
# The role fails the run (exit 2) on failing findings, after writing its reports. That is
# the expected outcome here; anything else (no fresh report, another error) is not.
verdict="$(python3 "$ROOT/demo/verdict.py" "$REPORTS/replica-compliance.json" "$code" "$WORK/compliance.log")" || {
    echo "$verdict"; failed_steps+=("compliance role"); }
[ ${#failed_steps[@]} -eq 0 ] && echo "$verdict"
echo "Reports:"
for report in replica-compliance.html replica-compliance.junit.xml replica-compliance.json; do
    [ -f "$REPORTS/$report" ] && echo "  $REPORTS/$report"
done
if [ ${#failed_steps[@]} -gt 0 ]; then
    echo "demo: FAILED step(s): ${failed_steps[*]}" >&2
    exit 1
fi
echo "demo: ran as designed."
