"""Name pools for generated data.

The awkward names are deliberate: clients must quote filter values, escape XML and keep
non-ASCII intact, so the data holds spaces, double quotes, commas, semicolons,
parentheses and non-ASCII characters.
"""
from __future__ import annotations

AWKWARD_JOB_NAMES = (
    "SQL Replication",
    'Tier 1 "Gold" DR',
    "Web, App & DB",
    "Zürich Standby",
    "DR; Site-B (nightly)",
)

AWKWARD_VM_NAMES = (
    "sql 01",
    'web"front',
    "db,reporting",
    "Köln-fs01",
    "データ01",
    "mail;01",
    "(legacy) erp",
)

# Present on every backup server, so the same VM name exists on several servers.
SHARED_VM_NAME = "shared-dc01"

SERVER_DESCRIPTIONS = ("Primary site", "", "Standort Köln", "DR site, rack 4")

# Versions of the backup servers, with whether EM reports the API 1.7 fields
# (WcfPort, VbrCertificateThumbprint) and whether task sessions carry a VmUid (13.x).
SERVER_VERSIONS = (
    ("12.3.1.1139", True, False),
    ("13.0.0.4967", True, True),
    ("11.0.1.1261", False, False),
)


def reports_failure_message(version: str) -> bool:
    """Whether a backup server of this version writes FailureMessage into its job sessions
    (optional in EM's schema: servers of the first version above omit it)."""
    return version != SERVER_VERSIONS[0][0]


FAILURE_REASONS = (
    "Error: Failed to connect to host esx03.corp.example: operation timed out",
    "Error: Insufficient free space on datastore 'DR-DS01'",
    "Error: Snapshot creation failed: the operation is not allowed in the current state",
    "Error: Replica VM is locked by another task",
)

WARNING_REASONS = (
    "Changed block tracking has been disabled, full scan performed",
    "Guest processing skipped: VMware Tools are not running",
    'Datastore "DR-DS02" is running low on free space',
)
