# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for EM's query service (`/api/query?...&filter=<text>`), built and quoted safely.

Grammar (docs/docsite/rst/em_api_notes.rst, "Query service"; Veeam's `filter` and
`optional_query_parameters` pages): `field op value`, AND is `;`, OR is `,`, `( )` groups, a
value in double quotes may hold anything and writes a literal `"` as `""`. EM does not
document how `;` and `,` bind without parentheses, so every nested group is put in
parentheses and the question never arises.

    tasks = QueryFilterBuilder("ReplicaTaskSession")
    All(tasks.compare("CreationTime", ">=", since), tasks.equals_any("Result", ["Failed", "Warning"])).render()
    -> 'CreationTime>="2025-06-17T00:00:00Z";(Result==Failed,Result==Warning)'

Building never touches the network; a field the query type does not document, an
operator EM lacks or a value of the wrong type raises ConfigurationError at once.
URL-encoding the text is the transport's job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dataclass_field
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping, Union

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

OPERATORS = ("==", "!=", ">", "<", ">=", "<=")

# Kinds decide how a value is written: string/uid quoted, time as UTC, enum bare when it
# is a plain word (EM compares enums by their place in the documented list).
_PLAIN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, eq=False)
class QueryFields:
    """The fields EM documents as filterable for one query type, with their kinds."""

    query_type: str
    kinds: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", MappingProxyType(dict(self.kinds)))
        object.__setattr__(self, "_by_lower", {name.lower(): name for name in self.kinds})

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_lower  # type: ignore[attr-defined]

    def __iter__(self) -> Iterator[str]:
        return iter(self.kinds)

    def canonical(self, name: str) -> str:
        """The documented spelling of a field (EM's field names are case-insensitive)."""
        found = self._by_lower.get(name.lower()) if isinstance(name, str) else None  # type: ignore[attr-defined]
        if found is None:
            raise ConfigurationError(
                f"{name!r} is not a filterable field of an Enterprise Manager {self.query_type} query; "
                f"use one of: {', '.join(self.kinds)}"
            )
        return found


# The fields each query type's page lists as filterable (docs/docsite/rst/em_api_notes.rst, "Filterable fields").
TASK_SESSION_FIELDS = QueryFields("ReplicaTaskSession", {
    "UID": "uid", "Name": "string", "CreationTime": "time", "EndTime": "time", "State": "enum",
    "Result": "enum", "Reason": "string", "TotalSize": "int", "JobSessionUid": "uid", "JobUid": "uid",
    "JobName": "string", "BackupServerUid": "uid", "BackupServerName": "string", "VmDisplayName": "string",
})
JOB_SESSION_FIELDS = QueryFields("ReplicaJobSession", {
    "UID": "uid", "Name": "string", "JobType": "enum", "JobUid": "uid", "JobName": "string",
    "CreationTime": "time", "EndTime": "time", "State": "enum", "Result": "enum", "IsRetry": "bool",
    "BackupServerUid": "uid", "BackupServerName": "string",
})
BACKUP_SERVER_FIELDS = QueryFields("BackupServer", {
    "UID": "uid", "Name": "string", "Description": "string", "IpOrDnsName": "string", "Port": "int",
    "Version": "string",
})
REPLICA_POINT_FIELDS = QueryFields("VmReplicaPoint", {
    "UID": "uid", "Name": "string", "CreationTime": "time", "Type": "enum", "Algorithm": "enum",
    "ReplicaUid": "uid", "ReplicaName": "string", "VmDisplayName": "string", "BackupServerUid": "uid",
    "BackupServerName": "string",
})
JOB_FIELDS = QueryFields("Job", {
    "UID": "uid", "Name": "string", "Description": "string", "NextRun": "time", "JobType": "enum",
    "Platform": "enum", "ScheduleConfigured": "bool", "ScheduleEnabled": "bool", "BackupServerUid": "uid",
    "BackupServerName": "string",
})
FIELDS_BY_QUERY_TYPE = MappingProxyType({
    fields.query_type.lower(): fields
    for fields in (TASK_SESSION_FIELDS, JOB_SESSION_FIELDS, BACKUP_SERVER_FIELDS, REPLICA_POINT_FIELDS, JOB_FIELDS)
})

FilterValue = Union[str, int, bool, datetime]


def quote(text: str) -> str:
    """A value in double quotes, any `"` inside doubled (EM's only escape)."""
    return '"' + text.replace('"', '""') + '"'


def format_time(moment: datetime, round_up: bool = False) -> str:
    """An aware datetime as EM's UTC filter form YYYY-MM-DDTHH:MM:SSZ.

    EM's form has no fraction, so a fraction is dropped, or with round_up carried to
    the next whole second.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ConfigurationError(
            f"the time {moment.isoformat()} has no time zone; Enterprise Manager filters take UTC, "
            "so give an aware datetime (e.g. with tzinfo=timezone.utc)"
        )
    try:
        utc = moment.astimezone(timezone.utc)
        if round_up and utc.microsecond:
            utc += timedelta(seconds=1)
    except OverflowError as error:
        raise ConfigurationError(f"the time {moment.isoformat()} is out of range in UTC") from error
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def _render_value(name: str, kind: str, op: str, value: object) -> str:
    """The value as filter text for a field of that kind, or ConfigurationError."""
    # bool is an int subclass, so it is tested before int.
    if kind == "bool" and isinstance(value, bool):
        return "true" if value else "false"
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if kind == "time" and isinstance(value, datetime):
        # Whole seconds only: an upper bound is rounded up and a lower one down, so the
        # filter can let through a little more than asked, never less.
        return quote(format_time(value, round_up=op in ("<", "<=")))
    if kind == "enum" and isinstance(value, str):
        return value if _PLAIN_WORD.match(value) else quote(value)
    if kind in ("string", "uid") and isinstance(value, str):
        return quote(value)
    wanted = {"bool": "true or false", "int": "an integer", "time": "an aware datetime"}.get(kind, "text")
    raise ConfigurationError(f"the filter field {name} takes {wanted}, not {type(value).__name__} {value!r}")


@dataclass(frozen=True)
class Comparison:
    """`field op value`; the field is checked against `fields` (a query type's list)."""

    field: str
    op: str
    value: FilterValue
    fields: QueryFields = dataclass_field(default=TASK_SESSION_FIELDS, kw_only=True, repr=False, compare=False)

    def __post_init__(self) -> None:
        name = self.fields.canonical(self.field)
        if self.op not in OPERATORS:
            raise ConfigurationError(
                f"{self.op!r} is not an Enterprise Manager filter operator; use one of: {' '.join(OPERATORS)}"
            )
        text = _render_value(name, self.fields.kinds[name], self.op, self.value)
        object.__setattr__(self, "field", name)
        # Rendered once here, so a bad value fails where the filter is built.
        object.__setattr__(self, "_text", f"{name}{self.op}{text}")

    def render(self) -> str:
        return self._text  # type: ignore[attr-defined]


class _Group:
    """Parts joined by one joiner; a nested group is always written in parentheses."""

    joiner = ""
    __slots__ = ("parts",)

    def __init__(self, *parts: Expression) -> None:
        if not parts:
            raise ConfigurationError(f"{type(self).__name__}() needs at least one comparison")
        for part in parts:
            if not isinstance(part, (Comparison, _Group)):
                raise ConfigurationError(f"{type(self).__name__}() takes comparisons and groups, not {part!r}")
        object.__setattr__(self, "parts", tuple(parts))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.parts == self.parts  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.parts))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(repr(part) for part in self.parts)})"

    def render(self) -> str:
        if len(self.parts) == 1:
            return self.parts[0].render()
        return self.joiner.join(_nested(part) for part in self.parts)


def _nested(part: Expression) -> str:
    return part.render() if isinstance(part, Comparison) else f"({part.render()})"


class All(_Group):
    """Every part holds (AND, `;`)."""

    joiner = ";"
    __slots__ = ()


class Any(_Group):
    """At least one part holds (OR, `,`)."""

    joiner = ","
    __slots__ = ()


Expression = Union[Comparison, All, Any]


def equals_any(field: str, values: Iterable[FilterValue], fields: QueryFields = TASK_SESSION_FIELDS) -> Comparison | Any:
    """`field==v1,field==v2,...`; a single comparison for a single value."""
    unique = list(dict.fromkeys(values))
    if not unique:
        raise ConfigurationError(f"equals_any({field!r}) needs at least one value")
    comparisons = [Comparison(field, "==", value, fields=fields) for value in unique]
    return comparisons[0] if len(comparisons) == 1 else Any(*comparisons)


class QueryFilterBuilder:
    """Comparisons for one query type, e.g. QueryFilterBuilder("ReplicaTaskSession")."""

    def __init__(self, query_type: str | QueryFields) -> None:
        if isinstance(query_type, QueryFields):
            self.fields = query_type
            return
        fields = FIELDS_BY_QUERY_TYPE.get(str(query_type).lower())
        if fields is None:
            raise ConfigurationError(
                f"no filter fields are known for the query type {query_type!r}; "
                f"use one of: {', '.join(f.query_type for f in FIELDS_BY_QUERY_TYPE.values())}"
            )
        self.fields = fields

    def compare(self, field: str, op: str, value: FilterValue) -> Comparison:
        return Comparison(field, op, value, fields=self.fields)

    def equals_any(self, field: str, values: Iterable[FilterValue]) -> Comparison | Any:
        return equals_any(field, values, fields=self.fields)
