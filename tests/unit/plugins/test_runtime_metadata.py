# Copyright: (c) 2025, veeam_em.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `em` action group in meta/runtime.yml lists every module, and only modules."""

from __future__ import annotations

from pathlib import Path

import yaml

COLLECTION_ROOT = Path(__file__).resolve().parents[3]
RUNTIME_YML = COLLECTION_ROOT / "meta" / "runtime.yml"
MODULES_DIR = COLLECTION_ROOT / "plugins" / "modules"


def module_names() -> list[str]:
    """Return the short names of the modules in plugins/modules/, sorted."""
    if not MODULES_DIR.is_dir():
        return []
    return sorted(path.stem for path in MODULES_DIR.glob("*.py") if path.stem != "__init__")


def em_action_group() -> object:
    """Return the `em` action group as meta/runtime.yml writes it."""
    with RUNTIME_YML.open(encoding="utf-8") as handle:
        runtime = yaml.safe_load(handle)
    return runtime["action_groups"]["em"]


def test_collection_root_found() -> None:
    """Guards the path arithmetic above: a wrong root would compare nothing."""
    assert (COLLECTION_ROOT / "galaxy.yml").is_file()
    assert RUNTIME_YML.is_file()


def test_em_action_group_is_a_list_of_short_names() -> None:
    group = em_action_group()
    assert isinstance(group, list), "action_groups.em must be a list (write `em: []` when empty)"
    assert all(isinstance(name, str) and "." not in name for name in group), group


def test_em_action_group_lists_every_module_sorted() -> None:
    expected = module_names()
    assert em_action_group() == expected, (
        "meta/runtime.yml action_groups.em must list exactly the modules in "
        f"plugins/modules/, sorted: expected {expected}"
    )
