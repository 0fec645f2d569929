# shellcheck shell=bash
# shellcheck disable=SC2154  # work is runme.sh's, which sources this file
# Sourced by runme.sh after cdp_plans.sh (times_in): issue 28 over the window on the hand-made
# estate files/window.json (its comment and tests/unit/plugins/inventory/test_inventory_window.py
# work out every value) moved to now, judged at that now (pinned_inventory.py):
#   - window_check.py: a waived breach (veeam_waived, not failing), an expired waiver
#     (waiver_expired), an SLA below target with its gaps, each anomaly;
#   - a stale waiver warns once, naming its entry and line;
#   - a malformed waivers file fails the source naming the entry and line, with no request to EM.

python render_estate.py --shift files/window.json "$work/estate-window.json" "$work/now-window"
start_em_simulator WINDOW --fixture "$work/estate-window.json" --plain-collection-days 0 \
    --username 'CORP\inv-reader' --password-env VEEAM_EM_PASSWORD

window_requests() {
    python - "$WINDOW_CONTROL" "$WINDOW_CA" "$1" <<'PY'
import json, ssl, sys, urllib.request
control, ca, what = sys.argv[1:]
context = ssl.create_default_context(cafile=ca)
if what == "reset":
    urllib.request.urlopen(urllib.request.Request(control + "/reset", data=b"{}", method="POST"), context=context)
else:
    print(json.load(urllib.request.urlopen(control + "/stats", context=context))["requests"])
PY
}

VEEAM_EM_URL="$WINDOW_URL" VEEAM_EM_CA_PATH="$WINDOW_CA" \
    python pinned_inventory.py "$(cat "$work/now-window")" -i window.veeam_em.yml --list \
    > "$work/window.json" 2> "$work/window.err"
python window_check.py "$work/window.json" "$work/now-window"
stale="[WARNING]: veeam_em.core.replicas: waiver 3 (line 10) matches no VM: vms gone*; remove it or fix its selectors"
[ "$(times_in "$work/window.err" "$stale")" -eq 1 ] || { cat "$work/window.err"; echo "not one stale waiver warning" >&2; exit 1; }

window_requests reset
if VEEAM_EM_URL="$WINDOW_URL" VEEAM_EM_CA_PATH="$WINDOW_CA" \
    ansible-inventory -i window_bad.veeam_em.yml --list > /dev/null 2> "$work/window-bad.err"; then
    echo "a malformed waivers file did not fail the source" >&2; exit 1
fi
malformed="window_waivers_bad.yml, entry 2 (line 6): unknown key 'justifcation'; did you mean justification?"
[ "$(times_in "$work/window-bad.err" "$malformed")" -ge 1 ] || { cat "$work/window-bad.err"; exit 1; }
[ "$(window_requests count)" -eq 0 ] || { echo "a malformed waivers file still sent requests to EM" >&2; exit 1; }
