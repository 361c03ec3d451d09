"""Hyper-V host and live-migration settings: Get-VMHost, Set-VMHost,
Enable-/Disable-VMMigration, Add-/Get-/Remove-VMMigrationNetwork
(docs/cmdlets.md)."""
from __future__ import annotations

import datetime as dt

from hvshell.cmdlets.hyperv._common import computer_name_param, hosts_for, report
from hvshell.model.compute import config
from hvshell.model.kernel.errors import LabError
from hvshell.model.compute.host import Host, MigrationAuthenticationType, VMMigrationPerformance
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.model.network.objects import subnet_contains
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch


class GetVMHost(Cmdlet):
    """Gets a Hyper-V host: its processors, memory, default paths and
    live-migration settings."""
    name = "Get-VMHost"
    output_type = Host.PS_TYPE

    ComputerName = computer_name_param(sets=(), position=0, by_property=True, pipeline=True)

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            self.write(host)


class SetVMHost(Cmdlet):
    """Configures a Hyper-V host: simultaneous migrations, the migration
    transport and authentication, which networks accept migrations, default
    folders, MAC range, NUMA spanning.

    -VirtualMachineMigrationPerformanceOption Compression or SMB needs
    Windows Server 2012 R2; older hosts migrate over TCP/IP."""
    name = "Set-VMHost"
    supports_should_process = True

    ComputerName = computer_name_param(sets=(), position=0, by_property=True)
    MaximumStorageMigrations = Parameter(int)
    MaximumVirtualMachineMigrations = Parameter(int)
    VirtualMachineMigrationAuthenticationType = Parameter(MigrationAuthenticationType)
    UseAnyNetworkForMigration = Parameter(bool)
    VirtualMachineMigrationPerformanceOption = Parameter(VMMigrationPerformance)
    ResourceMeteringSaveInterval = Parameter(dt.timedelta)
    VirtualHardDiskPath = Parameter(str)
    VirtualMachinePath = Parameter(str)
    MacAddressMaximum = Parameter(str)
    MacAddressMinimum = Parameter(str)
    NumaSpanningEnabled = Parameter(bool)
    EnableEnhancedSessionMode = Parameter(bool)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        interval = self.ResourceMeteringSaveInterval
        for host in hosts_for(self, self.ComputerName):
            if not self.should_process(host.name, whatif_text=f"Set-VMHost will configure the "
                                                               f"host \"{host.name}\"."):
                continue
            try:
                config.configure_host(
                    host, max_vm_migrations=self.MaximumVirtualMachineMigrations,
                    max_storage_migrations=self.MaximumStorageMigrations,
                    authentication=self.VirtualMachineMigrationAuthenticationType,
                    use_any_network=self.UseAnyNetworkForMigration,
                    performance=self.VirtualMachineMigrationPerformanceOption,
                    vhd_path=self.VirtualHardDiskPath, vm_path=self.VirtualMachinePath,
                    numa_spanning=self.NumaSpanningEnabled,
                    enhanced_session=self.EnableEnhancedSessionMode,
                    metering_interval=None if interval is None else interval.total_seconds(),
                    mac_minimum=self.MacAddressMinimum, mac_maximum=self.MacAddressMaximum)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(host)


class EnableVMMigration(Cmdlet):
    """Turns on live migration (incoming and outgoing) on Hyper-V hosts."""
    name = "Enable-VMMigration"
    supports_should_process = True

    Passthru = Parameter(Switch)
    ComputerName = computer_name_param(sets=(), position=0)

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            if self.should_process(host.name, whatif_text=f'Enable-VMMigration will enable '
                                                           f'migration on host "{host.name}".'):
                config.set_migration_enabled(host, True)
                if self.Passthru:
                    self.write(host)


class DisableVMMigration(Cmdlet):
    """Turns off live migration on Hyper-V hosts."""
    name = "Disable-VMMigration"
    supports_should_process = True

    ComputerName = computer_name_param(sets=(), position=0)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            if self.should_process(host.name, whatif_text=f'Disable-VMMigration will disable '
                                                           f'migration on host "{host.name}".'):
                config.set_migration_enabled(host, False)
                if self.Passthru:
                    self.write(host)


class AddVMMigrationNetwork(Cmdlet):
    """Adds a network (subnet) on which the host accepts live migrations.

    Migrations use the host's NICs and teams whose address is on one of
    these networks (unless UseAnyNetworkForMigration is on)."""
    name = "Add-VMMigrationNetwork"
    supports_should_process = True

    ComputerName = computer_name_param(sets=(), by_property=True)
    Subnet = Parameter(str, position=0, mandatory=True, pipeline=True)
    Priority = Parameter(int, position=1)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            if not self.should_process(host.name, whatif_text=f'Add-VMMigrationNetwork will add '
                                                               f'migration network '
                                                               f'"{self.Subnet}" to host '
                                                               f'"{host.name}".'):
                continue
            try:
                entry = config.add_migration_network(host, self.Subnet, self.Priority)
            except LabError as error:
                report(self, error)
                continue
            if not any(subnet_contains(entry.subnet, i.ip_address) for i in host.interfaces()):
                self.write_warning(f"No network adapter of host {host.name} is on {entry.subnet}; "
                                   "live migrations will not use this network until one is "
                                   "(Add-LabNic -Subnet).")
            if self.Passthru:
                self.write(entry)


def _matching_networks(host: Host, subnets: list[str] | None,
                       priorities: list[int] | None) -> list:
    found = []
    for entry in sorted(host.migration_networks, key=lambda n: n.priority):
        if subnets and not any(wildcard_match(str(s), entry.subnet) for s in subnets):
            continue
        if priorities and entry.priority not in priorities:
            continue
        found.append(entry)
    return found


class GetVMMigrationNetwork(Cmdlet):
    """Gets the networks a host accepts live migrations on."""
    name = "Get-VMMigrationNetwork"

    ComputerName = computer_name_param(sets=(), by_property=True, pipeline=True)
    Subnet = Parameter(str, array=True, position=0)
    Priority = Parameter(int, array=True)

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            for entry in _matching_networks(host, self.Subnet, self.Priority):
                self.write(entry)


class RemoveVMMigrationNetwork(Cmdlet):
    """Removes a network from those a host accepts live migrations on."""
    name = "Remove-VMMigrationNetwork"
    supports_should_process = True

    ComputerName = computer_name_param(sets=(), by_property=True)
    Subnet = Parameter(str, position=0, mandatory=True, pipeline=True)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            found = _matching_networks(host, [self.Subnet], None)
            if not found and not has_wildcard(self.Subnet):
                self.write_error(f"Host {host.name} has no migration network {self.Subnet}. "
                                 "List them with Get-VMMigrationNetwork.", "ObjectNotFound",
                                 "ObjectNotFound", self.Subnet,
                                 "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
            for entry in found:
                if self.should_process(host.name, whatif_text=f'Remove-VMMigrationNetwork will '
                                                               f'remove migration network '
                                                               f'"{entry.subnet}" from host '
                                                               f'"{host.name}".'):
                    config.remove_migration_network(host, entry)
                    if self.Passthru:
                        self.write(entry)
