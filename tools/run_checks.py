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
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

from integration_groups import group_copy, run_groups, target_groups  # tools/ is on sys.path: run as a script

REPO = Path(__file__).resolve().parents[1]
COLLECTION_PATH = Path("ansible_collections", "veeam_em", "core")
GET_PIP_STANDIN = REPO / "tools" / "get_pip_standin.py"
GET_PIP_CACHE = Path.home() / ".ansible" / "test" / "cache"
STANDIN_MARKER = "veeam_em.core get-pip stand-in"

# ansible-test sanity tests that are skipped, each with the reason.  Keep this
# empty unless a test needs a container or the network, which this project's
# machines do not have.
SANITY_SKIPS: dict[str, str] = {}

# Members the built tarball must hold: the plugins outside plugins/ (ansible-galaxy packs
# them only when nothing in build_ignore matches) and the decision environment definition.
REQUIRED_IN_TARBALL = (
    "extensions/eda/plugins/event_source/replica_task_sessions.py",
    "plugins/lookup/replica_task_sessions.py",
    "meta/decision-environment.yml",
)

# Integration targets that need tools only the main line's .venv installs: excluded by name,
# with the reason printed, when another line's environment runs integration.
MAIN_LINE_VENV = ".venv"
MAIN_LINE_ONLY_TARGETS = {
    "eda_replica_task_sessions": "ansible-rulebook and drools-jpy are pinned in tests/requirements-dev.txt "
                                 "(.venv) only",
}

# Targets whose every part is the client, the simulator and the collection's own Python over
# HTTPS, with nothing that varies with ansible-core's version (its module, inventory, role and
# templating APIs are what the other targets drive): make test leaves them out on the oldest
# line to stay within its budget (integration-slice); make test-matrix runs every target there.
SLICE_SKIPPED_TARGETS = {
    "em_roles": "each EM role's refusals are the client's and the simulator's",
    "first_hour_connection": "connection errors are the client's",
    "foreign_links": "links to other origins are refused by the client",
    "plugin_soak": "the fault soak exercises the client's retries",
    "replica_point_info": "plugin_examples runs its examples on this line",
    "replica_task_session_info": "plugin_examples runs its examples on this line",
}
# ansible-test passes no environment variable of ours to a target, but copies the target's own
# files: this one, written into the role target for the slice, makes it leave out its 500-VM runs
# and the browser checks (the same templates render the small reports it still checks).
SLICE_MARKER = Path("tests/integration/targets/role_replica_compliance/integration-slice")

STEPS = ("sanity", "units", "artifact", "integration", "integration-slice", "lint", "changelog-lint", "docs", "ee",
         "bench-slice")
ALL_STEPS = tuple(step for step in STEPS if step != "integration-slice")  # `all` runs integration whole
NEEDS_LAYOUT = {"sanity", "units", "artifact", "integration", "integration-slice", "lint", "docs", "ee", "bench-slice"}
# Paths that must never reach the built tarball: test output, environments, caches.
FORBIDDEN_IN_TARBALL = re.compile(
    r"(^|/)(\.venv[^/]*|\.build[^/]*|\.git|\.cache|\.ansible|\.pytest_cache|\.mypy_cache|__pycache__)(/|$)"
    r"|\.pyc$|^tests/output(/|$)|^tests/integration/inventory$|\.plugin-cache\.yaml$"
)


# Appended to the conf.py that `antsibull-docs sphinx-init` writes.  Offline, intersphinx
# cannot fetch ansible-core's inventories, so links from the generated plugin pages to
# ansible-core's docs cannot resolve; every other warning stays an error (-W).  The
# guides' own :ref: links are checked separately (own_reference_problems).
OFFLINE_SPHINX = """
# Offline build (tools/run_checks.py): no intersphinx; ansible-core's labels cannot resolve.
intersphinx_mapping = {}
suppress_warnings = ['ref.ref', 'ref.envvar']
"""
REF = re.compile(r":ref:`(?:[^`<]*<)?([^`<>]+)>?`")
LABEL = re.compile(r"^\.\. _([^:]+):\s*$", re.MULTILINE)


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
        self.tarball: Path | None = None
        self.installed_root = build / "installed"
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
        self.python_version, self.ansible_core_version = self.venv_versions()

    def venv_versions(self) -> tuple[str, str]:
        """``X.Y`` of the venv's interpreter (the one ansible-test is run with) and its ansible-core version."""
        out = subprocess.check_output(
            [str(self.bin / "python"), "-c",
             "import sys; from ansible import __version__ as core; print('%d.%d' % sys.version_info[:2], core)"],
            text=True,
        )
        python, core = out.split()
        return python, core

    def run(self, command: list[str], cwd: Path, fail_on: str | None = None,
            extra_env: dict[str, str] | None = None) -> int:
        """Run a command, echoing it (and ``extra_env``) first; return its exit code.

        When ``fail_on`` (a regular expression) matches a line of its output,
        the command counts as failed even if it exited with 0.
        """
        shown = " ".join(f"{name}={os.path.relpath(value, REPO) if os.path.isabs(value) else value}"
                         for name, value in (extra_env or {}).items())
        say(f"+ (cd {os.path.relpath(cwd, REPO)} && {shown + ' ' if shown else ''}{' '.join(command)})")
        env = {**self.env, **(extra_env or {})}
        if fail_on is None:
            return subprocess.call(command, cwd=cwd, env=env)
        matched = []
        with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
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

    def step_artifact(self) -> int:
        """Build the tarball, check what it holds, install it into a fresh collections path
        and run the demo from the installed copy."""
        dist = self.build / "dist"
        for path in (dist, self.installed_root):
            if path.exists():
                shutil.rmtree(path)
        # From the checkout as a maintainer builds it, with .venv, .build and test output
        # lying around: build_ignore must keep them out.
        code = self.run(["ansible-galaxy", "collection", "build", "--output-path", str(dist), str(REPO)], REPO)
        tarballs = sorted(dist.glob("veeam_em-core-*.tar.gz")) if not code else []
        if len(tarballs) != 1:
            say(f"artifact: expected one veeam_em-core-*.tar.gz in {dist}, found {len(tarballs)}")
            return code or 1
        tarball = tarballs[0]
        absent = self.tarball_absences(tarball)
        if absent:
            say(f"artifact: the tarball lacks {absent}")
            return 1
        unwanted = self.tarball_problems(tarball)
        if unwanted:
            say(f"artifact: the tarball holds {len(unwanted)} paths it must not, e.g. {unwanted[:5]}")
            return 1
        code = self.run(["ansible-galaxy", "collection", "install", "--offline", "-p", str(self.installed_root),
                         str(tarball)], REPO)
        if code or not (self.installed_root / COLLECTION_PATH / "MANIFEST.json").is_file():
            say("artifact: the tarball did not install")
            return code or 1
        self.tarball = tarball  # built, checked and installed: the later steps use this copy
        say(f"artifact: {tarball.name} ({tarball.stat().st_size // 1024} KiB) installed to "
            f"{os.path.relpath(self.installed_root, REPO)}; running the demo from the installed copy")
        installed = self.installed_root / COLLECTION_PATH
        # Its reports go beside the build, not into the installed copy the integration step tests.
        demo = ["bash", str(installed / "demo" / "run.sh"), "--output-dir", str(self.build / "demo"), str(self.venv)]
        return self.run(demo, installed)

    @staticmethod
    def tarball_absences(tarball: Path) -> list[str]:
        """Members every release must hold that a build_ignore slip could drop."""
        with tarfile.open(tarball) as archive:
            names = set(archive.getnames())
        return [name for name in REQUIRED_IN_TARBALL if name not in names]

    @staticmethod
    def tarball_problems(tarball: Path) -> list[str]:
        """Members of the tarball that are test output, environments or caches."""
        with tarfile.open(tarball) as archive:
            names = archive.getnames()
        return [name for name in names if FORBIDDEN_IN_TARBALL.search(name)]

    def installed_copy(self) -> Path:
        """The collection as installed from the built tarball (built now if this run has not)."""
        if self.tarball is None and self.step_artifact():
            raise RuntimeError("the collection could not be built and installed (step artifact)")
        return self.installed_root / COLLECTION_PATH

    def step_integration(self) -> int:
        """ansible-test integration against the copy installed from the tarball, not the
        checkout (a file that build_ignore drops, or that the build leaves out, fails here),
        one process per shippable/posix/groupN at the same time (integration_groups)."""
        return self.integration(sliced=False)

    def step_integration_slice(self) -> int:
        """integration without SLICE_SKIPPED_TARGETS, each named with its reason, and with
        SLICE_MARKER in the role target: what make test runs on the oldest line."""
        return self.integration(sliced=True)

    def integration(self, sliced: bool) -> int:
        installed = self.installed_copy()
        targets = installed / "tests" / "integration" / "targets"
        if not targets.is_dir() or not any(path.is_dir() for path in targets.iterdir()):
            say("integration: no targets in the installed collection")
            return 1
        excluded = set()
        if self.venv.name != MAIN_LINE_VENV:
            for target, reason in MAIN_LINE_ONLY_TARGETS.items():
                say(f"integration: not running {target} with {self.venv.name} (main line only): {reason}")
                excluded.add(target)
        if sliced:
            for target, reason in SLICE_SKIPPED_TARGETS.items():
                say(f"integration: not running {target} in the slice (make test-matrix does): {reason}")
                excluded.add(target)
        commands = {}
        for number, (group, names) in enumerate(target_groups(targets, excluded).items()):
            root = group_copy(self.installed_root, COLLECTION_PATH, group, first=number == 0)
            mark_slice(root / SLICE_MARKER, sliced)
            say(f"integration: {group}: {', '.join(names)}")
            command = ["ansible-test", "integration", "--local", "--python", self.python_version, "--color", "no", *names]
            commands[group] = (command, root, {**self.env, "ANSIBLE_TEST_CONTENT_ROOT": str(root)})
        return run_groups(commands, self.build / "integration-logs", say)

    def step_ee(self) -> int:
        """The execution environment: ansible-builder reads the installed collection's
        meta/execution-environment.yml, and `ansible-builder create` turns the example
        definition (with the built tarball) into a build context."""
        self.installed_copy()
        introspected = subprocess.run(["ansible-builder", "introspect", "--sanitize", str(self.installed_root)],
                                      env=self.env, capture_output=True, text=True, check=False)
        say(introspected.stdout + introspected.stderr)
        wanted = ("requests>=", "lxml>=", "ca-certificates", "from collection veeam_em.core")
        missing = [text for text in wanted if text not in introspected.stdout]
        if introspected.returncode or missing:
            say(f"ee: ansible-builder introspect did not report {missing} (exit {introspected.returncode})")
            return introspected.returncode or 1
        return self.ee_create() or self.de_create()

    def de_create(self) -> int:
        """The decision environment (meta/decision-environment.yml) as a build context with the tarball."""
        code, context = self.builder_context("de", REPO / "meta" / "decision-environment.yml")
        requirements = context / "_build" / "requirements.txt"
        collections = context / "_build" / "requirements.yml"
        if code or not requirements.is_file() or "ansible-rulebook" not in requirements.read_text(encoding="utf-8") \
                or f"/build/collections/{self.tarball.name}" not in collections.read_text(encoding="utf-8"):
            say(f"de: the build context does not install ansible-rulebook and {self.tarball.name} (exit {code}); "
                "update meta/decision-environment.yml")
            return code or 1
        say(f"de: build context ready in {os.path.relpath(context, REPO)}")
        return 0

    def builder_context(self, name: str, definition_file: Path) -> tuple[int, Path]:
        """`ansible-builder create` of a definition copied beside the tarball: (exit code, context)."""
        assert self.tarball is not None
        work = self.build / name
        if work.exists():
            shutil.rmtree(work)
        definition = work / "definition"
        definition.mkdir(parents=True)
        shutil.copy2(definition_file, definition)
        shutil.copy2(self.tarball, definition)
        context = work / "context"
        code = self.run(["ansible-builder", "create", "-f", str(definition / definition_file.name),
                         "-c", str(context), "--output-filename", "Containerfile"], work)
        return code, context

    def ee_create(self) -> int:
        code, context = self.builder_context("ee", REPO / "docs" / "examples" / "execution-environment.yml")
        assert self.tarball is not None
        containerfile = context / "Containerfile"
        collected = context / "_build" / "collections" / self.tarball.name
        requirements = context / "_build" / "requirements.yml"
        if code or not containerfile.is_file() or not collected.is_file() or not requirements.is_file():
            say(f"ee: the build context lacks the Containerfile or {self.tarball.name} (exit {code})")
            return code or 1
        if f"/build/collections/{self.tarball.name}" not in requirements.read_text(encoding="utf-8"):
            say(f"ee: {requirements} does not install {self.tarball.name}; update docs/examples/execution-environment.yml")
            return 1
        if "ansible-galaxy collection install" not in containerfile.read_text(encoding="utf-8"):
            say("ee: the Containerfile installs no collection")
            return 1
        say(f"ee: build context ready in {os.path.relpath(context, REPO)}")
        return 0

    def step_docs(self) -> int:
        """antsibull-docs' lint, then the docsite built by Sphinx with warnings as errors."""
        env = {"ANSIBLE_COLLECTIONS_PATH": str(self.build)}
        code = self.run(["antsibull-docs", "lint-collection-docs", "--plugin-docs", "."], self.copy, extra_env=env)
        if code:
            return code
        site = self.build / "docsite"
        if site.exists():
            shutil.rmtree(site)
        site.mkdir(mode=0o700)  # antsibull-docs wants a directory only its owner can write
        steps = (["antsibull-docs", "sphinx-init", "--use-current", "--dest-dir", str(site), "veeam_em.core"],
                 ["bash", "build.sh"])
        for number, command in enumerate(steps):
            code = self.run(command, site, extra_env=env)
            if code:
                return code
            if number == 0:
                with open(site / "conf.py", "a", encoding="utf-8") as conf:
                    conf.write(OFFLINE_SPHINX)
        problems = own_reference_problems(REPO / "docs" / "docsite" / "rst", site / "rst")
        for problem in problems:
            say(f"docs: {problem}")
        if not problems:
            say(f"docs: the docsite is in {os.path.relpath(site / 'build' / 'html', REPO)}")
        return 1 if problems else 0

    def step_bench_slice(self) -> int:
        """The smallest make bench size at 0 ms: every run must make exactly the expected
        requests and a cache hit none. The figures it prints are not judged here."""
        command = ["python", "benchmarks/run.py", "--sizes", "10000", "--latencies", "0", "--naive-sample", "20",
                   "--naive-budget", "0", "--quick", "--check"]
        return self.run(command, self.copy, extra_env={"PYTHONPATH": f"{self.build}{os.pathsep}{self.copy / 'tests'}"})

    def step_lint(self) -> int:
        # ansible-lint lists files with git, so it runs in the checkout itself
        # (in the ignored build copy it would find nothing to lint); the copy is
        # where it finds veeam_em.core to resolve the test playbooks' modules.
        command = ["ansible-lint", "--offline", "--profile", "production", "--nocolor"]
        return self.run(command, REPO, extra_env={"ANSIBLE_COLLECTIONS_PATH": str(self.build)})

    def step_changelog_lint(self) -> int:
        code = self.run(["antsibull-changelog", "lint"], REPO)
        return code or self.run(["antsibull-changelog", "lint-changelog-yaml", "changelogs/changelog.yaml"], REPO)


def own_reference_problems(guides: Path, generated: Path) -> list[str]:
    """:ref: links of the guides whose label the built docsite does not define.

    Sphinx's own check is suppressed offline (see OFFLINE_SPHINX), so the guides' links,
    which all point inside this collection, are checked here.
    """
    labels = {label for path in generated.rglob("*.rst") for label in LABEL.findall(path.read_text(encoding="utf-8"))}
    problems = []
    for path in sorted(guides.glob("*.rst")):
        for label in REF.findall(path.read_text(encoding="utf-8")):
            if label not in labels:
                problems.append(f"{path.relative_to(REPO)}: :ref: to {label!r}, which no page defines")
    if not labels:
        problems.append(f"no labels found under {generated}: the docsite was not generated")
    return problems


def write_summary(path: Path, runner: Runner, results: list[tuple[str, str, float]]) -> None:
    """The run's outcome as JSON, for tools/run_matrix.py's table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    summary = {
        "ansible_core": runner.ansible_core_version,
        "python": runner.python_version,
        "steps": [{"step": step, "outcome": outcome, "seconds": round(elapsed, 1)} for step, outcome, elapsed in results],
    }
    path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def mark_slice(marker: Path, sliced: bool) -> None:
    """Write SLICE_MARKER for a slice, remove it for a whole run (the first group runs in the
    installed copy itself, which a later step may test whole)."""
    if not marker.parent.is_dir():
        return
    if sliced:
        marker.write_text("make test's slice on the oldest line (make test-matrix runs them)\n", encoding="utf-8")
    else:
        marker.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("steps", nargs="+", choices=STEPS + ("all",), metavar="STEP",
                        help=f"one or more of: {', '.join(STEPS)}, all")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv", help="virtual environment with the tools")
    parser.add_argument("--build", type=Path, default=REPO / ".build", help="where the collection is laid out")
    parser.add_argument("--label", default="make test", help="prefix of the progress and failure lines")
    parser.add_argument("--summary-json", type=Path, help="also write the steps' outcomes and times to this file")
    args = parser.parse_args()
    steps = list(ALL_STEPS) if "all" in args.steps else list(dict.fromkeys(args.steps))

    runner = Runner(args.venv.resolve(), args.build.resolve())
    say(f"{args.label}: ansible-core {runner.ansible_core_version} on Python {runner.python_version}")
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

    if args.summary_json:
        write_summary(args.summary_json, runner, results)
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
