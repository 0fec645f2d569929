# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replicas inventory's hosts written into Ansible's inventory: the EMs that failed, the
backup servers and the VMs, with their groups and the constructed features (compose,
groups, keyed_groups).

Private to the collection. The one part of plugin_utils that holds Ansible objects: the
plugin, whose inventory, templating and constructed features it uses.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from ansible_collections.veeam_em.core.plugins.module_utils.verdict._waivers import stale_waivers
from ansible_collections.veeam_em.core.plugins.plugin_utils._em_reads import EmRead
from ansible_collections.veeam_em.core.plugins.plugin_utils._expressions import HostExpressions, passes_filters
from ansible_collections.veeam_em.core.plugins.plugin_utils._fetch import EmPart
from ansible_collections.veeam_em.core.plugins.plugin_utils._fleet import warning_text
from ansible_collections.veeam_em.core.plugins.plugin_utils._host_names import server_host_names, vm_host_names
from ansible_collections.veeam_em.core.plugins.plugin_utils._host_vars import (
    GroupNamer,
    VmHost,
    judged_vms,
    server_host_vars,
    unreachable_host_vars,
    vm_fixed_groups,
    with_em_name,
)
from ansible_collections.veeam_em.core.plugins.plugin_utils._settings import Settings
from ansible_collections.veeam_em.core.plugins.plugin_utils._unsafe import make_unsafe


def _plan_names(vm: VmHost) -> list[str]:
    """The failover plans that hold a VM (a plan without a name, which EM never sends, in none)."""
    return [member["name"] for member in vm.status.get("failover_plans") or () if member.get("name")]


class InventoryWriter:
    """`InventoryWriter(plugin, settings, expressions).write(parts, failed, now)`."""

    def __init__(self, plugin: Any, settings: Settings, expressions: HostExpressions) -> None:
        self.plugin, self.settings, self.expressions = plugin, settings, expressions
        self.namer = GroupNamer(settings.group_prefix, plugin._sanitize_group_name)

    def write(self, parts: Sequence[EmPart], failed: Sequence[EmRead], now: datetime) -> None:
        """Every host: those of the EMs that failed first, then backup servers, then VMs, each
        name taken by an earlier kind reserved, so no host is ever overwritten."""
        reserved = self._add_unreachable_hosts(failed)
        reserved |= self._add_server_hosts(parts, reserved)
        vms = judged_vms(parts, self.settings, now)
        # Once over every EM's VMs: a waiver scoped to one EM, or matching a VM of another, is not stale.
        for stale in stale_waivers(self.settings.criteria.waivers, [vm.status for vm in vms], now):
            self.plugin.display.warning(f"{self.plugin.NAME}: {stale['message']}")
        if self.expressions.filters or self.expressions.exclude_filters:
            vms = [vm for vm in vms if passes_filters(self.expressions, vm.variables, self.plugin._compose)]
        self._add_vm_hosts(vms, reserved)

    def _add_unreachable_hosts(self, failed: Sequence[EmRead]) -> set[str]:
        """One host per EM that failed (on_em_error: warn), named by its name, in veeam_em_unreachable."""
        group = self.namer.fixed("em_unreachable")
        for read in failed:
            self.plugin.display.warning(f"{self.plugin.NAME}: {warning_text(read, group)}")
            self._add_host(read.source.name, make_unsafe(unreachable_host_vars(read)), [group], constructed=False)
        return {read.source.name for read in failed}

    def _add_server_hosts(self, parts: Sequence[EmPart], reserved: set[str]) -> set[str]:
        group = self.namer.fixed("backup_servers")
        servers = [(part.name, record) for part in parts for record in part.servers
                   if self.settings.selection.keeps_server(record)]
        names = server_host_names(servers, reserved)
        for name, (em_name, record) in zip(names, servers):
            self._add_host(name, with_em_name(make_unsafe(server_host_vars(record)), em_name),
                           [group, *self._em_groups(em_name)])
        return set(names)

    def _add_vm_hosts(self, vms: Sequence[VmHost], reserved: set[str]) -> None:
        names, notes = vm_host_names(vms, self.expressions, self.plugin._compose, reserved)
        for note in notes:
            self.plugin.display.v(f"{self.plugin.NAME}: {note}")
        server_groups = self.namer.family("server", {vm.status["backup_server_name"] or "unknown" for vm in vms})
        job_groups = self.namer.family("job", {job for vm in vms for job in vm.status["job_names"]})
        plan_groups = self.namer.family("failover_plan", {plan for vm in vms for plan in _plan_names(vm)})
        for vm, name in zip(vms, names):
            groups = [self.namer.fixed(group) for group in vm_fixed_groups(vm.status)]
            groups.append(server_groups[vm.status["backup_server_name"] or "unknown"])
            groups.extend(job_groups[job] for job in vm.status["job_names"])
            groups.extend(plan_groups[plan] for plan in _plan_names(vm))
            self._add_host(name, vm.variables, groups + self._em_groups(vm.em_name))

    def _em_groups(self, em_name: str | None) -> list[str]:
        return [] if em_name is None else [self.namer.fixed(f"em_{em_name}")]

    def _add_host(self, name: str, variables: dict[str, Any], groups: list[str], constructed: bool = True) -> None:
        """A host (its name plain text from _host_names) in its groups, with its vars; with
        `constructed`, compose, groups and keyed_groups see the vars this plugin set (and extra
        vars when use_extra_vars)."""
        plugin, inventory = self.plugin, self.plugin.inventory
        host = inventory.add_host(name)
        for group in groups:
            inventory.add_child(inventory.add_group(group), host)
        for key, value in variables.items():
            inventory.set_variable(host, key, value)
        if constructed:
            strict = plugin.get_option("strict")
            plugin._set_composite_vars(plugin.get_option("compose"), variables, host, strict=strict)
            plugin._add_host_to_composed_groups(plugin.get_option("groups"), variables, host, strict=strict)
            plugin._add_host_to_keyed_groups(plugin.get_option("keyed_groups"), variables, host, strict=strict)
