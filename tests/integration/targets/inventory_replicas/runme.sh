#!/usr/bin/env bash
# The veeam_em.core.replicas inventory against the EM simulator serving a pinned estate
# whose history ends now (files/estate.template.json):
#   - golden files: `ansible-inventory --list` of one config per feature family,
#   - the cache: a second run asks EM nothing, and nothing secret is cached,
#   - a playbook that targets veeam_rpo_breached,
#   - failures: a refused logon and a wrongly named config file fail loudly,
#   - a first hour's mistakes (first_hour.sh): a misspelt option, a file without the suffix,
#     names EM does not know, a wrong password with and without inventory_unparsed_failed,
#   - several EMs (several_ems.sh), and accounts with less than the Portal Administrator
#     role (read_only.sh): what a Portal User lists and is told, a VM Restore Operator's failure,
#   - CDP VMs and failover plans (cdp_plans.sh): golden files of an administrator's and a Portal
#     User's reads of the simulator's CDP and plan estate, and what the Portal User is told,
#   - waivers, the SLA over the window and anomalies (window.sh): a waived breach, an expired and a
#     stale waiver, an SLA below target, each anomaly, a malformed waivers file asking EM nothing.
# INVENTORY_GOLDEN_WRITE=1 rewrites the golden files instead of comparing (see README.md).
# The account's password (and a wrong one), set before tracing starts: see simulator.sh.
export VEEAM_EM_PASSWORD='Inv-Pw-5c1e9a' WRONG_PASSWORD='Wrong-Pw-0000'
export EST_PASSWORD="$VEEAM_EM_PASSWORD" US_PASSWORD="$VEEAM_EM_PASSWORD" SECRET_VARS="VEEAM_EM_PASSWORD WRONG_PASSWORD"
set -eux
source ../setup_em_simulator/simulator.sh

# A config file the plugin cannot read must fail the run, not give an empty inventory.
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true
export ANSIBLE_INVENTORY_ENABLED=auto
work="$(mktemp -d)"
trap 'rm -rf "$work"; stop_em_simulators' EXIT
marker=/tmp/veeam_em_unsafe_marker
rm -f "$marker"

python render_estate.py files/estate.template.json "$work/estate.json" "$work/now"
start_em_simulator EST --fixture "$work/estate.json" --plain-collection-days 0 \
    --username 'CORP\inv-reader' --password-env VEEAM_EM_PASSWORD
export VEEAM_EM_URL="$EST_URL" VEEAM_EM_CA_PATH="$EST_CA"
export VEEAM_EM_USERNAME='CORP\inv-reader'

stats() {
    python - "$EST_CONTROL" "$EST_CA" "$1" <<'PY'
import json, ssl, sys, urllib.request
control, ca, what = sys.argv[1:]
context = ssl.create_default_context(cafile=ca)
if what == "reset":
    request = urllib.request.Request(control + "/reset", data=b"{}", method="POST")
    urllib.request.urlopen(request, context=context)
else:
    stats = json.load(urllib.request.urlopen(control + "/stats", context=context))
    assert stats["sessions"]["open"] == 0, "an EM logon session was left open"
    print(stats["requests"])
PY
}

golden_args=()
if [ "${INVENTORY_GOLDEN_WRITE:-}" = 1 ]; then golden_args=(--write); fi
for config in defaults rpo filters constructed sessions; do
    python golden.py "$config" "$work/now" "${golden_args[@]}"
done

# Cache: a cold run reads EM and writes the cache; a warm run reads nothing and gives
# the same inventory (the same golden file); --flush-cache reads EM again.
export ANSIBLE_INVENTORY_CACHE_CONNECTION="$work/cache"
stats reset
python golden.py cache "$work/now" "${golden_args[@]}"
cold="$(stats count)"
[ "$cold" -gt 0 ]
ls "$work/cache"/* > /dev/null
stats reset
python golden.py cache "$work/now"
[ "$(stats count)" -eq 0 ] || { echo "a cache hit still sent requests to EM" >&2; exit 1; }
if ansible-inventory --help | grep -q -e --flush-cache; then
    ansible-inventory -i cache.veeam_em.yml --list --flush-cache > /dev/null
else  # ansible-core 2.16: only ansible-playbook has --flush-cache
    printf -- '- hosts: localhost\n  gather_facts: false\n  tasks: []\n' > "$work/noop.yml"
    ansible-playbook -i cache.veeam_em.yml --flush-cache "$work/noop.yml" > /dev/null
fi
[ "$(stats count)" -eq "$cold" ]
no_secrets_in "$work/cache"
if grep -r -F -e 'inv-reader' "$work/cache"; then
    echo "credentials were written to the inventory cache" >&2; exit 1
fi

ansible-playbook -i rpo.veeam_em.yml rpo_breached.yml "$@"

# -v says when two VMs of the same name got distinct host names.
ansible-inventory -i defaults.veeam_em.yml --graph -v 2>&1 | grep -F "the VM on 'vbr02.corp.example' is 'web01_vbr02.corp.example'"

# A refused logon fails the inventory with EM's reason and without the password.
output="$work/refused.log"
if run_with_password WRONG_PASSWORD ansible-inventory -i defaults.veeam_em.yml --list > "$output" 2>&1; then
    echo "a refused logon gave an inventory" >&2; cat "$output"; exit 1
fi
grep -q "authentication failed for user" "$output" || { cat "$output"; exit 1; }
no_secrets_in "$output"

# A file whose name does not end in veeam_em.yml is not this plugin's.
cp defaults.veeam_em.yml "$work/inventory.yml"
if ansible-inventory -i "$work/inventory.yml" --list > "$output" 2>&1; then
    echo "a config named inventory.yml was accepted" >&2; exit 1
fi

# A first hour's mistakes: each with the message the user meets (their own script).
source ./first_hour.sh

# Several EMs in one source, hostnames, filters and exclude_filters (their own script).
source ./several_ems.sh

# The account a monitoring tool is given: a Portal User, a VM Restore Operator (their own script).
source ./read_only.sh

# CDP VMs and failover plans, as an administrator and as a Portal User (their own script).
source ./cdp_plans.sh

# Issue 28: waivers, the SLA over the window and the anomalies (their own script).
source ./window.sh

# No template from EM ever ran.
[ ! -e "$marker" ] || { echo "a VM name was evaluated as a template" >&2; exit 1; }

# A window shorter than the RPO would turn healthy VMs into "never succeeded": refused, naming both (issue 19).
printf 'plugin: veeam_em.core.replicas\ncreated_after: 12h\nrpo: 24h\n' > "$work/short_window.veeam_em.yml"
if ansible-inventory -i "$work/short_window.veeam_em.yml" --list > "$output" 2>&1; then
    echo "a 12h window with a 24h RPO gave an inventory" >&2; cat "$output"; exit 1
fi
tr -d '\n ' < "$output" | grep -qF "created_after(12h)isshorterthanrpo(24h)" || { cat "$output"; exit 1; }
