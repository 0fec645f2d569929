# Copyright: (c) 2026, veeam_em.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration targets in groups that run at the same time, as Ansible's own CI shards them.

Each target's ``aliases`` names its group (``shippable/posix/group1``, ``group2``, ...).  The
targets spend most of their time waiting (for ansible-playbook to start, for the simulator's
runs and collections), not computing: one ansible-test integration ran at about 40 % of one
core, so the groups share the cores well.  Each group runs in its own copy of the installed
collection, since ansible-test keeps its work under the content root's tests/output, and its
output goes to a log printed whole when the group ends.  Standard library only.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

GROUP_ALIAS = re.compile(r"^shippable/posix/(group\d+)\s*$", re.MULTILINE)


def target_groups(targets: Path, excluded: set[str]) -> dict[str, list[str]]:
    """{group: target names} from each target's aliases; hidden (setup) targets and `excluded`
    left out. A target with no group alias is an error: it would silently never run."""
    groups: dict[str, list[str]] = {}
    for target in sorted(path for path in targets.iterdir() if path.is_dir()):
        aliases = (target / "aliases").read_text(encoding="utf-8") if (target / "aliases").is_file() else ""
        if re.search(r"^(hidden|disabled|unsupported)\s*$", aliases, re.MULTILINE) or target.name in excluded:
            continue
        found = GROUP_ALIAS.findall(aliases)
        if len(found) != 1:
            raise ValueError(f"integration target {target.name}: its aliases must name one shippable/posix/groupN")
        groups.setdefault(found[0], []).append(target.name)
    return dict(sorted(groups.items()))


def group_copy(installed_root: Path, collection_path: Path, group: str, first: bool) -> Path:
    """The collection copy a group runs in: the installed one for the first group, a fresh copy
    of it (``<installed_root>-<group>``) for each other."""
    if first:
        return installed_root / collection_path
    root = installed_root.with_name(f"{installed_root.name}-{group}")
    if root.exists():
        shutil.rmtree(root)
    work = installed_root / collection_path / "tests"  # ansible-test's output under it is not copied

    def skip_output(directory: str, names: list[str]) -> list[str]:
        return ["output"] if Path(directory) == work else []

    shutil.copytree(installed_root, root, symlinks=True, ignore=skip_output)
    return root / collection_path


def run_groups(commands: dict[str, tuple[list[str], Path, dict[str, str]]], logs: Path,
               say: Callable[[str], None]) -> int:
    """Run each group's (command, cwd, env) at once, each into ``<logs>/integration-<group>.log``;
    print each log whole as its group ends, then its targets' seconds (target_seconds: cwd is the
    content root); the first non-zero exit code, else 0."""
    logs.mkdir(parents=True, exist_ok=True)
    running: dict[str, tuple[subprocess.Popen, Any, Path, float]] = {}
    codes = []
    began = time.time()
    try:
        for group, (command, cwd, env) in commands.items():
            log = logs / f"integration-{group}.log"
            say(f"+ (cd {cwd} && {' '.join(command)}) > {log}")
            handle = open(log, "w", encoding="utf-8")  # closed when the group ends, below
            running[group] = (subprocess.Popen(command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT),
                              handle, log, time.monotonic())
        while running:
            for group, (process, handle, log, started) in list(running.items()):
                if process.poll() is None:
                    continue
                handle.close()
                del running[group]
                say(f"\n---- integration {group}: exit {process.returncode} after {time.monotonic() - started:.0f} s ----")
                say(log.read_text(encoding="utf-8", errors="replace"))
                say(f"integration {group}: seconds per target: {target_seconds(commands[group][1], began) or 'none recorded'}")
                codes.append(process.returncode)
            time.sleep(0.5)
    finally:
        # Interrupted (Ctrl-C) or a group that could not start: no ansible-test is left running.
        for process, handle, _log, _started in running.values():
            process.terminate()
            process.wait()
            handle.close()
    return next((code for code in codes if code), 0)


def target_seconds(content_root: Path, since: float) -> str:
    """Each target's run time as ansible-test recorded it (``run_time_seconds`` in the results it
    writes to ``tests/output/data/integration-*.json`` under the content root, since `since`, a
    time.time()), longest first, such as ``role 412, inventory 98``: where make test's minutes go.
    Empty when there are none (no target passed, or the file is unreadable)."""
    times: dict[str, int] = {}
    for result in (content_root / "tests" / "output" / "data").glob("integration-*.json"):
        try:
            if result.stat().st_mtime < since:
                continue  # an earlier run's
            targets = json.loads(result.read_text(encoding="utf-8")).get("targets", {})
            times.update({name: int(target["run_time_seconds"]) for name, target in targets.items()})
        except (OSError, ValueError, TypeError, KeyError, AttributeError, OverflowError):
            continue  # the figures are a help, never a reason to fail
    return ", ".join(f"{name} {seconds}" for name, seconds in sorted(times.items(), key=lambda item: (-item[1], item[0])))
