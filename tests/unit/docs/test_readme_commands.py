# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README is for users first: what the collection does, how to install it and how to try it
come before anything else, the contributors' matrices live in CONTRIBUTING.md, every command the
guides give exists, and the demo's figures are filled in and said once."""
from __future__ import annotations

import fnmatch
import re

import pytest
import yaml

from ansible_collections.veeam_em.core.tests.unit.docs.guides import (
    CONTRIBUTING, QUICKSTART, README, ROOT, headings, section,
)

MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
GUIDES = {"README.md": README, "CONTRIBUTING.md": CONTRIBUTING, "quickstart.rst": QUICKSTART}


def test_the_readme_opens_with_what_it_does_how_to_install_and_how_to_try_it():
    assert headings(README)[:3] == ["What the collection does", "Install", "Try it without an Enterprise Manager"]


@pytest.mark.parametrize("table_header", [
    "| ansible-core | Python | environment | in `make test` |",
    "| ansible-core | Python | sanity | units | artifact (demo) | integration | lint |",
    "| ansible-core | Python | sanity | units | artifact (demo) | integration |\n",
])
def test_the_test_matrices_are_in_the_contributor_guide_only(table_header):
    assert table_header in CONTRIBUTING
    assert table_header not in README


def make_targets() -> set[str]:
    """The Makefile's rule names, with test-core-X.Y for each line of MATRIX_LINES."""
    targets = {target for rule in re.findall(r"^([a-z][\w .-]*):(?!=)", MAKEFILE, re.MULTILINE)
               for target in rule.split()}
    lines = re.search(r"^MATRIX_LINES := (.+)$", MAKEFILE, re.MULTILINE).group(1).split()
    return targets | {f"test-core-{line}" for line in lines}


@pytest.mark.parametrize("guide", GUIDES)
def test_every_make_command_a_guide_gives_is_a_target(guide):
    named = set(re.findall(r"`make ([a-z][\w.-]*)", GUIDES[guide]))
    assert named, f"{guide} names no make command"
    assert sorted(named - make_targets()) == []


def shipped(path: str) -> bool:
    """Whether the built collection holds path: it exists and galaxy.yml's build_ignore keeps it."""
    ignored = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))["build_ignore"]
    parts = path.split("/")
    prefixes = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    dropped = any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes for pattern in ignored)
    return (ROOT / path).is_file() and not dropped


@pytest.mark.parametrize("guide", ["README.md", "quickstart.rst"])
def test_the_commands_to_try_it_run_files_the_installed_collection_holds(guide):
    """`$C/...` is a file of the installed collection in the guides' commands."""
    paths = set(re.findall(r"\$C/([\w./-]+)", GUIDES[guide]))
    assert {"demo/simulator.sh", "docs/examples/failed_last_24h.yml"} <= paths
    assert sorted(path for path in paths if not shipped(path)) == []


DEMO_FRESH = re.compile(r"^\| `make demo` on a fresh clone[^|]*\| (\d+) s, (\d+) s of it creating `\.venv-demo` "
                        r"\| (\d+) lines[^|]*\|$", re.MULTILINE)
DEMO_AGAIN = re.compile(r"^\| `make demo` again \| (\d+) s \| (\d+) lines \|$", re.MULTILINE)


def test_the_demo_figures_are_filled_in_and_the_contributor_guide_points_to_them():
    fresh = DEMO_FRESH.search(section("From a clone: `make demo` and `make test`"))
    again = DEMO_AGAIN.search(section("From a clone: `make demo` and `make test`"))
    assert fresh and again, "the README's table lacks the make demo rows"
    whole, venv, lines = (int(figure) for figure in fresh.groups())
    assert 0 < venv < whole
    assert int(again.group(1)) < whole and int(again.group(2)) < lines
    assert "`make demo` |" not in CONTRIBUTING, "CONTRIBUTING.md must point to the README's figures, not repeat them"
