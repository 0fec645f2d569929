"""The lookback must cover the longest RPO (_lookback): one rule for the role, the inventory and the event source."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._lookback import check_lookback, duration_text

HOUR = timedelta(hours=1)


@pytest.mark.parametrize(("seconds", "text"), [
    (86400, "24h"), (7 * 86400, "7d"), (14 * 86400, "14d"), (1800, "30m"), (90, "90s"), (36 * 3600, "36h"),
    (8 * 86400 + 3600, "193h"),
])
def test_a_duration_is_written_as_an_option_value(seconds, text):
    assert duration_text(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(("window", "rpo", "rpo_by_job"), [
    (24 * HOUR, 24 * HOUR, {}),             # equal is enough: the window reaches the RPO
    (7 * 24 * HOUR, 24 * HOUR, {"Gold*": 4 * HOUR, "Archive": 3 * 24 * HOUR}),
    (HOUR, None, {}),                       # no RPO, nothing to cover
])
def test_a_window_that_covers_every_rpo_passes(window, rpo, rpo_by_job):
    check_lookback(window, "given", rpo, rpo_by_job)


def test_a_window_shorter_than_the_rpo_names_both_and_what_to_do():
    with pytest.raises(ConfigurationError) as raised:
        check_lookback(12 * HOUR, "12h", 24 * HOUR, {})
    assert str(raised.value) == (
        "created_after (12h) is shorter than rpo (24h): a VM whose last success is older than 12h but within its RPO "
        "would be reported as never succeeded. Set created_after to 24h or more (such as 7d), or lower rpo.")


def test_the_longest_rpo_by_job_is_named_with_the_prefix_and_an_iso_window_with_its_length():
    with pytest.raises(ConfigurationError) as raised:
        check_lookback(6 * HOUR, "2026-11-29T00:00:00Z", 4 * HOUR, {"Gold*": 2 * HOUR, "Archive*": 10 * 24 * HOUR},
                       prefix="replica_compliance_")
    assert str(raised.value).startswith(
        "replica_compliance_created_after (2026-11-29T00:00:00Z, 6h back) is shorter than "
        "replica_compliance_rpo_by_job['Archive*'] (10d): ")
    assert str(raised.value).endswith(
        "Set replica_compliance_created_after to 10d or more (such as 20d), or lower replica_compliance_rpo_by_job['Archive*'].")


def test_the_event_source_names_its_own_window_option():
    with pytest.raises(ConfigurationError, match=r"^rpo_window \(7d\) is shorter than rpo \(8d\)"):
        check_lookback(7 * 24 * HOUR, "7d", 8 * 24 * HOUR, {}, window_option="rpo_window")
