# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare `ansible-inventory --list` of one config with its golden file (or rewrite it).

    python golden.py NAME NOW_FILE [--write]

runs `ansible-inventory -i NAME.veeam_em.yml --list`, normalises what changes from run to
run, and compares the result with golden/<ansible-core X.Y>/NAME.json; --write stores it
there instead. Each tested ansible-core line has its own files because --list differs
between them: before 2.19 a value marked unsafe prints as {"__ansible_unsafe": "..."}.
Normalised: times (also in session names, "db01@now-26h00m", and in messages) become offsets from the
estate's 'now' ("now-26h00m"); ages, which the plugin measures from the moment it runs, lose the
time between the estate's 'now' and the start of this run and are then rounded to the minute
("50h00m"); ages for people lose their parts below the hour ("20h", not "20h 1m": the estate's
offsets are whole hours, so those parts are the run's own); the simulator's port in hrefs becomes PORT.
Everything else (ids, names, sizes, durations, unsafe markers, groups) is compared exactly.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from typing import Any

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
# A time inside a text, such as the one in veeam_message ("last success 2d 2h ago (<time>), ...").
EMBEDDED_TIME = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b")
# What an age for people has below the hour ("20h 1m", "20h 2s"): the run's own drift.
BELOW_THE_HOUR = re.compile(r"(?<=[dh]) \d+[ms]$")
# The same inside the evidence text ("restore point 2h 5s ago").
EVIDENCE_BELOW_THE_HOUR = re.compile(r"(?<=[dh]) \d+[ms](?= ago)")
# In hrefs, and inside texts such as the error of an EM that could not be reached.
HREF_PORT = re.compile(r"(https?://[^/:\s]+):\d+/")
# A simulator's (or a stopped EM's) address outside a URL, as "nothing listens at 127.0.0.1:<port>" has it.
LOOPBACK_PORT = re.compile(r"\b127\.0\.0\.1:\d+\b")
# EM names sessions "<job or VM>@<start time>" (no zone; the simulator writes UTC).
NAME_TIME = re.compile(r"^(.*@)(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)$", re.DOTALL)


def span(seconds: float) -> str:
    minutes = round(seconds / 60)
    sign = "-" if minutes < 0 else ""
    return f"{sign}{abs(minutes) // 60}h{abs(minutes) % 60:02d}m"


def normalise(value: Any, now: datetime, drift: float, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: normalise(v, now, drift, k if k != "__ansible_unsafe" else key) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(item, now, drift, key) for item in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key.endswith("_age_seconds"):
        return span(value - drift)
    if isinstance(value, str) and key.endswith("_age_text"):
        return BELOW_THE_HOUR.sub("", value)
    if isinstance(value, str) and key.endswith("_evidence_text"):
        return EVIDENCE_BELOW_THE_HOUR.sub("", value)
    if isinstance(value, str) and ISO_TIME.match(value):
        then = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return "now-" + span((now - then).total_seconds())
    if isinstance(value, str) and NAME_TIME.match(value):
        match = NAME_TIME.match(value)
        then = datetime.fromisoformat(match.group(2) + "+00:00")
        return f"{match.group(1)}now-{span((now - then).total_seconds())}"
    if isinstance(value, str):
        value = EMBEDDED_TIME.sub(lambda match: "now-" + span((now - _utc(match.group(0))).total_seconds()), value)
        return LOOPBACK_PORT.sub("127.0.0.1:PORT", HREF_PORT.sub(r"\1:PORT/", value))
    return value


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def non_plain_names(listing: dict[str, Any]) -> list[Any]:
    """Host and group names in --list that are not plain strings (AWX's import needs names)."""
    found = [group for group in listing if not isinstance(group, str)]
    for group in listing.values():
        if isinstance(group, dict):
            found += [name for name in group.get("hosts", []) + group.get("children", []) if not isinstance(name, str)]
    found += [name for name in listing.get("_meta", {}).get("hostvars", {}) if not isinstance(name, str)]
    return found


def core_line() -> str:
    """The X.Y of the ansible-core that runs ansible-inventory."""
    from ansible import __version__

    return ".".join(__version__.split(".")[:2])


def main() -> int:
    name, now_file = sys.argv[1:3]
    write = "--write" in sys.argv[3:]
    with open(now_file, encoding="utf-8") as handle:
        now = datetime.fromisoformat(handle.read().strip())
    # Ages are measured from when the plugin runs; this run started `drift` seconds after
    # the estate's now (longer on a loaded machine, and more for each earlier config).
    drift = (datetime.now(timezone.utc) - now).total_seconds()
    run = subprocess.run(["ansible-inventory", "-i", f"{name}.veeam_em.yml", "--list"],
                         check=False, capture_output=True, text=True)
    if run.returncode:
        print(f"{name}: ansible-inventory failed with {run.returncode}:\n{run.stderr}")
        return 1
    listing = run.stdout
    unplain = non_plain_names(json.loads(listing))
    if unplain:
        print(f"{name}: host or group names that are not plain strings: {unplain[:3]}")
        return 1
    got = json.dumps(normalise(json.loads(listing), now, drift), indent=2, sort_keys=True) + "\n"
    path = f"golden/{core_line()}/{name}.json"
    if write:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(got)
        print(f"wrote {path}")
        return 0
    if not os.path.exists(path):
        print(f"{name}: no golden file {path} for ansible-core {core_line()}; write the line's files with "
              "INVENTORY_GOLDEN_WRITE=1 (see README.md) and review them before committing")
        return 1
    with open(path, encoding="utf-8") as handle:
        expected = handle.read()
    if got == expected:
        print(f"{name}: matches {path}")
        return 0
    sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), path, "ansible-inventory"))
    print(f"{name}: differs from {path}; if the change is intended, refresh it (see README.md)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
