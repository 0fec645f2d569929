"""Fault soak of the shared client: many reads against a simulator injecting random faults.

Each run either returns exactly the fault-free answer or raises one of the client's
neutral errors with a message; anything else counts as wrong (must stay 0).

    make soak                       # 300 runs, the full report
    # issue 13's measure: cut bodies and dropped connections only, 2,000+ sessions in pages
    ... client_soak --runs 50 --error-rate 0 --drop-rate 0.03 --truncate-rate 0.03 --days 26
    # issue 25's measure: tokens that die after 5 uses among 503s, drops and cut bodies
    ... client_soak --runs 20 --error-rate 0.10 --drop-rate 0.03 --truncate-rate 0.03 --token-expiry-after 5
    (20-run slices run in `make test` as tests/unit/plugins/module_utils/test_soak.py)
"""
from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, TaskSessionQuery
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport
from ansible_collections.veeam_em.core.tests.em_simulator import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EmSimulator,
    GeneratorSpec,
    SimulatorConfig,
    generate,
)

# A fixed end of history, so every run reads the same data.
NOW_TICKS = 1_764_000_000 * 10_000_000
IDLE_TIMEOUT = 3.0  # seconds; the soak's stand-in for EM's 15 minutes
PAGE_SIZE = 50


@dataclass
class SoakReport:
    runs: int = 0
    sessions_read: int = 0
    correct: int = 0
    clean_failures: int = 0
    wrong: int = 0
    retries: int = 0
    faults_injected: dict[str, int] = field(default_factory=dict)
    failure_kinds: dict[str, int] = field(default_factory=dict)
    open_sessions_after_runs: int = 0
    open_sessions_after_idle_expiry: int = 0
    wrong_details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SoakFaults:
    """The fault rates every run draws from, and how much history there is to read."""

    error_rate: float = 0.10
    drop_rate: float = 0.02
    truncate_rate: float = 0.01
    days: float = 4.0  # 4 runs a day of 20 VMs: about 80 task sessions a day
    # Requests a session token serves before EM ends it; None draws 5 to 60 per run.
    token_expiry_after: int | None = None


def _read(simulator: EmSimulator, concurrency: int) -> tuple[list[dict[str, Any]], int]:
    options = ConnectionOptions(simulator.url, DEFAULT_USERNAME, DEFAULT_PASSWORD, ca_path=simulator.ca_path,
                                page_size=PAGE_SIZE, max_concurrency=concurrency)
    # Short backoffs: the soak is about correctness under faults, and backoff timing has
    # its own tests; real waits would make 300 runs take an hour.
    retried: list[str] = []
    transport = Transport(replace(options.transport_options(), backoff_base=0.01, backoff_max=0.1), on_retry=retried.append)
    with open_session(options, transport) as session:
        records = EmApi(session, PAGE_SIZE, concurrency).task_sessions(TaskSessionQuery())
        return records, len(retried)


def _faults_for(run: int, seed: int, rates: SoakFaults = SoakFaults()) -> dict[str, Any]:
    rng = random.Random(seed * 1000 + run)
    return {
        "error_rate": rates.error_rate, "drop_rate": rates.drop_rate, "truncate_rate": rates.truncate_rate,
        "token_expiry_after": rates.token_expiry_after or rng.randint(5, 60),
        "latency_ms": rng.uniform(0, 3), "latency_jitter_ms": 3.0,
        "fault_seed": seed * 1000 + run,
    }


def run_soak(runs: int, seed: int = 1, rates: SoakFaults = SoakFaults()) -> SoakReport:
    spec = GeneratorSpec(seed=seed, servers=2, jobs_per_server=2, vms_per_job=5, days=rates.days, now=NOW_TICKS)
    report = SoakReport()
    faults: Counter[str] = Counter()
    with EmSimulator(generate(spec), SimulatorConfig(plain_collection_days=0, idle_timeout=IDLE_TIMEOUT)) as simulator:
        reference = _read(simulator, 4)[0]
        report.sessions_read = len(reference)
        for run in range(runs):
            simulator.reset_stats()
            simulator.configure(**_faults_for(run, seed, rates))
            _one_run(simulator, reference, run, report)
            faults.update(simulator.snapshot()["faults"])
        simulator.configure(**{name: 0.0 for name in ("error_rate", "drop_rate", "truncate_rate", "latency_ms", "latency_jitter_ms")},
                            token_expiry_after=None)
        report.open_sessions_after_runs = simulator.snapshot()["sessions"]["open"]
        time.sleep(IDLE_TIMEOUT + 0.5)
        report.open_sessions_after_idle_expiry = simulator.snapshot()["sessions"]["open"]
    report.faults_injected = dict(faults)
    return report


def _one_run(simulator: EmSimulator, reference: list[dict[str, Any]], run: int, report: SoakReport) -> None:
    report.runs += 1
    try:
        records, retries = _read(simulator, 1 + run % 4)
    except VeeamEmError as error:
        kind = type(error).__name__
        report.failure_kinds[kind] = report.failure_kinds.get(kind, 0) + 1
        if str(error) and DEFAULT_PASSWORD not in str(error):
            report.clean_failures += 1
        else:
            report.wrong += 1
            report.wrong_details.append(f"run {run}: unclear message {error!r}")
        return
    except Exception as error:  # noqa: BLE001 - anything else is exactly what the soak hunts
        report.wrong += 1
        report.wrong_details.append(f"run {run}: {type(error).__name__}: {error}")
        return
    report.retries += retries
    if records == reference:
        report.correct += 1
    else:
        report.wrong += 1
        report.wrong_details.append(f"run {run}: {len(records)} records differ from the fault-free {len(reference)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    defaults = SoakFaults()
    for name in ("error_rate", "drop_rate", "truncate_rate", "days"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(defaults, name))
    parser.add_argument("--token-expiry-after", type=int, default=None,
                        help="requests each session token serves (default: 5 to 60, drawn per run)")
    args = parser.parse_args()
    started = time.monotonic()
    rates = SoakFaults(args.error_rate, args.drop_rate, args.truncate_rate, args.days, args.token_expiry_after)
    report = run_soak(args.runs, args.seed, rates)
    print(f"{report.sessions_read} task sessions per read, pages of {PAGE_SIZE}; {rates}")
    print(f"runs {report.runs}: correct {report.correct}, clean failures {report.clean_failures}, wrong {report.wrong}")
    print(f"retries {report.retries}; faults injected {report.faults_injected}; failures {report.failure_kinds}")
    print(f"open EM sessions: {report.open_sessions_after_runs} right after, "
          f"{report.open_sessions_after_idle_expiry} after the idle expiry; {time.monotonic() - started:.0f} s")
    print(json.dumps(asdict(report)))
    raise SystemExit(1 if report.wrong or report.open_sessions_after_idle_expiry else 0)


if __name__ == "__main__":
    main()
