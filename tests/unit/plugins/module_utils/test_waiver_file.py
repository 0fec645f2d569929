"""Reading a waivers file (issue 28): the entries as Waivers, and each malformed file refused
with a message naming the file, the entry and its line. Expected values are worked out from
the file text by hand."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waiver_file import (
    Waiver,
    WaiverFileError,
    parse_waivers,
    read_waivers,
)

SOURCE = "/x/waivers.yml"
EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "examples" / "waivers.yml"
UTC = timezone.utc

TWO_ENTRIES = """\
# two waivers
waivers:
  - vms: db01
    justification: Decommissioned on 2026-12-15 (CHG-4411)
    expires: 2026-12-31
    ticket: 4411
    owner: storage-team
  - jobs: [Gold*, Silver nightly]
    backup_servers: vbr01.corp.example
    em: em-east
    findings: [rpo_breach, failed]
    starts: 2026-12-05T22:00:00Z
    expires: "2026-12-06T06:00:00+02:00"
    justification: "  SAN firmware window  "
"""


def test_two_entries_read_with_their_lines_and_times():
    first, second = parse_waivers(TWO_ENTRIES, SOURCE)
    assert first.as_dict() == {
        "entry": 1, "line": 3, "vms": ["db01"], "jobs": [], "backup_servers": [], "failover_plans": [], "em": None,
        "findings": None, "justification": "Decommissioned on 2026-12-15 (CHG-4411)", "starts": None,
        # A date holds through that day UTC: it expires at the midnight that starts the next.
        "expires": "2027-01-01T00:00:00Z", "permanent": False, "ticket": "4411", "owner": "storage-team"}
    assert second.as_dict() == {
        "entry": 2, "line": 8, "vms": [], "jobs": ["Gold*", "Silver nightly"],
        "backup_servers": ["vbr01.corp.example"], "failover_plans": [], "em": "em-east",
        "findings": ["rpo_breach", "failed"], "justification": "SAN firmware window",
        # 06:00 at +02:00 is 04:00 UTC.
        "starts": "2026-12-05T22:00:00Z", "expires": "2026-12-06T04:00:00Z", "permanent": False,
        "ticket": None, "owner": None}


def test_times_are_aware_utc_datetimes():
    first, second = parse_waivers(TWO_ENTRIES, SOURCE)
    assert first.expires == datetime(2027, 1, 1, tzinfo=UTC)
    assert second.starts == datetime(2026, 12, 5, 22, tzinfo=UTC)


def test_an_empty_list_is_no_waivers():
    assert parse_waivers("waivers: []\n", SOURCE) == []


def test_permanent_and_a_start_date_at_its_midnight():
    text = "waivers:\n  - failover_plans: DR-*\n    permanent: true\n    starts: 2026-12-10\n    justification: kept\n"
    assert parse_waivers(text, SOURCE) == [Waiver(entry=1, line=2, justification="kept", failover_plans=("DR-*",),
                                                  permanent=True, starts=datetime(2026, 12, 10, tzinfo=UTC))]


def test_a_naive_date_time_is_utc():
    text = "waivers:\n  - vms: a\n    justification: b\n    expires: '2026-12-01 18:30'\n"
    assert parse_waivers(text, SOURCE)[0].expires == datetime(2026, 12, 1, 18, 30, tzinfo=UTC)


def test_read_waivers_reads_the_file(tmp_path):
    path = tmp_path / "waivers.yml"
    path.write_text(TWO_ENTRIES, encoding="utf-8")
    assert [waiver.entry for waiver in read_waivers(str(path))] == [1, 2]


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "nope.yml"
    with pytest.raises(WaiverFileError) as caught:
        read_waivers(str(path))
    assert str(caught.value) == (f"waivers file {path} cannot be read: No such file or directory; "
                                 "check the path (a relative one is relative to where Ansible runs)")


def entry(*lines: str) -> str:
    """A file of one good entry (line 2) and the given entry (line 5 onwards)."""
    return ("waivers:\n  - vms: ok\n    justification: fine\n    permanent: true\n"
            + "".join(f"  {'-' if index == 0 else ' '} {line}\n" for index, line in enumerate(lines)))


HINT = "write ISO 8601 such as 2026-12-31T18:00:00Z, or a date such as 2026-12-31 (it holds through that day UTC)"
SHAPE = "it must be a mapping with the one key waivers holding a list of entries (waivers: [] for none)"
BAD_ENTRIES = [
    (["vms: a", "justifcation: b", "permanent: true"], "unknown key 'justifcation'; did you mean justification?"),
    (["vms: a", "colour: red", "permanent: true"],
     "unknown key 'colour'; the keys are vms, jobs, backup_servers, failover_plans, em, findings, justification, "
     "starts, expires, permanent, ticket, owner"),
    (["vms: a", "permanent: true"], "no justification: say why the finding may be waived (justification: <text>)"),
    (["vms: a", "justification: '  '", "permanent: true"],
     "no justification: say why the finding may be waived (justification: <text>)"),
    (["vms: a", "justification: [b]", "permanent: true"], "justification must be text, not ['b']"),
    (["vms: a", "justification: b"],
     "neither expires nor permanent: true; give expires (a date-time or a date) or permanent: true"),
    (["vms: a", "justification: b", "permanent: false"],
     "neither expires nor permanent: true; give expires (a date-time or a date) or permanent: true"),
    (["vms: a", "justification: b", "expires: 2026-12-31", "permanent: true"],
     "both expires and permanent: true; give one of them"),
    (["vms: a", "justification: b", "permanent: 'yes please'"], "permanent must be true or false, not 'yes please'"),
    (["vms: a", "justification: b", "expires: next friday"], f"expires: cannot read 'next friday' as a time; {HINT}"),
    (["vms: a", "justification: b", "expires: 24h"], f"expires: cannot read '24h' as a time; {HINT}"),
    (["vms: a", "justification: b", "expires: 20261231"], f"expires: cannot read 20261231 as a time; {HINT}"),
    (["vms: a", "justification: b", "expires: 2026-13-01"], "expires (line 7): cannot read its value: month must be in 1..12"),
    (["vms: a", "justification: b", "starts: 2026-12-02T00:00:00Z", "expires: 2026-12-01T23:00:00Z"],
     "starts 2026-12-02T00:00:00Z is not before expires 2026-12-01T23:00:00Z; a window must start before it ends"),
    # expires: 2026-12-01 ends at the midnight starting 2026-12-02, so a window starting then is empty.
    (["vms: a", "justification: b", "starts: 2026-12-02", "expires: 2026-12-01"],
     "starts 2026-12-02T00:00:00Z is not before expires 2026-12-02T00:00:00Z; a window must start before it ends"),
    (["justification: b", "permanent: true"], "no selector: give at least one of vms, jobs, backup_servers, failover_plans"),
    (["em: em-east", "vms: []", "justification: b", "permanent: true"],
     "no selector: give at least one of vms, jobs, backup_servers, failover_plans"),
    (["vms: 0042", "justification: b", "permanent: true"],
     "vms must be a name or glob, or a list of them, not 34 (quote a name YAML reads as a number or a date)"),
    (["vms: []", "jobs: J", "justification: b", "permanent: true"],
     "vms must be a name or glob, or a list of them, not [] (quote a name YAML reads as a number or a date)"),
    (["vms: [a, '']", "jobs: J", "justification: b", "permanent: true"],
     "vms must be a name or glob, or a list of them, not ['a', ''] (quote a name YAML reads as a number or a date)"),
    (["vms: a", "vms: b", "justification: b", "permanent: true"], "key 'vms' is given twice (lines 5 and 6); keep one"),
    (["vms: a", "findings: [rpo_breech]", "justification: b", "permanent: true"],
     "unknown finding 'rpo_breech'; did you mean rpo_breach?"),
    (["vms: a", "findings: []", "justification: b", "permanent: true"],
     "findings must be a list of findings, not [] (leave it out to waive every finding)"),
    (["vms: a", "justification: b", "permanent: true", "owner: {name: x}"], "owner must be text, not {'name': 'x'}"),
    (["vms: a", "justification: !!python/object:os.system b", "permanent: true"],
     "justification (line 6): cannot read its value: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object:os.system'"),
]


@pytest.mark.parametrize(("lines", "what"), BAD_ENTRIES)
def test_a_bad_entry_is_named_with_its_line(lines, what):
    with pytest.raises(WaiverFileError) as caught:
        parse_waivers(entry(*lines), SOURCE)
    assert str(caught.value) == f"waivers file {SOURCE}, entry 2 (line 5): {what}"


def test_the_issue_example_entry_2_on_line_9():
    text = ("waivers:\n  - vms: db01\n    justification: fine\n    expires: 2026-12-31\n\n"
            "  # the storage migration\n\n\n  - vms: app-*\n    justifcation: migration\n    permanent: true\n")
    with pytest.raises(WaiverFileError) as caught:
        parse_waivers(text, SOURCE)
    assert str(caught.value) == ("waivers file /x/waivers.yml, entry 2 (line 9): unknown key 'justifcation'; "
                                 "did you mean justification?")


@pytest.mark.parametrize(("text", "message"), [
    ("", f"waivers file {SOURCE} is empty; {SHAPE}"),
    ("# nothing\n", f"waivers file {SOURCE} is empty; {SHAPE}"),
    ("- vms: a\n", f"waivers file {SOURCE} (line 1) is not a mapping; {SHAPE}"),
    ("waiver: []\n", f"waivers file {SOURCE} (line 1) has 'waiver'; {SHAPE}; did you mean waivers?"),
    ("waivers: []\nextra: 1\n", f"waivers file {SOURCE} (line 1) has 'extra'; {SHAPE}"),
    ("waivers:\n", f"waivers file {SOURCE} (line 1): waivers is not a list; {SHAPE}"),
    ("waivers: {vms: a}\n", f"waivers file {SOURCE} (line 1): waivers is not a list; {SHAPE}"),
    ("waivers:\n  - vms: [a\n", f"waivers file {SOURCE} is not valid YAML at line 3, column 1: "
                                "while parsing a flow sequence: expected ',' or ']', but got '<stream end>'; fix the YAML"),
    ("waivers: []\n---\nwaivers: []\n", f"waivers file {SOURCE} is not valid YAML at line 2, column 1: "
                                        "expected a single document in the stream, but found another document; fix the YAML"),
    ("waivers:\n  - just text\n", f"waivers file {SOURCE}, entry 1 (line 2): "
                                  "an entry must be a mapping of keys such as vms, justification and expires"),
])
def test_a_file_of_the_wrong_shape_is_refused(text, message):
    with pytest.raises(WaiverFileError) as caught:
        parse_waivers(text, SOURCE)
    assert str(caught.value) == message
    assert "Traceback" not in message


def test_the_error_is_a_configuration_error():
    assert issubclass(WaiverFileError, ConfigurationError)


def test_the_documented_example_reads():
    decommission, window, lab = read_waivers(str(EXAMPLE))
    assert (decommission.line, decommission.findings, decommission.expires) == (
        15, ("rpo_breach",), datetime(2027, 1, 1, tzinfo=UTC))
    assert (window.starts, window.expires) == (datetime(2026, 12, 12, 22, tzinfo=UTC), datetime(2026, 12, 13, 6, tzinfo=UTC))
    assert (lab.vms, lab.em, lab.permanent, lab.expires) == (("lab-*", "test-*"), "em-lab", True, None)
