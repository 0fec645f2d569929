# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bodies of the info modules: options in, normalised records out."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._records import (
    backup_server_record,
    latest_per_vm,
    task_session_record,
)
from ansible_collections.veeam_em.core.plugins.module_utils._em_api import EmApi, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso, parse_moment, utc_now

RESULTS = ["Success", "Warning", "Failed"]
STATES = ["InProgress", "Pending", "Completed"]
ORDERS = ["newest_first", "oldest_first"]


def task_session_query(params: dict[str, Any], now: datetime) -> TaskSessionQuery:
    """The query the options describe; ConfigurationError for times that cannot work."""
    after = parse_moment(params.get("created_after"), "created_after", now)
    before = parse_moment(params.get("created_before"), "created_before", now)
    if after and before and after > before:
        raise ConfigurationError(
            f"created_after ({iso(after)}) is later than created_before ({iso(before)}): no session can match; "
            "swap them or widen the window"
        )
    limit = params.get("limit")
    if limit is not None and limit < 1:
        raise ConfigurationError(f"limit must be 1 or more, not {limit}")
    return TaskSessionQuery(
        ids=tuple(params.get("id") or ()), vm_names=tuple(params.get("vm_names") or ()),
        job_names=tuple(params.get("job_names") or ()),
        backup_servers=tuple(params.get("backup_server_names") or ()),
        results=tuple(params.get("result") or ()), states=tuple(params.get("state") or ()),
        created_after=after, created_before=before, descending=params.get("order", "newest_first") != "oldest_first",
        limit=None if params.get("latest_per_vm") else limit,
    )


def gather_task_sessions(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    query = task_session_query(params, utc_now())
    sessions = api.task_sessions(query)
    if params.get("latest_per_vm"):
        sessions = latest_per_vm(sessions)
        if not query.descending:
            sessions.reverse()
        sessions = sessions[: params.get("limit") or None]
    return {"replica_task_sessions": [task_session_record(session) for session in sessions]}


def gather_backup_servers(api: EmApi, params: dict[str, Any]) -> dict[str, Any]:
    servers = api.backup_servers(names=tuple(params.get("name") or ()), ids=tuple(params.get("id") or ()))
    return {"backup_servers": [backup_server_record(server) for server in servers]}
