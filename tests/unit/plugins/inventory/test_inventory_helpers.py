"""The replicas inventory's pure rules: selection, host names, group names, host vars, settings."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible.inventory.group import to_safe_group_name

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._selection import NameFilter
from ansible_collections.veeam_em.core.plugins.module_utils._connection import connection_options_from
from ansible_collections.veeam_em.core.plugins.plugin_utils._cache import cache_fingerprint
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_list import EmSource
from ansible_collections.veeam_em.core.plugins.plugin_utils._host_names import assign_host_names, vm_places
from ansible_collections.veeam_em.core.plugins.plugin_utils._host_vars import (
    GroupNamer,
    server_host_vars,
    vm_fixed_groups,
    vm_host_vars,
)
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import read_settings

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def sanitize(name: str) -> str:
    return to_safe_group_name(name, force=True, silent=True)


@pytest.mark.parametrize("include, exclude, name, allowed", [
    ((), (), "web01", True),
    (("web*",), (), "web01", True),
    (("web*",), (), "db01", False),
    (("db0[1-3]",), (), "db02", True),
    (("db0[1-3]",), (), "db04", False),
    ((), ("*-test",), "app-test", False),
    (("app*",), ("*-test",), "app-prod", True),
    (("Web*",), (), "web01", False),  # case-sensitive, as EM's filters
    (("x",), (), None, False),  # a session without the name never matches an include
    ((), ("x",), None, True),
])
def test_name_filter(include, exclude, name, allowed):
    assert NameFilter(include, exclude).allows(name) is allowed


def test_exact_names_are_sent_to_em_only_without_wildcards():
    assert NameFilter(("b", "a", "a")).exact_names() == ("a", "b")
    assert NameFilter(("a", "web*")).exact_names() == ()
    assert NameFilter(("db0?",)).exact_names() == ()
    assert NameFilter((), ("a",)).exact_names() == ()


def test_selection_query_and_window():
    after = NOW - timedelta(days=1)
    settings = read_settings({"created_after": "1d", "vm_names": ["web01"], "job_names": ["Tier*"],
                              "backup_server_names": ["vbr01"]}, NOW)
    selection = settings.selection
    query = settings.session_query()
    assert (query.vm_names, query.job_names, query.backup_servers, query.created_after) == (("web01",), (), ("vbr01",), after)
    points = settings.point_query()
    assert (points.vm_names, points.backup_servers, points.created_after) == (("web01",), ("vbr01",), after)
    record = {"vm_name": "web01", "job_name": "Tier1", "backup_server_name": "vbr01", "creation_time": "2026-11-29T00:00:00Z"}
    assert selection.keeps_session(record)
    # A cached record older than this run's window is dropped.
    assert not selection.keeps_session({**record, "creation_time": "2026-11-28T11:59:59Z"})
    assert not selection.keeps_session({**record, "job_name": "Other"})
    assert selection.keeps_server({"name": "vbr01"}) and not selection.keeps_server({"name": "vbr02"})


def test_unique_names_stay_and_repeated_names_all_carry_their_server():
    proposed = [("web01", "vbr01"), ("db01", "vbr01"), ("web01", "vbr02")]
    assert assign_host_names(proposed) == ["web01_vbr01", "db01", "web01_vbr02"]


def test_a_name_taken_by_a_backup_server_host_is_suffixed():
    assert assign_host_names([("vbr01", "vbr01"), ("web01", "vbr01")], reserved={"vbr01"}) == ["vbr01_vbr01", "web01"]


def test_suffixed_names_never_take_an_existing_name():
    # A VM literally named "web01_vbr01" keeps its name; the colliding web01s get numbers.
    proposed = [("web01", "vbr01"), ("web01", "vbr01"), ("web01_vbr01", "vbr02"), ("a", None), ("a", None)]
    names = assign_host_names(proposed)
    assert names == ["web01_vbr01_2", "web01_vbr01_3", "web01_vbr01", "a_unknown", "a_unknown_2"]
    assert len(set(names)) == len(names)


def test_group_names_are_safe_and_never_shared():
    namer = GroupNamer("veeam_", sanitize)
    jobs = namer.family("job", ["Tier1 Replication", "Tier1-Replication", "Nightly", "{{ 7 * 6 }}"])
    assert jobs["Nightly"] == "veeam_job_Nightly"
    assert jobs["{{ 7 * 6 }}"] == "veeam_job____7___6___"
    clash = {jobs["Tier1 Replication"], jobs["Tier1-Replication"]}
    assert len(clash) == 2 and all(name.startswith("veeam_job_Tier1_Replication_") for name in clash)
    # The suffix depends on the name alone, so it is the same run after run.
    assert namer.family("job", ["Tier1-Replication", "Tier1 Replication"]) == {
        "Tier1 Replication": jobs["Tier1 Replication"], "Tier1-Replication": jobs["Tier1-Replication"]}
    assert namer.fixed("rpo_breached") == "veeam_rpo_breached"
    assert GroupNamer("my-", sanitize).fixed("running") == "my_running"


def test_vm_host_vars_are_prefixed_and_rpo_keys_only_with_an_rpo():
    status = {"vm_name": "web01", "rpo_seconds": None, "rpo_breached": None, "running": False}
    assert vm_host_vars(status) == {"veeam_kind": "replicated_vm", "veeam_vm_name": "web01", "veeam_running": False,
                                    "veeam_waiver": []}
    with_rpo = vm_host_vars({**status, "rpo_seconds": 3600.0, "rpo_breached": False})
    assert with_rpo["veeam_rpo_seconds"] == 3600.0 and with_rpo["veeam_rpo_breached"] is False


def test_server_host_vars():
    assert server_host_vars({"id": "1", "name": "vbr01", "version": "13"}) == {
        "veeam_kind": "backup_server", "veeam_backup_server_id": "1", "veeam_backup_server_name": "vbr01",
        "veeam_backup_server_version": "13"}


@pytest.mark.parametrize("status, groups", [
    ({"last_result": "Success", "running": False, "rpo_breached": None}, ["replicated_vms", "result_success"]),
    ({"last_result": "Warning", "running": True, "rpo_breached": False},
     ["replicated_vms", "result_warning", "running", "rpo_ok"]),
    ({"last_result": "Failed", "running": False, "rpo_breached": True}, ["replicated_vms", "result_failed", "rpo_breached"]),
    ({"last_result": None, "running": True, "rpo_breached": True}, ["replicated_vms", "running", "rpo_breached"]),
    ({"last_result": "Failed", "running": False, "rpo_breached": None, "findings": ["failed"], "failing": True},
     ["replicated_vms", "result_failed", "finding_failed", "failing"]),
    ({"last_result": "Warning", "running": False, "rpo_breached": True, "findings": ["rpo_breach", "warning"],
      "failing": False}, ["replicated_vms", "result_warning", "rpo_breached", "finding_rpo_breach", "finding_warning"]),
])
def test_fixed_groups(status, groups):
    assert vm_fixed_groups(status) == groups


def test_settings_defaults():
    settings = read_settings({}, NOW)
    assert settings.selection.created_after == NOW - timedelta(days=7)
    assert settings.criteria.rpo is None and settings.criteria.rpo_by_job == {}
    assert settings.group_prefix == "veeam_"
    assert settings.include_backup_servers and not settings.include_sessions


def test_settings_from_options():
    settings = read_settings({
        "created_after": datetime(2026, 11, 1), "rpo": "4h", "rpo_by_job": {"Gold*": "1h"}, "fail_on": ["warning"],
        "group_prefix": "", "include_backup_servers": False,
        "vm_names": ["web*"], "exclude_job_names": ["x"], "include_sessions": True,
    }, NOW)
    # An unquoted YAML time is a naive datetime: UTC, like a time without an offset.
    assert settings.selection.created_after == datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert settings.criteria.rpo == timedelta(hours=4) and settings.group_prefix == ""
    assert settings.criteria.rpo_by_job == {"Gold*": timedelta(hours=1)} and settings.criteria.fail_on == {"warning"}
    assert settings.selection.vms.include == ("web*",) and settings.selection.jobs.exclude == ("x",)
    assert not settings.include_backup_servers and settings.include_sessions


@pytest.mark.parametrize("options, message", [
    ({"created_after": "last week"}, "created_after: cannot read 'last week'"),
    ({"rpo": "one day"}, "rpo must be a duration such as 24h, 30m or 7d .*, not 'one day'"),
])
def test_bad_settings_name_the_option(options, message):
    with pytest.raises(ConfigurationError, match=message):
        read_settings(options, NOW)


def sources(url: str = "https://em:9398/api", *names: str | None) -> list[EmSource]:
    connection = connection_options_from({"url": url, "username": "CORP\\reader", "password": "p"})
    return [EmSource(name, index, connection) for index, name in enumerate(names or (None,))]


def test_fingerprint_follows_the_query_not_the_presentation():
    base = read_settings({"rpo": "4h"}, NOW)
    same = read_settings({"rpo": "1d", "exclude_vm_names": ["x"], "hostname": "x"}, NOW)
    other = read_settings({"vm_names": ["web01"]}, NOW)
    digest = cache_fingerprint(base, sources())
    assert digest == cache_fingerprint(same, sources())
    assert digest != cache_fingerprint(other, sources())
    assert digest != cache_fingerprint(base, sources("https://em2:9398/api"))
    assert "reader" not in digest and len(digest) == 64


def test_one_url_and_a_named_em_at_that_url_are_cached_apart():
    """The EM's name is a host var and a group, so an entry made without it cannot serve it."""
    settings = read_settings({}, NOW)
    assert cache_fingerprint(settings, sources()) != cache_fingerprint(settings, sources("https://em:9398/api", "eu"))
    assert cache_fingerprint(settings, sources("https://em:9398/api", "eu")) != \
        cache_fingerprint(settings, sources("https://em:9398/api", "us"))


def test_vm_places_tell_apart_by_server_then_em():
    names, servers = ["web01", "web01", "web01", "db01"], ["vbr01", "vbr02", "vbr01", "vbr01"]
    assert vm_places(names, [None] * 4, servers) == ["vbr01", "vbr02", "vbr01", "vbr01"]
    # Named EMs: the EM alone, unless the name is used twice within that EM too.
    assert vm_places(names, ["eu", "eu", "us", "us"], servers) == ["eu_vbr01", "eu_vbr02", "us", "us"]
