# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RPO verdicts that change: the event source's rpo_breached and rpo_recovered.

The sessions of a window are folded once (_fold.VmFold), each completion after that is
added to the fold, and every poll judges the fold at its moment with _judgement.judge_vms:
the fold and the judgement of the replicas inventory and the replica_status filter (so the
role), so an event carries the same verdict and evidence they show. The source's names are
applied by EM (SessionScope), so the fold selects nothing again.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils.events._completions import SessionScope
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._fold import VmFold
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import Criteria, judge_vms
from ansible_collections.veeam_em.core.plugins.module_utils._records import settled_task_session

BREACHED, RECOVERED = "rpo_breached", "rpo_recovered"


def verdict_key(status: Mapping[str, Any]) -> str:
    """One VM on one backup server, as text (a key of the state file's JSON)."""
    return f"{status.get('backup_server_id') or status.get('backup_server_name') or ''}/{status.get('vm_name') or ''}"


class RpoWatch:
    """Each VM's last verdict (breached or not) and the fold it is judged from."""

    def __init__(self, scope: SessionScope, criteria: Criteria, window: timedelta) -> None:
        self.scope, self.criteria, self.window = scope, criteria, window
        self.fold = VmFold()
        self.verdicts: dict[str, bool] = {}
        self.loaded = False
        self._window_uids: set[str] = set()  # completed when the window was read: not folded twice

    def load(self, api: EmApi, now: datetime) -> None:
        """Fold the sessions created in the window before `now` (once per run, page by page)."""
        query = self.scope.query(created_after=now - self.window, created_before=now, descending=False)
        fold, completed = VmFold(), set()
        for page in api.iter_task_sessions(query):
            records = [settled_task_session(raw) for raw in page]
            fold.add_sessions(records)
            completed.update(record["uid"] for record in records if record["result"] is not None)
        # Kept only once the whole window is read: an outage half-way leaves nothing half-folded.
        self.fold, self._window_uids, self.loaded = fold, completed, True

    def add(self, records: Iterable[Mapping[str, Any]]) -> None:
        self.fold.add_sessions(record for record in records if record["uid"] not in self._window_uids)

    def changes(self, now: datetime) -> list[tuple[str, dict[str, Any]]]:
        """(rpo_breached or rpo_recovered, judged status) for each VM whose verdict changed.

        A VM breached at the first judgement of a source without state is reported; one
        within its RPO is not (nothing recovered). A VM with no RPO (rpo_by_job without rpo)
        has no verdict.
        """
        changed = []
        for status in judge_vms(self.fold.summaries(), now, self.criteria):
            if status["rpo_breached"] is None:
                continue
            key, breached = verdict_key(status), bool(status["rpo_breached"])
            before = self.verdicts.get(key)
            self.verdicts[key] = breached
            if breached and before is not True:
                changed.append((BREACHED, status))
            elif not breached and before is True:
                changed.append((RECOVERED, status))
        return changed

    def to_state(self) -> dict[str, bool]:
        return dict(self.verdicts)

    def restore(self, verdicts: Mapping[str, Any]) -> None:
        self.verdicts = {str(key): bool(value) for key, value in verdicts.items()}
