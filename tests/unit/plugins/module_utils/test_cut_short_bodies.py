"""A 2xx GET whose XML is not well-formed is transient (retried like a 503, then the clear
error); a POST, or an error answer, is never sent again for it."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._errors import IncompleteBody
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
