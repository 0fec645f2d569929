"""AWX-style runs through ansible-runner (see runme.sh).

usage: awx_runs.py EM_URL EM_CA EM_CONTROL PRIVATE_DATA_DIR
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import ansible_runner
import requests

PASSWORD = "Sim-Passw0rd!"
# What a custom credential type's injector puts into the job environment (docs: AWX guide).
INVENTORY_SOURCE = "plugin: veeam_em.core.replicas\nrpo: 24h\n"
PLAYBOOK = """- name: Replica compliance, as an AWX job template runs it
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  roles:
    - role: veeam_em.core.replica_compliance
      vars:
        replica_compliance_rpo: 24h
        replica_compliance_report_dir: "{{ playbook_dir }}/reports"
"""


def lay_out(private_data_dir: Path) -> None:
    """A private data directory as AWX prepares one: project, inventory source, nothing secret."""
    project = private_data_dir / "project"
    project.mkdir(parents=True)
    (project / "replicas.veeam_em.yml").write_text(INVENTORY_SOURCE, encoding="utf-8")
    (project / "compliance.yml").write_text(PLAYBOOK, encoding="utf-8")


def job_environment(url: str, ca_path: str) -> dict[str, str]:
    return {"VEEAM_EM_URL": url, "VEEAM_EM_USERNAME": "CORP\\em-reader", "VEEAM_EM_PASSWORD": PASSWORD,
            "VEEAM_EM_CA_PATH": ca_path, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", "ANSIBLE_NOCOLOR": "1"}


def inventory_update(private_data_dir: Path, envvars: dict[str, str]) -> dict[str, Any]:
    """ansible-inventory -i <source> --list --export, as AWX's inventory update runs it."""
    output = private_data_dir / "artifacts" / "inventory.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    out, err = ansible_runner.get_inventory(
        action="list", inventories=[str(private_data_dir / "project" / "replicas.veeam_em.yml")],
        response_format="json", export=True, output_file=str(output), private_data_dir=str(private_data_dir),
        envvars=envvars, quiet=True, timeout=300)
    listed = json.loads(output.read_text(encoding="utf-8"))
    vms = listed.get("veeam_replicated_vms", {}).get("hosts", [])
    assert len(vms) == 20, f"the inventory update listed {len(vms)} replicated VMs, not 20: {err}"
    assert "veeam_rpo_breached" in listed, sorted(listed)
    hostvars = listed["_meta"]["hostvars"]
    assert all("veeam_last_result" in hostvars[vm] for vm in vms), "--export lost host vars"
    print(f"inventory update: {len(vms)} replicated VMs, {len(listed) - 1} groups")
    return listed


def compliance_job(private_data_dir: Path, envvars: dict[str, str]) -> dict[str, Any]:
    """The role as a playbook job: the demo estate has breaches, so the job fails by design."""
    runner = ansible_runner.run(private_data_dir=str(private_data_dir), playbook="compliance.yml", inventory="localhost,",
                                envvars=envvars, quiet=True, timeout=600)
    report_path = private_data_dir / "project" / "reports" / "replica-compliance.json"
    assert report_path.exists(), f"no JSON report; job status {runner.status}:\n{runner.stdout.read()[-3000:]}"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    failed_tasks = [event["event_data"].get("task") for event in runner.events if event.get("event") == "runner_on_failed"]
    assert runner.status == "failed" and runner.rc != 0, (runner.status, runner.rc)
    assert failed_tasks and all("compliance" in (task or "").lower() for task in failed_tasks), failed_tasks
    # The demo estate's 20 replicated VMs and the 4 objects its jobs include but nobody replicates:
    # 3 VMs and 1 folder, a container, which is counted as such and never as a VM (issue 29).
    counts = report["counts"]
    assert (counts["vms"], counts["never_replicated"], counts["containers"]) == (23, 3, 1), counts
    assert report["counts"]["failing"] > 0, report["counts"]
    print(f"compliance job: status {runner.status} (rc {runner.rc}) on purpose, {report['counts']}")
    return report


def runner_bookkeeping(path: Path, private_data_dir: Path) -> bool:
    """ansible-runner's own record of the job environment (env/envvars, artifacts/*/command).

    It writes the credentials there by design, as AWX's injected environment; what the
    collection writes (output, events, reports, the inventory) must hold no secret.
    """
    parts = path.relative_to(private_data_dir).parts
    return parts == ("env", "envvars") or (len(parts) == 3 and parts[0] == "artifacts" and parts[2] == "command")


def leaked_secrets(private_data_dir: Path, control: str, ca_path: str) -> list[str]:
    """Files under the private data directory that hold the password or an issued token."""
    stats = requests.get(f"{control}/stats", verify=ca_path, timeout=30).json()
    secrets = [PASSWORD, *stats.get("issued_tokens", [])]
    found = []
    for path in private_data_dir.rglob("*"):
        if path.is_file() and not runner_bookkeeping(path, private_data_dir):
            text = path.read_bytes().decode("utf-8", "replace")
            found.extend(f"{path}: {secret[:4]}..." for secret in secrets if secret and secret in text)
    return found


def main() -> None:
    url, ca_path, control, private_data_dir = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
    lay_out(private_data_dir)
    envvars = job_environment(url, ca_path)
    assert not any(key.startswith("VEEAM_EM_") for key in os.environ), "the runs must get credentials from the job only"
    inventory_update(private_data_dir, envvars)
    compliance_job(private_data_dir, envvars)
    leaks = leaked_secrets(private_data_dir, control, ca_path)
    checked = sum(1 for path in private_data_dir.rglob("*") if path.is_file())
    assert checked > 10, f"only {checked} files to check: the runs wrote less than expected"
    assert not leaks, f"secrets left in the private data directory: {leaks}"
    stats = requests.get(f"{control}/stats", verify=ca_path, timeout=30).json()
    assert stats["sessions"]["open"] == 0, f"{stats['sessions']['open']} EM sessions left open"
    print("AWX-style runs: as designed, nothing secret left behind, 0 EM sessions open")


if __name__ == "__main__":
    main()
