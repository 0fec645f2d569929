#!/usr/bin/env bash
# The replica_compliance role against a pinned estate (files/estate.json, now = 2026-11-29T06:00:00Z):
#   findings.yml  - the exact findings, counts, report shapes, idempotence, connection from role variables;
#   restore_points.yml - the same estate judged on restore points and on sessions;
#   one_logon.yml - one logon to EM per role run, every part of the evidence read;
#   collect_first.yml - replica_compliance_collect_first: one collect per backup server in scope first;
#   coverage.yml  - files/coverage.json: VMs and a folder included in jobs but never replicated;
#   cdp_plans.yml - issue 27: the simulator's CDP and failover plan estate (tests/em_simulator/fixtures/cdp_and_plans.json)
#                   judged on the CDP policies' RPO, on an RPO per job naming a policy and on the rpo given, and as a
#                   Portal User (plans and CDP policies refused); check_plans.py checks the plan rows and CDP VMs;
#   window.yml    - issue 28: files/window.json with files/waivers.yml (a waived breach, an expired waiver, a stale
#                   one), an SLA target (VMs and groups below it) and each anomaly; a malformed waivers file first,
#                   which must stop the run before any request to EM;
#   run_waivers.yml - issue 28 on CDP: files/run_waivers.yml waives a VM's finding (its plan ready, with waivers), a
#                   held-back plan and a plan name not found (the run passes); files/run_waivers_expired.yml fails again;
#   account_roles.yml - the same estate as a Portal User (coverage not judged, or required and failing) and as a
#                   VM Restore Operator (no sessions: the role fails), for each way EM may answer a denied read;
#   switches.yml  - each fail switch: the failing VMs, and reports written before the role fails;
#   check_mode.yml - under --check;
#   input_mistakes.yml - a bare number, a missing URL, a report folder that cannot be written, strict_names
#                   and a misspelt variable, each refused with its fix before EM is read;
#   a plain failing run, which must exit non-zero and still leave its reports;
#   report_context.yml - the reports of hand-written results: 20 VMs with the full context, and no VM in scope;
#   scale.yml     - the reports of a generated 500-VM estate (one more role run);
#   the HTML reports in headless Chromium under Jenkins' CSP (check_browser.py), with screenshots.
# The password of COV's Portal User and VM Restore Operator, set before tracing starts (see simulator.sh).
export ACCOUNTS_PASSWORD='Acct-Pw-25c4d1' SECRET_VARS=ACCOUNTS_PASSWORD
set -euxo pipefail
source ../setup_em_simulator/simulator.sh

start_em_simulator EST --fixture "$PWD/files/estate.json"
start_em_simulator COV --fixture "$PWD/files/coverage.json" --extra-account 'CORP\em-portal-user:portal-user' \
    --extra-account 'CORP\em-restore:restore-operator' --extra-password-env ACCOUNTS_PASSWORD
start_em_simulator WIN --fixture "$PWD/files/window.json"
start_em_simulator CDP --fixture "$EM_SIMULATOR_FIXTURES/cdp_and_plans.json" --now 2026-11-20T12:00:00Z \
    --extra-account 'CORP\em-portal-user:portal-user' --extra-password-env ACCOUNTS_PASSWORD

# Artifacts go to ansible-test's tests/output/data (kept after the run); elsewhere to OUTPUT_DIR.
if [ -n "${JUNIT_OUTPUT_DIR:-}" ]; then
    ARTIFACTS="$(dirname "$JUNIT_OUTPUT_DIR")/data/replica_compliance"
else
    ARTIFACTS="${OUTPUT_DIR:-$EM_SIMULATOR_DIR}/replica_compliance"  # EM_SIMULATOR_DIR is removed on exit
fi
rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS"
export REPORTS="$OUTPUT_DIR/reports"
# The version the reports must name: the tested tree's (an installed copy's MANIFEST.json, else galaxy.yml).
VERSION="$(python -c 'import json, sys, yaml
root = sys.argv[1]
try:
    print(json.load(open(root + "/MANIFEST.json"))["collection_info"]["version"])
except FileNotFoundError:
    print(yaml.safe_load(open(root + "/galaxy.yml"))["version"])' "$COLLECTION_ROOT")"

ansible-playbook -i "$INVENTORY_PATH" findings.yml "$@" | tee "$OUTPUT_DIR/findings.log"
python check_reports.py "$REPORTS" --vms 10 --failing 0 --version "$VERSION"
ansible-playbook -i "$INVENTORY_PATH" restore_points.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" one_logon.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" collect_first.yml "$@"
quietly coverage ansible-playbook -i "$INVENTORY_PATH" coverage.yml "$@"
python check_reports.py "$OUTPUT_DIR/coverage" --vms 3 --failing 2 --containers 1 --version "$VERSION"
# Issue 25: the expected failures (require_coverage, the Restore Operator) go to a log that is checked, not echoed.
ansible-playbook -i "$INVENTORY_PATH" account_roles.yml "$@" > "$OUTPUT_DIR/account_roles.log" 2>&1 \
    || { cat "$OUTPUT_DIR/account_roles.log"; exit 1; }
python check_account_roles_log.py "$OUTPUT_DIR/account_roles.log" || { cat "$OUTPUT_DIR/account_roles.log"; exit 1; }
python check_reports.py "$OUTPUT_DIR/account_roles/portal_user_forbidden" --vms 1 --failing 0 --version "$VERSION" \
    --em-url "$COV_URL" --context --not-judged "no right to read replication jobs"
python check_reports.py "$OUTPUT_DIR/account_roles/portal_user_empty" --vms 1 --failing 0 --version "$VERSION" \
    --em-url "$COV_URL" --context --not-judged "Enterprise Manager showed no replication job"
no_secrets_in "$OUTPUT_DIR/account_roles" "$OUTPUT_DIR/account_roles.log"
# Issue 27: every case fails on its enforce step (each has failing VMs), so the log is checked, not echoed.
ansible-playbook -i "$INVENTORY_PATH" cdp_plans.yml "$@" > "$OUTPUT_DIR/cdp_plans.log" 2>&1 \
    || { cat "$OUTPUT_DIR/cdp_plans.log"; exit 1; }
for line in '"PLAN FAIL ERP on vbr-a.corp.example: held back; VMs in start order: erp-db-01, erp-app-01, erp-web-01; held back by 3. erp-web-01 (stale)",' \
            '"PLAN FAIL Weekend on vbr-b.corp.example: held back; VMs in start order: batch-01; held back by 1. batch-01 (job disabled)",' \
            '"PLAN ERP ready on vbr-a.corp.example: ready; VMs in start order: erp-db-01, erp-app-01",' \
            '"NOT JUDGED failover_plans: not judged: no right to read failover plans",' \
            '"FAILING: 2 VM(s) have a finding in rpo_breach, failed, never_succeeded; the failover plans were not judged (see NOT JUDGED)"'; do
    grep -qF "$line" "$OUTPUT_DIR/cdp_plans.log" || { cat "$OUTPUT_DIR/cdp_plans.log"; echo "no summary line $line" >&2; exit 1; }
done
python check_plans.py "$OUTPUT_DIR/cdp_plans/policy" --golden files/cdp_plans.golden.json
python check_plans.py "$OUTPUT_DIR/cdp_plans/rpo_by_job"
python check_plans.py "$OUTPUT_DIR/cdp_plans/portal_user" --plans-not-judged
python check_reports.py "$OUTPUT_DIR/cdp_plans/policy" --vms 9 --failing 5 --version "$VERSION" --em-url "$CDP_URL" --context
python check_reports.py "$OUTPUT_DIR/cdp_plans/option" --vms 8 --failing 2 --version "$VERSION" --em-url "$CDP_URL" --context
no_secrets_in "$OUTPUT_DIR/cdp_plans" "$OUTPUT_DIR/cdp_plans.log"
# Issue 28: the main case fails on its enforce step (rescued), the malformed file before EM: the log is checked, not echoed.
ansible-playbook -i "$INVENTORY_PATH" window.yml "$@" > "$OUTPUT_DIR/window.log" 2>&1 || { cat "$OUTPUT_DIR/window.log"; exit 1; }
for line in '"WAIVED breach01 on vbr-w.test.example: last restore point 2d 18h ago' \
            '"WARNING: stale waiver: waiver 3 (line 17) matches no VM: vms ghost-*; remove it or fix its selectors",' \
            '"ANOMALY size_anomaly size01 on vbr-w.test.example: session 7a5c0000-0000-4000-8000-0000000c0032 of 2026-11-28T12:00:00Z, 10000 B outside its usual 500.0 to 1500.0 B (score 90.0)",' \
            '"SLA FAIL the Enterprise Manager'"'"'s VMs: within the RPO 81.48% of the window over 6 VM(s), below the target of 90.0%",'; do
    grep -qF "$line" "$OUTPUT_DIR/window.log" || { cat "$OUTPUT_DIR/window.log"; echo "no summary line $line" >&2; exit 1; }
done
python check_reports.py "$OUTPUT_DIR/window" --vms 6 --failing 2 --version "$VERSION" --em-url "$WIN_URL" --context
# Issue 28: waivers of the run's own findings on CDP (a held-back plan, a name not found; a VM's waived finding no longer
# holding its plan back); the expired case fails on its enforce step (rescued): the log is checked, not echoed.
ansible-playbook -i "$INVENTORY_PATH" run_waivers.yml "$@" > "$OUTPUT_DIR/run_waivers.log" 2>&1 \
    || { cat "$OUTPUT_DIR/run_waivers.log"; exit 1; }
for line in '"PLAN WAIVED Legacy on vbr-a.corp.example: held back; VMs in start order: erp-db-01, legacy-01; held back by 2. legacy-01 (no replica) [waiver 3 active, expires 2027-01-01T00:00:00Z: Legacy retires with the ERP upgrade]",' \
            '"PLAN ERP on vbr-a.corp.example: ready, with waivers; VMs in start order: erp-db-01, erp-app-01, erp-web-01; waived, not holding it back: 3. erp-web-01 (stale)",' \
            '"NOT FOUND (waived) failover_plan Decom: failover plan '"'"'Decom'"'"' matches no failover plan' \
            '"PLAN FAIL Legacy on vbr-a.corp.example: held back;'; do
    grep -qF "$line" "$OUTPUT_DIR/run_waivers.log" || { cat "$OUTPUT_DIR/run_waivers.log"; echo "no summary line $line" >&2; exit 1; }
done
python check_reports.py "$OUTPUT_DIR/run_waivers/active" --vms 9 --failing 0 --version "$VERSION" --em-url "$CDP_URL" --context
quietly switches ansible-playbook -i "$INVENTORY_PATH" switches.yml "$@"
ansible-playbook -i "$INVENTORY_PATH" check_mode.yml --check "$@"

# Issue 29: each mistake refused with its fix before EM is read (input_mistakes.yml); its last play, a
# misspelt variable, must fail the run (exit 2) with the closest name, and EST must have seen no logon.
set +e
env -u VEEAM_EM_URL ansible-playbook -i "$INVENTORY_PATH" input_mistakes.yml "$@" > "$OUTPUT_DIR/input_mistakes.log" 2>&1
code=$?
set -e
misspelt="replica_compliance_rpo_ is not a variable of this role; did you mean replica_compliance_rpo? The role's variables are listed by ansible-doc -t role veeam_em.core.replica_compliance."
[ "$code" -eq 2 ] || { cat "$OUTPUT_DIR/input_mistakes.log"; echo "a misspelt role variable exited $code, not 2" >&2; exit 1; }
grep -qF "\"msg\": \"$misspelt\"" "$OUTPUT_DIR/input_mistakes.log" || { cat "$OUTPUT_DIR/input_mistakes.log"; exit 1; }
python -c 'import json, ssl, sys, urllib.request
sessions = json.load(urllib.request.urlopen(sys.argv[1] + "/stats", context=ssl.create_default_context(cafile=sys.argv[2])))["sessions"]
sys.exit("a misspelt variable still logged on to EM: %s" % sessions if sessions["logons"] else 0)' \
    "$EST_CONTROL" "$EST_CA"

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
python check_reports.py "$REPORTS" --vms 10 --failing 4 --version "$VERSION"
cp "$REPORTS"/replica-compliance.* "$ARTIFACTS/"

# The HTML report in a real browser.
if ! command -v chromium > /dev/null; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get > /dev/null; then
        echo "chromium is missing and cannot be installed here (needs root and apt-get)" >&2; exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
# The reports' context from hand-written results (EM, version, scope, names not found, warnings; no VM in scope).
ansible-playbook -i "$INVENTORY_PATH" report_context.yml "$@"
fixture_em="https://em.test.example:9398/api/"
python check_reports.py "$OUTPUT_DIR/context" --vms 20 --failing 9 --version 0.1.0-fixture --em-url "$fixture_em" --context
python check_reports.py "$OUTPUT_DIR/empty" --vms 0 --failing 0 --version 0.1.0-fixture --em-url "$fixture_em" --context
python check_reports.py "$OUTPUT_DIR/empty_warning" --vms 0 --failing 0 --version 0.1.0-fixture --em-url "$fixture_em" --context \
    --passed-empty

# An installed copy (MANIFEST.json, no galaxy.yml) names the version in its MANIFEST.json.
installed="$OUTPUT_DIR/installed/ansible_collections/veeam_em/core"
rm -rf "$OUTPUT_DIR/installed" && mkdir -p "$installed/roles" && cp -r "$COLLECTION_ROOT/roles/replica_compliance" "$installed/roles/"
echo '{"collection_info": {"namespace": "veeam_em", "name": "core", "version": "9.9.9-installed"}}' > "$installed/MANIFEST.json"
ANSIBLE_COLLECTIONS_PATH="$OUTPUT_DIR/installed" EXPECTED_VERSION=9.9.9-installed \
    ansible-playbook -i "$INVENTORY_PATH" installed_version.yml "$@"

# make test's slice on the oldest line (tools/run_checks.py integration-slice writes this file; ansible-test
# passes no environment of ours): the 500-VM runs and the browser checks are left out there, as the small
# reports above are rendered by the same templates and checked by check_reports.py; make test-matrix runs them.
if [ -f integration-slice ]; then
    echo "integration-slice: not running the 500-VM reports and the browser checks: $(cat integration-slice)"
else
    # 500 VMs: one more role run, on an estate the simulator generates; the EM URL from VEEAM_EM_URL. Issue 28: a week
    # with gaps inside the window and a tenfold size and duration, so the SLA strips and anomalies show at scale.
    start_em_simulator SCALE --seed 19 --servers 5 --jobs-per-server 10 --vms-per-job 10 --days 8 --interval-hours 24 \
        --now 2026-11-29T06:00:00Z --sla-gaps --anomalies
    VEEAM_EM_URL="$SCALE_URL" ansible-playbook -i "$INVENTORY_PATH" scale.yml "$@"
    python check_reports.py "$OUTPUT_DIR/scale" --vms 500 --failing 0 --version "$VERSION" --em-url "$SCALE_URL"

    # Each HTML report served with Jenkins' CSP, in headless Chromium at 1280 px; screenshots under tests/output.
    mkdir -p "$ARTIFACTS/screenshots"
    python check_browser.py "$ARTIFACTS" --search gold --control --links --screenshot "$ARTIFACTS/screenshots/10-vms-failing-jenkins-csp.png"
    python check_browser.py "$OUTPUT_DIR/context" --search branch-file --screenshot "$ARTIFACTS/screenshots/20-vms-jenkins-csp.png"
    # Issue 28: the waivers (one stale), the runs that look wrong and the SLA strips are rendered above the chart.
    python check_browser.py "$OUTPUT_DIR/scale" --search app012 --screenshot "$ARTIFACTS/screenshots/500-vms-jenkins-csp.png" \
        --text "Runs that look wrong (2)" --text "Stale waivers (1)" --text "SLA over the window: "
    # Issue 29: on the 500-VM estate with coverage, every count agrees in every report and the summary line.
    VEEAM_EM_URL="$SCALE_URL" ansible-playbook -i "$INVENTORY_PATH" scale_agree.yml "$@" > "$OUTPUT_DIR/scale_agree.log" 2>&1 \
        || { cat "$OUTPUT_DIR/scale_agree.log"; exit 1; }
    python check_reports.py "$OUTPUT_DIR/scale-agree" --vms 518 --failing 18 --containers 1 --version "$VERSION" \
        --em-url "$SCALE_URL" --summary-log "$OUTPUT_DIR/scale_agree.log"
    python check_browser.py "$OUTPUT_DIR/scale-agree" --search new-vm --links \
        --screenshot "$ARTIFACTS/screenshots/518-vms-containers-jenkins-csp.png"
    python check_browser.py "$OUTPUT_DIR/empty" --search any --screenshot "$ARTIFACTS/screenshots/0-vms-jenkins-csp.png"
    # A Portal User's report: coverage not judged, said where it shows (the role's Not judged section and the scope).
    python check_browser.py "$OUTPUT_DIR/account_roles/portal_user_forbidden" --search cov \
        --screenshot "$ARTIFACTS/screenshots/portal-user-jenkins-csp.png" \
        --text "VMs never replicated not judged: no right to read replication jobs" \
        --text "coverage not judged: no right to read replication jobs: reading replication jobs needs the Portal Administrator role" \
        --text "not judged never replicated"
    # Issue 27: the plan table above the VMs and the CDP VMs; a Portal User's report says the plans were not judged.
    python check_browser.py "$OUTPUT_DIR/cdp_plans/policy" --search erp- --links \
        --screenshot "$ARTIFACTS/screenshots/cdp-and-plans-jenkins-csp.png" --text "5 failover plan(s): 1 ready, 4 held back"
    python check_browser.py "$OUTPUT_DIR/cdp_plans/portal_user" --search erp- \
        --screenshot "$ARTIFACTS/screenshots/portal-user-plans-jenkins-csp.png" \
        --text "failover_plans not judged: no right to read failover plans"
    cp -r "$OUTPUT_DIR/scale" "$ARTIFACTS/"
    ls -1 "$ARTIFACTS"/screenshots/*.png
fi
cp -r "$OUTPUT_DIR/context" "$OUTPUT_DIR/window" "$OUTPUT_DIR/empty" "$OUTPUT_DIR/account_roles" "$OUTPUT_DIR/cdp_plans" "$ARTIFACTS/"
echo "replica_compliance artifacts (reports and screenshots): $ARTIFACTS"


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
python check_reports.py "$REPORTS" --vms 10 --failing 4 --version "$VERSION" --em-url "$EST_URL" --context  # the last case's reports
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
