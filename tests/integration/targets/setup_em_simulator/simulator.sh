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
    PYTHONPATH="$COLLECTION_ROOT/tests" python -m em_simulator --port 0 --ready-file "$ready" \
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
