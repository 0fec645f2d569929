# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EmApi's reads of the other replica protection: CDP policies with their includes, CDP task
sessions and failover plans, each through the one pager (_paging) and the query filters
(_query_filter) the replica reads use.

Fields: Veeam's EM REST reference, VBR 13.0.1 [get_query_cdppolicy, get_query_cdpreplicatasksession,
get_query_failoverplan]. CDP task sessions are filtered on CreationTimeUTC (with the UTC suffix,
unlike ReplicaTaskSession's CreationTime); their Result is not a documented filter field, so it is
never sent, and the policy is no field at all: policy names are matched after the read.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils.em import _protection_codec as protection_codec
from ansible_collections.veeam_em.core.plugins.module_utils.em._query_filter import All, QueryFields, QueryFilterBuilder

CDP_POLICY_FIELDS = QueryFields("CdpPolicy", {
    "UID": "uid", "Name": "string", "Description": "string", "NextRun": "time", "BackupServerUid": "uid",
    "BackupServerName": "string",
})
CDP_TASK_SESSION_FIELDS = QueryFields("CdpReplicaTaskSession", {
    "UID": "uid", "Name": "string", "VmDisplayName": "string", "BackupServerName": "string",
    "PolicySessionName": "string", "CreationTimeUTC": "time", "EndTimeUTC": "time", "State": "enum",
})
FAILOVER_PLAN_FIELDS = QueryFields("FailoverPlan", {"UID": "uid", "Name": "string", "BackupServerName": "string"})
CDP_CREATION_TIME = "CreationTimeUTC"


@dataclass(frozen=True)
class CdpTaskSessionQuery:
    """Which CDP task sessions to read: all but policy_names are applied by EM's query service."""

    vm_names: tuple[str, ...] = ()
    backup_servers: tuple[str, ...] = ()
    policy_names: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    descending: bool = True
    limit: int | None = None


def cdp_task_filter(query: CdpTaskSessionQuery) -> Any:
    build = QueryFilterBuilder(CDP_TASK_SESSION_FIELDS)
    parts = [build.equals_any(field, values)
             for field, values in (("VmDisplayName", query.vm_names), ("BackupServerName", query.backup_servers))
             if values]
    if query.created_after is not None:
        parts.append(build.compare(CDP_CREATION_TIME, ">=", query.created_after))
    if query.created_before is not None:
        parts.append(build.compare(CDP_CREATION_TIME, "<=", query.created_before))
    return All(*parts) if parts else None


def named_filter(fields: QueryFields, backup_servers: tuple[str, ...], names: tuple[str, ...]) -> Any:
    """Name and BackupServerName, each any of the values given; None with neither."""
    build = QueryFilterBuilder(fields)
    parts = [build.equals_any(field, values) for field, values in (("BackupServerName", backup_servers), ("Name", names))
             if values]
    return All(*parts) if parts else None


def _sort(query: CdpTaskSessionQuery) -> dict[str, str]:
    return {"sortDesc" if query.descending else "sortAsc": CDP_CREATION_TIME}


def _of_policies(records: list[dict[str, Any]], policy_names: tuple[str, ...]) -> list[dict[str, Any]]:
    if not policy_names:
        return records
    wanted = set(policy_names)
    return [record for record in records if record.get("policy_name") in wanted]


class ProtectionReads:
    """The CDP and failover plan reads of EmApi (a mixin: it uses EmApi's _query, _query_pages,
    _each and session)."""

    _query: Callable[..., list[dict[str, Any]]]
    _query_pages: Callable[..., Iterator[list[dict[str, Any]]]]
    _each: Callable[..., dict[str, Any]]
    session: Any

    def cdp_policies(self, backup_servers: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """The CDP policies, sorted by name, with their RPO and RPO reporting thresholds in seconds."""
        return self._query("CdpPolicy", named_filter(CDP_POLICY_FIELDS, backup_servers, names),
                           protection_codec.cdp_policy, {"sortAsc": "Name"})

    def cdp_policy_includes(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """{policy id: the objects it includes} [/cdpPolicies/{ID}/includes, shaped like a job's]:
        one request per policy, at most max_concurrency at a time."""
        return self._each(ids, lambda policy_id: codec.list_items(
            self.session.get(f"cdpPolicies/{policy_id}/includes"), "ObjectsInJob", codec.object_in_job))

    def cdp_task_sessions(self, query: CdpTaskSessionQuery) -> list[dict[str, Any]]:
        """CDP task sessions by CreationTimeUTC, newest first unless asked otherwise, at most query.limit
        (counted after the policy names are matched, so then every page is read)."""
        if not query.policy_names:
            return self._query("CdpReplicaTaskSession", cdp_task_filter(query), protection_codec.cdp_task_session,
                               _sort(query), query.limit)
        records = [record for page in self.iter_cdp_task_sessions(query) for record in page]
        return records[:query.limit] if query.limit is not None else records

    def iter_cdp_task_sessions(self, query: CdpTaskSessionQuery) -> Iterator[list[dict[str, Any]]]:
        """The same page by page, each page already matched against the policy names."""
        for page in self._query_pages("CdpReplicaTaskSession", cdp_task_filter(query), protection_codec.cdp_task_session,
                                      _sort(query)):
            yield _of_policies(page, query.policy_names)

    def failover_plans(self, backup_servers: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """The failover plans, sorted by name, with the VMs each includes (FailoverPlanInfo/Includes)."""
        return self._query("FailoverPlan", named_filter(FAILOVER_PLAN_FIELDS, backup_servers, names),
                           protection_codec.failover_plan, {"sortAsc": "Name"})
