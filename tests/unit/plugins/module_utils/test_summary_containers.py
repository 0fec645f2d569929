# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers included in a job (a folder, tag, host: not a VM) are counted and listed as containers, never
among the VMs (issue 29); they still fail the run when failing."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._containers import is_container, split_containers
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._summary import compliance_summary


def judged(name, status="ok", failing=False, findings=(), object_type=None, server="vbr-a"):
    """A judged object with only what the summary reads."""
    return {"vm_name": name, "backup_server_name": server, "status": status, "failing": failing,
            "findings": list(findings), "object_type": object_type, "rpo_used_percent": None, "rpo_age_seconds": None,
            "running": False, "rpo_basis": None}


FOLDER = judged("Tier3 VMs", "never_replicated", True, ["never_replicated", "rpo_breach"], "Folder")
ESTATE = [judged("web01"), judged("db01", "rpo_breach", True, ["rpo_breach", "failed"]),
          FOLDER, judged("new01", "never_replicated", False, ["never_replicated"], "Vm")]


@pytest.mark.parametrize(("object_type", "container"), [
    (None, False),      # a VM known from its sessions
    ("Vm", False), ("vm", False),
    ("Folder", True), ("Tag", True), ("Host", True), ("ResourcePool", True),
])
def test_an_object_is_a_container_when_its_type_is_not_a_vms(object_type, container):
    assert is_container({"object_type": object_type}) is container


def test_split_keeps_the_order_given():
    vms, containers = split_containers(ESTATE)
    assert [entry["vm_name"] for entry in vms] == ["web01", "db01", "new01"]
    assert containers == [FOLDER]


def test_a_folder_is_not_counted_among_the_vms_nor_their_findings():
    summary = compliance_summary(ESTATE, fail_on=["rpo_breach", "failed", "never_replicated"])
    counts = summary["counts"]
    # Three VMs (web01, db01, new01); the folder's own findings are not VM findings.
    assert (counts["vms"], counts["ok"], counts["failing"]) == (3, 1, 1)
    assert (counts["never_replicated"], counts["rpo_breach"], counts["failed"]) == (1, 1, 1)
    assert (counts["containers"], counts["containers_failing"]) == (1, 1)
    assert [entry["vm_name"] for entry in summary["worst_first"]] == ["db01", "new01", "web01"]
    assert summary["containers"] == [FOLDER]
    assert {entry["status"]: entry["vms"] for entry in summary["statuses"]}["never_replicated"] == 1


def test_a_failing_container_fails_the_run_although_every_vm_is_ok():
    summary = compliance_summary([judged("web01"), FOLDER])
    assert summary["counts"]["failing"] == 0 and summary["passed"] is False


def test_no_vm_but_a_container_is_an_empty_scope():
    summary = compliance_summary([FOLDER], empty_scope="warn")
    assert summary["counts"]["vms"] == 0 and summary["empty_scope_message"] is not None
    assert summary["junit"]["scope"]["empty"] is True


def test_junit_has_a_case_for_each_container_in_its_servers_suite_after_its_vms():
    junit = compliance_summary(ESTATE)["junit"]
    [server] = junit["servers"]
    assert [(case["vm"]["vm_name"], case["container"], case["failure_type"]) for case in server["cases"]] == [
        ("web01", False, None), ("db01", False, "rpo_breach"), ("new01", False, None),
        ("Tier3 VMs", True, "rpo_breach")]  # its first finding the default fail_on lists
    # Four cases, two failing (db01, the folder), none in the scope suite.
    assert (junit["tests"], junit["failures"], junit["skipped"]) == (4, 2, 0)
