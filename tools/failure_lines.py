# Copyright: (c) 2026, veeam_em.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lines of a failed entry's log that say what failed, for the end of make test.

CI shows only the end of make test's output, and a failing entry's log is printed whole long
before the table; without this, a failure that passes on a re-run (a timing under load) leaves
no trace of which target failed and why. Standard library only.
"""

from __future__ import annotations

import re

# ansible-test's header for each target ("Running inventory_replicas integration test script").
TARGET = re.compile(r"^Running \S+ integration test (role|script|playbook)")
# run_checks' line that starts a step, and its summary: a target named before them is over.
STEP_START = re.compile(r"^==> |: summary$")
# What ansible-playbook, ansible-test, pytest and Python print on a failure: kept with the lines after it.
FAILURE = re.compile(r"fatal: \[|FAILED!|^ERROR: |^E {3}|^FAILED |Traceback \(most recent|^AssertionError")
# run_checks' line for a step that failed, with its exit code and time: kept alone.
STEP_FAILED = re.compile(r": step \S+ FAILED \(exit ")
FOLLOWING = 4  # lines kept after each failure line: the rest of a message that wraps
LINE_CHARS = 400
MOST_LINES = 60


def failure_lines(log: str) -> list[str]:
    """The failure lines of `log`, each with the few lines after it and the ansible-test target
    it ran in; at most MOST_LINES lines of LINE_CHARS characters, the last ones kept (the
    failure that ended the run comes last)."""
    kept: list[str] = []
    target = shown_target = None
    following = 0
    for line in log.splitlines():
        if TARGET.match(line) or STEP_START.search(line):
            target = line if TARGET.match(line) else None
        if STEP_FAILED.search(line):
            kept.append(line)
            following = 0
            continue
        if FAILURE.search(line):
            if target is not None and target != shown_target:
                kept.append(target)
                shown_target = target
            following = FOLLOWING + 1
        if following:
            kept.append(line if len(line) <= LINE_CHARS else line[:LINE_CHARS] + " ...")
            following -= 1
    return kept[-MOST_LINES:]
