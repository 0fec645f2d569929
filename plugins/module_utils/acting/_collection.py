# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask EM to collect from backup servers now, and wait until the collected data is visible.

EM shows each backup server as it was at EM's last collection (every 15 minutes by default)
[em/collecting_data_from_backup_servers]. POST /backupServers/{ID}?action=collect starts one and
answers a Task [post_backupservers_id_collect]; that Task's Finished message in Veeam's own example
reads "Data collection started", and EM documents no "last collected" field to read (nor does
docs/docsite/rst/em_api_notes.rst know one), so no single answer proves the data is in.

What "visible" means here, in two steps within one timeout:

1. every collect Task is Finished (not merely OperationFinished: done on the backup server, not yet
   in EM's database [get_tasks_id]); a Task EM no longer has (404: how long EM keeps one is
   undocumented) counts as done, a failed one is CollectionFailed;
2. then the caller's `seen` check holds. A caller that knows what it waits for says so (a point
   newer than a moment: that proves the data arrived). A caller that does not can pass
   agreeing_reads(read): two reads in a row that agree. That proves only that EM's answer stopped
   changing for one pause, not that the collection finished: a collection slower than the pause
   passes it. With no check, only step 1 is proved.

`Collection.proof` says which of these held, so callers and users are told what was shown.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils.acting._waiting import Backoff, wait_until
from ansible_collections.veeam_em.core.plugins.module_utils.em._actions import EmActions
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import FINISHED, EmTask

# What Collection.proof holds: the caller's check held, or only the collect Tasks finished.
PROOF_SEEN, PROOF_TASKS = "data seen", "collect tasks finished"
COLLECTION_BACKOFF = Backoff(first=1.0, factor=1.5, cap=10.0)
HOW_TO_SEE = "EM's console shows collections under Sessions (Enterprise Manager, Configuration)"


class CollectionFailed(VeeamEmError):
    """EM's collect Task for a backup server ended failed."""


class CollectionNotVisible(VeeamEmError):
    """The collected data was not visible within the timeout."""


@dataclass(frozen=True)
class Collection:
    """How a collection went: the last Task seen per backup server id (None: EM dropped it),
    what was proved (PROOF_SEEN or PROOF_TASKS) and the seconds waited."""

    tasks: dict[str, EmTask | None]
    proof: str
    seconds: float


def collect(actions: EmActions, servers: dict[str, str], timeout: float,
            seen: Callable[[], bool] | None = None, backoff: Backoff = COLLECTION_BACKOFF,
            clock: Callable[[], float] = time.monotonic,
            sleep: Callable[[float], None] = time.sleep) -> Collection:
    """Collect from `servers` ({backup server id: name}; one POST each) and wait as the module
    docstring says. CollectionFailed or CollectionNotVisible name the servers and what to do."""
    tasks: dict[str, EmTask | None] = {server_id: actions.collect(server_id) for server_id in servers}

    def landed() -> tuple[bool, str]:
        for server_id, task in tasks.items():
            if task is not None and task.state != FINISHED:
                tasks[server_id] = task = actions.task(task.task_id)
            if task is not None and task.failed:
                raise CollectionFailed(f"Enterprise Manager could not collect from backup server "
                                       f"{servers[server_id]}: {task.described()}; {HOW_TO_SEE}")
        if any(task is not None and task.state != FINISHED for task in tasks.values()):
            return False, "tasks"
        return (True, "seen") if seen is None or seen() else (False, "seen")

    waited = wait_until(landed, timeout, backoff, clock, sleep)
    if not waited.met:
        raise CollectionNotVisible(_not_visible(servers, tasks, waited.value, timeout))
    return Collection(dict(tasks), PROOF_TASKS if seen is None else PROOF_SEEN, waited.seconds)


def _not_visible(servers: dict[str, str], tasks: dict[str, EmTask | None], stage: Any, timeout: float) -> str:
    names = ", ".join(sorted(servers.values()))
    if stage == "tasks":
        pending = "; ".join(f"{servers[server_id]}: {task.described()}" for server_id, task in sorted(tasks.items())
                            if task is not None and task.state != FINISHED)
        said = f"its collect tasks had not finished ({pending})"
    else:
        said = "its collect tasks finished, but the data waited for was not visible yet"
    return (f"Enterprise Manager did not show the data collected from backup server(s) {names} within "
            f"{timeout:g} seconds: {said}. Give it longer (wait_timeout), or see {HOW_TO_SEE}")


def agreeing_reads(read: Callable[[], Any]) -> Callable[[], bool]:
    """A `seen` check that holds when `read` answers the same twice in a row (see the module
    docstring for how little that proves)."""
    last: list[Any] = []

    def agrees() -> bool:
        value = read()
        same = bool(last) and last[-1] == value
        last[:] = [value]
        return same

    return agrees
