"""EM's Task and Tasks documents, in the shape of Veeam's example [tasks_id]:

    <Task Type="Task" Href=".../api/tasks/task-30">
      <Links><Link Href=".../api/tasks/task-30" Type="Task" Rel="Delete" /></Links>
      <TaskId>task-30</TaskId><State>Finished</State><Operation>StartJob</Operation>
      <Result Success="true"><Message>Job "SQL Server Replication" triggered to start.</Message></Result>
    </Task>
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from .tasks import EmTask
from .xmlrender import document, link


def _parts(base: str, task: EmTask, moment: int) -> tuple[str, str]:
    href = f"{base}/tasks/{task.id}"
    result = task.result_at(moment)
    result_xml = "" if result is None else (
        f'<Result Success="{"true" if result[0] else "false"}"><Message>{escape(result[1])}</Message></Result>')
    body = (f"<Links>{link('Delete', href, 'Task')}</Links><TaskId>{task.id}</TaskId>"
            f"<State>{task.state_at(moment)}</State><Operation>{task.operation}</Operation>{result_xml}")
    return f'Type="Task" Href="{href}"', body


def task_document(base: str, task: EmTask, moment: int) -> bytes:
    return document("Task", *_parts(base, task, moment))


def tasks_document(base: str, tasks: list[EmTask], moment: int) -> bytes:
    """/tasks: the logon session's tasks, <Tasks> with a <Task> each (none: an empty list)."""
    parts = [_parts(base, task, moment) for task in tasks]
    items = "".join(f"<Task {attributes}>{body}</Task>" for attributes, body in parts)
    return document("Tasks", "", items)
