"""Plugin-level fault soak: ansible-inventory (cache on) and the replica_compliance role
against one simulator that injects random faults (the client soak's mix) into every run.

- Inventory: each run either prints exactly the fault-free inventory or fails cleanly (an
  error naming the plugin and its cause, no traceback). The jsonfile cache never holds
  partial data: after every run any cache entry holds exactly the fault-free per-VM
  summaries and backup servers (the reference entry: one summary per VM host, folding every
  session EM has), and a failed run leaves the cache as it found it (cold runs start empty,
  refresh runs use --flush-cache over a good entry, warm runs must be answered from the
  cache alone).
- Role: each run either writes a report identical to the fault-free one (then fails only at
  its own enforce step, as the reference does) or fails in the gather task, before any
  report; a VM reported compliant that the reference does not call compliant is wrong.
- After everything: no EM logon session open after the simulator's idle expiry.

    make soak-plugins                                  # 30 inventory and 30 role runs
    python tests/soak/plugin_soak.py --inventory-runs 4 --role-runs 4   # (collection importable)
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from ansible_collections.veeam_em.core.tests.em_simulator.process import SimulatorProcess
from ansible_collections.veeam_em.core.tests.soak._ansible import BIN, Child, Collection
from ansible_collections.veeam_em.core.tests.soak.client_soak import IDLE_TIMEOUT, _faults_for

NOW = "2025-11-24T16:00:00Z"  # the end of the generated history, also the role's pinned moment
CREATED_AFTER = "2025-11-15T00:00:00Z"  # before the first generated session: the whole estate
ESTATE = ("--seed", "8", "--servers", "2", "--jobs-per-server", "2", "--vms-per-job", "6", "--days", "7",
          "--interval-hours", "4", "--now", NOW, "--plain-collection-days", "0")
PAGE_SIZE = 50
PASSWORD = "Sim-Passw0rd!"
# Host vars measured from the real now (the plugin's clock cannot be pinned from outside).
# Host vars measured from the moment of the run (the reference was taken earlier).
VOLATILE_HOST_VARS = ("veeam_last_success_age_seconds", "veeam_last_success_age_text", "veeam_rpo_used_percent",
                      "veeam_message", "veeam_rpo_age_seconds", "veeam_last_point_age_seconds",
                      "veeam_last_point_age_text", "veeam_rpo_evidence_text", "veeam_job_overdue")
INVENTORY_MODES = ("cold", "refresh", "cold", "refresh", "warm")
GATHER_TASK = "Read the replica task sessions"
ENFORCE_TASK = ("Fail when a VM has a finding listed in replica_compliance_fail_on, a plan is not ready, a name matched "
                "nothing or no VM is in scope")
TASK_LINE = re.compile(r"^TASK \[(?:[^\]]*? : )?(.*?)\] \*")
FATAL_LINE = re.compile(r"^fatal: \[[^\]]+\]: FAILED! => (.*)$")
ROLE_RUN_OFFSET = 500  # role runs get other fault seeds than inventory runs

INVENTORY_CONFIG = """plugin: veeam_em.core.replicas
created_after: "{created_after}"
page_size: {page_size}
max_concurrency: {concurrency}
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: {cache_dir}
cache_timeout: 86400
"""
PLAYBOOK = """- name: Replica compliance under faults
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: veeam_em.core.replica_compliance
      vars:
        replica_compliance_now: "{now}"
        replica_compliance_created_after: 9d
        replica_compliance_rpo: 24h
        replica_compliance_page_size: {page_size}
        replica_compliance_max_concurrency: {concurrency}
        replica_compliance_report_dir: "{report_dir}"
        replica_compliance_report_formats: [json]
"""


@dataclass
class Tally:
    runs: int = 0
    correct: int = 0
    clean_failures: int = 0
    wrong: int = 0
    modes: dict[str, int] = field(default_factory=dict)
    failure_kinds: dict[str, int] = field(default_factory=dict)
    failure_examples: dict[str, str] = field(default_factory=dict)
    wrong_details: list[str] = field(default_factory=list)

    def fail_cleanly(self, message: str) -> None:
        kind = failure_kind(message)
        self.clean_failures += 1
        self.failure_kinds[kind] = self.failure_kinds.get(kind, 0) + 1
        self.failure_examples.setdefault(kind, message.strip()[:300])

    def fail_wrongly(self, detail: str) -> None:
        self.wrong += 1
        self.wrong_details.append(detail)


@dataclass
class PluginSoakReport:
    inventory: Tally = field(default_factory=Tally)
    role: Tally = field(default_factory=Tally)
    reference: dict[str, Any] = field(default_factory=dict)
    faults_injected: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    logons: int = 0
    logouts: int = 0
    expired: int = 0  # worn-out tokens (token_expiry_after) and idle expiry
    # Runs after which an EM logon session was still open (not a failure by itself: EM's idle
    # expiry ends it, e.g. when the logout request itself met an injected fault).
    sessions_open_after_run: list[str] = field(default_factory=list)
    open_sessions_after_runs: int = 0
    open_sessions_after_idle_expiry: int = 0
    seconds: float = 0.0


@dataclass
class Reference:
    inventory: dict[str, Any]
    cache_entry: dict[str, Any]
    report: dict[str, Any]
    role_code: int
    role_failed_task: str


class Simulator(SimulatorProcess):
    """The simulator in a process of its own (em_simulator.process), with two more controls."""

    def reset_counts(self) -> dict[str, Any]:
        """Zero the request, fault and logon counters; open EM sessions stay open (and counted)."""
        return self._control("POST", "reset", {"drop_sessions": False})

    def fault_free(self) -> None:
        self.configure(error_rate=0.0, drop_rate=0.0, truncate_rate=0.0, latency_ms=0.0, latency_jitter_ms=0.0,
                       token_expiry_after=None)


# -- the runs ------------------------------------------------------------------------------


class Soak:
    def __init__(self, simulator: Simulator, workdir: str, seed: int) -> None:
        self.simulator = simulator
        self.workdir = workdir
        self.seed = seed
        self.collection = Collection(workdir, simulator.url, simulator.ca_path)
        self.collection.env.update({"ANSIBLE_FORCE_COLOR": "false", "ANSIBLE_DEPRECATION_WARNINGS": "false"})
        self.shared_cache = os.path.join(workdir, "cache-shared")
        self.report = PluginSoakReport()
        self.faults: Counter[str] = Counter()
        self.open_before = 0
        self._inventory_flushes: bool | None = None

    def inventory(self, cache_dir: str, concurrency: int, flush: bool = False) -> Child:
        config = os.path.join(self.workdir, "soak.veeam_em.yml")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(INVENTORY_CONFIG.format(created_after=CREATED_AFTER, page_size=PAGE_SIZE,
                                                 concurrency=concurrency, cache_dir=cache_dir))
        command = [os.path.join(BIN, "ansible-inventory"), "-i", config, "--list", *(["--flush-cache"] if flush else [])]
        return self.run({"ANSIBLE_INVENTORY_ENABLED": "veeam_em.core.replicas"}, command)

    def inventory_flushes(self) -> bool:
        """Whether this ansible-core's ansible-inventory has --flush-cache (2.17 and later)."""
        if self._inventory_flushes is None:
            helped = self.run({}, [os.path.join(BIN, "ansible-inventory"), "--help"])
            self._inventory_flushes = "--flush-cache" in helped.stdout
        return self._inventory_flushes

    def role(self, report_dir: str, concurrency: int) -> tuple[Child, dict[str, Any] | None]:
        playbook = os.path.join(self.workdir, "soak.yml")
        with open(playbook, "w", encoding="utf-8") as handle:
            handle.write(PLAYBOOK.format(now=NOW, page_size=PAGE_SIZE, concurrency=concurrency, report_dir=report_dir))
        command = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", playbook]
        child = self.run({"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json"},
                         command)
        path = os.path.join(report_dir, "replica-compliance.json")
        if not os.path.exists(path):
            return child, None
        with open(path, encoding="utf-8") as handle:
            return child, json.load(handle)

    def run(self, extra_env: dict[str, str], command: list[str]) -> Child:
        """A child process with the collection's environment plus `extra_env`."""
        env = self.collection.env
        self.collection.env = {**env, **extra_env}
        try:
            return self.collection.run(*command)
        finally:
            self.collection.env = env

    def with_faults(self, run: int) -> dict[str, Any]:
        faults = _faults_for(run, self.seed)
        self.open_before = self.simulator.reset_counts()["sessions"]["open"]
        self.simulator.configure(**faults)
        return faults

    def count_run(self, label: str) -> dict[str, Any]:
        """Add the run's counters to the report; the simulator's stats of the run."""
        stats = self.simulator.stats()
        sessions = stats["sessions"]
        self.faults.update(stats["faults"])
        self.report.requests += stats["requests"]
        self.report.logons += sessions.get("logons", 0)
        self.report.logouts += sessions.get("logouts", 0)
        self.report.expired += sessions.get("expired", 0)
        if sessions["open"]:
            self.report.sessions_open_after_run.append(
                f"{label}: {sessions['open']} open (before the run {self.open_before}); logons {sessions.get('logons')}, "
                f"logouts {sessions.get('logouts')}, expired {sessions.get('expired')}, faults {stats['faults']}")
        return stats


# -- the fault-free reference ----------------------------------------------------------------


def normalised(inventory_json: str) -> dict[str, Any]:
    """The inventory without the host vars that depend on the real now."""
    inventory = json.loads(inventory_json)
    for variables in inventory.get("_meta", {}).get("hostvars", {}).values():
        for name in VOLATILE_HOST_VARS:
            variables.pop(name, None)
    return inventory


def cache_entries(cache_dir: str) -> dict[str, bytes]:
    """Every file of a jsonfile cache directory, by name (bytes: a failed run must not touch them)."""
    if not os.path.isdir(cache_dir):
        return {}
    entries = {}
    for name in sorted(os.listdir(cache_dir)):
        with open(os.path.join(cache_dir, name), "rb") as handle:
            entries[name] = handle.read()
    return entries


def cache_value(data: bytes) -> Any:
    """A jsonfile cache file's value (ansible-core 2.19 wraps it as {"__payload__": "<JSON text>"})."""
    value = json.loads(data)
    if isinstance(value, dict) and set(value) == {"__payload__"}:
        value = json.loads(value["__payload__"])
    return value


def one_em_entry(value: Any) -> dict[str, Any]:
    """The part of a cache document this soak's one url wrote (a fleet of one: one EM part,
    nameless), with the document's fingerprint: {"vms", "backup_servers", "fingerprint"}.
    Anything else (another shape, several parts) raises ValueError naming what it found."""
    parts = value.get("enterprise_managers") if isinstance(value, dict) else None
    if not isinstance(parts, list) or len(parts) != 1 or not isinstance(parts[0], dict):
        raise ValueError(f"not a cache document of one Enterprise Manager: {str(value)[:200]}")
    return {"vms": parts[0].get("vms"), "backup_servers": parts[0].get("backup_servers"),
            "fingerprint": value.get("fingerprint")}


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """A role report without its file paths (each run writes to a directory of its own)."""
    return {key: value for key, value in report.items() if key != "reports"}


def failed_task(child: Child) -> tuple[str, dict[str, Any]]:
    """The name and result of the first failed task in ansible-playbook's output, or ('', {})."""
    task = ""
    for line in child.stdout.splitlines():
        started = TASK_LINE.match(line)
        if started:
            task = started.group(1)
        failed = FATAL_LINE.match(line)
        if failed:
            try:
                return task, json.loads(failed.group(1))
            except ValueError:
                return task, {"msg": failed.group(1)}
    if child.code and not task:
        return "<no task ran>", {"msg": child.stderr[-600:]}
    return "", {}


def take_reference(soak: Soak) -> Reference:
    soak.simulator.fault_free()
    cold_dir = os.path.join(soak.workdir, "cache-reference")
    cold = soak.inventory(cold_dir, 4)
    _require(cold.code == 0, "the fault-free inventory run failed", cold)
    entries = [one_em_entry(cache_value(data)) for data in cache_entries(cold_dir).values()]
    _require(len(entries) == 1, f"the fault-free run left {len(entries)} cache files, not 1", cold)
    inventory, entry = normalised(cold.stdout), entries[0]
    _require_complete(entry, inventory, soak.simulator.task_sessions, cold)
    warm = soak.inventory(cold_dir, 1)
    _require(warm.code == 0 and normalised(warm.stdout) == inventory, "a warm fault-free run differs", warm)
    shutil.copytree(cold_dir, soak.shared_cache)
    child, report = soak.role(os.path.join(soak.workdir, "report-reference"), 4)
    task = failed_task(child)[0]
    _require(report is not None and task in ("", ENFORCE_TASK), f"the fault-free role run failed in {task!r}", child)
    soak.report.reference = {
        "hosts": len(inventory["_meta"]["hostvars"]), "groups": len([name for name in inventory if name != "_meta"]),
        "vm_summaries": len(entry["vms"]), "task_sessions": sum(vm["session_count"] for vm in entry["vms"]),
        "backup_servers": len(entry["backup_servers"]),
        "vms": report["counts"]["vms"], "ok": report["counts"]["ok"], "failing": report["counts"]["failing"],
        "role_exit_code": child.code,
    }
    return Reference(inventory, entry, comparable(report), child.code, task)


def _require_complete(entry: dict[str, Any], inventory: dict[str, Any], task_sessions: int, child: Child) -> None:
    """The reference cache entry holds one summary per VM host (replicated, or included in a job
    but never replicated), folding every session EM has."""
    # The groups, not veeam_kind: --list prints that var wrapped as {"__ansible_unsafe": ...}.
    vm_hosts = [host for group in ("veeam_replicated_vms", "veeam_never_replicated")
                for host in inventory.get(group, {}).get("hosts", [])]
    _require(len(entry["vms"]) == len(vm_hosts),
             f"the reference cache holds {len(entry['vms'])} VM summaries for {len(vm_hosts)} VM hosts", child)
    folded = sum(vm["session_count"] for vm in entry["vms"])
    _require(folded == task_sessions, f"the reference cache's summaries fold {folded} of {task_sessions} sessions", child)


def _require(condition: bool, message: str, child: Child) -> None:
    if not condition:
        raise RuntimeError(f"{message} (exit {child.code}):\n{child.stderr[-3000:]}\n{child.stdout[-2000:]}")


# -- inventory runs --------------------------------------------------------------------------


def inventory_run(soak: Soak, reference: Reference, run: int) -> None:
    tally = soak.report.inventory
    mode = INVENTORY_MODES[run % len(INVENTORY_MODES)]
    tally.runs += 1
    tally.modes[mode] = tally.modes.get(mode, 0) + 1
    cache_dir = os.path.join(soak.workdir, f"cache-cold-{run}") if mode == "cold" else soak.shared_cache
    flush = mode == "refresh"
    if flush and not soak.inventory_flushes():
        # ansible-core 2.16's ansible-inventory has no --flush-cache; an emptied cache makes
        # the run read EM and write the entry just the same.
        shutil.rmtree(cache_dir, ignore_errors=True)
        flush = False
    before = cache_entries(cache_dir)
    faults = soak.with_faults(run)
    child = soak.inventory(cache_dir, 1 + run % 4, flush=flush)
    label = f"inventory run {run} ({mode}, fault_seed {faults['fault_seed']}, token_expiry_after {faults['token_expiry_after']})"
    requests = soak.count_run(label)["requests"]
    problems = _cache_problems(cache_entries(cache_dir), before, reference, child.code == 0)
    if mode == "warm" and requests:
        problems.append(f"a warm run sent {requests} requests to EM instead of using the cache")
    if child.code == 0:
        if normalised(child.stdout) != reference.inventory:
            problems.append(f"exit 0 with an inventory that differs from the fault-free one ({_inventory_diff(child, reference)})")
    else:
        problems.extend(_unclean_failure(child.stderr + child.stdout, r"veeam_em\.core\.replicas: \S"))
    if problems:
        tally.fail_wrongly(f"{label}: {'; '.join(problems)}")
    elif child.code == 0:
        tally.correct += 1
    else:
        found = re.search(r"veeam_em\.core\.replicas: .*", child.stderr)
        tally.fail_cleanly(found.group(0) if found else child.stderr)


def _cache_problems(after: dict[str, bytes], before: dict[str, bytes], reference: Reference, succeeded: bool) -> list[str]:
    problems = []
    if not succeeded and after != before:
        problems.append(f"a failed run changed the cache ({sorted(before)} -> {sorted(after)})")
    for name, data in after.items():
        try:
            entry = one_em_entry(cache_value(data))
        except ValueError as error:
            problems.append(f"cache file {name} is not a cache document of the inventory's one EM ({len(data)} bytes): {error}")
            continue
        if entry.get("vms") != reference.cache_entry["vms"]:
            problems.append(f"cache file {name} holds {len(entry.get('vms') or [])} VM summaries that differ from "
                            f"the fault-free {len(reference.cache_entry['vms'])}")
        if entry.get("backup_servers") != reference.cache_entry["backup_servers"]:
            problems.append(f"cache file {name} holds other backup servers than the fault-free run")
        if entry.get("fingerprint") != reference.cache_entry["fingerprint"]:
            problems.append(f"cache file {name} has another fingerprint")
    if succeeded and len(after) != 1:
        problems.append(f"a successful run left {len(after)} cache files, not 1")
    return problems


def _inventory_diff(child: Child, reference: Reference) -> str:
    got = normalised(child.stdout)
    hosts, expected = set(got.get("_meta", {}).get("hostvars", {})), set(reference.inventory["_meta"]["hostvars"])
    changed = [host for host in hosts & expected
               if got["_meta"]["hostvars"][host] != reference.inventory["_meta"]["hostvars"][host]]
    return f"{len(hosts)} hosts, missing {sorted(expected - hosts)[:5]}, extra {sorted(hosts - expected)[:5]}, changed {changed[:5]}"


def _unclean_failure(output: str, message_pattern: str) -> list[str]:
    problems = []
    if "Traceback (most recent call last)" in output:
        problems.append("a Python traceback in the output")
    if not re.search(message_pattern, output):
        problems.append(f"no error message matching {message_pattern!r}: {output[-600:]!r}")
    if PASSWORD in output:
        problems.append("the password in the output")
    return problems


def failure_kind(message: str) -> str:
    """A coarse class of an error message, for the report."""
    kinds = (("truncated", r"truncat|incomplete|not well-formed|XML|parse"), ("http_5xx", r"HTTP 5\d\d|50[0-4]"),
             ("connection", r"connection|Connection|reset|abort|closed"), ("logon", r"401|logon|log on|token|session"),
             ("timeout", r"timed out|timeout"))
    for kind, pattern in kinds:
        if re.search(pattern, message):
            return kind
    return "other"


# -- role runs -------------------------------------------------------------------------------


def role_run(soak: Soak, reference: Reference, run: int) -> None:
    tally = soak.report.role
    tally.runs += 1
    faults = soak.with_faults(ROLE_RUN_OFFSET + run)
    child, report = soak.role(os.path.join(soak.workdir, f"report-{run}"), 1 + run % 4)
    label = f"role run {run} (fault_seed {faults['fault_seed']}, token_expiry_after {faults['token_expiry_after']})"
    soak.count_run(label)
    task, result = failed_task(child)
    if report is not None:
        problems = _report_problems(comparable(report), reference)
        if (child.code, task) != (reference.role_code, reference.role_failed_task):
            problems.append(f"exit {child.code} failing in {task!r}, the fault-free run: exit {reference.role_code} "
                            f"failing in {reference.role_failed_task!r}")
        if problems:
            tally.fail_wrongly(f"{label}: {'; '.join(problems)}")
        else:
            tally.correct += 1
        return
    message = str(result.get("msg", ""))
    problems = [] if task.startswith(GATHER_TASK) else [f"no report, and the run failed in {task!r}, not the gather task"]
    if message.startswith("MODULE FAILURE") or "Traceback" in json.dumps(result):
        problems.append(f"the module crashed: {message[:300]!r}")
    problems.extend(_unclean_failure(message + child.stderr, r"\S"))
    if problems:
        tally.fail_wrongly(f"{label}: {'; '.join(problems)}")
    else:
        tally.fail_cleanly(message)


def _report_problems(report: dict[str, Any], reference: Reference) -> list[str]:
    if report == reference.report:
        return []
    expected = {(vm["backup_server_name"], vm["vm_name"]): vm for vm in reference.report["vms"]}
    got = {(vm["backup_server_name"], vm["vm_name"]): vm for vm in report.get("vms", [])}
    problems = [f"a report that differs from the fault-free one (counts {report.get('counts')} vs "
                f"{reference.report['counts']}; missing VMs {sorted(set(expected) - set(got))[:5]})"]
    for key, vm in got.items():
        truth = expected.get(key)
        if vm.get("status") == "ok" and (truth is None or truth["status"] != "ok"):
            problems.append(f"VM {key[1]} on {key[0]} reported compliant, the fault-free status is "
                            f"{truth['status'] if truth else 'absent'} {truth['findings'] if truth else ''}")
        elif truth is not None and (vm.get("status"), vm.get("findings")) != (truth["status"], truth["findings"]):
            problems.append(f"VM {key[1]} on {key[0]}: {vm.get('status')} {vm.get('findings')}, "
                            f"fault-free {truth['status']} {truth['findings']}")
    return problems


# -- the soak --------------------------------------------------------------------------------


def run_soak(inventory_runs: int, role_runs: int, seed: int = 1) -> PluginSoakReport:
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="em-plugin-soak-")
    try:
        with Simulator(*ESTATE, "--idle-timeout", str(IDLE_TIMEOUT)) as simulator:
            soak = Soak(simulator, workdir, seed)
            reference = take_reference(soak)
            for run in range(inventory_runs):
                inventory_run(soak, reference, run)
            for run in range(role_runs):
                role_run(soak, reference, run)
            simulator.fault_free()
            soak.report.faults_injected = dict(soak.faults)
            soak.report.open_sessions_after_runs = simulator.stats()["sessions"]["open"]
            time.sleep(IDLE_TIMEOUT + 0.5)
            soak.report.open_sessions_after_idle_expiry = simulator.stats()["sessions"]["open"]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    soak.report.seconds = round(time.monotonic() - started, 1)
    return soak.report


def print_report(report: PluginSoakReport) -> None:
    ref = report.reference
    print(f"reference: {ref['hosts']} hosts in {ref['groups']} groups from {ref['task_sessions']} task sessions "
          f"({ref['vm_summaries']} VM summaries and {ref['backup_servers']} backup servers cached); "
          f"role: {ref['vms']} VMs, {ref['ok']} ok, {ref['failing']} failing (exit {ref['role_exit_code']})")
    for name, tally in (("inventory", report.inventory), ("role", report.role)):
        modes = f" {tally.modes}" if tally.modes else ""
        print(f"{name} runs {tally.runs}{modes}: correct {tally.correct}, clean failures {tally.clean_failures}, "
              f"wrong {tally.wrong}; failures {tally.failure_kinds}")
        for kind, example in tally.failure_examples.items():
            print(f"  e.g. {kind}: {example}")
        for detail in tally.wrong_details:
            print(f"  WRONG {detail}")
    print(f"requests {report.requests}; faults injected {report.faults_injected}; "
          f"logons {report.logons}, logouts {report.logouts}, expired {report.expired}")
    for note in report.sessions_open_after_run:
        print(f"  session open after {note}")
    print(f"open EM sessions: {report.open_sessions_after_runs} right after, "
          f"{report.open_sessions_after_idle_expiry} after the idle expiry; {report.seconds:.0f} s")
    print(json.dumps(asdict(report)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inventory-runs", type=int, default=30)
    parser.add_argument("--role-runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    report = run_soak(args.inventory_runs, args.role_runs, args.seed)
    print_report(report)
    wrong = report.inventory.wrong + report.role.wrong
    raise SystemExit(1 if wrong or report.open_sessions_after_idle_expiry else 0)


if __name__ == "__main__":
    main()
