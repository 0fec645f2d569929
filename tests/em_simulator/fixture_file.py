"""Exact data for tests, loaded from a JSON file instead of generated.

Shape: {"backup_servers": [...], "replica_job_sessions": [...], "replica_task_sessions": [...],
"jobs": [...], "replica_points": [...]} with the keys of model.py; times are ISO 8601 UTC
strings ending in Z. "jobs" and "replica_points" are optional: without them EM lists no
job and no point. A job: {"id", "server_id", "name", "schedule_enabled", "schedule_configured",
"next_run", "includes": [{"id", "name", "ref" (a HierarchyObjRef)}]}; a point: {"id",
"vm_name", "job_id", "creation_time", "type"}. CDP policies, their sessions and failover plans
("cdp_policies", "cdp_sessions", "cdp_task_sessions", "failover_plans"): fixture_protection.py.
"""
from __future__ import annotations

import json
from typing import Any

from .dataset import Dataset
from .fixture_protection import protection_from_dict
from .model import BackupServer, Job, ObjectInJob, ReplicaJobSession, ReplicaPoint, ReplicaTaskSession, parse_utc


class FixtureError(ValueError):
    """A fixture file that cannot be loaded; the message names the file and the problem."""


def _time(value: str | None) -> int | None:
    return None if value is None else parse_utc(value)


def _server(raw: dict[str, Any]) -> BackupServer:
    return BackupServer(
        id=raw["id"], name=raw["name"], description=raw.get("description", ""), port=raw.get("port", 9392),
        version=raw["version"], wcf_port=raw.get("wcf_port"), thumbprint=raw.get("thumbprint"),
    )


def _job(raw: dict[str, Any], servers: dict[str, BackupServer]) -> ReplicaJobSession:
    return ReplicaJobSession(
        id=raw["id"], server=servers[raw["server_id"]], job_id=raw["job_id"], job_name=raw["job_name"],
        created=parse_utc(raw["creation_time"]), ended=_time(raw.get("end_time")), state=raw["state"],
        result=raw["result"], progress=raw.get("progress", 100), is_retry=raw.get("is_retry", False),
        failure_message=raw.get("failure_message"),
    )


def _task(raw: dict[str, Any], jobs: dict[str, ReplicaJobSession]) -> ReplicaTaskSession:
    return ReplicaTaskSession(
        id=raw["id"], vm_name=raw["vm_name"], job_session=jobs[raw["job_session_id"]],
        created=parse_utc(raw["creation_time"]), ended=_time(raw.get("end_time")), state=raw["state"],
        result=raw["result"], reason=raw.get("reason", ""), total_size=raw["total_size"], vm_uid=raw.get("vm_uid"),
    )


def _job_entity(raw: dict[str, Any], servers: dict[str, BackupServer]) -> Job:
    includes = [ObjectInJob(item["id"], item["name"], item["ref"], order) for order, item in enumerate(raw.get("includes", []))]
    return Job(
        id=raw["id"], name=raw["name"], server=servers[raw["server_id"]],
        schedule_enabled=raw.get("schedule_enabled", True), schedule_configured=raw.get("schedule_configured", True),
        next_run=_time(raw.get("next_run")), replica_id=raw.get("replica_id", raw["id"]), includes=includes,
    )


def _point(raw: dict[str, Any], jobs: dict[str, Job]) -> ReplicaPoint:
    return ReplicaPoint(id=raw["id"], vm_name=raw["vm_name"], job=jobs[raw["job_id"]],
                        created=parse_utc(raw["creation_time"]), point_type=raw.get("type", "Snapshot"))


def dataset_from_dict(data: dict[str, Any]) -> Dataset:
    servers = {raw["id"]: _server(raw) for raw in data.get("backup_servers", [])}
    jobs = {raw["id"]: _job(raw, servers) for raw in data.get("replica_job_sessions", [])}
    tasks = [_task(raw, jobs) for raw in data.get("replica_task_sessions", [])]
    job_entities = {raw["id"]: _job_entity(raw, servers) for raw in data.get("jobs", [])}
    points = [_point(raw, job_entities) for raw in data.get("replica_points", [])]
    return Dataset(servers=list(servers.values()), job_sessions=list(jobs.values()), task_sessions=tasks,
                   jobs=list(job_entities.values()), replica_points=points, **protection_from_dict(data, servers))


def load_fixture(path: str) -> Dataset:
    try:
        with open(path, encoding="utf-8") as handle:
            return dataset_from_dict(json.load(handle))
    except OSError as error:
        raise FixtureError(f"cannot read fixture {path}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise FixtureError(f"fixture {path} is not valid JSON: {error}") from error
    except (KeyError, TypeError, ValueError) as error:
        raise FixtureError(f"fixture {path} has a bad or missing field: {error}") from error
