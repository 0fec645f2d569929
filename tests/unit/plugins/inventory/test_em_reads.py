"""read_all: EMs read at the same time, bounded, each failure kept with its EM."""
from __future__ import annotations

import threading

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConnectionFailure
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_reads import read_all


def test_reads_overlap_and_keep_the_given_order():
    # Each read waits for the other: only reads that run at the same time get past the barrier.
    barrier = threading.Barrier(2, timeout=10)

    def read(name: str) -> str:
        barrier.wait()
        return name.upper()

    reads = read_all(["eu", "us"], read, concurrency=2)
    assert [(read.source, read.result, read.error) for read in reads] == [("eu", "EU", None), ("us", "US", None)]


def test_concurrency_bounds_the_reads_at_once():
    running, most = [0], [0]
    lock = threading.Lock()
    gate = threading.Barrier(2, timeout=10)

    def read(name: str) -> str:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        gate.wait()  # pairs of reads; a third at once would never be let through alone
        with lock:
            running[0] -= 1
        return name

    read_all(["a", "b", "c", "d"], read, concurrency=2)
    assert most[0] == 2


def test_one_failure_stays_with_its_em():
    def read(name: str) -> str:
        if name == "ap":
            raise ConnectionFailure("cannot reach Enterprise Manager")
        return name

    reads = read_all(["eu", "ap", "us"], read, concurrency=3)
    assert [read.error for read in reads] == [None, "cannot reach Enterprise Manager", None]
    assert reads[1].result is None


def test_a_defect_is_not_taken_for_an_em_failure():
    def read(name: str) -> str:
        raise KeyError(name)

    with pytest.raises(KeyError):
        read_all(["eu", "us"], read, concurrency=2)
