#!/usr/bin/env bash
# Print the path of a CPython interpreter of one of the given X.Y versions that can
# make virtual environments.
#
#   tools/find_python.sh "X.Y [X.Y ...]" "what it is for"
#
# The versions are tried in the order given. For each, PYTHON_X_Y (e.g.
# PYTHON_3_13=/opt/python/bin/python3.13) is looked at first, then pythonX.Y on PATH,
# then pyenv's versions. A pyenv shim for a version that is not active fails to run, so
# every candidate is asked for its version. When none fits, it says which interpreter is
# missing and how to provide it, and exits 1: a matrix entry is never skipped silently.
set -uo pipefail

wanted="$1"
purpose="${2:-the test matrix}"
pyenv_root="$(pyenv root 2> /dev/null || echo "$HOME/.pyenv")"
tried=()

candidates_for() {  # the places a Python $1 may be, the override alone when it is set
    local want="$1" override="PYTHON_${1//./_}" found
    if [ -n "${!override:-}" ]; then
        echo "${!override}"
        return
    fi
    echo "python$want"
    for found in "$pyenv_root/versions/$want".*"/bin/python$want" "$pyenv_root/versions/$want/bin/python$want" \
                 "/usr/local/bin/python$want" "/usr/bin/python$want"; do
        [ -x "$found" ] && echo "$found"
    done
}

for want in $wanted; do
    while read -r candidate; do
        tried+=("$candidate")
        path="$(command -v "$candidate" 2> /dev/null)" || continue
        # The interpreter's own path, not a shim's: venvs made from it stay valid.
        answer="$("$path" -c 'import ensurepip, sys, venv; print("%d.%d" % sys.version_info[:2], sys.executable)' \
                  2> /dev/null)" || continue
        if [ "${answer%% *}" = "$want" ]; then
            echo "${answer#* }"
            exit 0
        fi
    done < <(candidates_for "$want")
done

first="${wanted%% *}"
echo "make: Python ${wanted// / or } is needed for $purpose and was not found (looked at: ${tried[*]})." >&2
echo "make: install it (for example 'pyenv install $first', or your distribution's python$first with its venv module)," >&2
echo "make: or name it: make PYTHON_${first//./_}=/path/to/python$first ..." >&2
exit 1
