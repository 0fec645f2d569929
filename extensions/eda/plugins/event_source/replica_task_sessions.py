# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_em.core.replica_task_sessions: an Event-Driven Ansible source of replica task
session completions and RPO verdicts from Veeam Backup Enterprise Manager."""
from __future__ import annotations

DOCUMENTATION = r"""
---
short_description: Events when replica task sessions complete in Veeam Backup Enterprise Manager, and when a VM crosses its RPO
description:
  - Polls Enterprise Manager's query service every O(interval) seconds and puts one event on the rulebook's queue
    for each replica task session that completed with one of O(results).
  - Each C(task_session_completed) event has the keys of the records of the C(veeam_em.core.replica_task_session_info)
    module (C(uid), C(vm_name), C(job_name), C(backup_server_name), C(state), C(result), C(reason),
    C(creation_time), C(end_time), C(duration_seconds), ...) plus C(event_type) and C(em_url), the API root the
    event came from.
  - By default the source starts from now and replays no history; O(since) replays the completions from then.
  - A poll asks for the sessions completed since the previous poll (less 5 minutes, for clock differences and
    EM's collection delay) and for the sessions running now. A session seen running is read again by UID when it
    stops running, so it is reported when it completes even when EM records its end late. Each session is
    reported once per run (by UID); with O(state_file) a restart neither repeats nor skips one.
  - With O(rpo) or O(rpo_by_job) the source also judges each VM at every poll, exactly as the
    C(veeam_em.core.replicas) inventory and the C(veeam_em.core.replica_status) filter do, and puts an
    C(rpo_breached) event when a VM's verdict turns to breached (also for VMs already breached when a source
    without state starts) and C(rpo_recovered) when it turns back. These events carry the judged status (C(status),
    C(findings), C(message), C(last_success_time), C(last_success_age_seconds), C(rpo_seconds), C(latest_session),
    ...).
  - When Enterprise Manager cannot be reached (connection refused or lost, a 5xx answer after brief retries, a body
    cut short) the source waits twice as long after each failed poll (the interval, then doubling up to 10 minutes)
    and puts one C(em_unreachable) event (C(error), C(unreachable_since), C(retry_in_seconds)), then one
    C(em_recovered) event (C(down_seconds), C(failed_polls)) at the first good poll. Completions of the outage are
    reported after it.
  - Refused credentials, a certificate that does not verify and an answer that is not Enterprise Manager's stop
    the source with a message (retrying a refused password would lock the account). So do invalid options, before
    any request.
  - The source reads only replica task and job sessions, which an account with the Portal User or Portal
    Administrator role in Enterprise Manager may read (Veeam's EM REST reference, page C(security_roles_concept),
    "Security Roles"); a Portal User gets the same events as an administrator. A VM Restore Operator may not read
    sessions; its first poll is refused, and the source stops with a message that names the roles that may.
  - No event and no log line holds the password or a session token. The source logs in once and keeps the EM
    session from poll to poll (logging in again when EM expired it), and logs out when it stops, also when
    ansible-rulebook is stopped (Ctrl-C, SIGINT or SIGTERM) and its sources are cancelled.
  - 'Every option may be written in its natural YAML type or as a string (V(retries: 3) or V(retries: "3"),
    V(validate_certs: false) or V(validate_certs: "no")), as in a playbook.'
options:
  url:
    description:
      - Address of Veeam Backup Enterprise Manager, for example V(https://em.example.com:9398/api).
      - If not set, the environment variable E(VEEAM_EM_URL) is used.
    type: str
  username:
    description:
      - Enterprise Manager account with the Portal User or Portal Administrator role (a VM Restore Operator may not
        read sessions).
      - If not set, the environment variable E(VEEAM_EM_USERNAME) is used.
    type: str
  password:
    description:
      - Password of O(username); never logged, never in an event.
      - If not set, the environment variable E(VEEAM_EM_PASSWORD) is used (in EDA controller, from a credential).
    type: str
  validate_certs:
    description:
      - Whether Enterprise Manager's TLS certificate is checked; prefer O(ca_path) to turning this off.
      - If not set, the environment variable E(VEEAM_EM_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA that signed Enterprise Manager's certificate.
      - If not set, the environment variable E(VEEAM_EM_CA_PATH) is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer. If not set, the environment variable E(VEEAM_EM_TIMEOUT) is used.
    type: float
    default: 60
  api_version:
    description: Enterprise Manager REST API version to log on with, or V(latest).
    type: str
    default: latest
  page_size:
    description: Entities per page of the query service (1 to 10000).
    type: int
    default: 1000
  max_concurrency:
    description: Pages read at the same time (1 to 16).
    type: int
    default: 4
  proxy:
    description:
      - An HTTP(S) proxy to reach Enterprise Manager through, such as V(http://proxy.example.com:3128); the requests
        still go to O(url)'s host in a TLS tunnel the proxy opens with C(CONNECT). Never shown in messages.
      - When not set, the environment's proxy settings apply (E(HTTPS_PROXY), E(NO_PROXY)).
    type: str
  retries:
    description:
      - How many times a transient failure (a connection reset, an answer cut short, HTTP 502, 503 or 504) is tried
        again within one request (0 to 10). The source itself retries across polls (see above), so within a poll it
        tries again at most twice and for at most 5 seconds (or O(interval), if shorter); V(0) never retries within
        a poll.
    type: int
    default: 5
  retry_backoff:
    description:
      - Seconds before the first retry within a request (more than 0, at most 30); each next wait doubles.
    type: float
    default: 0.5
  interval:
    description:
      - Seconds between polls, or a duration such as V(30s), V(5m).
    type: float
    default: 60
  results:
    description:
      - Results of the completions to report as C(task_session_completed) events.
    type: list
    elements: str
    choices: [Success, Warning, Failed]
    default: [Failed, Warning]
  vm_names:
    description: Only sessions of these VMs (exact names; Enterprise Manager filters on them).
    type: list
    elements: str
  job_names:
    description: Only sessions of these replication jobs (exact names).
    type: list
    elements: str
  backup_server_names:
    description: Only sessions of these backup servers (exact names, as Enterprise Manager lists them).
    type: list
    elements: str
  since:
    description:
      - Replay the completions from this moment, given as an ISO 8601 time (V(2026-11-29T06:00:00Z)) or as a
        duration back from the start such as V(24h).
      - Without it the source reports only what completes after it started (or, with O(state_file), after the
        state saved).
    type: str
  state_file:
    description:
      - A JSON file where the source keeps the UIDs it reported, the sessions it saw running and the RPO
        verdicts, written atomically after each poll's events are queued. A restart with the same file resumes
        where the last poll ended, without repeats or gaps.
      - The file belongs to one Enterprise Manager; a file written for another is refused.
      - If the source dies between queuing events and writing the file, those events come again (at least once).
    type: path
  rpo:
    description:
      - Recovery point objective for every VM, a duration such as V(4h) or V(1d) (a bare number is refused). Turns on the
        C(rpo_breached) and C(rpo_recovered) events.
    type: raw
  rpo_by_job:
    description:
      - RPO per replication job name or shell-style pattern (first match wins, an exact name before a pattern),
        as the inventory's and the filter's O(rpo_by_job).
    type: dict
  rpo_window:
    description:
      - How far back the sessions are read at the start to judge the RPO; at least as long as the longest RPO,
        else the source refuses to start with a message naming both.
        After the start each completion is added, so the window is read once per run, not per poll.
    type: str
    default: 7d
notes:
  - Needs the Python libraries requests and lxml where the rulebook runs (the decision environment).
  - The events of one poll are queued oldest completion first.
"""

EXAMPLES = r"""
- name: React to failed replicas
  hosts: all
  sources:
    - veeam_em.core.replica_task_sessions:
        url: https://em.example.com:9398/api
        ca_path: /etc/pki/veeam-em-ca.pem
        # username and password from VEEAM_EM_USERNAME / VEEAM_EM_PASSWORD
        interval: 60
        results: [Failed]
        state_file: /var/lib/eda/veeam-em-replicas.json
        rpo: 4h
  rules:
    - name: Retry the job of a failed replica
      condition: event.event_type == "task_session_completed" and event.result == "Failed"
      action:
        run_playbook:
          name: playbooks/retry_replica.yml
"""

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any

# ansible-rulebook runs this file with runpy, where the collections root is not importable:
# <root>/ansible_collections/veeam_em/core/extensions/eda/plugins/event_source/<this file>.
_HERE = Path(os.path.abspath(__file__))
if _HERE.parents[6].name == "ansible_collections" and str(_HERE.parents[7]) not in sys.path:
    sys.path.append(str(_HERE.parents[7]))

from ansible_collections.veeam_em.core.plugins.module_utils._dependencies import missing_libraries  # noqa: E402
from ansible_collections.veeam_em.core.plugins.module_utils._errors import VeeamEmError  # noqa: E402
from ansible_collections.veeam_em.core.plugins.module_utils.events._replica_events import ReplicaEventPoller  # noqa: E402
from ansible_collections.veeam_em.core.plugins.module_utils.events._source_options import read_source_settings  # noqa: E402
from ansible_collections.veeam_em.core.plugins.module_utils.events._stop_signals import logged_out_on_stop_signals  # noqa: E402
from ansible_collections.veeam_em.core.plugins.module_utils._times import utc_now  # noqa: E402

NAME = "veeam_em.core.replica_task_sessions"
LOGGER = logging.getLogger(NAME)


class SourceError(Exception):
    """Why the source stopped: invalid options or an Enterprise Manager that refuses it."""


async def main(queue: asyncio.Queue, args: dict[str, Any]) -> None:
    """Poll until cancelled, putting each event on `queue`; SourceError for what retrying cannot mend."""
    for library, _traceback in missing_libraries():
        raise SourceError(f"{NAME} needs the Python library {library} where the rulebook runs")
    try:
        poller = ReplicaEventPoller(read_source_settings(args, os.environ, utc_now()), LOGGER)
    except VeeamEmError as error:
        raise SourceError(f"{NAME}: {error}") from None
    try:
        # SIGINT and SIGTERM reach ansible-rulebook's JVM first, which ends the process without
        # cancelling this task: the source logs out on them itself (see _stop_signals).
        with logged_out_on_stop_signals(poller.close):
            while True:
                events = await asyncio.to_thread(poller.poll)
                for event in events:
                    await queue.put(event)
                poller.save()  # after the events are queued: a restart repeats none and skips none
                await asyncio.sleep(poller.delay())
    except VeeamEmError as error:
        raise SourceError(f"{NAME}: {error}") from None
    finally:
        # Cancelled (ansible-rulebook's shutdown) or failed: a poll may still run on its thread;
        # close() waits for a logon in progress and lets no new one start.
        await asyncio.to_thread(poller.close)


if __name__ == "__main__":
    # python replica_task_sessions.py: print the events of an EM named by VEEAM_EM_* (Ctrl-C stops).

    class _PrintQueue:
        async def put(self, event: dict[str, Any]) -> None:
            print(event, flush=True)

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_PrintQueue(), {"interval": 10, "since": "1h"}))  # type: ignore[arg-type]
