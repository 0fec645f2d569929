"""Names EM does not know: the warnings' choices (which names, in which order), beside the
integration tests that check the words where a user meets them."""
from __future__ import annotations

from datetime import datetime, timezone

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import (
    SHOWN,
    closest_first,
    did_you_mean,
    exact_names,
    unknown_name_warnings,
    unmatched_name_warnings,
)
from ansible_collections.veeam_em.core.plugins.plugin_utils._fetch import EmPart
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import read_settings
from ansible_collections.veeam_em.core.plugins.plugin_utils._name_checks import name_warnings

NOW = datetime(2026, 11, 29, 6, tzinfo=timezone.utc)


def test_exact_names_leave_out_patterns_blanks_and_repeats():
    assert exact_names(["vbr01", "vbr0*", "", None, "db[12]", "vbr01", "x?"]) == ["vbr01"]


def test_closest_first_ignores_case_and_breaks_ties_by_name():
    known = ["backup-hq.corp", "VBR02.corp", "vbr01.corp", "zzz"]
    assert closest_first("vbr09.corp", known) == ["VBR02.corp", "vbr01.corp", "backup-hq.corp", "zzz"]


def test_a_known_name_is_silent_and_an_unknown_one_warns_once():
    assert unknown_name_warnings("backup_server_names", "backup server", ["a1", "a1"], ["a1"]) == []
    warnings = unknown_name_warnings("backup_server_names", "backup server", ["b9", "b9"], ["a1"])
    assert len(warnings) == 1 and "'b9'" in warnings[0] and warnings[0].endswith("closest first: a1")


def test_only_the_case_differs():
    [warning] = unknown_name_warnings("backup_server_names", "backup server", ["VBR01"], ["vbr01", "vbr02"])
    assert "'vbr01' differs only in case" in warning and "closest first" not in warning


def test_a_long_list_is_cut_with_a_count():
    known = [f"vbr{index:02d}" for index in range(SHOWN + 3)]
    [warning] = unknown_name_warnings("o", "backup server", ["nothing-alike"], known)
    assert warning.endswith(" and 3 more") and warning.count("vbr") == SHOWN


def test_an_empty_list_says_the_account_sees_none():
    [warning] = unknown_name_warnings("o", "backup server", ["vbr01"], [])
    assert warning.endswith("it lists no backup server at all to this account")


def test_unmatched_names_warn_without_a_list():
    assert unmatched_name_warnings("vm_names", "VM", ["db01", "web*", "db02"], ["db02"], "since 7d") == [
        "vm_names: 'db01' matched no VM since 7d; names are exact and case-sensitive"]


def test_did_you_mean_only_when_close():
    options = ["created_after", "rpo", "vm_names"]
    assert did_you_mean("created_afer", options) == "; did you mean created_after?"
    assert did_you_mean("Created_After", options) == "; did you mean created_after?"
    assert did_you_mean("colour", options) == ""


def _settings(**options):
    return read_settings({"created_after": "7d", "include_backup_servers": True, **options}, NOW)


def test_with_several_ems_a_name_is_unknown_only_if_no_em_knows_it():
    parts = [EmPart("eu", [], [{"name": "vbr01"}]), EmPart("us", [], [{"name": "vbr02"}])]
    warnings = name_warnings(parts, _settings(backup_server_names=["vbr01", "vbr02", "vbr03"]))
    assert len(warnings) == 1 and "'vbr03'" in warnings[0] and "closest first: vbr01, vbr02" in warnings[0]


def test_nothing_is_said_when_an_em_failed_or_the_servers_were_not_read():
    parts = [EmPart("eu", [], [{"name": "vbr01"}])]
    assert name_warnings(parts, _settings(backup_server_names=["vbr03"]), complete=False) == []
    assert name_warnings([EmPart(None, [], [])], _settings(backup_server_names=["vbr03"], include_backup_servers=False)) == []


def test_vm_and_job_names_are_checked_against_the_summaries():
    summaries = [{"vm_name": "db01", "job_names": ["Gold"]}]
    warnings = name_warnings([EmPart(None, summaries, [])], _settings(vm_names=["db01", "db02"], job_names=["Gold", "Silver"]))
    assert [warning.split(":")[0] for warning in warnings] == ["vm_names", "job_names"]
    assert "'db02'" in warnings[0] and "'Silver'" in warnings[1]
