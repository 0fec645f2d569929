# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the tests of the README and CONTRIBUTING.md share: the guides' text, their sections,
and the plugins and module_utils layers of the tree that they must name."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
QUICKSTART = (ROOT / "docs" / "docsite" / "rst" / "quickstart.rst").read_text(encoding="utf-8")


def section(title: str, text: str = README, name: str = "README.md") -> str:
    """The text of one `## title` section of a Markdown guide (the README unless told)."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"{name} has no section '## {title}'"
    return match.group(1)


def headings(text: str) -> list[str]:
    """The `## ` headings of a Markdown guide, in order."""
    return re.findall(r"^## (.+)$", text, re.MULTILINE)


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

LAYERS = sorted({path.parent.name if path.parent.name != "module_utils" else path.stem
                 for path in (ROOT / "plugins" / "module_utils").rglob("*.py") if path.stem != "__init__"})
