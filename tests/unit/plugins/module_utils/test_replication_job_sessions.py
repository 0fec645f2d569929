"""EmApi.job_sessions: the runs of jobs by the jobs' UIDs, newest first, against the simulator's
hand-written estate (tests/unit/simulator/jobhelpers.py): Replica B's last run ended Failed three
hours before FIXED_NOW, Replica D's run is Working, Replica E never ran."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.tests.em_simulator.model import TICKS_PER_SECOND
from ansible_collections.veeam_em.core.tests.unit.simhelpers import FIXED_NOW, connection_options
from ansible_collections.veeam_em.core.tests.unit.simulator.jobhelpers import (
    ACCOUNTS, JOB_IDS, PASSWORD, act, jobs_simulator, logged_on,
)

FIXED = datetime.fromtimestamp(FIXED_NOW / TICKS_PER_SECOND, timezone.utc)


def uid(name: str) -> str:
    return f"urn:veeam:Job:{JOB_IDS[name]}"


def read(simulator, *args, **kwargs) -> list[dict]:
    options = connection_options(simulator, username=ACCOUNTS["administrator"][0], password=PASSWORD)
    with open_session(options) as em:
        return EmApi(em).job_sessions(*args, **kwargs)


def test_the_last_run_of_each_job_asked_for_newest_first(certificates):
    with jobs_simulator(certificates) as simulator:
        sessions = read(simulator, (uid("Replica B"), uid("Replica D"), uid("Replica E")))
        # D's run was created 5 h before FIXED_NOW, B's 3 h before: B first.
        assert [(s["job_name"], s["state"], s["result"]) for s in sessions] == [
            ("Replica B", "Stopped", "Failed"), ("Replica D", "Working", "None")]
        assert sessions[0]["creation_time"] == FIXED - timedelta(hours=3)
        assert sessions[0]["is_retry"] is False
        assert simulator.snapshot()["by_path"]["GET /api/query?type=ReplicaJobSession"] == 1


def test_created_after_keeps_only_the_runs_since_then(certificates):
    with jobs_simulator(certificates) as simulator:
        with logged_on(simulator) as em:
            assert act(em, "Replica B", "retry").status_code == 202
        newer = read(simulator, (uid("Replica B"),), created_after=FIXED)
        everything = read(simulator, (uid("Replica B"),))
        # The retry's run is the only one since FIXED_NOW (the simulator's clock is today's).
        assert [s["is_retry"] for s in newer] == [True]
        assert [s["is_retry"] for s in everything] == [True, False]
        # The run goes on between reads (the clock is a wall clock): compared by UID.
        assert [s["uid"] for s in read(simulator, (uid("Replica B"),), limit=1)] == [newer[0]["uid"]]
