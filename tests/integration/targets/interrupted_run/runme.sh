#!/usr/bin/env bash
# SIGINT to ansible-playbook in the middle of a read (as Ctrl-C would send it to the
# whole process group): no EM logon session may outlive EM's idle expiry, and every
# logon is logged out by the module itself.
set -eux
source ../setup_em_simulator/simulator.sh

IDLE=4
start_em_simulator SLOW --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" \
    --plain-collection-days 0 --latency-ms 700 --idle-timeout "$IDLE"

stats() {
    python - "$SLOW_CONTROL" "$SLOW_CA" "$1" <<'PY'
import json, ssl, sys, urllib.request
control, ca, key = sys.argv[1:]
stats = json.load(urllib.request.urlopen(control + "/stats", context=ssl.create_default_context(cafile=ca)))
print(stats["sessions"][key])
PY
}

# setsid: a process group of its own, so the signal reaches ansible-playbook, its workers
# and the module, as a terminal's Ctrl-C would.
setsid ansible-playbook -i "$INVENTORY_PATH" slow_read.yml > "$EM_SIMULATOR_DIR/play.log" 2>&1 &
play=$!
for _attempt in $(seq 100); do
    [ "$(stats logons)" -ge 1 ] && break
    sleep 0.1
done
[ "$(stats logons)" -ge 1 ]
sleep 1.5  # well inside the read: five small pages at 0.7 s each
kill -INT -- "-$play"
status=0
wait "$play" || status=$?
cat "$EM_SIMULATOR_DIR/play.log"
[ "$status" -ne 0 ]  # interrupted, not finished
echo "logons $(stats logons), logouts $(stats logouts), open right after: $(stats open)"
sleep $((IDLE + 1))
open_after_expiry="$(stats open)"
echo "open after EM's idle expiry: $open_after_expiry (logouts $(stats logouts), expired $(stats expired))"
[ "$open_after_expiry" -eq 0 ]
# Not only expired: the interrupted module logged out itself (its with-block ran on the
# KeyboardInterrupt), if after ansible-playbook had already exited.
[ "$(stats logouts)" -eq "$(stats logons)" ]
