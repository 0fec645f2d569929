#!/usr/bin/env bash
# One marker password through every edge (module, inventory with its cache, role with its
# reports), at -vvvv, with a refused logon too: neither the password nor any session token
# the simulator issued may appear in any output or any written file. Also: validate_certs
# false warns once per run, and a certificate for another host name is refused.
# The marker password, set before tracing starts (see simulator.sh): it is on no traced line.
export MARKER='Marker-Secret-4d9e1b'
set -eux
source ../setup_em_simulator/simulator.sh

start_em_simulator MARK --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" --plain-collection-days 0 \
    --username 'CORP\marker' --password-env MARKER
start_em_simulator ELSEWHERE --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" --cert-hostname em.invalid

work="$EM_SIMULATOR_DIR/work"    # everything written here is checked for secrets
conf="$EM_SIMULATOR_DIR/conf"    # the inventory configs hold the password, as a user's would
mkdir "$work" "$conf"
export WORK="$work" ANSIBLE_INVENTORY_UNPARSED_FAILED=true
cat > "$conf/marker.veeam_em.yml" <<YAML
plugin: veeam_em.core.replicas
url: $MARK_URL
username: CORP\\marker
password: $MARKER
ca_path: $MARK_CA
created_after: 3000d
rpo: 24h
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: $work/cache
cache_timeout: 3600
YAML
sed "s/^password: /password: wrong-/; s#cache_connection: .*#cache_connection: $work/cache-refused#" \
    "$conf/marker.veeam_em.yml" > "$conf/refused.veeam_em.yml"

ansible-inventory -i "$conf/marker.veeam_em.yml" --list -vvvv > "$work/inventory.out" 2>&1
grep -q '"veeam_replicated_vms"' "$work/inventory.out"
ls "$work/cache"/* > /dev/null  # the cache was written
if ansible-inventory -i "$conf/refused.veeam_em.yml" --list -vvvv > "$work/inventory-refused.out" 2>&1; then
    echo "a refused logon must fail the inventory" >&2; exit 1
fi
grep -q "authentication failed" "$work/inventory-refused.out"

ansible-playbook -i "$INVENTORY_PATH" edges.yml -vvvv > "$work/playbook.out" 2>&1 || { cat "$work/playbook.out"; exit 1; }
grep -q "edges ran" "$work/playbook.out"

python check_secrets.py "$MARK_CONTROL" "$MARK_CA" "$work"
