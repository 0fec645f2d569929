# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one paging routine for EM's query service."""
from __future__ import annotations

import sys
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import chain, islice
from typing import Any, Callable, Iterator

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec

DEFAULT_PAGE_SIZE = 1000
DEFAULT_MAX_CONCURRENCY = 4
# While pages are read in threads and converted in the caller's, a thread waiting for a
# TLS record needs the GIL back after every 16 KiB; at Python's default 5 ms switch
# interval a busy converter holds it so long that reading a 1 MB page took 3-4 times as
# long (measured: the default 0.005 s gave 9.9 s for 105,717 sessions, 0.0002 s 5.8 s).
READING_SWITCH_INTERVAL = 0.0002
Record = dict[str, Any]


def iter_pages(
    session: Any,
    params: dict[str, Any],
    converter: Callable[[Any], Record],
    page_size: int = DEFAULT_PAGE_SIZE,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    limit: int | None = None,
) -> Iterator[list[Record]]:
    """The records of a query page by page, in the server's order, each UID once.

    Always sends pageSize (EM's default page size is undocumented; 15 was seen). Page 1
    tells how many pages there are (from PagingInfo, so a server that caps pageSize is
    followed). The next pages are requested before a page is converted, so EM works
    while the client does; at most `max_concurrency` requests are in flight and only that
    many fetched pages wait for the caller. A failed page raises: the caller never sees a
    result presented as complete that is not. With a `limit`, pages are no larger than it and
    only the pages that hold the first `limit` records are read.
    """
    last_page = None
    if limit is not None:
        page_size = max(1, min(page_size, limit))
        last_page = (limit + page_size - 1) // page_size
    base = {**params, "pageSize": page_size}
    in_flight = max(1, max_concurrency)

    def fetch(number: int) -> Any:
        return session.get("query", {**base, "page": number})

    known_pages = 1
    with _responsive_threads(), ThreadPoolExecutor(max_workers=in_flight) as pool:
        ahead: deque[Future] = deque()
        number = 2
        previous: set[Any] = set()
        root = fetch(1)
        while root is not None:
            # Sessions recorded while paging push older ones onto pages that did not exist
            # when page 1 was read; a later page's PagesCount shows it, so read on.
            pages = codec.query_pages_count(root)
            known_pages = max(known_pages, pages if last_page is None else min(pages, last_page))
            while number <= known_pages and len(ahead) < in_flight:
                ahead.append(pool.submit(fetch, number))
                number += 1
            page_items = codec.query_items(root, converter)
            # A page that shifted repeats a few entries of the one before it; drop them.
            yield [item for item in page_items if item.get("uid") not in previous]
            previous = _uids(page_items)
            root = ahead.popleft().result() if ahead else None


class _SwitchInterval:
    """The process's switch interval, shortened while at least one paged read runs.

    Counted, because reads overlap (the inventory reads points beside sessions): each read
    restoring what it saw on entry would leave the short interval behind, or lift it from a
    read still running.
    """

    lock = threading.Lock()
    readers = 0
    saved = 0.0


@contextmanager
def _responsive_threads() -> Iterator[None]:
    """Hand the GIL over more often while reading, then restore the process's setting."""
    with _SwitchInterval.lock:
        if _SwitchInterval.readers == 0:
            _SwitchInterval.saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_SwitchInterval.saved, READING_SWITCH_INTERVAL))
        _SwitchInterval.readers += 1
    try:
        yield
    finally:
        with _SwitchInterval.lock:
            _SwitchInterval.readers -= 1
            if _SwitchInterval.readers == 0:
                sys.setswitchinterval(_SwitchInterval.saved)


def _uids(items: list[Record]) -> set[Any]:
    return {item.get("uid") for item in items}


def query_all(
    session: Any, params: dict[str, Any], converter: Callable[[Any], Record], limit: int | None = None, **paging: int
) -> list[Record]:
    """Every record of a query as one list, or its first `limit`; `paging` takes iter_pages'
    page_size and max_concurrency."""
    return list(islice(chain.from_iterable(iter_pages(session, params, converter, limit=limit, **paging)), limit))
