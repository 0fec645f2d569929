# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A request EM refused for the account's roles, worded once for every surface: which
operation, which EM role may do it, what to do.

The operation comes from the request itself (the query service's `type`, else the resource
path), so a refusal is named the same wherever in the client it happens. Rights and roles:
module _rights (Veeam's security_roles_concept page).
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlsplit

from ansible_collections.veeam_em.core.plugins.module_utils import _rights as rights
from ansible_collections.veeam_em.core.plugins.module_utils._errors import AccessDenied, ApiError
from ansible_collections.veeam_em.core.plugins.module_utils._rights import Right

# The query service's types and the first segment of a resource path, lower-cased (EM takes
# both case-insensitively), with the right each needs.
RIGHT_BY_QUERY_TYPE: dict[str, Right] = {
    "replicatasksession": rights.TASK_SESSIONS, "replicajobsession": rights.JOB_SESSIONS,
    "backupserver": rights.BACKUP_SERVERS, "vmreplicapoint": rights.RESTORE_POINTS, "replica": rights.REPLICAS,
    "job": rights.REPLICATION_JOBS, "objectinjob": rights.REPLICATION_JOBS, "failoverplan": rights.FAILOVER_PLANS,
    "cdppolicy": rights.CDP_POLICIES, "cdpreplica": rights.CDP_POLICIES, "cdpreplicasession": rights.CDP_SESSIONS,
    "cdpreplicatasksession": rights.CDP_SESSIONS, "task": rights.TASKS,
}
RIGHT_BY_RESOURCE: dict[str, Right] = {
    "replicatasksessions": rights.TASK_SESSIONS, "replicasessions": rights.JOB_SESSIONS,
    "backupservers": rights.BACKUP_SERVERS, "vmreplicapoints": rights.RESTORE_POINTS, "replicas": rights.REPLICAS,
    "jobs": rights.REPLICATION_JOBS, "failoverplans": rights.FAILOVER_PLANS, "cdppolicies": rights.CDP_POLICIES,
    "cdpreplicas": rights.CDP_POLICIES, "cdpreplicasessions": rights.CDP_SESSIONS,
    "cdpreplicatasksessions": rights.CDP_SESSIONS, "tasks": rights.TASKS,
}
# Writes are rights of their own: POST /jobs/{ID}?action=start|stop|retry, POST /backupServers/{ID}?action=collect.
RIGHT_BY_ACTION: dict[tuple[str, str], Right] = {
    ("jobs", "start"): rights.JOB_ACTIONS, ("jobs", "stop"): rights.JOB_ACTIONS, ("jobs", "retry"): rights.JOB_ACTIONS,
    ("backupservers", "collect"): rights.COLLECTION,
}


def right_for(method: str, url: str, api_root: str, params: Mapping[str, Any] | None = None) -> Right | None:
    """The right a request to `url` (under `api_root`) needs; None for one the collection does not know."""
    params = {str(key).lower(): value for key, value in (params or {}).items()}
    path = urlsplit(url).path[len(urlsplit(api_root).path):].strip("/").split("/")
    resource = path[0].lower() if path else ""
    if resource == "query":
        return RIGHT_BY_QUERY_TYPE.get(str(params.get("type", "")).lower())
    if resource == "replicasessions" and len(path) > 2 and path[2].lower() == "replicatasksessions":
        return rights.TASK_SESSIONS
    if method.upper() == "POST" and "action" in params:
        return RIGHT_BY_ACTION.get((resource, str(params["action"]).lower()))
    return RIGHT_BY_RESOURCE.get(resource)


def access_denied(error: ApiError | None, status: int, method: str, url: str, right: Right | None,
                  user: str) -> AccessDenied:
    """The refusal of `method url` for `user`, naming what it needs and what to do; `error` is
    EM's own answer (None for a 401, whose body says nothing of rights)."""
    if error is not None:
        said = f": {error.em_message}" if error.em_message else ""
    else:
        said = " to a fresh session token that it still accepts for other requests"
    refused = f"Enterprise Manager refused {method} {url} for user {user} (HTTP {status}{said})"
    if right is None:
        text = (f"{refused}. The account's Enterprise Manager roles do not allow this request; give it the Portal "
                f"Administrator role or another role that allows it ({rights.WHERE_ROLES_ARE_GIVEN})")
    else:
        text = f"{refused}: {right.needs()}; {right.what_to_do()}"
    return AccessDenied(text, status, url, right)
