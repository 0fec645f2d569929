# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check what account_roles.yml printed: the warning, naming the role, the summary's line per check not
judged (and not the warning again), and the Restore Operator's failure on the failing task's line.

    python check_account_roles_log.py LOG

The cases, in account_roles.yml's order: a Portal User refused the jobs (403), shown none (empty),
requiring coverage (403: reports written, then failing on the enforce step), and a VM Restore Operator
(403, 401).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

REFUSED = ("reading replication jobs needs the Portal Administrator role in Enterprise Manager; this account was "
           "refused, so VMs in jobs that never ran, disabled jobs and overdue jobs are not judged")
NOT_SHOWN = ("Enterprise Manager showed this account no replication job although the task sessions of the window name "
             "jobs; reading replication jobs needs the Portal Administrator role in Enterprise Manager, and an account "
             "without it may be shown none, so VMs in jobs that never ran, disabled jobs and overdue jobs are not judged")
SESSIONS_NEED = ("reading replica task sessions needs the Portal User or Portal Administrator role in Enterprise "
                 "Manager; give the account one of those roles (Enterprise Manager's web UI, Configuration > Roles)")
# The Portal User runs that pass: each summary's lines for what was not judged.
SUMMARY_LINES = [
    ["NOT JUDGED coverage: not judged: no right to read replication jobs"],
    ["NOT JUDGED coverage: not judged: Enterprise Manager showed no replication job"],
    ["NOT JUDGED coverage: not judged: no right to read replication jobs"],
]
REQUIRED = ("; replica_compliance_require_coverage is true, so this fails: give the account the Portal Administrator "
            "role, or set replica_compliance_require_coverage: false to judge without coverage")
SUMMARY_TASK = "TASK [veeam_em.core.replica_compliance : Show the summary]"


def squeezed(text: str) -> str:
    """Without white space: ansible-core wraps warnings at the terminal's width in some versions."""
    return re.sub(r"\s+", "", text)


def task_blocks(log: str, header: str) -> list[str]:
    """The output of every run of the task with this header line, up to the next task or recap."""
    return re.findall(re.escape(header) + r".*?(?=\nTASK \[|\nPLAY RECAP|\Z)", log, re.S)


def main() -> int:
    log = Path(sys.argv[1]).read_text(encoding="utf-8")
    flat = squeezed(log)
    # ansible-core prints a warning once per process however many runs give it, so one line each here;
    # account_role_case.yml checks that each run's module result holds it once.
    for warning in (REFUSED, NOT_SHOWN):
        found = flat.count(squeezed("[WARNING]: " + warning))
        assert found == 1, f"{found} warnings, not 1: {warning}"
    summaries = task_blocks(log, SUMMARY_TASK)
    lines = [re.findall(r'"(NOT JUDGED [^"]*)"', block) for block in summaries]
    assert lines == SUMMARY_LINES, lines
    for block in summaries:
        assert "Portal Administrator" not in block, f"the summary repeats the warning: {block}"
        assert "(never replicated not judged, 0 never succeeded," in block, f"the summary counts coverage: {block}"
    # The Restore Operator's failure, plainly on the failing task's line (403, then 401).
    failures = re.findall(r"^fatal: \[localhost[^\]]*\]: FAILED! => (.*)$", log, re.M)
    required = [line for line in failures if REFUSED + REQUIRED in line]
    assert len(required) == 1, failures
    assert "FAILING: coverage not judged (replica_compliance_require_coverage is true)" in summaries[2], summaries[2]
    refusals = [line for line in failures if SESSIONS_NEED in line]
    assert len(refusals) == 2 and "(HTTP 403: Access is denied.)" in refusals[0] and "(HTTP 401 " in refusals[1], failures
    print(f"{sys.argv[1]}: the warnings, {len(summaries)} summaries with their NOT JUDGED lines, "
          "the Restore Operator's refusals")
    return 0


if __name__ == "__main__":
    sys.exit(main())
