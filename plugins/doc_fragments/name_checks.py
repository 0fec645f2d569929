# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""strict_names, documented once for every info module that checks its exact backup server
names against the ones Enterprise Manager knows (module_utils._module adds its spec)."""
from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  strict_names:
    description:
      - Fail, instead of warning, when O(backup_server_names) holds an exact name Enterprise Manager does not know;
        the message is the warning's, one line per name (the name, and the spelling Enterprise Manager has or the
        backup servers it knows, closest first).
      - The names are checked before the rest is read, so a misspelt name fails the task without an empty answer
        that looks like a quiet estate.
    type: bool
    default: false
"""
