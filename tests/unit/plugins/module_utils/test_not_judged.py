"""What a run could not judge: on every status, in the scope of the summary, never as judged and fine."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import replica_statuses
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_judged import (
    JOBS_NOT_SHOWN,
    JOBS_REFUSED,
    NotJudgedError,
    label,
    message,
    require_judged,
    union,
)
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._summary import compliance_summary

NOW = "2026-12-01T12:00:00Z"
REFUSED = {"checks": "coverage", "reason": "no right to read replication jobs"}
NOT_SHOWN = {"checks": "coverage", "reason": "Enterprise Manager showed no replication job"}


def session(vm: str, job: str = "Tier1", created: str = "2026-12-01T08:00:00Z") -> dict:
    return {"id": f"{vm}-{created}", "vm_name": vm, "job_name": job, "backup_server_name": "vbr01",
            "backup_server_id": "s1", "creation_time": created, "end_time": created, "state": "Completed",
            "result": "Success", "reason": None, "duration_seconds": 60, "total_size": 1}


JOB = {"id": "j1", "name": "Tier1", "backup_server_id": "s1", "backup_server_name": "vbr01", "schedule_enabled": True,
       "schedule_configured": True, "next_run": "2026-12-01T13:00:00Z",
       "includes": [{"name": "web01", "display_name": "web01", "object_type": "Vm"},
                    {"name": "new01", "display_name": "new01", "object_type": "Vm"}]}


def test_the_entries_are_the_reasons_reports_show():
    assert JOBS_REFUSED == REFUSED and JOBS_NOT_SHOWN == NOT_SHOWN
    assert label(REFUSED) == "not judged: no right to read replication jobs"
    assert message(REFUSED) == ("reading replication jobs needs the Portal Administrator role in Enterprise Manager; "
                                "this account was refused, so VMs in jobs that never ran, disabled jobs and overdue "
                                "jobs are not judged")
    assert union([REFUSED], [dict(REFUSED), NOT_SHOWN], []) == [REFUSED, NOT_SHOWN]


def test_jobs_judged_give_coverage_and_nothing_not_judged():
    statuses = replica_statuses([session("web01")], rpo="24h", now=NOW, jobs=[JOB])
    by_vm = {status["vm_name"]: status for status in statuses}
    assert by_vm["new01"]["never_replicated"] is True and by_vm["web01"]["never_replicated"] is False
    assert by_vm["web01"]["job_schedule_enabled"] is True
    assert all(status["not_judged"] == [] for status in statuses)


def test_jobs_refused_leave_coverage_unjudged_on_every_status():
    [status] = replica_statuses([session("web01")], rpo="24h", now=NOW, not_judged=[REFUSED])
    assert status["not_judged"] == [REFUSED]
    assert status["never_replicated"] is None  # not False: nobody looked
    assert status["job_schedule_enabled"] is None and status["job_overdue"] is None
    assert status["status"] == "ok" and status["findings"] == []  # what was judged stands


def test_jobs_shown_empty_while_sessions_name_jobs_are_not_judged_either():
    [status] = replica_statuses([session("web01")], rpo="24h", now=NOW, jobs=[])
    assert status["not_judged"] == [NOT_SHOWN] and status["never_replicated"] is None
    # With no session naming a job there is nothing to contradict: an empty estate is judged.
    assert replica_statuses([], rpo="24h", now=NOW, jobs=[]) == []


def test_the_summary_scope_says_what_was_not_judged_even_with_no_vm():
    for vms in ([], replica_statuses([session("web01")], rpo="24h", now=NOW, not_judged=[REFUSED])):
        summary = compliance_summary(vms, empty_scope="warn", not_judged=[REFUSED])
        assert summary["not_judged"] == [{**REFUSED, "label": label(REFUSED), "message": message(REFUSED)}]
        assert message(REFUSED) not in " ".join(summary["warnings"])  # the reader warned once already
        scope = summary["junit"]["scope"]
        assert scope["not_judged"] == summary["not_judged"]
        # One skipped case for the check not judged, plus the empty scope's case when no VM is in scope.
        assert (scope["tests"], scope["skipped"], scope["failures"]) == ((2, 2, 0) if not vms else (1, 1, 0))


def test_the_summary_takes_what_the_statuses_carry_without_being_told():
    vms = replica_statuses([session("web01")], rpo="24h", now=NOW, jobs=[])
    assert [entry["reason"] for entry in compliance_summary(vms)["not_judged"]] == [NOT_SHOWN["reason"]]


def test_require_coverage_names_the_option_as_the_surface_spells_it():
    require_judged([], "require_coverage")
    with pytest.raises(NotJudgedError) as failed:
        require_judged([REFUSED], "replica_compliance_require_coverage")
    assert str(failed.value) == (
        f"{message(REFUSED)}; replica_compliance_require_coverage is true, so this fails: give the account the Portal "
        "Administrator role, or set replica_compliance_require_coverage: false to judge without coverage")


def test_a_summary_that_requires_coverage_fails_in_the_words_of_the_warning_and_its_junit_case_fails():
    vms = replica_statuses([session("web01")], rpo="24h", now=NOW, not_judged=[REFUSED])
    summary = compliance_summary(vms, not_judged=[REFUSED], require_coverage=True, prefix="replica_compliance_")
    assert summary["passed"] is False
    assert summary["not_judged_failure"] == (
        f"{message(REFUSED)}; replica_compliance_require_coverage is true, so this fails: give the account the Portal "
        "Administrator role, or set replica_compliance_require_coverage: false to judge without coverage")
    scope = summary["junit"]["scope"]
    assert scope["not_judged_fails"] is True and (scope["tests"], scope["failures"], scope["skipped"]) == (1, 1, 0)
    only_web01 = {**JOB, "includes": JOB["includes"][:1]}  # no VM never replicated: nothing fails
    judged = compliance_summary(replica_statuses([session("web01")], rpo="24h", now=NOW, jobs=[only_web01]),
                                require_coverage=True)
    assert judged["passed"] is True and judged["not_judged_failure"] is None
    with pytest.raises(ConfigurationError, match="replica_compliance_require_coverage must be true or false, not 'yes'"):
        compliance_summary(vms, require_coverage="yes", prefix="replica_compliance_")


def test_never_replicated_is_counted_as_none_when_coverage_was_not_judged_not_as_zero():
    unjudged = compliance_summary(replica_statuses([session("web01")], rpo="24h", now=NOW, not_judged=[REFUSED]))
    judged = compliance_summary(replica_statuses([session("web01")], rpo="24h", now=NOW, jobs=[JOB]))
    assert unjudged["counts"]["never_replicated"] is None and unjudged["counts"]["vms"] == 1
    assert judged["counts"]["never_replicated"] == 1 and judged["counts"]["vms"] == 2
