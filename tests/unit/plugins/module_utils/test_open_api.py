# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""open_api, the one way to a logged-on client: logged out on every way out of its block
(a return, an exception, KeyboardInterrupt, a cancelled asyncio task), and a failed logout
told once through the surface's own callback; against the simulator over real TLS."""
from __future__ import annotations

import asyncio
import threading
import time
from typing import Iterator

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator
from ansible_collections.veeam_em.core.tests.unit.simhelpers import connection_options, leak_checked


@pytest.fixture
def em(documented_simulator: EmSimulator) -> Iterator[EmSimulator]:
    yield from leak_checked(documented_simulator)


def open_sessions(simulator: EmSimulator) -> int:
    return simulator.snapshot()["sessions"]["open"]


def test_a_block_that_returns_is_logged_out(em: EmSimulator) -> None:
    with open_api(connection_options(em, page_size=7, max_concurrency=2)) as api:
        assert isinstance(api, EmApi) and (api.page_size, api.max_concurrency) == (7, 2)
        assert api.backup_servers() and open_sessions(em) == 1
    assert open_sessions(em) == 0 and em.snapshot()["sessions"]["logouts"] == 1


@pytest.mark.parametrize("raised", [RuntimeError("boom"), KeyboardInterrupt(), VeeamEmError("stop")])
def test_a_block_left_by_an_exception_is_logged_out(em: EmSimulator, raised: BaseException) -> None:
    with pytest.raises(type(raised)):
        with open_api(connection_options(em)) as api:
            api.backup_servers()
            assert open_sessions(em) == 1
            raise raised
    assert open_sessions(em) == 0 and em.snapshot()["sessions"]["logouts"] == 1


def test_a_cancelled_asyncio_task_is_logged_out(em: EmSimulator) -> None:
    inside = asyncio.Event()

    async def source() -> None:
        with open_api(connection_options(em)) as api:
            await asyncio.to_thread(api.backup_servers)
            inside.set()
            await asyncio.sleep(3600)

    async def run_and_cancel() -> None:
        task = asyncio.create_task(source())
        await inside.wait()
        assert open_sessions(em) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run_and_cancel())
    assert open_sessions(em) == 0 and em.snapshot()["sessions"]["logouts"] == 1


def test_a_failed_logout_is_told_once_through_the_callback(fresh_simulator: EmSimulator) -> None:
    told: list[str] = []
    with pytest.raises(RuntimeError):
        with open_api(connection_options(fresh_simulator), on_logout_failure=told.append) as api:
            api.backup_servers()
            fresh_simulator.configure(error_rate=1.0, error_statuses=(500,))
            raise RuntimeError("the block failed")
    fresh_simulator.configure(error_rate=0.0)
    assert len(told) == 1
    assert told[0].startswith(f"could not log out of Enterprise Manager at {fresh_simulator.url.rstrip('/')}")
    assert "answered HTTP 500" in told[0] and "idle timeout" in told[0]


def test_a_logout_that_works_tells_nothing(em: EmSimulator) -> None:
    told: list[str] = []
    with open_api(connection_options(em), on_logout_failure=told.append) as api:
        api.backup_servers()
    assert told == []


def test_a_refused_logon_leaves_nothing_open(em: EmSimulator) -> None:
    with pytest.raises(VeeamEmError, match="authentication failed"):
        with open_api(connection_options(em, password="wrong")):
            pytest.fail("the block must not run without a logon")
    assert open_sessions(em) == 0


def test_a_request_that_meets_a_401_after_the_close_logs_on_no_more(fresh_simulator: EmSimulator) -> None:
    """A request of another thread (an event source's poll, cancelled) still in flight when the
    block ends: EM answers it 401, and the session must not log on again behind the close."""
    raised: list[BaseException] = []

    def read(api: EmApi) -> None:
        try:
            api.session.get("backupServers")
        except VeeamEmError as error:
            raised.append(error)

    with open_api(connection_options(fresh_simulator)) as api:
        api.session.get("backupServers")
        fresh_simulator.configure(latency_ms=300, token_expiry_after=1)  # the next request wears the token out
        reader = threading.Thread(target=read, args=(api,))
        reader.start()
        time.sleep(0.1)  # the request is on its way; the block ends before EM answers it
    reader.join(10)
    fresh_simulator.configure(latency_ms=0, token_expiry_after=None)
    assert [str(error) for error in raised] == [
        f"the session with Enterprise Manager at {fresh_simulator.url.rstrip('/')} was closed; not logging on again"]
    sessions = fresh_simulator.snapshot()["sessions"]
    assert (sessions["logons"], sessions["open"]) == (1, 0)
