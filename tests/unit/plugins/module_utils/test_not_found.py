"""Exact include names that match nothing (_not_found), with the spelling EM has or the closest names."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_found import SIMILAR, known_names, not_found
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import case_variants, closest_first

SESSIONS = [
    {"vm_name": "db01", "job_name": "Gold Tier", "backup_server_name": "vbr-a.corp.example"},
    {"vm_name": "web01", "job_name": "Silver Tier", "backup_server_name": "vbr-a.corp.example"},
]
POINTS = [{"vm_name": "mail01", "replica_name": "Mail Replica", "backup_server_name": "vbr-b.corp.example"}]
JOBS = [{"name": "Never Ran", "backup_server_name": "vbr-c.corp.example",
         "includes": [{"display_name": "erp01", "name": "vm-4711"}, {"name": "app01"}]}]
SERVERS = [{"name": "vbr-a.corp.example"}, {"name": "vbr-b.corp.example"}, {"name": "vbr-d.corp.example"}]


def known():
    return known_names(SESSIONS, POINTS, JOBS, SERVERS)


def test_every_kind_of_evidence_names_its_vms_jobs_and_servers():
    assert known() == {
        "vm_name": {"db01", "web01", "mail01", "erp01", "app01"},
        "job_name": {"Gold Tier", "Silver Tier", "Mail Replica", "Never Ran"},
        "backup_server_name": {"vbr-a.corp.example", "vbr-b.corp.example", "vbr-c.corp.example", "vbr-d.corp.example"},
    }


def test_names_that_are_found_patterns_and_an_empty_include_give_nothing():
    include = {"vm_name": ["db01", "erp01", "mail01", "nothing-*", "x?"], "job_name": ["Never Ran"],
               "backup_server_name": ["vbr-d.corp.example"]}
    assert not_found(include, known()) == []
    assert not_found(None, known()) == []


def test_a_typo_in_a_backup_server_lists_the_servers_em_knows_closest_first():
    assert not_found({"backup_server_name": ["vbr99.corp.example"]}, known()) == [{
        "kind": "backup_server", "name": "vbr99.corp.example",
        "message": "backup server 'vbr99.corp.example' matches nothing Enterprise Manager returned; its backup servers "
                   "are 'vbr-a.corp.example', 'vbr-b.corp.example', 'vbr-c.corp.example', 'vbr-d.corp.example'"}]


def test_the_right_name_in_the_wrong_case_names_the_spelling_em_has():
    found = not_found({"vm_name": ["DB01"], "job_name": ["gold tier"]}, known())
    assert found == [
        {"kind": "vm", "name": "DB01", "message": "VM 'DB01' matches nothing Enterprise Manager returned; it has 'db01', "
                                                  "which differs only in case (names match case-sensitively)"},
        {"kind": "job", "name": "gold tier",
         "message": "replication job 'gold tier' matches nothing Enterprise Manager returned; it has 'Gold Tier', "
                    "which differs only in case (names match case-sensitively)"},
    ]


def test_a_misspelt_vm_gets_the_closest_names_and_an_unknown_one_a_hint():
    found = not_found({"vm_name": ["web1", "zzz-unknown", "web1"]}, known())
    assert [item["message"] for item in found] == [
        "VM 'web1' matches nothing Enterprise Manager returned; the closest names it has: 'web01'",
        "VM 'zzz-unknown' matches nothing Enterprise Manager returned; check the spelling, and that the Enterprise "
        "Manager account can see it",
    ]


def test_closest_puts_a_case_variant_first_and_leaves_out_the_unlike():
    assert closest_first("Web01", {"web02", "web01", "db01", "mail99"}, SIMILAR) == ["web01", "web02", "db01"]
    assert case_variants("Web01", {"web02", "web01", "WEB01", "Web01"}) == ["WEB01", "web01"]


def test_an_include_of_the_wrong_shape_is_refused():
    with pytest.raises(ConfigurationError, match="include has unknown key"):
        not_found({"vm": ["x"]}, known())
