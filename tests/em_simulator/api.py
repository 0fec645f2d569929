"""EM's REST resources: routing, authentication and answers, independent of HTTP plumbing."""
from __future__ import annotations

import re
import time
from http.cookies import CookieError, SimpleCookie
from typing import Any, Callable

from . import foreign, resources
from .actions import Actions
from .api_protection import PROTECTION_ROUTES, ProtectionResources
from .answers import ApiError, Request, Response, error_response, ok
from .auth import LogonSession, SessionManager
from .clock import SimClock
from .collection import CollectionSchedule
from .config import SimulatorConfig
from .dataset import Dataset
from .filters import FilterError
from .model import TICKS_PER_SECOND
from .query import QUERY_TYPES, QueryEngine, paginate
from .roles import may_read, resource_of
from .run_engine import RunEngine
from .stats import Stats
from .xmlrender import SUPPORTED_VERSIONS, Renderer

TOKEN_HEADER = "X-RestSvcSessionId"
DAY_TICKS = 86_400 * TICKS_PER_SECOND
UNAUTHORIZED_HEADERS = [("WWW-Authenticate", "Basic Realm=RestSvc")]
TOKEN_REFUSED = "Authorization header has been expected but not found (or found but is expired)"
ACCESS_DENIED = "Access is denied."
_ID = "([0-9a-fA-F-]{36})"
Route = tuple[str, "re.Pattern[str]", str]
ROUTES: list[Route] = [
    ("GET", re.compile(r"/api/?"), "entry_point"),
    ("POST", re.compile(r"/api/sessionMngr/?"), "logon"),
    ("GET", re.compile(r"/api/logonSessions/?"), "list_logon_sessions"),
    ("GET", re.compile(rf"/api/logonSessions/{_ID}"), "get_logon_session"),
    ("DELETE", re.compile(rf"/api/logonSessions/{_ID}"), "logout"),
    ("GET", re.compile(r"/api/backupServers/?"), "list_servers"),
    ("GET", re.compile(rf"/api/backupServers/{_ID}"), "get_server"),
    ("POST", re.compile(rf"/api/backupServers/{_ID}"), "server_action"),
    ("GET", re.compile(r"/api/replicaSessions/?"), "list_job_sessions"),
    ("GET", re.compile(rf"/api/replicaSessions/{_ID}"), "get_job_session"),
    ("GET", re.compile(rf"/api/replicaSessions/{_ID}/replicaTaskSessions/?"), "list_tasks_of_job_session"),
    ("GET", re.compile(r"/api/replicaTaskSessions/?"), "list_task_sessions"),
    ("GET", re.compile(rf"/api/replicaTaskSessions/{_ID}"), "get_task_session"),
    ("GET", re.compile(r"/api/vmReplicaPoints/?"), "list_points"),
    ("GET", re.compile(rf"/api/vmReplicaPoints/{_ID}"), "get_point"),
    ("GET", re.compile(r"/api/jobs/?"), "list_jobs"),
    ("GET", re.compile(rf"/api/jobs/{_ID}"), "get_job"),
    ("POST", re.compile(rf"/api/jobs/{_ID}"), "job_action"),
    ("GET", re.compile(rf"/api/jobs/{_ID}/includes/?"), "list_job_includes"),
    ("GET", re.compile(r"/api/tasks/?"), "list_tasks"),
    ("GET", re.compile(r"/api/tasks/([^/]+)"), "get_task"),
    ("DELETE", re.compile(r"/api/tasks/([^/]+)"), "delete_task"),
    ("GET", re.compile(r"/api/query/?"), "query"),
    *PROTECTION_ROUTES,
]
PUBLIC_ACTIONS = {"entry_point", "logon"}
# Served by actions.py: what a client does rather than reads, and the tasks that come of it.
DOING_ACTIONS = {"job_action", "server_action", "list_tasks", "get_task", "delete_task"}


class EmApi(ProtectionResources):
    def __init__(self, dataset: Dataset, config: SimulatorConfig, sessions: SessionManager,
                 stats: Stats | None = None, clock: SimClock | None = None) -> None:
        self.dataset = dataset
        self.sessions = sessions
        self.stats = stats or Stats()
        self.clock = clock or SimClock()
        schedule = CollectionSchedule(self.clock.now())
        self.runs = RunEngine(dataset, schedule)
        self.actions = Actions(dataset, self.runs, schedule, self.clock, lambda: self.config)
        self.apply(config)

    def apply(self, config: SimulatorConfig) -> None:
        self.config = config
        self.engine = QueryEngine(self.dataset, config.filter_options, config.utc_field_aliases,
                                  cdp_result_filter=config.cdp_result_filter == "accept")
        self.sessions.idle_timeout = config.idle_timeout
        self.sessions.token_expiry_after = config.token_expiry_after

    def handle(self, request: Request) -> Response:
        if self.config.answer_as != "em":
            return Response(*foreign.answer(self.config.answer_as, request.method, request.path))
        try:
            action, args = self._route(request)
            if action not in PUBLIC_ACTIONS:
                request.session = self._authorize(request)
                self._judge_rights(request, action, request.session)
            # What runs did since the last request, as far as EM has collected it (run_engine.py).
            self.runs.refresh(self.config, self.clock.now())
            handler: Callable[..., Response] = getattr(self.actions if action in DOING_ACTIONS else self, action)
            renderer = Renderer(request.base, self.config.running_result, self.config.running_end_time,
                                self.config.next_run_element, self.config.disabled_next_run)
            return handler(request, renderer, *args)
        except ApiError as error:
            return error_response(error.status, error.message, error.headers)
        except FilterError as error:
            return error_response(400, str(error))

    def _route(self, request: Request) -> tuple[str, tuple[str, ...]]:
        path_matched = False
        for method, pattern, action in ROUTES:
            match = pattern.fullmatch(request.path)
            if match:
                path_matched = True
                if method == request.method:
                    return action, match.groups()
        if path_matched:
            raise ApiError(405, f"Method {request.method} is not allowed for {request.path}")
        raise ApiError(404, f"Resource {request.path} was not found")

    def _authorize(self, request: Request) -> LogonSession:
        # EM prefers the cookie when a client sends both it and the header.
        token = _cookie_token(request.headers.get("Cookie")) or request.headers.get(TOKEN_HEADER)
        session = self.sessions.resolve(token)
        if session is None:
            raise ApiError(401, TOKEN_REFUSED, UNAUTHORIZED_HEADERS)
        return session

    def _judge_rights(self, request: Request, action: str, session: LogonSession) -> None:
        """Answer a read the session's roles do not allow (roles.py) as config.denied_answer says."""
        resource = resource_of(action, request.params.get("type"))
        if resource is None or may_read(session.roles, resource):
            return
        self.stats.deny(resource)
        mode = self.config.denied_answer_to(resource)
        if mode == "forbidden":
            raise ApiError(403, ACCESS_DENIED)
        if mode == "unauthorized":
            # The token stays valid for what the account may read, as a role check would leave it.
            raise ApiError(401, TOKEN_REFUSED, UNAUTHORIZED_HEADERS)
        request.hidden = True

    # -- entry point and logon ------------------------------------------------------------
    def entry_point(self, request: Request, renderer: Renderer) -> Response:
        return ok(renderer.entry_point())

    def logon(self, request: Request, renderer: Renderer) -> Response:
        version = request.params.get("v", "latest")
        if version != "latest" and version not in SUPPORTED_VERSIONS:
            raise ApiError(400, f"REST API version '{version}' is not supported")
        account = self.sessions.authenticate(request.headers.get("Authorization"))
        if account is None:
            raise ApiError(401, "Logon failed: the user name or password is incorrect", UNAUTHORIZED_HEADERS)
        user, details = account
        if not details.roles:
            raise ApiError(403, "Access denied")
        session = self.sessions.logon(user, details.roles)
        response = ok(renderer.logon_session(session.id, user), status=201)
        response.headers += [
            (TOKEN_HEADER, session.token),
            ("Set-Cookie", f"{TOKEN_HEADER}={session.token}; Path=/api;"),
            ("Location", f"{renderer.base}/logonSessions/{session.id}"),
        ]
        return response

    def list_logon_sessions(self, request: Request, renderer: Renderer) -> Response:
        return ok(renderer.logon_sessions((s.id, s.user) for s in self.sessions.open_sessions()))

    def get_logon_session(self, request: Request, renderer: Renderer, session_id: str) -> Response:
        for session in self.sessions.open_sessions():
            if session.id == session_id:
                return ok(renderer.logon_session(session.id, session.user))
        raise ApiError(404, f"Logon session {session_id} was not found")

    def logout(self, request: Request, renderer: Renderer, session_id: str) -> Response:
        if not self.sessions.logout(session_id):
            raise ApiError(404, f"Logon session {session_id} was not found")
        return Response(204)

    # -- plain resources --------------------------------------------------------------------
    def list_servers(self, request: Request, renderer: Renderer) -> Response:
        return self._listing(request, renderer, resources.SERVER, self.dataset.servers)

    def get_server(self, request: Request, renderer: Renderer, server_id: str) -> Response:
        return self._single(request, renderer, resources.SERVER, self.dataset.servers_by_id.get(server_id))

    def list_job_sessions(self, request: Request, renderer: Renderer) -> Response:
        return self._listing(request, renderer, resources.JOB_SESSION, self._recent(self.dataset.job_sessions))

    def get_job_session(self, request: Request, renderer: Renderer, job_id: str) -> Response:
        return self._single(request, renderer, resources.JOB_SESSION, self.dataset.job_sessions_by_id.get(job_id))

    def list_tasks_of_job_session(self, request: Request, renderer: Renderer, job_id: str) -> Response:
        if request.hidden:
            return self._listing(request, renderer, resources.TASK_SESSION, [])
        job = self.dataset.job_sessions_by_id.get(job_id)
        if job is None:
            raise ApiError(404, f"Replica job session {job_id} was not found")
        return self._listing(request, renderer, resources.TASK_SESSION, self._recent(job.tasks))

    def list_task_sessions(self, request: Request, renderer: Renderer) -> Response:
        return self._listing(request, renderer, resources.TASK_SESSION, self._recent(self.dataset.task_sessions))

    def get_task_session(self, request: Request, renderer: Renderer, task_id: str) -> Response:
        return self._single(request, renderer, resources.TASK_SESSION, self.dataset.task_sessions_by_id.get(task_id))

    def list_points(self, request: Request, renderer: Renderer) -> Response:
        return self._listing(request, renderer, resources.POINT,
                             self._visible_points(request, self.dataset.replica_points))

    def _visible_points(self, request: Request, points: list[Any]) -> list[Any]:
        """The restore points this account is shown (config.points_access; EM does not document it)."""
        if request.hidden:
            return []  # a role without the right was already answered for (config.denied_answer)
        if self.config.points_access == "forbidden":
            raise ApiError(403, "Access denied")
        return points if self.config.points_access == "full" else []

    def get_point(self, request: Request, renderer: Renderer, point_id: str) -> Response:
        return self._single(request, renderer, resources.POINT, self.dataset.replica_points_by_id.get(point_id))

    def list_jobs(self, request: Request, renderer: Renderer) -> Response:
        return self._listing(request, renderer, resources.JOB, self.dataset.jobs)

    def get_job(self, request: Request, renderer: Renderer, job_id: str) -> Response:
        return self._single(request, renderer, resources.JOB, self.dataset.jobs_by_id.get(job_id))

    def list_job_includes(self, request: Request, renderer: Renderer, job_id: str) -> Response:
        if request.hidden:
            return ok(renderer.includes_document(None))
        job = self.dataset.jobs_by_id.get(job_id)
        if job is None:
            raise ApiError(404, f"Job {job_id} was not found")
        return ok(renderer.includes_document(job))

    def _recent(self, records: list[Any]) -> list[Any]:
        """EM 12.x/13 return only the last 30 days from plain session collections."""
        days = self.config.plain_collection_days
        if not days:
            return records
        oldest = _now_ticks() - days * DAY_TICKS
        return [record for record in records if record.created >= oldest]

    def _listing(self, request: Request, renderer: Renderer, kind: resources.Kind, records: list[Any]) -> Response:
        records = [] if request.hidden else records
        if _format(request, ("entity",)) == "entity":
            return ok(resources.entity_list_document(renderer, kind, records))
        return ok(resources.reference_list_document(renderer, kind, records))

    def _single(self, request: Request, renderer: Renderer, kind: resources.Kind, record: Any) -> Response:
        if record is None or request.hidden:
            raise ApiError(404, f"{kind.tag} {request.path.rsplit('/', 1)[-1]} was not found")
        if _format(request, ("entity",)) == "entity":
            return ok(resources.entity_document(renderer, kind, record))
        return ok(resources.reference_document(renderer, kind, record))

    # -- query service ------------------------------------------------------------------
    def query(self, request: Request, renderer: Renderer) -> Response:
        params = request.params
        query_type = QUERY_TYPES.get(params.get("type", "").lower())
        if query_type is None:
            raise ApiError(400, f"Query type '{params.get('type', '')}' is not supported")
        entities = _format(request, ("entities", "references")) == "entities"
        sort_param, sort = self._sort(params, query_type)
        records = self.engine.run(query_type, params.get("filter"), sort)
        records = self._query_window(records)
        if request.hidden:
            records = []
        elif query_type.name == "VmReplicaPoint":
            records = self._visible_points(request, records)
        page_size, page = self._paging(params)
        kind = resources.KIND_BY_QUERY_TYPE[query_type.name]
        echo = resources.QueryEcho(query_type.name, "Entities" if entities else "References", sort_param, params.get("filter"))
        body = resources.query_result_document(renderer, kind, paginate(records, page_size, page), entities, echo)
        return ok(body)

    def _sort(self, params: dict[str, str], query_type: Any) -> tuple[str | None, Any]:
        if "sortasc" in params and "sortdesc" in params:
            raise ApiError(400, "sortAsc and sortDesc cannot be used together")
        descending = "sortdesc" in params
        name = params.get("sortdesc" if descending else "sortasc")
        sort = self.engine.sort_for(query_type, name, descending)
        if not sort.field:
            return None, sort
        return f"{'sortDesc' if descending else 'sortAsc'}={sort.field}", sort

    def _query_window(self, records: list[Any]) -> list[Any]:
        days = self.config.query_window_days
        if not days:
            return records
        oldest = _now_ticks() - days * DAY_TICKS
        return [record for record in records if getattr(record, "created", oldest) >= oldest]

    def _paging(self, params: dict[str, str]) -> tuple[int | None, int]:
        page_size = _positive_int(params, "pagesize", "pageSize") or self.config.default_page_size
        page = _positive_int(params, "page", "page") or 1
        limit = self.config.max_page_size
        if limit and page_size and page_size > limit:
            if self.config.max_page_size_mode == "reject":
                raise ApiError(400, f"pageSize must not exceed {limit}")
            page_size = limit
        return page_size, page


def _positive_int(params: dict[str, str], key: str, label: str) -> int | None:
    if key not in params:
        return None
    try:
        value = int(params[key])
    except ValueError:
        value = 0
    if value < 1:
        raise ApiError(400, f"{label} must be a whole number greater than 0")
    return value


def _format(request: Request, allowed: tuple[str, ...]) -> str:
    value = request.params.get("format")
    if value is None:
        return ""
    if value.lower() not in allowed:
        raise ApiError(400, f"Format '{value}' is not supported here")
    return value.lower()


def _cookie_token(header: str | None) -> str | None:
    if not header:
        return None
    try:
        morsel = SimpleCookie(header).get(TOKEN_HEADER)
    except CookieError:
        return None
    return morsel.value if morsel else None


def _now_ticks() -> int:
    return int(time.time() * TICKS_PER_SECOND)
