# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Enterprise Managers of a source read at once, and what a failed one does (on_em_error):
the one read path for one `url` (a fleet of one) and for several EMs.

Private to the collection. No Ansible objects.
"""
from __future__ import annotations

from typing import Any, Sequence

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError, VeeamEmError
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_list import EmSource
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_reads import EmRead, read_all
from ansible_collections.veeam_em.core.plugins.plugin_utils._fetch import EmPart, OpenClient, fetch_part
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import Settings

MAX_EM_CONCURRENCY = 16


class EmFailure(VeeamEmError):
    """An EM of the source failed, and the failure policy keeps nothing of the read."""


def check_em_concurrency(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_EM_CONCURRENCY:
        raise ConfigurationError(f"em_concurrency must be a whole number from 1 to {MAX_EM_CONCURRENCY}, not {value!r}")
    return value


def read_fleet(sources: Sequence[EmSource], settings: Settings, open_client: OpenClient, concurrency: int,
               on_em_error: str) -> tuple[list[EmPart], list[EmRead]]:
    """(the parts of the EMs that answered, the reads that failed), in the order of `sources`.

    EmFailure when an EM failed and on_em_error is not warn, or the source is one `url` (its
    own error then, as it is); with warn the parts that answered are kept.
    """
    reads = read_all(sources, lambda source: fetch_part(source, settings, open_client), concurrency)
    failed = [read for read in reads if read.error is not None]
    if failed and failed[0].source.name is None:
        raise EmFailure(failed[0].error)
    if failed and on_em_error != "warn":
        raise EmFailure(failure_message(failed))
    return [read.result for read in reads if read.error is None], failed


def failure_message(failed: Sequence[EmRead]) -> str:
    """The error of a source whose EMs did not all answer (on_em_error: fail)."""
    each = "; ".join(f"{read.source.label} failed: {read.error}" for read in failed)
    return (f"{each}. Nothing is listed from this source, so no EM's hosts look complete when they are not; "
            "set on_em_error: warn to list the Enterprise Managers that answered, with each that failed as a "
            "host in veeam_em_unreachable")


def warning_text(read: EmRead, group: str) -> str:
    return (f"{read.source.label} failed and its hosts are left out: {read.error}. Host {read.source.name!r} "
            f"is in group {group}")
