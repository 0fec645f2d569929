"""After the module, inventory and role runs: every logon was logged out of this EM, none
is open, and the inventory shows running VMs as running, without the claimed result.

    python check_em.py CONTROL_URL CA_FILE INVENTORY_OUTPUT
"""
import json
import ssl
import sys
import urllib.request

control, ca, inventory_output = sys.argv[1:4]
stats = json.load(urllib.request.urlopen(control + "/stats", context=ssl.create_default_context(cafile=ca)))
sessions = stats["sessions"]
assert sessions["logons"] >= 4 and sessions["logouts"] == sessions["logons"], sessions
assert sessions["open"] == 0, sessions
assert not any(path.startswith("DELETE") and "logonSessions" not in path for path in stats["by_path"]), stats["by_path"]

with open(inventory_output, encoding="utf-8") as handle:
    text = handle.read()
hostvars = json.loads(text[text.index("{"):])["_meta"]["hostvars"]
running = {name: host for name, host in hostvars.items() if host.get("veeam_running")}
assert running, "the estate has VMs being replicated now"
for name, host in running.items():
    latest = host["veeam_latest_session"]
    assert latest["result"] is None and latest["end_time"] is None and latest["duration_seconds"] is None, (name, latest)
for name, host in hostvars.items():
    latest = host.get("veeam_latest_session") or {}
    assert (latest.get("duration_seconds") or 0) >= 0, (name, latest)
print(f"{len(running)} running VMs; {sessions['logons']} logons, all logged out")
