"""Networks: the hosts' physical NICs and teams, virtual switches, VM
network adapters, and live-migration networks.

The migration model reads link speed, RDMA, jumbo frames and teaming from
here; a migration network (`Add-VMMigrationNetwork 10.1.1.0/24`) selects
the host interfaces (NICs or team interfaces) whose address is on it.
"""
from __future__ import annotations

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
    value = str(text).strip()
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError as error:
        raise ValueError(f"'{value}' is not an IP subnet (expected e.g. 10.1.1.0/24): "
                         f"{error}") from None


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


@ps_type
@attrs.define(eq=False)
class VMNetworkAdapter:
    """A VM's network adapter; `switch_name` None when not connected."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMNetworkAdapter"

    name: str
    mac_address: str
    switch_name: str | None = None
    dynamic_mac_address: bool = True
    is_legacy: bool = False
    vm: Any = attrs.field(init=False, default=None, repr=False)

    @property
    def Name(self) -> str:
        return self.name

    @property
    def IsManagementOs(self) -> bool:
        return False

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def VMId(self) -> Guid:
        return self.vm.id

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
        return "Ok" if self.vm.is_running and self.switch_name else ""

    @property
    def IPAddresses(self) -> list[str]:
        return []

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name


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
