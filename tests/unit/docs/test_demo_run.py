# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""demo/run.sh as a user without the collection's folder meets it: the output folder is checked
before anything starts, with the message that says what to do, and the reports of an earlier
run are never listed as this run's."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
RUN = ROOT / "demo" / "run.sh"
FIX = "name a folder you can write with --output-dir DIR (or VEEAM_EM_DEMO_DIR=DIR)"


def fake_bin(folder: Path, inventory_code: int, playbook_code: int) -> Path:
    """python3 (this interpreter, which has requests, lxml and cryptography) and stand-ins for
    ansible-inventory and ansible-playbook that write nothing and exit with the codes given."""
    folder.mkdir()
    scripts = {
        "python3": f'#!/bin/sh\nexec "{sys.executable}" "$@"\n',
        "ansible-inventory": f"#!/bin/sh\necho 'stand-in inventory'\nexit {inventory_code}\n",
        "ansible-playbook": f"#!/bin/sh\necho 'stand-in playbook'\nexit {playbook_code}\n",
    }
    for name, text in scripts.items():
        (folder / name).write_text(text, encoding="utf-8")
        (folder / name).chmod(0o755)
    return folder


def run_demo(args: list[str], cwd: Path, path: str | None = None, demo_dir: str | None = None) \
        -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "VEEAM_EM_DEMO_DIR"}
    if path is not None:
        env["PATH"] = path
    if demo_dir is not None:
        env["VEEAM_EM_DEMO_DIR"] = demo_dir
    return subprocess.run(["bash", str(RUN), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_folder_that_cannot_be_created_fails_before_anything_starts(tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    wanted = tmp_path / "a-file" / "reports"
    result = run_demo(["--output-dir", str(wanted)], tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"demo: cannot create the output folder {wanted}; {FIX}\n"


def test_a_folder_that_cannot_be_written_fails_before_anything_starts(tmp_path):
    """/proc refuses a new file even to root, which a folder's mode would not."""
    result = run_demo([], tmp_path, demo_dir="/proc")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"demo: cannot write to the output folder /proc; {FIX}\n"


def test_the_default_folder_is_veeam_em_demo_in_the_current_directory():
    """Run from a directory where nothing can be created, the message names the default folder."""
    result = run_demo([], Path("/proc"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"demo: cannot create the output folder /proc/veeam-em-demo; {FIX}\n"


def test_an_unknown_option_is_refused_with_the_usage(tmp_path):
    result = run_demo(["--output", str(tmp_path)], tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "demo: unknown option --output; usage: demo/run.sh [--output-dir DIR] [VENV]\n"


def test_reports_of_an_earlier_run_are_removed_and_never_listed(tmp_path):
    """The user's folder holds an earlier run's reports; this run's playbook writes none."""
    out = tmp_path / "veeam-em-demo"
    out.mkdir()
    (out / ".veeam-em-demo").write_text("the mark an earlier demo run left\n", encoding="utf-8")
    earlier = ["replica-compliance.html", "replica-compliance.junit.xml", "replica-compliance.json",
               "compliance.log"]
    for name in earlier:
        (out / name).write_text("from an earlier run", encoding="utf-8")
    (out / "notes.txt").write_text("the user's own", encoding="utf-8")
    path = f"{fake_bin(tmp_path / 'bin', inventory_code=1, playbook_code=4)}:/usr/bin:/bin"
    result = run_demo([], tmp_path, path=path)  # the default folder: veeam-em-demo in the current one
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Reports:\n  none: this run wrote no report\n" in result.stdout
    assert "the role wrote no JSON report (ansible-playbook exited 4)" in result.stdout
    assert "replica-compliance.html" not in result.stdout
    assert result.stderr.endswith("demo: FAILED step(s): inventory graph wrong password message compliance role\n")
    assert (out / "compliance.log").read_text(encoding="utf-8") == "stand-in playbook\n"
    assert sorted(path.name for path in out.iterdir() if path.name.startswith("replica-compliance")) == []
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the user's own"


def test_the_output_folder_option_takes_an_equals_sign(tmp_path):
    """--output-dir=DIR names the folder as --output-dir DIR does (here one that cannot exist)."""
    (tmp_path / "f").write_text("", encoding="utf-8")
    result = run_demo([f"--output-dir={tmp_path}/f/x y"], tmp_path)
    assert (result.returncode, result.stderr) == (1, f"demo: cannot create the output folder {tmp_path}/f/x y; {FIX}\n")


def test_a_folder_holding_a_users_file_of_a_demo_name_is_refused_and_kept(tmp_path):
    """--output-dir ~ or .: a compliance.log of the user's own, with no demo mark, is never replaced."""
    (tmp_path / "compliance.log").write_text("the user's own log", encoding="utf-8")
    result = run_demo(["--output-dir", str(tmp_path)], tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"demo: {tmp_path} holds compliance.log, which the demo did not write (no .veeam-em-demo "
                             "there), and would replace it; name another folder with --output-dir DIR "
                             "(or VEEAM_EM_DEMO_DIR=DIR)\n")
    assert (tmp_path / "compliance.log").read_text(encoding="utf-8") == "the user's own log"
    assert not (tmp_path / ".veeam-em-demo").exists()
