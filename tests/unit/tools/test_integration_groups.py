"""tools/integration_groups.py: integration targets grouped by their shippable/posix/groupN alias,
each group run at once in its own copy, and a target without a group refused."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest


def target(root: Path, name: str, aliases: str) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "aliases").write_text(aliases, encoding="utf-8")


def test_targets_are_grouped_by_alias_without_hidden_or_excluded_ones(groups_module, tmp_path):
    target(tmp_path, "setup_em_simulator", "hidden\n")
    target(tmp_path, "role", "shippable/posix/group2\ncontext/controller\n")
    target(tmp_path, "inventory", "shippable/posix/group1\nneeds/target/setup_em_simulator\n")
    target(tmp_path, "eda", "shippable/posix/group1\n# main line only\n")
    target(tmp_path, "options", "shippable/posix/group1\n")
    assert groups_module.target_groups(tmp_path, {"eda"}) == {"group1": ["inventory", "options"], "group2": ["role"]}


@pytest.mark.parametrize("aliases", ["context/controller\n", "shippable/posix/group1\nshippable/posix/group2\n"])
def test_a_target_in_no_group_or_in_two_is_refused(groups_module, tmp_path, aliases):
    target(tmp_path, "stray", aliases)
    with pytest.raises(ValueError, match="integration target stray: its aliases must name one shippable/posix/groupN"):
        groups_module.target_groups(tmp_path, set())


def test_groups_run_at_once_and_the_first_failure_is_the_exit_code(groups_module, tmp_path):
    said: list[str] = []
    commands = {
        "group1": ([sys.executable, "-c", "import time; time.sleep(0.5); print('one done')"], tmp_path, {}),
        "group2": ([sys.executable, "-c", "print('two failed'); raise SystemExit(3)"], tmp_path, {}),
    }
    assert groups_module.run_groups(commands, tmp_path / "logs", said.append) == 3
    text = "\n".join(said)
    # group2 ends first although it started second: both ran at the same time.
    assert text.index("integration group2: exit 3") < text.index("integration group1: exit 0")
    assert "two failed" in text and "one done" in text


def test_each_group_after_the_first_runs_in_a_fresh_copy(groups_module, tmp_path):
    installed = tmp_path / "installed"
    collection = Path("ansible_collections", "ns", "col")
    (installed / collection / "tests" / "output").mkdir(parents=True)
    (installed / collection / "galaxy.yml").write_text("name: col\n", encoding="utf-8")
    assert groups_module.group_copy(installed, collection, "group1", first=True) == installed / collection
    copy = groups_module.group_copy(installed, collection, "group2", first=False)
    assert copy == tmp_path / "installed-group2" / collection
    assert (copy / "galaxy.yml").is_file() and not (copy / "tests" / "output").exists()


def test_a_group_that_cannot_start_leaves_no_other_group_running(groups_module, tmp_path, monkeypatch):
    started = []
    real_popen = groups_module.subprocess.Popen

    def recording_popen(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        started.append(process)
        return process
    monkeypatch.setattr(groups_module.subprocess, "Popen", recording_popen)
    commands = {
        "group1": ([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path, {}),
        "group2": ([str(tmp_path / "no-such-program")], tmp_path, {}),
    }
    with pytest.raises(FileNotFoundError):
        groups_module.run_groups(commands, tmp_path / "logs", lambda _text: None)
    # group1 was started, then terminated and reaped, not left sleeping.
    assert len(started) == 1 and started[0].returncode is not None


def test_each_group_ends_with_its_targets_seconds_longest_first(groups_module, tmp_path):
    """The seconds ansible-test recorded in this run's results, not an earlier run's."""
    data = tmp_path / "tests" / "output" / "data"
    data.mkdir(parents=True)
    earlier = data / "integration-2026-01-01-00-00-00.json"
    earlier.write_text('{"targets": {"old_target": {"run_time_seconds": 999}}}', encoding="utf-8")
    os.utime(earlier, (1, 1))
    write_results = ("import json, pathlib; pathlib.Path('tests/output/data/integration-now.json').write_text(json.dumps("
                     "{'targets': {'inventory': {'run_time_seconds': 98}, 'role': {'run_time_seconds': 412}, "
                     "'filter': {'run_time_seconds': 98}}}))")
    commands = {"group1": ([sys.executable, "-c", write_results], tmp_path, {}),
                "group2": ([sys.executable, "-c", "pass"], tmp_path / "logs", {})}
    said: list[str] = []
    assert groups_module.run_groups(commands, tmp_path / "logs", said.append) == 0
    assert "integration group1: seconds per target: role 412, filter 98, inventory 98" in said
    assert "integration group2: seconds per target: none recorded" in said
