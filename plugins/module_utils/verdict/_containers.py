# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judged objects that are containers, not VMs.

A replication job can include a folder, a tag, a host, a cluster or a resource pool (Veeam's
jobs_id_includes page; docs/docsite/rst/em_api_notes.rst, "Replication jobs and what they
include"). EM does not say which VMs such a container holds, so coverage (_coverage) reports it
as an object of its own type; a run's counts of VMs must not count it. Pure functions, no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._coverage import VM_OBJECT_TYPES


def is_container(judged: Mapping[str, Any]) -> bool:
    """Whether a judged object is a container: its object_type (the type part of its
    HierarchyObjRef) is given and is not a VM's. A VM known from its sessions has none."""
    kind = judged.get("object_type")
    return isinstance(kind, str) and kind.lower() not in VM_OBJECT_TYPES


def split_containers(judged: Sequence[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """(the VMs, the containers) of the judged objects, each in the order given."""
    return ([entry for entry in judged if not is_container(entry)],
            [entry for entry in judged if is_container(entry)])
