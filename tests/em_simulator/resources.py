"""Whole documents for EM's three resource kinds: entities, references, lists, query results."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

from . import xml_protection as protection
from .query import Page
from .xmlrender import Renderer, document, link


@dataclass(frozen=True)
class Kind:
    tag: str  # ReplicaTaskSession
    plural: str  # ReplicaTaskSessions
    parts: Callable[[Renderer, Any], tuple[str, str]]
    ref_links: Callable[[Renderer, Any], str]
    href: Callable[[Renderer, Any], str]
    # The element of one record inside a list or query result, when not `tag`: Veeam's
    # get_query_cdpreplicasession example writes CdpPolicySession Type="CdpReplicaSession".
    item_tag: str | None = None


SERVER = Kind("BackupServer", "BackupServers", Renderer.server_parts, Renderer.server_ref_links, Renderer.server_href)
JOB_SESSION = Kind("ReplicaJobSession", "ReplicaJobSessions", Renderer.job_parts, Renderer.job_ref_links, Renderer.job_href)
TASK_SESSION = Kind("ReplicaTaskSession", "ReplicaTaskSessions", Renderer.task_parts, Renderer.task_ref_links, Renderer.task_href)
POINT = Kind("VmReplicaPoint", "VmReplicaPoints", Renderer.point_parts, Renderer.point_ref_links, Renderer.point_href)
JOB = Kind("Job", "Jobs", Renderer.job_entity_parts, Renderer.job_entity_ref_links, Renderer.job_entity_href)
CDP_POLICY = Kind("CdpPolicy", "CdpPolicies", protection.policy_parts, protection.policy_ref_links, protection.policy_href)
CDP_SESSION = Kind("CdpReplicaSession", "CdpReplicaSessions", protection.session_parts, protection.session_ref_links,
                   protection.session_href, item_tag="CdpPolicySession")
CDP_TASK_SESSION = Kind("CdpReplicaTaskSession", "CdpReplicaTaskSessions", protection.task_parts,
                        protection.task_ref_links, protection.task_href)
FAILOVER_PLAN = Kind("FailoverPlan", "FailoverPlans", protection.plan_parts, protection.plan_ref_links, protection.plan_href)
KIND_BY_QUERY_TYPE = {kind.tag: kind for kind in (SERVER, JOB_SESSION, TASK_SESSION, POINT, JOB, CDP_POLICY, CDP_SESSION,
                                                  CDP_TASK_SESSION, FAILOVER_PLAN)}


def entity(renderer: Renderer, kind: Kind, record: Any) -> str:
    attributes, body = kind.parts(renderer, record)
    tag = kind.item_tag or kind.tag
    return f"<{tag} {attributes}>{body}</{tag}>"


def reference(renderer: Renderer, kind: Kind, record: Any, tag: str = "Ref") -> str:
    attributes, body = _reference_parts(renderer, kind, record)
    return f"<{tag} {attributes}>{body}</{tag}>"


def _reference_parts(renderer: Renderer, kind: Kind, record: Any) -> tuple[str, str]:
    links = kind.ref_links(renderer, record)
    return Renderer.reference_parts(f"{kind.tag}Reference", kind.href(renderer, record), record.name, record.uid, links)


def entity_document(renderer: Renderer, kind: Kind, record: Any) -> bytes:
    return document(kind.tag, *kind.parts(renderer, record))


def reference_document(renderer: Renderer, kind: Kind, record: Any) -> bytes:
    return document("EntityRef", *_reference_parts(renderer, kind, record))


def entity_list_document(renderer: Renderer, kind: Kind, records: list[Any]) -> bytes:
    return document(kind.plural, "", "".join(entity(renderer, kind, record) for record in records))


def reference_list_document(renderer: Renderer, kind: Kind, records: list[Any]) -> bytes:
    return document("EntityReferences", "", "".join(reference(renderer, kind, record) for record in records))


@dataclass(frozen=True)
class QueryEcho:
    """The query as the client sent it, to build the PagingInfo links from."""

    type_name: str
    format_name: str
    sort_param: str | None  # "sortDesc=CreationTime"
    filter_text: str | None


def query_result_document(renderer: Renderer, kind: Kind, page: Page, entities: bool, echo: QueryEcho) -> bytes:
    if entities:
        items = "".join(entity(renderer, kind, record) for record in page.items)
        content = f"<Entities><{kind.plural}>{items}</{kind.plural}></Entities>"
    else:
        content = "<Refs>" + "".join(reference(renderer, kind, record) for record in page.items) + "</Refs>"
    paging = (
        f'<PagingInfo PagesCount="{page.count}" PageSize="{page.size}" PageNum="{page.number}">'
        f"<Links>{_paging_links(renderer, page, echo)}</Links></PagingInfo>"
    )
    return document("QueryResult", "", content + paging)


def _paging_links(renderer: Renderer, page: Page, echo: QueryEcho) -> str:
    def href(number: int) -> str:
        params = [f"type={echo.type_name}", f"format={echo.format_name}"]
        if echo.sort_param:
            params.append(echo.sort_param)
        params += [f"pageSize={page.size}", f"page={number}"]
        if echo.filter_text is not None:
            params.append("filter=" + quote(echo.filter_text, safe=""))
        return f"{renderer.base}/query?" + "&".join(params)

    last = max(1, page.count)
    links = [link("First", href(1))]
    if page.number > 1:
        links.append(link("Previous", href(min(page.number - 1, last))))
    if page.number < page.count:
        links.append(link("Next", href(page.number + 1)))
    links.append(link("Last", href(last)))
    return "".join(links)
