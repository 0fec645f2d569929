#!/usr/bin/env bash
# Print the path of a CPython X.Y interpreter that can make virtual environments.
#
#   tools/find_python.sh X.Y "what it is for"
#
# Looks at PYTHON_X_Y (e.g. PYTHON_3_13=/opt/python/bin/python3.13) first, then
# pythonX.Y on PATH, then pyenv's versions.  A pyenv shim for a version that is
# not active fails to run, so every candidate is asked for its version.  When
# none fits, it says which interpreter is missing and how to provide it, and
# exits 1: a matrix entry is never skipped silently.
set -uo pipefail

want="$1"
purpose="${2:-the test matrix}"
override="PYTHON_${want//./_}"
pyenv_root="$(pyenv root 2> /dev/null || echo "$HOME/.pyenv")"

if [ -n "${!override:-}" ]; then
    candidates=("${!override}")
else
    candidates=("python$want")
    for found in "$pyenv_root/versions/$want".*"/bin/python$want" "$pyenv_root/versions/$want/bin/python$want" \
                 "/usr/local/bin/python$want" "/usr/bin/python$want"; do
        [ -x "$found" ] && candidates+=("$found")
    done
fi

for candidate in "${candidates[@]}"; do
    path="$(command -v "$candidate" 2> /dev/null)" || continue
    # The interpreter's own path, not a shim's: venvs made from it stay valid.
    answer="$("$path" -c 'import ensurepip, sys, venv; print("%d.%d" % sys.version_info[:2], sys.executable)' \
              2> /dev/null)" || continue
    if [ "${answer%% *}" = "$want" ]; then
        echo "${answer#* }"
        exit 0
    fi
done

echo "make: Python $want is needed for $purpose and was not found (looked at: ${candidates[*]})." >&2
echo "make: install it (for example 'pyenv install $want', or your distribution's python$want with its venv module)," >&2
echo "make: or name it: make $override=/path/to/python$want ..." >&2
exit 1
