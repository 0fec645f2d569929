# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare `ansible-inventory --list` of one config with its golden file (or rewrite it).

    python golden.py NAME NOW_FILE [--write] [--pinned]

runs `ansible-inventory -i NAME.veeam_em.yml --list`, normalises what changes from run to
run, and compares the result with golden/NAME.json; --write stores it there instead. One
file serves every ansible-core line; what --list prints differently per line is checked
or derived here instead of being stored twice:
  - Unsafe markers. Every line prints a value marked unsafe as {"__ansible_unsafe": "..."}
    (from 2.19 through its "inventory_legacy" JSON profile, which marks every untrusted
    string). Before comparing or writing, golden.py checks that every string among the host
    vars carries the marker (EM data must never be evaluated as a template), then unwraps
    them. The one exception is veeam_em_name before 2.19: the name the config gave the EM,
    which the plugin adds after marking EM data (from 2.19 it is untrusted like the rest).
  - `_meta.profile` ("inventory_legacy"), which --list adds from 2.19, is dropped.
  - Host names. Before 2.19 the plugin turns the opening brace of each Jinja delimiter in a
    host name into "_" (plain_host_name: ansible-core would evaluate the name otherwise), so
    the VM named "{{ lookup(...) }}" is host "_{ lookup(...) }}" there. The file holds the
    exact names of 2.19 and later; on an older line the expected names are derived from them
    the same way. That cannot be undone reliably, so --write runs on 2.19 or later only.
Normalised: times (also in session names, "db01@now-26h00m", and in messages) become offsets from the
estate's 'now' ("now-26h00m"); ages, which the plugin measures from the moment it runs, lose the
time between the estate's 'now' and the start of this run and are then rounded to the minute
("50h00m"); ages for people lose their parts below the hour ("20h", not "20h 1m": the estate's
offsets are whole hours, so those parts are the run's own); the simulator's port in hrefs becomes PORT.
Everything else (ids, names, sizes, durations, groups) is compared exactly.
With --pinned the plugin judges at the estate's 'now' itself (pinned_inventory.py), so there is
no run time to take off: for estates whose events are not on whole hours (cdp_plans.sh's).
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
UNSAFE = "__ansible_unsafe"
# The first line with data tagging: exact host names, unsafe markers from the "inventory_legacy" profile.
DATA_TAGGING = (2, 19)
# Host vars that come from the config, not from EM, and that the plugin leaves unmarked before 2.19.
UNMARKED_BEFORE_TAGGING = frozenset({"veeam_em_name"})
# The opening brace of a Jinja delimiter, which plain_host_name turns into "_" before 2.19
# (written out again here so the test does not take its expectation from the code it tests).
TEMPLATE_START = re.compile(r"\{(?=[{%#])")


def span(seconds: float) -> str:
    minutes = round(seconds / 60)
    sign = "-" if minutes < 0 else ""
    return f"{sign}{abs(minutes) // 60}h{abs(minutes) % 60:02d}m"


def normalise(value: Any, now: datetime, drift: float, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: normalise(v, now, drift, k) for k, v in value.items()}
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


def is_marked(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {UNSAFE}


def unmarked_strings(value: Any, where: str) -> list[str]:
    """Where in a host var a string is printed without the unsafe marker."""
    if is_marked(value):
        return []
    if isinstance(value, str):
        return [where]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in unmarked_strings(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in unmarked_strings(item, f"{where}[{index}]")]
    return []


def unmarked_host_vars(listing: dict[str, Any], line: tuple[int, int]) -> list[str]:
    """Host var strings that --list prints unmarked: data from EM must never be a template."""
    exempt = UNMARKED_BEFORE_TAGGING if line < DATA_TAGGING else frozenset()
    return [found for host, host_vars in listing.get("_meta", {}).get("hostvars", {}).items()
            for var, value in host_vars.items() if var not in exempt
            for found in unmarked_strings(value, f"{host}: {var}")]


def unwrap(value: Any) -> Any:
    """The same data with each {"__ansible_unsafe": x} replaced by x."""
    if is_marked(value):
        return unwrap(value[UNSAFE])
    if isinstance(value, dict):
        return {key: unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    return value


def line_neutral(listing: dict[str, Any]) -> dict[str, Any]:
    """--list without what only says which line printed it: unsafe markers and (2.19+) _meta.profile."""
    listing = unwrap(listing)
    listing.get("_meta", {}).pop("profile", None)
    return listing


def names_for_line(listing: dict[str, Any], line: tuple[int, int]) -> dict[str, Any]:
    """A golden listing as the given line prints it: before 2.19 host names lose Jinja's opening braces."""
    if line >= DATA_TAGGING:
        return listing

    def rename(host: str) -> str:
        return TEMPLATE_START.sub("_", host)

    renamed = {group: dict(members, hosts=[rename(host) for host in members["hosts"]])
               if isinstance(members, dict) and "hosts" in members else members
               for group, members in listing.items()}
    meta = renamed.get("_meta", {})
    if "hostvars" in meta:
        renamed["_meta"] = dict(meta, hostvars={rename(host): host_vars for host, host_vars in meta["hostvars"].items()})
    return renamed


def core_line() -> tuple[int, int]:
    """(X, Y) of the ansible-core that runs ansible-inventory."""
    from ansible import __version__

    major, minor = __version__.split(".")[:2]
    return int(major), int(minor)


def as_text(listing: dict[str, Any]) -> str:
    return json.dumps(listing, indent=2, sort_keys=True) + "\n"


def inventory(name: str, pinned_at: datetime | None = None) -> dict[str, Any] | None:
    """--list of NAME.veeam_em.yml (judged at `pinned_at` when given), or None (said why) when it
    failed or names a host or group oddly."""
    command = ["ansible-inventory"] if pinned_at is None else [sys.executable, "pinned_inventory.py", pinned_at.isoformat()]
    run = subprocess.run([*command, "-i", f"{name}.veeam_em.yml", "--list"],
                         check=False, capture_output=True, text=True)
    if run.returncode:
        print(f"{name}: ansible-inventory failed with {run.returncode}:\n{run.stderr}")
        return None
    listing = json.loads(run.stdout)
    unplain = non_plain_names(listing)
    if unplain:
        print(f"{name}: host or group names that are not plain strings: {unplain[:3]}")
        return None
    unmarked = unmarked_host_vars(listing, core_line())
    if unmarked:
        print(f"{name}: {len(unmarked)} host var strings are not marked unsafe, e.g. {unmarked[:3]}")
        return None
    return listing


def write(name: str, path: str, got: str) -> int:
    if core_line() < DATA_TAGGING:
        print(f"{name}: write the golden files with ansible-core 2.19 or later: before it host names "
              "lose Jinja's opening braces, which cannot be put back reliably (see README.md)")
        return 1
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(got)
    print(f"wrote {path}")
    return 0


def compare(name: str, path: str, got: str) -> int:
    if not os.path.exists(path):
        print(f"{name}: no golden file {path}; write it with INVENTORY_GOLDEN_WRITE=1 (see README.md) "
              "and review it before committing")
        return 1
    with open(path, encoding="utf-8") as handle:
        expected = as_text(names_for_line(json.load(handle), core_line()))
    if got == expected:
        print(f"{name}: matches {path}")
        return 0
    sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), path, "ansible-inventory"))
    print(f"{name}: differs from {path}; if the change is intended, refresh it (see README.md)")
    return 1


def main() -> int:
    name, now_file = sys.argv[1:3]
    with open(now_file, encoding="utf-8") as handle:
        now = datetime.fromisoformat(handle.read().strip())
    # Ages are measured from when the plugin runs; this run started `drift` seconds after
    # the estate's now (longer on a loaded machine, and more for each earlier config).
    pinned = "--pinned" in sys.argv[3:]
    drift = 0.0 if pinned else (datetime.now(timezone.utc) - now).total_seconds()
    listing = inventory(name, now if pinned else None)
    if listing is None:
        return 1
    got = as_text(normalise(line_neutral(listing), now, drift))
    path = f"golden/{name}.json"
    return write(name, path, got) if "--write" in sys.argv[3:] else compare(name, path, got)


if __name__ == "__main__":
    sys.exit(main())
