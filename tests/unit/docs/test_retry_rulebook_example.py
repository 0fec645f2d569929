"""docs/examples/retry_failed_replica_rulebook.yml watches the collection's event source for failed
replicas and runs the playbook beside it (which the replication_job integration target runs
against the simulator). That ansible-rulebook accepts it (its own validator and schema) is checked
by the eda_replica_task_sessions target, on the line where ansible-rulebook is installed."""
from __future__ import annotations

from pathlib import Path

import yaml

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
RULEBOOK = EXAMPLES / "retry_failed_replica_rulebook.yml"


def test_it_runs_the_playbook_beside_it_on_failed_replicas_once_per_job():
    (ruleset,) = yaml.safe_load(RULEBOOK.read_text(encoding="utf-8"))
    (source,) = ruleset["sources"]
    assert source["veeam_em.core.replica_task_sessions"]["results"] == ["Failed"]
    (rule,) = ruleset["rules"]
    assert (EXAMPLES / rule["action"]["run_playbook"]["name"]).is_file()
    assert rule["throttle"]["group_by_attributes"] == ["event.job_name", "event.backup_server_name"]
