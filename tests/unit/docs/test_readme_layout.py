# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README describes the tree as it is: its Layout block names every plugin and every layer of
module_utils, and "What the collection does" names every plugin and every connection option, so
a plugin or an option added without a word in the README fails here."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._options import CONNECTION_OPTION_NAMES

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of one `## title` section of the README."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no section '## {title}'"
    return match.group(1)


def names(text: str, name: str) -> bool:
    """Whether `text` holds `name` as a whole name (replica_status, not replica_status_x)."""
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) is not None


def stems(folder: str) -> list[str]:
    return sorted(path.stem for path in (ROOT / folder).glob("*.py") if path.stem != "__init__")


PLUGINS = (
    [("plugins/modules", name) for name in stems("plugins/modules")]
    + [("plugins/filter", name) for name in stems("plugins/filter")]
    + [("plugins/lookup", name) for name in stems("plugins/lookup")]
    + [("plugins/inventory", name) for name in stems("plugins/inventory")]
    + [("extensions/eda", name) for name in stems("extensions/eda/plugins/event_source")]
    + [("roles", path.name) for path in sorted((ROOT / "roles").iterdir())]
)


@pytest.mark.parametrize(("folder", "name"), PLUGINS, ids=str)
def test_every_plugin_is_in_the_layout_and_in_what_the_collection_does(folder, name):
    assert names(section("Layout"), name), f"the README's Layout does not name {folder}/{name}"
    assert names(section("What the collection does"), f"veeam_em.core.{name}"), \
        f"the README's 'What the collection does' does not name veeam_em.core.{name}"


LAYERS = sorted({path.parent.name if path.parent.name != "module_utils" else path.stem
                 for path in (ROOT / "plugins" / "module_utils").rglob("*.py") if path.stem != "__init__"})


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_of_module_utils_is_in_the_layout(layer):
    """A package by its folder (em/), a file at the top by its name (_options)."""
    wanted = f"{layer}/" if not layer.startswith("_") else layer
    assert names(section("Layout"), wanted), f"the README's Layout does not name plugins/module_utils/{wanted}"


@pytest.mark.parametrize("option", CONNECTION_OPTION_NAMES)
def test_every_connection_option_is_named(option):
    assert f"`{option}`" in section("What the collection does")
