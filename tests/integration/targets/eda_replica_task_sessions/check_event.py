# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rulebook run's proof: the playbook that ansible-rulebook started for the event printed
and saved the fields of the session the simulator ended, the source run as a Portal User
reported the very same event (but for ansible-rulebook's own meta), and nothing holds the
password.

    python check_event.py COMPLETED_JSON EVENT_JSON RULEBOOK_LOG EM_URL STATE_FILE PASSWORD
"""
from __future__ import annotations

import json
import os
import sys


def main(completed_path: str, event_path: str, log_path: str, em_url: str, state_path: str, password: str) -> None:
    completed = json.load(open(completed_path, encoding="utf-8"))
    events = json.load(open(event_path, encoding="utf-8"))
    event, seen_by_user = events["administrator"], events["portal_user"]
    log = open(log_path, encoding="utf-8", errors="replace").read()
    expected = {"event_type": "task_session_completed", "uid": completed["uid"], "id": completed["id"],
                "vm_name": completed["vm_name"], "state": "Completed", "result": "Failed",
                "reason": completed["reason"], "em_url": em_url.rstrip("/")}
    wrong = {key: (event.get(key), value) for key, value in expected.items() if event.get(key) != value}
    assert not wrong, f"event fields differ from the simulator's session (got, expected): {wrong}"
    assert event["end_time"][:19] == completed["end_time"][:19], (event["end_time"], completed["end_time"])
    assert event["job_name"] and event["backup_server_name"] and event["creation_time"], event
    assert event["meta"]["source"]["name"] == "as the Portal Administrator", event["meta"]
    assert seen_by_user["meta"]["source"]["name"] == "as a Portal User", seen_by_user["meta"]
    differs = {key for key in set(event) | set(seen_by_user) if key != "meta" and event.get(key) != seen_by_user.get(key)}
    assert not differs, f"the Portal User's event differs in {sorted(differs)}: {seen_by_user}"
    line = f"FAILED REPLICA vm={completed['vm_name']} uid={completed['uid']} result=Failed"
    assert line in log, f"the playbook's output does not show {line!r}"
    for name, text in (("the rulebook's output", log), ("the events", json.dumps(events)),
                       ("the state file", open(state_path, encoding="utf-8").read())):
        assert password not in text, f"the password is in {name}"
    print(f"rulebook run: the playbook got the event of {completed['vm_name']} ({completed['uid']}), result Failed")


if __name__ == "__main__":
    # The password from the environment: an argument would be in runme.sh's set -x trace.
    main(*sys.argv[1:6], os.environ["VEEAM_EM_PASSWORD"])
