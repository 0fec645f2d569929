# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data flows one way: each kind of file under plugins/ imports only from the layers below it.

module_utils runs on managed nodes and in controller plugins alike, so it imports no other
part of the collection; plugin_utils serves controller plugins and imports only module_utils;
the edges (modules, inventory, filter, lookup) import the layers below and never one another;
doc fragments import nothing of the collection. Modules run on managed nodes, where
plugin_utils does not exist. The event source under extensions/ stands on module_utils alone:
ansible-rulebook loads it without Ansible's plugin loader.

Inside module_utils the layers are its sub-packages, bottom up:
- the foundations at its top (errors, times, the record and its outcome, the dependencies, EM's roles and rights);
- em/ (the EM client: transport, session, codec, paging, query service, URL rules) and
  verdict/ (records judged: status, evidence, RPO, coverage, findings, messages, selection),
  side by side: the client never judges, the verdict never reads EM;
- acting/ (what the modules that act do with the client: wait with backoff, collect, make
  sure of fresh restore points, bring a replication job to a state), on em/ and verdict/;
- the surface glue at its top (options, the logged-on client, the modules' wrapper, gathering);
- events/ (the event source's pieces), on everything else.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PLUGINS = ROOT / "plugins"
EXTENSIONS = ROOT / "extensions"
PACKAGE = "ansible_collections.veeam_em.core.plugins."
MODULE_UTILS = PACKAGE + "module_utils."
FOUNDATIONS = {"_errors", "_times", "_outcome", "_records", "_dependencies", "_rights"}
# What each layer of module_utils may import; "glue" is every other file at its top.
MODULE_UTILS_ALLOWED = {
    "foundations": {"foundations"},
    "em": {"foundations", "em"},
    "verdict": {"foundations", "verdict"},
    "acting": {"foundations", "em", "verdict", "acting"},
    "glue": {"foundations", "em", "verdict", "acting", "glue"},
    "events": {"foundations", "em", "verdict", "acting", "glue", "events"},
}
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


def module_utils_layer(parts: tuple[str, ...]) -> str:
    """The layer of a module_utils file from its path or dotted name below module_utils
    (("em", "_url.py"), ("_errors", "VeeamEmError")): files at the top start with "_"."""
    if not parts[0].startswith("_"):
        return parts[0]
    return "foundations" if parts[0].removesuffix(".py") in FOUNDATIONS else "glue"


def imported_module_utils_layers(source: str) -> set[str]:
    """The module_utils layers a Python source imports from (absolute imports only: the
    collection's files use no relative ones, which sanity would refuse in modules)."""
    layers = set()
    for node in ast.walk(ast.parse(source)):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name.startswith(MODULE_UTILS):
                layers.add(module_utils_layer(tuple(name[len(MODULE_UTILS):].split(".")[:2])))
    return layers


def module_utils_files() -> list[Path]:
    return [path for path in plugin_files() if path.relative_to(PLUGINS).parts[0] == "module_utils"]


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
    ("from ansible_collections.veeam_em.core.plugins.module_utils.verdict import _status", {"module_utils"}),
    ("from ..inventory import replicas", {"inventory"}),
    ("from . import _status", set()),
    ("from ansible.errors import AnsibleError\nimport json", set()),
])
def test_the_import_reader_sees_each_form_of_import(source, layers):
    assert imported_layers(source) == layers


def test_every_package_of_module_utils_has_a_rule():
    layers = {module_utils_layer(path.relative_to(PLUGINS / "module_utils").parts) for path in module_utils_files()}
    assert layers == set(MODULE_UTILS_ALLOWED)


@pytest.mark.parametrize("path", module_utils_files(), ids=lambda path: str(path.relative_to(PLUGINS)))
def test_module_utils_imports_go_only_down(path):
    layer = module_utils_layer(path.relative_to(PLUGINS / "module_utils").parts)
    wrong = imported_module_utils_layers(path.read_text(encoding="utf-8")) - MODULE_UTILS_ALLOWED[layer]
    assert not wrong, f"{path.relative_to(PLUGINS)} ({layer}) imports from {sorted(wrong)}"


@pytest.mark.parametrize("path", sorted(EXTENSIONS.rglob("*.py")), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_event_source_stands_on_module_utils_alone(path):
    wrong = imported_layers(path.read_text(encoding="utf-8")) - {"module_utils"}
    assert not wrong, f"{path.relative_to(ROOT)} imports from {sorted(wrong)}"


@pytest.mark.parametrize(("source", "layers"), [
    ("from ansible_collections.veeam_em.core.plugins.module_utils.em._url import api_root", {"em"}),
    ("from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec", {"em"}),
    ("from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError", {"foundations"}),
    ("from ansible_collections.veeam_em.core.plugins.module_utils import _module", {"glue"}),
    ("import ansible_collections.veeam_em.core.plugins.module_utils.verdict._status", {"verdict"}),
    ("from ansible_collections.veeam_em.core.plugins.plugin_utils._fleet import Fleet", set()),
])
def test_the_layer_reader_sees_each_module_utils_layer(source, layers):
    assert imported_module_utils_layers(source) == layers
