"""A 2xx GET whose XML is not well-formed is transient (retried like a 503, then the clear
error); a POST, or an error answer, is never sent again for it."""
from __future__ import annotations

import pytest
import urllib3.response

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ActionOutcomeUnknown, IncompleteBody
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport, TransportOptions
from ansible_collections.veeam_em.core.tests.unit.canned_em import CannedServer

WHOLE = b'<?xml version="1.0"?><BackupServers xmlns="http://www.veeam.com/ent/v1.0"></BackupServers>'
XML = [("Content-Type", "application/xml")]


def cut_first(times: int, status: int = 200):
    served = {"count": 0}

    def route(method, path):
        served["count"] += 1
        return status, XML, WHOLE[: len(WHOLE) // 2] if served["count"] <= times else WHOLE
    return route


def transport(max_retries: int = 5) -> tuple[Transport, list[float]]:
    """A transport that sleeps into a list: one entry per retry, each its backoff."""
    slept: list[float] = []
    return Transport(TransportOptions(max_retries=max_retries), sleep=slept.append, jitter=lambda: 1.0), slept


def parse(method):
    return lambda answer: codec.parse_document(answer.content, answer.url, answer.status_code, method)


def test_a_cut_short_get_is_read_again_with_the_503_backoff():
    client, slept = transport()
    with CannedServer(cut_first(2)) as em:
        root = client.fetch("GET", em.origin + "/api/backupServers", parse("GET"))
    assert root.tag.endswith("BackupServers")
    assert slept == [0.5, 1.0]  # backoff_base * 2**attempt, as for a 503


def test_when_the_budget_is_spent_the_clear_message_stands():
    client, slept = transport(max_retries=3)
    with CannedServer(cut_first(99)) as em, pytest.raises(IncompleteBody, match="not well-formed XML .cut short.. for GET"):
        client.fetch("GET", em.origin + "/api/backupServers", parse("GET"))
    assert len(em.hits) == 4 and len(slept) == 3


@pytest.mark.parametrize("method, status", [("POST", 200), ("GET", 500), ("GET", 404)])
def test_a_post_or_an_error_answer_is_not_sent_again(method, status):
    client, _slept = transport()
    with CannedServer(cut_first(99, status)) as em, pytest.raises(IncompleteBody):
        client.fetch(method, em.origin + "/api/x", parse(method))
    assert len(em.hits) == 1


@pytest.fixture
def socket_file_closed_once(monkeypatch):
    """The first body read fails as http.client does when urllib3 has closed the socket
    file under it (a peer that cut the connection mid-answer): a ValueError, not a
    requests error. The answers themselves come over a real socket."""
    real_stream = urllib3.response.HTTPResponse.stream
    failed = {"count": 0}

    def stream(self, *args, **kwargs):
        if failed["count"] == 0:
            failed["count"] += 1
            raise ValueError("I/O operation on closed file.")
        return real_stream(self, *args, **kwargs)
    monkeypatch.setattr(urllib3.response.HTTPResponse, "stream", stream)
    return failed


def test_a_get_whose_socket_file_closed_mid_read_is_read_again(socket_file_closed_once):
    client, slept = transport()
    with CannedServer(cut_first(0)) as em:
        answer = client.fetch("GET", em.origin + "/api/x", parse("GET"))
    assert answer.tag.endswith("BackupServers") and len(em.hits) == 2 and len(slept) == 1


def test_an_action_whose_socket_file_closed_mid_read_is_not_sent_again(socket_file_closed_once):
    client, _slept = transport()
    with CannedServer(cut_first(0, 202)) as em, pytest.raises(ActionOutcomeUnknown, match="closed"):
        client.fetch("POST", em.origin + "/api/jobs/1?action=start", parse("POST"), once=True)
    assert len(em.hits) == 1


def test_a_value_error_of_another_kind_is_not_taken_for_a_broken_connection(monkeypatch):
    def stream(self, *args, **kwargs):
        raise ValueError("some other fault")
    monkeypatch.setattr(urllib3.response.HTTPResponse, "stream", stream)
    client, slept = transport()
    with CannedServer(cut_first(0)) as em, pytest.raises(ValueError, match="some other fault"):
        client.fetch("GET", em.origin + "/api/x", parse("GET"))
    assert len(em.hits) == 1 and slept == []
