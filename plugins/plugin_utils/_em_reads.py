# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read several Enterprise Managers at once, each failure kept with the EM it belongs to.

Private to the collection. Each EM is read by `read_one` on a worker thread (its own
logon, paged reads and logout); at most `concurrency` EMs are read at the same time, so
a fleet of EMs does not open an unbounded number of connections from the controller.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Generic, Sequence, TypeVar

from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError

Source = TypeVar("Source")
Result = TypeVar("Result")


@dataclass(frozen=True)
class EmRead(Generic[Source, Result]):
    """What one EM gave: its result, or the error that ended its read (never both)."""

    source: Source
    result: Result | None = None
    error: str | None = None


def read_all(sources: Sequence[Source], read_one: Callable[[Source], Result], concurrency: int) -> list[EmRead]:
    """Every source's read, in the order of `sources` whatever order they finish in.

    Only VeeamEmError is caught per EM (its messages name no secret); anything else is a
    defect and stops the whole read.
    """
    def attempt(source: Source) -> EmRead:
        try:
            return EmRead(source, result=read_one(source))
        except VeeamEmError as error:
            return EmRead(source, error=str(error))

    if len(sources) == 1 or concurrency == 1:
        return [attempt(source) for source in sources]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(sources)), thread_name_prefix="veeam_em") as pool:
        return list(pool.map(attempt, sources))
