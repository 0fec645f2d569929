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
quietly coverage ansible-playbook -i "$INVENTORY_PATH" coverage.yml "$@"
python check_reports.py "$OUTPUT_DIR/coverage" --vms 4 --failing 3
quietly switches ansible-playbook -i "$INVENTORY_PATH" switches.yml "$@"
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
[ "$code" -eq 2 ] || { cat "$OUTPUT_DIR/failing_run.log"; echo "a failing compliance run exited $code, not 2" >&2; exit 1; }
grep -q "Replica compliance failed: 4 of 10 VMs" "$OUTPUT_DIR/failing_run.log" || { cat "$OUTPUT_DIR/failing_run.log"; exit 1; }
grep -q "FAILING: 4 VM(s)" "$OUTPUT_DIR/failing_run.log" || { cat "$OUTPUT_DIR/failing_run.log"; exit 1; }  # the summary came first
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
