"""tools/failure_lines.py: what make test prints last about a failed entry, since CI shows only
the end of its output."""
from __future__ import annotations

# An entry's log as run_checks and ansible-test print it: a target that passed, then one whose
# assertion failed (a long message), then ansible-test's and run_checks' own failure lines.
LOG = """\
==> make test (ansible-core 2.16): step integration-slice
Running filter_replica_status integration test role
TASK [filter_replica_status : The verdict] *****
ok: [testhost]
Running replica_point integration test script
+ ansible-playbook main.yml
TASK [The timeout names the job] *****
fatal: [localhost]: FAILED! => {"assertion": "timed_out is not changed", "msg": "%s"}
PLAY RECAP *****
localhost : ok=12 changed=3 unreachable=0 failed=1
+ exit 2
ERROR: Command "./runme.sh" returned exit status 2.
make test (ansible-core 2.16): step integration-slice FAILED (exit 1, 11m54s)
""" % ("x" * 1000)


def test_the_failure_is_shown_with_its_target_and_the_passed_target_is_not(failure_lines):
    lines = failure_lines.failure_lines(LOG)
    assert lines[0] == "Running replica_point integration test script"
    assert lines[1].startswith('fatal: [localhost]: FAILED! => {"assertion": "timed_out is not changed"')
    assert lines[1].endswith(" ...") and len(lines[1]) == failure_lines.LINE_CHARS + 4
    assert 'ERROR: Command "./runme.sh" returned exit status 2.' in lines
    assert lines[-1].endswith("step integration-slice FAILED (exit 1, 11m54s)")
    assert not any("filter_replica_status" in line for line in lines)


def test_a_passing_log_gives_nothing(failure_lines):
    passing = LOG[:LOG.index("Running replica_point")]
    assert failure_lines.failure_lines(passing) == []


def test_a_target_is_not_named_for_a_failure_of_a_later_step(failure_lines):
    log = LOG.split("fatal:", maxsplit=1)[0] + "==> make test: step ee\nERROR: ansible-builder failed\n"
    assert failure_lines.failure_lines(log) == ["ERROR: ansible-builder failed"]


def test_only_the_last_lines_are_kept(failure_lines):
    log = "\n".join(f"fatal: [host{number}]: FAILED! => {{}}" for number in range(200))
    lines = failure_lines.failure_lines(log)
    assert len(lines) == failure_lines.MOST_LINES and lines[-1] == "fatal: [host199]: FAILED! => {}"
