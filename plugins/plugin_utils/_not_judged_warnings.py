# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the replicas inventory says, once per run, for each Enterprise Manager whose account
could not have every check judged (verdict._not_judged): the same words as every surface,
after the EM's label when the source has several, from a read and from a cache hit alike.

Private to the collection. No I/O and no Ansible objects.
"""
from __future__ import annotations

from typing import Sequence

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_judged import message
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_list import EmSource
from ansible_collections.veeam_em.core.plugins.plugin_utils._fetch import EmPart


def not_judged_warnings(parts: Sequence[EmPart], sources: Sequence[EmSource]) -> list[str]:
    """One warning per entry of each EM's not_judged, in the order of the parts.

    A part is matched to its source by name (None for the EM of `url`), since a cached part
    keeps only its name.
    """
    by_name = {source.name: source for source in sources}
    return [by_name[part.name].said(message(entry)) for part in parts for entry in part.not_judged]
