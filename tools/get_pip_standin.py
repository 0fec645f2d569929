# Copyright: (c) 2025, veeam_em.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip.py that ansible-test downloads.

ansible-test bootstraps pip into each virtual environment it creates (for
``--venv`` and for every sanity test) by running
``~/.ansible/test/cache/get_pip_<version>.py`` and, when that file is missing,
by downloading it from Ansible's CI file server, which this project cannot
reach.  ``tools/run_checks.py`` copies this script there under every version
name the installed ansible-test asks for.

It is called like get-pip.py, e.g. ``pip==24.2 --no-setuptools --no-wheel``:
it installs the interpreter's bundled pip with ensurepip, then installs the
requested pip from the package index, and removes setuptools afterwards when
``--no-setuptools`` was asked for (ensurepip on Python 3.11 brings it along).
"""

from __future__ import annotations

import subprocess
import sys

# tools/run_checks.py only overwrites a cached get_pip_*.py that carries this
# marker, so a genuine get-pip.py that is already cached stays in place.
MARKER = "veeam_em.core get-pip stand-in"

DROPPED_OPTIONS = ("--no-setuptools", "--no-wheel")


def run(*args: str) -> None:
    """Run ``python -m ARGS`` with this interpreter; exit with its code on failure."""
    code = subprocess.call([sys.executable, "-m", *args])
    if code:
        sys.exit(code)


def main(argv: list[str]) -> None:
    """Bootstrap pip the way get-pip.py would, without downloading get-pip."""
    pip_args = [arg for arg in argv if arg not in DROPPED_OPTIONS]
    run("ensurepip", "--default-pip")
    run("pip", "install", *pip_args)
    if "--no-setuptools" in argv:
        run("pip", "uninstall", "--yes", "--disable-pip-version-check", "setuptools")


if __name__ == "__main__":
    main(sys.argv[1:])
