# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source's state file: what it has reported, so a restart neither repeats nor skips.

JSON, written whole to a temporary file beside it and renamed over it (a crash leaves the
old state or the new, never half of one), readable by its owner only. It holds UIDs, times
and verdicts, never a credential.
"""
from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError

STATE_VERSION = 1


def check_state_path(path: str) -> None:
    """ConfigurationError unless the state file's folder exists and can be written."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise ConfigurationError(f"state_file {path}: the folder {folder} does not exist or cannot be written; "
                                 "give a path in a folder the rulebook's user can write")
    if os.path.isdir(path):
        raise ConfigurationError(f"state_file {path} is a folder; give the path of a file")


def load_state(path: str, em_url: str) -> dict[str, Any] | None:
    """The saved state, None when the file does not exist yet; ConfigurationError when it is
    not this source's state (unreadable, another format, another Enterprise Manager)."""
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            state = json.load(handle)
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"state_file {path} cannot be read as this event source's state ({error}); "
                                 "move it away to start from now") from None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION or not isinstance(state.get("completions"), dict):
        raise ConfigurationError(f"state_file {path} is not a version {STATE_VERSION} state of this event source; "
                                 "move it away to start from now")
    if state.get("em_url") != em_url:
        raise ConfigurationError(f"state_file {path} holds the state of {state.get('em_url')}, not {em_url}: "
                                 "give each Enterprise Manager its own state_file")
    return state


def save_state(path: str, state: dict[str, Any]) -> None:
    """Write the state atomically (temporary file, fsync, rename), mode 0600."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".veeam-em-state-", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"version": STATE_VERSION, **state}, stream, indent=1, sort_keys=True)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
