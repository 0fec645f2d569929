#!/usr/bin/env bash
# SIGINT to ansible-playbook in the middle of a read (as Ctrl-C would send it to the
# whole process group): no EM logon session may outlive EM's idle expiry, and every
# logon is logged out by the module itself, whether the signal interrupts the read or
# (ansible-core 2.16) the module ignores it and finishes.
set -eux
source ../setup_em_simulator/simulator.sh

IDLE=4
start_em_simulator SLOW --fixture "$EM_SIMULATOR_FIXTURES/documented_examples.json" \
    --plain-collection-days 0 --latency-ms 1500 --idle-timeout "$IDLE"

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
# Well inside the read: five small pages at 1.5 s each, so even on a loaded machine (each
# stats call above starts a Python) the signal comes before the last page.
sleep 1.5
# Whether the module's process ignores SIGINT (bit 2 of SigIgn): ansible-core 2.16's workers
# ignore it and the module inherits that, so there the read finishes instead; the EM
# session must be closed either way.
sigint_ignored=0
for pid in $(pgrep -g "$play" -f AnsiballZ_replica_task_session_info || true); do
    mask="$(awk '/^SigIgn:/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo 0)"
    if (( 16#${mask:-0} & 2 )); then sigint_ignored=1; fi
done
kill -INT -- "-$play"
status=0
wait "$play" || status=$?
cat "$EM_SIMULATOR_DIR/play.log"
if [ "$sigint_ignored" = 1 ]; then
    echo "the module ignores SIGINT (inherited from ansible-core's worker): the read must finish"
    [ "$status" -eq 0 ] && grep -q 'ok: \[localhost\]' "$EM_SIMULATOR_DIR/play.log"
else
    [ "$status" -ne 0 ]  # interrupted, not finished
fi
echo "logons $(stats logons), logouts $(stats logouts), open right after: $(stats open)"
sleep $((IDLE + 1))
open_after_expiry="$(stats open)"
echo "open after EM's idle expiry: $open_after_expiry (logouts $(stats logouts), expired $(stats expired))"
[ "$open_after_expiry" -eq 0 ]
# Not only expired: the interrupted module logged out itself (its with-block ran on the
# KeyboardInterrupt), if after ansible-playbook had already exited.
[ "$(stats logouts)" -eq "$(stats logons)" ]
