# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalised records: the stable, snake_case keys users see (the modules' RETURN docs)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

from ansible_collections.veeam_em.core.plugins.module_utils._outcome import JOB_SESSION_STOPPED, settle
from ansible_collections.veeam_em.core.plugins.module_utils._times import PLACEHOLDER_BEFORE, iso


def parse_record_time(value: Any) -> datetime | None:
    """A record's time (ISO 8601 string or datetime) as an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ConfigurationError(f"not an ISO 8601 time in a task session record: {value!r}") from None
    if moment.tzinfo is None:
        raise ConfigurationError(f"a task session time has no time zone: {value!r}")
    return moment


def record_times(values: Iterable[Any]) -> list[datetime | None]:
    """parse_record_time() of each value, a datetime kept as it is without a call: the fold keeps
    its times as datetimes, a VM has one per run or point, and a cache's text is parsed."""
    return [value if value.__class__ is datetime else parse_record_time(value) for value in values]


def task_session_record(raw: dict[str, Any]) -> dict[str, Any]:
    """One replica task session, settled (_outcome.settle): `result`, `end_time` and
    `duration_seconds` are null until the State is Completed, and placeholder times are null.
    Times are ISO 8601 text (UTC, Z), as the module returns them."""
    record = settled_task_session(raw)
    record["creation_time"], record["end_time"] = iso(record["creation_time"]), iso(record["end_time"])
    return record


def settled_task_session(raw: dict[str, Any]) -> dict[str, Any]:
    """task_session_record() with the times still aware datetimes (or None), for callers
    that fold sessions (the inventory) and would only parse the text back."""
    outcome = settle(raw.get("state"), raw.get("result"), raw.get("creation_time"), raw.get("end_time"))
    return {
        "id": raw.get("id"),
        "uid": raw.get("uid"),
        "name": raw.get("name"),
        "vm_name": raw.get("vm_name"),
        "state": raw.get("state"),
        "result": outcome.result,
        "reason": raw.get("reason") or "",
        "creation_time": outcome.creation_time,
        "end_time": outcome.end_time,
        "duration_seconds": outcome.duration_seconds,
        "total_size": raw.get("total_size"),
        "job_session_id": raw.get("job_session_id"),
        "job_session_name": raw.get("job_session_name"),
        "job_name": raw.get("job_name"),
        "backup_server_id": raw.get("backup_server_id"),
        "backup_server_name": raw.get("backup_server_name"),
        "href": raw.get("href"),
    }


def replica_point_record(raw: dict[str, Any]) -> dict[str, Any]:
    """One VM replica restore point; creation_time is ISO 8601 text (UTC, Z), as the module returns it."""
    record = settled_replica_point(raw)
    record["creation_time"] = iso(record["creation_time"])
    return record


def settled_replica_point(raw: dict[str, Any]) -> dict[str, Any]:
    """replica_point_record() with the time still an aware datetime, for callers that fold points."""
    keys = ("id", "uid", "name", "vm_name", "creation_time", "type", "algorithm", "replica_id", "replica_name",
            "backup_server_id", "backup_server_name", "href")
    return {key: raw.get(key) for key in keys}


def replication_job_record(raw: dict[str, Any], includes: list[dict[str, Any]] | None) -> dict[str, Any]:
    """One replication job with its schedule state and, when read, the objects it includes
    (None when not read); next_run is ISO 8601 text (UTC, Z)."""
    keys = ("id", "uid", "name", "description", "platform", "schedule_configured", "schedule_enabled",
            "backup_server_id", "backup_server_name", "href")
    record = {key: raw.get(key) for key in keys}
    record["next_run"] = iso(raw.get("next_run"))
    object_keys = ("id", "name", "display_name", "object_type", "hierarchy_obj_ref", "order")
    record["includes"] = None if includes is None else [{key: item.get(key) for key in object_keys} for item in includes]
    return record


def job_session_record(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """A replication job session (a run of the job) as the modules that act return it: its result
    only once Stopped, since EM writes None while the run goes [get_query_replicajobsession]."""
    if raw is None:
        return None
    record = {key: raw.get(key) for key in ("id", "uid", "name", "state", "is_retry", "progress", "failure_message")}
    record["result"] = raw.get("result") if raw.get("state") == JOB_SESSION_STOPPED else None
    record["creation_time"], record["end_time"] = iso(raw.get("creation_time")), iso(raw.get("end_time"))
    return record


def backup_server_record(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": raw.get("id"),
        "uid": raw.get("uid"),
        "name": raw.get("name"),
        "description": raw.get("description") or "",
        "port": raw.get("port"),
        "version": raw.get("version"),
        "wcf_port": raw.get("wcf_port"),
        "certificate_thumbprint": raw.get("certificate_thumbprint"),
        "href": raw.get("href"),
    }


def latest_per_vm(raw_sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest raw record (task session or restore point) of each (backup server, VM), newest first.

    Works on the client's raw records, whose times are datetimes: ISO strings with and
    without fractional seconds do not sort correctly as text.
    """
    newest: dict[tuple[Any, Any], dict[str, Any]] = {}
    for session in raw_sessions:
        key = (session.get("backup_server_id"), session.get("vm_name"))
        if key not in newest or _created(session) > _created(newest[key]):
            newest[key] = session
    return sorted(newest.values(), key=_created, reverse=True)


def _created(raw: dict[str, Any]) -> Any:
    # A session whose creation time was a placeholder (None) is kept, as the oldest.
    return raw.get("creation_time") or PLACEHOLDER_BEFORE
