# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every host name of the replicas inventory: what a VM or backup server is called, and how
names that clash are told apart, for one `url` and for several Enterprise Managers alike.

Private to the collection. No I/O and no Ansible objects but plain_host_name's; the Jinja
expressions of `hostname`/`hostnames` are rendered by the plugin (`render`).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.veeam_em.core.plugins.plugin_utils._expressions import HostExpressions, Render, first_host_name
from ansible_collections.veeam_em.core.plugins.plugin_utils._host_vars import VmHost
from ansible_collections.veeam_em.core.plugins.plugin_utils._unsafe import UNTRUSTED_UNLESS_TAGGED

# The opening brace of a Jinja delimiter: {{, {% or {#.
_TEMPLATE_START = re.compile(r"\{(?=[{%#])")


def plain_host_name(name: str) -> str:
    """A host name as an exact str, which ansible-inventory --list prints as plain text.

    AWX's inventory import and scripts that read --list expect names, not the
    {"__ansible_unsafe": ...} objects an unsafe-marked name becomes before ansible-core 2.19.
    Before data tagging, though, ansible-core evaluates a plain inventory_hostname that holds
    a template, so there the opening brace of each Jinja delimiter becomes "_" (a VM named
    "{{ 6*7 }}" is host "_{ 6*7 }}"; its veeam_vm_name keeps the exact name, unsafe). With
    data tagging a name is never a template unless trusted, so it is kept exactly.
    """
    text = str.__str__(name)  # an exact str, without a subclass or tags it came with
    if UNTRUSTED_UNLESS_TAGGED:
        return text
    return _TEMPLATE_START.sub("_", text)


def assign_host_names(proposed: list[tuple[str, str | None]], reserved: Iterable[str] = ()) -> list[str]:
    """Distinct host names, given (proposed name, what tells it apart) for each host.

    A name proposed more than once, or reserved (taken by a host named before), is suffixed
    with what tells it apart for every host that proposed it, so none silently takes the
    plain name; a suffixed name that is taken too gets a number.
    """
    reserved = set(reserved)
    counts = Counter(name for name, _place in proposed)
    unique = {name for name, _place in proposed if counts[name] == 1 and name not in reserved}
    taken = reserved | unique
    names = []
    for name, place in proposed:
        if name in unique:
            names.append(name)
            continue
        base = f"{name}_{place or 'unknown'}"
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        taken.add(candidate)
        names.append(candidate)
    return names


def server_host_names(servers: Sequence[tuple[str | None, Mapping[str, Any]]], reserved: Iterable[str]) -> list[str]:
    """The hosts of (EM name or None, backup server record): the server's name; two of one name
    are told apart by their EM's name, or within one EM by their id."""
    proposed = [(plain_host_name(record["name"] or record["id"]), em_name or record["id"]) for em_name, record in servers]
    return assign_host_names(proposed, reserved)


def vm_places(names: Sequence[str], ems: Sequence[str | None], servers: Sequence[str | None]) -> list[str]:
    """What tells apart the VMs that want the same host name, one per VM.

    Without EM names (one `url`): the VM's backup server (web01_vbr02). With them: the EM's
    name (web01_eu), or the EM and backup server when the name is used twice within one EM
    too (web01_eu_vbr02).
    """
    within = Counter(zip(names, ems))
    places = []
    for name, em, server in zip(names, ems, servers):
        server_text = server or "unknown"
        if em is None:
            places.append(server_text)
        else:
            places.append(em if within[(name, em)] == 1 else f"{em}_{server_text}")
    return places


def vm_host_name(expressions: HostExpressions, variables: Mapping[str, Any], render: Render) -> str:
    """A VM's wanted host name: the first hostnames expression that gives one, else its name."""
    if not expressions.default_names:
        name = first_host_name(expressions, variables, render)
        if name is not None:
            return plain_host_name(to_text(name))
    # No templating for the default (and the fallback when no hostnames expression gave a
    # name): it is faster, and a default from the docs is not trusted as a template by 2.19+.
    return plain_host_name(variables["veeam_vm_name"] or variables["veeam_backup_server_name"] or "unknown")


def vm_host_names(vms: Sequence[VmHost], expressions: HostExpressions, render: Render,
                  reserved: Iterable[str]) -> tuple[list[str], list[str]]:
    """(each VM's distinct host name, a note for -v per VM whose wanted name was taken)."""
    wanted = [vm_host_name(expressions, vm.variables, render) for vm in vms]
    places = vm_places(wanted, [vm.em_name for vm in vms], [vm.status["backup_server_name"] for vm in vms])
    names = assign_host_names(list(zip(wanted, places)), reserved)
    notes = [f"host {name!r} is used more than once (VMs of the same name on several backup servers or Enterprise "
             f"Managers, or a backup server); the VM on {place!r} is {given!r}"
             for name, place, given in zip(wanted, places, names) if given != name]
    return names, notes
