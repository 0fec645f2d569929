# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a VM is judged against, read once from option values as users give them: the RPOs,
the failing findings, the evidence, where a CDP VM's RPO comes from, the judgements over the
window and the waivers. Every surface reads its options through read_criteria, so they fail
alike, naming the option. Pure functions, no I/O (but the waivers file, read once here).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._cdp_status import POLICY, read_cdp_rpo_source
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._evidence import DEFAULT_RPO_BASIS, read_rpo_basis
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._findings import DEFAULT_FAIL_ON, read_fail_on
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._period import PeriodCriteria, read_anomaly_options
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._rpo import read_rpo, read_rpo_by_job
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._sla import read_sla_target
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waiver_file import Waiver, read_waivers


@dataclass(frozen=True)
class Criteria:
    """What a status is judged against: the general RPO, RPOs by job name or pattern
    (first matching pattern wins, an exact name before any pattern), the failing findings, the
    evidence the RPO is judged on where restore points were read (_evidence), where a CDP VM's
    RPO comes from (_cdp_status), the judgements over the window (_period), and the waivers
    with the EM they are applied for (_waivers)."""

    rpo: timedelta | None = None
    rpo_by_job: Mapping[str, timedelta] = field(default_factory=dict)
    fail_on: frozenset[str] = frozenset(DEFAULT_FAIL_ON)
    rpo_basis: str = DEFAULT_RPO_BASIS
    cdp_rpo_source: str = POLICY
    period: PeriodCriteria = field(default_factory=PeriodCriteria)
    waivers: tuple[Waiver, ...] = ()
    em: str | None = None


def read_criteria(rpo: Any = None, rpo_by_job: Any = None, fail_on: Any = None, rpo_basis: Any = None,
                  cdp_rpo_source: Any = None, *, window_start: datetime | None = None, include_sla: Any = True,
                  include_anomalies: Any = True, sla_target: Any = None, anomaly_threshold: Any = None,
                  anomaly_min_history: Any = None, waivers: Any = None, em: str | None = None,
                  include_sla_days: Any = True) -> Criteria:
    """Criteria from option values as users give them; ConfigurationError naming the bad option.
    `waivers` is the path of a waivers file (_waiver_file; None: none), read here, before
    anything is read from EM."""
    threshold, min_history = read_anomaly_options(anomaly_threshold, anomaly_min_history)
    period = PeriodCriteria(include_sla=_flag(include_sla, "include_sla"),
                            include_sla_days=_flag(include_sla_days, "include_sla_days"),
                            include_anomalies=_flag(include_anomalies, "include_anomalies"),
                            window_start=window_start, sla_target=read_sla_target(sla_target),
                            anomaly_threshold=threshold, anomaly_min_history=min_history)
    return Criteria(read_rpo(rpo), read_rpo_by_job(rpo_by_job), read_fail_on(fail_on), read_rpo_basis(rpo_basis),
                    read_cdp_rpo_source(cdp_rpo_source), period, tuple(read_waivers(waivers)) if waivers else (), em)


def _flag(value: Any, option: str) -> bool:
    """A boolean option in ansible-core's words ('no' and 'false' are false); ConfigurationError otherwise."""
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise ConfigurationError(f"{option} must be true or false, not {value!r}") from None
