# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CONTRIBUTING.md describes the tree as it is: its Layout block names every plugin and every
layer of module_utils, so a plugin or a layer added without a word there fails here."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.tests.unit.docs.guides import CONTRIBUTING, LAYERS, PLUGINS, names, section


def layout() -> str:
    return section("Layout", CONTRIBUTING, "CONTRIBUTING.md")


@pytest.mark.parametrize(("folder", "name"), PLUGINS, ids=str)
def test_every_plugin_is_in_the_layout(folder, name):
    assert names(layout(), name), f"the Layout of CONTRIBUTING.md does not name {folder}/{name}"


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_of_module_utils_is_in_the_layout(layer):
    """A package by its folder (em/), a file at the top by its name (_options)."""
    wanted = f"{layer}/" if not layer.startswith("_") else layer
    assert names(layout(), wanted), f"the Layout of CONTRIBUTING.md does not name plugins/module_utils/{wanted}"
