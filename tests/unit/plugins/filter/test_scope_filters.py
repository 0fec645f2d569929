# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters that check a compliance run's scope: replica_session_query (lookback against RPO,
errors in a role's names) and replica_not_found (exact names that match nothing)."""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.core.plugins.filter import replica_not_found as not_found_module
from ansible_collections.veeam_em.core.plugins.filter import replica_session_query as query_module
from ansible_collections.veeam_em.core.plugins.filter.replica_not_found import replica_not_found
from ansible_collections.veeam_em.core.plugins.filter.replica_session_query import replica_session_query

NOW = "2026-11-29T06:00:00Z"


def test_both_filters_are_registered_under_their_names():
    assert query_module.FilterModule().filters() == {"replica_session_query": replica_session_query}
    assert not_found_module.FilterModule().filters() == {"replica_not_found": replica_not_found}


def test_a_window_that_covers_the_rpos_gives_the_query():
    query = replica_session_query("24h", now=NOW, rpo="24h", rpo_by_job={"Gold*": "4h"})
    assert (query["created_after"], query["created_before"]) == ("2026-11-28T06:00:00Z", NOW)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"created_after": "12h", "rpo": "24h"},
     r"^replica_session_query: created_after \(12h\) is shorter than rpo \(24h\)"),
    ({"created_after": "7d", "rpo": "4h", "rpo_by_job": {"Archive": "2w"}},
     r"^replica_session_query: created_after \(7d\) is shorter than rpo_by_job\['Archive'\] \(14d\)"),
    ({"created_after": "7d", "rpo": "24 hours", "option_prefix": "replica_compliance_"},
     r"^replica_compliance_rpo must be a duration such as 24h, 30m or 7d \(a number and s, m, h, d or w\), not '24 hours'$"),
    ({"created_after": "7d", "rpo_by_job": {"Gold": "often"}, "option_prefix": "replica_compliance_"},
     r"^replica_compliance_rpo_by_job\['Gold'\] must be a duration .*, not 'often'$"),
    ({"created_after": "forever", "option_prefix": "replica_compliance_"},
     r"^replica_compliance_created_after: cannot read 'forever' as a time"),
    ({"created_after": "7d", "now": "yesterday", "option_prefix": "replica_compliance_"},
     r"^replica_compliance_now: cannot read 'yesterday' as a time"),
    ({"created_after": "12h", "rpo": "24h", "option_prefix": "replica_compliance_"},
     r"^replica_compliance_created_after \(12h\) is shorter than replica_compliance_rpo \(24h\).* "
     r"Set replica_compliance_created_after to 24h or more \(such as 7d\), or lower replica_compliance_rpo\.$"),
])
def test_what_cannot_work_is_refused_naming_the_options_as_the_caller_calls_them(arguments, message):
    arguments = {"now": NOW, **arguments}
    with pytest.raises(AnsibleFilterError, match=message):
        replica_session_query(arguments.pop("created_after"), **arguments)


def test_errors_return_gives_the_message_as_data_for_a_role_to_fail_with():
    assert replica_session_query("12h", now=NOW, rpo="24 hours", option_prefix="replica_compliance_", errors="return") == {
        "error": "replica_compliance_rpo must be a duration such as 24h, 30m or 7d (a number and s, m, h, d or w), not '24 hours'"}
    assert "error" not in replica_session_query("7d", now=NOW, rpo="24h", errors="return")
    with pytest.raises(AnsibleFilterError, match="^replica_session_query: errors must be raise or return, not 'ignore'"):
        replica_session_query("7d", now=NOW, errors="ignore")


def test_not_found_lists_each_exact_name_nothing_names():
    sessions = [{"vm_name": "db01", "job_name": "Gold", "backup_server_name": "vbr-a"}]
    found = replica_not_found(sessions, include={"vm_name": ["db01", "DB02", "web*"], "backup_server_name": ["VBR-A"]},
                              backup_servers=[{"name": "vbr-a"}, {"name": "vbr-b"}])
    assert found == [
        {"kind": "vm", "name": "DB02",
         "message": "VM 'DB02' matches nothing Enterprise Manager returned; the closest names it has: 'db01'"},
        {"kind": "backup_server", "name": "VBR-A",
         "message": "backup server 'VBR-A' matches nothing Enterprise Manager returned; it has 'vbr-a', which differs "
                    "only in case (names match case-sensitively)"},
    ]


@pytest.mark.parametrize(("arguments", "message"), [
    ({"records": "x"}, "^replica_not_found: expects a list of replica task session records"),
    ({"records": [], "jobs": [1]}, "^replica_not_found: jobs: record 0 is a int, not a dict"),
    ({"records": [], "include": ["db01"]}, "^replica_not_found: include must be a dict"),
])
def test_not_found_refuses_input_of_the_wrong_shape(arguments, message):
    with pytest.raises(AnsibleFilterError, match=message):
        replica_not_found(arguments.pop("records"), **arguments)
