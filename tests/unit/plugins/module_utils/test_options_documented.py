# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every surface's connection options and their documentation agree with the table
(_options.CONNECTION_OPTIONS), name by name: type, default and environment variable.

The docs are read as users read them: ansible-doc -j for the modules, the lookup and the
inventory (doc fragments merged), the event source's DOCUMENTATION (ansible-doc has no
event sources) and the role's argument_specs.yml, which passes its connection variables
through to the modules and so documents no default of its own but says the module's.
Also: no second list of the defaults in the code of plugins/ and extensions/.
"""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from ansible_collections.veeam_em.core.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.veeam_em.core.plugins.module_utils._module import connection_argument_spec
from ansible_collections.veeam_em.core.plugins.module_utils._options import CONNECTION_OPTIONS, ConnectionOption

ROOT = Path(os.path.abspath(__file__)).parents[4]  # .../ansible_collections/veeam_em/core (links kept)
COLLECTIONS_ROOT = ROOT.parents[2]
ENV_MENTION = re.compile(r"E\((VEEAM_EM_[A-Z_]+)\)")
MODULE_DEFAULT = re.compile(r"the module's default is V\(([^)]*)\)", re.IGNORECASE)
ROLE_PREFIX = "replica_compliance_"


def same_default(option: ConnectionOption, documented: Any) -> bool:
    """Whether a documented default (YAML: 60 for 60.0) is the table's, in the option's type."""
    if option.default is None or documented is None:
        return documented is option.default
    if option.type == "float":
        return isinstance(documented, (int, float)) and not isinstance(documented, bool) and float(documented) == option.default
    return type(documented) is type(option.default) and documented == option.default


def text_of(spec: dict[str, Any]) -> str:
    description = spec.get("description") or ""
    return " ".join(description) if isinstance(description, list) else str(description)


def disagreements(surface: str, options: dict[str, Any], name_of: Any = str, env_of: Any = None,
                  own_defaults: bool = True) -> Iterator[str]:
    """What `options` (documented or specified) says otherwise than the table, one line each.

    `env_of(spec)` gives the set of variables the surface documents for an option (None: the
    surface documents none, so it is not compared). Without `own_defaults` (a surface that
    passes its values through) an option must have no default at all."""
    for option in CONNECTION_OPTIONS:
        name = name_of(option.name)
        spec = options.get(name)
        if spec is None:
            yield f"{surface}: {name} is missing"
            continue
        if spec.get("type") != option.type:
            yield f"{surface}: {name} has type {spec.get('type')!r}, the table {option.type!r}"
        if not same_default(option if own_defaults else _NO_DEFAULT, spec.get("default")):
            yield f"{surface}: {name} has default {spec.get('default')!r}, the table {option.default!r}"
        documented_env = env_of(spec) if env_of else None
        if documented_env is not None and documented_env != ({option.env} if option.env else set()):
            yield f"{surface}: {name} names the variables {sorted(documented_env)}, the table {option.env!r}"


_NO_DEFAULT = ConnectionOption("(passed through)", "str", "")


def mentioned_env(spec: dict[str, Any]) -> set[str]:
    return set(ENV_MENTION.findall(text_of(spec)))


def listed_env(spec: dict[str, Any]) -> set[str]:
    return {entry["name"] for entry in spec.get("env") or ()}


def ansible_doc(plugin_type: str, names: list[str]) -> dict[str, Any]:
    """ansible-doc -j of plugins of one type, from this collection."""
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_ROOT), "ANSIBLE_NOCOLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "ansible.cli.doc", "-t", plugin_type, "-j", *names],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    found = json.loads(done.stdout)
    assert sorted(found) == sorted(names), f"ansible-doc documented {sorted(found)}, not {names}"
    return {name: found[name]["doc"]["options"] for name in names}


def python_documentation(path: Path) -> dict[str, Any]:
    """The DOCUMENTATION of a Python file, read without importing it."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(target, "id", None) for target in node.targets] == ["DOCUMENTATION"]:
            return yaml.safe_load(node.value.value)
    raise AssertionError(f"{path} has no DOCUMENTATION")


def test_the_doc_fragment_agrees_with_the_table() -> None:
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    plugins_env = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]
    found = list(disagreements("doc fragment connection", documented, env_of=mentioned_env))
    found += [f"doc fragment connection.plugins: {name} is not a connection option"
              for name in plugins_env if name not in documented]
    merged = {name: {**spec, "env": plugins_env.get(name, {}).get("env")} for name, spec in documented.items()}
    found += list(disagreements("doc fragment connection.plugins", merged, env_of=listed_env))
    assert found == []


def test_the_modules_argument_spec_agrees_with_the_table() -> None:
    spec = connection_argument_spec()
    assert list(spec) == [option.name for option in CONNECTION_OPTIONS]
    environment = {name: entry.get("fallback", (None, []))[1] for name, entry in spec.items()}
    found = list(disagreements("the modules' argument spec", spec))
    found += [f"the modules' argument spec: {option.name} falls back to {environment[option.name]}"
              for option in CONNECTION_OPTIONS if environment[option.name] != ([option.env] if option.env else [])]
    found += [f"the modules' argument spec: {option.name} no_log is {spec[option.name].get('no_log', False)}"
              for option in CONNECTION_OPTIONS if spec[option.name].get("no_log", False) != option.no_log]
    assert found == []


def test_every_modules_documentation_agrees_with_the_table() -> None:
    names = sorted(f"veeam_em.core.{path.stem}" for path in (ROOT / "plugins" / "modules").glob("*.py"))
    found = [line for name, options in ansible_doc("module", names).items()
             for line in disagreements(f"module {name}", options, env_of=mentioned_env)]
    assert found == []


@pytest.mark.parametrize("plugin_type, name", [("lookup", "veeam_em.core.replica_task_sessions"),
                                               ("inventory", "veeam_em.core.replicas")])
def test_the_plugins_documentation_agrees_with_the_table(plugin_type: str, name: str) -> None:
    options = ansible_doc(plugin_type, [name])[name]
    assert list(disagreements(f"{plugin_type} {name}", options, env_of=listed_env)) == []


def test_the_event_source_documents_every_option_as_the_table() -> None:
    path = ROOT / "extensions" / "eda" / "plugins" / "event_source" / "replica_task_sessions.py"
    options = python_documentation(path)["options"]
    assert list(disagreements("event source replica_task_sessions", options, env_of=mentioned_env)) == []


def test_the_roles_connection_variables_agree_with_the_table() -> None:
    """Unset, a role variable leaves the option to module_defaults, the variable or the
    module's default: so no default of its own, and the module's named where it has one."""
    specs = yaml.safe_load((ROOT / "roles" / "replica_compliance" / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    found = list(disagreements("role replica_compliance", options, lambda name: ROLE_PREFIX + name, mentioned_env,
                               own_defaults=False))
    for option in CONNECTION_OPTIONS:
        said = MODULE_DEFAULT.findall(text_of(options.get(ROLE_PREFIX + option.name, {})))
        wanted = [] if option.default is None else [option.default]
        if [yaml.safe_load(value) for value in said] != wanted and not (
                len(said) == 1 and option.default is not None and same_default(option, yaml.safe_load(said[0]))):
            found.append(f"role replica_compliance: {ROLE_PREFIX}{option.name} says the module's default is {said}, "
                         f"the table {option.default!r}")
    assert found == []


def test_no_second_list_of_the_defaults_in_the_code() -> None:
    """No argument spec entry with a default of its own, and no constant default under an
    option's name, outside the table, in plugins/ and extensions/. The EM client's own
    defaults, which the table cites (TransportOptions), are the one other place they are written."""
    names = {option.name for option in CONNECTION_OPTIONS}
    cited = {("plugins/module_utils/em/_transport.py", "timeout"), ("plugins/module_utils/em/_transport.py", "validate_certs")}
    found = []
    for path in sorted([*(ROOT / "plugins").rglob("*.py"), *(ROOT / "extensions").rglob("*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        for name, line in constant_defaults(ast.parse(path.read_text(encoding="utf-8")), names):
            if (relative, name) not in cited and relative != "plugins/module_utils/_options.py":
                found.append(f"{relative}:{line}: a default for {name}")
    assert found == []


def constant_defaults(tree: ast.AST, names: set[str]) -> Iterator[tuple[str, int]]:
    """(option name, line) of each constant given as an option's default: `"timeout": {"default": 60.0}`,
    `timeout: float = 60.0`, `timeout = 60.0`, `f(timeout=60.0)` and `def f(timeout=60.0)`."""
    def is_constant(value: Any) -> bool:
        return isinstance(value, ast.Constant) and value.value is not None and not isinstance(value.value, str) or (
            isinstance(value, ast.Constant) and value.value == "latest")

    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value in names and isinstance(value, ast.Dict) and any(
                        isinstance(inner, ast.Constant) and inner.value == "default" for inner in value.keys):
                    yield key.value, node.lineno
        elif isinstance(node, (ast.AnnAssign, ast.Assign)):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            for target in targets:
                if isinstance(target, ast.Name) and target.id in names and is_constant(node.value):
                    yield target.id, node.lineno
        elif isinstance(node, ast.Call):
            yield from ((word.arg, node.lineno) for word in node.keywords if word.arg in names and is_constant(word.value))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args.args[len(node.args.args) - len(node.args.defaults):] + node.args.kwonlyargs
            defaults = list(node.args.defaults) + list(node.args.kw_defaults)
            yield from ((argument.arg, node.lineno) for argument, default in zip(arguments, defaults)
                        if argument.arg in names and default is not None and is_constant(default))
