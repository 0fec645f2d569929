# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What is wrong with a VM's status: its findings, its status word and whether it fails.

Pure functions over the statuses of _status; the filter's, the role's and the inventory's
findings all come from here.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Mapping

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

SLA_BELOW_TARGET, DURATION_ANOMALY, SIZE_ANOMALY = "sla_below_target", "duration_anomaly", "size_anomaly"
WAIVER_EXPIRED = "waiver_expired"
FINDINGS = ("never_replicated", "never_succeeded", "rpo_breach", "failed", SLA_BELOW_TARGET, "warning",
            DURATION_ANOMALY, SIZE_ANOMALY, WAIVER_EXPIRED)  # worst first
# A target set is a target to meet; anomalies warn, in the reports, without failing the gate.
DEFAULT_FAIL_ON = ("rpo_breach", "failed", "never_succeeded", SLA_BELOW_TARGET)


def findings_of(status: Mapping[str, Any]) -> list[str]:
    """The findings of one status, worst first (a subset of FINDINGS); [] when all is well.

    rpo_breach needs an RPO (rpo_breached is None without one). An object included in a job
    but never replicated (_coverage) is never_replicated, which says more than never_succeeded.
    """
    never_replicated = bool(status.get("never_replicated"))
    found = {
        "never_replicated": never_replicated,
        "never_succeeded": bool(status["never_succeeded"]) and not never_replicated,
        "rpo_breach": bool(status["rpo_breached"]),
        "failed": _last_result(status, "Failed"),
        SLA_BELOW_TARGET: bool((status.get("sla") or {}).get("below_target")),
        "warning": _last_result(status, "Warning"),
        DURATION_ANOMALY: any(anomaly["kind"] == DURATION_ANOMALY for anomaly in status.get("anomalies") or ()),
        SIZE_ANOMALY: any(anomaly["kind"] == SIZE_ANOMALY for anomaly in status.get("anomalies") or ()),
        WAIVER_EXPIRED: False,  # given by _waivers.apply_waivers, after the judgement
    }
    return [finding for finding in FINDINGS if found[finding]]


def _last_result(status: Mapping[str, Any], result: str) -> bool:
    """Whether the VM's last replica result, or the last result of its CDP sessions (or VBR's verdict
    on the one still running: _cdp), is `result`."""
    cdp = status.get("cdp") or {}
    return status["last_result"] == result or result in (cdp.get("last_result"), cdp.get("running_result"))


def read_fail_on(value: Any) -> frozenset[str]:
    """The findings that make a status failing, from a list (or one name); DEFAULT_FAIL_ON for None.

    ConfigurationError for a name not in FINDINGS.
    """
    if value is None:
        return frozenset(DEFAULT_FAIL_ON)
    if not isinstance(value, (str, Sequence)):
        raise ConfigurationError(f"fail_on must be a list of findings, got {type(value).__name__}")
    listed = [value] if isinstance(value, str) else list(value)
    unknown = sorted(str(item) for item in listed if item not in FINDINGS)
    if unknown:
        raise ConfigurationError(f"fail_on has unknown finding(s) {', '.join(unknown)}; choose from {', '.join(FINDINGS)}")
    return frozenset(listed)
