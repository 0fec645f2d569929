"""The paging routine: request counts, bounded concurrency, complete data under faults."""
from __future__ import annotations

import dataclasses
import math
import sys
import time
import uuid

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import IncompleteBody, ProtocolError
from ansible_collections.veeam_em.core.plugins.module_utils.em._paging import READING_SWITCH_INTERVAL, iter_pages, query_all
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options, estate_simulator, leak_checked

TASKS = {"type": "ReplicaTaskSession", "format": "Entities", "sortDesc": "CreationTime"}


@pytest.fixture(scope="module")
def estate():
    with estate_simulator(seed=21, servers=2, jobs_per_server=3, vms_per_job=10, days=12, interval_hours=4) as simulator:
        yield simulator


@pytest.fixture
def simulator(estate):
    yield from leak_checked(estate)


def read_all(simulator, page_size=250, max_concurrency=4, **params):
    options = connection_options(simulator, page_size=page_size, max_concurrency=max_concurrency)
    with open_session(options) as em:
        return query_all(em, {**TASKS, **params}, codec.task_session, page_size=page_size, max_concurrency=max_concurrency)


def expected_uids(simulator):
    return [t.uid for t in reversed(simulator.dataset.task_sessions)]


def test_reads_everything_in_order_with_the_expected_requests(simulator):
    total = len(simulator.dataset.task_sessions)
    records = read_all(simulator, page_size=250)
    assert [r["uid"] for r in records] == expected_uids(simulator)
    counts = simulator.snapshot()["by_path"]
    pages = math.ceil(total / 250)
    assert counts == {
        "POST /api/sessionMngr/": 1,
        "GET /api/query?type=ReplicaTaskSession": pages,
        "DELETE /api/logonSessions/{id}": 1,
    }


@pytest.mark.parametrize("limit", [1, 4])
def test_concurrency_never_exceeds_the_limit(simulator, limit):
    simulator.configure(latency_ms=40)
    read_all(simulator, page_size=100, max_concurrency=limit)
    assert simulator.snapshot()["max_concurrency"] == limit


@pytest.mark.parametrize(("expiry", "concurrency"), [(4, 1), (25, 4)])
def test_token_expiry_in_the_middle_of_paging_gives_complete_data(simulator, expiry, concurrency):
    # With concurrent pages a fresh token must outlive the requests already in flight,
    # or the repeated request meets a second 401, which is an error by design.
    simulator.configure(token_expiry_after=expiry)
    records = read_all(simulator, page_size=100, max_concurrency=concurrency)
    assert [r["uid"] for r in records] == expected_uids(simulator)
    assert simulator.snapshot()["sessions"]["logons"] >= 2


def test_injected_503s_and_dropped_connections_give_complete_data(simulator):
    simulator.configure(error_rate=0.15, drop_rate=0.05, fault_seed=12)
    assert [r["uid"] for r in read_all(simulator, page_size=100)] == expected_uids(simulator)
    faults = simulator.snapshot()["faults"]
    assert faults.get("error_503") and faults.get("drop")


def test_truncated_pages_are_read_again_and_the_read_is_whole(simulator):
    simulator.configure(truncate_rate=0.2, fault_seed=5)
    assert [r["uid"] for r in read_all(simulator, page_size=100)] == expected_uids(simulator)
    assert simulator.snapshot()["faults"]["truncate"] >= 1


def test_pages_cut_short_every_time_fail_the_whole_read_clearly(simulator):
    options = connection_options(simulator, page_size=100)
    retried: list[str] = []
    transport = Transport(dataclasses.replace(options.transport_options(), backoff_base=0.01, backoff_max=0.02),
                          on_retry=retried.append)
    with open_session(options, transport) as em:
        simulator.configure(truncate_rate=1.0)
        with pytest.raises(IncompleteBody, match="not well-formed XML .cut short.. for GET .*/api/query"):
            query_all(em, TASKS, codec.task_session, page_size=100, max_concurrency=2)
        simulator.configure(truncate_rate=0.0)
    assert len(retried) >= options.transport_options().max_retries


def test_a_server_that_caps_the_page_size_is_followed(simulator):
    simulator.configure(max_page_size=70)
    assert [r["uid"] for r in read_all(simulator, page_size=1000)] == expected_uids(simulator)


def test_empty_result_is_one_request(simulator):
    assert read_all(simulator, filter='VmDisplayName=="nobody at all"') == []
    assert simulator.snapshot()["by_path"]["GET /api/query?type=ReplicaTaskSession"] == 1


def test_sessions_recorded_while_paging_newest_first_are_neither_lost_nor_doubled(simulator):
    dataset = simulator.dataset
    before = expected_uids(simulator)
    template = dataset.task_sessions[-1]
    fresh = [
        dataclasses.replace(template, id=str(uuid.UUID(int=index + 1)), created=template.created + index + 1)
        for index in range(7)
    ]
    # A page size whose last page is nearly full, so the shift spills onto a page more.
    size = next(size for size in range(40, 90) if len(before) % size > size - len(fresh))
    options = connection_options(simulator)
    inserted = []

    def insert_after_first_page(response, **_hook_args):
        if response.url.endswith("&page=1") and not inserted:
            dataset.add_task_sessions(fresh)
            inserted.append(True)

    try:
        with open_session(options) as em:
            em.transport.http.hooks["response"].append(insert_after_first_page)
            records = query_all(em, TASKS, codec.task_session, page_size=size, max_concurrency=1)
    finally:
        _remove(dataset, fresh)
    assert inserted
    uids = [r["uid"] for r in records]
    # Every session that existed when paging began is there exactly once; the new ones may
    # or may not be (they arrived after the first page), but never twice.
    assert len(uids) == len(set(uids))
    assert set(before) <= set(uids)
    assert [uid for uid in uids if uid in set(before)] == before


def _remove(dataset, tasks):
    ids = {task.id for task in tasks}
    dataset.task_sessions[:] = [task for task in dataset.task_sessions if task.id not in ids]
    for task in tasks:
        dataset.task_sessions_by_id.pop(task.id, None)
        task.job_session.tasks[:] = [other for other in task.job_session.tasks if other.id not in ids]
    dataset.version += 1


def _query_requests(simulator) -> int:
    return simulator.snapshot()["by_path"].get("GET /api/query?type=ReplicaTaskSession", 0)


def test_the_next_page_is_requested_before_this_one_is_converted(simulator):
    """With one request in flight, EM works on page 2 while page 1 is converted."""
    seen_while_converting_page_1: list[int] = []

    def converter(element):
        if not seen_while_converting_page_1:
            deadline = time.monotonic() + 5
            while _query_requests(simulator) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            seen_while_converting_page_1.append(_query_requests(simulator))
        return codec.task_session(element)

    options = connection_options(simulator, page_size=100, max_concurrency=1)
    with open_session(options) as em:
        records = query_all(em, TASKS, converter, page_size=100, max_concurrency=1)
    assert seen_while_converting_page_1 == [2]
    assert [r["uid"] for r in records] == expected_uids(simulator)


def test_the_switch_interval_is_lowered_only_while_paging(simulator):
    before = sys.getswitchinterval()
    options = connection_options(simulator, page_size=100, max_concurrency=2)
    with open_session(options) as em:
        pages = iter_pages(em, TASKS, codec.task_session, 100, 2)
        next(pages)
        next(pages)
        assert sys.getswitchinterval() == pytest.approx(min(before, READING_SWITCH_INTERVAL))
        for _page in pages:
            pass
    assert sys.getswitchinterval() == before


def test_the_switch_interval_is_restored_when_paging_fails(simulator):
    before = sys.getswitchinterval()
    intervals: list[float] = []

    def failing_on_page_2(element):
        intervals.append(sys.getswitchinterval())
        if len(intervals) == 150:
            raise ProtocolError("bad entity on page 2")
        return codec.task_session(element)

    options = connection_options(simulator, page_size=100, max_concurrency=2)
    with open_session(options) as em, pytest.raises(ProtocolError, match="page 2"):
        query_all(em, TASKS, failing_on_page_2, page_size=100, max_concurrency=2)
    assert intervals[-1] == pytest.approx(min(before, READING_SWITCH_INTERVAL))
    assert sys.getswitchinterval() == before
