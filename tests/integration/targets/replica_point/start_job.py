"""Start one replication job by name, as another pipeline would, so replica_point finds it running.

Usage: python start_job.py URL CA JOB_NAME (the simulator's default account; its password is the
simulator's own test default, not a secret)."""
from __future__ import annotations

import sys

from ansible_collections.veeam_em.core.plugins.module_utils._connection import ConnectionOptions, open_api
from ansible_collections.veeam_em.core.plugins.module_utils.em._actions import EmActions

url, ca_path, job_name = sys.argv[1:]
options = ConnectionOptions(url=url, username="CORP\\em-reader", password="Sim-Passw0rd!", ca_path=ca_path)
with open_api(options) as api:
    job = api.replication_jobs(names=(job_name,))[0]
    print(EmActions(api.session).job_action(job["id"], "start").described())
