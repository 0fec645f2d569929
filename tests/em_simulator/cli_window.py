"""The command line's switches for estates judged over the window (issue 28): gaps, VMs added
mid-window and anomalous runs (datagen_window.py). All off by default, so every estate made
without them stays as it was; --estate-summary lists the named cases among its special_cases."""
from __future__ import annotations

import argparse
from typing import Any, Callable


def add_window_options(parser: argparse.ArgumentParser, count: Callable[[str], Any]) -> None:
    group = parser.add_argument_group("judging over the window (generated estates)")
    group.add_argument("--sla-gaps", action="store_true",
                       help="every fifth job (or the last of fewer) misses 2-3 consecutive runs before its last two: "
                            "its VMs have a gap inside the window (special cases sla_gap, sla_gap_runs)")
    group.add_argument("--vms-added-mid-window", type=count, default=0, metavar="N",
                       help="N VMs (added-vm01..) first processed in their job's first run at or after the "
                            "window's middle (special case vm_added_mid_window; default 0)")
    group.add_argument("--anomalies", action="store_true",
                       help="runs vary a little in length and size; one VM's newest run transfers ten times its "
                            "size, another's lasts ten times its usual length (size_anomaly, duration_anomaly)")


def window_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The GeneratorSpec fields the options above set."""
    return {"sla_gaps": args.sla_gaps, "vms_added_mid_window": args.vms_added_mid_window,
            "anomalies": args.anomalies}
