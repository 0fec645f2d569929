#!/usr/bin/env bash
# The replica_compliance role against a pinned estate (files/estate.json, now = 2026-11-29T06:00:00Z):
#   findings.yml  - the exact findings, counts, report shapes, idempotence, connection from role variables;
#   restore_points.yml - the same estate judged on restore points and on sessions;
#   coverage.yml  - files/coverage.json: VMs and a folder included in jobs but never replicated;
#   switches.yml  - each fail switch: the failing VMs, and reports written before the role fails;
#   check_mode.yml - under --check;
#   a plain failing run, which must exit non-zero and still leave its reports;
#   the HTML report in headless Chromium: no console messages, one row per VM, a screenshot.
set -euxo pipefail
source ../setup_em_simulator/simulator.sh

start_em_simulator EST --fixture "$PWD/files/estate.json"
start_em_simulator COV --fixture "$PWD/files/coverage.json"

# Artifacts go to ansible-test's tests/output/data (kept after the run); elsewhere to OUTPUT_DIR.
if [ -n "${JUNIT_OUTPUT_DIR:-}" ]; then
    ARTIFACTS="$(dirname "$JUNIT_OUTPUT_DIR")/data/replica_compliance"
else
    ARTIFACTS="${OUTPUT_DIR:-$(mktemp -d)}/replica_compliance"
fi
rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS"
export REPORTS="$OUTPUT_DIR/reports"

ansible-playbook -i "$INVENTORY_PATH" findings.yml "$@" | tee "$OUTPUT_DIR/findings.log"
python check_reports.py "$REPORTS" --vms 10 --failing 0
ansible-playbook -i "$INVENTORY_PATH" restore_points.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" coverage.yml "$@"
python check_reports.py "$OUTPUT_DIR/coverage" --vms 4 --failing 3
ansible-playbook -i "$INVENTORY_PATH" switches.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" check_mode.yml --check "$@"

# Deprecated role variable names work and are named in the output; current names are not.
ansible-playbook -i "$INVENTORY_PATH" deprecated_names.yml "$@" | tee "$OUTPUT_DIR/deprecated_names.log"
grep -q "DEPRECATED role variables, which stop working in veeam_em.core 2.0.0: replica_compliance_lookback (now replica_compliance_created_after), replica_compliance_include_vms (now replica_compliance_vm_names)" "$OUTPUT_DIR/deprecated_names.log"
if grep -q "DEPRECATED role variables" "$OUTPUT_DIR/findings.log"; then
    echo "a run with the current variable names was told of deprecated ones" >&2; exit 1
fi

# A pipeline step: the default fail switches fail the run (exit 2), and the reports are there.
rm -rf "$REPORTS"
set +e
ansible-playbook -i "$INVENTORY_PATH" failing_run.yml "$@" > "$OUTPUT_DIR/failing_run.log" 2>&1
code=$?
set -e
cat "$OUTPUT_DIR/failing_run.log"
[ "$code" -eq 2 ] || { echo "a failing compliance run exited $code, not 2" >&2; exit 1; }
grep -q "Replica compliance failed: 4 of 10 VMs" "$OUTPUT_DIR/failing_run.log"
grep -q "FAILING: 4 VM(s)" "$OUTPUT_DIR/failing_run.log"  # the summary came before the failure
python check_reports.py "$REPORTS" --vms 10 --failing 4
cp "$REPORTS"/replica-compliance.* "$ARTIFACTS/"

# The HTML report in a real browser.
if ! command -v chromium > /dev/null; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get > /dev/null; then
        echo "chromium is missing and cannot be installed here (needs root and apt-get)" >&2; exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
html="$ARTIFACTS/replica-compliance.html"
profile="$(mktemp -d)"
chrome=(chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
        --disable-sync --no-first-run --user-data-dir="$profile" --enable-logging=stderr --v=0)
"${chrome[@]}" --dump-dom "file://$html" > "$OUTPUT_DIR/dom.html" 2> "$OUTPUT_DIR/chromium-dom.log"
"${chrome[@]}" --screenshot="$ARTIFACTS/replica-compliance.png" --window-size=1400,1000 --hide-scrollbars \
    "file://$html" > /dev/null 2> "$OUTPUT_DIR/chromium-screenshot.log"
rm -rf "$profile"
# The page logs nothing when it works: any console line is a script error or a refused resource.
if grep -h "CONSOLE" "$OUTPUT_DIR/chromium-dom.log" "$OUTPUT_DIR/chromium-screenshot.log"; then
    echo "the HTML report wrote to the browser console (above)" >&2; exit 1
fi
python check_reports.py "$REPORTS" --vms 10 --failing 4 --dom "$OUTPUT_DIR/dom.html"
test -s "$ARTIFACTS/replica-compliance.png"
echo "replica_compliance artifacts (reports and screenshot): $ARTIFACTS"

# Never green on no evidence (issue 19). The expected failures go to logs that are checked, not echoed.
start_em_simulator ESTCI --fixture "$PWD/files/estate.json" --case-insensitive
start_em_simulator EMPTY --fixture "$PWD/files/empty.json"
export REPORTS="$OUTPUT_DIR/scope-reports"
ansible-playbook -i "$INVENTORY_PATH" scope.yml "$@" > "$OUTPUT_DIR/scope.log" 2>&1 || { cat "$OUTPUT_DIR/scope.log"; exit 1; }
# The summary says it too: the name not found, why the run fails, and the empty scope's warning.
for line in '"NOT FOUND backup_server vbr99.test.example: backup server '"'vbr99.test.example'"' matches nothing' \
            '"FAILING: 1 name(s) not found; no VM in scope (replica_compliance_empty_scope is fail)"' \
            '"WARNING: No VM is in scope: nothing Enterprise Manager returned'; do
    grep -qF "$line" "$OUTPUT_DIR/scope.log" || { cat "$OUTPUT_DIR/scope.log"; echo "no summary line $line" >&2; exit 1; }
done
python check_reports.py "$REPORTS" --vms 10 --failing 4  # the last case's reports, with their scope
ansible-playbook -i "$INVENTORY_PATH" scope_inputs.yml "$@" > "$OUTPUT_DIR/scope_inputs.log" 2>&1 || { cat "$OUTPUT_DIR/scope_inputs.log"; exit 1; }
# The scope from an inventory group: its VMs when the source logged on; a clear failure when it did not
# (ansible-core only warns), and no run at all once a failing source is made fatal.
GROUP_EXPECT=vms VEEAM_EM_CA_PATH="$EST_CA" ansible-playbook -i group.veeam_em.yml -i "$INVENTORY_PATH" inventory_group.yml "$@" \
    > "$OUTPUT_DIR/group.log" 2>&1 || { cat "$OUTPUT_DIR/group.log"; exit 1; }
GROUP_EXPECT=none GROUP_EM_REFUSE=1 VEEAM_EM_CA_PATH="$EST_CA" ANSIBLE_INVENTORY_UNPARSED_FAILED=false \
    ansible-playbook -i group.veeam_em.yml -i "$INVENTORY_PATH" inventory_group.yml "$@" \
    > "$OUTPUT_DIR/group-refused.log" 2>&1 || { cat "$OUTPUT_DIR/group-refused.log"; exit 1; }
# ansible-core wraps its warnings anywhere: compare without line breaks and spaces.
tr -d '\n ' < "$OUTPUT_DIR/group-refused.log" | grep -q "authenticationfailedforuser" || { cat "$OUTPUT_DIR/group-refused.log"; exit 1; }
# Fatal as the message says: any_unparsed_is_failed next to another source, unparsed_is_failed when it is the only one.
refused_source_stops_the_run() {  # VARIABLE [more ansible-playbook options]
    local variable="$1"; shift
    if env GROUP_EXPECT=none GROUP_EM_REFUSE=1 VEEAM_EM_CA_PATH="$EST_CA" "$variable=true" \
        ansible-playbook -i group.veeam_em.yml "$@" inventory_group.yml > "$OUTPUT_DIR/group-fatal.log" 2>&1; then
        echo "a refused inventory logon did not stop the run with $variable=true" >&2
        cat "$OUTPUT_DIR/group-fatal.log"; exit 1
    fi
    tr -d '\n ' < "$OUTPUT_DIR/group-fatal.log" | grep -q "authenticationfailedforuser" || { cat "$OUTPUT_DIR/group-fatal.log"; exit 1; }
}
refused_source_stops_the_run ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED -i "$INVENTORY_PATH"
refused_source_stops_the_run ANSIBLE_INVENTORY_UNPARSED_FAILED
