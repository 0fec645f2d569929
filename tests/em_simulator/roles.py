"""What each Enterprise Manager role may read, as Veeam's "Security Roles" page lists it
(EM REST reference, security_roles_concept, VBR 13.0.1, dated 2025-09-26).

EM grants a collection and its query type separately (a Portal User may read /backupServers
and query?type=BackupServer, but neither /jobs nor query?type=Job), so the table has two
halves: collections, by the name in their URL, and query types, by their name. The route
actions of api.py point at a collection. A new route or query type is one line here.
"""
from __future__ import annotations

from typing import Iterable

PORTAL_ADMINISTRATOR = "PortalAdministrator"
PORTAL_USER = "PortalUser"
RESTORE_OPERATOR = "RestoreOperator"  # the page's "VM Restore Operator"
ROLES = (PORTAL_ADMINISTRATOR, PORTAL_USER, RESTORE_OPERATOR)
# How the command line spells each role (matched ignoring case, '-', '_' and spaces, so the
# ids above are accepted too).
ROLE_SPELLINGS = {
    "portal-administrator": PORTAL_ADMINISTRATOR,
    "portal-user": PORTAL_USER,
    "restore-operator": RESTORE_OPERATOR,
    "vm-restore-operator": RESTORE_OPERATOR,
}


def _readers(*roles: str) -> frozenset[str]:
    # The page gives the Portal Administrator every operation.
    return frozenset((PORTAL_ADMINISTRATOR, *roles))


_EVERY_ROLE = _readers(PORTAL_USER, RESTORE_OPERATOR)

# Collections, by the name in their URL: who may read them (the entity, its list, its children).
COLLECTION_READERS: dict[str, frozenset[str]] = {
    # One's own logon session is no right of a role: whoever may log on may read and end it.
    "logonSessions": _EVERY_ROLE,
    "backupServers": _readers(PORTAL_USER),
    "replicaSessions": _readers(PORTAL_USER),
    "replicaTaskSessions": _readers(PORTAL_USER),
    "replicas": _readers(PORTAL_USER, RESTORE_OPERATOR),
    "vmReplicaPoints": _readers(PORTAL_USER, RESTORE_OPERATOR),
    "tasks": _EVERY_ROLE,
    "cdpReplicaSessions": _readers(PORTAL_USER),
    "cdpReplicaTaskSessions": _readers(PORTAL_USER),
    "failoverPlans": _readers(RESTORE_OPERATOR),
    "restoreSessions": _readers(RESTORE_OPERATOR),
    "jobs": _readers(),
    "cdpPolicies": _readers(),
    "cdpReplicas": _readers(),
    "security": _readers(),
}

# Query types (GET /api/query?type=...): who may query them.
QUERY_TYPE_READERS: dict[str, frozenset[str]] = {
    "ReplicaTaskSession": _readers(PORTAL_USER),
    "ReplicaJobSession": _readers(PORTAL_USER),
    "BackupServer": _readers(PORTAL_USER),
    "Replica": _readers(PORTAL_USER, RESTORE_OPERATOR),
    "VmReplicaPoint": _readers(PORTAL_USER, RESTORE_OPERATOR),
    "Task": _EVERY_ROLE,
    "CdpReplicaSession": _readers(PORTAL_USER),
    "CdpReplicaTaskSession": _readers(PORTAL_USER),
    "FailoverPlan": _readers(RESTORE_OPERATOR),
    "RestoreSession": _readers(RESTORE_OPERATOR),
    "Job": _readers(),
    "ObjectInJob": _readers(),
    "CdpPolicy": _readers(),
    "CdpReplica": _readers(),
}

# The route actions of api.py and the collection each reads. /jobs/{ID}/includes is part of
# /jobs on the page; /replicaSessions/{ID}/replicaTaskSessions is listed with /replicaSessions.
# What a role may do follows the same rows: the page gives job actions (start, stop, retry) to
# whoever has /jobs, the Portal User "POST /backupServers/{ID}?action=collect" with
# /backupServers, and every role its own tasks.
ACTION_COLLECTIONS: dict[str, str] = {
    "list_logon_sessions": "logonSessions",
    "get_logon_session": "logonSessions",
    "logout": "logonSessions",
    "list_servers": "backupServers",
    "get_server": "backupServers",
    "list_job_sessions": "replicaSessions",
    "get_job_session": "replicaSessions",
    "list_tasks_of_job_session": "replicaSessions",
    "list_task_sessions": "replicaTaskSessions",
    "get_task_session": "replicaTaskSessions",
    "list_points": "vmReplicaPoints",
    "get_point": "vmReplicaPoints",
    "list_jobs": "jobs",
    "get_job": "jobs",
    "list_job_includes": "jobs",
    "job_action": "jobs",
    "server_action": "backupServers",
    "list_tasks": "tasks",
    "get_task": "tasks",
    "delete_task": "tasks",
    "list_cdp_policies": "cdpPolicies",
    "get_cdp_policy": "cdpPolicies",
    "list_cdp_policy_includes": "cdpPolicies",
    "list_sessions_of_cdp_policy": "cdpPolicies",
    "list_cdp_sessions": "cdpReplicaSessions",
    "get_cdp_session": "cdpReplicaSessions",
    "list_tasks_of_cdp_session": "cdpReplicaSessions",
    "list_cdp_task_sessions": "cdpReplicaTaskSessions",
    "get_cdp_task_session": "cdpReplicaTaskSessions",
    "list_failover_plans": "failoverPlans",
    "get_failover_plan": "failoverPlans",
}
# Names for a per-resource setting (config.denied_answer_for) that cover a collection and its
# query type at once: what a client reads for CDP policies, CDP sessions and failover plans.
RESOURCE_GROUPS: dict[str, frozenset[str]] = {
    "cdp_policies": frozenset(("cdpPolicies", "CdpPolicy")),
    "cdp_sessions": frozenset(("cdpReplicaSessions", "cdpReplicaTaskSessions", "CdpReplicaSession",
                               "CdpReplicaTaskSession")),
    "failover_plans": frozenset(("failoverPlans", "FailoverPlan")),
}
QUERY_ACTION = "query"
_QUERY_TYPE_NAMES = {name.lower(): name for name in QUERY_TYPE_READERS}
# Every name a per-resource setting (config.denied_answer_for) may use.
RESOURCE_NAMES = frozenset(COLLECTION_READERS) | frozenset(QUERY_TYPE_READERS) | frozenset(RESOURCE_GROUPS)


def groups_of(resource: str) -> list[str]:
    """The RESOURCE_GROUPS names that cover this collection or query type."""
    return [name for name, members in RESOURCE_GROUPS.items() if resource in members]


def resource_of(action: str, query_type: str | None) -> str | None:
    """The collection or query type (named in any case, as EM takes it) a request reads; None
    when no role is needed (the entry point, logon) or the query type is unknown (the query
    service answers that with 400)."""
    if action == QUERY_ACTION:
        return _QUERY_TYPE_NAMES.get((query_type or "").lower())
    return ACTION_COLLECTIONS.get(action)


def may_read(roles: Iterable[str], resource: str) -> bool:
    """Whether an account holding these roles may read the resource: the union of their rights."""
    readers = COLLECTION_READERS[resource] if resource in COLLECTION_READERS else QUERY_TYPE_READERS[resource]
    return any(role in readers for role in roles)


def role_from_text(text: str) -> str:
    """A role id from its id or a friendly spelling (ValueError naming the choices otherwise)."""
    wanted = _squeezed(text)
    for spelling, role in (*ROLE_SPELLINGS.items(), *((role, role) for role in ROLES)):
        if _squeezed(spelling) == wanted:
            return role
    choices = ", ".join(spelling for spelling in ROLE_SPELLINGS if spelling != "vm-restore-operator")
    raise ValueError(f"unknown EM role {text!r}: choose from {choices}")


def roles_from_text(text: str) -> tuple[str, ...]:
    """Roles from a comma list such as 'portal-user,restore-operator', in order, each once."""
    return tuple(dict.fromkeys(role_from_text(part.strip()) for part in text.split(",")))


def _squeezed(text: str) -> str:
    return "".join(character for character in text.lower() if character not in "-_ ")
