# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The table of connection options and its reader: natural YAML types and their string forms
read alike, bounds refused with the option, the value and what is allowed, environment
fallbacks only when asked, unknown names with the closest known one."""
from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, connection_options_from
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._options import (
    CONNECTION_OPTION_NAMES,
    CONNECTION_OPTIONS,
    OPTIONS,
    check_option_names,
    convert,
    read_connection_values,
)

REQUIRED = {"url": "https://em.example.com:9398/api", "username": "CORP\\reader", "password": "s3cret"}
# What the options were before the table, written out here on purpose: the table must keep them.
PUBLISHED = {
    "url": ("str", None, "VEEAM_EM_URL"), "username": ("str", None, "VEEAM_EM_USERNAME"),
    "password": ("str", None, "VEEAM_EM_PASSWORD"), "validate_certs": ("bool", True, "VEEAM_EM_VALIDATE_CERTS"),
    "ca_path": ("path", None, "VEEAM_EM_CA_PATH"), "timeout": ("float", 60.0, "VEEAM_EM_TIMEOUT"),
    "api_version": ("str", "latest", None), "page_size": ("int", 1000, None), "max_concurrency": ("int", 4, None),
    "proxy": ("str", None, None), "retries": ("int", 5, None), "retry_backoff": ("float", 0.5, None),
}

# Bad values (given, or from the environment) and the one message each gets: the lookup's and the
# event source's tests hold their surface to this same list.
SAME_ON_EVERY_SURFACE = [
    ({"retries": "many"}, {}, "retries must be a whole number between 0 and 10, not 'many'"),
    ({"retries": 11}, {}, "retries must be between 0 and 10, not 11"),
    ({"retries": "11"}, {}, "retries must be between 0 and 10, not 11"),
    ({"validate_certs": "perhaps"}, {}, "validate_certs must be true or false (or yes/no), not 'perhaps'"),
    ({}, {"VEEAM_EM_TIMEOUT": "slow"}, "timeout must be a positive number of seconds, not 'slow'"),
    ({}, {"VEEAM_EM_VALIDATE_CERTS": "maybe"}, "validate_certs must be true or false (or yes/no), not 'maybe'"),
]


def test_the_table_keeps_every_published_option_type_default_and_variable() -> None:
    assert {option.name: (option.type, option.default, option.env) for option in CONNECTION_OPTIONS} == PUBLISHED
    assert {name for name, option in OPTIONS.items() if option.no_log} == {"password", "proxy"}


def test_connection_options_take_their_defaults_from_the_table() -> None:
    fields = {field.name: field.default for field in dataclasses.fields(ConnectionOptions)}
    assert tuple(fields) == CONNECTION_OPTION_NAMES
    for option in CONNECTION_OPTIONS:
        if not option.required:
            assert fields[option.name] == option.default, option.name


@pytest.mark.parametrize("name, natural, text", [
    ("retries", 3, "3"),
    ("retries", 0, " 0 "),
    ("page_size", 250, "250"),
    ("timeout", 30, "30"),
    ("timeout", 1.5, "1.5"),
    ("retry_backoff", 1, "1"),
    ("validate_certs", False, "no"),
    ("validate_certs", False, "False"),
    ("validate_certs", True, "yes"),
    ("validate_certs", True, "on"),
])
def test_a_natural_value_and_its_string_form_read_the_same(name: str, natural: Any, text: str) -> None:
    assert convert(name, natural) == convert(name, text)
    # Exactly the type: a bool is an int too, and an int where a float belongs would print as 30, not 30.0.
    assert type(convert(name, text)).__name__ == OPTIONS[name].type


@pytest.mark.parametrize("name, value, message", [
    ("retries", "many", "retries must be a whole number between 0 and 10, not 'many'"),
    ("retries", 2.5, "retries must be a whole number between 0 and 10, not 2.5"),
    ("retries", True, "retries must be a whole number between 0 and 10, not True"),
    ("retries", 11, "retries must be between 0 and 10, not 11"),
    ("retries", "11", "retries must be between 0 and 10, not 11"),
    ("page_size", 0, "page_size must be between 1 and 10000, not 0"),
    ("page_size", "20000", "page_size must be between 1 and 10000, not 20000"),
    ("max_concurrency", 99, "max_concurrency must be between 1 and 16, not 99"),
    ("timeout", 0, "timeout must be a positive number of seconds, not 0"),
    ("timeout", "-1", "timeout must be a positive number of seconds, not -1"),
    ("timeout", "soon", "timeout must be a positive number of seconds, not 'soon'"),
    ("timeout", "inf", "timeout must be a positive number of seconds, not 'inf'"),
    ("retry_backoff", 0, "retry_backoff must be more than 0 and at most 30 seconds, not 0"),
    ("retry_backoff", "31", "retry_backoff must be more than 0 and at most 30 seconds, not 31"),
    ("retry_backoff", [1], "retry_backoff must be a number more than 0 and at most 30 seconds, not [1]"),
    ("validate_certs", "perhaps", "validate_certs must be true or false (or yes/no), not 'perhaps'"),
    ("validate_certs", 2, "validate_certs must be true or false (or yes/no), not 2"),
    ("url", 42, "url must be text, not 42"),
    ("ca_path", ["a.pem"], "ca_path must be a path (text), not ['a.pem']"),
])
def test_a_bad_value_is_refused_naming_the_option_the_value_and_what_it_takes(name: str, value: Any, message: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        convert(name, value)
    assert str(raised.value) == message


@pytest.mark.parametrize("name", ["password", "proxy"])
def test_a_secret_of_the_wrong_type_is_not_shown(name: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        convert(name, 1234567)
    assert str(raised.value) == f"{name} must be text, not a value of type int"


def test_a_path_is_expanded_as_ansible_expands_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/reader")
    monkeypatch.setenv("PKI", "/etc/pki")
    assert convert("ca_path", "~/ca.pem") == "/home/reader/ca.pem"
    assert convert("ca_path", "$PKI/ca.pem") == "/etc/pki/ca.pem"


def test_rulebook_values_in_their_natural_types_make_connection_options() -> None:
    values = {**REQUIRED, "retries": 3, "retry_backoff": 1, "timeout": 30, "validate_certs": False}
    assert connection_options_from(values) == connection_options_from({key: str(value) for key, value in values.items()})
    options = connection_options_from(values)
    assert (options.retries, options.retry_backoff, options.timeout, options.validate_certs) == (3, 1.0, 30.0, False)


def test_environment_fallbacks_apply_only_when_asked_and_only_where_the_table_names_a_variable() -> None:
    environ = {"VEEAM_EM_URL": "https://env.example.com/api", "VEEAM_EM_USERNAME": "env-user",
               "VEEAM_EM_PASSWORD": "env-pass", "VEEAM_EM_TIMEOUT": "12", "VEEAM_EM_VALIDATE_CERTS": "no",
               "VEEAM_EM_RETRIES": "9"}
    options = connection_options_from({"username": "given"}, environ=environ)
    assert (options.url, options.username, options.password) == ("https://env.example.com/api", "given", "env-pass")
    assert (options.timeout, options.validate_certs, options.retries) == (12.0, False, OPTIONS["retries"].default)
    assert read_connection_values({}, None) == {}
    assert read_connection_values({"url": ""}, {"VEEAM_EM_URL": "https://env.example.com"}) == {
        "url": "https://env.example.com"}


def test_a_bad_environment_value_is_named_like_a_given_one() -> None:
    with pytest.raises(ConfigurationError, match=r"^timeout must be a positive number of seconds, not 'slow'$"):
        connection_options_from(REQUIRED, environ={"VEEAM_EM_TIMEOUT": "slow"})


@pytest.mark.parametrize("given, environ, message", SAME_ON_EVERY_SURFACE)
def test_the_messages_every_surface_shares(given: dict[str, Any], environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        connection_options_from({**REQUIRED, **given}, environ=environ)
    assert str(raised.value) == message


def test_missing_options_name_their_variables_and_where_they_were_missing() -> None:
    with pytest.raises(ConfigurationError) as raised:
        connection_options_from({"url": "https://em.example.com"}, where="enterprise_managers[0] (eu)")
    assert str(raised.value) == ("enterprise_managers[0] (eu): missing connection option(s): username, password; "
                                 "set them as options or through VEEAM_EM_USERNAME, VEEAM_EM_PASSWORD")


def test_where_prefixes_a_bad_value_too() -> None:
    with pytest.raises(ConfigurationError, match=r"^enterprise_managers\[1\] \(us\): retries must be between 0 and 10, not 12$"):
        connection_options_from({**REQUIRED, "retries": "12"}, where="enterprise_managers[1] (us)")


def test_other_keys_are_left_to_the_caller() -> None:
    assert connection_options_from({**REQUIRED, "interval": 5, "name": "eu"}) == connection_options_from(REQUIRED)


def test_unknown_names_are_named_with_the_closest_known_one() -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_option_names(["retrys", "url", "zzz"], CONNECTION_OPTION_NAMES, where="enterprise_managers[0]")
    assert str(raised.value) == (
        "enterprise_managers[0]: unknown option(s) retrys (did you mean retries?), zzz; the options are "
        + ", ".join(sorted(CONNECTION_OPTION_NAMES)))


def test_deprecated_names_pass_without_being_listed() -> None:
    check_option_names(["vm_name"], ["vm_names"], also_accepted=["vm_name"])
    with pytest.raises(ConfigurationError, match=r"^unknown option\(s\) vm_nam \(did you mean vm_names\?\); the options are vm_names$"):
        check_option_names(["vm_nam"], ["vm_names"], also_accepted=["vm_name"])


@pytest.mark.parametrize(("url", "validate_certs", "said"), [
    ("https://em.corp.example:9398/api", True, []),
    ("https://em.corp.example:9398/api", False, ["validate_certs is false"]),
    ("http://em.corp.example:9399/api", True, ["url is plain http://"]),
    ("HTTP://em.corp.example/api", False, ["validate_certs is false", "url is plain http://"]),
])
def test_every_surface_is_told_how_the_credentials_are_exposed(url, validate_certs, said):
    options = connection_options_from({"url": url, "username": "u", "password": "p", "validate_certs": validate_certs})
    warnings = options.warnings()
    assert [warning[:len(start)] for warning, start in zip(warnings, said)] == said and len(warnings) == len(said)
    if any("http://" in start for start in said):
        assert "travel unencrypted" in warnings[-1] and "Use https://" in warnings[-1]
