"""ansible-inventory with its phases timed, for `make bench`.

Runs the real ansible-inventory CLI in this process and writes, to the JSON file named
by BENCH_PHASES_FILE, how long the inventory sources took to parse (the plugin's own work:
reading EM and building hosts) and how long ansible-core then took to collect every
host's vars and serialise them. The wrappers add two clock reads per phase.
"""
from __future__ import annotations

import atexit
import inspect
import json
import os
import sys
import time
from typing import Any, Callable

STARTED = time.perf_counter()
PHASES: dict[str, float | int] = {}


def timed(owner: type, name: str, label: str) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        begun = time.perf_counter()
        PHASES.setdefault(f"{label}_started_at", begun - STARTED)
        try:
            result = original(*args, **kwargs)
        finally:
            PHASES[label] = PHASES.get(label, 0.0) + time.perf_counter() - begun
        if label == "collect_vars":
            # Counted here, so the benchmark need not load the whole --list output itself.
            PHASES["hosts"] = len(result.get("_meta", {}).get("hostvars", {}))
        return result

    static = isinstance(inspect.getattr_static(owner, name), staticmethod)
    setattr(owner, name, staticmethod(wrapper) if static else wrapper)


def write_phases() -> None:
    with open(os.environ["BENCH_PHASES_FILE"], "w", encoding="utf-8") as handle:
        json.dump({key: round(value, 3) if isinstance(value, float) else value for key, value in PHASES.items()}, handle)


def main() -> None:
    from ansible.cli.inventory import InventoryCLI, main as inventory_main
    from ansible.inventory.manager import InventoryManager

    timed(InventoryManager, "parse_sources", "parse")
    timed(InventoryCLI, "json_inventory", "collect_vars")
    timed(InventoryCLI, "dump", "serialise")
    atexit.register(write_phases)
    sys.argv = ["ansible-inventory", *sys.argv[1:]]
    inventory_main()


if __name__ == "__main__":
    main()
