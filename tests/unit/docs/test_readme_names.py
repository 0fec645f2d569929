# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README's "What the collection does" names every plugin and every connection option, so a
plugin or an option added without a word in the README fails here (the Layout of the tree is in
CONTRIBUTING.md: test_contributing_layout.py)."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._options import CONNECTION_OPTION_NAMES
from ansible_collections.veeam_em.core.tests.unit.docs.guides import PLUGINS, names, section


@pytest.mark.parametrize(("folder", "name"), PLUGINS, ids=str)
def test_every_plugin_is_in_what_the_collection_does(folder, name):
    assert names(section("What the collection does"), f"veeam_em.core.{name}"), \
        f"the README's 'What the collection does' does not name veeam_em.core.{name} ({folder})"


@pytest.mark.parametrize("option", CONNECTION_OPTION_NAMES)
def test_every_connection_option_is_named(option):
    assert f"`{option}`" in section("What the collection does")
