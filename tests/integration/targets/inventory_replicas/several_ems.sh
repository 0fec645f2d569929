# shellcheck shell=bash
# shellcheck disable=SC2154  # work and golden_args are runme.sh's, which sources this file
# Sourced by runme.sh: several Enterprise Managers in one source.
#   - two simulators (EU, US) serving the same estate: golden several_ems, and the cache,
#   - three (FLEET_EU, SLOW with latency, a stopped one): on_em_error fail and warn, golden
#     on_em_error, warnings once per failed EM, no cache from a partial read,
#   - golden files of hostnames, filters (vm_filters) and exclude_filters on one EM.

# Each golden file below is compared within seconds of its estate's 'now' (ages are rounded
# to the minute), so each group gets a freshly rendered estate and simulators of its own.
fresh() {  # fresh TAG: render the estate anew as $work/estate-TAG.json, its 'now' in $work/now-TAG
    python render_estate.py files/estate.template.json "$work/estate-$1.json" "$work/now-$1"
}
serve() {  # serve NAME TAG [simulator options]: a simulator of estate TAG with runme.sh's account
    local name="$1" tag="$2"; shift 2
    start_em_simulator "$name" --fixture "$work/estate-$tag.json" --plain-collection-days 0 \
        --username 'CORP\inv-reader' --password-env VEEAM_EM_PASSWORD "$@"
}

# Two EMs serving the same estate.
fresh two
serve EU two
serve US two
python golden.py several_ems "$work/now-two" "${golden_args[@]}"

# Three: one answers, one is slow, one is stopped (started, then stopped: its port is closed).
fresh three
serve FLEET_EU three
serve SLOW three --latency-ms 150
serve STOPPED three
kill -TERM "${EM_SIMULATOR_PIDS[-1]}"
wait "${EM_SIMULATOR_PIDS[-1]}" 2>/dev/null || true
python golden.py on_em_error "$work/now-three" "${golden_args[@]}"

# hostnames, filters and exclude_filters on one EM (these configs take it from VEEAM_EM_*).
fresh one
serve ONE one
export VEEAM_EM_URL="$ONE_URL" VEEAM_EM_CA_PATH="$ONE_CA"
for config in hostnames vm_filters exclude_filters; do
    python golden.py "$config" "$work/now-one" "${golden_args[@]}"
done

# The default, on_em_error: fail, fails the source naming the stopped EM, and lists nothing.
output="$work/fleet.log"
sed '/^on_em_error:/d' on_em_error.veeam_em.yml > "$work/fail.veeam_em.yml"
if ansible-inventory -i "$work/fail.veeam_em.yml" --list > "$output" 2>&1; then
    echo "a source with a stopped EM gave an inventory" >&2; cat "$output"; exit 1
fi
flat() { tr -s '\n ' ' ' < "$1"; }
flat "$output" | grep -q "Enterprise Manager 'ap' (enterprise_managers\[1\]) failed: nothing listens at 127.0.0.1:" || { cat "$output"; exit 1; }
flat "$output" | grep -q "on_em_error: warn" || { cat "$output"; exit 1; }
if grep -q -e veeam_replicated_vms "$output"; then
    echo "a failed source listed hosts" >&2; cat "$output"; exit 1
fi
no_secrets_in "$output"

# on_em_error: warn warns once for the stopped EM and for no other.
ansible-inventory -i on_em_error.veeam_em.yml --list > /dev/null 2> "$output"
[ "$(flat "$output" | grep -o "failed and its hosts are left out" | wc -l)" -eq 1 ] || { cat "$output"; exit 1; }
flat "$output" | grep -q "Enterprise Manager 'ap' (enterprise_managers\[1\]) failed and its hosts are left out" \
    || { cat "$output"; exit 1; }

requests_to() {  # requests_to CONTROL CA reset|count: the simulator's request count since the last reset
    python - "$@" <<'PY'
import json, ssl, sys, urllib.request
control, ca, what = sys.argv[1:]
context = ssl.create_default_context(cafile=ca)
if what == "reset":
    urllib.request.urlopen(urllib.request.Request(control + "/reset", data=b"{}", method="POST"), context=context)
else:
    stats = json.load(urllib.request.urlopen(control + "/stats", context=context))
    assert stats["sessions"]["open"] == 0, "an EM logon session was left open"
    print(stats["requests"], stats["sessions"]["logons"])
PY
}

# Cache: a partial read (warn) writes nothing; a complete one is written, then a hit asks
# neither EM anything. Each complete read logs on once per EM.
fleet_cache() {
    ANSIBLE_INVENTORY_CACHE=true ANSIBLE_INVENTORY_CACHE_PLUGIN=ansible.builtin.jsonfile \
        ANSIBLE_INVENTORY_CACHE_CONNECTION="$work/fleet-cache" ansible-inventory -i "$1" --list > /dev/null 2>&1
}
fleet_cache on_em_error.veeam_em.yml
[ -z "$(ls -A "$work/fleet-cache" 2>/dev/null)" ] || { echo "a partial read was cached" >&2; exit 1; }
requests_to "$EU_CONTROL" "$EU_CA" reset; requests_to "$US_CONTROL" "$US_CA" reset
fleet_cache several_ems.veeam_em.yml
[ -n "$(ls -A "$work/fleet-cache")" ]
for em in EU US; do
    control="${em}_CONTROL"; ca="${em}_CA"
    read -r made logons < <(requests_to "${!control}" "${!ca}" count)
    [ "$logons" -eq 1 ] && [ "$made" -gt 0 ] || { echo "$em: $made requests, $logons logons" >&2; exit 1; }
    requests_to "${!control}" "${!ca}" reset
done
fleet_cache several_ems.veeam_em.yml
for em in EU US; do
    control="${em}_CONTROL"; ca="${em}_CA"
    read -r made logons < <(requests_to "${!control}" "${!ca}" count)
    [ "$made" -eq 0 ] || { echo "a cache hit still sent $made requests to $em" >&2; exit 1; }
done
no_secrets_in "$work/fleet-cache"
if grep -r -F -e 'inv-reader' "$work/fleet-cache"; then
    echo "credentials were written to the inventory cache" >&2; exit 1
fi
