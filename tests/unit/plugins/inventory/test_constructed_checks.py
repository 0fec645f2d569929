# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""keyed_groups, groups and compose in the replicas inventory's file: what ansible-core would
skip without a word is refused, naming the entry and the fix (issue 29)."""
from __future__ import annotations

from typing import Any

import pytest
import yaml

from ansible.plugins.doc_fragments.constructed import ModuleDocFragment

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.plugin_utils._constructed import KEYED_GROUP_KEYS, check_constructed

SOURCE_OPTIONS = ("leading_separator", "strict", "group_prefix", "keyed_groups")


def refusal(config: dict[str, Any]) -> str:
    with pytest.raises(ConfigurationError) as caught:
        check_constructed(config, SOURCE_OPTIONS)
    return str(caught.value)


def test_the_known_keys_are_those_of_the_installed_ansible_core():
    # The doc fragment lists what Constructable._add_host_to_keyed_groups reads; a key added
    # by a later ansible-core must be added here, or it would be refused.
    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    assert set(KEYED_GROUP_KEYS) == set(fragment["options"]["keyed_groups"]["suboptions"])


def test_every_key_of_an_entry_spelt_right_passes():
    check_constructed({"keyed_groups": [
        {"key": "veeam_job_name", "prefix": "job", "separator": "-", "parent_group": "jobs", "default_value": "none"},
        {"key": "veeam_backup_server_name", "trailing_separator": False},
    ], "groups": {"twice": "veeam_consecutive_failures >= 2", "everything": True},
        "compose": {"ansible_host": "veeam_vm_name ~ '.corp.example'"}}, SOURCE_OPTIONS)


def test_nothing_given_passes():
    check_constructed({}, SOURCE_OPTIONS)
    check_constructed({"keyed_groups": None, "groups": None, "compose": None}, SOURCE_OPTIONS)


@pytest.mark.parametrize(("typo", "meant"), [
    ("prefx", "prefix"), ("seperator", "separator"), ("parent", "parent_group"), ("default", "default_value"),
    ("Prefix", "prefix"),
])
def test_a_misspelt_key_names_the_entry_and_the_closest_key(typo, meant):
    message = refusal({"keyed_groups": [{"key": "veeam_status"}, {"key": "veeam_job_name", typo: "job"}]})
    assert message == f"keyed_groups[1] (key: veeam_job_name) has no option {typo}; did you mean {meant}?"


def test_a_key_like_none_lists_the_keys_an_entry_takes():
    assert refusal({"keyed_groups": [{"key": "veeam_status", "colour": "red"}]}) == (
        "keyed_groups[0] (key: veeam_status) has no option colour; an entry takes key, prefix, separator, "
        "parent_group, default_value, trailing_separator")


def test_an_option_of_the_source_inside_an_entry_says_where_it_belongs():
    # leading_separator is close to trailing_separator, but it is the source's option.
    assert refusal({"keyed_groups": [{"key": "veeam_status", "leading_separator": False}]}) == (
        "keyed_groups[0] (key: veeam_status) has no option leading_separator: leading_separator is an option of "
        "the source, to give beside keyed_groups, not in an entry")


@pytest.mark.parametrize("entry", [{"prefix": "job"}, {"key": None, "default_value": "x"}, {"key": "  "}, {}])
def test_an_entry_without_key_is_refused(entry):
    assert refusal({"keyed_groups": [entry]}) == (
        "keyed_groups[0] has no key: give key, the Jinja2 expression (without braces) whose value names the "
        "group, such as key: veeam_job_name")


@pytest.mark.parametrize("entry", ["veeam_job_name", ["veeam_job_name"], None, 3])
def test_an_entry_that_is_not_a_mapping_is_refused(entry):
    assert refusal({"keyed_groups": [{"key": "veeam_status"}, entry]}) == (
        f"keyed_groups[1] must be a mapping with a key, such as {{key: veeam_job_name, prefix: job}}, not {entry!r}")


def test_keyed_groups_given_as_one_mapping_is_refused():
    assert refusal({"keyed_groups": {"key": "veeam_job_name"}}) == (
        "keyed_groups must be a list of entries, each a mapping with a key such as {key: veeam_job_name, prefix: "
        "job}, not {'key': 'veeam_job_name'}")


def test_a_key_that_is_not_text_is_refused():
    assert refusal({"keyed_groups": [{"key": ["veeam_job_name"]}]}) == (
        "keyed_groups[0] key must be a Jinja2 expression as text (without braces), such as veeam_job_name, "
        "not ['veeam_job_name']")


def test_a_quoted_false_trailing_separator_is_refused():
    assert refusal({"keyed_groups": [{"key": "veeam_status", "trailing_separator": "false"}]}) == (
        "keyed_groups[0] (key: veeam_status) trailing_separator must be true or false (not in quotes), not 'false'")


@pytest.mark.parametrize(("option", "example"), [
    ("groups", "veeam_consecutive_failures >= 2"), ("compose", "veeam_vm_name ~ '.corp.example'")])
@pytest.mark.parametrize("expression", [None, "", " "])
def test_an_empty_expression_is_refused(option, example, expression):
    assert refusal({option: {"mine": expression}}) == (
        f"{option}: mine has no expression, so ansible-core would skip it: give a Jinja2 expression (without "
        f"braces), such as mine: {example}")


@pytest.mark.parametrize(("option", "expression", "quoted"), [
    ("compose", 22, '"22"'), ("compose", True, '"True"'), ("compose", [1, 2], '"[1, 2]"'), ("groups", 5, '"5"')])
def test_an_expression_that_is_not_text_is_refused_with_it_quoted(option, expression, quoted):
    assert refusal({option: {"ansible_port": expression}}) == (
        f"{option}: ansible_port must be a Jinja2 expression as text, not {expression!r}: write it in quotes "
        f"(ansible_port: {quoted})")


@pytest.mark.parametrize("option", ["groups", "compose"])
def test_groups_or_compose_as_a_list_is_refused(option):
    message = refusal({option: [{"tier1": "true"}]})
    assert message.startswith(f"{option} must be a mapping of names to Jinja2 expressions (without braces), such as ")
    assert message.endswith("not [{'tier1': 'true'}]")
