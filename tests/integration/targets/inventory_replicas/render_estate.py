# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn files/estate.template.json into a simulator fixture whose history ends now.

    python render_estate.py TEMPLATE FIXTURE NOW_FILE
    python render_estate.py --shift PINNED FIXTURE NOW_FILE

Offsets 'now-26h' / 'now-1h57m' become ISO 8601 UTC times; short ids become GUIDs (uuid5,
so they are the same on every run and the golden files can hold them). The moment used
as 'now' goes to NOW_FILE, so golden.py can show times as the same offsets again.

With --shift, PINNED is a fixture written at a fixed moment (its `_now`, such as
tests/em_simulator/fixtures/cdp_and_plans.json at 2026-11-20T12:00:00Z): the inventory measures
ages from the moment it runs and has no `now` of its own, so every ISO 8601 time in it moves
by the same whole seconds, and each offset from `_now` stays what the fixture's comment says.
"""
from __future__ import annotations

import json
import re
import sys
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

OFFSET = re.compile(r"^now([-+])(\d+)h(?:(\d+)m)?$")
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
ID_KEYS = ("id", "job_session_id", "server_id", "job_id")
NAMESPACE = uuid.UUID("5b2e7a0c-6f1d-4c3e-9a8b-7d6e5f4a3b2c")


def guid(short: str) -> str:
    return str(uuid.uuid5(NAMESPACE, short))


def moment(text: str, now: datetime) -> str:
    match = OFFSET.match(text)
    if not match:
        raise SystemExit(f"not an offset like now-26h, now-1h57m or now+4h: {text!r}")
    offset = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    then = now - offset if match.group(1) == "-" else now + offset
    return then.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def render(entity: dict[str, Any], now: datetime) -> dict[str, Any]:
    out = dict(entity)
    for key in ID_KEYS:
        if key in out:
            out[key] = guid(out[key])
    for key in ("creation_time", "end_time", "next_run"):
        if out.get(key):
            out[key] = moment(out[key], now)
    if "includes" in out:
        out["includes"] = [render(item, now) for item in out["includes"]]
    return out


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def shifted(value: Any, by: timedelta) -> Any:
    """The same data with every ISO 8601 time moved by `by`."""
    if isinstance(value, dict):
        return {key: shifted(item, by) for key, item in value.items()}
    if isinstance(value, list):
        return [shifted(item, by) for item in value]
    if isinstance(value, str) and ISO_TIME.match(value):
        return (_utc(value) + by).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def main() -> None:
    shift = sys.argv[1] == "--shift"
    source, fixture, now_file = sys.argv[1 + shift:4 + shift]
    # Whole seconds: the simulator and the client keep them exactly.
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with open(source, encoding="utf-8") as handle:
        data = json.load(handle)
    if shift:
        rendered = shifted(data, now - _utc(data["_now"]))
    else:
        rendered = {kind: [render(entity, now) for entity in data[kind]]
                    for kind in ("backup_servers", "replica_job_sessions", "replica_task_sessions", "jobs",
                                 "replica_points")}
    with open(fixture, "w", encoding="utf-8") as handle:
        json.dump(rendered, handle, indent=1)
    with open(now_file, "w", encoding="utf-8") as handle:
        handle.write(now.isoformat())


if __name__ == "__main__":
    main()
