"""Everything about the simulator that a test may switch: readings of what EM leaves
undocumented (strict by default) and injected faults (off by default)."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .filters import PRECEDENCE_MODES, FilterOptions

RUNNING_RESULT_MODES = ("value", "empty", "omit")
PAGE_LIMIT_MODES = ("clamp", "reject")


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
    # element, "omit" leaves it out.
    running_result: str = "value"
    # Plain collections (/replicaTaskSessions, /replicaSessions) show only this many days
    # (12.x/13 docs: 30); 0 shows everything.
    plain_collection_days: int = 30
    # The query service is not documented to have such a window; 0 means none.
    query_window_days: int = 0
    # -- sessions ----------------------------------------------------------------------
    idle_timeout: float = 900.0
    # -- faults ------------------------------------------------------------------------
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
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

    def changed(self, **changes: Any) -> SimulatorConfig:
        known = {field.name for field in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown simulator setting(s): {', '.join(unknown)}")
        if "error_statuses" in changes:
            changes["error_statuses"] = tuple(changes["error_statuses"])
        return replace(self, **changes)


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
    if config.max_page_size_mode not in PAGE_LIMIT_MODES:
        problems.append(f"max_page_size_mode must be one of {', '.join(PAGE_LIMIT_MODES)}")
    if config.idle_timeout <= 0 or config.latency_ms < 0 or config.latency_jitter_ms < 0:
        problems.append("idle_timeout must be positive and latencies not negative")
    if any(status not in (500, 502, 503, 504) for status in config.error_statuses) or not config.error_statuses:
        problems.append("error_statuses may hold only 500, 502, 503 and 504")
    return problems
