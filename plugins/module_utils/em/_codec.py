# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM's XML, parsed safely and turned into plain dicts of Python types.

One hardened parser reads every body: no DTD is loaded, no entity is expanded, nothing is
fetched from the network, and a document that carries a DOCTYPE at all is refused (EM
never sends one, so a DOCTYPE means an attack or a foreign service). Converters read an
element's children once, dispatching on the tag, so a 1,000-entity page stays cheap.

Conventions of every converter: a missing element or attribute becomes None; a present
but empty text element becomes "" (EM writes `<Reason />` for "no reason"); times become
aware UTC datetimes; numbers become ints; anything that cannot be read raises
ProtocolError, never another exception type. Links are chosen by Type, never by position.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable

from ansible_collections.veeam_em.core.plugins.module_utils._dependencies import optional_import
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    ApiError,
    ConfigurationError,
    IncompleteBody,
    ProtocolError,
)
from ansible_collections.veeam_em.core.plugins.module_utils._times import PLACEHOLDER_BEFORE, is_placeholder

etree = optional_import("lxml.etree")

NAMESPACE = "http://www.veeam.com/ent/v1.0"
_NS = "{" + NAMESPACE + "}"

Record = dict[str, Any]
Converter = Callable[[Any], Record]


def _build_parser() -> Any:
    if etree is None:
        return None
    # lxml guards a shared parser with its own lock, so one instance serves every thread.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


_PARSER = _build_parser()


def _tag(local: str) -> str:
    return _NS + local


_LINKS, _LINK = _tag("Links"), _tag("Link")
_ERROR_TAG = _tag("Error")


# -- documents -------------------------------------------------------------------------
def parse_document(body: bytes, url: str, status: int, method: str = "GET") -> Any:
    """The root element of an EM response body, or ProtocolError saying what is wrong."""
    where = f"for {method} {url} (HTTP {status})"
    if etree is None:
        raise ConfigurationError("the lxml Python library is required to read Enterprise Manager's XML; install lxml")
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not body or body.isspace():
        raise ProtocolError(f"Enterprise Manager sent an empty body where XML was expected {where}")
    if _has_doctype(body):
        raise _doctype_error(where)
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as error:
        reason = str(getattr(error, "msg", "") or error)[:200]
        raise IncompleteBody(
            f"Enterprise Manager sent a body that is not well-formed XML (cut short?) {where}: {reason}"
        ) from error
    except ValueError as error:  # e.g. an encoding lxml cannot decode
        raise ProtocolError(f"Enterprise Manager sent a body lxml cannot read as XML {where}: {error}") from error
    # The prolog scan misses DOCTYPEs in non-ASCII-compatible encodings; this does not.
    if root.getroottree().docinfo.doctype:
        raise _doctype_error(where)
    if not root.tag.startswith(_NS):
        raise ProtocolError(
            f"Enterprise Manager sent a document whose root <{_local(root.tag)}> is not in the namespace "
            f"{NAMESPACE} {where}; is the url that of Enterprise Manager's REST API, not a proxy or another service?"
        )
    return root


def _doctype_error(where: str) -> ProtocolError:
    return ProtocolError(
        f"Enterprise Manager sent a document with a DOCTYPE {where}; EM never sends one, "
        "so it was refused unread (an HTML page from a proxy, or a hostile document?)"
    )


def _has_doctype(body: bytes) -> bool:
    """Whether the prolog, before the root element, holds `<!DOCTYPE`.

    Checked before lxml sees the body so that no DTD, and no entity in it, is ever parsed.
    """
    position = 0
    while True:
        start = body.find(b"<", position)
        if start < 0:
            return False
        if body.startswith(b"<!DOCTYPE", start):
            return True
        if body.startswith(b"<?", start):
            marker = b"?>"
        elif body.startswith(b"<!--", start):
            marker = b"-->"
        else:
            return False  # the root element: a DOCTYPE cannot follow it
        end = body.find(marker, start + 2)
        if end < 0:
            return False
        position = end + len(marker)


def api_error(root: Any, url: str, status: int) -> ApiError | None:
    """EM's `<Error Message=".." StatusCode="..">` as an ApiError; None for any other root."""
    if root.tag != _ERROR_TAG:
        return None
    message = (root.get("Message") or "").strip()
    if not message:
        # Older EM builds leave Message empty but fill this child (docs/docsite/rst/em_api_notes.rst, "Errors").
        message = (_child_text(root, "FirstChanceExceptionMessage") or "").strip()
    code_text = (root.get("StatusCode") or "").strip()
    # A broken StatusCode must not hide EM's message, so the HTTP status stands in for it.
    code = int(code_text) if _INTEGER.match(code_text) else status
    return ApiError(message or "Enterprise Manager gave no reason", code, url)


def _child_text(el: Any, local: str) -> str | None:
    wanted = _tag(local)
    for child in el:
        if child.tag == wanted:
            return child.text or ""
    return None


# -- scalar values ---------------------------------------------------------------------
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_ZONELESS_PLACEHOLDER = re.compile(r"([0-9]{4})-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?\Z")
_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]+))?([Zz]|[+-][0-9]{2}:[0-9]{2})\Z"
)


def parse_time(text: str) -> datetime:
    """An aware UTC datetime from EM's ISO 8601 time (`Z` or an offset, 0-7 fraction digits).

    .NET writes up to 7 fractional digits (100 ns ticks); datetime keeps 6, so the rest
    are truncated, never rounded (rounding could carry into the next second).
    """
    match = _TIME.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ProtocolError(
            f"Enterprise Manager sent the time {_shown(text)}, which is not an ISO 8601 time "
            "with a zone such as 2025-06-17T20:00:18.06Z"
        )
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone == "Z" and len(fraction or "") <= 6:
        # EM's usual form; fromisoformat reads it in about half the time of the general path.
        try:
            return datetime.fromisoformat(match.group(0))
        except ValueError:
            pass  # the general path below reports what does not exist
    microsecond = int((fraction or "")[:6].ljust(6, "0"))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                          microsecond, tzinfo=timezone.utc)
        return moment - _offset(zone)
    except (ValueError, OverflowError) as error:
        raise ProtocolError(f"Enterprise Manager sent the time {_shown(text)}, which does not exist: {error}") from error


def _offset(zone: str) -> timedelta:
    if zone in ("Z", "z"):
        return timedelta(0)
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"bad zone offset {zone}")
    offset = timedelta(hours=hours, minutes=minutes)
    return -offset if zone[0] == "-" else offset


def _shown(value: Any) -> str:
    """A value for an error message, cut short so a huge bad value cannot flood a log."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _text(child: Any) -> str:
    # Present but empty (<Reason />) is "", which differs from a missing element (None).
    return child.text or ""


def _text_or_none(child: Any) -> str | None:
    return child.text or None


def _int(child: Any) -> int | None:
    text = (child.text or "").strip()
    if not text:
        return None
    if not _INTEGER.match(text):
        raise ProtocolError(f"Enterprise Manager sent {_local(child.tag)} {_shown(text)}, which is not an integer")
    return int(text)


def _bool(child: Any) -> bool | None:
    text = (child.text or "").strip().lower()
    if not text:
        return None
    # xs:boolean also allows 1 and 0.
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ProtocolError(f"Enterprise Manager sent {_local(child.tag)} {_shown(child.text)}, which is not true or false")


def _time(child: Any) -> datetime | None:
    """A time element; None when empty or a placeholder (see _times.is_placeholder)."""
    text = (child.text or "").strip()
    if not text:
        return None
    placeholder = _ZONELESS_PLACEHOLDER.match(text)
    if placeholder and int(placeholder.group(1)) < PLACEHOLDER_BEFORE.year:
        return None  # .NET's DateTime.MinValue is written without a zone: 0001-01-01T00:00:00
    try:
        moment = parse_time(text)
    except ProtocolError as error:
        raise ProtocolError(f"{error} (in {_local(child.tag)})") from error
    return None if is_placeholder(moment) else moment


# -- helpers shared by the converters ---------------------------------------------------
def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return "(comment or processing instruction)"
    return tag.rpartition("}")[2]


def _expect(el: Any, wanted: Iterable[str]) -> None:
    if el.tag not in wanted:
        names = " or ".join(f"<{_local(tag)}>" for tag in wanted)
        raise ProtocolError(f"Enterprise Manager sent <{_local(el.tag)}> where {names} was expected")


def guid_of(uid: str | None) -> str | None:
    """The GUID of a UID such as urn:veeam:ReplicaTaskSession:<guid> (the part after the last ':')."""
    return None if uid is None else uid.rpartition(":")[2]


def id_from_href(href: str | None) -> str | None:
    """The last path segment of a link's Href, without query string or fragment."""
    if href is None:
        return None
    path = href.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return path.rpartition("/")[2] or None


Spec = dict[str, tuple[str, Callable[[Any], Any]]]


def _fill(el: Any, spec: Spec, record: Record) -> Any:
    """Set the record's keys from el's children in one pass; return the <Links> element."""
    links = None
    for child in el:
        tag = child.tag
        if tag == _LINKS:
            links = child
            continue
        entry = spec.get(tag)
        if entry is None:
            continue  # unknown elements (newer EM builds) are ignored
        key, convert = entry
        try:
            record[key] = convert(child)
        except ProtocolError as error:
            owner = el.get("UID") or el.get("Href") or "(no UID)"
            raise ProtocolError(f"{error}, in <{_local(el.tag)}> {owner}") from error
    return links


def _links_by_type(links: Any) -> dict[str, Any]:
    """The first <Link> of each Type; EM gives no meaning to the order of links."""
    found: dict[str, Any] = {}
    if links is None:
        return found
    for link in links:
        if link.tag == _LINK:
            kind = link.get("Type")
            if kind and kind not in found:
                found[kind] = link
    return found


def _link_target(links: dict[str, Any], kind: str) -> tuple[str | None, str | None]:
    """(id, name) of the link of that Type, or (None, None) when there is none."""
    link = links.get(kind)
    if link is None:
        return None, None
    return id_from_href(link.get("Href")), link.get("Name")


def _snake_key(element: str) -> str:
    """The record key of an EM element: snake_case, without the UTC suffix of times
    (every EM time is UTC and the records keep them as aware datetimes)."""
    element = element[:-3] if element.endswith("UTC") else element
    return re.sub(r"(?<!^)(?=[A-Z])", "_", element).lower()


def _spec(*groups: tuple[Any, ...], renamed: dict[str, str] | None = None) -> Spec:
    """{qualified tag: (record key, converter)} from (converter, element, element...) groups;
    an element's key is its _snake_key unless `renamed` names another."""
    renamed = renamed or {}
    return {
        _tag(element): (renamed.get(element) or _snake_key(element), convert)
        for convert, *elements in groups
        for element in elements
    }


def _entity(el: Any, tags: tuple[str, ...], spec: Spec, keys: tuple[str, ...]) -> tuple[Record, dict[str, Any]]:
    """A record with every key of `keys` (None unless EM sent it): the entity's UID, GUID, Name
    and Href, its children as `spec` says, and the backup server it names through a
    BackupServerReference link; returned with its links by Type for the caller's own links."""
    _expect(el, tags)
    record: Record = dict.fromkeys(keys)
    uid = el.get("UID")
    record.update(uid=uid, id=guid_of(uid), name=el.get("Name"), href=el.get("Href"))
    links = _links_by_type(_fill(el, spec, record))
    if "backup_server_id" in record:
        record["backup_server_id"], record["backup_server_name"] = _link_target(links, "BackupServerReference")
    return record, links


# -- converters ------------------------------------------------------------------------
_TASK_TAGS = (_tag("ReplicaTaskSession"),)
_TASK_SPEC = _spec(
    (_text_or_none, "JobSessionUid", "VmUid"),
    (_time, "CreationTimeUTC", "EndTimeUTC"),
    (_text, "State", "Result", "Reason"),
    (_int, "TotalSize"),
)
TASK_SESSION_KEYS = (
    "uid", "id", "name", "vm_name", "href", "job_session_uid", "job_session_id", "creation_time", "end_time",
    "state", "result", "reason", "total_size", "vm_uid", "backup_server_id", "backup_server_name",
    "job_session_name",
)


def task_session(el: Any) -> Record:
    """A <ReplicaTaskSession> entity as a dict with the keys of TASK_SESSION_KEYS."""
    record, links = _entity(el, _TASK_TAGS, _TASK_SPEC, TASK_SESSION_KEYS)
    record["vm_name"] = el.get("VmDisplayName")
    job_id, record["job_session_name"] = _link_target(links, "ReplicaJobSessionReference")
    # JobSessionUid is the documented source; the link stands in if a build leaves it out.
    record["job_session_id"] = guid_of(record["job_session_uid"]) or job_id
    return record


_JOB_TAGS = (_tag("ReplicaJobSession"),)
_JOB_SPEC = _spec(
    (_text_or_none, "JobUid"),
    (_text, "JobName", "JobType", "State", "Result", "FailureMessage"),
    (_time, "CreationTimeUTC", "EndTimeUTC"),
    (_int, "Progress"),
    (_bool, "IsRetry"),
)
JOB_SESSION_KEYS = (
    "uid", "id", "name", "href", "job_uid", "job_id", "job_name", "job_type", "creation_time", "end_time",
    "state", "result", "progress", "is_retry", "failure_message", "backup_server_id", "backup_server_name",
)


def job_session(el: Any) -> Record:
    """A <ReplicaJobSession> entity as a dict with the keys of JOB_SESSION_KEYS."""
    record, links = _entity(el, _JOB_TAGS, _JOB_SPEC, JOB_SESSION_KEYS)
    job_id, job_name = _link_target(links, "JobReference")
    record["job_id"] = guid_of(record["job_uid"]) or job_id
    if record["job_name"] is None:
        record["job_name"] = job_name
    return record


_SERVER_TAGS = (_tag("BackupServer"),)
_SERVER_SPEC = _spec(
    (_text, "Description", "Version"),
    (_int, "Port", "WcfPort"),
    # An empty thumbprint says as little as a missing one.
    (_text_or_none, "VbrCertificateThumbprint"),
    renamed={"VbrCertificateThumbprint": "certificate_thumbprint"},
)
BACKUP_SERVER_KEYS = (
    "uid", "id", "name", "href", "description", "port", "version", "wcf_port", "certificate_thumbprint",
)


def backup_server(el: Any) -> Record:
    """A <BackupServer> entity as a dict with the keys of BACKUP_SERVER_KEYS."""
    return _entity(el, _SERVER_TAGS, _SERVER_SPEC, BACKUP_SERVER_KEYS)[0]


_POINT_TAGS = (_tag("VmReplicaPoint"),)
# Veeam's vmreplicapoints_id page (docs/docsite/rst/em_api_notes.rst, "Replica restore points"): VmDisplayName is an attribute, the
# replica (named like its job) an Up link of Type ReplicaReference.
_POINT_SPEC = _spec((_time, "CreationTimeUTC"), (_text, "Algorithm", "PointType"), renamed={"PointType": "type"})
REPLICA_POINT_KEYS = (
    "uid", "id", "name", "vm_name", "href", "creation_time", "type", "algorithm", "replica_id", "replica_name",
    "backup_server_id", "backup_server_name",
)


def replica_point(el: Any) -> Record:
    """A <VmReplicaPoint> entity as a dict with the keys of REPLICA_POINT_KEYS."""
    record, links = _entity(el, _POINT_TAGS, _POINT_SPEC, REPLICA_POINT_KEYS)
    record["vm_name"] = el.get("VmDisplayName")
    record["replica_id"], record["replica_name"] = _link_target(links, "ReplicaReference")
    return record


_JOB_ENTITY_TAGS = (_tag("Job"),)
# [get_query_job, jobs_id]: the schedule state and the next run are children of the entity.
_JOB_ENTITY_SPEC = _spec(
    (_text, "Platform", "Description", "JobType"),
    (_time, "NextRun", "NextRunUTC"),  # the element name is not shown in the reference: both read
    (_bool, "ScheduleConfigured", "ScheduleEnabled"),
)
JOB_KEYS = (
    "uid", "id", "name", "href", "platform", "description", "job_type", "next_run", "schedule_configured",
    "schedule_enabled", "backup_server_id", "backup_server_name",
)


def job(el: Any) -> Record:
    """A <Job> entity as a dict with the keys of JOB_KEYS."""
    return _entity(el, _JOB_ENTITY_TAGS, _JOB_ENTITY_SPEC, JOB_KEYS)[0]


_OBJECT_IN_JOB_TAGS = (_tag("ObjectInJob"),)
# [jobs_id_includes]: an include names what it holds by HierarchyObjRef, whose type part
# (urn:VMware:Vm:..., urn:VMware:Folder:...) tells a VM from a container.
_OBJECT_IN_JOB_SPEC = _spec((_text_or_none, "ObjectInJobId", "HierarchyObjRef", "Name", "DisplayName"), (_int, "Order"))
OBJECT_IN_JOB_KEYS = ("uid", "id", "name", "href", "object_in_job_id", "hierarchy_obj_ref", "display_name", "order",
                      "object_type")


def object_in_job(el: Any) -> Record:
    """An <ObjectInJob> as a dict with the keys of OBJECT_IN_JOB_KEYS; object_type is the
    type part of its HierarchyObjRef (V(Vm), V(Folder), V(Tag), ...), None when EM sent none."""
    record = _entity(el, _OBJECT_IN_JOB_TAGS, _OBJECT_IN_JOB_SPEC, OBJECT_IN_JOB_KEYS)[0]
    record["id"] = record["object_in_job_id"] or id_from_href(record["href"])
    parts = (record["hierarchy_obj_ref"] or "").split(":")
    record["object_type"] = parts[2] if len(parts) > 3 and parts[0] == "urn" else None
    return record


def list_items(root: Any, list_tag: str, converter: Converter) -> list[Record]:
    """The converted children of a plain list document such as <ObjectsInJob>."""
    _expect(root, (_tag(list_tag),))
    return [converter(child) for child in root if isinstance(child.tag, str) and child.tag != _LINKS]


_LOGON_TAGS = (_tag("LogonSession"),)
_LOGON_SPEC = _spec((_text, "UserName"), (_text_or_none, "SessionId"))


def logon_session(el: Any) -> Record:
    """A <LogonSession>: href, user_name, session_id and delete_href (its Rel="Delete" link)."""
    _expect(el, _LOGON_TAGS)
    record: Record = {"href": el.get("Href"), "user_name": None, "session_id": None, "delete_href": None}
    links = _fill(el, _LOGON_SPEC, record)
    for link in links if links is not None else ():
        # An action link has no Type (docs/docsite/rst/em_api_notes.rst, "Links"), so Rel is what marks it.
        if link.tag == _LINK and link.get("Rel") == "Delete":
            record["delete_href"] = link.get("Href")
            break
    return record


def logon_session_prefix(body: bytes) -> Record:
    """logon_session() of a <LogonSession> body cut short in transit: what arrived of it.

    Read with a recovering parser (as hardened as the main one); None where the cut fell
    before an item. Used only for the id of a session whose token did arrive.
    """
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True, collect_ids=False)
    root = etree.fromstring(body, parser) if body and not _has_doctype(body) else None
    if root is None or root.tag not in _LOGON_TAGS:
        return {"href": None, "user_name": None, "session_id": None, "delete_href": None}
    return logon_session(root)


_ENTRY_TAGS = (_tag("EnterpriseManager"),)
_SUPPORTED_VERSIONS, _SUPPORTED_VERSION = _tag("SupportedVersions"), _tag("SupportedVersion")


def supported_versions(root: Any) -> list[str]:
    """The API version names (v1_5, v1_6, ...) the entry point `<EnterpriseManager>` lists."""
    _expect(root, _ENTRY_TAGS)
    names: list[str] = []
    for child in root:
        if child.tag == _SUPPORTED_VERSIONS:
            names.extend(v.get("Name") for v in child if v.tag == _SUPPORTED_VERSION and v.get("Name"))
    return names


# -- query results ---------------------------------------------------------------------
_QUERY_TAGS = (_tag("QueryResult"),)
_ENTITIES, _REFS, _PAGING_INFO = _tag("Entities"), _tag("Refs"), _tag("PagingInfo")


def query_items(root: Any, converter: Converter) -> list[Record]:
    """The converted items of a <QueryResult> page, in the server's order."""
    _expect(root, _QUERY_TAGS)
    items: list[Record] = []
    for child in root:
        tag = child.tag
        if tag == _ENTITIES:
            # Entities holds the plural list element (e.g. <ReplicaTaskSessions>).
            for group in child:
                items.extend(converter(entity) for entity in group if isinstance(entity.tag, str))
        elif tag == _REFS:
            items.extend(converter(ref) for ref in child if isinstance(ref.tag, str))
    return items


def query_pages_count(root: Any) -> int:
    """PagesCount of a <QueryResult> page without converting its items (1 without PagingInfo)."""
    _expect(root, _QUERY_TAGS)
    paging = _paging_info(root)
    return 1 if paging is None else _int_attribute(paging, "PagesCount", 1)


def _paging_info(root: Any) -> Any:
    _expect(root, _QUERY_TAGS)
    return root.find(_PAGING_INFO)


def _int_attribute(el: Any, name: str, default: int) -> int:
    text = el.get(name)
    if text is None:
        return default
    if not _INTEGER.match(text.strip()):
        raise ProtocolError(f"Enterprise Manager sent {_local(el.tag)} {name}={_shown(text)}, which is not an integer")
    return int(text)
