# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check window.veeam_em.yml's --list (window.sh): the values files/window.json's comment works out.

    python window_check.py LISTING NOW_FILE
"""
from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from typing import Any


def unwrapped(value: Any) -> Any:
    """The value without ansible-core's unsafe marker ({"__ansible_unsafe": text})."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: unwrapped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrapped(item) for item in value]
    return value


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        listing = unwrapped(json.load(handle))
    with open(sys.argv[2], encoding="utf-8") as handle:
        now = datetime.fromisoformat(handle.read().strip())
    hostvars = listing["_meta"]["hostvars"]

    def members(group: str) -> list[str]:
        return sorted(listing.get(group, {}).get("hosts", []))

    def ago(hours: int) -> str:
        return (now - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")

    db01, mail01 = hostvars["db01"], hostvars["mail01"]
    # A waived breach: listed, in its finding groups and veeam_waived, not failing.
    assert members("veeam_waived") == ["db01"], members("veeam_waived")
    assert db01["veeam_waived"] is True and db01["veeam_failing"] is False, db01
    assert db01["veeam_waived_findings"] == ["rpo_breach", "sla_below_target"], db01["veeam_waived_findings"]
    assert [(w["entry"], w["state"]) for w in db01["veeam_waiver"]] == [(1, "active")], db01["veeam_waiver"]
    # An expired waiver: the findings count again, with waiver_expired.
    assert members("veeam_finding_waiver_expired") == ["mail01"]
    assert mail01["veeam_failing"] is True and mail01["veeam_waived"] is False, mail01
    assert [(w["entry"], w["state"]) for w in mail01["veeam_waiver"]] == [(2, "expired")], mail01["veeam_waiver"]
    # The SLA over the window: db01 12 h of 24, mail01 12 h of the 22 since its first run.
    sla = db01["veeam_sla"]
    assert (sla["percent"], sla["below_target"]) == (50.0, True), sla
    assert [(gap["start"], gap["end"]) for gap in sla["gaps"]] == [(ago(18), ago(12)), (ago(6), ago(0))], sla["gaps"]
    assert (mail01["veeam_sla"]["percent"], mail01["veeam_sla"]["start"]) == (54.55, ago(22)), mail01["veeam_sla"]
    assert members("veeam_finding_sla_below_target") == ["db01", "mail01"]
    assert hostvars["web01"]["veeam_sla"]["percent"] == 100.0
    # Each anomaly with its usual range.
    ((size,), (duration,)) = hostvars["web01"]["veeam_anomalies"], hostvars["app01"]["veeam_anomalies"]
    assert (size["kind"], size["value"], size["usual_low"], size["usual_high"]) == ("size_anomaly", 10000, 500, 1500), size
    assert (duration["kind"], duration["value"], duration["usual_low"], duration["usual_high"]) == (
        "duration_anomaly", 3000, 150, 450), duration
    assert members("veeam_finding_size_anomaly") == ["web01"] and members("veeam_finding_duration_anomaly") == ["app01"]
    assert members("veeam_failing") == ["mail01"], members("veeam_failing")
    print("window: every value as files/window.json's comment works it out")


if __name__ == "__main__":
    main()
