# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""demo/simulator.sh, the one command that starts the EM simulator from any copy of the
collection: it needs Python with cryptography and nothing else, so `make simulator` and an
installed collection need no developer environment."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "demo" / "simulator.sh"
PACKAGE = ROOT / "tests" / "em_simulator"


def imported_modules(start: str) -> set[str]:
    """The top-level modules that `python -m em_simulator` imports: absolute imports of every
    module of the package reached from start through relative imports."""
    seen: set[str] = set()
    found: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module] if node.module else [alias.name for alias in node.names]
                todo.extend(module.split(".")[0] for module in modules)
    return found - {"__future__"}


def test_the_simulator_needs_only_the_standard_library_and_cryptography():
    outside = {name for name in imported_modules("__main__") if name not in sys.stdlib_module_names}
    assert outside == {"cryptography"}


def run_script(args: list[str], python: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, VEEAM_EM_SIMULATOR_PYTHON=python)
    return subprocess.run(["bash", str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_a_missing_python_is_named_with_the_fix(tmp_path):
    result = run_script(["--help"], str(tmp_path / "python9"), tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"simulator: {tmp_path}/python9 not found; install Python 3 or name one with "
                             "VEEAM_EM_SIMULATOR_PYTHON=/path/to/python3\n")


def test_a_python_without_cryptography_is_named_with_the_fix(tmp_path):
    """A stand-in interpreter in which every import fails, as cryptography's would."""
    python = tmp_path / "python3"
    python.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    python.chmod(0o755)
    result = run_script(["--help"], str(python), tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"simulator: {python} lacks the cryptography package; use the Python that runs "
                             "ansible-core (VEEAM_EM_SIMULATOR_PYTHON=/path/to/python3) or install it "
                             "(python3 -m pip install cryptography)\n")


def test_it_serves_the_api_from_another_directory_and_stops_on_sigterm(tmp_path):
    ready = tmp_path / "ready.json"
    env = dict(os.environ, VEEAM_EM_SIMULATOR_PYTHON=sys.executable)
    with subprocess.Popen(["bash", str(SCRIPT), "--port", "0", "--no-tls", "--ready-file", str(ready)],
                          cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            deadline = time.monotonic() + 30
            while not (ready.is_file() and ready.stat().st_size) and time.monotonic() < deadline:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.05)
            url = json.loads(ready.read_text(encoding="utf-8"))["url"]
            with urllib.request.urlopen(url, timeout=10) as answer:  # GET /api/: the versions EM offers
                assert answer.status == 200
        finally:
            process.terminate()
        output = process.communicate(timeout=30)[0]
    assert process.returncode == 0
    assert output.endswith("em_simulator: stopped\n")
