# shellcheck shell=bash
# shellcheck disable=SC2154  # work and output are runme.sh's, which sources this file
# Sourced by runme.sh after first_hour.sh (expect_in) and several_ems.sh (fresh, serve,
# requests_to): the inventory read by the account a monitoring tool is given (issue 25),
# against simulators that answer as Veeam's "Security Roles" page says. Each serves one estate
# to runme.sh's account (a Portal Administrator), a Portal User and a VM Restore Operator,
# and answers a denied read in one of the ways EM may (403, 401 or an empty result).
#   - one EM read as a Portal User: the hosts an administrator gets but those never replicated,
#     veeam_not_judged on each VM, one warning naming the Portal Administrator role; with
#     require_coverage the source fails in the same words;
#   - a VM Restore Operator fails, told that the sessions need Portal User or Portal Administrator;
#   - two EMs, eu read by an administrator and us by a Portal User: us's warning names it, and
#     with require_coverage and on_em_error: warn, us is a host of veeam_em_unreachable.
# The `ansible-inventory --graph` of the Portal User is printed (the issue's closing note quotes it).

MONITOR='CORP\inv-monitor' RESTORER='CORP\inv-restore'
COVERAGE="VMs in jobs that never ran, disabled jobs and overdue jobs are not judged"
REFUSED="reading replication jobs needs the Portal Administrator role in Enterprise Manager; this account was refused, so $COVERAGE"
NOT_SHOWN="Enterprise Manager showed this account no replication job although the task sessions of the window name jobs; reading replication jobs needs the Portal Administrator role in Enterprise Manager, and an account without it may be shown none, so $COVERAGE"
REQUIRED="require_coverage is true, so this fails: give the account the Portal Administrator role, or set require_coverage: false to judge without coverage"

fresh roles
for answer in forbidden unauthorized empty; do
    serve "ROLES_${answer^^}" roles --denied-answer "$answer" --extra-account "$MONITOR:portal-user" \
        --extra-account "$RESTORER:restore-operator" --extra-password-env VEEAM_EM_PASSWORD
done

read_as() {  # read_as EM ACCOUNT CONFIG OUT [ansible-inventory options]: stdout in OUT, stderr in OUT.err
    local url="$1_URL" ca="$1_CA" account="$2" config="$3" out="$4"
    shift 4
    VEEAM_EM_URL="${!url}" VEEAM_EM_CA_PATH="${!ca}" VEEAM_EM_USERNAME="$account" \
        ansible-inventory -i "$config" "$@" > "$out" 2> "$out.err"
}
times_in() {  # times_in FILE TEXT: how often TEXT is in FILE, whitespace aside (2.16 wraps warnings)
    tr -d ' \n' < "$1" | grep -o -F -e "$(printf '%s' "$2" | tr -d ' \n')" | wc -l
}

# An administrator's inventory, the one a Portal User's is compared with.
read_as ROLES_FORBIDDEN 'CORP\inv-reader' read_only.veeam_em.yml "$work/admin.json" --list
[ "$(times_in "$work/admin.json.err" "not judged")" -eq 0 ] || { cat "$work/admin.json.err"; exit 1; }

# A Portal User, whether EM denies the jobs with 403, with 401, or shows none.
for answer in forbidden unauthorized empty; do
    warning="$REFUSED" reason="no right to read replication jobs"
    if [ "$answer" = empty ]; then warning="$NOT_SHOWN" reason="Enterprise Manager showed no replication job"; fi
    em="ROLES_${answer^^}"
    read_as "$em" "$MONITOR" read_only.veeam_em.yml "$work/user-$answer.json" --list
    python read_only.py one "$work/admin.json" "$work/user-$answer.json" "$reason"
    [ "$(times_in "$work/user-$answer.json.err" "[WARNING]: veeam_em.core.replicas: $warning")" -eq 1 ] \
        || { cat "$work/user-$answer.json.err"; echo "not one warning: $warning" >&2; exit 1; }
    # require_coverage: the same words, and the source fails.
    sed 's/^rpo: 24h$/&\nrequire_coverage: true/' read_only.veeam_em.yml > "$work/required.veeam_em.yml"
    if read_as "$em" "$MONITOR" "$work/required.veeam_em.yml" "$output" --list; then
        echo "require_coverage gave an inventory to a Portal User" >&2; cat "$output"; exit 1
    fi
    expect_in "$output.err" "$warning; $REQUIRED"
    no_secrets_in "$output.err"
    # Every logon session ended, the one a 401 made the client replace included.
    control="${em}_CONTROL" ca="${em}_CA"
    requests_to "${!control}" "${!ca}" count > /dev/null
done

# What a Portal User sees.
read_as ROLES_FORBIDDEN "$MONITOR" read_only.veeam_em.yml "$work/graph.txt" --graph
cat "$work/graph.txt" "$work/graph.txt.err"
grep -q -F -e '@veeam_replicated_vms:' "$work/graph.txt" || exit 1
if grep -q -e never_replicated -e job_disabled -e job_overdue "$work/graph.txt"; then
    echo "a Portal User's graph shows coverage it cannot have judged" >&2; exit 1
fi

# A VM Restore Operator may read neither sessions nor backup servers.
if read_as ROLES_FORBIDDEN "$RESTORER" read_only.veeam_em.yml "$output" --list; then
    echo "a VM Restore Operator got an inventory" >&2; cat "$output"; exit 1
fi
expect_in "$output.err" "needs the Portal User or Portal Administrator role in Enterprise Manager; give the account one of those roles (Enterprise Manager's web UI, Configuration > Roles)"

# Two EMs: eu's administrator and us's Portal User (EM denying with 401 there).
ansible-inventory -i read_only_fleet.veeam_em.yml --list > "$work/fleet.json" 2> "$work/fleet.json.err"
python read_only.py fleet "$work/fleet.json" eu us "no right to read replication jobs"
[ "$(times_in "$work/fleet.json.err" "[WARNING]: veeam_em.core.replicas: Enterprise Manager 'us' (enterprise_managers[1]): $REFUSED")" -eq 1 ] \
    || { cat "$work/fleet.json.err"; exit 1; }
[ "$(times_in "$work/fleet.json.err" "not judged")" -eq 1 ] || { cat "$work/fleet.json.err"; exit 1; }

# require_coverage with on_em_error: warn lists eu, and us as an EM that failed, in the same words.
sed 's/^rpo: 24h$/&\nrequire_coverage: true\non_em_error: warn/' read_only_fleet.veeam_em.yml > "$work/fleet_required.veeam_em.yml"
ansible-inventory -i "$work/fleet_required.veeam_em.yml" --list > "$work/fleet_required.json" 2> "$output"
expect_in "$output" "Enterprise Manager 'us' (enterprise_managers[1]) failed and its hosts are left out: $REFUSED; $REQUIRED"
python - "$work/fleet_required.json" "$REFUSED; $REQUIRED" <<'PY'
import json, sys
from golden import line_neutral
listing = line_neutral(json.load(open(sys.argv[1], encoding="utf-8")))
hostvars = listing["_meta"]["hostvars"]
assert listing["veeam_em_unreachable"]["hosts"] == ["us"], listing.get("veeam_em_unreachable")
assert hostvars["us"]["veeam_em_error"] == sys.argv[2], hostvars["us"]
assert "new01" in listing["veeam_never_replicated"]["hosts"], "eu's coverage was judged"
assert not [host for host, variables in hostvars.items() if variables.get("veeam_em_name") == "us" and host != "us"]
PY
