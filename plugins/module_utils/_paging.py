# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one paging routine for EM's query service."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ansible_collections.veeam_em.core.plugins.module_utils import _codec as codec

DEFAULT_PAGE_SIZE = 1000
DEFAULT_MAX_CONCURRENCY = 4


def query_all(
    session: Any,
    params: dict[str, Any],
    converter: Callable[[Any], dict[str, Any]],
    page_size: int = DEFAULT_PAGE_SIZE,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Every record of a query, in the server's order, each UID once.

    Always sends pageSize (EM's default page size is undocumented; 15 was seen). Page 1
    tells how many pages there are (from PagingInfo, so a server that caps pageSize is
    followed); the rest are fetched with at most `max_concurrency` requests in flight.
    Any failed page fails the whole call: a partial result is never returned. With a
    `limit`, only the pages that hold the first `limit` records are read.
    """
    if limit is not None:
        page_size = max(1, min(page_size, limit))
    base = {**params, "pageSize": page_size}

    def fetch(number: int) -> Any:
        return codec.query_page(session.get("query", {**base, "page": number}), converter)

    pages = [fetch(1)]
    last_page = pages[0].pages_count if limit is None else min(pages[0].pages_count, -(-limit // page_size))
    remaining = range(2, last_page + 1)
    if remaining:
        with ThreadPoolExecutor(max_workers=max(1, min(max_concurrency, len(remaining)))) as pool:
            pages.extend(pool.map(fetch, remaining))
    # Sessions recorded while paging push older ones onto pages that did not exist when
    # page 1 was read; a later page's PagesCount shows it, so read on until it holds.
    while limit is None and len(pages) < max(page.pages_count for page in pages):
        pages.append(fetch(len(pages) + 1))
    records = _unique(item for page in pages for item in page.items)
    return records if limit is None else records[:limit]


def _unique(items: Any) -> list[dict[str, Any]]:
    # While EM records new sessions, a newest-first page can shift by a few entries, so
    # one may be seen twice; keep the first sighting.
    seen: set[str] = set()
    unique = []
    for item in items:
        key = item.get("uid")
        if key in seen:
            continue
        seen.add(key)
        unique.append(item)
    return unique
