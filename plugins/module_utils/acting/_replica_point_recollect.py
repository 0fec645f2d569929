# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""With collect: true, ask EM to collect again while replica_point waits for the new points.

EM shows a backup server as it was at its last collection, every 15 minutes by default
[em/collecting_data_from_backup_servers]: a run that ended on the backup server shows its
session and points in EM only after that. Waiting for the schedule is waiting for nothing, so
while runs still wait, EM is asked to collect from their backup servers
(POST /backupServers/{ID}?action=collect [post_backupservers_id_collect]), bounded twice:

- at most once every `interval` seconds per server, the first `interval` after the wait began
  (the collection before judging is that recent), so the writes are few and follow the clock;
- only when the server's previous collect Task is Finished or gone (404) [get_tasks_id]: never
  two collections of one server in flight. A collect whose answer never came may be running,
  so that server is not asked again (EM's own schedule still collects it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ansible_collections.veeam_em.core.plugins.module_utils.acting._collection import HOW_TO_SEE, CollectionFailed
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ActionOutcomeUnknown
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point_runs import JobRun
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import FINISHED, EmTask


@dataclass
class _Server:
    """One backup server collected from while waiting."""

    name: str
    last_sent: float  # when the last collect was sent (the wait's start before the first)
    task: EmTask | None = None  # its collect Task while not Finished
    sent: int = 0
    unanswered: bool = False  # a collect was sent and no answer came: maybe in flight, never sent again


class Recollector:
    """Called once per poll with the runs: collects from the servers of those still waiting
    when the bounds in the module docstring allow."""

    def __init__(self, actions: Any, interval: float, clock: Callable[[], float]) -> None:
        self.actions, self.interval, self.clock = actions, interval, clock
        self.began = clock()
        self.servers: dict[str, _Server] = {}

    def __call__(self, runs: list[JobRun]) -> None:
        waiting = {run.job["backup_server_id"]: run.job.get("backup_server_name") or run.job["backup_server_id"]
                   for run in runs if not run.done and run.job.get("backup_server_id")}
        for server_id, name in sorted(waiting.items()):
            server = self.servers.setdefault(server_id, _Server(name, self.began))
            if self._idle(server) and self.clock() - server.last_sent >= self.interval:
                self._send(server_id, server)

    def counts(self) -> dict[str, int]:
        """{backup server name: collections asked for while waiting}."""
        return {server.name: server.sent for server in self.servers.values() if server.sent}

    def _idle(self, server: _Server) -> bool:
        """No collection of the server in flight: its last Task Finished or gone (a failed one raises)."""
        if server.unanswered:
            return False
        if server.task is not None and server.task.state != FINISHED:
            server.task = self.actions.task(server.task.task_id)
        if server.task is not None and server.task.failed:
            raise CollectionFailed(f"Enterprise Manager could not collect from backup server {server.name} while "
                                   f"waiting for the new restore points: {server.task.described()}; {HOW_TO_SEE}")
        return server.task is None or server.task.state == FINISHED

    def _send(self, server_id: str, server: _Server) -> None:
        server.last_sent, server.sent = self.clock(), server.sent + 1
        try:
            server.task = self.actions.collect(server_id)
        except ActionOutcomeUnknown:
            server.unanswered, server.task = True, None
