"""tools/find_python.sh: the interpreter of a matrix line is found, or named when missing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "tools" / "find_python.sh"
THIS = "%d.%d" % sys.version_info[:2]


def find(versions: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    # An empty PATH and HOME, so only the overrides given here can be found.
    base = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    return subprocess.run(["/bin/bash", str(SCRIPT), versions, "ansible-core 9.9 (.venv-core-9.9)"],
                          env={**base, **env}, capture_output=True, text=True, check=False)


def test_an_override_of_the_right_version_is_used(tmp_path):
    result = find(THIS, tmp_path, **{f"PYTHON_{THIS.replace('.', '_')}": sys.executable})
    assert result.returncode == 0, result.stderr
    assert os.path.samefile(result.stdout.strip(), sys.executable)


def test_the_first_version_found_wins_in_the_order_given(tmp_path):
    result = find(f"3.99 {THIS}", tmp_path, **{f"PYTHON_{THIS.replace('.', '_')}": sys.executable})
    assert result.returncode == 0 and os.path.samefile(result.stdout.strip(), sys.executable)


def test_an_interpreter_of_another_version_is_refused(tmp_path):
    result = find("3.99", tmp_path, PYTHON_3_99=sys.executable)
    assert result.returncode == 1 and result.stdout == ""


def test_a_missing_interpreter_is_named_with_what_needs_it_and_how_to_provide_it(tmp_path):
    result = find("3.99 3.98", tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert "Python 3.99 or 3.98 is needed for ansible-core 9.9 (.venv-core-9.9) and was not found" in result.stderr
    assert "PYTHON_3_99=/path/to/python3.99" in result.stderr
