# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's third-party libraries: present here, and named with their traceback when not."""
from __future__ import annotations

from ansible_collections.veeam_em.core.plugins.module_utils import _dependencies as dependencies


def test_the_runtime_libraries_import_here():
    assert dependencies.missing_libraries() == []
    assert dependencies.optional_import("lxml.etree").__name__ == "lxml.etree"


def test_a_missing_library_is_named_by_its_pip_name_with_the_import_error(monkeypatch):
    monkeypatch.setitem(dependencies.REQUIRED_LIBRARIES, "veeam-no-such-lib", "veeam_no_such_lib.core")
    missing = dict(dependencies.missing_libraries())
    assert list(missing) == ["veeam-no-such-lib"]
    assert "ModuleNotFoundError: No module named 'veeam_no_such_lib'" in missing["veeam-no-such-lib"]
    assert dependencies.optional_import("veeam_no_such_lib.core") is None
