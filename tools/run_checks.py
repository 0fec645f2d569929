# Copyright: (c) 2025, veeam_em.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the collection's checks in order and say which one failed.

Called by the Makefile with the virtual environment that holds the pinned
tools, e.g. ``.venv/bin/python tools/run_checks.py sanity units``.  Before the
ansible-test steps it lays the checkout out as
``<build>/ansible_collections/veeam_em/core`` (ansible-test needs that path
and refuses symlinks) and puts the get-pip stand-in where ansible-test looks
for it.  Every step runs even when an earlier one failed; the exit code is
non-zero when any step failed.  Standard library only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COLLECTION_PATH = Path("ansible_collections", "veeam_em", "core")
GET_PIP_STANDIN = REPO / "tools" / "get_pip_standin.py"
GET_PIP_CACHE = Path.home() / ".ansible" / "test" / "cache"
STANDIN_MARKER = "veeam_em.core get-pip stand-in"

# ansible-test sanity tests that are skipped, each with the reason.  Keep this
# empty unless a test needs a container or the network, which this project's
# machines do not have.
SANITY_SKIPS: dict[str, str] = {}

STEPS = ("sanity", "units", "integration", "lint", "changelog-lint")
NEEDS_LAYOUT = {"sanity", "units", "integration", "lint"}


class StepSkipped(Exception):
    """A step that has nothing to check yet."""


def say(message: str) -> None:
    """Print a line at once, in order with the output of the tools."""
    print(message, flush=True)


def minutes(seconds: float) -> str:
    """Format a duration as ``1m05s`` or ``7.3s``."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


class Runner:
    """Runs the steps with the tools of one virtual environment."""

    def __init__(self, venv: Path, build: Path) -> None:
        self.venv = venv
        self.bin = venv / "bin"
        self.build = build
        self.copy = build / COLLECTION_PATH
        self.env = dict(os.environ)
        # The venv's tools (ansible-test, ansible, ansible-lint, shellcheck)
        # come first, so ansible-test finds the interpreter named by --python
        # there rather than an inactive pyenv shim.
        self.env["PATH"] = f"{self.bin}{os.pathsep}{self.env.get('PATH', '')}"
        self.env["VIRTUAL_ENV"] = str(venv)
        self.env.pop("PYTHONHOME", None)
        # ansible-test looks for version control upwards from the collection
        # and would find this checkout's .git, in which the build copy is
        # ignored: it would then see no files and pass with "All targets
        # skipped".  Naming the content root makes it walk the copy itself.
        self.env["ANSIBLE_TEST_CONTENT_ROOT"] = str(self.copy)
        self.python_version = self.venv_python_version()

    def venv_python_version(self) -> str:
        """Return ``X.Y`` of the venv's interpreter, the one ansible-test is run with."""
        out = subprocess.check_output(
            [str(self.bin / "python"), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            text=True,
        )
        return out.strip()

    def run(self, command: list[str], cwd: Path, fail_on: str | None = None) -> int:
        """Run a command, echoing it first; return its exit code.

        When ``fail_on`` (a regular expression) matches a line of its output,
        the command counts as failed even if it exited with 0.
        """
        say(f"+ (cd {os.path.relpath(cwd, REPO)} && {' '.join(command)})")
        if fail_on is None:
            return subprocess.call(command, cwd=cwd, env=self.env)
        matched = []
        with subprocess.Popen(command, cwd=cwd, env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, errors="replace") as process:
            for line in process.stdout or ():
                sys.stdout.write(line)
                sys.stdout.flush()
                if re.search(fail_on, line):
                    matched.append(line.strip())
        if matched and not process.returncode:
            say(f"failing the step on: {matched[0]}")
            return 1
        return process.returncode

    # -- preparation -------------------------------------------------------

    def lay_out(self) -> None:
        """Copy the checkout's files (tracked, and untracked but not ignored) to the build path.

        The old copy is removed first so that no deleted file survives there.
        """
        listing = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, check=True, capture_output=True,
        ).stdout.decode("utf-8", "surrogateescape")
        if self.copy.exists():
            shutil.rmtree(self.copy)
        self.copy.mkdir(parents=True)
        count = 0
        for name in sorted(set(filter(None, listing.split("\0")))):
            source = REPO / name
            if not os.path.lexists(source):  # tracked, but deleted in the work tree
                continue
            target = self.copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
            count += 1
        say(f"layout: copied {count} files to {os.path.relpath(self.copy, REPO)}")

    def install_get_pip_standin(self) -> None:
        """Put the get-pip stand-in in ansible-test's cache under every pip version it asks for."""
        versions = self.ansible_test_pip_versions()
        if not versions:
            raise RuntimeError("found no pip='X.Y' in the installed ansible-test's python_requirements.py")
        GET_PIP_CACHE.mkdir(parents=True, exist_ok=True)
        text = GET_PIP_STANDIN.read_text(encoding="utf-8")
        for version in versions:
            path = GET_PIP_CACHE / f"get_pip_{version.replace('.', '_')}.py"
            if path.exists() and STANDIN_MARKER not in path.read_text(encoding="utf-8", errors="replace"):
                say(f"get-pip: keeping the genuine {path}")
                continue
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            say(f"get-pip: stand-in installed as {path}")

    def ansible_test_pip_versions(self) -> list[str]:
        """Return the pip versions the installed ansible-test bootstraps into its venvs (pip='X.Y')."""
        package = subprocess.check_output(
            [str(self.bin / "python"), "-c",
             "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('ansible_test').origin))"],
            text=True, env=self.env,
        ).strip()
        source = Path(package, "_internal", "python_requirements.py").read_text(encoding="utf-8")
        return sorted(set(re.findall(r"""\bpip\s*=\s*['"]([0-9][0-9.]*)['"]""", source)))

    # -- steps -------------------------------------------------------------

    def step_sanity(self) -> int:
        self.install_get_pip_standin()
        command = ["ansible-test", "sanity", "--venv", "--python", self.python_version, "--color", "no"]
        for test, reason in SANITY_SKIPS.items():
            say(f"sanity: skipping {test}: {reason}")
            command += ["--skip-test", test]
        # A run that checked nothing must not pass.
        return self.run(command, self.copy, fail_on=r"All targets skipped")

    def step_units(self) -> int:
        return self.run(["ansible-test", "units", "--local", "--python", self.python_version, "--color", "no"],
                        self.copy)

    def step_integration(self) -> int:
        targets = self.copy / "tests" / "integration" / "targets"
        if not targets.is_dir() or not any(path.is_dir() for path in targets.iterdir()):
            say("integration: no targets yet")
            raise StepSkipped
        return self.run(["ansible-test", "integration", "--local", "--python", self.python_version,
                         "--color", "no"], self.copy)

    def step_lint(self) -> int:
        # ansible-lint lists files with git, so it runs in the checkout itself
        # (in the ignored build copy it would find nothing to lint); the copy is
        # where it finds veeam_em.core to resolve the test playbooks' modules.
        env = {**self.env, "ANSIBLE_COLLECTIONS_PATH": str(self.build)}
        command = ["ansible-lint", "--offline", "--profile", "production", "--nocolor"]
        say(f"+ (ANSIBLE_COLLECTIONS_PATH={os.path.relpath(self.build, REPO)} {' '.join(command)})")
        return subprocess.call(command, cwd=REPO, env=env)

    def step_changelog_lint(self) -> int:
        code = self.run(["antsibull-changelog", "lint"], REPO)
        return code or self.run(["antsibull-changelog", "lint-changelog-yaml", "changelogs/changelog.yaml"], REPO)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("steps", nargs="+", choices=STEPS + ("all",), metavar="STEP",
                        help=f"one or more of: {', '.join(STEPS)}, all")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv", help="virtual environment with the tools")
    parser.add_argument("--build", type=Path, default=REPO / ".build", help="where the collection is laid out")
    parser.add_argument("--label", default="make test", help="prefix of the progress and failure lines")
    args = parser.parse_args()
    steps = list(STEPS) if "all" in args.steps else list(dict.fromkeys(args.steps))

    runner = Runner(args.venv.resolve(), args.build.resolve())
    results: list[tuple[str, str, float]] = []
    if any(step in NEEDS_LAYOUT for step in steps):
        started = time.monotonic()
        try:
            runner.lay_out()
        except (OSError, subprocess.CalledProcessError) as error:
            say(f"{args.label}: step layout FAILED ({error})")
            return 1
        results.append(("layout", "passed", time.monotonic() - started))

    for step in steps:
        say(f"\n==> {args.label}: step {step} (tools from {os.path.relpath(runner.venv, REPO)})")
        started = time.monotonic()
        try:
            code = getattr(runner, "step_" + step.replace("-", "_"))()
        except StepSkipped:
            results.append((step, "skipped", time.monotonic() - started))
            continue
        except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
            say(f"{step}: {error}")
            code = 1
        elapsed = time.monotonic() - started
        if code:
            say(f"{args.label}: step {step} FAILED (exit {code}, {minutes(elapsed)})")
            results.append((step, "FAILED", elapsed))
        else:
            say(f"{args.label}: step {step} passed ({minutes(elapsed)})")
            results.append((step, "passed", elapsed))

    say(f"\n{args.label}: summary")
    for step, outcome, elapsed in results:
        say(f"  {step:<15} {outcome:<8} {minutes(elapsed):>7}")
    failed = [result[0] for result in results if result[1] == "FAILED"]
    counts = Counter(result[1] for result in results)
    for step in failed:
        say(f"{args.label}: step {step} FAILED")
    say(f"steps: {counts['passed']} passed, {counts['FAILED']} failed, {counts['skipped']} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
