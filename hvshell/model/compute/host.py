"""Hyper-V hosts.

`Host` is what Get-VMHost returns (Microsoft.HyperV.PowerShell.Host, with
the live-migration settings of Set-VMHost); the simulator's own facts
about the machine (OS version, processor, NICs, state) are snake_case
fields and appear through `LabHost`, the live view Get-LabHost returns.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type
from hvshell.model.network.objects import (HostNic, MigrationNetwork, NicTeam, VMNetworkAdapter,
                                           VMSwitch, subnet_contains)
from hvshell.model.replica.settings import ReplicaServerSettings
from hvshell.model.compute.accounts import HostShares
from hvshell.model.compute.versions import HostVersion, limits, product_name
from hvshell.model.compute.vm import VM

GB = 2**30

# Defaults of a new Hyper-V host (docs/model.md, Hosts and VMs).
DEFAULT_VM_PATH = "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V"
DEFAULT_VHD_PATH = "C:\\Users\\Public\\Documents\\Hyper-V\\Virtual Hard Disks"
DEFAULT_METERING_INTERVAL = 3600.0
# Memory the parent partition keeps for itself before any VM starts.
# Hyper-V sizes this reserve from the host's memory; 2 GB is the commonly
# quoted figure for hosts of this size (recalled, not from a Microsoft table).
HOST_RESERVE_BYTES = 2 * GB
# Per-VM memory overhead: 32 MB for the first GB of guest memory and 8 MB
# for each further GB (Hyper-V planning guidance for 2008 R2, recalled).
VM_OVERHEAD_FIRST_GB = 32 * 2**20
VM_OVERHEAD_PER_GB = 8 * 2**20


def vm_memory_overhead(assigned: int) -> int:
    if assigned <= 0:
        return 0
    extra_gb = max(0, -(-assigned // GB) - 1)
    return VM_OVERHEAD_FIRST_GB + extra_gb * VM_OVERHEAD_PER_GB


class ProcessorVendor(PSEnum):
    Intel = 0
    AMD = 1


class HostState(PSEnum):
    Up = 0
    Down = 1
    Starting = 2


class VMMigrationPerformance(PSEnum):
    TCPIP = 0
    Compression = 1
    SMB = 2


class MigrationAuthenticationType(PSEnum):
    CredSSP = 0
    Kerberos = 1


@ps_type
@attrs.define(eq=False)
class Host:
    PS_TYPE = "Microsoft.HyperV.PowerShell.Host"

    name: str
    version: HostVersion
    index: int                                  # creation order (MAC range, addresses)
    processor_vendor: ProcessorVendor = ProcessorVendor.Intel
    processor_generation: int = 3
    logical_processors: int = 32
    memory: int = 256 * GB
    domain: str = "lab.local"
    state: HostState = HostState.Up
    network_up: bool = True
    nics: list[HostNic] = attrs.Factory(list)
    teams: list[NicTeam] = attrs.Factory(list)
    switches: list[VMSwitch] = attrs.Factory(list)
    vms: list[VM] = attrs.Factory(list)
    # The management OS's own vNICs (Add-VMNetworkAdapter -ManagementOS).
    management_adapters: list[VMNetworkAdapter] = attrs.Factory(list)
    # Lab updates installed (by id), by Cluster-Aware Updating.
    installed_updates: list[str] = attrs.Factory(list)
    # Live-migration settings: docs/model.md (disabled, no "any network"
    # on a new host) and the version's defaults (versions.LIMITS).
    migration_enabled: bool = False
    use_any_network_for_migration: bool = False
    migration_networks: list[MigrationNetwork] = attrs.Factory(list)
    max_vm_migrations: int = 2
    max_storage_migrations: int = 2
    performance_option: VMMigrationPerformance = VMMigrationPerformance.TCPIP
    authentication_type: MigrationAuthenticationType = MigrationAuthenticationType.CredSSP
    # Hosts this host's domain account may delegate its credentials to (the
    # cifs and Microsoft Virtual System Migration Service services: Active
    # Directory's constrained delegation), which Kerberos migration needs.
    delegates_to: list[str] = attrs.Factory(list)
    virtual_hard_disk_path: str = DEFAULT_VHD_PATH
    virtual_machine_path: str = DEFAULT_VM_PATH
    numa_spanning_enabled: bool = True
    enhanced_session_mode: bool = False
    mac_address_minimum: str = ""
    mac_address_maximum: str = ""
    next_mac: int = 0
    metering_save_interval: float = DEFAULT_METERING_INTERVAL
    # Set-SmbBandwidthLimit: category name (Default, VirtualMachine,
    # LiveMigration) -> bytes per second.
    smb_bandwidth_limits: dict[str, int] = attrs.Factory(dict)
    # When a booting host will be up (kept so a reloaded lab resumes the boot).
    boot_done_at: float | None = None
    # Set-VMReplicationServer (hvshell.model.replica.lifecycle).
    replica_server: ReplicaServerSettings = attrs.Factory(ReplicaServerSettings)
    lab: Any = attrs.field(init=False, default=None, repr=False)
    # Its VMs' memory and CPU, kept as they change (hvshell.model.compute.accounts).
    shares: HostShares = attrs.field(init=False, factory=HostShares, repr=False)
    # Its VMs by name, and sorted by name, built when first asked for after a
    # VM arrived, left or was renamed (`vms_changed`).
    _names: Any = attrs.field(init=False, default=None, repr=False)

    # ---- facts the model and other layers use -------------------------------

    @property
    def limits(self) -> Any:
        return limits(self.version)

    @property
    def product_name(self) -> str:
        return product_name(self.version)

    @property
    def integration_services_version(self) -> str:
        return self.limits.build + (".17514" if self.version.name == "2008R2" else ".16384")

    @property
    def fqdn(self) -> str:
        return f"{self.name}.{self.domain}" if self.domain else self.name

    @property
    def is_up(self) -> bool:
        return self.state is HostState.Up

    def vms_changed(self) -> None:
        """A VM arrived, left or was renamed: the look-ups by name are rebuilt."""
        self._names = None

    def _index(self) -> tuple[list[VM], dict[str, list[VM]]]:
        if self._names is None:
            ordered = sorted(self.vms, key=lambda vm: vm.name.lower())
            by_name: dict[str, list[VM]] = {}
            for vm in self.vms:
                by_name.setdefault(vm.name.lower(), []).append(vm)
            self._names = (ordered, by_name)
        return self._names

    def vms_by_name(self) -> list[VM]:
        """Its VMs sorted by name (case-insensitive; same names in their
        order on the host), as Get-VM lists them.  Do not change the list."""
        return self._index()[0]

    def vms_called(self, name: str) -> list[VM]:
        """Its VMs named `name` (any case), in their order on the host."""
        return self._index()[1].get(name.lower(), [])

    def running_vms(self) -> list[VM]:
        return [vm for vm in self.vms if vm.is_running]

    def memory_in_use(self) -> int:
        """Parent reserve plus what the resident VMs hold with overhead."""
        return HOST_RESERVE_BYTES + self.lab.accounts.memory_in_use(self)

    def available_memory(self) -> int:
        return max(0, self.memory - self.memory_in_use())

    def memory_needed_to_start(self, vm: VM) -> int:
        need = vm.saved_memory or vm.memory_startup
        return need + vm_memory_overhead(need)

    def cpu_busy_fraction(self) -> float:
        """Share of the host's processors the running VMs keep busy."""
        return min(1.0, self.lab.accounts.cpu_busy(self) / self.logical_processors)

    def nic(self, name: str) -> HostNic | None:
        key = name.lower()
        return next((n for n in self.nics if n.name.lower() == key), None)

    def team(self, name: str) -> NicTeam | None:
        key = name.lower()
        return next((t for t in self.teams if t.name.lower() == key), None)

    def switch(self, name: str) -> VMSwitch | None:
        key = name.lower()
        return next((s for s in self.switches if s.name.lower() == key), None)

    def interfaces(self) -> list[HostNic | NicTeam]:
        """Addressable interfaces: NICs outside a team, and teams."""
        return [n for n in self.nics if n.team_name is None] + list(self.teams)

    def migration_interfaces(self) -> list[HostNic | NicTeam]:
        """Interfaces this host migrates over: every interface when
        UseAnyNetworkForMigration is on, else those on a migration network
        (in priority order)."""
        interfaces = self.interfaces()
        if self.use_any_network_for_migration:
            return interfaces
        chosen: list[HostNic | NicTeam] = []
        for network in sorted(self.migration_networks, key=lambda n: n.priority):
            for iface in interfaces:
                if iface not in chosen and subnet_contains(network.subnet, iface.ip_address):
                    chosen.append(iface)
        return chosen

    def allocate_mac(self) -> str:
        base = int(self.mac_address_minimum, 16)
        top = int(self.mac_address_maximum, 16)
        value = base + self.next_mac
        if value > top:
            # The range is exhausted: Hyper-V wraps around as well.
            self.next_mac = 0
            value = base
        self.next_mac += 1
        return f"{value:012X}"

    # ---- Get-VMHost properties ---------------------------------------------

    @property
    def ComputerName(self) -> str:
        return self.name

    @property
    def Name(self) -> str:
        return self.name

    @property
    def FullyQualifiedDomainName(self) -> str:
        return self.fqdn

    @property
    def LogicalProcessorCount(self) -> int:
        return self.logical_processors

    @property
    def MemoryCapacity(self) -> int:
        return self.memory

    @property
    def VirtualHardDiskPath(self) -> str:
        return self.virtual_hard_disk_path

    @property
    def VirtualMachinePath(self) -> str:
        return self.virtual_machine_path

    @property
    def MacAddressMinimum(self) -> str:
        return self.mac_address_minimum

    @property
    def MacAddressMaximum(self) -> str:
        return self.mac_address_maximum

    @property
    def MaximumStorageMigrations(self) -> int:
        return self.max_storage_migrations

    @property
    def MaximumVirtualMachineMigrations(self) -> int:
        return self.max_vm_migrations

    @property
    def VirtualMachineMigrationEnabled(self) -> bool:
        return self.migration_enabled

    @property
    def VirtualMachineMigrationAuthenticationType(self) -> MigrationAuthenticationType:
        return self.authentication_type

    @property
    def VirtualMachineMigrationPerformanceOption(self) -> VMMigrationPerformance:
        return self.performance_option

    @property
    def UseAnyNetworkForMigration(self) -> bool:
        return self.use_any_network_for_migration

    @property
    def NumaSpanningEnabled(self) -> bool:
        return self.numa_spanning_enabled

    @property
    def ResourceMeteringSaveInterval(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.metering_save_interval)

    @property
    def EnableEnhancedSessionMode(self) -> bool:
        return self.enhanced_session_mode

    def ToString(self) -> str:
        return f"VMHost (Name = '{self.name}')"


@ps_type
class LabHost:
    """A host as the simulator describes it (Get-LabHost): a live view."""
    PS_TYPE = "hvshell.Lab.LabHost"
    __slots__ = ("host",)

    def __init__(self, host: Host):
        self.host = host

    @property
    def Name(self) -> str:
        return self.host.name

    @property
    def State(self) -> HostState:
        return self.host.state

    @property
    def Version(self) -> HostVersion:
        return self.host.version

    @property
    def OperatingSystem(self) -> str:
        return self.host.product_name

    @property
    def ProcessorVendor(self) -> ProcessorVendor:
        return self.host.processor_vendor

    @property
    def ProcessorGeneration(self) -> int:
        return self.host.processor_generation

    @property
    def LogicalProcessors(self) -> int:
        return self.host.logical_processors

    @property
    def Memory(self) -> int:
        return self.host.memory

    @property
    def FreeMemory(self) -> int:
        return self.host.available_memory() if self.host.is_up else 0

    @property
    def VMCount(self) -> int:
        return len(self.host.vms)

    @property
    def RunningVMs(self) -> int:
        return sum(1 for vm in self.host.vms if vm.is_running)

    @property
    def Cluster(self) -> str | None:
        cluster = self.host.lab.cluster_of(self.host.name) if self.host.lab else None
        return cluster.name if cluster else None

    @property
    def Domain(self) -> str:
        return self.host.domain

    @property
    def Nics(self) -> list[HostNic]:
        return list(self.host.nics)

    @property
    def Teams(self) -> list[NicTeam]:
        return list(self.host.teams)

    @property
    def NetworkUp(self) -> bool:
        return self.host.network_up

    def ToString(self) -> str:
        return self.host.name
