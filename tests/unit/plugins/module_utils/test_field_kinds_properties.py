# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests (hypothesis) of the five kinds of issue 13, beyond the field samples:

1. random State/Result pairs: only a Completed session has a result, end and duration;
2. random placeholder and end-before-start times: no negative duration, no fake success;
3. random foreign hosts in every link the client reads: nothing leaves for them;
4. bodies cut at any point: a retriable IncompleteBody, never data;
5. random JSON and HTML answers: named for what they are, with the fix, never "not well-formed XML".

Deterministic (derandomize=True), as the other property tests.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import IncompleteBody
from ansible_collections.veeam_em.core.plugins.module_utils._records import task_session_record
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._fold import VmFold
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._status import statuses_from_summaries
from ansible_collections.veeam_em.core.plugins.module_utils.em._wrong_service import not_enterprise_manager
from ansible_collections.veeam_em.core.tests.unit.canned_em import ConnectionRecorder
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options, estate_simulator

NS = "http://www.veeam.com/ent/v1.0"
PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=150,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
STATES = st.one_of(st.sampled_from(["InProgress", "Pending", "Completed", "completed", "", "Stopped"]), st.text(max_size=12))
RESULTS = st.one_of(st.none(), st.sampled_from(["Success", "Warning", "Failed", "None", "", "success"]), st.text(max_size=8))
REAL_TIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(timezone.utc))
PLACEHOLDERS = st.one_of(
    st.sampled_from(["1900-01-01T00:00:00Z", "0001-01-01T00:00:00", "1753-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000"]),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(1969, 12, 31)).map(
        lambda m: f"{m.year:04d}-{m:%m-%dT%H:%M:%S}" + st_zone(m)),
)


def vm_statuses(records: Any, now: datetime, rpo: timedelta | None = None, rpo_by_job: Any = None,
                include_sessions: bool = False) -> list:
    """Statuses of records through the fold the filter and the inventory use."""
    return statuses_from_summaries(VmFold(include_sessions=include_sessions).add_sessions(records).summaries(),
                                   now, rpo, rpo_by_job)


def st_zone(moment: datetime) -> str:
    return "Z" if moment.microsecond % 2 else ""  # both spellings EM builds use


def em_time(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S.%f}Z"


def task_xml(state: str, result: str | None, created: str | None, ended: str | None, vm: str = "vm") -> bytes:
    parts = ['<ReplicaTaskSession xmlns="%s" UID="urn:veeam:ReplicaTaskSession:%s" VmDisplayName="%s">' % (NS, abs(hash((state, result, created, ended))), vm)]
    if created is not None:
        parts.append(f"<CreationTimeUTC>{created}</CreationTimeUTC>")
    if ended is not None:
        parts.append(f"<EndTimeUTC>{ended}</EndTimeUTC>")
    parts.append(f"<State>{_escape(state)}</State>")
    if result is not None:
        parts.append(f"<Result>{_escape(result)}</Result>")
    parts.append("</ReplicaTaskSession>")
    return "".join(parts).encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def record_of(body: bytes) -> dict:
    return task_session_record(codec.task_session(codec.parse_document(body, "https://em/api/x", 200)))


# -- 1. State wins over Result -------------------------------------------------------------------
@PROPERTY
@given(state=STATES.filter(lambda s: s.isprintable()), result=RESULTS.map(lambda r: r if r is None or r.isprintable() else None),
       created=REAL_TIMES, took=st.integers(0, 86400))
def test_only_a_completed_session_has_a_result_an_end_and_a_duration(state, result, created, took):
    record = record_of(task_xml(state, result, em_time(created), em_time(created + timedelta(seconds=took))))
    if state == "Completed" and result in ("Success", "Warning", "Failed"):
        assert record["result"] == result and record["duration_seconds"] == pytest.approx(took, abs=1e-3)
    else:
        assert record["result"] is None
    if state != "Completed":
        assert record["end_time"] is None and record["duration_seconds"] is None


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from(["InProgress", "Pending", "Completed"]),
                          st.sampled_from(["Success", "Warning", "Failed", "None"]), st.integers(0, 10_000)),
                min_size=1, max_size=12, unique_by=lambda t: t[2]))
def test_last_result_comes_from_the_newest_completed_session_and_running_from_the_newest(sessions):
    records = [record_of(task_xml(state, result, em_time(NOW - timedelta(minutes=age)),
                                  em_time(NOW - timedelta(minutes=age) + timedelta(seconds=30))))
               for state, result, age in sessions]
    (status,) = vm_statuses(records, NOW)
    newest = min(sessions, key=lambda t: t[2])
    completed = [t for t in sessions if t[0] == "Completed" and t[1] != "None"]
    assert status["running"] is (newest[0] in ("InProgress", "Pending"))
    assert status["last_result"] == (min(completed, key=lambda t: t[2])[1] if completed else None)
    assert status["never_succeeded"] is (not any(t[1] in ("Success", "Warning") for t in completed))


# -- 2. Placeholder times ----------------------------------------------------------------------------
@PROPERTY
@given(created=st.one_of(REAL_TIMES.map(em_time), PLACEHOLDERS),
       ended=st.one_of(st.none(), REAL_TIMES.map(em_time), PLACEHOLDERS),
       result=st.sampled_from(["Success", "Warning", "Failed"]))
def test_no_duration_is_ever_negative_and_no_placeholder_shows_as_a_time(created, ended, result):
    record = record_of(task_xml("Completed", result, created, ended))
    assert record["duration_seconds"] is None or record["duration_seconds"] >= 0
    for key in ("creation_time", "end_time"):
        assert record[key] is None or record[key] >= "1970"
    if record["end_time"] is not None:
        assert record["creation_time"] is None or record["end_time"] >= record["creation_time"]
    (status,) = vm_statuses([record], NOW, rpo=timedelta(days=36500))
    if record["creation_time"] is None:  # kept, but never a success for the RPO
        assert status["session_count"] == 1 and status["never_succeeded"] and status["rpo_breached"]


@PROPERTY
@given(created=REAL_TIMES, back=st.integers(1, 10**8))
def test_an_end_before_the_creation_is_no_end(created, back):
    record = record_of(task_xml("Completed", "Success", em_time(created), em_time(created - timedelta(seconds=back))))
    assert record["end_time"] is None and record["duration_seconds"] is None and record["result"] == "Success"


# -- 3. Links that name another host -----------------------------------------------------------------
FOREIGN_NAMES = st.one_of(
    st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,2}\.invalid", fullmatch=True),
    st.sampled_from(["localhost", "em-01", "EM-01.corp.example.invalid", "10.255.255.1", "[fd00::1]"]),
)


@pytest.fixture(scope="module")
def linked_estate():
    with estate_simulator(seed=8, servers=2, jobs_per_server=1, vms_per_job=3, days=2) as simulator, \
            ConnectionRecorder() as other:
        simulator.other = other
        yield simulator


def read_and_close(simulator) -> tuple[list, float]:
    options = connection_options(simulator, page_size=7, max_concurrency=2, timeout=5)
    session = open_session(options)
    with session:
        records = EmApi(session, 7, 2).task_sessions(TaskSessionQuery())
        started = time.monotonic()
    return records, time.monotonic() - started, session


@settings(derandomize=True, database=None, deadline=None, max_examples=12,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=FOREIGN_NAMES, on_recorder=st.booleans())
def test_nothing_leaves_for_the_host_the_links_name(linked_estate, name, on_recorder):
    simulator, other = linked_estate, linked_estate.other
    simulator.configure(link_host=None)
    simulator.reset_stats(drop_sessions=True)
    reference = read_and_close(simulator)[0]
    simulator.configure(link_host=f"127.0.0.1:{other.port}" if on_recorder else name)
    simulator.reset_stats(drop_sessions=True)
    records, closing, session = read_and_close(simulator)
    simulator.configure(link_host=None)
    counts = simulator.snapshot()["sessions"]
    assert [r["uid"] for r in records] == [r["uid"] for r in reference]
    assert (counts["logons"], counts["logouts"], counts["open"]) == (1, 1, 0)
    assert other.connections == 0 and session.logout_warning is None
    assert closing < 1.0
    assert all(r["href"] is None or "/api/replicaTaskSessions/" in r["href"] for r in records)


# -- 4. Bodies cut short -------------------------------------------------------------------------
PAGE = (
    '<?xml version="1.0" encoding="utf-8"?><QueryResult xmlns="%s"><Entities><ReplicaTaskSessions>' % NS
    + "".join(task_xml("Completed", "Success", "2026-11-28T21:00:05Z", "2026-11-28T21:03:05Z", f"vm{i}")
              .decode().replace(f' xmlns="{NS}"', "") for i in range(5))
    + '</ReplicaTaskSessions></Entities><PagingInfo PageNum="1" PageSize="5" PagesCount="1" /></QueryResult>'
).encode()


@PROPERTY
@given(cut=st.integers(1, len(PAGE) - len(b"</QueryResult>") - 1))
def test_a_page_cut_anywhere_is_an_incomplete_body_never_data(cut):
    with pytest.raises(IncompleteBody, match="not well-formed XML .cut short.. for GET"):
        codec.parse_document(PAGE[:cut], "https://em/api/query", 200)


# -- 5. The wrong service at the URL ----------------------------------------------------------
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)


@PROPERTY
@given(value=JSON_VALUES.filter(lambda v: isinstance(v, (dict, list))), status=st.sampled_from([200, 400, 404, 500]),
       port=st.sampled_from([9419, 443, 8443, 9398]), content_type=st.sampled_from(["application/json", "text/plain", None]))
def test_any_json_answer_is_named_json_with_the_fix(value, status, port, content_type):
    url = f"https://backup.example:{port}/api/sessionMngr/"
    error = not_enterprise_manager(json.dumps(value).encode(), content_type, url, status, "POST")
    message = str(error)
    assert "JSON" in message and "9398" in message and "/api" in message and f"HTTP {status}" in message
    assert "well-formed" not in message and len(message) < 800
    assert ("Backup & Replication REST API" in message) is (port == 9419 or (isinstance(value, dict) and "errorCode" in value))


@PROPERTY
@given(title=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200)
       .filter(lambda t: t.strip() and "<" not in t and ">" not in t and "&" not in t),
       doctype=st.booleans(), status=st.sampled_from([200, 404, 502]))
def test_any_html_page_is_named_by_its_title_with_the_fix(title, doctype, status):
    body = (("<!DOCTYPE html>" if doctype else "") + f"<html><head><title>{title}</title></head><body></body></html>").encode()
    message = str(not_enterprise_manager(body, "text/html", "https://em.example:9443/api/", status, "GET"))
    shown = " ".join(title.split())
    assert "HTML page" in message and (shown in message or shown[:100] in message)
    assert "9398" in message and "/api" in message and "well-formed" not in message and "DOCTYPE" not in message
