# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unknown_names filter: given names not among the known ones, each with the closest known name."""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.filter import unknown_names as filter_module
from ansible_collections.veeam_em.core.plugins.filter.unknown_names import unknown_names

ROLE_VARIABLES = ["replica_compliance_rpo", "replica_compliance_rpo_by_job", "replica_compliance_rpo_basis",
                  "replica_compliance_report_dir", "replica_compliance_inventory_group"]


def test_the_filter_is_registered_under_its_name():
    assert filter_module.FilterModule().filters() == {"unknown_names": unknown_names}


def test_a_stray_underscore_is_named_with_the_variable_meant():
    # The case: one underscore too many, among names that share the prefix.
    given = ["replica_compliance_rpo_", "replica_compliance_report_dir"]
    assert unknown_names(given, ROLE_VARIABLES, what="variable of this role") == [
        "replica_compliance_rpo_ is not a variable of this role; did you mean replica_compliance_rpo?"]


def test_known_names_give_nothing():
    assert unknown_names(ROLE_VARIABLES[::-1], ROLE_VARIABLES) == []


def test_names_are_exact_so_the_wrong_case_is_unknown_and_its_fix_named():
    assert unknown_names(["Replica_Compliance_RPO"], ROLE_VARIABLES, what="variable of this role") == [
        "Replica_Compliance_RPO is not a variable of this role; did you mean replica_compliance_rpo?"]


def test_a_name_like_no_known_one_has_no_suggestion_and_the_default_wording():
    assert unknown_names(["colour"], ["rpo", "lookback"]) == ["colour is not a known name"]


def test_each_unknown_name_once_in_the_order_given():
    assert unknown_names(["b_x", "a_x", "b_x"], ["a", "b"], what="key") == ["b_x is not a key", "a_x is not a key"]


@pytest.mark.parametrize(("given", "known", "message"), [
    ("replica_compliance_rpo_", ROLE_VARIABLES, "unknown_names: the input must be a list of names, not str"),
    (["rpo"], "rpo", "unknown_names: known must be a list of names, not str"),
    (None, ROLE_VARIABLES, "unknown_names: the input must be a list of names, not NoneType"),
])
def test_a_lone_string_or_nothing_is_refused_rather_than_read_letter_by_letter(given, known, message):
    with pytest.raises(AnsibleFilterError) as raised:
        unknown_names(given, known)
    assert str(raised.value) == message
