# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check `ansible-inventory --list` of an account without the right to read replication jobs
(a Portal User) against an administrator's of the same estate (read_only.sh).

    python read_only.py one ADMIN_LIST USER_LIST REASON
        one EM: the user's hosts and groups are the administrator's but for the objects never
        replicated (and the job schedule groups, which need the jobs); every VM host of the
        user says REASON in veeam_not_judged, and veeam_never_replicated is null.
    python read_only.py fleet LIST ADMIN_EM USER_EM REASON
        two EMs of the same estate in one source, ADMIN_EM read by an administrator and USER_EM
        by a Portal User: the same per EM, VMs told apart by (backup server, VM name).

Expectations come from the role table (Veeam's "Security Roles" page): a Portal User may read
task sessions, restore points and backup servers, not jobs; nothing is taken from the plugin.
"""
from __future__ import annotations

import json
import sys
from typing import Any

from golden import line_neutral

# Groups whose members need the replication jobs: the objects never replicated and the job schedule state.
COVERAGE_GROUPS = ("veeam_never_replicated", "veeam_finding_never_replicated", "veeam_job_disabled", "veeam_job_overdue")
NOT_VMS = ("backup_server", "enterprise_manager")


def listing(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return line_neutral(json.load(handle))


def vm_vars(data: dict[str, Any], em: str | None = None) -> dict[str, dict[str, Any]]:
    """{host: vars} of the VM hosts (of one EM when `em` is given)."""
    return {host: variables for host, variables in data["_meta"]["hostvars"].items()
            if variables["veeam_kind"] not in NOT_VMS and (em is None or variables.get("veeam_em_name") == em)}


def members(data: dict[str, Any]) -> dict[str, set[str]]:
    return {group: set(value.get("hosts", ())) for group, value in data.items()
            if group != "_meta" and isinstance(value, dict) and value.get("hosts")}


def check_not_judged(hosts: dict[str, dict[str, Any]], reason: str) -> list[str]:
    """Problems of the VM hosts of a read without the jobs."""
    wanted = [{"checks": "coverage", "reason": reason}]
    problems = [f"{host}: veeam_not_judged is {variables.get('veeam_not_judged')!r}, not {wanted!r}"
                for host, variables in hosts.items() if variables.get("veeam_not_judged") != wanted]
    return problems + [f"{host}: veeam_never_replicated is {variables.get('veeam_never_replicated')!r}, not null"
                       for host, variables in hosts.items() if variables.get("veeam_never_replicated") is not None]


def check_judged(hosts: dict[str, dict[str, Any]]) -> list[str]:
    return [f"{host}: veeam_not_judged is {variables.get('veeam_not_judged')!r}, not []"
            for host, variables in hosts.items() if variables.get("veeam_not_judged") != []]


def check_one(admin: dict[str, Any], user: dict[str, Any], reason: str) -> list[str]:
    never = members(admin).get("veeam_never_replicated", set())
    if not never:
        return ["the administrator's read has no object never replicated: the estate proves nothing"]
    problems = check_judged(vm_vars(admin)) + check_not_judged(vm_vars(user), reason)
    if set(vm_vars(user)) != set(vm_vars(admin)) - never:
        problems.append(f"VM hosts: {sorted(vm_vars(user))} is not the administrator's without {sorted(never)}")
    wanted = {group: hosts - never for group, hosts in members(admin).items() if group not in COVERAGE_GROUPS}
    wanted = {group: hosts for group, hosts in wanted.items() if hosts}  # a group left empty is not listed
    if members(user) != wanted:
        problems.append(f"groups: {sorted(members(user))} differ from {sorted(wanted)}, or their members do")
    return problems


def check_fleet(data: dict[str, Any], admin_em: str, user_em: str, reason: str) -> list[str]:
    admin, user = vm_vars(data, admin_em), vm_vars(data, user_em)
    never = {(variables["veeam_backup_server_name"], variables["veeam_vm_name"])
             for variables in admin.values() if variables.get("veeam_never_replicated")}
    if not never:
        return [f"{admin_em} has no object never replicated: the estate proves nothing"]
    problems = check_judged(admin) + check_not_judged(user, reason)
    keys = {(variables["veeam_backup_server_name"], variables["veeam_vm_name"]) for variables in user.values()}
    admin_keys = {(variables["veeam_backup_server_name"], variables["veeam_vm_name"]) for variables in admin.values()}
    if keys != admin_keys - never:
        problems.append(f"{user_em}'s VMs are not {admin_em}'s without those never replicated: {sorted(keys ^ (admin_keys - never))}")
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["one"] and len(argv) == 4:
        problems = check_one(listing(argv[1]), listing(argv[2]), argv[3])
    elif argv[:1] == ["fleet"] and len(argv) == 5:
        problems = check_fleet(listing(argv[1]), argv[2], argv[3], argv[4])
    else:
        print(__doc__)
        return 2
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
