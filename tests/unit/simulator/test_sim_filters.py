"""The filter grammar: operators, AND/OR, grouping, quoting, case, enums and dates."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator.filters import (
    FilterError,
    FilterOptions,
    compile_node,
    parse_filter,
    tokenize,
)
from ansible_collections.veeam_em.core.tests.em_simulator.model import parse_utc
from ansible_collections.veeam_em.core.tests.em_simulator.query import TASK_FIELDS
from ansible_collections.veeam_em.core.tests.unit.simhelpers import parse

STRICT = FilterOptions()


def names_matching(client, filter_text: str) -> list[str]:
    entities = client.query_entities("ReplicaTaskSession", filter=filter_text, sortAsc="CreationTime", pageSize=100)
    return [entity.get("UID").rsplit(":", 1)[1][:8] for entity in entities]


# The documented fixture's task sessions, oldest first, by the first 8 characters of their id:
# 3be8eb42 apache02 Success 15:17:00.38 | 6c2f5e8a "sql 01" Failed 15:17:04 | efe448ad apache02 Success 20:00:18
# 24590151 srv04 Warning 2025-10-07 | 9a7e1c44 srv04 running (Result None) 2025-10-08
@pytest.mark.parametrize(
    ("filter_text", "expected"),
    [
        ("VmDisplayName==apache02", ["3be8eb42", "efe448ad"]),
        ("VmDisplayName!=apache02", ["6c2f5e8a", "24590151", "9a7e1c44"]),
        ("TotalSize>8589934592", ["6c2f5e8a", "24590151", "9a7e1c44"]),
        ("TotalSize>=42949672960", ["6c2f5e8a", "24590151", "9a7e1c44"]),
        ("TotalSize<42949672960", ["3be8eb42", "efe448ad"]),
        ("TotalSize<=8589934592", ["3be8eb42", "efe448ad"]),
        # Enums compare by documented order: Success < Warning < Failed; a running session's
        # Result (outside the list) sorts before all of them.
        ("Result>Success", ["6c2f5e8a", "24590151"]),
        ("Result>=Warning", ["6c2f5e8a", "24590151"]),
        ("Result<Warning", ["3be8eb42", "efe448ad", "9a7e1c44"]),
        ("State==InProgress", ["9a7e1c44"]),
        ('CreationTime>="2025-06-17T15:17:04Z";CreationTime<"2025-10-01"', ["6c2f5e8a", "efe448ad"]),
        ("CreationTime>2025-06-17T20:00:18.06Z", ["24590151", "9a7e1c44"]),
        ("CreationTime>=2025-06-17T20:00:18.06Z", ["efe448ad", "24590151", "9a7e1c44"]),
        ("EndTime<2025-06-18", ["3be8eb42", "6c2f5e8a", "efe448ad"]),
        ("EndTime!=2025-06-18", ["3be8eb42", "6c2f5e8a", "efe448ad", "24590151"]),  # no EndTime: no match
        ("VmDisplayName==srv04,Result==Failed", ["6c2f5e8a", "24590151", "9a7e1c44"]),
        ("(VmDisplayName==srv04,VmDisplayName==apache02);Result==Success", ["3be8eb42", "efe448ad"]),
        ("vmdisplayname==apache02;RESULT==success", ["3be8eb42", "efe448ad"]),
        ('VmDisplayName=="sql 01"', ["6c2f5e8a"]),
        ("VmDisplayName==sql 01", []),  # unquoted spaces are ignored: this is "sql01"
        ("  VmDisplayName == apache02 ; Result == Success ", ["3be8eb42", "efe448ad"]),
        ('Reason==""', ["3be8eb42", "efe448ad", "9a7e1c44"]),
        ("JobName==\"Replication Job 1\";BackupServerName==enterprise01.tech.local", ["24590151", "9a7e1c44"]),
        ("BackupServerUid==urn:veeam:BackupServer:7445e6ce-86f5-4171-b909-dac209c66563;Result==Failed", ["6c2f5e8a"]),
        ("JobSessionUid==urn:veeam:ReplicaJobSession:c73c05f9-1f01-4a72-8126-c8fc8ed2df12", ["3be8eb42", "6c2f5e8a"]),
        ("UID==urn:veeam:ReplicaTaskSession:24590151-20cd-4e57-8a2f-8b65869a1879", ["24590151"]),
        ('Name=="apache02@2025-06-17 20:00:18"', ["efe448ad"]),
        ("JobUid==urn:veeam:Job:724e3c07-4e12-44f5-998f-d568071216d8;State==Completed", ["24590151"]),
    ],
)
def test_filter_selects_exactly(client, filter_text, expected):
    client.logon()
    assert names_matching(client, filter_text) == expected


@pytest.mark.parametrize(
    "filter_text",
    [
        "Colour==red",  # unknown field
        "VmDisplayName=apache02",  # '=' is no operator
        "VmDisplayName=>apache02",
        'VmDisplayName=="apache02',  # unterminated quote
        "(VmDisplayName==apache02",
        "VmDisplayName==apache02)",
        "VmDisplayName==apache02;",
        "Result==Great",  # not a documented value
        "TotalSize>big",
        'CreationTime>="2025-06-17T15:00:00"',  # not UTC
        'CreationTime>="2025-06-17T15:00:00+02:00"',
        "VmDisplayName==apache02;Result==Success,State==Completed",  # ';' and ',' mixed
        '"VmDisplayName"==apache02',  # a quoted field name
        "",
    ],
)
def test_malformed_filter_gets_400_with_error_body(client, filter_text):
    client.logon()
    response = client.query("ReplicaTaskSession", format="Entities", filter=filter_text)
    assert response.status_code == 400
    root = parse(response)
    assert root.tag == "{http://www.veeam.com/ent/v1.0}Error"
    assert root.get("StatusCode") == "400"
    assert root.get("Message")


def test_awkward_names_round_trip_through_quoting(generated_client, generated_simulator):
    generated_client.logon()
    for name in ('web"front', "db,reporting", "mail;01", "(legacy) erp", "Köln-fs01", "データ01", "sql 01"):
        quoted = '"' + name.replace('"', '""') + '"'
        entities = generated_client.query_entities("ReplicaTaskSession", filter=f"VmDisplayName=={quoted}", pageSize=1000)
        expected = {t.id for t in generated_simulator.dataset.task_sessions if t.vm_name == name}
        assert expected, name
        assert {e.get("UID").rsplit(":", 1)[1] for e in entities} == expected
        assert {e.get("VmDisplayName") for e in entities} == {name}


def test_job_names_with_quotes_commas_and_semicolons(generated_client, generated_simulator):
    generated_client.logon()
    for job in ('Tier 1 "Gold" DR', "Web, App & DB", "DR; Site-B (nightly)", "Zürich Standby"):
        quoted = '"' + job.replace('"', '""') + '"'
        entities = generated_client.query_entities("ReplicaJobSession", filter=f"JobName=={quoted}", pageSize=1000)
        expected = {j.id for j in generated_simulator.dataset.job_sessions if j.job_name == job}
        assert expected and {e.get("UID").rsplit(":", 1)[1] for e in entities} == expected


def test_tokenizer_handles_doubled_quotes_and_ignores_bare_spaces():
    tokens = tokenize('Name == "say ""hi"", ok" ; Reason==a b')
    assert [t.text for t in tokens] == ["Name", "==", 'say "hi", ok', ";", "Reason", "==", "ab"]


def test_precedence_modes():
    text = "Result==Failed;VmDisplayName==a,VmDisplayName==b"
    with pytest.raises(FilterError, match="parentheses"):
        parse_filter(text, TASK_FIELDS, STRICT)
    node = parse_filter(text, TASK_FIELDS, FilterOptions(precedence="and-first"))
    assert node.joiner == "," and node.parts[0].joiner == ";"


def test_and_first_precedence_over_http(fresh_simulator):
    from ansible_collections.veeam_em.core.tests.unit.simhelpers import EmTestClient

    fresh_simulator.configure(filter_precedence="and-first")
    with EmTestClient(fresh_simulator) as em:
        em.logon()
        # (srv04 AND Warning) OR (sql 01)
        assert names_matching(em, 'VmDisplayName==srv04;Result==Warning,VmDisplayName=="sql 01"') == [
            "6c2f5e8a", "24590151",
        ]


def test_case_insensitive_strings_are_switchable(fresh_simulator):
    from ansible_collections.veeam_em.core.tests.unit.simhelpers import EmTestClient

    with EmTestClient(fresh_simulator) as em:
        em.logon()
        assert names_matching(em, "VmDisplayName==APACHE02") == []
        fresh_simulator.configure(case_sensitive_strings=False)
        assert names_matching(em, "VmDisplayName==APACHE02") == ["3be8eb42", "efe448ad"]


def test_lenient_dates_and_utc_aliases_are_switchable(fresh_simulator):
    from ansible_collections.veeam_em.core.tests.unit.simhelpers import EmTestClient

    with EmTestClient(fresh_simulator) as em:
        em.logon()
        assert em.query("ReplicaTaskSession", filter="CreationTimeUTC>=2025-10-01").status_code == 400
        assert em.query("ReplicaTaskSession", filter="CreationTime>=2025-10-01T00:00:00").status_code == 400
        fresh_simulator.configure(utc_field_aliases=True, lenient_dates=True)
        assert names_matching(em, "CreationTimeUTC>=2025-10-01") == ["24590151", "9a7e1c44"]
        assert names_matching(em, "CreationTime>=2025-10-08T22:00:01+02:00") == ["9a7e1c44"]


def test_compiled_predicate_treats_missing_values_as_no_match():
    node = parse_filter("EndTime>=2000-01-01", TASK_FIELDS, STRICT)
    predicate = compile_node(node, STRICT)

    class Running:
        ended = None

    assert predicate(Running()) is False


def test_fractional_seconds_of_any_length_parse_to_the_same_instant():
    assert parse_utc("2025-06-17T20:00:18.06Z") == parse_utc("2025-06-17T20:00:18.0600000Z")
    assert parse_utc("2025-06-17T20:00:18Z") + 600_000 == parse_utc("2025-06-17T20:00:18.06Z")
    assert parse_utc("2025-08-14T12:31:30.389954Z") % 10 == 0
