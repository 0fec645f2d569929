# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A few groups of an `ansible-inventory --graph` with their host counts, so that the demo's
inventory step fits on a screen while the whole graph stays in its file.

    python demo/graph_summary.py GRAPH_FILE GROUP...
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

# `  |--@group:` opens a group below @all; `  |  |--host` is a host of that group.
GROUP_LINE = re.compile(r"^  \|--@(?P<group>.+):$")
HOST_LINE = re.compile(r"^  \|  \|--(?P<host>[^@].*)$")
WIDTH = 100


def groups_of(graph: str) -> dict[str, list[str]]:
    """Each group directly below @all with its hosts, in the graph's order."""
    groups: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in graph.splitlines():
        group = GROUP_LINE.match(line)
        if group:
            current = groups.setdefault(group.group("group"), [])
            continue
        host = HOST_LINE.match(line)
        if host and current is not None:
            current.append(host.group("host"))
    return groups


def summary(groups: dict[str, list[str]], wanted: list[str]) -> list[str]:
    """A heading line, then one line per wanted group: its size and its first hosts."""
    hosts = {host for members in groups.values() for host in members}
    lines = [f"{len(hosts)} hosts in {len(groups)} groups; among them:"]
    for name in wanted:
        members = groups.get(name, [])
        lines.append(fitted(f"  {name:<24} {len(members):>3}  ", members))
    return lines


def fitted(head: str, members: list[str]) -> str:
    """head and as many whole host names as fit in WIDTH, then how many more there are."""
    shown: list[str] = []
    for index, member in enumerate(members):
        rest = len(members) - index - 1
        tail = f", ... {rest} more" if rest else ""
        if len(head + ", ".join(shown + [member]) + tail) > WIDTH:
            return head + ", ".join(shown + [f"... {len(members) - index} more"])
        shown.append(member)
    return head + ", ".join(shown)


def main() -> int:
    graph = Path(sys.argv[1]).read_text(encoding="utf-8", errors="replace")
    print("\n".join(summary(groups_of(graph), sys.argv[2:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
