#!/usr/bin/python
# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: replica_point
short_description: Make sure VMs have a replica restore point no older than a given age
version_added: 0.2.0
description:
  - The ensuring twin of M(veeam_em.core.replica_point_info). For each VM in O(vm_names), if its newest
    replica restore point is no older than O(max_age), nothing happens. Otherwise its replication job is
    found through the jobs' includes and started (once per job, whatever the number of its VMs), and the
    module waits until each VM has a restore point newer than the job's run, then returns per VM the point
    before and after, the job session and the time waited.
  - A job already running (its newest session not V(Stopped)) is waited for, not started again. So is a job
    whose start Enterprise Manager refuses because it runs already (how EM answers that is undocumented - a
    failed task, or HTTP 400 or 409, whose message says it is running).
  - A new point is one created after the job session the module follows (the session that was running, or
    the first new one after the start), so this machine's clock and the backup server's need not agree.
  - Starting a job needs the Portal Administrator role in Enterprise Manager (Veeam's EM REST reference,
    page C(security_roles_concept)); a Portal User may use the module only while every VM is fresh, and
    may collect.
  - Enterprise Manager shows what each backup server had at its last collection (every 15 minutes by
    default). With O(collect=true) the module first asks EM to collect from the backup servers involved,
    and waits until the collect tasks have finished and two reads of the VMs' newest points agree. That
    proves EM's answer stopped changing, not that the collection is complete.
  - With O(collect=true), while it waits for new points the module also asks EM to collect again from the
    backup servers of the jobs whose VMs still lack their new point, at most once every O(collect_interval)
    seconds per server and only once that server's previous collect task has finished (never two
    collections of one server at a time), so a run's points show about O(collect_interval) seconds after it
    ends rather than at EM's next scheduled collection. A server whose collect request got no answer is not
    asked again. Without O(collect), the module never asks EM to collect.
options:
  vm_names:
    description: Names of the VMs, exact and case-sensitive, as Enterprise Manager shows them.
    type: list
    elements: str
    required: true
  backup_server_names:
    description: Only restore points and replication jobs of these backup servers (exact names).
    type: list
    elements: str
  state:
    description: V(present) - a restore point no older than O(max_age) exists for each VM.
    type: str
    choices: [present]
    default: present
  max_age:
    description:
      - How old the newest restore point may be, as a duration such as V(30m), V(4h) or V(1d); a bare number
        (V(24)) is refused, since it has no unit.
    type: str
    required: true
  collect:
    description:
      - Ask Enterprise Manager to collect from the backup servers involved before judging, and wait (within
        O(wait_timeout)) until the collected data is visible as the description says. Skipped in check mode.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds the whole wait may take, from the first collection (with O(collect)) to the last
        new restore point; the time the collection took is not granted again to the points. When the
        collection's data is not visible in time, the module fails naming the backup servers. When the points
        do not come in time, it fails naming each job, its session and the VMs still waiting; the jobs go on
        running, and running the task again waits for them rather than starting them again.
    type: int
    default: 1800
  collect_interval:
    description:
      - With O(collect), the fewest seconds between two collections from one backup server while the module
        waits for new restore points; the first falls this long after the wait began. At least 1. Ignored
        without O(collect).
    type: int
    default: 60
  poll_interval_max:
    description:
      - The longest pause between two polls, in seconds. Polls start a second apart and grow by half each
        time up to this, in one loop for all VMs.
    type: int
    default: 30
extends_documentation_fragment:
  - veeam_em.core.connection
  - veeam_em.core.connection.action_module
attributes:
  check_mode:
    support: full
    description: Starts nothing and collects nothing; returns which jobs would start in RV(would_start).
  diff_mode:
    support: none
    description: There is no diff.
"""

EXAMPLES = r"""
- name: Before patching app0007, make sure its replica is no older than 1 hour
  veeam_em.core.replica_point:
    vm_names: [app0007]
    max_age: 1h
    collect: true
    wait_timeout: 3600
  register: fresh_replica
  delegate_to: localhost

- name: See which replication jobs a refresh would start
  veeam_em.core.replica_point:
    vm_names: [app0007, app0008]
    backup_server_names: [vbr01.corp.example]
    max_age: 4h
  check_mode: true
  register: would
  delegate_to: localhost
"""

RETURN = r"""
vms:
  description: One entry per VM, in the order of O(vm_names).
  returned: success, and on failure once the VMs' points were read
  type: list
  elements: dict
  contains:
    vm_name:
      description: The VM.
      type: str
    point_before:
      description: Its newest restore point before the module acted (as M(veeam_em.core.replica_point_info) returns one), or null.
      type: dict
    point_after:
      description: Its new restore point, null when its point was fresh or none came.
      type: dict
    job_name:
      description: The replication job run or waited for, null when the VM was fresh.
      type: str
    backup_server_name:
      description: That job's backup server.
      type: str
    started:
      description: Whether this module started that job.
      type: bool
    job_session:
      description:
        - The job session followed, with the keys of RV(veeam_em.core.replication_job#module:job_session) (C(result)
          is null until the run has ended); null when none was seen.
      type: dict
    waited_seconds:
      description: Seconds waited for the new points (one wait for all VMs), null when there was no wait.
      type: float
started_jobs:
  description: Names of the replication jobs this module started.
  returned: always
  type: list
  elements: str
would_start:
  description: In check mode, names of the replication jobs that would be started.
  returned: check mode, when a VM is stale
  type: list
  elements: str
collection:
  description:
    - With O(collect), the backup servers collected from before judging (backup_server_names), what was
      proved (proof - V(data seen) - two reads agreed after the collect tasks finished), the seconds it took,
      and collected_again - per backup server name, how many collections were asked for while waiting for
      the new points (empty when none); else null.
  returned: always
  type: dict
"""

from ansible_collections.veeam_em.core.plugins.module_utils._module import run_action_module
from ansible_collections.veeam_em.core.plugins.module_utils.acting._replica_point import ensure

OPTIONS = {
    "vm_names": {"type": "list", "elements": "str", "required": True},
    "backup_server_names": {"type": "list", "elements": "str"},
    "state": {"type": "str", "choices": ["present"], "default": "present"},
    "max_age": {"type": "str", "required": True},
    "collect": {"type": "bool", "default": False},
    "wait_timeout": {"type": "int", "default": 1800},
    "collect_interval": {"type": "int", "default": 60},
    "poll_interval_max": {"type": "int", "default": 30},
}


def main() -> None:
    run_action_module(OPTIONS, lambda module, api, params: ensure(api, params, module.check_mode))


if __name__ == "__main__":
    main()
