"""EM's XML shapes: attributes, element order, links and empty elements as documented.

Written with plain string building (not a DOM) because a 1,000-entity page must render
in a few milliseconds; values are escaped the way .NET's XmlWriter escapes them.
"""
from __future__ import annotations

from typing import Iterable
from xml.sax.saxutils import escape

from .model import NAMESPACE, BackupServer, Job, ObjectInJob, ReplicaJobSession, ReplicaPoint, ReplicaTaskSession, format_utc

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
SCHEMA_NAMESPACES = 'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\n": "&#xA;", "\r": "&#xD;", "\t": "&#x9;"}
SUPPORTED_VERSIONS = ("v1_5", "v1_6", "v1_7")
# How far before its creation a "before-creation" placeholder end lies (1 hour).
PLACEHOLDER_LAG_TICKS = 3600 * 10_000_000


def attr(value: str) -> str:
    return '"' + escape(value, _ATTRIBUTE_ENTITIES) + '"'


def link(rel: str, href: str, type_: str | None = None, name: str | None = None) -> str:
    parts = [f'<Link Href={attr(href)}']
    if name is not None:
        parts.append(f" Name={attr(name)}")
    if type_ is not None:
        parts.append(f" Type={attr(type_)}")
    parts.append(f' Rel="{rel}" />')
    return "".join(parts)


def element(name: str, value: str | None) -> str:
    """An element, empty as `<Name />`, or nothing at all when the value is None."""
    if value is None:
        return ""
    return f"<{name}>{escape(value)}</{name}>" if value else f"<{name} />"


def document(root: str, attributes: str, body: str) -> bytes:
    """A whole response body: the declaration, then a root in EM's namespace."""
    spaced = f" {attributes}" if attributes else ""
    return f'{DECLARATION}<{root} {SCHEMA_NAMESPACES}{spaced} xmlns="{NAMESPACE}">{body}</{root}>'.encode("utf-8")


def error_body(status: int, message: str) -> bytes:
    return (
        f'{DECLARATION}<Error {SCHEMA_NAMESPACES} Message={attr(message)} StatusCode="{status}" '
        f'xmlns="{NAMESPACE}" />'
    ).encode("utf-8")


class Renderer:
    """Renders entities with Hrefs under `base` (e.g. https://host:9398/api)."""

    def __init__(self, base: str, running_result: str = "value", running_end_time: str = "omit",
                 next_run_element: str = "NextRun", disabled_next_run: str = "keep") -> None:
        self.base = base
        self.running_result = running_result
        self.running_end_time = running_end_time
        self.next_run_element = next_run_element
        self.disabled_next_run = disabled_next_run

    # -- entry point and logon sessions -------------------------------------------------
    def entry_point(self) -> bytes:
        versions = "".join(
            f'<SupportedVersion Name="{name}"><Links>'
            f'{link("Create", f"{self.base}/sessionMngr/?v={name}", "LogonSession")}'
            "</Links></SupportedVersion>"
            for name in SUPPORTED_VERSIONS
        )
        links = (
            link("Create", f"{self.base}/sessionMngr/?v=latest", "LogonSession")
            + link("Down", f"{self.base}/logonSessions", "LogonSessionList")
        )
        body = f"<SupportedVersions>{versions}</SupportedVersions><Links>{links}</Links>"
        return document("EnterpriseManager", f'Href="{self.base}/" Type="EnterpriseManager"', body)

    def _logon_session_body(self, session_id: str, user_name: str) -> str:
        href = f"{self.base}/logonSessions/{session_id}"
        links = "".join((
            link("Up", f"{self.base}/", "EnterpriseManager"),
            link("Down", f"{self.base}/backupServers", "BackupServerReferenceList"),
            link("Down", f"{self.base}/replicaSessions", "ReplicaJobSessionReferenceList"),
            link("Down", f"{self.base}/replicaTaskSessions", "ReplicaTaskSessionReferenceList"),
            link("Down", f"{self.base}/querySvc", "QueryService"),
            link("Down", f"{self.base}/backupServers?format=Entity", "BackupServerList"),
            link("Down", f"{self.base}/replicaSessions?format=Entity", "ReplicaJobSessionList"),
            link("Down", f"{self.base}/replicaTaskSessions?format=Entity", "ReplicaTaskSessionList"),
            link("Delete", href),
        ))
        return (
            f"<Links>{links}</Links><UserName>{escape(user_name)}</UserName>"
            f"<SessionId>{session_id}</SessionId>"
        )

    def logon_session(self, session_id: str, user_name: str) -> bytes:
        href = f"{self.base}/logonSessions/{session_id}"
        return document("LogonSession", f'Href="{href}" Type="LogonSession"', self._logon_session_body(session_id, user_name))

    def logon_sessions(self, sessions: Iterable[tuple[str, str]]) -> bytes:
        body = "".join(
            f'<LogonSession Href="{self.base}/logonSessions/{sid}" Type="LogonSession">'
            f"{self._logon_session_body(sid, user)}</LogonSession>"
            for sid, user in sessions
        )
        return document("LogonSessions", "", body)

    # -- backup servers -----------------------------------------------------------------
    def server_href(self, server: BackupServer) -> str:
        return f"{self.base}/backupServers/{server.id}"

    def server_ref_links(self, server: BackupServer) -> str:
        href = self.server_href(server)
        return (
            link("Alternate", f"{href}?format=Entity", "BackupServer", server.name)
            + link("Down", f"{href}/jobs", "JobReferenceList")
        )

    def server_parts(self, server: BackupServer) -> tuple[str, str]:
        href = self.server_href(server)
        links = (
            link("Alternate", href, "BackupServerReference", server.name)
            + link("Down", f"{href}/jobs", "JobReferenceList")
            + link("Down", f"{href}/repositories", "RepositoryReferenceList")
        )
        body = (
            f"<Links>{links}</Links>{element('Description', server.description)}"
            f"<Port>{server.port}</Port>{element('Version', server.version)}"
            f"{element('WcfPort', None if server.wcf_port is None else str(server.wcf_port))}"
            f"{element('VbrCertificateThumbprint', server.thumbprint)}"
        )
        attributes = f'Href="{href}?format=Entity" Type="BackupServer" Name={attr(server.name)} UID="{server.uid}"'
        return attributes, body

    # -- replica job sessions -----------------------------------------------------------
    def job_href(self, job: ReplicaJobSession) -> str:
        return f"{self.base}/replicaSessions/{job.id}"

    def job_ref_links(self, job: ReplicaJobSession) -> str:
        href = self.job_href(job)
        return (
            link("Up", self.server_href(job.server), "BackupServerReference", job.server.name)
            + link("Alternate", f"{href}?format=Entity", "ReplicaJobSession", job.name)
            + link("Down", f"{href}/replicaTaskSessions", "ReplicaTaskSessionReferenceList")
        )

    def job_parts(self, job: ReplicaJobSession) -> tuple[str, str]:
        href = self.job_href(job)
        links = (
            link("Up", self.server_href(job.server), "BackupServerReference", job.server.name)
            + link("Up", f"{self.base}/jobs/{job.job_id}", "JobReference", job.job_name)
            + link("Alternate", href, "ReplicaJobSessionReference", job.name)
            + link("Down", f"{href}/replicaTaskSessions", "ReplicaTaskSessionReferenceList")
        )
        body = (
            f"<Links>{links}</Links><JobUid>{job.job_uid}</JobUid>{element('JobName', job.job_name)}"
            f"<JobType>Replica</JobType><CreationTimeUTC>{format_utc(job.created)}</CreationTimeUTC>"
            f"{self._end_time(job.ended, job.created)}<State>{job.state}</State>{self._result(job.result, job.ended)}"
            f"<Progress>{job.progress}</Progress>{element('FailureMessage', job.failure_message)}"
            f"<IsRetry>{'true' if job.is_retry else 'false'}</IsRetry>"
        )
        attributes = f'Href="{href}?format=Entity" Type="ReplicaJobSession" Name={attr(job.name)} UID="{job.uid}"'
        return attributes, body

    # -- replica task sessions ----------------------------------------------------------
    def task_href(self, task: ReplicaTaskSession) -> str:
        return f"{self.base}/replicaTaskSessions/{task.id}"

    def task_ref_links(self, task: ReplicaTaskSession) -> str:
        job = task.job_session
        return (
            link("Up", self.server_href(job.server), "BackupServerReference", job.server.name)
            + link("Up", self.job_href(job), "ReplicaJobSessionReference", job.name)
            + link("Alternate", f"{self.task_href(task)}?format=Entity", "ReplicaTaskSession", task.name)
        )

    def task_parts(self, task: ReplicaTaskSession) -> tuple[str, str]:
        job = task.job_session
        href = self.task_href(task)
        links = (
            link("Up", self.server_href(job.server), "BackupServerReference", job.server.name)
            + link("Up", self.job_href(job), "ReplicaJobSessionReference", job.name)
            + link("Alternate", href, "ReplicaTaskSessionReference", task.name)
        )
        body = (
            f"<Links>{links}</Links><JobSessionUid>{job.uid}</JobSessionUid>"
            f"<CreationTimeUTC>{format_utc(task.created)}</CreationTimeUTC>{self._end_time(task.ended, task.created)}"
            f"<State>{task.state}</State>{self._result(task.result, task.ended)}"
            f"{element('Reason', task.reason)}<TotalSize>{task.total_size}</TotalSize>"
            f"{element('VmUid', task.vm_uid)}"
        )
        attributes = (
            f'Type="ReplicaTaskSession" Href="{href}?format=Entity" Name={attr(task.name)} '
            f'VmDisplayName={attr(task.vm_name)} UID="{task.uid}"'
        )
        return attributes, body

    def _end_time(self, ended: int | None, created: int) -> str:
        # The docs' reading: EndTimeUTC is left out while a session runs; see
        # SimulatorConfig.running_end_time for the placeholders real builds write.
        if ended is not None:
            return f"<EndTimeUTC>{format_utc(ended)}</EndTimeUTC>"
        placeholder = {
            "1900": "1900-01-01T00:00:00Z",
            "dotnet-min": "0001-01-01T00:00:00",
            "before-creation": format_utc(created - PLACEHOLDER_LAG_TICKS),
        }.get(self.running_end_time)
        return "" if placeholder is None else f"<EndTimeUTC>{placeholder}</EndTimeUTC>"

    def _result(self, result: str, ended: int | None) -> str:
        # EM does not document Result while a session runs; see SimulatorConfig.running_result.
        if ended is None and self.running_result == "omit":
            return ""
        if ended is None and self.running_result == "empty":
            return "<Result />"
        if ended is None and self.running_result == "success":
            return "<Result>Success</Result>"
        return f"<Result>{result}</Result>"

    # -- replica restore points [vmreplicapoints_id] ----------------------------------------
    def point_href(self, point: ReplicaPoint) -> str:
        return f"{self.base}/vmReplicaPoints/{point.id}"

    def _point_up_links(self, point: ReplicaPoint) -> str:
        return (link("Up", self.server_href(point.server), "BackupServerReference", point.server.name)
                + link("Up", f"{self.base}/replicas/{point.job.replica_id}", "ReplicaReference", point.job.name))

    def point_ref_links(self, point: ReplicaPoint) -> str:
        return self._point_up_links(point) + link("Alternate", f"{self.point_href(point)}?format=Entity",
                                                  "VmReplicaPoint", point.name)

    def point_parts(self, point: ReplicaPoint) -> tuple[str, str]:
        href = self.point_href(point)
        links = (link("Failover", f"{href}?action=failover") + self._point_up_links(point)
                 + link("Alternate", href, "VmReplicaPointReference", point.name))
        body = (f"<Links>{links}</Links><CreationTimeUTC>{format_utc(point.created)}</CreationTimeUTC>"
                f"<Algorithm>{point.algorithm}</Algorithm><PointType>{point.point_type}</PointType>")
        attributes = (f'Type="VmReplicaPoint" Href="{href}?format=Entity" Name={attr(point.name)} '
                      f'UID="{point.uid}" VmDisplayName={attr(point.vm_name)}')
        return attributes, body

    # -- jobs [jobs_id, get_query_job] and their includes [jobs_id_includes] --------------
    def job_entity_href(self, job: Job) -> str:
        return f"{self.base}/jobs/{job.id}"

    def job_entity_ref_links(self, job: Job) -> str:
        href = self.job_entity_href(job)
        return (link("Up", self.server_href(job.server), "BackupServerReference", job.server.name)
                + link("Alternate", f"{href}?format=Entity", "Job", job.name)
                + link("Down", f"{href}/replicaSessions", "ReplicaJobSessionReferenceList"))

    def job_entity_parts(self, job: Job) -> tuple[str, str]:
        href = self.job_entity_href(job)
        links = (link("Up", self.server_href(job.server), "BackupServerReference", job.server.name)
                 + link("Alternate", href, "JobReference", job.name)
                 + link("Down", f"{href}/includes", "ObjectInJobList"))
        next_run = job.next_run
        if not job.schedule_enabled and self.disabled_next_run == "omit":
            next_run = None  # undocumented: what NextRun holds for a disabled job
        tag = self.next_run_element
        run = f"<{tag}>{format_utc(next_run)}</{tag}>" if next_run is not None else ""
        body = (f"<Links>{links}</Links><Platform>{job.platform}</Platform>{element('Description', job.description)}"
                f"{run}<JobType>Replica</JobType>"
                f"<ScheduleConfigured>{'true' if job.schedule_configured else 'false'}</ScheduleConfigured>"
                f"<ScheduleEnabled>{'true' if job.schedule_enabled else 'false'}</ScheduleEnabled>")
        return f'Type="Job" Href="{href}?format=Entity" Name={attr(job.name)} UID="{job.uid}"', body

    def includes_document(self, job: Job | None) -> bytes:
        """/jobs/{ID}/includes; None: the list with nothing in it (an account not shown the job)."""
        items = "" if job is None else "".join(self._object_in_job(job, item) for item in job.includes)
        return document("ObjectsInJob", "", items)

    def _object_in_job(self, job: Job, item: ObjectInJob) -> str:
        href = f"{self.job_entity_href(job)}/includes/{item.id}"
        links = (link("Up", f"{self.job_entity_href(job)}?format=Entity", "Job", job.name)
                 + link("Delete", href))
        return (f'<ObjectInJob Type="ObjectInJob" Href="{href}"><Links>{links}</Links>'
                f"<ObjectInJobId>{item.id}</ObjectInJobId><HierarchyObjRef>{escape(item.hierarchy_ref)}</HierarchyObjRef>"
                f"{element('Name', item.name)}{element('DisplayName', item.name)}<Order>{item.order}</Order>"
                "</ObjectInJob>")

    # -- references -----------------------------------------------------------------
    @staticmethod
    def reference_parts(type_: str, href: str, name: str, uid: str, links: str) -> tuple[str, str]:
        return f'Type="{type_}" Href="{href}" Name={attr(name)} UID="{uid}"', f"<Links>{links}</Links>"
