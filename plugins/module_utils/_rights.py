# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each Enterprise Manager role may do, as far as the collection asks EM for it.

Source: Veeam's EM REST reference, "Security Roles" (security_roles_concept, VBR 13.0.1,
dated 2025-09-26), summed up in docs/docsite/rst/em_api_notes.rst, "Roles". Every refusal
the client meets is worded from one Right here, so every surface names the same role and
the same way out. Pure data, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass

PORTAL_ADMINISTRATOR = "Portal Administrator"
PORTAL_USER = "Portal User"
RESTORE_OPERATOR = "VM Restore Operator"
ROLES = (PORTAL_ADMINISTRATOR, PORTAL_USER, RESTORE_OPERATOR)
# Where an EM administrator gives an account a role (EM's web UI).
WHERE_ROLES_ARE_GIVEN = "Enterprise Manager's web UI, Configuration > Roles"


@dataclass(frozen=True)
class Right:
    """One operation EM guards: `verb` as in "read replication jobs", `action` the same as a
    subject ("reading replication jobs"), the roles that may, and (optional) the option of the
    collection that avoids needing it."""

    verb: str
    action: str
    roles: tuple[str, ...]
    way_around: str = ""

    @property
    def reason(self) -> str:
        """What a report shows for what was not judged: "no right to read replication jobs"."""
        return f"no right to {self.verb}"

    def needs(self) -> str:
        """"reading replication jobs needs the Portal Administrator role in Enterprise Manager"."""
        return f"{self.action} needs the {_either(self.roles)} role in Enterprise Manager"

    def what_to_do(self) -> str:
        """How to get past a refusal: give the role, or use the option that avoids the read."""
        give = f"give the account {'that role' if len(self.roles) == 1 else 'one of those roles'} ({WHERE_ROLES_ARE_GIVEN})"
        return f"{give}, or {self.way_around}" if self.way_around else give


def _either(roles: tuple[str, ...]) -> str:
    if len(roles) == 1:
        return roles[0]
    return f"{', '.join(roles[:-1])} or {roles[-1]}"


_SESSION_READERS = (PORTAL_USER, PORTAL_ADMINISTRATOR)
_EVERY_ROLE = (PORTAL_USER, RESTORE_OPERATOR, PORTAL_ADMINISTRATOR)
TASK_SESSIONS = Right("read replica task sessions", "reading replica task sessions", _SESSION_READERS)
JOB_SESSIONS = Right("read replica job sessions", "reading replica job sessions", _SESSION_READERS)
BACKUP_SERVERS = Right("read backup servers", "reading backup servers", _SESSION_READERS)
RESTORE_POINTS = Right("read replica restore points", "reading replica restore points", _EVERY_ROLE,
                       "judge the RPO on task sessions (rpo_basis: session; the role's replica_compliance_rpo_basis)")
REPLICAS = Right("read replicas", "reading replicas", _EVERY_ROLE)
REPLICATION_JOBS = Right("read replication jobs", "reading replication jobs", (PORTAL_ADMINISTRATOR,))
FAILOVER_PLANS = Right("read failover plans", "reading failover plans", (RESTORE_OPERATOR, PORTAL_ADMINISTRATOR))
CDP_POLICIES = Right("read CDP policies", "reading CDP policies", (PORTAL_ADMINISTRATOR,))
CDP_SESSIONS = Right("read CDP sessions", "reading CDP sessions", _SESSION_READERS)
TASKS = Right("read Enterprise Manager tasks", "reading Enterprise Manager tasks", _EVERY_ROLE)
JOB_ACTIONS = Right("start, stop or retry jobs", "starting, stopping or retrying jobs", (PORTAL_ADMINISTRATOR,))
COLLECTION = Right("ask Enterprise Manager to collect from a backup server",
                   "asking Enterprise Manager to collect from a backup server", _SESSION_READERS)
