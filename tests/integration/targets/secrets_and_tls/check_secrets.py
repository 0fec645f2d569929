"""Fails if the marker password or any token the simulator issued appears in an output or
a written file, or if an EM session was left open."""
from __future__ import annotations

import json
import os
import ssl
import sys
import urllib.request


def main() -> None:
    control, ca_path, workdir = sys.argv[1:]
    marker = os.environ["MARKER"]  # from the environment: an argument would be in runme.sh's set -x trace
    context = ssl.create_default_context(cafile=ca_path)
    with urllib.request.urlopen(control + "/stats", context=context) as answer:
        stats = json.load(answer)
    secrets = [marker, *stats["issued_tokens"]]
    assert len(secrets) > 2, "the runs logged on"
    checked = 0
    for folder, _dirs, files in os.walk(workdir):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            leaked = [secret[:6] + "..." for secret in secrets if secret in text]
            assert not leaked, f"{path} holds a secret: {leaked}"
            checked += 1
    assert checked >= 6, f"only {checked} files were checked"
    assert "InsecureRequestWarning" not in open(os.path.join(workdir, "playbook.out"), encoding="utf-8").read()
    assert stats["sessions"]["open"] == 0, "an EM session was left open"
    print(f"no secret in {checked} files ({len(secrets) - 1} session tokens checked); no session open")


if __name__ == "__main__":
    main()
