# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection asks Enterprise Manager to do, rather than read: run, stop or retry a
replication job, collect from a backup server, and follow the Task each answers.

Every action is one POST without a body, answered 202 with a Task [post_jobs_id_actionstart,
post_jobs_id_actionstop, post_jobs_id_actionretry, post_backupservers_id_collect], sent once
(EmSession.post). Only a Portal Administrator may start, stop or retry a job; a Portal User
may collect and read tasks [security_roles_concept]: a refusal is AccessDenied naming that.
Tasks live in the logon session that created them, so they are followed over the same one.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ApiError
from ansible_collections.veeam_em.core.plugins.module_utils.em._task import EmTask, task_from

JOB_ACTIONS = ("start", "stop", "retry")


class EmActions:
    """The actions over one logged-on EmSession."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def job_action(self, job_id: str, action: str) -> EmTask:
        """POST /jobs/{ID}?action=start|stop|retry: the Task EM answered."""
        if action not in JOB_ACTIONS:
            raise ValueError(f"unknown job action {action!r}")
        path = f"jobs/{quote(job_id, safe='')}"
        return task_from(self.session.post(path, {"action": action}), f"POST {path}?action={action}")

    def collect(self, backup_server_id: str) -> EmTask:
        """POST /backupServers/{ID}?action=collect: the Task of the collection."""
        path = f"backupServers/{quote(backup_server_id, safe='')}"
        return task_from(self.session.post(path, {"action": "collect"}), f"POST {path}?action=collect")

    def task(self, task_id: str) -> EmTask | None:
        """The task now; None when EM no longer has it (404: how long it keeps one is undocumented)."""
        path = f"tasks/{quote(task_id, safe='')}"
        try:
            return task_from(self.session.get(path), f"GET {path}")
        except ApiError as error:
            if error.status_code == 404:
                return None
            raise
