# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-inventory with the replicas plugin judging at a given moment instead of the clock.

    python pinned_inventory.py NOW ansible-inventory-arguments...

For golden files of an estate whose events are not on whole hours (the CDP and plan fixture:
tasks begin 10 s after their run, CDP sessions last 4 s): ages measured from the clock would
move by the seconds the run took since the estate was rendered, and an age for people such as
"2h 59m" would become "3h" on a slower run. The plugin's own seam for its moment (its _now, as
the unit tests use it) is set to NOW, so every age is exactly the estate's offset; everything
else is the real ansible-inventory CLI, run in this process.
"""
from __future__ import annotations

import sys
from datetime import datetime
from typing import Any


def pin(now: datetime) -> None:
    """Judge at `now`: InventoryManager.parse_sources sets the plugin class's _now first."""
    from ansible.inventory.manager import InventoryManager
    from ansible.plugins.loader import inventory_loader

    original = InventoryManager.parse_sources

    def parse_sources(self: Any, *args: Any, **kwargs: Any) -> Any:
        type(inventory_loader.get("veeam_em.core.replicas"))._now = lambda _plugin: now
        return original(self, *args, **kwargs)

    InventoryManager.parse_sources = parse_sources


def main() -> None:
    now = datetime.fromisoformat(sys.argv[1])
    pin(now)
    from ansible.cli.inventory import main as inventory_main

    sys.argv = ["ansible-inventory", *sys.argv[2:]]
    inventory_main()


if __name__ == "__main__":
    main()
