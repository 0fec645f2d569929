"""Polling with backoff (_waiting): pauses worked out by hand from first, factor and cap; a
simulated clock that only the injected sleep moves."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.acting._waiting import Backoff, wait_until


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def answers(*values):
    """A condition that answers the given (holds, value) pairs in turn."""
    remaining = list(values)
    return lambda: remaining.pop(0)


def test_pauses_grow_by_the_factor_up_to_the_cap():
    backoff = Backoff(first=2, factor=2, cap=10)
    # 2, 4, 8, then 16 capped to 10, and 10 from then on
    assert [backoff.pause(poll) for poll in range(5)] == [2, 4, 8, 10, 10]


def test_a_condition_that_holds_at_once_is_asked_once_without_sleeping():
    fake = FakeClock()
    waited = wait_until(answers((True, "point")), timeout=60, clock=fake.clock, sleep=fake.sleep)
    assert (waited.met, waited.value, waited.seconds, waited.polls) == (True, "point", 0, 1)
    assert fake.slept == []


def test_it_asks_after_each_pause_until_the_condition_holds():
    fake = FakeClock()
    waited = wait_until(answers((False, 1), (False, 2), (True, 3)), timeout=60,
                        backoff=Backoff(first=1, factor=3, cap=30), clock=fake.clock, sleep=fake.sleep)
    # asked at 0, after 1 s, after 3 more: 4 s in all
    assert fake.slept == [1, 3]
    assert (waited.met, waited.value, waited.seconds, waited.polls) == (True, 3, 4, 3)


def test_the_last_pause_is_cut_to_end_at_the_timeout_and_the_last_value_is_kept():
    fake = FakeClock()
    waited = wait_until(lambda: (False, "still running"), timeout=10,
                        backoff=Backoff(first=4, factor=2, cap=30), clock=fake.clock, sleep=fake.sleep)
    # asked at 0, 4 (then 8 would pass 10: cut to 6), 10: three asks, the last at the timeout
    assert fake.slept == [4, 6]
    assert (waited.met, waited.value, waited.seconds, waited.polls) == (False, "still running", 10, 3)


def test_a_zero_timeout_asks_once():
    fake = FakeClock()
    waited = wait_until(lambda: (False, None), timeout=0, clock=fake.clock, sleep=fake.sleep)
    assert (waited.met, waited.polls, fake.slept) == (False, 1, [])


def test_an_error_of_the_condition_reaches_the_caller():
    def broken():
        raise RuntimeError("EM went away")

    with pytest.raises(RuntimeError, match="EM went away"):
        wait_until(broken, timeout=10, clock=FakeClock().clock, sleep=FakeClock().sleep)


@pytest.mark.parametrize("arguments", [dict(first=0), dict(cap=0), dict(factor=0.5)])
def test_a_backoff_that_would_not_wait_or_would_shrink_is_refused(arguments):
    with pytest.raises(ValueError):
        Backoff(**arguments)
