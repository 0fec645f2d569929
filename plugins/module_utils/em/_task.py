# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM's Task: what an action (a job start, a collection) answers, and how it goes on.

A Task [post_jobs_id_actionstart, get_tasks_id] has a TaskId (task-1), a State (Running;
OperationFinished: done on the backup server, EM has not collected the data yet; Finished:
EM's database has it), an Operation (StartJob, CollectingBackupServer, ...) and, in Veeam's
examples, <Result Success="true"><Message>...</Message></Result>. A finished StartJob task
means the job was triggered, not that its run ended. A failed task's shape is undocumented:
Success="false", or Finished without a Result (docs/docsite/rst/em_api_notes.rst, "Tasks").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ProtocolError
from ansible_collections.veeam_em.core.plugins.module_utils.em._codec import NAMESPACE

RUNNING, OPERATION_FINISHED, FINISHED = "Running", "OperationFinished", "Finished"
_NS = "{" + NAMESPACE + "}"


@dataclass(frozen=True)
class EmTask:
    """One Task as EM answered it. `success` is None while EM gives no Result."""

    task_id: str
    state: str | None
    operation: str | None
    success: bool | None
    message: str | None

    @property
    def done_on_server(self) -> bool:
        """The backup server has done it (OperationFinished or Finished)."""
        return self.state in (OPERATION_FINISHED, FINISHED)

    @property
    def failed(self) -> bool:
        return self.success is False

    def record(self) -> dict[str, Any]:
        """The task as modules return it (the `task` return value's keys)."""
        return {"id": self.task_id, "state": self.state, "operation": self.operation, "success": self.success,
                "message": self.message}

    def described(self) -> str:
        """"task-3 (StartJob, Finished, failed: Job is already running.)" for messages."""
        outcome = {True: "succeeded", False: "failed", None: "no result"}[self.success]
        said = f": {self.message}" if self.message else ""
        return f"{self.task_id} ({self.operation or 'an operation'}, {self.state or 'no state'}, {outcome}{said})"


def task_from(root: Any, where: str) -> EmTask:
    """The Task of an answer; ProtocolError naming `where` when it is not one."""
    if root is None or root.tag != _NS + "Task":
        raise ProtocolError(f"Enterprise Manager answered {where} without a Task, which its REST reference documents")
    result = root.find(_NS + "Result")
    success = None if result is None else (result.get("Success") or "").strip().lower() == "true"
    return EmTask(task_id=_text(root, "TaskId") or (root.get("Href") or "").rsplit("/", 1)[-1],
                  state=_text(root, "State"), operation=_text(root, "Operation"), success=success,
                  message=None if result is None else _text(result, "Message"))


def _text(element: Any, local: str) -> str | None:
    child = element.find(_NS + local)
    return (child.text or "").strip() or None if child is not None else None
