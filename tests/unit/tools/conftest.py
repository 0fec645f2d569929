"""The scripts of tools/ imported as modules for their unit tests (tools/ holds scripts run as
such, not a package)."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOLS = Path(__file__).resolve().parents[3] / "tools"


def import_tool(name: str) -> ModuleType:
    sys.path.insert(0, str(TOOLS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(TOOLS))


@pytest.fixture(scope="module")
def run_matrix() -> ModuleType:
    return import_tool("run_matrix")


@pytest.fixture(scope="module")
def groups_module() -> ModuleType:
    return import_tool("integration_groups")


@pytest.fixture(scope="module")
def run_checks() -> ModuleType:
    return import_tool("run_checks")


@pytest.fixture(scope="module")
def failure_lines() -> ModuleType:
    return import_tool("failure_lines")
