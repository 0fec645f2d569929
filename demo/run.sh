#!/usr/bin/env bash
# make demo: the collection's main job against the embedded EM simulator.
#
#   demo/run.sh [--output-dir DIR] [VENV]
#
# DIR receives the reports and the whole output of every step: the folder VEEAM_EM_DEMO_DIR
# names, else veeam-em-demo in the current directory (make demo passes tests/output/demo).
# It is checked before anything starts; the demo's own files in it (FILES below) are removed
# first, so every file it lists at the end was written by this run.
# VENV is a virtual environment with ansible-core, requests and lxml (`make demo` builds
# .venv-demo and passes it). Without one, the ansible-core and Python found on PATH run the
# demo: that is how it runs from an installed collection, where there is no Makefile.
#
# Starts the simulator with a generated demo estate (fixed seed: the same VMs breach every
# time), shows the inventory graph and that a wrong password fails the inventory (with
# ANSIBLE_INVENTORY_UNPARSED_FAILED, which it sets and says why), runs the replica_compliance
# role as a pipeline would, and says where the reports are; each step prints a few lines and
# the file with the whole. The simulator is stopped on every exit path. Exit 0 means the demo
# ran as designed: the estate's breaches and failures are expected findings.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPORT_FILES=(replica-compliance.html replica-compliance.junit.xml replica-compliance.json)
FILES=("${REPORT_FILES[@]}" replica-compliance.css replica-compliance.js
       simulator.log inventory-graph.txt wrong-password.log compliance.log)
MARK=".veeam-em-demo"  # written into the output folder: its files are the demo's to replace
OUT="${VEEAM_EM_DEMO_DIR:-${PWD%/}/veeam-em-demo}"  # ${PWD%/}: "/" gives /veeam-em-demo, not //
VENV_ARG=""

usage() { echo "usage: demo/run.sh [--output-dir DIR] [VENV]"; }
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --output-dir) [ $# -ge 2 ] || { echo "demo: --output-dir needs a folder; $(usage)" >&2; exit 2; }
                      OUT="$2"; shift 2 ;;
        --output-dir=*) OUT="${1#--output-dir=}"; shift ;;
        -*) echo "demo: unknown option $1; $(usage)" >&2; exit 2 ;;
        *) [ -z "$VENV_ARG" ] || { echo "demo: one virtual environment only, got $VENV_ARG and $1; $(usage)" >&2; exit 2; }
           VENV_ARG="$1"; shift ;;
    esac
done

# Before anything starts: a folder the user cannot write would otherwise be found only after
# EM has been read, and the reports of an earlier run would be listed as if they were new.
prepare_output() {
    local probe name absolute
    if ! mkdir -p -- "$OUT" 2> /dev/null || ! absolute="$(cd -- "$OUT" 2> /dev/null && pwd)"; then
        echo "demo: cannot create the output folder $OUT; name a folder you can write with --output-dir DIR" \
            "(or VEEAM_EM_DEMO_DIR=DIR)" >&2
        exit 1
    fi
    OUT="$absolute"
    if ! probe="$(mktemp "$OUT/.demo-write-test.XXXXXX" 2> /dev/null)"; then
        echo "demo: cannot write to the output folder $OUT; name a folder you can write with --output-dir DIR" \
            "(or VEEAM_EM_DEMO_DIR=DIR)" >&2
        exit 1
    fi
    rm -f -- "$probe"
    # Only files of an earlier demo run are removed: a folder without the demo's mark that holds a
    # file of one of those names (a user's own compliance.log in ~) is refused instead.
    if [ ! -e "$OUT/$MARK" ]; then
        for name in "${FILES[@]}"; do
            if [ -e "$OUT/$name" ]; then
                echo "demo: $OUT holds $name, which the demo did not write (no $MARK there), and would replace it;" \
                    "name another folder with --output-dir DIR (or VEEAM_EM_DEMO_DIR=DIR)" >&2
                exit 1
            fi
        done
        echo "This folder holds the veeam_em.core demo's output; demo/run.sh replaces its files." > "$OUT/$MARK"
    fi
    for name in "${FILES[@]}"; do
        rm -f -- "${OUT:?}/$name" || { echo "demo: cannot remove $OUT/$name of an earlier run" >&2; exit 1; }
    done
}
prepare_output

if [ -n "$VENV_ARG" ]; then
    VENV="$(cd "$ROOT" && cd "$VENV_ARG" 2> /dev/null && pwd)" || { echo "demo: no virtual environment at $VENV_ARG" >&2; exit 1; }
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

start_simulator() {
    # TMPDIR: the simulator's folder of certificates goes in WORK, removed even if the simulator is killed.
    PYTHONPATH="$ROOT/tests" TMPDIR="$WORK" python3 -m em_simulator --port 0 --ready-file "$WORK/ready.json" \
        --ca-out "$WORK/ca.pem" --seed 2038 --servers 2 --jobs-per-server 2 --vms-per-job 5 --days 7 \
        --cdp-policies-per-server 1 --failover-plans-per-server 2 --sla-gaps --anomalies \
        > "$OUT/simulator.log" 2>&1 &
    SIM_PID=$!
    for _ in $(seq 300); do
        [ -s "$WORK/ready.json" ] && break
        kill -0 "$SIM_PID" 2> /dev/null || { cat "$OUT/simulator.log" >&2; echo "demo: the simulator did not start" >&2; exit 1; }
        sleep 0.1
    done
    [ -s "$WORK/ready.json" ] || { echo "demo: the simulator did not get ready in 30 s" >&2; exit 1; }
    VEEAM_EM_URL="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$WORK/ready.json")"
    export VEEAM_EM_URL VEEAM_EM_USERNAME='CORP\em-reader' VEEAM_EM_PASSWORD='Sim-Passw0rd!' VEEAM_EM_CA_PATH="$WORK/ca.pem"
    echo "demo: Enterprise Manager simulator at $VEEAM_EM_URL (TLS, its own throwaway CA); its log: $OUT/simulator.log"
    echo "demo: ANSIBLE_INVENTORY_UNPARSED_FAILED=true: an inventory source that fails fails the run" \
        "(ansible-core's default is a warning and no hosts; see the inventory guide)"
}

# A few groups of the graph with their host counts; the whole graph is in the file.
show_graph() {
    ansible-inventory -i "$ROOT/demo/veeam_em.yml" --graph > "$OUT/inventory-graph.txt" 2>&1 || {
        cat "$OUT/inventory-graph.txt"; failed_steps+=("inventory graph"); return; }
    python3 "$ROOT/demo/graph_summary.py" "$OUT/inventory-graph.txt" \
        veeam_backup_servers veeam_replicated_vms veeam_rpo_breached veeam_result_failed \
        veeam_never_replicated veeam_job_disabled veeam_job_overdue veeam_running
    echo "The whole graph: $OUT/inventory-graph.txt"
}

show_wrong_password() {
    local code=0
    VEEAM_EM_PASSWORD=not-the-password ansible-inventory -i "$ROOT/demo/veeam_em.yml" --graph \
        > "$OUT/wrong-password.log" 2>&1 || code=$?
    if [ "$code" -eq 0 ]; then
        cat "$OUT/wrong-password.log"; failed_steps+=("a wrong password gave an inventory"); return
    fi
    echo "demo: ansible-inventory exited with code $code (the plugin's message, then ansible-core's verdict):"
    # Joined first: ansible-core 2.16 wraps its warnings at 80 columns.
    tr -s '\n ' ' ' < "$OUT/wrong-password.log" \
        | grep -o -F "veeam_em.core.replicas: authentication failed for user" | awk 'NR == 1 { print } END { exit NR == 0 }' || {
        cat "$OUT/wrong-password.log"; failed_steps+=("wrong password message"); }
    grep -E "^(\[ERROR\]|ERROR!)" "$OUT/wrong-password.log" || true
    echo "Its whole output: $OUT/wrong-password.log"
}

# The role fails the run (exit 2) on failing findings, after writing its reports. That is
# the expected outcome here; anything else (no fresh report, another error) is not.
show_compliance() {
    local code=0 verdict
    DEMO_REPORTS="$OUT" ansible-playbook -i "$ROOT/demo/hosts.yml" "$ROOT/demo/compliance.yml" \
        > "$OUT/compliance.log" 2>&1 || code=$?
    grep -E "^localhost +:" "$OUT/compliance.log" | sed 's/^/play recap: /' || true
    echo "demo: ansible-playbook exited with code $code; its whole output: $OUT/compliance.log"
    say "Result"
    verdict="$(python3 "$ROOT/demo/verdict.py" "$OUT/replica-compliance.json" "$code" "$OUT/compliance.log")" || {
        echo "$verdict"; tail -n 15 "$OUT/compliance.log"; failed_steps+=("compliance role"); return; }
    echo "$verdict"
}

# Only files of this run: prepare_output removed those of an earlier one.
list_reports() {
    local report found=0
    echo "Reports:"
    for report in "${REPORT_FILES[@]}"; do
        [ -f "$OUT/$report" ] && { echo "  $OUT/$report"; found=1; }
    done
    [ "$found" -eq 1 ] || echo "  none: this run wrote no report"
}

failed_steps=()
say "Starting the EM simulator with the demo estate (2 backup servers, 4 jobs, 20 VMs, 7 days of history; a CDP policy and 2 failover plans per server)"
start_simulator
say "Inventory: ansible-inventory -i demo/veeam_em.yml --graph"
show_graph
say "Inventory with a wrong password: the run must fail, not go on with no hosts"
show_wrong_password
say "Compliance: ansible-playbook demo/compliance.yml (the veeam_em.core.replica_compliance role)"
show_compliance
list_reports
if [ ${#failed_steps[@]} -gt 0 ]; then
    echo "demo: FAILED step(s): ${failed_steps[*]}" >&2
    exit 1
fi
echo "demo: ran as designed."
