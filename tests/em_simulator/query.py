"""The query service: /api/query?type=...&filter=...&sortAsc|sortDesc=...&pageSize=&page=.

Results of a (type, filter, sort) are cached per dataset version, so paging through a
large result costs one evaluation, and a change to the data is visible on the next page,
as it would be on a live EM.
"""
from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from .dataset import Dataset
from .filters import Field, FilterError, FilterOptions, bounds_for, compile_node, parse_filter
from .query_protection import CDP_POLICY_FIELDS, CDP_SESSION_FIELDS, CDP_TASK_FIELDS, CDP_TASK_RESULT_FIELD, FAILOVER_PLAN_FIELDS
from .model import ALGORITHMS, JOB_STATES, JOB_TYPES, JOB_TYPES_OF_JOBS, PLATFORMS, POINT_TYPES, RESULTS, TASK_STATES


def _fields(*fields: Field) -> dict[str, Field]:
    return {field.name.lower(): field for field in fields}


TASK_FIELDS = _fields(
    Field("UID", "uid", lambda t: t.uid),
    Field("Name", "string", lambda t: t.name),
    Field("CreationTime", "time", lambda t: t.created),
    Field("EndTime", "time", lambda t: t.ended),
    Field("State", "enum", lambda t: t.state, TASK_STATES),
    Field("Result", "enum", lambda t: t.result, RESULTS),
    Field("Reason", "string", lambda t: t.reason),
    Field("TotalSize", "int", lambda t: t.total_size),
    Field("JobSessionUid", "uid", lambda t: t.job_session.uid),
    Field("JobUid", "uid", lambda t: t.job_session.job_uid),
    Field("JobName", "string", lambda t: t.job_session.job_name),
    Field("BackupServerUid", "uid", lambda t: t.job_session.server.uid),
    Field("BackupServerName", "string", lambda t: t.job_session.server.name),
    Field("VmDisplayName", "string", lambda t: t.vm_name),
)

JOB_SESSION_FIELDS = _fields(
    Field("UID", "uid", lambda j: j.uid),
    Field("Name", "string", lambda j: j.name),
    Field("JobType", "enum", lambda j: "Replica", JOB_TYPES),
    Field("JobUid", "uid", lambda j: j.job_uid),
    Field("JobName", "string", lambda j: j.job_name),
    Field("CreationTime", "time", lambda j: j.created),
    Field("EndTime", "time", lambda j: j.ended),
    Field("State", "enum", lambda j: j.state, JOB_STATES),
    Field("Result", "enum", lambda j: j.result, RESULTS),
    Field("IsRetry", "bool", lambda j: j.is_retry),
    Field("BackupServerUid", "uid", lambda j: j.server.uid),
    Field("BackupServerName", "string", lambda j: j.server.name),
)

SERVER_FIELDS = _fields(
    Field("UID", "uid", lambda s: s.uid),
    Field("Name", "string", lambda s: s.name),
    Field("Description", "string", lambda s: s.description),
    Field("IpOrDnsName", "string", lambda s: s.name),
    Field("Port", "int", lambda s: s.port),
    Field("Version", "string", lambda s: s.version),
)

# [get_query_vmreplicapoint]: VmName is not a filter field of the query; VmDisplayName is.
POINT_FIELDS = _fields(
    Field("UID", "uid", lambda p: p.uid),
    Field("Name", "string", lambda p: p.name),
    Field("CreationTime", "time", lambda p: p.created),
    Field("Type", "enum", lambda p: p.point_type, POINT_TYPES),
    Field("Algorithm", "enum", lambda p: p.algorithm, ALGORITHMS),
    Field("ReplicaUid", "uid", lambda p: p.replica_uid),
    Field("ReplicaName", "string", lambda p: p.job.name),
    Field("VmDisplayName", "string", lambda p: p.vm_name),
    Field("BackupServerUid", "uid", lambda p: p.server.uid),
    Field("BackupServerName", "string", lambda p: p.server.name),
)

# [get_query_job]
JOB_FIELDS = _fields(
    Field("UID", "uid", lambda j: j.uid),
    Field("Name", "string", lambda j: j.name),
    Field("Description", "string", lambda j: j.description),
    Field("NextRun", "time", lambda j: j.next_run),
    Field("JobType", "enum", lambda j: "Replica", JOB_TYPES_OF_JOBS),
    Field("Platform", "enum", lambda j: j.platform, PLATFORMS),
    Field("ScheduleConfigured", "bool", lambda j: j.schedule_configured),
    Field("ScheduleEnabled", "bool", lambda j: j.schedule_enabled),
    Field("BackupServerUid", "uid", lambda j: j.server.uid),
    Field("BackupServerName", "string", lambda j: j.server.name),
)

# EM's own examples for CDP sessions filter on CreationTimeUTC; replica types document
# only CreationTime/EndTime, so these aliases are accepted only when switched on.
UTC_FIELD_ALIASES = {"creationtimeutc": "creationtime", "endtimeutc": "endtime"}


@dataclass(frozen=True)
class QueryType:
    name: str
    fields: dict[str, Field]
    records: Callable[[Dataset], list[Any]]
    # The records are kept sorted by this field, so ranges on it are bisected.
    sorted_by: str | None


QUERY_TYPES = {
    "replicatasksession": QueryType("ReplicaTaskSession", TASK_FIELDS, lambda d: d.task_sessions, "CreationTime"),
    "replicajobsession": QueryType("ReplicaJobSession", JOB_SESSION_FIELDS, lambda d: d.job_sessions, "CreationTime"),
    "backupserver": QueryType("BackupServer", SERVER_FIELDS, lambda d: d.servers, None),
    "vmreplicapoint": QueryType("VmReplicaPoint", POINT_FIELDS, lambda d: d.replica_points, "CreationTime"),
    "job": QueryType("Job", JOB_FIELDS, lambda d: d.jobs, None),
    "cdppolicy": QueryType("CdpPolicy", CDP_POLICY_FIELDS, lambda d: d.cdp_policies, None),
    "cdpreplicasession": QueryType("CdpReplicaSession", CDP_SESSION_FIELDS, lambda d: d.cdp_sessions, "CreationTimeUTC"),
    "cdpreplicatasksession": QueryType("CdpReplicaTaskSession", CDP_TASK_FIELDS, lambda d: d.cdp_task_sessions,
                                       "CreationTimeUTC"),
    "failoverplan": QueryType("FailoverPlan", FAILOVER_PLAN_FIELDS, lambda d: d.failover_plans, None),
}


@dataclass(frozen=True)
class Sort:
    field: str  # canonical field name, or "" for the stored order
    descending: bool = False


class QueryEngine:
    def __init__(self, dataset: Dataset, options: FilterOptions, utc_aliases: bool = False, cache_size: int = 64,
                 cdp_result_filter: bool = False) -> None:
        self.dataset = dataset
        self.options = options
        self.utc_aliases = utc_aliases
        self.cdp_result_filter = cdp_result_filter
        self._cache: OrderedDict[tuple, list[Any]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def fields_for(self, query_type: QueryType) -> dict[str, Field]:
        if query_type.name == "CdpReplicaTaskSession" and self.cdp_result_filter:
            return {**query_type.fields, **CDP_TASK_RESULT_FIELD}
        if not self.utc_aliases:
            return query_type.fields
        extra = {alias: query_type.fields[target] for alias, target in UTC_FIELD_ALIASES.items() if target in query_type.fields}
        return {**query_type.fields, **extra}

    def sort_for(self, query_type: QueryType, field_name: str | None, descending: bool) -> Sort:
        if not field_name:
            return Sort("")
        field = self.fields_for(query_type).get(field_name.lower())
        if field is None:
            raise FilterError(f"cannot sort {query_type.name} by unknown field '{field_name}'")
        return Sort(field.name, descending)

    def run(self, query_type: QueryType, filter_text: str | None, sort: Sort) -> list[Any]:
        """Every matching record in order; cached until the dataset changes."""
        key = (query_type.name, filter_text, sort, self.dataset.version, self.options)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        result = self._evaluate(query_type, filter_text, sort)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def _evaluate(self, query_type: QueryType, filter_text: str | None, sort: Sort) -> list[Any]:
        records = query_type.records(self.dataset)
        if filter_text is not None:
            node = parse_filter(filter_text, self.fields_for(query_type), self.options)
            if query_type.sorted_by:
                records = _narrow(records, *bounds_for(node, query_type.sorted_by))
            predicate = compile_node(node, self.options)
            records = [record for record in records if predicate(record)]
        return _sorted(records, query_type, sort, self.fields_for(query_type))


def _narrow(records: list[Any], low: int | None, high: int | None) -> list[Any]:
    start = 0 if low is None else bisect.bisect_left(records, low, key=lambda record: record.created)
    end = len(records) if high is None else bisect.bisect_right(records, high, key=lambda record: record.created)
    return records[start:end]


def _sorted(records: list[Any], query_type: QueryType, sort: Sort, fields: dict[str, Field]) -> list[Any]:
    if not sort.field or sort.field == query_type.sorted_by:
        # Already in creation order; the stored order is also the unsorted answer.
        return list(reversed(records)) if sort.descending else list(records)
    getter = fields[sort.field.lower()].getter
    present = [record for record in records if getter(record) is not None]
    missing = [record for record in records if getter(record) is None]
    present.sort(key=getter, reverse=sort.descending)
    return present + missing


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    size: int
    count: int


def paginate(records: list[Any], page_size: int | None, page: int) -> Page:
    """Slice one page; page_size None puts everything on one page."""
    size = page_size or len(records)
    count = -(-len(records) // size) if size else 0
    start = (page - 1) * size
    return Page(records[start:start + size] if size else [], page, size, count)
