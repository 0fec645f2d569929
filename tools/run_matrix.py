# Copyright: (c) 2026, veeam_em.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the test matrix: one tools/run_checks.py per ansible-core line, a few at a time.

Called by the Makefile, e.g.::

    .venv/bin/python tools/run_matrix.py --main-line 2.21 --jobs 2 \\
        --entry "2.21:all" --entry "2.16:sanity units artifact integration"

The main line uses ``.venv`` and ``.build``; any other line ``.venv-core-<line>`` and
``.build/core-<line>``, so entries never share a build copy.  A line may be split into parts
that run as entries of their own (``2.21/checks:lint docs``): each part has its own build
copy (``.build/part-checks``, ``.build/core-<line>-checks``) and log.  With more than one job
an entry's output goes to ``tests/output/matrix/<name>.log`` (``2.21``, ``2.21-checks``) and
is printed whole when the entry ends, so the lines of two entries never interleave.  At the end a
table gives each line's steps with their outcome and time, then each failed entry's failure lines
(failure_lines.py).  Every entry runs even when another fails; the exit code is non-zero when any
failed.  Standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from failure_lines import failure_lines  # tools/ is on sys.path: this file runs as a script from there
from run_checks import minutes

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "tests" / "output" / "matrix"
STEP_ORDER = ("layout", "sanity", "units", "artifact", "integration", "integration-slice", "lint", "changelog-lint",
              "docs", "ee", "bench-slice")
_print_lock = threading.Lock()


@dataclass
class Entry:
    """One ansible-core line and the run_checks.py steps to run with it."""

    line: str
    steps: list[str]
    venv: Path
    build: Path
    part: str = ""  # a part of a line's steps run as an entry of its own ("checks"); "" for the whole
    exit_code: int | None = None
    seconds: float = 0.0
    summary: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.line}-{self.part}" if self.part else self.line

    @property
    def log(self) -> Path:
        return OUTPUT / f"{self.name}.log"

    @property
    def summary_path(self) -> Path:
        return OUTPUT / f"{self.name}.json"


def say(message: str) -> None:
    with _print_lock:
        print(message, flush=True)


def parse_entry(text: str, main_line: str) -> Entry:
    """``LINE[/PART]:STEP STEP ...`` to an Entry with its venv and build paths."""
    name, colon, steps = text.partition(":")
    line, _slash, part = name.partition("/")
    bad_part = "/" in name and not part.replace("-", "").isalnum()
    if not line or not colon or not steps.split() or bad_part:
        raise argparse.ArgumentTypeError(f"--entry {text!r}: expected LINE[/PART]:STEP [STEP ...], e.g. '2.16:sanity units' "
                                         "or '2.21/checks:lint docs'")
    if line == main_line:
        build = REPO / ".build" / f"part-{part}" if part else REPO / ".build"
        return Entry(line, steps.split(), REPO / ".venv", build, part)
    build = REPO / ".build" / (f"core-{line}-{part}" if part else f"core-{line}")
    return Entry(line, steps.split(), REPO / f".venv-core-{line}", build, part)


def run_entry(entry: Entry, label: str, stream: bool) -> Entry:
    """Run one entry's steps; its output goes to the terminal (stream) or to its log."""
    python = entry.venv / "bin" / "python"
    if not python.exists():
        say(f"{label}: ansible-core {entry.line}: {entry.venv.name} is missing; run make venvs")
        entry.exit_code = 1
        return entry
    entry.summary_path.unlink(missing_ok=True)
    entry.log.unlink(missing_ok=True)  # an earlier run's log is not this run's failure (streamed: none written)
    command = [str(python), str(REPO / "tools" / "run_checks.py"), "--label", f"{label} (ansible-core {entry.name})",
               "--venv", str(entry.venv), "--build", str(entry.build), "--summary-json", str(entry.summary_path),
               *entry.steps]
    started = time.monotonic()
    if stream:
        entry.exit_code = subprocess.call(command, cwd=REPO)
    else:
        say(f"{label}: ansible-core {entry.name}: started ({' '.join(entry.steps)}), output in "
            f"{entry.log.relative_to(REPO)}")
        with open(entry.log, "w", encoding="utf-8") as log:
            entry.exit_code = subprocess.call(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        with _print_lock:
            print(f"\n{'=' * 20} ansible-core {entry.name} {'=' * 20}", flush=True)
            sys.stdout.write(entry.log.read_text(encoding="utf-8", errors="replace"))
            sys.stdout.flush()
    entry.seconds = time.monotonic() - started
    if entry.summary_path.exists():
        entry.summary = json.loads(entry.summary_path.read_text(encoding="utf-8"))
    return entry


def table(entries: list[Entry]) -> list[str]:
    """A Markdown table: one row per entry, one column per step that any entry ran."""
    outcomes = {entry.name: {row["step"]: row for row in entry.summary.get("steps", [])} for entry in entries}
    steps = [step for step in STEP_ORDER if any(step in rows for rows in outcomes.values()) and step != "layout"]
    rows = ["| ansible-core | Python | " + " | ".join(steps) + " | entry |",
            "| --- | --- | " + " | ".join(["---"] * len(steps)) + " | --- |"]
    for entry in entries:
        cells = []
        for step in steps:
            row = outcomes[entry.name].get(step)
            cells.append(f"{row['outcome'].upper()} {minutes(row['seconds'])}" if row else "-")
        core = entry.summary.get("ansible_core", entry.line) + (f" ({entry.part})" if entry.part else "")
        verdict = "PASSED" if entry.exit_code == 0 else f"FAILED (exit {entry.exit_code})"
        rows.append(f"| {core} | {entry.summary.get('python', '?')} | " + " | ".join(cells)
                    + f" | {verdict}, {minutes(entry.seconds)} |")
    return rows


def say_failure_lines(entry: Entry, label: str) -> None:
    """What failed in an entry, from its log: the end of make test is all CI shows."""
    lines = failure_lines(entry.log.read_text(encoding="utf-8", errors="replace"))
    say(f"\n{label}: what failed on ansible-core {entry.name} (whole output in {entry.log.relative_to(REPO)}):")
    for line in lines or ["(no failure line found in the log)"]:
        say(f"  {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--main-line", required=True, help="the ansible-core line that lives in .venv, e.g. 2.21")
    parser.add_argument("--entry", action="append", required=True, metavar="LINE:STEPS",
                        help="an ansible-core line and its steps, e.g. '2.16:sanity units'; repeatable")
    parser.add_argument("--jobs", type=int, default=2, help="entries run at the same time (default 2)")
    parser.add_argument("--label", default="make test", help="prefix of the progress and failure lines")
    args = parser.parse_args()
    try:
        entries = [parse_entry(text, args.main_line) for text in args.entry]
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(args.jobs, len(entries)))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda entry: run_entry(entry, args.label, stream=jobs == 1), entries))
    say(f"\n{args.label}: the matrix, {minutes(time.monotonic() - started)} in all ({jobs} at a time)")
    for row in table(entries):
        say(row)
    failed = [entry.name for entry in entries if entry.exit_code]
    for entry in entries:
        if entry.exit_code and entry.log.exists():
            say_failure_lines(entry, args.label)
    if failed:
        say(f"{args.label}: FAILED on ansible-core {', '.join(failed)}")
        return 1
    say(f"{args.label}: PASSED on ansible-core {', '.join(entry.name for entry in entries)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
