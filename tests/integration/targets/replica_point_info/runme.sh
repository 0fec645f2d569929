#!/usr/bin/env bash
# replica_point_info (and replication_job_info) against the EM simulator serving
# files/points.json (EM's documented restore point and four around it, two jobs): every
# option, the errors, and what EM was asked.
set -eux
source ../setup_em_simulator/simulator.sh

start_em_simulator PTS --fixture "$PWD/files/points.json" --plain-collection-days 0
ansible-playbook -i "$INVENTORY_PATH" points.yml "$@"

start_em_simulator FORBIDDEN --fixture "$PWD/files/points.json" --points-access forbidden
start_em_simulator HIDDEN --fixture "$PWD/files/points.json" --points-access empty
ansible-playbook -i "$INVENTORY_PATH" points_rights.yml "$@"

# Every filter was applied by EM's query service: one query per call, never a collection read.
python - "$PTS_CONTROL" "$PTS_CA" <<'PY'
import json, ssl, sys, urllib.request
control, ca = sys.argv[1:]
stats = json.load(urllib.request.urlopen(control + "/stats", context=ssl.create_default_context(cafile=ca)))
paths = stats["by_path"]
assert not any("vmReplicaPoints" in path for path in paths), paths
# Eight calls read points; the two refused ones (a backwards window, limit 0) sent no query.
assert paths["GET /api/query?type=VmReplicaPoint"] == 8, paths
assert paths["POST /api/sessionMngr/"] == paths["DELETE /api/logonSessions/{id}"] == 13, paths
# replication_job_info: one job query per call, one includes request per job when asked.
assert paths["GET /api/query?type=Job"] == 3 and paths["GET /api/jobs/{id}/includes"] == 2, paths
# The backup servers are read once by each call that names backup servers (five), by no other.
assert paths["GET /api/query?type=BackupServer"] == 5, paths
assert stats["sessions"]["open"] == 0, "an EM session was left open"
PY
