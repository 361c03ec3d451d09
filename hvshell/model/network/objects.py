"""Networks: the hosts' physical NICs and teams, virtual switches, VM
network adapters, and live-migration networks.

The migration model reads link speed, RDMA, jumbo frames and teaming from
here; a migration network (`Add-VMMigrationNetwork 10.1.1.0/24`) selects
the host interfaces (NICs or team interfaces) whose address is on it.
"""
from __future__ import annotations

import functools
import ipaddress
from typing import Any

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type
from hvshell.model.kernel.ids import Guid

# The subnet of every host's first NIC (docs/model.md, Lab defaults).
DEFAULT_SUBNET = "10.0.0.0/24"
# Ethernet frame sizes as the JumboPacket advanced property states them.
STANDARD_FRAME = 1514
JUMBO_FRAME = 9014


def parse_subnet(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A subnet in CIDR form, or a bare address (a one-address network);
    raises ValueError with a readable reason."""
    return _network(str(text).strip())


# Parsed once per text: every migration matches its hosts' NICs to their
# migration networks, and ipaddress parsing is slow.  (The objects are
# immutable, so sharing them is safe.)
@functools.lru_cache(maxsize=4096)
def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError as error:
        raise ValueError(f"'{value}' is not an IP subnet (expected e.g. 10.1.1.0/24): "
                         f"{error}") from None


@functools.lru_cache(maxsize=4096)
def subnet_contains(subnet: str, address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address) in parse_subnet(subnet)
    except ValueError:
        return False


@ps_type
@attrs.define(eq=False)
class HostNic:
    """A physical network adapter of a host."""
    PS_TYPE = "hvshell.Lab.HostNic"

    name: str
    speed_gbps: float
    subnet: str
    ip_address: str
    rdma_capable: bool = False
    rdma_enabled: bool = False
    jumbo_packet: int = STANDARD_FRAME
    team_name: str | None = None
    up: bool = True
    host_name: str = ""
    # The external virtual switch bound to this NIC (New-VMSwitch -NetAdapterName).
    bound_switch: str | None = None

    @property
    def rdma_active(self) -> bool:
        """Whether SMB Direct can use this NIC: RDMA enabled, and the NIC
        neither in a team nor bound to a virtual switch (on 2012 R2 RDMA
        works through neither)."""
        return (self.rdma_capable and self.rdma_enabled and self.team_name is None
                and self.bound_switch is None)

    @property
    def Name(self) -> str:
        return self.name

    @property
    def ComputerName(self) -> str:
        return self.host_name

    @property
    def LinkSpeedGbps(self) -> float:
        return self.speed_gbps

    @property
    def Subnet(self) -> str:
        return self.subnet

    @property
    def IPAddress(self) -> str:
        return self.ip_address

    @property
    def RdmaCapable(self) -> bool:
        return self.rdma_capable

    @property
    def RdmaEnabled(self) -> bool:
        return self.rdma_enabled

    @property
    def RdmaActive(self) -> bool:
        return self.rdma_active

    @property
    def JumboPacket(self) -> int:
        return self.jumbo_packet

    @property
    def Team(self) -> str | None:
        return self.team_name

    @property
    def Status(self) -> str:
        return "Up" if self.up else "Disconnected"


class TeamingMode(PSEnum):
    Static = 0
    SwitchIndependent = 1
    Lacp = 2


class LoadBalancingAlgorithm(PSEnum):
    TransportPorts = 0
    IPAddresses = 2
    MacAddresses = 3
    HyperVPort = 4
    Dynamic = 5


@ps_type
@attrs.define(eq=False)
class NicTeam:
    """An LBFO team: one interface (with its own address) over member NICs."""
    PS_TYPE = "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetLbfoTeam"

    name: str
    members: list[str]
    subnet: str
    ip_address: str
    teaming_mode: TeamingMode = TeamingMode.SwitchIndependent
    load_balancing_algorithm: LoadBalancingAlgorithm = LoadBalancingAlgorithm.Dynamic
    host_name: str = ""
    # The team interface's name (New-NetLbfoTeam -TeamNicName; "" = the team's name).
    team_nic_name: str = ""
    # The external virtual switch bound to the team interface.
    bound_switch: str | None = None
    # RDMA does not work through a team (docs/model.md, Transports).
    rdma_active = False

    @property
    def interface_name(self) -> str:
        return self.team_nic_name or self.name

    @property
    def Name(self) -> str:
        return self.name

    @property
    def Members(self) -> list[str]:
        return list(self.members)

    @property
    def TeamNics(self) -> str:
        return self.interface_name

    @property
    def TeamingMode(self) -> TeamingMode:
        return self.teaming_mode

    @property
    def LoadBalancingAlgorithm(self) -> LoadBalancingAlgorithm:
        return self.load_balancing_algorithm

    @property
    def Status(self) -> str:
        return "Up"


class VMSwitchType(PSEnum):
    Private = 0
    Internal = 1
    External = 2


# Functional form: "None" is a member name Hyper-V uses.
BandwidthMode = PSEnum("BandwidthMode", [("Default", 0), ("Weight", 1), ("Absolute", 2),
                                         ("None", 3)], module=__name__, qualname="BandwidthMode")


@ps_type
@attrs.define(eq=False)
class VMSwitch:
    """A Hyper-V virtual switch on one host.  External switches are bound
    to a NIC or team interface (`net_adapter_name`)."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMSwitch"

    name: str
    id: Guid
    switch_type: VMSwitchType
    host_name: str
    net_adapter_name: str | None = None
    allow_management_os: bool = False
    notes: str = ""
    bandwidth_mode: BandwidthMode = BandwidthMode["Weight"]
    iov_enabled: bool = False

    @property
    def Name(self) -> str:
        return self.name

    @property
    def Id(self) -> Guid:
        return self.id

    @property
    def SwitchType(self) -> VMSwitchType:
        return self.switch_type

    @property
    def NetAdapterInterfaceDescription(self) -> str | None:
        return self.net_adapter_name

    @property
    def AllowManagementOS(self) -> bool:
        return self.allow_management_os

    @property
    def Notes(self) -> str:
        return self.notes

    @property
    def BandwidthReservationMode(self) -> BandwidthMode:
        return self.bandwidth_mode

    @property
    def IovEnabled(self) -> bool:
        return self.iov_enabled

    @property
    def ComputerName(self) -> str:
        return self.host_name


class OnOffState(PSEnum):
    On = 0
    Off = 1


# Functional form: "None" is a member name Hyper-V uses.
PortMirroringMode = PSEnum("VMNetworkAdapterPortMirroringMode",
                           [("None", 0), ("Destination", 1), ("Source", 2)], module=__name__,
                           qualname="PortMirroringMode")


class VlanMode(PSEnum):
    """VMNetworkAdapterVlanMode: how the switch port treats VLAN tags."""
    Untagged = 0
    Access = 1
    Trunk = 2
    Private = 3


class PrivateVlanMode(PSEnum):
    Isolated = 1
    Community = 2
    Promiscuous = 3


# A VMQ weight, and the default of a new adapter (Hyper-V's).
DEFAULT_VMQ_WEIGHT = 100


@attrs.define(eq=False)
class VlanConfig:
    """A switch port's VLAN configuration (Set-VMNetworkAdapterVlan)."""
    mode: VlanMode = VlanMode.Untagged
    access_vlan_id: int = 0
    native_vlan_id: int = 0
    allowed_vlan_ids: list[int] = attrs.Factory(list)
    private_mode: PrivateVlanMode | None = None
    primary_vlan_id: int = 0
    secondary_vlan_id: int = 0
    secondary_vlan_ids: list[int] = attrs.Factory(list)


def vlan_list_text(ids: list[int]) -> str:
    """VLAN ids as Hyper-V writes them: runs as ranges ("1-100,200")."""
    runs: list[list[int]] = []
    for vid in sorted(set(ids)):
        if runs and vid == runs[-1][1] + 1:
            runs[-1][1] = vid
        else:
            runs.append([vid, vid])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


@ps_type
@attrs.define(eq=False)
class VMNetworkAdapter:
    """A VM's network adapter, or (with `management_host` set and no VM) a
    host vNIC of the management OS; `switch_name` None when not connected."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMNetworkAdapter"

    name: str
    mac_address: str
    switch_name: str | None = None
    dynamic_mac_address: bool = True
    is_legacy: bool = False
    management_host: str = ""
    # Set-VMNetworkAdapter: port security, mirroring, VMQ and bandwidth.
    mac_address_spoofing: OnOffState = OnOffState.Off
    dhcp_guard: OnOffState = OnOffState.Off
    router_guard: OnOffState = OnOffState.Off
    port_mirroring: PortMirroringMode = PortMirroringMode["None"]
    ieee_priority_tag: OnOffState = OnOffState.Off
    allow_teaming: OnOffState = OnOffState.Off
    vmq_weight: int = DEFAULT_VMQ_WEIGHT
    maximum_bandwidth: int | None = None
    minimum_bandwidth_absolute: int | None = None
    minimum_bandwidth_weight: int | None = None
    vlan: VlanConfig = attrs.Factory(VlanConfig)
    vm: Any = attrs.field(init=False, default=None, repr=False)

    @property
    def Name(self) -> str:
        return self.name

    @property
    def IsManagementOs(self) -> bool:
        return bool(self.management_host)

    @property
    def VMName(self) -> str:
        return self.vm.name if self.vm is not None else ""

    @property
    def VMId(self) -> Guid | None:
        return self.vm.id if self.vm is not None else None

    @property
    def SwitchName(self) -> str | None:
        return self.switch_name

    @property
    def MacAddress(self) -> str:
        return self.mac_address

    @property
    def DynamicMacAddressEnabled(self) -> bool:
        return self.dynamic_mac_address

    @property
    def IsLegacy(self) -> bool:
        return self.is_legacy

    @property
    def Connected(self) -> bool:
        return self.switch_name is not None

    @property
    def Status(self) -> str:
        if self.vm is None:
            return "Ok" if self.switch_name else ""
        return "Ok" if self.vm.is_running and self.switch_name else ""

    @property
    def IPAddresses(self) -> list[str]:
        return []

    @property
    def MacAddressSpoofing(self) -> OnOffState:
        return self.mac_address_spoofing

    @property
    def DhcpGuard(self) -> OnOffState:
        return self.dhcp_guard

    @property
    def RouterGuard(self) -> OnOffState:
        return self.router_guard

    @property
    def PortMirroringMode(self) -> Any:
        return self.port_mirroring

    @property
    def IeeePriorityTag(self) -> OnOffState:
        return self.ieee_priority_tag

    @property
    def AllowTeaming(self) -> OnOffState:
        return self.allow_teaming

    @property
    def VmqWeight(self) -> int:
        return self.vmq_weight

    @property
    def BandwidthSetting(self) -> VMNetworkAdapterBandwidthSetting | None:
        """None until a bandwidth setting is made, as on Hyper-V."""
        if (self.maximum_bandwidth, self.minimum_bandwidth_absolute,
                self.minimum_bandwidth_weight) == (None, None, None):
            return None
        return VMNetworkAdapterBandwidthSetting(self)

    @property
    def VlanSetting(self) -> VMNetworkAdapterVlanSetting:
        return VMNetworkAdapterVlanSetting(self)

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name if self.vm is not None else self.management_host


@ps_type
class VMNetworkAdapterBandwidthSetting:
    """An adapter's bandwidth limits, read live from it."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMNetworkAdapterBandwidthSetting"
    __slots__ = ("adapter",)

    def __init__(self, adapter: VMNetworkAdapter):
        self.adapter = adapter

    @property
    def MaximumBandwidth(self) -> int:
        return self.adapter.maximum_bandwidth or 0

    @property
    def MinimumBandwidthAbsolute(self) -> int:
        return self.adapter.minimum_bandwidth_absolute or 0

    @property
    def MinimumBandwidthWeight(self) -> int:
        return self.adapter.minimum_bandwidth_weight or 0

    @property
    def ParentAdapter(self) -> VMNetworkAdapter:
        return self.adapter


@ps_type
class VMNetworkAdapterVlanSetting:
    """An adapter's VLAN configuration (Get-VMNetworkAdapterVlan), read
    live from it."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMNetworkAdapterVlanSetting"
    __slots__ = ("adapter",)

    def __init__(self, adapter: VMNetworkAdapter):
        self.adapter = adapter

    @property
    def _vlan(self) -> VlanConfig:
        return self.adapter.vlan

    @property
    def OperationMode(self) -> VlanMode:
        return self._vlan.mode

    @property
    def AccessVlanId(self) -> int:
        return self._vlan.access_vlan_id

    @property
    def NativeVlanId(self) -> int:
        return self._vlan.native_vlan_id

    @property
    def AllowedVlanIdList(self) -> list[int]:
        return list(self._vlan.allowed_vlan_ids)

    @property
    def AllowedVlanIdListString(self) -> str:
        return vlan_list_text(self._vlan.allowed_vlan_ids)

    @property
    def PrivateVlanMode(self) -> PrivateVlanMode | None:
        return self._vlan.private_mode

    @property
    def PrimaryVlanId(self) -> int:
        return self._vlan.primary_vlan_id

    @property
    def SecondaryVlanId(self) -> int:
        return self._vlan.secondary_vlan_id

    @property
    def SecondaryVlanIdList(self) -> list[int]:
        return list(self._vlan.secondary_vlan_ids)

    @property
    def SecondaryVlanIdListString(self) -> str:
        return vlan_list_text(self._vlan.secondary_vlan_ids)

    @property
    def VlanList(self) -> str:
        """What the default table shows: the ids the mode uses."""
        vlan = self._vlan
        if vlan.mode is VlanMode.Access:
            return str(vlan.access_vlan_id)
        if vlan.mode is VlanMode.Trunk:
            return f"{vlan.native_vlan_id},{vlan_list_text(vlan.allowed_vlan_ids)}"
        if vlan.mode is VlanMode.Private:
            secondary = (vlan_list_text(vlan.secondary_vlan_ids)
                         if vlan.private_mode is PrivateVlanMode.Promiscuous
                         else str(vlan.secondary_vlan_id))
            return f"{vlan.primary_vlan_id},{secondary}"
        return ""

    @property
    def ParentAdapter(self) -> VMNetworkAdapter:
        return self.adapter

    @property
    def IsManagementOs(self) -> bool:
        return self.adapter.IsManagementOs

    @property
    def VMName(self) -> str:
        return self.adapter.VMName

    @property
    def VMNetworkAdapterName(self) -> str:
        return self.adapter.name

    @property
    def ComputerName(self) -> str:
        return self.adapter.ComputerName


@ps_type
@attrs.define(eq=False)
class MigrationNetwork:
    """A network a host accepts live migrations on (when
    UseAnyNetworkForMigration is off)."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMMigrationNetwork"

    subnet: str
    priority: int
    host_name: str

    @property
    def Subnet(self) -> str:
        return self.subnet

    @property
    def Priority(self) -> int:
        return self.priority

    @property
    def CreatedByUser(self) -> bool:
        return True

    @property
    def ComputerName(self) -> str:
        return self.host_name
