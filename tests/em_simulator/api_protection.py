"""The CDP and failover plan resources of EmApi (api.py mixes this class in): /cdpPolicies,
/cdpReplicaSessions, /cdpReplicaTaskSessions and /failoverPlans, read-only. Their query types
are served by EmApi.query like the others (query.py)."""
from __future__ import annotations

import re
from typing import Any, Callable

from . import resources
from . import xml_protection as protection
from .answers import ApiError, Request, Response, ok
from .xmlrender import Renderer

_ID = "([0-9a-fA-F-]{36})"
PROTECTION_ROUTES: list[tuple[str, "re.Pattern[str]", str]] = [
    ("GET", re.compile(r"/api/cdpPolicies/?"), "list_cdp_policies"),
    ("GET", re.compile(rf"/api/cdpPolicies/{_ID}"), "get_cdp_policy"),
    ("GET", re.compile(rf"/api/cdpPolicies/{_ID}/includes/?"), "list_cdp_policy_includes"),
    ("GET", re.compile(rf"/api/cdpPolicies/{_ID}/cdpReplicaSessions/?"), "list_sessions_of_cdp_policy"),
    ("GET", re.compile(r"/api/cdpReplicaSessions/?"), "list_cdp_sessions"),
    ("GET", re.compile(rf"/api/cdpReplicaSessions/{_ID}"), "get_cdp_session"),
    ("GET", re.compile(rf"/api/cdpReplicaSessions/{_ID}/cdpReplicaTaskSessions/?"), "list_tasks_of_cdp_session"),
    ("GET", re.compile(r"/api/cdpReplicaTaskSessions/?"), "list_cdp_task_sessions"),
    ("GET", re.compile(rf"/api/cdpReplicaTaskSessions/{_ID}"), "get_cdp_task_session"),
    ("GET", re.compile(r"/api/failoverPlans/?"), "list_failover_plans"),
    ("GET", re.compile(rf"/api/failoverPlans/{_ID}"), "get_failover_plan"),
]


class ProtectionResources:
    """Handlers; EmApi provides dataset, _listing, _single and _recent."""

    dataset: Any

    def list_cdp_policies(self, request: Request, renderer: Renderer) -> Response:
        return self._listing(request, renderer, resources.CDP_POLICY, self.dataset.cdp_policies)

    def get_cdp_policy(self, request: Request, renderer: Renderer, policy_id: str) -> Response:
        return self._single(request, renderer, resources.CDP_POLICY, self.dataset.cdp_policies_by_id.get(policy_id))

    def list_cdp_policy_includes(self, request: Request, renderer: Renderer, policy_id: str) -> Response:
        policy = None if request.hidden else self._policy(policy_id)
        return ok(protection.policy_includes_document(renderer, policy))

    def list_sessions_of_cdp_policy(self, request: Request, renderer: Renderer, policy_id: str) -> Response:
        return self._children(request, renderer, resources.CDP_SESSION, self.dataset.cdp_sessions,
                              lambda session: session.policy, self._policy(policy_id, request.hidden))

    def _policy(self, policy_id: str, hidden: bool = False) -> Any:
        policy = self.dataset.cdp_policies_by_id.get(policy_id)
        if policy is None and not hidden:
            raise ApiError(404, f"CDP policy {policy_id} was not found")
        return policy

    def _children(self, request: Request, renderer: Renderer, kind: resources.Kind, records: list[Any],
                  parent_of: Callable[[Any], Any], parent: Any) -> Response:
        """The records under one parent (a policy's sessions, a session's task sessions)."""
        children = [] if request.hidden else [record for record in records if parent_of(record) is parent]
        return self._listing(request, renderer, kind, self._recent(children))

    def list_cdp_sessions(self, request: Request, renderer: Renderer) -> Response:
        return self._listing(request, renderer, resources.CDP_SESSION, self._recent(self.dataset.cdp_sessions))

    def get_cdp_session(self, request: Request, renderer: Renderer, session_id: str) -> Response:
        return self._single(request, renderer, resources.CDP_SESSION, self.dataset.cdp_sessions_by_id.get(session_id))

    def list_tasks_of_cdp_session(self, request: Request, renderer: Renderer, session_id: str) -> Response:
        session = self.dataset.cdp_sessions_by_id.get(session_id)
        if session is None and not request.hidden:
            raise ApiError(404, f"CDP replica session {session_id} was not found")
        return self._children(request, renderer, resources.CDP_TASK_SESSION, self.dataset.cdp_task_sessions,
                              lambda task: task.policy_session, session)

    def list_cdp_task_sessions(self, request: Request, renderer: Renderer) -> Response:
        return self._listing(request, renderer, resources.CDP_TASK_SESSION,
                             self._recent(self.dataset.cdp_task_sessions))

    def get_cdp_task_session(self, request: Request, renderer: Renderer, task_id: str) -> Response:
        return self._single(request, renderer, resources.CDP_TASK_SESSION,
                            self.dataset.cdp_task_sessions_by_id.get(task_id))

    def list_failover_plans(self, request: Request, renderer: Renderer) -> Response:
        return self._listing(request, renderer, resources.FAILOVER_PLAN, self.dataset.failover_plans)

    def get_failover_plan(self, request: Request, renderer: Renderer, plan_id: str) -> Response:
        return self._single(request, renderer, resources.FAILOVER_PLAN, self.dataset.failover_plans_by_id.get(plan_id))
