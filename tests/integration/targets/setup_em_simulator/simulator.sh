# shellcheck shell=bash
# Sourced by the runme.sh of targets that need Enterprise Manager (not a target itself).
#
#   start_em_simulator NAME [simulator options...]
#
# starts the EM simulator on a free loopback port and exports NAME_URL (the API root),
# NAME_CA (its throwaway CA) and NAME_CONTROL (its /_simulator/ endpoint). Every
# simulator started this way is stopped when the sourcing script exits, failing or not.

EM_SIMULATOR_PIDS=()
EM_SIMULATOR_DIR="$(mktemp -d)"
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/veeam_em/core"
export EM_SIMULATOR_FIXTURES="${COLLECTION_ROOT}/tests/em_simulator/fixtures"

stop_em_simulators() {
    local pid
    for pid in "${EM_SIMULATOR_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$EM_SIMULATOR_DIR"
}
trap stop_em_simulators EXIT

start_em_simulator() {
    local name="$1"; shift
    local ready="$EM_SIMULATOR_DIR/$name.json"
    # TMPDIR: the simulator's own folder of certificates goes in EM_SIMULATOR_DIR, removed on exit
    # even when a simulator was killed before it could remove it.
    PYTHONPATH="$COLLECTION_ROOT/tests" TMPDIR="$EM_SIMULATOR_DIR" python -m em_simulator --port 0 --ready-file "$ready" \
        --ca-out "$EM_SIMULATOR_DIR/$name-ca.pem" "$@" > "$EM_SIMULATOR_DIR/$name.log" 2>&1 &
    EM_SIMULATOR_PIDS+=("$!")
    local waited=0
    until [ -s "$ready" ]; do
        if ! kill -0 "$!" 2>/dev/null || [ "$waited" -ge 600 ]; then
            echo "EM simulator $name did not start:" >&2
            cat "$EM_SIMULATOR_DIR/$name.log" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    local url
    url="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$ready")"
    export "${name}_URL=$url"
    export "${name}_CA=$EM_SIMULATOR_DIR/$name-ca.pem"
    export "${name}_CONTROL=${url%/api/}/_simulator"
}

# Passwords: a runme.sh sets them before `set -x` (which prints every command expanded, on
# output ansible-test shows) and passes them on by name, never as a word of a traced command:
#
#   start_em_simulator NAME ... --password-env VAR     the simulator's account takes $VAR
#   run_with_password VAR COMMAND...                   COMMAND with VEEAM_EM_PASSWORD=$VAR
#   no_secrets_in PATH...                              fail if a file holds a value of $SECRET_VARS
#
# tests/unit/tools/test_traced_secrets.py checks every target's scripts for traced passwords.

run_with_password() {
    local source="$1" code=0 trace=""
    shift
    { [[ $- == *x* ]] && trace=1; set +x; } 2>/dev/null
    ( export VEEAM_EM_PASSWORD="${!source}"; [ -z "$trace" ] || set -x; "$@" ) || code=$?
    [ -z "$trace" ] || set -x
    return "$code"
}

no_secrets_in() {
    python - "$@" <<'PY'
import os, sys
from pathlib import Path
names = os.environ.get("SECRET_VARS", "").split()
secrets = {name: os.environ[name] for name in names if os.environ.get(name)}
if len(secrets) != len(names) or not secrets:
    sys.exit(f"no_secrets_in: SECRET_VARS ({' '.join(names)}) must name set, non-empty variables")
found, checked = [], 0
for argument in sys.argv[1:]:
    root = Path(argument)
    for path in [root] if root.is_file() else sorted(item for item in root.rglob("*") if item.is_file()):
        text = path.read_bytes().decode("utf-8", "replace")
        found += [f"{path} holds the value of {name}" for name, value in secrets.items() if value in text]
        checked += 1
if not checked:
    sys.exit(f"no_secrets_in: no file under {' '.join(sys.argv[1:])}")
if found:
    sys.exit("\n".join(found))
PY
}

# quietly LABEL COMMAND...: COMMAND with its output in a log, shown only when it fails. For
# runs whose expected failures (a role refusing in a block that rescues it) would otherwise
# echo `fatal:` lines at default verbosity, which read as a broken test.
quietly() {
    local log="$EM_SIMULATOR_DIR/$1.quiet.log" code=0
    shift
    "$@" > "$log" 2>&1 || code=$?
    if [ "$code" -ne 0 ]; then
        cat "$log"
        echo "failed with exit code $code: $*" >&2
    fi
    return "$code"
}
