# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter builder: quoting, UTC times, allow-lists, grouping; read back by the simulator's parser."""
from __future__ import annotations

import os
import zoneinfo
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.em._query_filter import (
    BACKUP_SERVER_FIELDS,
    JOB_SESSION_FIELDS,
    OPERATORS,
    TASK_SESSION_FIELDS,
    All,
    Any,
    Comparison,
    QueryFilterBuilder,
    equals_any,
    format_time,
)
from ansible_collections.veeam_em.core.tests.em_simulator import filters as sim_filters
from ansible_collections.veeam_em.core.tests.em_simulator import load_fixture
from ansible_collections.veeam_em.core.tests.em_simulator import query as sim_query
from ansible_collections.veeam_em.core.tests.em_simulator.model import ticks_from_datetime

STRICT = sim_filters.FilterOptions()
UTC = timezone.utc
AWKWARD_NAMES = ['web"front', "db,reporting", "mail;01", "(legacy) erp", "Köln-fs01", "データ01", "a b",
                 '""', " padded ", "x==y", "a<b>c", "semi;colon,comma(paren)\"quote\"", ""]
SIMULATOR_FIXTURE = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "em_simulator", "fixtures", "documented_examples.json"
)
TASKS = QueryFilterBuilder("ReplicaTaskSession")


def read_back(text: str, fields: dict = sim_query.TASK_FIELDS):
    return sim_filters.parse_filter(text, fields, STRICT)


# -- quoting -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_awkward_names_survive_the_simulator_parser(name):
    text = Comparison("VmDisplayName", "==", name).render()
    node = read_back(text)
    assert isinstance(node, sim_filters.Comparison)
    assert (node.field.name, node.op, node.value) == ("VmDisplayName", "==", name)


def test_all_awkward_names_in_one_or_group():
    node = read_back(equals_any("VmDisplayName", AWKWARD_NAMES).render())
    assert node.joiner == ","
    assert [part.value for part in node.parts] == AWKWARD_NAMES


def test_quoting_doubles_quotes():
    assert Comparison("VmDisplayName", "==", 'web"front').render() == 'VmDisplayName=="web""front"'
    assert Comparison("Name", "!=", "a b").render() == 'Name!="a b"'


# -- times -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 8, 15, 6, 0, tzinfo=UTC), "2025-08-15T06:00:00Z"),
        (datetime(2025, 8, 15, 8, 0, tzinfo=timezone(timedelta(hours=2))), "2025-08-15T06:00:00Z"),
        (datetime(2025, 8, 14, 22, 30, tzinfo=timezone(timedelta(hours=-7, minutes=-30))), "2025-08-15T06:00:00Z"),
        (datetime(2025, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=5, minutes=45))), "2024-12-31T18:45:00Z"),
        (datetime(2025, 8, 15, 6, 0, 59, 999999, tzinfo=UTC), "2025-08-15T06:00:59Z"),  # fraction dropped
        (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02T03:04:05Z"),
    ],
)
def test_times_are_written_in_utc(moment, expected):
    assert format_time(moment) == expected
    text = Comparison("CreationTime", ">=", moment).render()
    assert text == f'CreationTime>="{expected}"'
    node = read_back(text)
    utc = moment.astimezone(UTC).replace(microsecond=0)
    assert node.value == ticks_from_datetime(utc)


@pytest.mark.parametrize(
    ("op", "expected"),
    [(">=", "06:00:59Z"), (">", "06:00:59Z"), ("<=", "06:01:00Z"), ("<", "06:01:00Z"), ("==", "06:00:59Z"), ("!=", "06:00:59Z")],
)
def test_fractions_widen_the_filter_never_narrow_it(op, expected):
    moment = datetime(2025, 8, 15, 6, 0, 59, 250000, tzinfo=UTC)
    assert Comparison("CreationTime", op, moment).render() == f'CreationTime{op}"2025-08-15T{expected}"'
    assert Comparison("CreationTime", "<=", moment.replace(microsecond=0)).render().endswith('06:00:59Z"')


def test_rounding_up_at_a_day_boundary():
    moment = datetime(2025, 12, 31, 23, 59, 59, 1, tzinfo=UTC)
    assert format_time(moment, round_up=True) == "2026-01-01T00:00:00Z"
    with pytest.raises(ConfigurationError, match="out of range"):
        format_time(datetime.max.replace(tzinfo=UTC), round_up=True)


def test_zoneinfo_times():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")  # the system's time zone database (Debian's tzdata)
    summer = datetime(2025, 7, 1, 12, 0, tzinfo=berlin)
    winter = datetime(2025, 1, 1, 12, 0, tzinfo=berlin)
    assert Comparison("EndTime", "<", summer).render() == 'EndTime<"2025-07-01T10:00:00Z"'
    assert Comparison("EndTime", "<", winter).render() == 'EndTime<"2025-01-01T11:00:00Z"'


def test_naive_time_is_refused():
    with pytest.raises(ConfigurationError, match="no time zone"):
        Comparison("CreationTime", ">=", datetime(2025, 8, 15, 6, 0))


# -- values of each kind ------------------------------------------------------------------
def test_ints_bools_and_enums():
    assert Comparison("TotalSize", ">", 8589934592).render() == "TotalSize>8589934592"
    assert Comparison("Result", "==", "Failed").render() == "Result==Failed"
    assert Comparison("State", "!=", "InProgress").render() == "State!=InProgress"
    jobs = QueryFilterBuilder("ReplicaJobSession")
    assert jobs.compare("IsRetry", "==", True).render() == "IsRetry==true"
    assert jobs.compare("IsRetry", "==", False).render() == "IsRetry==false"
    node = sim_filters.parse_filter("IsRetry==false;JobType==Replica", sim_query.JOB_SESSION_FIELDS, STRICT)
    assert [part.value for part in node.parts] == [False, 0]
    assert read_back("TotalSize>8589934592").value == 8589934592


def test_enum_words_that_are_not_plain_are_quoted():
    assert Comparison("Result", "==", "Not run").render() == 'Result=="Not run"'
    assert Comparison("State", "==", 'a"b').render() == 'State=="a""b"'


def test_enums_read_back_by_the_simulator():
    node = read_back(All(Comparison("Result", ">=", "Warning"), Comparison("State", "==", "Completed")).render())
    assert [part.value for part in node.parts] == [1, 2]  # indexes in EM's documented lists


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("CreationTime", "2025-08-15T06:00:00Z", "takes an aware datetime"),
        ("TotalSize", "5", "takes an integer"),
        ("TotalSize", True, "takes an integer"),
        ("TotalSize", 1.5, "takes an integer"),
        ("VmDisplayName", 5, "takes text"),
        ("VmDisplayName", None, "takes text"),
        ("Result", 2, "takes text"),
    ],
)
def test_values_of_the_wrong_type(field, value, words):
    with pytest.raises(ConfigurationError, match=words) as caught:
        Comparison(field, "==", value)
    assert field in str(caught.value)


def test_bool_fields_want_bools():
    with pytest.raises(ConfigurationError, match="IsRetry takes true or false"):
        QueryFilterBuilder("ReplicaJobSession").compare("IsRetry", "==", "true")


# -- allow-lists and operators --------------------------------------------------------------
@pytest.mark.parametrize("field", ["VmName", "CreationTimeUTC", "Platform", "", "Name;Result"])
def test_unknown_fields(field):
    with pytest.raises(ConfigurationError, match="not a filterable field of an Enterprise Manager ReplicaTaskSession") as caught:
        TASKS.compare(field, "==", "x")
    assert repr(field) in str(caught.value)


def test_fields_are_checked_per_query_type():
    with pytest.raises(ConfigurationError, match="BackupServer"):
        QueryFilterBuilder("BackupServer").compare("VmDisplayName", "==", "x")
    assert QueryFilterBuilder("backupserver").compare("Port", "==", 9392).render() == "Port==9392"
    with pytest.raises(ConfigurationError, match="IsRetry"):
        Comparison("IsRetry", "==", True, fields=TASK_SESSION_FIELDS)


def test_field_names_are_case_insensitive_and_written_as_documented():
    assert TASKS.compare("vmdisplayname", "==", "a").render() == 'VmDisplayName=="a"'
    assert TASKS.compare("CREATIONTIME", ">", datetime(2025, 1, 1, tzinfo=UTC)).field == "CreationTime"


def test_allow_lists_match_the_simulator():
    for ours, theirs in ((TASK_SESSION_FIELDS, sim_query.TASK_FIELDS), (JOB_SESSION_FIELDS, sim_query.JOB_SESSION_FIELDS),
                         (BACKUP_SERVER_FIELDS, sim_query.SERVER_FIELDS)):
        assert {name.lower() for name in ours} == set(theirs)
        assert "uid" in ours and "UID" in ours and "nope" not in ours and 5 not in ours


@pytest.mark.parametrize("op", ["=", "=<", "<>", "~", "===", "in", ""])
def test_unknown_operators(op):
    with pytest.raises(ConfigurationError, match="not an Enterprise Manager filter operator") as caught:
        Comparison("Name", op, "x")
    assert repr(op) in str(caught.value)


@pytest.mark.parametrize("op", OPERATORS)
def test_every_operator_reads_back(op):
    assert read_back(Comparison("TotalSize", op, 1).render()).op == op


def test_unknown_query_type():
    with pytest.raises(ConfigurationError, match="BackupJobSession"):
        QueryFilterBuilder("BackupJobSession")


# -- grouping -------------------------------------------------------------------------------
def test_nested_groups_are_parenthesised():
    since = datetime(2025, 6, 17, tzinfo=UTC)
    expression = All(
        TASKS.compare("CreationTime", ">=", since),
        TASKS.equals_any("Result", ["Failed", "Warning"]),
        Any(TASKS.compare("VmDisplayName", "==", "a"), All(TASKS.compare("TotalSize", ">", 0), TASKS.compare("State", "==", "Completed"))),
    )
    assert expression.render() == (
        'CreationTime>="2025-06-17T00:00:00Z";(Result==Failed,Result==Warning);'
        '(VmDisplayName=="a",(TotalSize>0;State==Completed))'
    )
    node = read_back(expression.render())  # strict mode refuses ';' and ',' mixed bare
    assert node.joiner == ";" and [getattr(part, "joiner", None) for part in node.parts] == [None, ",", ","]


def test_same_joiner_nested_and_single_parts():
    a, b, c = (TASKS.compare("VmDisplayName", "==", name) for name in "abc")
    assert All(a).render() == a.render()
    assert Any(All(a, b)).render() == 'VmDisplayName=="a";VmDisplayName=="b"'
    assert All(All(a, b), c).render() == '(VmDisplayName=="a";VmDisplayName=="b");VmDisplayName=="c"'
    assert Any(All(Any(a, b)), c).render() == '(VmDisplayName=="a",VmDisplayName=="b"),VmDisplayName=="c"'
    for expression in (All(All(a, b), c), Any(All(Any(a, b)), c), Any(a, All(b, Any(c, a)))):
        read_back(expression.render())


def test_groups_need_parts():
    with pytest.raises(ConfigurationError, match="at least one"):
        All()
    with pytest.raises(ConfigurationError, match="takes comparisons and groups"):
        Any("Name==x")


def test_equals_any():
    single = equals_any("Result", ["Failed"])
    assert isinstance(single, Comparison) and single.render() == "Result==Failed"
    assert equals_any("Result", ["Failed", "Warning", "Failed"]).render() == "Result==Failed,Result==Warning"
    assert equals_any("Port", [1, 2], fields=BACKUP_SERVER_FIELDS).render() == "Port==1,Port==2"
    with pytest.raises(ConfigurationError, match="at least one value"):
        equals_any("Result", [])


def test_expressions_are_immutable_and_comparable():
    comparison = Comparison("Result", "==", "Failed")
    group = All(comparison, Comparison("State", "==", "Completed"))
    with pytest.raises(AttributeError):
        comparison.op = "!="
    with pytest.raises(AttributeError):
        group.parts = ()
    assert group == All(Comparison("result", "==", "Failed"), Comparison("State", "==", "Completed"))
    assert group != Any(*group.parts)
    assert len({group, All(*group.parts)}) == 1


def test_the_simulator_selects_what_the_filter_says():
    """End to end on the documented data: failed or warning sessions of one server since a date."""
    engine = sim_query.QueryEngine(load_fixture(SIMULATOR_FIXTURE), STRICT)
    expression = All(
        TASKS.compare("CreationTime", ">=", datetime(2025, 6, 17, 17, 0, tzinfo=timezone(timedelta(hours=2)))),
        TASKS.equals_any("Result", ["Failed", "Warning"]),
        Any(TASKS.compare("BackupServerName", "==", "enterprise06.tech.local"), TASKS.compare("VmDisplayName", "==", "srv04")),
    )
    query_type = sim_query.QUERY_TYPES["replicatasksession"]
    found = engine.run(query_type, expression.render(), sim_query.Sort("CreationTime"))
    assert [(task.vm_name, task.result) for task in found] == [("sql 01", "Failed"), ("srv04", "Warning")]
