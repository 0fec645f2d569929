"""Everything about the simulator that a test may switch: readings of what EM leaves
undocumented (strict by default) and injected faults (off by default)."""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

from .config_jobs import job_problems
from .filters import PRECEDENCE_MODES, FilterOptions
from .roles import RESOURCE_NAMES, groups_of

# "success": a running session already claims Result Success (seen on real EMs, F1).
RUNNING_RESULT_MODES = ("value", "empty", "omit", "success")
# EndTimeUTC of a running session: left out (the docs' reading), or a placeholder that some
# EM and backup-server builds write: SQL's 1900 minimum, .NET's DateTime.MinValue (no
# zone), or a time before the session's creation.
RUNNING_END_TIME_MODES = ("omit", "1900", "dotnet-min", "before-creation")
# What answers at the URL: EM itself, or a service users point the url at by mistake.
ANSWER_AS_MODES = ("em", "vbr-rest", "web-ui", "proxy-error")
PAGE_LIMIT_MODES = ("clamp", "reject")
# Plain HTTP sent to the TLS port: the handshake fails and the connection is reset (EM's
# HTTP.sys, Python), or a TLS front end such as nginx answers "400 The plain HTTP request
# was sent to HTTPS port".
PLAIN_HTTP_ON_TLS_MODES = ("reset", "nginx-400")
# The element of a Job entity that holds the next run: the query field is NextRun
# [get_query_job]; whether the entity writes NextRun or NextRunUTC is not shown.
NEXT_RUN_ELEMENTS = ("NextRun", "NextRunUTC")
# What NextRun holds for a job whose schedule is disabled (undocumented): the last planned
# run ("keep") or nothing ("omit").
DISABLED_NEXT_RUN_MODES = ("keep", "omit")
# What an account without rights on replica restore points is given (undocumented: docs/docsite/rst/em_api_notes.rst, "Replica restore points"):
# every point (full), an empty result (empty), or 403 Forbidden (forbidden).
POINTS_ACCESS_MODES = ("full", "empty", "forbidden")
# How EM answers a read the account's roles do not allow: security_roles_concept lists the
# rights, not the answer. 403 with an Error body ("forbidden"); 401 as for an expired token
# ("unauthorized", indistinguishable from one); or no records ("empty": lists and query
# results hold none, a read by id answers 404).
DENIED_ANSWER_MODES = ("forbidden", "unauthorized", "empty")
# Whether query?type=CdpReplicaTaskSession takes a filter on Result: the page does not list it
# (docs/docsite/rst/em_api_notes.rst: UNKNOWN). "reject" answers it as any unknown field (400).
CDP_RESULT_FILTER_MODES = ("reject", "accept")
# How long the generator's CDP task sessions run (GeneratorSpec.cdp_session_span,
# datagen_protection.py): a short sync per RPO interval, or until the next long-term restore
# point, as Veeam's examples show them (cdpreplicasessions_id_cdpreplicatasksessions).
CDP_SESSION_SPANS = ("sync", "long-term")
_LINK_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?\Z")


@dataclass(frozen=True)
class SimulatorConfig:
    # -- readings of undocumented behaviour --------------------------------------------
    # EM's documented example answers a query without pageSize with PageSize="15".
    default_page_size: int | None = 15
    # No maximum is documented; when set, larger requests are clamped (the client must
    # read PagingInfo) or refused with 400.
    max_page_size: int | None = None
    max_page_size_mode: str = "clamp"
    # How ';' and ',' bind without parentheses is undocumented: strict refuses to guess.
    filter_precedence: str = "strict"
    case_sensitive_strings: bool = True
    # Filter times must be UTC (`Z`) or a bare date; lenient also takes zone-less times.
    lenient_dates: bool = False
    # Accept CreationTimeUTC/EndTimeUTC as filter fields (documented for CDP types only).
    utc_field_aliases: bool = False
    # Result of a running session: "value" writes <Result>None</Result>, "empty" an empty
    # element, "omit" leaves it out, "success" claims Success before the task has ended.
    running_result: str = "value"
    running_end_time: str = "omit"
    next_run_element: str = "NextRun"
    disabled_next_run: str = "keep"
    points_access: str = "full"
    denied_answer: str = "forbidden"
    # (resource, mode) pairs that answer otherwise than denied_answer; a resource is a
    # collection by the name in its URL ("jobs") or a query type ("Job"), as in roles.py.
    denied_answer_for: tuple[tuple[str, str], ...] = ()
    cdp_result_filter: str = "reject"
    # -- what EM is configured with ---------------------------------------------------
    # EM builds every Href from its own configured host name; None uses the request's
    # Host header. "NAME" keeps the listening port, "NAME:PORT" names both.
    link_host: str | None = None
    answer_as: str = "em"
    plain_http_on_tls: str = "reset"
    # Plain collections (/replicaTaskSessions, /replicaSessions) show only this many days
    # (12.x/13 docs: 30); 0 shows everything.
    plain_collection_days: int = 30
    # The query service is not documented to have such a window; 0 means none.
    query_window_days: int = 0
    # -- sessions ----------------------------------------------------------------------
    idle_timeout: float = 900.0
    # -- jobs that run, EM tasks, EM's collection (config_jobs.py) ---------------------
    # How long a started run takes on the backup server, in simulated seconds (clock.py).
    job_run_seconds: float = 10.0
    # How a run ends, for every job and (job name, result) pairs for some.
    job_run_result: str = "Success"
    job_run_result_for: tuple[tuple[str, str], ...] = ()
    # A task is Running for the first half of this, OperationFinished for the second, then Finished.
    task_seconds: float = 2.0
    # How long a Finished task stays readable before it answers 404; None: while its logon session lives.
    task_lifetime_seconds: float | None = None
    failed_task_shape: str = "result-false"
    already_running_answer: str = "failed-task"
    retry_not_failed_answer: str = "failed-task"
    # EM's automatic collection from each backup server every this many seconds (EM's default
    # is 15 minutes); None: what a run does is visible through EM at once.
    collection_interval_seconds: float | None = None
    # How long a collection asked for (?action=collect) takes before its data is visible.
    collect_seconds: float = 3.0
    # -- faults ------------------------------------------------------------------------
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    # A logon (POST /api/sessionMngr/) answered this late: an EM whose service is starting.
    logon_delay_ms: float = 0.0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (503,)
    retry_after: int | None = None
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    token_expiry_after: int | None = None
    fault_seed: int | None = None

    def __post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def filter_options(self) -> FilterOptions:
        return FilterOptions(self.filter_precedence, self.case_sensitive_strings, self.lenient_dates)

    def run_result_of(self, job_name: str) -> str:
        """How a run of this job ends (job_run_result_for, else job_run_result)."""
        return dict(self.job_run_result_for).get(job_name, self.job_run_result)

    def denied_answer_to(self, resource: str) -> str:
        """How a denied read of this resource is answered (DENIED_ANSWER_MODES)."""
        modes = dict(self.denied_answer_for)
        if resource in modes:
            return modes[resource]
        # A group name (cdp_sessions) covers its collections and query types.
        return next((modes[group] for group in groups_of(resource) if group in modes), self.denied_answer)

    def link_base(self, scheme: str, request_host: str, port: int) -> str:
        """The API root EM writes into every Href: its configured host name (link_host),
        else the host the request named."""
        host = request_host
        if self.link_host is not None:
            host = self.link_host if _LINK_HOST.match(self.link_host).group(2) else f"{self.link_host}:{port}"
        return f"{scheme}://{host}/api"

    def changed(self, **changes: Any) -> SimulatorConfig:
        known = {field.name for field in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown simulator setting(s): {', '.join(unknown)}")
        if "error_statuses" in changes:
            changes["error_statuses"] = tuple(changes["error_statuses"])
        for name in ("denied_answer_for", "job_run_result_for"):
            if name in changes:
                changes[name] = name_pairs(changes[name])
        return replace(self, **changes)


def name_pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """denied_answer_for or job_run_result_for as pairs, from pairs or (the control endpoint's
    JSON) a mapping."""
    items = value.items() if isinstance(value, dict) else value
    return tuple((str(name), str(mode)) for name, mode in items)


def _denied_answer_problems(config: SimulatorConfig) -> list[str]:
    problems = []
    modes = [config.denied_answer, *(mode for _name, mode in config.denied_answer_for)]
    if any(mode not in DENIED_ANSWER_MODES for mode in modes):
        problems.append(f"denied_answer must be one of {', '.join(DENIED_ANSWER_MODES)}")
    names = [name for name, _mode in config.denied_answer_for]
    unknown = sorted(set(names) - RESOURCE_NAMES)
    if unknown:
        problems.append(f"denied_answer_for names no resource or query type of roles.py: {', '.join(unknown)}")
    if len(set(names)) != len(names):
        problems.append("denied_answer_for names a resource twice")
    return problems


def validate(config: SimulatorConfig) -> list[str]:
    problems = []
    for name in ("error_rate", "drop_rate", "truncate_rate"):
        if not 0.0 <= getattr(config, name) <= 1.0:
            problems.append(f"{name} must be between 0 and 1")
    if config.error_rate + config.drop_rate + config.truncate_rate > 1.0:
        problems.append("error_rate + drop_rate + truncate_rate must not exceed 1")
    for name in ("default_page_size", "max_page_size", "token_expiry_after"):
        value = getattr(config, name)
        if value is not None and value < 1:
            problems.append(f"{name} must be at least 1 (or unset)")
    if config.filter_precedence not in PRECEDENCE_MODES:
        problems.append(f"filter_precedence must be one of {', '.join(PRECEDENCE_MODES)}")
    if config.running_result not in RUNNING_RESULT_MODES:
        problems.append(f"running_result must be one of {', '.join(RUNNING_RESULT_MODES)}")
    for name, modes in (("running_end_time", RUNNING_END_TIME_MODES), ("answer_as", ANSWER_AS_MODES),
                        ("plain_http_on_tls", PLAIN_HTTP_ON_TLS_MODES),
                        ("next_run_element", NEXT_RUN_ELEMENTS), ("disabled_next_run", DISABLED_NEXT_RUN_MODES),
                        ("points_access", POINTS_ACCESS_MODES), ("cdp_result_filter", CDP_RESULT_FILTER_MODES)):
        if getattr(config, name) not in modes:
            problems.append(f"{name} must be one of {', '.join(modes)}")
    problems += _denied_answer_problems(config)
    problems += job_problems(config)
    if config.link_host is not None and not _LINK_HOST.match(config.link_host):
        problems.append("link_host must be a host name or address, optionally with :PORT")
    if config.max_page_size_mode not in PAGE_LIMIT_MODES:
        problems.append(f"max_page_size_mode must be one of {', '.join(PAGE_LIMIT_MODES)}")
    if config.idle_timeout <= 0 or config.latency_ms < 0 or config.latency_jitter_ms < 0 or config.logon_delay_ms < 0:
        problems.append("idle_timeout must be positive and latencies not negative")
    if any(status not in (500, 502, 503, 504) for status in config.error_statuses) or not config.error_statuses:
        problems.append("error_statuses may hold only 500, 502, 503 and 504")
    return problems
