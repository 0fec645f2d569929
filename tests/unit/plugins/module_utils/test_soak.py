"""A short slice of the client fault soak (`make soak` runs the full 300)."""
from __future__ import annotations

from ansible_collections.veeam_em.core.tests.soak.client_soak import SoakFaults, run_soak


def test_short_soak_returns_exact_data_or_clean_errors_and_leaks_no_session():
    report = run_soak(runs=20, seed=2)
    assert report.wrong == 0, report.wrong_details
    assert report.correct + report.clean_failures == 20
    assert report.correct >= 10, report.failure_kinds  # faults are survived, not just reported
    assert sum(report.faults_injected.values()) > 0 and report.retries > 0
    assert report.open_sessions_after_idle_expiry == 0


def test_tokens_that_die_every_five_requests_among_faults_still_give_whole_reads():
    # Issue 25's measure: 2,000+ sessions in pages of 50 read at up to 4 pages at a time, each
    # token ended by EM after 5 requests, among 10 % 503s, 3 % drops and 3 % cut bodies. A
    # second 401 after a fresh logon is a token that died (logged on again), not a refusal.
    rates = SoakFaults(error_rate=0.10, drop_rate=0.03, truncate_rate=0.03, days=26, token_expiry_after=5)
    report = run_soak(runs=20, seed=1, rates=rates)
    assert report.wrong == 0, report.wrong_details
    assert report.correct >= 18, report.failure_kinds
    assert report.sessions_read > 2000 and report.open_sessions_after_idle_expiry == 0
