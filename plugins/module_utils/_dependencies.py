# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The third-party libraries the client needs where it runs: requests and lxml.

The client imports them through `optional_import`, not with a bare ``import``, so that a
host without one still loads the collection and the edges can name the missing library
(Ansible's ``missing_required_lib`` in modules, an ``AnsibleError`` in plugins) instead of
showing a traceback.
"""
from __future__ import annotations

import importlib
import traceback
from typing import Any

# pip name -> the module the client imports from it
REQUIRED_LIBRARIES = {"requests": "requests", "lxml": "lxml.etree"}


def optional_import(module: str) -> Any:
    """`module` imported, or None when it cannot be (missing_libraries says why)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def missing_libraries() -> list[tuple[str, str]]:
    """(pip name, import traceback) of each required library that does not import."""
    missing = []
    for library, module in REQUIRED_LIBRARIES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append((library, traceback.format_exc()))
    return missing
