#!/usr/bin/env bash
# The Enterprise Manager simulator the collection is tested against, started from wherever
# the collection is (a clone, or an installed copy that has no Makefile):
#
#   bash demo/simulator.sh --port 9398          # a generated estate over TLS, until Ctrl-C
#   bash demo/simulator.sh --help               # every option
#
# It needs only Python and the cryptography package, which ansible-core already brings, so
# the Python that runs Ansible runs it. VEEAM_EM_SIMULATOR_PYTHON names another interpreter
# (make simulator passes the demo's virtual environment).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${VEEAM_EM_SIMULATOR_PYTHON:-python3}"
command -v "$PYTHON" > /dev/null || {
    echo "simulator: $PYTHON not found; install Python 3 or name one with VEEAM_EM_SIMULATOR_PYTHON=/path/to/python3" >&2
    exit 1; }
"$PYTHON" -c 'import cryptography' 2> /dev/null || {
    echo "simulator: $(command -v "$PYTHON") lacks the cryptography package; use the Python that runs ansible-core" \
        "(VEEAM_EM_SIMULATOR_PYTHON=/path/to/python3) or install it (python3 -m pip install cryptography)" >&2
    exit 1; }
# The simulator is the package tests/em_simulator; nothing of it is installed anywhere.
PYTHONPATH="$ROOT/tests${PYTHONPATH:+:$PYTHONPATH}" exec "$PYTHON" -m em_simulator "$@"
