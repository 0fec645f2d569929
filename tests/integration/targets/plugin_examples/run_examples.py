"""Run the collection's documented examples against the EM simulator (see runme.sh).

usage: run_examples.py WORKDIR   (EM_URL and EM_CA come from setup_em_simulator)
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import yaml

COLLECTION = "veeam_em.core"
USERNAME, PASSWORD = "CORP\\em-reader", "Sim-Passw0rd!"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
RECAP = re.compile(r"localhost\s*:\s*ok=(\d+)\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)")
# What the examples print only when they ran on the estate's CDP VMs and failover plans (runme.sh):
# a plan judged ready and one held back (failover_plan_status), a CDP VM's evidence (replica_status)
# and the disabled CDP policy (cdp_policy_info).
ESTATE_SHOWN = ("failover plan 'vbr01 ready' is ready", "failover plan 'vbr01 held back' is held back by",
                '"CDP session ', '"CDP Policy 2-1"')


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def plugin_names(kind: str, env: dict[str, str]) -> list[str]:
    listed = json.loads(run(["ansible-doc", "-t", kind, "--list", "--json", COLLECTION], env).stdout)
    names = sorted(name for name in listed if name.startswith(COLLECTION + "."))
    if not names:
        raise SystemExit(f"ansible-doc lists no {kind} in {COLLECTION}")
    return names


def rendered_with_examples(kind: str, name: str, env: dict[str, str]) -> None:
    """ansible-doc renders the plugin as text, EXAMPLES section included."""
    rendered = ANSI_ESCAPE.sub("", run(["ansible-doc", "-t", kind, name], env).stdout)
    if "EXAMPLES:" not in rendered:
        raise SystemExit(f"ansible-doc -t {kind} {name} shows no EXAMPLES section")


def documented_examples(kind: str, names: list[str], env: dict[str, str]) -> dict[str, str]:
    """{name: its EXAMPLES text} from one ansible-doc --json call for every plugin of the kind."""
    documented = json.loads(run(["ansible-doc", "-t", kind, "--json", *names], env).stdout)
    examples = {}
    for name in names:
        rendered_with_examples(kind, name, env)
        text = documented[name]["examples"]
        if not text or not text.strip():
            raise SystemExit(f"{name} has no examples")
        examples[name] = text
    return examples


def play_env(work: str) -> dict[str, str]:
    """The environment of the example plays: no VEEAM_EM_* at all, so module_defaults must carry it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("VEEAM_EM_")}
    return {**env, "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1", "HOME": work}


def run_task_examples(examples: dict[str, str], work: str) -> None:
    """Every plugin's example tasks, one play per plugin, in one ansible-playbook run (one start
    instead of one per plugin); every task must be ok, none failed or skipped."""
    connection = {"url": os.environ["EM_URL"], "username": USERNAME, "password": PASSWORD, "ca_path": os.environ["EM_CA"]}
    plays = [{
        "name": f"EXAMPLES of {name}", "hosts": "localhost", "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "module_defaults": {f"group/{COLLECTION}.em": connection},
        "tasks": yaml.safe_load(text),
    } for name, text in examples.items()]
    path = os.path.join(work, "examples.yml")
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(plays, handle, sort_keys=False)
    output = run(["ansible-playbook", "-i", "localhost,", "-c", "local", path], play_env(work)).stdout
    recap = RECAP.search(output)
    total = sum(len(play["tasks"]) for play in plays)
    if not recap or recap.groups() != (str(total), "0", "0", "0"):
        raise SystemExit(f"expected {total} example tasks ok and none failed or skipped:\n{output[-3000:]}")
    for play in plays:
        print(f"{play['name'][len('EXAMPLES of '):]}: {len(play['tasks'])} example tasks ran")
    missing = [text for text in ESTATE_SHOWN if text not in output]
    if missing:
        raise SystemExit(f"the examples did not show {missing} (no CDP VM or failover plan judged?):\n{output[-3000:]}")


def run_inventory_examples(name: str, examples: str, work: str) -> None:
    env = {**play_env(work), "VEEAM_EM_URL": os.environ["EM_URL"], "VEEAM_EM_CA_PATH": os.environ["EM_CA"],
           "VEEAM_EM_USERNAME": USERNAME, "VEEAM_EM_PASSWORD": PASSWORD, "EM_READER_PASSWORD": PASSWORD}
    documents = [text for text in examples.split("\n---\n") if yaml.safe_load(text)]
    for number, text in enumerate(documents, 1):
        path = os.path.join(work, f"example{number}.veeam_em.yml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        listed: dict[str, Any] = json.loads(run(["ansible-inventory", "-i", path, "--list"], env).stdout)
        vms = listed.get("veeam_replicated_vms", {}).get("hosts", [])
        if not vms:
            raise SystemExit(f"{name} example {number} lists no replicated VM:\n{text}")
        print(f"{name}: example {number} lists {len(vms)} replicated VMs")


def main() -> None:
    work = sys.argv[1]
    env = play_env(work)
    examples = {}
    for kind in ("module", "filter"):
        examples.update(documented_examples(kind, plugin_names(kind, env), env))
    run_task_examples(examples, work)
    inventories = plugin_names("inventory", env)
    for name, text in documented_examples("inventory", inventories, env).items():
        run_inventory_examples(name, text, work)
    for name in plugin_names("role", env):
        rendered = ANSI_ESCAPE.sub("", run(["ansible-doc", "-t", "role", name], env).stdout)
        # ansible-doc marks names bold: *main* without colour, escape codes with it.
        if not re.search(r"ENTRY POINT: \W*main\W* - ", rendered):
            raise SystemExit(f"ansible-doc -t role {name} does not show the main entry point:\n{rendered[:2000]}")
        print(f"{name}: ansible-doc renders the role's argument spec")


if __name__ == "__main__":
    main()
