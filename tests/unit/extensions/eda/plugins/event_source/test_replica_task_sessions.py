# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source's main(queue, args), run as ansible-rulebook runs it (a task putting events
on an asyncio queue), against the EM simulator over TLS.

Expected values come from the simulator's own data, never from the collection's code. Waits
are bounded (a hung source fails, it does not hang the suite) but nothing is timed.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

import pytest

from ansible_collections.veeam_em.core.extensions.eda.plugins.event_source.replica_task_sessions import (
    SourceError,
    main,
)
from ansible_collections.veeam_em.core.plugins.module_utils.events._source_options import read_source_settings
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._judgement import replica_statuses
from ansible_collections.veeam_em.core.tests.em_simulator import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EmSimulator,
    GeneratorSpec,
    SimulatorConfig,
    generate,
)
from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND, format_utc
from ansible_collections.veeam_em.core.tests.unit.plugins.module_utils.test_options import SAME_ON_EVERY_SURFACE
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXED_NOW

WAIT = 30.0  # seconds a step may take at most before the test fails
TASK_QUERY = "GET /api/query?type=ReplicaTaskSession"
RECORD_KEYS = {"id", "uid", "name", "vm_name", "state", "result", "reason", "creation_time", "end_time",
               "duration_seconds", "total_size", "job_session_id", "job_session_name", "job_name",
               "backup_server_id", "backup_server_name", "href"}


@pytest.fixture
def simulator() -> Iterator[EmSimulator]:
    """One backup server, one job of six VMs whose current run has three sessions running."""
    spec = GeneratorSpec(seed=5, servers=1, jobs_per_server=1, vms_per_job=6, days=2, now=FIXED_NOW)
    with EmSimulator(generate(spec), SimulatorConfig(plain_collection_days=0)) as started:
        yield started
    assert started.snapshot()["sessions"]["open"] == 0, "the source left an EM session open"


def source_args(simulator: EmSimulator, **extra: Any) -> dict[str, Any]:
    return {"url": simulator.url, "username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD,
            "ca_path": simulator.ca_path, "interval": 0.1, **extra}


def running(simulator: EmSimulator) -> list[Any]:
    return [task for task in simulator.dataset.task_sessions if task.state != "Completed"]


class SourceRun:
    """main() as a task; events read from its queue; polls counted at the simulator."""

    def __init__(self, simulator: EmSimulator, args: dict[str, Any]) -> None:
        self.simulator, self.args = simulator, args
        self.queue: asyncio.Queue = asyncio.Queue()
        self.task: asyncio.Task | None = None

    async def __aenter__(self) -> SourceRun:
        self.task = asyncio.create_task(main(self.queue, self.args))
        await self.polls(1)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self.task is not None
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass

    def task_queries(self) -> int:
        return self.simulator.snapshot()["by_path"].get(TASK_QUERY, 0)

    async def until(self, condition: Callable[[], bool]) -> None:
        for _attempt in range(int(WAIT / 0.02)):
            if condition():
                return
            assert self.task is not None
            if self.task.done():
                self.task.result()  # raises what stopped the source
            await asyncio.sleep(0.02)
        raise AssertionError("the source did not get there in time")

    async def polls(self, count: int) -> None:
        """Wait until `count` whole polls (two task session queries each) began after now."""
        start = self.task_queries()
        await self.until(lambda: self.task_queries() >= start + 2 * count + 2)

    async def event(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.queue.get(), WAIT)

    def pending(self) -> list[dict[str, Any]]:
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        return events


def check_completion(event: dict[str, Any], task: Any, simulator: EmSimulator) -> None:
    """The event against the simulator's own record of the session."""
    assert set(event) == RECORD_KEYS | {"event_type", "em_url"}
    assert event["event_type"] == "task_session_completed"
    assert event["em_url"] == simulator.url.rstrip("/")
    assert (event["uid"], event["vm_name"], event["state"]) == (task.uid, task.vm_name, "Completed")
    assert (event["result"], event["reason"]) == (task.result, task.reason)
    assert event["job_name"] == task.job_session.job_name
    assert event["backup_server_name"] == task.server.name
    assert event["end_time"].rstrip("Z").startswith(format_utc(task.ended).rstrip("Z")[:19])


@pytest.mark.parametrize("late", [False, True], ids=["ended-now", "end-recorded-late"])
def test_a_running_session_is_reported_when_it_completes_and_only_once(simulator: EmSimulator, late: bool) -> None:
    """History is not replayed; a completion is one event, never repeated. `late`: EM records
    an EndTime older than the watermark (collected late): found by re-checking the running UIDs."""
    async def scenario() -> None:
        async with SourceRun(simulator, source_args(simulator)) as run:
            assert run.pending() == [], "history was replayed without since"
            task = running(simulator)[0]
            if late:
                simulator.dataset.complete_task_session(task.id, "Failed", task.created + 90 * TICKS_PER_SECOND,
                                                        "Insufficient free space on the target datastore")
            else:
                simulator.complete_task_session(task.id, "Failed", "Insufficient free space on the target datastore")
            check_completion(await run.event(), task, simulator)
            await run.polls(3)
            assert run.pending() == [], "a completion was reported twice"

    asyncio.run(scenario())


def test_results_and_names_filter_the_completions_since(simulator: EmSimulator) -> None:
    """since replays history; only the asked results of the asked VMs are reported."""
    vms = sorted({task.vm_name for task in simulator.dataset.task_sessions})[:3]
    expected = {task.uid for task in simulator.dataset.task_sessions
                if task.state == "Completed" and task.result == "Success" and task.vm_name in vms}
    assert expected, "the estate has no such session: the test would prove nothing"

    async def scenario() -> None:
        args = source_args(simulator, since="2020-01-01T00:00:00Z", results=["Success"], vm_names=vms)
        async with SourceRun(simulator, args) as run:
            await run.polls(2)
            events = run.pending()
        assert sorted(event["uid"] for event in events) == sorted(expected)
        assert {event["event_type"] for event in events} == {"task_session_completed"}

    asyncio.run(scenario())


def test_restart_with_state_file_neither_repeats_nor_skips(simulator: EmSimulator, tmp_path: Any) -> None:
    """Stopped after reporting one completion, two sessions complete while it is down (one with
    its end recorded late); the restarted source reports exactly those two."""
    state_file = str(tmp_path / "state.json")
    first, second, third = running(simulator)[:3]

    async def scenario() -> None:
        async with SourceRun(simulator, source_args(simulator, state_file=state_file)) as run:
            simulator.complete_task_session(first.id, "Failed", "first")
            check_completion(await run.event(), first, simulator)
            await run.polls(1)
        simulator.complete_task_session(second.id, "Warning", "second")
        simulator.dataset.complete_task_session(third.id, "Failed", third.created + 60 * TICKS_PER_SECOND, "third")
        async with SourceRun(simulator, source_args(simulator, state_file=state_file)) as run:
            await run.polls(2)
            events = run.pending()
        assert sorted(event["uid"] for event in events) == sorted([second.uid, third.uid])

    asyncio.run(scenario())
    saved = json.loads(open(state_file, encoding="utf-8").read())
    assert DEFAULT_PASSWORD not in json.dumps(saved) and saved["em_url"] == simulator.url.rstrip("/")


def test_an_outage_is_one_event_pair_and_loses_nothing(simulator: EmSimulator, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[dict[str, Any]] = []

    async def scenario() -> None:
        # Short waits between retries: the test is about events, not backoff (tested in the transport).
        async with SourceRun(simulator, source_args(simulator, retry_backoff=0.05)) as run:
            simulator.configure(error_rate=1.0)
            down = await run.event()
            assert down["event_type"] == "em_unreachable" and "503" in down["error"]
            task = running(simulator)[0]
            simulator.complete_task_session(task.id, "Failed", "during the outage")
            faults = simulator.snapshot()["faults"].get("error_503", 0)
            await run.until(lambda: simulator.snapshot()["faults"].get("error_503", 0) >= faults + 6)
            assert run.pending() == [], "more than one event for one outage"
            simulator.configure(error_rate=0.0)
            up = await run.event()
            assert up["event_type"] == "em_recovered" and up["failed_polls"] >= 2
            assert up["unreachable_since"] == down["unreachable_since"]
            seen.extend([down, up])
            check_completion(await run.event(), task, simulator)

    asyncio.run(scenario())
    secrets = [DEFAULT_PASSWORD, *simulator.snapshot()["issued_tokens"]]
    assert "unreachable" in caplog.text
    assert not [secret for secret in secrets if secret in caplog.text or secret in json.dumps(seen)]
    # The logout of the session in use when EM began to fail could not be sent (503); that
    # one is left to EM's idle expiry, every later logon was logged out.
    assert simulator.snapshot()["sessions"]["open"] == 1
    simulator.reset_stats(drop_sessions=True)


@pytest.mark.parametrize("extra, wording", [
    ({"interval": -5}, "interval must be a positive number"),
    ({"interval": "0"}, "interval must be a positive number of seconds (or a duration such as 5m), not '0'"),
    ({"interval": "0s"}, "interval must be a positive number of seconds (or a duration such as 5m), not '0s'"),
    ({"results": ["Broken"]}, "results must list one or more of Success, Warning, Failed"),
    ({"intervall": 5}, "unknown option(s) intervall"),
    ({"since": "2999-01-01T00:00:00Z"}, "since: 2999-01-01T00:00:00Z is in the future"),
    ({"rpo": "8d"}, "rpo_window (7d) is shorter than rpo (8d)"),
    ({"rpo": "soon"}, "rpo must be a duration such as 24h, 30m or 7d (a number and s, m, h, d or w), not 'soon'"),
    ({"state_file": "/nonexistent/folder/state.json"}, "state_file /nonexistent/folder/state.json: the folder"),
    ({"url": "https://user:pw@em.example.com"}, "must not hold credentials"),
    ({"page_size": "many"}, "page_size must be a whole number"),
])
def test_invalid_options_stop_the_source_before_any_request(simulator: EmSimulator, extra: dict, wording: str) -> None:
    with pytest.raises(SourceError, match=r"^veeam_em\.core\.replica_task_sessions: ") as raised:
        asyncio.run(main(asyncio.Queue(), source_args(simulator, **extra)))
    assert wording in str(raised.value)
    assert simulator.snapshot()["requests"] == 0


def test_connection_options_come_from_the_environment(simulator: EmSimulator, monkeypatch: Any) -> None:
    for name, value in (("URL", simulator.url), ("USERNAME", DEFAULT_USERNAME), ("PASSWORD", DEFAULT_PASSWORD),
                        ("CA_PATH", simulator.ca_path)):
        monkeypatch.setenv(f"VEEAM_EM_{name}", value)

    async def scenario() -> None:
        async with SourceRun(simulator, {"interval": 0.1}) as run:
            task = running(simulator)[0]
            simulator.complete_task_session(task.id, "Failed", "from the environment")
            check_completion(await run.event(), task, simulator)

    asyncio.run(scenario())


def test_a_refused_password_stops_the_source_without_retrying(simulator: EmSimulator) -> None:
    with pytest.raises(SourceError, match="authentication failed") as raised:
        asyncio.run(main(asyncio.Queue(), source_args(simulator, password="wrong-Passw0rd")))
    assert "wrong-Passw0rd" not in str(raised.value)
    assert simulator.snapshot()["sessions"]["failed_logons"] == 1


def test_rpo_events_carry_the_filters_judgement_and_recover() -> None:
    """rpo_breached at the start for each VM the replica_status filter finds breached, with the
    same evidence; rpo_recovered when a running session of a breached VM completes with success."""
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    spec = GeneratorSpec(seed=5, servers=1, jobs_per_server=1, vms_per_job=6, days=2,
                         now=int(now.timestamp()) * TICKS_PER_SECOND)
    with EmSimulator(generate(spec), SimulatorConfig(plain_collection_days=0)) as simulator:
        records = [_record(task) for task in simulator.dataset.task_sessions]
        judged = {status["vm_name"]: status for status in replica_statuses(records, rpo="2h", now=now)}
        breached = {name for name, status in judged.items() if status["rpo_breached"]}
        candidates = [task for task in running(simulator) if task.vm_name in breached]
        assert breached and candidates, "the estate has no breached VM with a running session"

        async def scenario() -> None:
            async with SourceRun(simulator, source_args(simulator, rpo="2h", results=["Failed"])) as run:
                events = run.pending()
                assert {event["vm_name"] for event in events} == breached
                for event in events:
                    assert event["event_type"] == "rpo_breached"
                    for key in ("status", "findings", "last_success_time", "rpo_seconds", "consecutive_failures"):
                        assert event[key] == judged[event["vm_name"]][key], key
                simulator.complete_task_session(candidates[0].id, "Success")
                recovered = await run.event()
                assert (recovered["event_type"], recovered["vm_name"]) == ("rpo_recovered", candidates[0].vm_name)
                assert recovered["rpo_breached"] is False

        asyncio.run(scenario())


def _record(task: Any) -> dict[str, Any]:
    """A module-shaped record straight from the simulator's model (for the filter to judge)."""
    return {"uid": task.uid, "vm_name": task.vm_name, "state": task.state,
            "result": task.result if task.state == "Completed" else None,
            "creation_time": format_utc(task.created), "end_time": format_utc(task.ended) if task.ended else None,
            "job_name": task.job_session.job_name, "backup_server_id": task.server.id,
            "backup_server_name": task.server.name}


def test_the_second_before_since_is_not_reported_and_nothing_comes_twice(simulator: EmSimulator) -> None:
    """EM's filter takes whole seconds: a session that ended earlier in since's second must stay
    out, and one just after it must be reported once (not again once the watermark moves on)."""
    before, after = running(simulator)[:2]
    since_ticks = FIXED_NOW + 5 * TICKS_PER_SECOND // 10  # FIXED_NOW + 0.5 s
    simulator.dataset.complete_task_session(before.id, "Failed", FIXED_NOW + TICKS_PER_SECOND // 10, "before since")
    simulator.dataset.complete_task_session(after.id, "Failed", FIXED_NOW + 9 * TICKS_PER_SECOND // 10, "after since")

    async def scenario() -> None:
        async with SourceRun(simulator, source_args(simulator, since=format_utc(since_ticks))) as run:
            await run.polls(3)
            events = run.pending()
        assert [event["uid"] for event in events] == [after.uid]

    asyncio.run(scenario())


@pytest.mark.parametrize("content, wording", [
    ("{not json", "cannot be read as this event source's state"),
    ('{"version": 99, "completions": {}}', "is not a version 1 state of this event source"),
    ('{"version": 1, "em_url": "https://other-em.example.com:9398/api", "completions": {}}',
     "holds the state of https://other-em.example.com:9398/api"),
])
def test_a_state_file_that_is_not_this_sources_is_refused(simulator: EmSimulator, tmp_path: Any,
                                                          content: str, wording: str) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match="state_file") as raised:
        asyncio.run(main(asyncio.Queue(), source_args(simulator, state_file=str(state_file))))
    assert wording in str(raised.value)
    assert simulator.snapshot()["requests"] == 0


@pytest.mark.parametrize("given", [
    {"retries": 3, "retry_backoff": 1, "timeout": 30, "validate_certs": False},
    {"retries": "3", "retry_backoff": "1", "timeout": "30", "validate_certs": "no"},
], ids=["natural", "strings"])
def test_connection_options_in_their_natural_types_or_as_strings(simulator: EmSimulator, caplog: Any,
                                                                 given: dict[str, Any]) -> None:
    """What a rulebook writes (retries: 3) and its quoted form both run the source; with
    validate_certs false it says once that the certificate is not checked."""
    async def scenario() -> None:
        async with SourceRun(simulator, source_args(simulator, **given)) as run:
            task = running(simulator)[0]
            simulator.complete_task_session(task.id, "Failed", "natural types")
            check_completion(await run.event(), task, simulator)

    with caplog.at_level(logging.WARNING):
        asyncio.run(scenario())
    assert caplog.text.count("validate_certs is false") == 1


@pytest.mark.parametrize("extra, environ, message", [
    *SAME_ON_EVERY_SURFACE,
    ({"retrys": 3}, {}, "unknown option(s) retrys (did you mean retries?)"),
])
def test_a_bad_connection_value_is_worded_as_in_the_lookup(simulator: EmSimulator, monkeypatch: Any,
                                                           extra: dict[str, Any], environ: dict[str, str],
                                                           message: str) -> None:
    """The messages of test_options' SAME_ON_EVERY_SURFACE, which the lookup's test holds too."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SourceError) as raised:
        asyncio.run(main(asyncio.Queue(), source_args(simulator, **extra)))
    assert str(raised.value).startswith(f"veeam_em.core.replica_task_sessions: {message}")
    assert simulator.snapshot()["requests"] == 0


@pytest.mark.parametrize("fault, cancel_after", [
    ({"logon_delay_ms": 800}, 0.3),  # EM answers the logon at 0.8 s
    ({"latency_ms": 300}, 0.9),  # logon answered at 0.3 s, then each query of the poll 0.3 s later
], ids=["in-logon", "in-query"])
def test_a_source_cancelled_mid_poll_leaves_no_session_open(simulator: EmSimulator, fault: dict[str, float],
                                                            cancel_after: float) -> None:
    """ansible-rulebook cancels its sources when it stops (SIGINT, SIGTERM, shutdown): the poll
    still running on its thread then must neither keep nor open an EM session."""
    async def scenario() -> None:
        simulator.configure(**fault)
        task = asyncio.create_task(main(asyncio.Queue(), source_args(simulator, interval=0.05)))
        await asyncio.sleep(cancel_after)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())  # also waits for the poll's thread to end
    simulator.configure(logon_delay_ms=0, latency_ms=0)
    sessions = simulator.snapshot()["sessions"]
    assert sessions["logons"] >= 1 and sessions["open"] == 0


def test_a_stop_signal_logs_the_source_out_before_the_handler_it_had(simulator: EmSimulator) -> None:
    """SIGTERM (or SIGINT) while the source runs: the loop takes it, the source logs out, then
    the handler Python had for it runs (ansible-rulebook's raises KeyboardInterrupt, as here),
    and it is that handler again afterwards. In ansible-rulebook the JVM's handler would
    otherwise end the process with the session open (integration target eda_replica_task_sessions)."""
    told: list[tuple[int, int]] = []

    def rulebook_handler(number: int, _frame: Any) -> None:
        told.append((number, simulator.snapshot()["sessions"]["open"]))
        raise KeyboardInterrupt

    async def scenario() -> None:
        async with SourceRun(simulator, source_args(simulator)):
            assert simulator.snapshot()["sessions"]["open"] == 1
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(WAIT)
        raise AssertionError("the signal did not stop the source")

    previous = signal.signal(signal.SIGTERM, rulebook_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            asyncio.run(scenario())
        assert told == [(signal.SIGTERM, 0)], "the handler ran before the logout, or not once"
        assert signal.getsignal(signal.SIGTERM) is rulebook_handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    sessions = simulator.snapshot()["sessions"]
    assert (sessions["logons"], sessions["logouts"], sessions["open"]) == (1, 1, 0)


@pytest.mark.parametrize(("given", "seconds"), [(60, 60.0), ("60", 60.0), (" 2.5 ", 2.5), ("5m", 300.0)])
def test_interval_is_seconds_as_documented_also_as_text(given: Any, seconds: float) -> None:
    # A templated rulebook variable arrives as text: "60" is the documented 60 seconds, not a duration missing its unit.
    settings = read_source_settings({"url": "https://em.example.com:9398/api", "username": "u", "password": "p",
                                     "interval": given}, {}, datetime.now(timezone.utc))
    assert settings.interval == seconds
