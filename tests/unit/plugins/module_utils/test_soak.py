"""A short slice of the client fault soak (`make soak` runs the full 300)."""
from __future__ import annotations

from ansible_collections.veeam_em.core.tests.soak.client_soak import run_soak


def test_short_soak_returns_exact_data_or_clean_errors_and_leaks_no_session():
    report = run_soak(runs=20, seed=2)
    assert report.wrong == 0, report.wrong_details
    assert report.correct + report.clean_failures == 20
    assert report.correct >= 10, report.failure_kinds  # faults are survived, not just reported
    assert sum(report.faults_injected.values()) > 0 and report.retries > 0
    assert report.open_sessions_after_idle_expiry == 0
