"""The answers captured from real Enterprise Managers (tests/unit/fixtures/field/, issue 13),
each read by the collection with the values its README says are right."""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import NotEnterpriseManager
from ansible_collections.veeam_em.core.plugins.module_utils._records import task_session_record
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._fold import VmFold
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._status import statuses_from_summaries
from ansible_collections.veeam_em.core.tests.unit.canned_em import CannedServer, read_http_sample

FIELD = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "field")
F6_SESSION_ID = "53722222-b7bf-554d-8c2d-6a11108f7e50"


def vm_statuses(records: Any, now: datetime, rpo: timedelta | None = None, rpo_by_job: Any = None,
                include_sessions: bool = False) -> list:
    """Statuses of records through the fold the filter and the inventory use."""
    return statuses_from_summaries(VmFold(include_sessions=include_sessions).add_sessions(records).summaries(),
                                   now, rpo, rpo_by_job)


def sample(name: str) -> bytes:
    with open(os.path.join(FIELD, name), "rb") as handle:
        return handle.read()


def page_records(name: str) -> list[dict]:
    root = codec.parse_document(sample(name), "https://em.example.test:9398/api/query", 200)
    return [task_session_record(raw) for raw in codec.query_items(root, codec.task_session)]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_f1_a_running_task_that_claims_success_has_no_result_end_or_duration():
    running, failed = page_records("F1-query-page.xml")
    assert (running["vm_name"], running["state"]) == ("app-01", "InProgress")
    assert (running["result"], running["end_time"], running["duration_seconds"]) == (None, None, None)
    assert moment(running["creation_time"]) == datetime(2026, 11, 28, 21, 0, 5, 430000, tzinfo=timezone.utc)
    assert (failed["state"], failed["result"]) == ("Completed", "Failed")
    assert moment(failed["end_time"]) - moment(failed["creation_time"]) == timedelta(seconds=396, microseconds=227000)
    assert failed["duration_seconds"] == pytest.approx(396.227)


def test_f1_the_vm_is_running_its_last_completed_result_is_failed_and_it_never_succeeded():
    records = page_records("F1-query-page.xml")
    now = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
    (status,) = vm_statuses(records, now, rpo=timedelta(hours=24))
    assert status["running"] is True
    assert status["last_result"] == "Failed"
    assert status["never_succeeded"] is True and status["last_success_time"] is None
    assert status["rpo_breached"] is True and status["consecutive_failures"] == 1
    assert status["latest_session"]["result"] is None and status["latest_session"]["state"] == "InProgress"


def test_f5_a_placeholder_end_time_is_no_end_time_and_no_duration():
    (running,) = page_records("F5-query-page.xml")
    assert running["state"] == "InProgress"
    assert (running["end_time"], running["duration_seconds"], running["result"]) == (None, None, None)
    assert moment(running["creation_time"]) == datetime(2026, 11, 29, 16, 0, 9, 810000, tzinfo=timezone.utc)


def _f6_em(method: str, path: str):
    if method == "POST" and path.startswith("/api/sessionMngr/"):
        return 201, [("Content-Type", "application/xml; charset=utf-8"), ("X-RestSvcSessionId", "F6-token")], \
            sample("F6-logon-session.xml")
    if method == "DELETE" and path == f"/api/logonSessions/{F6_SESSION_ID}":
        return 204, [], b""
    return None


def test_f6_logout_goes_to_the_configured_url_not_to_the_host_the_links_name():
    with CannedServer(_f6_em) as em:
        session = open_session(ConnectionOptions(em.origin, "EM-01\\reader", "pw"))
        with session:
            pass
        started = time.monotonic()
        session.close()  # a second close sends nothing more
        assert time.monotonic() - started < 0.5
    assert [(hit.method, hit.path.split("?")[0]) for hit in em.hits] == [
        ("POST", "/api/sessionMngr/"), ("DELETE", f"/api/logonSessions/{F6_SESSION_ID}")]
    assert em.hits[1].headers.get("X-RestSvcSessionId") == "F6-token"
    assert session.logout_error is None and session.logout_warning is None


def test_f6_a_link_href_is_followed_on_the_configured_origin_only():
    # The logon session's QueryService link names https://localhost:9398.
    root = codec.parse_document(sample("F6-logon-session.xml"), "x", 201)
    query_service = next(link.get("Href") for link in root.iter(f"{{{codec.NAMESPACE}}}Link")
                         if link.get("Type") == "QueryService")
    with CannedServer(_f6_em) as em:
        with open_session(ConnectionOptions(em.origin, "EM-01\\reader", "pw")) as session:
            with pytest.raises(Exception):  # the canned EM has no query service; the hit is what counts
                session.get(query_service)
    assert ("GET", "/api/querySvc") in [(hit.method, hit.path) for hit in em.hits]


def test_f4_the_vbr_rest_api_is_named_with_what_to_change():
    answer = read_http_sample(os.path.join(FIELD, "F4-logon-404-vbr-rest.http"))
    with CannedServer(lambda method, path: answer) as vbr:
        with pytest.raises(NotEnterpriseManager) as caught:
            with open_session(ConnectionOptions(vbr.origin, "u", "Marker-Pw-77")):
                pass
    message = str(caught.value)
    assert "Veeam Backup & Replication REST API" in message and "9419" in message
    assert "9398" in message and "/api" in message and "(HTTP 404)" in message
    assert "NotFound" in message  # what was found is shown
    assert "well-formed" not in message and "Marker-Pw-77" not in message
