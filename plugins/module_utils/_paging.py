# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one paging routine for EM's query service."""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain, islice
from typing import Any, Callable, Iterator

from ansible_collections.veeam_em.core.plugins.module_utils import _codec as codec

DEFAULT_PAGE_SIZE = 1000
DEFAULT_MAX_CONCURRENCY = 4
Record = dict[str, Any]


def iter_pages(
    session: Any,
    params: dict[str, Any],
    converter: Callable[[Any], Record],
    page_size: int = DEFAULT_PAGE_SIZE,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    last_page: int | None = None,
) -> Iterator[list[Record]]:
    """The records of a query page by page, in the server's order, each UID once.

    Always sends pageSize (EM's default page size is undocumented; 15 was seen). Page 1
    tells how many pages there are (from PagingInfo, so a server that caps pageSize is
    followed); the rest are fetched ahead with at most `max_concurrency` requests in
    flight, and only that many pages are held before the caller takes them. A failed page
    raises: the caller never sees a result presented as complete that is not.
    """
    base = {**params, "pageSize": page_size}

    def fetch(number: int) -> Any:
        return codec.query_page(session.get("query", {**base, "page": number}), converter)

    first = fetch(1)
    known_pages = first.pages_count if last_page is None else min(first.pages_count, last_page)
    previous = _uids(first.items)
    yield first.items
    with ThreadPoolExecutor(max_workers=max(1, max_concurrency)) as pool:
        ahead: deque[Future] = deque()
        number = 2
        while number <= known_pages or ahead:
            while number <= known_pages and len(ahead) < max(1, max_concurrency):
                ahead.append(pool.submit(fetch, number))
                number += 1
            page = ahead.popleft().result()
            if last_page is None:
                # Sessions recorded while paging push older ones onto pages that did not exist
                # when page 1 was read; a later page's PagesCount shows it, so read on.
                known_pages = max(known_pages, page.pages_count)
            # A page that shifted repeats a few entries of the one before it; drop them.
            items = [item for item in page.items if item.get("uid") not in previous]
            previous = _uids(page.items)
            yield items


def _uids(items: list[Record]) -> set[Any]:
    return {item.get("uid") for item in items}


def query_all(
    session: Any,
    params: dict[str, Any],
    converter: Callable[[Any], Record],
    page_size: int = DEFAULT_PAGE_SIZE,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    limit: int | None = None,
) -> list[Record]:
    """Every record of a query as one list; with a `limit`, only the pages that hold the
    first `limit` records are read."""
    if limit is None:
        return list(chain.from_iterable(iter_pages(session, params, converter, page_size, max_concurrency)))
    page_size = max(1, min(page_size, limit))
    pages = iter_pages(session, params, converter, page_size, max_concurrency, last_page=-(-limit // page_size))
    return list(islice(chain.from_iterable(pages), limit))
