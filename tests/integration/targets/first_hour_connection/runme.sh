#!/usr/bin/env bash
# The connection mistakes of a user's first hour (issues 19 and 29), met through a module and
# through ansible-inventory: each fails at once (no retry) with the message that names the fix,
# the retries that remain are visible at -vvv and only there, and a plain http:// url works
# with one warning that the credentials travel in clear.
# The simulator's default password, for the inventories below: set before tracing, never on a traced line.
export VEEAM_EM_PASSWORD='Sim-Passw0rd!'
set -eux
source ../setup_em_simulator/simulator.sh

start_em_simulator EM --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" --plain-collection-days 0
start_em_simulator NGINX --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" --plain-http-on-tls nginx-400
start_em_simulator ELSEWHERE --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" \
    --cert-hostname em.corp.example --cert-hostname 10.20.30.40
start_em_simulator SLOW --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" --logon-delay-ms 8000
start_em_simulator FLAKY --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" --plain-collection-days 0 \
    --error-rate 0.4 --fault-seed 7
start_em_simulator PLAIN --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" --plain-collection-days 0 --no-tls
CLOSED_PORT="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
work="$EM_SIMULATOR_DIR/work"
mkdir "$work"
export CLOSED_PORT WORK="$work" ANSIBLE_INVENTORY_UNPARSED_FAILED=true
# The words of ConnectionOptions.warnings() for a plain http:// url (modules.yml reads them too).
export CLEARTEXT="url is plain http://: the username, the password and the session token travel unencrypted and \
can be read on the network. Use https:// (Enterprise Manager's REST API listens for HTTPS on port 9398)."

# The modules, at default verbosity and at -vvv (the play checks retried_requests by verbosity).
ansible-playbook -i "$INVENTORY_PATH" modules.yml > "$work/modules.out" 2>&1 || { cat "$work/modules.out"; exit 1; }
ansible-playbook -i "$INVENTORY_PATH" modules.yml -vvv > "$work/modules-vvv.out" 2>&1 || { cat "$work/modules-vvv.out"; exit 1; }
if grep -q "Traceback" "$work/modules.out"; then echo "a traceback at default verbosity" >&2; exit 1; fi
said_times() {  # said_times FILE TEXT: how often FILE says TEXT (whitespace aside: 2.16 wraps at 80 columns)
    tr -d ' \n' < "$1" | grep -o -F -- "$(tr -d ' \n' <<< "$2")" | wc -l
}
# Each module task over http:// warned once (modules.yml checks its result); the run shows it once.
[ "$(said_times "$work/modules.out" "[WARNING]: $CLEARTEXT")" -eq 1 ] || { cat "$work/modules.out"; exit 1; }

inventory() {  # inventory NAME URL EXTRA-YAML: write a config, run ansible-inventory, keep its output
    local name="$1" url="$2" extra="$3"
    printf 'plugin: veeam_em.core.replicas\nurl: %s\nusername: CORP\\em-reader\ncreated_after: 3000d\nretry_backoff: 0.05\n%s\n' \
        "$url" "$extra" > "$work/$name.veeam_em.yml"
    shift 3
    ansible-inventory -i "$work/$name.veeam_em.yml" --list "$@" > "$work/$name.out" 2>&1
}
expect_failure() {  # expect_failure NAME TEXT: the inventory NAME failed, saying TEXT
    # ansible-core 2.16 wraps warnings at 80 columns: compare without any whitespace.
    tr -d ' \n' < "$work/$1.out" | grep -qF -- "$(tr -d ' \n' <<< "$2")" \
        || { cat "$work/$1.out"; echo "$1: expected: $2" >&2; exit 1; }
    if grep -q "retry 1 of" "$work/$1.out"; then echo "$1: retried" >&2; exit 1; fi
}

if inventory refused "https://127.0.0.1:$CLOSED_PORT/api" "" -vvv; then echo "a closed port must fail" >&2; exit 1; fi
expect_failure refused "nothing listens at 127.0.0.1:$CLOSED_PORT (connection refused, POST https://127.0.0.1:$CLOSED_PORT/api/sessionMngr/)"

plain="http://${EM_URL#https://}"
if inventory plain "${plain%/}" "ca_path: $EM_CA"; then echo "http:// to the TLS port must fail" >&2; exit 1; fi
port="${EM_URL#https://127.0.0.1:}"; port="${port%%/*}"
expect_failure plain "127.0.0.1:$port speaks HTTPS, but url uses http://: use https:// (url: https://127.0.0.1:$port/api)"

plain_port="${PLAIN_URL#http://127.0.0.1:}"; plain_port="${plain_port%%/*}"
code=0; inventory https-to-plain "https://127.0.0.1:$plain_port/api" "" || code=$?
[ "$code" -eq 1 ] || { cat "$work/https-to-plain.out"; echo "https:// to plain HTTP: exit code $code, not 1" >&2; exit 1; }
expect_failure https-to-plain "veeam_em.core.replicas: 127.0.0.1:$plain_port answers plain HTTP, but url uses https:// \
(POST https://127.0.0.1:$plain_port/api/sessionMngr/): Enterprise Manager's REST API is served over HTTPS (port 9398 \
unless it was installed with another), so check the port in url; if this plain-HTTP port is really meant, use http:// \
(url: http://127.0.0.1:$plain_port/api), knowing that the username, the password and the session token then travel \
unencrypted. Not retried"

# Plain http:// to a plain-HTTP port: the inventory is read, with the warning said once.
inventory cleartext "${PLAIN_URL%/}" ""
[ "$(said_times "$work/cleartext.out" "[WARNING]: $CLEARTEXT")" -eq 1 ] || { cat "$work/cleartext.out"; exit 1; }
grep -q '"veeam_replicated_vms"' "$work/cleartext.out"

if inventory elsewhere "$ELSEWHERE_URL" "ca_path: $ELSEWHERE_CA"; then echo "a certificate for other names must fail" >&2; exit 1; fi
expect_failure elsewhere "it holds em.corp.example, 10.20.30.40. The url must use one of these names"

# The user's YAML: the account name in double quotes, where \e is an escape (ESC).
sed 's/^username: .*/username: "CORP\\em-reader"/' "$work/plain.veeam_em.yml" > "$work/escaped.veeam_em.yml"
sed -i "s#^url: .*#url: $EM_URL#" "$work/escaped.veeam_em.yml"
if ansible-inventory -i "$work/escaped.veeam_em.yml" --list > "$work/escaped.out" 2>&1; then
    echo "an escape in a double-quoted username must fail" >&2; exit 1
fi
expect_failure escaped "username holds the control character U+001B (ESC) at position 5: in YAML double quotes a backslash starts an escape"

# A 503 now and then: the inventory succeeds, and each retry is a line at -vvv, none below.
inventory flaky "$FLAKY_URL" "ca_path: $FLAKY_CA" -vvv
grep -q "failed (HTTP 503); retry 1 of 5 in " "$work/flaky.out" || { cat "$work/flaky.out"; exit 1; }
inventory flaky-quiet "$FLAKY_URL" "ca_path: $FLAKY_CA"
if grep -q "retry 1 of" "$work/flaky-quiet.out"; then echo "retries shown below -vvv" >&2; exit 1; fi
grep -q '"veeam_replicated_vms"' "$work/flaky-quiet.out"

# No password in any output, -vvv included (the one with a tab in it too).
if grep -l -e 'Passw0rd' "$work"/*.out; then echo "an output shows a password" >&2; exit 1; fi
