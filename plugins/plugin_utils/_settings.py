# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replicas inventory's options other than the connection's, read and checked once:
what is read (the selection, the window, what EM is asked), how it is judged (criteria)
and what becomes a host.

Private to the collection. No I/O and no Ansible objects.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import PointQuery, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_protection import CdpTaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import Criteria, read_criteria
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._lookback import check_lookback
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import NameFilter, Selection
from ansible_collections.veeam_em.core.plugins.module_utils._times import parse_moment

# The options read_settings reads (the plugin passes their values).
SETTINGS_OPTIONS = ("created_after", "vm_names", "exclude_vm_names", "job_names", "exclude_job_names",
                    "backup_server_names", "exclude_backup_server_names", "rpo", "rpo_by_job", "fail_on",
                    "group_prefix", "include_backup_servers", "include_sessions", "rpo_basis", "include_unreplicated",
                    "require_coverage", "include_cdp", "include_failover_plans", "cdp_rpo_source",
                    "waivers", "sla_target", "include_sla", "include_sla_days", "include_anomalies", "anomaly_threshold",
                    "anomaly_min_history")
DEFAULT_GROUP_PREFIX = "veeam_"


@dataclass(frozen=True)
class Settings:
    """The plugin's options, read and checked once."""

    selection: Selection
    window: str  # created_after as given, for messages and the cache fingerprint
    criteria: Criteria
    group_prefix: str
    include_backup_servers: bool
    include_sessions: bool
    include_unreplicated: bool = True
    # Whether coverage not judged (the jobs refused to the account) fails the EM's read.
    require_coverage: bool = False
    # CDP task sessions and policies (issue 27), and failover plans, read beside the task sessions.
    include_cdp: bool = True
    include_failover_plans: bool = True

    @property
    def keeps_history(self) -> bool:
        """Whether the fold keeps each VM's evidence times and runs (the SLA over the window and the
        anomalies need them): it makes the cached summaries grow with the sessions, so only when asked."""
        return self.criteria.period.include_sla or self.criteria.period.include_anomalies

    @property
    def reads_points(self) -> bool:
        """Restore points are read only when the RPO is judged on them."""
        return self.criteria.rpo_basis == "restore_point"

    def session_query(self) -> TaskSessionQuery:
        """What EM is asked for: the window and the exact include names (wildcards stay client-side)."""
        names = self.selection.exact_names()
        return TaskSessionQuery(vm_names=names.vm_names, job_names=names.job_names,
                                backup_servers=names.backup_server_names, created_after=self.selection.created_after)

    def point_query(self) -> PointQuery:
        """The restore points asked for: the window, and the exact VM and backup server names."""
        names = self.selection.exact_names()
        return PointQuery(vm_names=names.vm_names, backup_servers=names.backup_server_names,
                          created_after=self.selection.created_after)

    def cdp_session_query(self) -> CdpTaskSessionQuery:
        """The CDP task sessions asked for: the window, the exact VM and backup server names, and
        the exact job names as policy names (a CDP VM's job is its policy; matched after the read)."""
        names = self.selection.exact_names()
        return CdpTaskSessionQuery(vm_names=names.vm_names, backup_servers=names.backup_server_names,
                                   policy_names=names.job_names, created_after=self.selection.created_after)


def _patterns(value: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(str(pattern) for pattern in value or ())


def _moment_text(value: Any) -> str:
    # YAML reads an unquoted 2026-11-29T06:00:00Z as a datetime; treat it as the text it was.
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    return str(value) if value not in (None, "") else "7d"


def _window_options(options: Mapping[str, Any], created_after: datetime) -> dict[str, Any]:
    """read_criteria's judgements over the window and waivers: the window starts at created_after;
    the SLA and the anomalies are off unless asked (the fold would keep every VM's history), and
    the SLA's days too (ansible-core copies and tags each value of every host var)."""
    return {"window_start": created_after, "include_sla": bool(options.get("include_sla", False)),
            "include_sla_days": bool(options.get("include_sla_days", False)),
            "include_anomalies": bool(options.get("include_anomalies", False)),
            "sla_target": options.get("sla_target"), "anomaly_threshold": options.get("anomaly_threshold"),
            "anomaly_min_history": options.get("anomaly_min_history"), "waivers": options.get("waivers") or None}


def read_settings(options: Mapping[str, Any], now: datetime) -> Settings:
    """Settings from plugin options; ConfigurationError (naming the option) for values that cannot work."""
    window = _moment_text(options.get("created_after"))
    created_after = parse_moment(window, "created_after", now)
    selection = Selection(
        vms=NameFilter(_patterns(options.get("vm_names")), _patterns(options.get("exclude_vm_names"))),
        jobs=NameFilter(_patterns(options.get("job_names")), _patterns(options.get("exclude_job_names"))),
        servers=NameFilter(_patterns(options.get("backup_server_names")), _patterns(options.get("exclude_backup_server_names"))),
        created_after=created_after,
    )
    criteria = read_criteria(options.get("rpo"), options.get("rpo_by_job"), options.get("fail_on"), options.get("rpo_basis"),
                             options.get("cdp_rpo_source"), **_window_options(options, created_after))
    check_lookback(now - created_after, window, criteria.rpo, criteria.rpo_by_job)
    prefix = options.get("group_prefix")
    return Settings(
        selection=selection, window=window, criteria=criteria,
        group_prefix=str(prefix if prefix is not None else DEFAULT_GROUP_PREFIX),
        include_backup_servers=bool(options.get("include_backup_servers", True)),
        include_sessions=bool(options.get("include_sessions", False)),
        include_unreplicated=bool(options.get("include_unreplicated", True)),
        require_coverage=bool(options.get("require_coverage", False)),
        include_cdp=bool(options.get("include_cdp", True)),
        include_failover_plans=bool(options.get("include_failover_plans", True)),
    )
