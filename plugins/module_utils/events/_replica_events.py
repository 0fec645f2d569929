# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One poll of the replica_task_sessions event source, without asyncio: the events it yields,
the wait before the next, the EM session kept from poll to poll, outages and the state file.

Outages (EM unreachable, a 5xx after the transport's retries, a body cut short) are retried
with a growing wait and reported once, as an em_unreachable and later an em_recovered event.
Anything else (credentials refused, a certificate that does not verify, an answer that is
not EM's) stops the source with the client's message: retrying a refused password every
minute would lock the account.
"""
from __future__ import annotations

import logging
import threading
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable

from ansible_collections.veeam_em.core.plugins.module_utils.events._completions import CompletionWatch
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_api
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.module_utils._errors import (
    ApiError,
    CertificateError,
    ConnectionFailure,
    IncompleteBody,
    VeeamEmError,
)
from ansible_collections.veeam_em.core.plugins.module_utils.events._rpo_verdicts import RpoWatch
from ansible_collections.veeam_em.core.plugins.module_utils.events._source_options import SourceSettings
from ansible_collections.veeam_em.core.plugins.module_utils.events._source_state import load_state, save_state
from ansible_collections.veeam_em.core.plugins.module_utils._times import iso, utc_now
from ansible_collections.veeam_em.core.plugins.module_utils.em._transport import Transport

COMPLETED_EVENT = "task_session_completed"
UNREACHABLE_EVENT, RECOVERED_EVENT = "em_unreachable", "em_recovered"
# The longest wait between attempts while EM is unreachable (or the interval, when longer).
MAX_BACKOFF = 600.0
# The source retries across polls; within one request the transport retries at most this
# briefly (fewer times when the source's retries say so).
TRANSPORT_RETRIES, TRANSPORT_RETRY_BUDGET = 2, 5.0


class SourceStopped(VeeamEmError):
    """A poll that was still running on its thread when the source stopped: it opens nothing."""


def is_outage(error: VeeamEmError) -> bool:
    """Whether an error means EM is (for now) unreachable rather than misconfigured."""
    if isinstance(error, CertificateError):
        return False
    if isinstance(error, (ConnectionFailure, IncompleteBody)):
        return True
    return isinstance(error, ApiError) and error.status_code >= 500


@dataclass
class Outage:
    since: datetime
    error: str
    failed_polls: int = 1


class ReplicaEventPoller:
    """poll() -> events; delay() -> seconds to the next poll; save() the state; close() at the end."""

    def __init__(self, settings: SourceSettings, logger: logging.Logger, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings, self.logger, self.clock = settings, logger, clock
        self.em_url = settings.connection.root()
        self.completions = CompletionWatch(settings.scope, settings.since or clock(),
                                           all_results=settings.criteria is not None)
        self.rpo = RpoWatch(settings.scope, settings.criteria, settings.rpo_window) if settings.criteria else None
        self.outage: Outage | None = None
        self.api: EmApi | None = None
        # The logged-on client (open_api's), its lock and whether close() ran: close() may run
        # on another thread while a cancelled poll still runs, and no logon may outlive it.
        self._client: ExitStack | None = None
        self._client_lock = threading.Lock()
        self._closed = False
        for warning in settings.connection.warnings():
            logger.warning("%s", warning)
        saved = load_state(settings.state_file, self.em_url) if settings.state_file else None
        if saved is not None:
            self.completions.restore(saved["completions"])
            if self.rpo is not None:
                self.rpo.restore(saved.get("rpo_verdicts") or {})
            logger.info("resuming from %s: completions since %s", settings.state_file, iso(self.completions.since()))

    def poll(self) -> list[dict[str, Any]]:
        """The events of one poll. Raises VeeamEmError for anything but an outage."""
        now = self.clock()
        try:
            api = self._api()
            if self.rpo is not None and not self.rpo.loaded:
                self.rpo.load(api, now)  # before the completions: a failure here loses none of them
            records = self.completions.poll(api, now)
        except VeeamEmError as error:
            self._drop_session()
            if not is_outage(error):
                raise
            return self._unreachable(error, now)
        # Nothing below sends a request: the completions are taken, so they become events.
        events = [self._event(COMPLETED_EVENT, record) for record in records if self.completions.wanted(record)]
        if self.rpo is not None:
            events += self._rpo_events(self.rpo, records, now)
        self.logger.info("polled %s: %d completed, %d reported, %d running", self.em_url, len(records),
                         len(events), len(self.completions.running))
        return self._recovered(now) + events

    def delay(self) -> float:
        """Seconds until the next poll: the interval, or a doubling wait while EM is unreachable."""
        interval = self.settings.interval
        if self.outage is None:
            return interval
        return min(interval * 2 ** (self.outage.failed_polls - 1), max(interval, MAX_BACKOFF))

    def save(self) -> None:
        if self.settings.state_file:
            state: dict[str, Any] = {"em_url": self.em_url, "completions": self.completions.to_state()}
            if self.rpo is not None:
                state["rpo_verdicts"] = self.rpo.to_state()
            save_state(self.settings.state_file, state)

    def close(self) -> None:
        """Log out of EM and open no session again (never raises; a failed logout is logged).

        Safe from any thread while a poll runs: it waits for a logon in progress, then logs out.
        """
        with self._client_lock:
            self._closed = True
        self._drop_session()

    def _api(self) -> EmApi:
        with self._client_lock:
            if self._closed:
                raise SourceStopped("the source is stopping")
            if self.api is None:
                options = self.settings.connection
                limits = replace(options.transport_options(), max_retries=min(options.retries, TRANSPORT_RETRIES),
                                 retry_budget=min(TRANSPORT_RETRY_BUDGET, self.settings.interval))
                client = ExitStack()
                # Retries are told at DEBUG (ansible-rulebook -vv); the outages themselves at WARNING.
                self.api = client.enter_context(open_api(options, transport=Transport(limits, on_retry=self.logger.debug),
                                                         on_logout_failure=self._warn_logout))
                self._client = client
            return self.api

    def _drop_session(self) -> None:
        with self._client_lock:
            client, self._client, self.api = self._client, None, None
        if client is not None:
            client.close()

    def _warn_logout(self, warning: str) -> None:
        self.logger.warning("%s", warning)

    def _rpo_events(self, rpo: RpoWatch, records: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
        rpo.add(records)
        return [self._event(kind, status) for kind, status in rpo.changes(now)]

    def _event(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "event_type": kind, "em_url": self.em_url}

    def _unreachable(self, error: VeeamEmError, now: datetime) -> list[dict[str, Any]]:
        if self.outage is not None:
            self.outage.failed_polls += 1
            self.outage.error = str(error)
            self.logger.warning("%s still unreachable (attempt %d): %s", self.em_url, self.outage.failed_polls, error)
            return []
        self.outage = Outage(now, str(error))
        self.logger.warning("%s unreachable, retrying in %.1f s: %s", self.em_url, self.delay(), error)
        return [{"event_type": UNREACHABLE_EVENT, "em_url": self.em_url, "error": str(error),
                 "unreachable_since": iso(now), "retry_in_seconds": self.delay()}]

    def _recovered(self, now: datetime) -> list[dict[str, Any]]:
        outage, self.outage = self.outage, None
        if outage is None:
            return []
        self.logger.info("%s reachable again after %d failed poll(s)", self.em_url, outage.failed_polls)
        return [{"event_type": RECOVERED_EVENT, "em_url": self.em_url, "unreachable_since": iso(outage.since),
                 "recovered_at": iso(now), "down_seconds": (now - outage.since).total_seconds(),
                 "failed_polls": outage.failed_polls, "last_error": outage.error}]
