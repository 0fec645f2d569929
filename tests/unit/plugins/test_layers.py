# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data flows one way: each kind of file under plugins/ imports only from the layers below it.

module_utils (transport, codec, API, domain) runs on managed nodes and in controller plugins
alike, so it imports no other part of the collection; plugin_utils serves controller plugins
and imports only module_utils; the edges (modules, inventory, filter) import the layers below
and never one another; doc fragments import nothing of the collection. Modules run on managed
nodes, where plugin_utils does not exist.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
PACKAGE = "ansible_collections.veeam_em.core.plugins."
ALLOWED = {
    "module_utils": {"module_utils"},
    "plugin_utils": {"module_utils", "plugin_utils"},
    "modules": {"module_utils"},
    "inventory": {"module_utils", "plugin_utils"},
    "filter": {"module_utils", "plugin_utils"},
    "lookup": {"module_utils", "plugin_utils"},
    "doc_fragments": set(),
}


def imported_layers(source: str) -> set[str]:
    """The plugins/ folders a Python source imports from (absolute collection imports and relative ones)."""
    layers = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            # A relative import climbs out of its folder only with two dots or more.
            names = [f"{PACKAGE}{node.module or ''}"] if node.level > 1 else []
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        layers.update(name[len(PACKAGE):].split(".")[0] for name in names if name.startswith(PACKAGE))
    return layers


def plugin_files() -> list[Path]:
    return sorted(path for path in PLUGINS.rglob("*.py") if path.name != "__init__.py")


def test_every_folder_of_plugins_has_a_rule():
    assert {path.relative_to(PLUGINS).parts[0] for path in plugin_files()} <= set(ALLOWED)


@pytest.mark.parametrize("path", plugin_files(), ids=lambda path: str(path.relative_to(PLUGINS)))
def test_imports_go_only_down(path):
    layer = path.relative_to(PLUGINS).parts[0]
    wrong = imported_layers(path.read_text(encoding="utf-8")) - ALLOWED[layer]
    assert not wrong, f"{path.relative_to(PLUGINS)} ({layer}) imports from {sorted(wrong)}"


@pytest.mark.parametrize(("source", "layers"), [
    ("from ansible_collections.veeam_em.core.plugins.plugin_utils._inventory import Settings", {"plugin_utils"}),
    ("import ansible_collections.veeam_em.core.plugins.filter.replica_status as f", {"filter"}),
    ("from ansible_collections.veeam_em.core.plugins.module_utils import _status", {"module_utils"}),
    ("from ..inventory import replicas", {"inventory"}),
    ("from . import _status", set()),
    ("from ansible.errors import AnsibleError\nimport json", set()),
])
def test_the_import_reader_sees_each_form_of_import(source, layers):
    assert imported_layers(source) == layers
