"""Network configuration and its rules: virtual switches (New-/Remove-
VMSwitch), VM network adapters (Add-/Remove-/Connect-/Disconnect-
VMNetworkAdapter), NIC teams (New-NetLbfoTeam), RDMA and jumbo frames on
host NICs, and SMB bandwidth limits.

What the migration model reads is recorded on the host's NICs and teams:
a NIC's `team_name` and `bound_switch` (RDMA works through neither on
2012 R2, see `HostNic.rdma_active`), `rdma_enabled`, `jumbo_packet`, and the
host's `smb_bandwidth_limits`.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from hvshell.pstypes.objects import PSEnum
from hvshell.model.kernel.errors import LabError, invalid_argument, invalid_state, operation_failed
from hvshell.model.kernel.events import EventKind
from hvshell.model.compute.host import Host
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.pstypes.registry import ps_type
from hvshell.model.kernel.domain import Domain
from hvshell.model.kernel.schedule import schedule_action
from hvshell.model.network.objects import (JUMBO_FRAME, STANDARD_FRAME, BandwidthMode, HostNic,
                                   LoadBalancingAlgorithm, NicTeam, TeamingMode,
                                   VMNetworkAdapter, VMSwitch, VMSwitchType)
from hvshell.model.compute.versions import require_feature
from hvshell.model.compute.vm import VM, VMState

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20
# Virtual NICs per VM: 8 synthetic and 4 legacy (section D).
MAX_SYNTHETIC_ADAPTERS = 8
MAX_LEGACY_ADAPTERS = 4
# An LBFO team has at most 32 members (Windows Server 2012 NIC teaming
# deployment guide).
MAX_TEAM_MEMBERS = 32
# Set-SmbBandwidthLimit accepts no less than 1 MB per second (section D).
MIN_SMB_BANDWIDTH = 1 * MB
# The *JumboPacket values Windows drivers offer (section 14 notes): 1514
# (off), 4088 and 9014 bytes.
JUMBO_VALUES = (STANDARD_FRAME, 4088, JUMBO_FRAME)
JUMBO_KEYWORD = "*JumboPacket"
JUMBO_DISPLAY_NAME = "Jumbo Packet"
# A NIC whose RDMA or advanced property changes restarts (unless
# -NoRestart): its driver reloads and the link renegotiates, a few seconds
# without network (reasoning; typical of 10 GbE adapters of the time).
ADAPTER_RESTART_SECONDS = 5.0


class BandwidthLimitCategory(PSEnum):
    Default = 0
    VirtualMachine = 1
    LiveMigration = 2


def switch_missing(host: Host, name: str) -> LabError:
    known = ", ".join(s.name for s in host.switches)
    choices = (f"(its switches: {known}). Create it with New-VMSwitch, or choose one of those."
               if known else "(it has none). Create it with New-VMSwitch.")
    return invalid_argument(f'Hyper-V was unable to find a virtual switch with name "{name}" on '
                            f"host '{host.name}' {choices}", name)


def find_interface(host: Host, name: str) -> HostNic | NicTeam | None:
    """A host NIC by name, or a team by its interface name."""
    nic = host.nic(name)
    if nic is not None:
        return nic
    key = name.lower()
    return next((t for t in host.teams if t.interface_name.lower() == key), None)


# ---------------------------------------------------------------------------
# Virtual switches
# ---------------------------------------------------------------------------

def new_switch(lab: Lab, host: Host, name: str, switch_type: VMSwitchType,
               net_adapter_name: str | None = None, allow_management_os: bool = True,
               notes: str = "", bandwidth_mode: Any = None) -> VMSwitch:
    """New-VMSwitch.  External switches bind a NIC or a team interface that
    no other switch uses and that is not a team member."""
    if not name or not name.strip():
        raise invalid_argument("A virtual switch needs a name (-Name).", name)
    if host.switch(name) is not None:
        raise invalid_argument(
            f"Host '{host.name}' already has a virtual switch named '{name}'. Choose another "
            "name, or use the existing switch.", name)
    interface = None
    if switch_type is VMSwitchType.External:
        interface = find_interface(host, net_adapter_name or "")
        if interface is None:
            known = ", ".join(i.name if isinstance(i, HostNic) else i.interface_name
                              for i in host.interfaces()) or "none"
            raise invalid_argument(
                f"Host '{host.name}' has no network adapter named '{net_adapter_name}' (its "
                f"adapters: {known}). Check -NetAdapterName, or add one with Add-LabNic.",
                net_adapter_name)
        if isinstance(interface, HostNic) and interface.team_name:
            raise invalid_argument(
                f"'{interface.name}' is a member of NIC team '{interface.team_name}': bind the "
                f"switch to the team interface instead (-NetAdapterName "
                f"{host.team(interface.team_name).interface_name}).", net_adapter_name)
        if interface.bound_switch:
            raise invalid_argument(
                f"'{net_adapter_name}' is already bound to the external virtual switch "
                f"'{interface.bound_switch}'. An adapter serves one external switch: use that "
                "switch, or another adapter.", net_adapter_name)
    switch = VMSwitch(name=name, id=lab.new_guid(), switch_type=switch_type, host_name=host.name,
                      net_adapter_name=(interface.name if isinstance(interface, HostNic)
                                        else interface.interface_name) if interface else None,
                      allow_management_os=(allow_management_os
                                           if switch_type is VMSwitchType.External
                                           else switch_type is VMSwitchType.Internal),
                      notes=notes or "",
                      bandwidth_mode=bandwidth_mode or BandwidthMode["Weight"])
    if interface is not None:
        interface.bound_switch = switch.name
    host.switches.append(switch)
    lab.record(EventKind.SwitchCreated, host.name,
               f"{switch_type.name} virtual switch '{name}' was "
               f"created on {host.name}"
               + (f" on {switch.net_adapter_name}." if interface is not None else "."))
    return switch


def remove_switch(lab: Lab, host: Host, switch: VMSwitch) -> None:
    """Remove-VMSwitch: the adapters connected to it are left unconnected."""
    for vm in host.vms:
        for adapter in vm.network_adapters:
            if adapter.switch_name and adapter.switch_name.lower() == switch.name.lower():
                adapter.switch_name = None
    # The management OS's vNICs on the switch go with it.
    host.management_adapters[:] = [a for a in host.management_adapters
                                   if (a.switch_name or "").lower() != switch.name.lower()]
    if switch.net_adapter_name:
        interface = find_interface(host, switch.net_adapter_name)
        if interface is not None:
            interface.bound_switch = None
    host.switches.remove(switch)
    lab.record(EventKind.SwitchRemoved, host.name,
               f"Virtual switch '{switch.name}' was removed from "
               f"{host.name}.")


# ---------------------------------------------------------------------------
# VM network adapters
# ---------------------------------------------------------------------------

_MAC = re.compile(r"^[0-9A-Fa-f]{12}$")


def normalize_mac(text: str) -> str:
    """'00-15-5D-01-02-03' or '00155D010203' -> '00155D010203'; a
    multicast or all-zero address is refused."""
    value = re.sub(r"[-:.]", "", str(text).strip())
    if not _MAC.match(value):
        raise invalid_argument(f"'{text}' is not a MAC address: give 12 hexadecimal digits, "
                               "e.g. 00155D010203.", text)
    if int(value[:2], 16) & 1 or int(value, 16) == 0:
        raise invalid_argument(f"'{text}' is a multicast or empty MAC address; a network "
                               "adapter needs a unicast one.", text)
    return value.upper()


def _adapters_must_be_off(vm: VM, what: str) -> None:
    if vm.state is not VMState.Off:
        raise invalid_state(
            f"Cannot {what} '{vm.name}' while it is {vm.state.name}: Windows Server 2012 R2 "
            "adds and removes network adapters only while the virtual machine is off. Stop it "
            "(Stop-VM) first.", vm.name)


def add_adapter(lab: Lab, vm: VM, name: str | None = None, switch_name: str | None = None,
                legacy: bool = False, static_mac: str | None = None) -> VMNetworkAdapter:
    """Add-VMNetworkAdapter."""
    host = vm.host
    _adapters_must_be_off(vm, "add a network adapter to")
    if legacy and vm.generation == 2:
        raise invalid_argument(
            f"'{vm.name}' is a generation 2 virtual machine, which has no legacy network "
            "adapters (it boots from the network with a synthetic one). Leave out -IsLegacy.",
            vm.name)
    same_kind = [a for a in vm.network_adapters if a.is_legacy == legacy]
    limit = MAX_LEGACY_ADAPTERS if legacy else MAX_SYNTHETIC_ADAPTERS
    if len(same_kind) >= limit:
        raise operation_failed(
            f"'{vm.name}' already has {len(same_kind)} {'legacy' if legacy else 'synthetic'} "
            f"network adapters, the most a virtual machine can have ({limit}).", vm.name,
            "LimitsExceeded")
    switch = None
    if switch_name:
        switch = host.switch(switch_name)
        if switch is None:
            raise switch_missing(host, switch_name)
    mac = normalize_mac(static_mac) if static_mac else None
    adapter = VMNetworkAdapter(
        name or ("Legacy Network Adapter" if legacy else "Network Adapter"),
        mac or host.allocate_mac(), switch_name=switch.name if switch else None,
        dynamic_mac_address=mac is None, is_legacy=legacy)
    adapter.vm = vm
    vm.network_adapters.append(adapter)
    lab.record(EventKind.AdapterAdded, vm.name, f"Network adapter '{adapter.name}' was added to "
               f"'{vm.name}'" + (f" on switch '{switch.name}'." if switch else "."))
    return adapter


def remove_adapter(lab: Lab, adapter: VMNetworkAdapter) -> None:
    vm = adapter.vm
    _adapters_must_be_off(vm, "remove a network adapter from")
    vm.network_adapters.remove(adapter)
    lab.record(EventKind.AdapterRemoved, vm.name,
               f"Network adapter '{adapter.name}' was removed from "
               f"'{vm.name}'.")


def connect_adapter(lab: Lab, adapter: VMNetworkAdapter, switch_name: str) -> None:
    """Connect-VMNetworkAdapter: the switch must exist on the VM's host
    (a VM connected to a switch its host lacks cannot start or move)."""
    vm = adapter.vm
    host = vm.host
    switch = host.switch(switch_name)
    if switch is None:
        raise switch_missing(host, switch_name)
    adapter.switch_name = switch.name
    lab.record(EventKind.AdapterConnected, vm.name,
               f"Network adapter '{adapter.name}' of '{vm.name}' "
               f"was connected to '{switch.name}'.")


def disconnect_adapter(lab: Lab, adapter: VMNetworkAdapter) -> None:
    adapter.switch_name = None
    lab.record(EventKind.AdapterDisconnected, adapter.vm.name,
               f"Network adapter '{adapter.name}' of "
               f"'{adapter.vm.name}' was disconnected.")


# ---------------------------------------------------------------------------
# NIC teams, RDMA, jumbo frames
# ---------------------------------------------------------------------------

def nics_matching(host: Host, patterns: list[str], what: str) -> list[HostNic]:
    """Host NICs matching the name patterns, in the host's order; a name
    without wildcards that matches nothing is an error."""
    found: list[HostNic] = []
    for pattern in patterns:
        matched = [n for n in host.nics if wildcard_match(str(pattern), n.name)]
        if not matched and not has_wildcard(str(pattern)):
            known = ", ".join(n.name for n in host.nics) or "none"
            raise LabError(f"Host '{host.name}' has no network adapter named '{pattern}' (its "
                           f"adapters: {known}). Check the name {what}.", "ObjectNotFound",
                           "ObjectNotFound", pattern,
                           "Microsoft.Management.Infrastructure.CimException")
        found.extend(n for n in matched if n not in found)
    return [n for n in host.nics if n in found]


def new_team(lab: Lab, host: Host, name: str, members: list[str], team_nic_name: str | None,
             mode: TeamingMode, algorithm: LoadBalancingAlgorithm) -> tuple[NicTeam, list[str]]:
    """New-NetLbfoTeam; returns the team and warnings for the user."""
    require_feature(host.version, "NicTeaming", host.name,
                    "Windows Server 2008 R2 teams NICs only with the NIC vendor's own software.")
    if algorithm is LoadBalancingAlgorithm.Dynamic:
        require_feature(host.version, "DynamicTeamLoadBalancing", host.name,
                        "Use -LoadBalancingAlgorithm TransportPorts or HyperVPort.")
    if not name or not name.strip():
        raise invalid_argument("A NIC team needs a name (-Name).", name)
    interface = team_nic_name or name
    for label, value in (("team", name), ("team interface", interface)):
        if find_interface(host, value) is not None or host.team(value) is not None:
            raise invalid_argument(f"Host '{host.name}' already has a network adapter or team "
                                   f"named '{value}'. Choose another {label} name.", value)
    nics = nics_matching(host, members, "in -TeamMembers")
    if not nics:
        raise invalid_argument(f"-TeamMembers {', '.join(members)} matches no network adapter of "
                               f"host '{host.name}'.", name)
    if len(nics) > MAX_TEAM_MEMBERS:
        raise invalid_argument(f"A NIC team has at most {MAX_TEAM_MEMBERS} members; "
                               f"{len(nics)} were given.", name)
    for nic in nics:
        if nic.team_name:
            raise invalid_argument(f"'{nic.name}' is already a member of team "
                                   f"'{nic.team_name}'. A NIC belongs to one team.", nic.name)
        if nic.bound_switch:
            raise invalid_argument(
                f"'{nic.name}' is bound to the virtual switch '{nic.bound_switch}'. Remove the "
                "switch (Remove-VMSwitch) or bind it to the team once the team exists.", nic.name)
    subnets = {nic.subnet for nic in nics}
    if len(subnets) > 1:
        raise invalid_argument(
            f"The members are on different networks ({', '.join(sorted(subnets))}): team NICs "
            "that reach the same network.", name)
    first = nics[0]
    team = NicTeam(name=name, members=[n.name for n in nics], subnet=first.subnet,
                   ip_address=first.ip_address, teaming_mode=mode,
                   load_balancing_algorithm=algorithm, host_name=host.name,
                   team_nic_name=team_nic_name if team_nic_name and team_nic_name != name else "")
    for nic in nics:
        nic.team_name = name
    host.teams.append(team)
    warnings = []
    rdma = [n.name for n in nics if n.rdma_enabled]
    if rdma:
        warnings.append(f"RDMA does not work through a NIC team: SMB Direct will not use "
                        f"{', '.join(rdma)} while {'it is' if len(rdma) == 1 else 'they are'} in "
                        f"team '{name}'.")
    lab.record(EventKind.TeamCreated, host.name,
               f"NIC team '{name}' ({mode.name}, {algorithm.name}) "
               f"of {', '.join(team.members)} was created on {host.name}.")
    return team, warnings


def set_rdma(lab: Lab, nic: HostNic, enabled: bool) -> None:
    """Enable-/Disable-NetAdapterRdma on one NIC."""
    if enabled and not nic.rdma_capable:
        raise LabError(
            f"'{nic.name}' on host '{nic.host_name}' is not an RDMA-capable adapter (no "
            "MSFT_NetAdapterRdmaSettingData object). Use an RDMA NIC (Add-LabNic -Rdma).",
            "ObjectNotFound", "ObjectNotFound", nic.name,
            "Microsoft.Management.Infrastructure.CimException")
    if nic.rdma_enabled != enabled:
        nic.rdma_enabled = enabled
        lab.record(EventKind.RdmaChanged, nic.host_name,
                   f"RDMA was {'enabled' if enabled else 'disabled'}"
                   f" on {nic.host_name} {nic.name}.")


def parse_jumbo(keyword: str | None, value: str | None, display_name: str | None,
                display_value: str | None) -> int:
    """The frame size asked for by Set-NetAdapterAdvancedProperty, either
    -RegistryKeyword '*JumboPacket' -RegistryValue 9014 or -DisplayName
    'Jumbo Packet' -DisplayValue '9014 Bytes'."""
    if keyword is not None:
        if keyword.lower() != JUMBO_KEYWORD.lower():
            raise _unknown_property(f"registry keyword '{keyword}'")
        text = value
    elif display_name is not None:
        if display_name.lower() != JUMBO_DISPLAY_NAME.lower():
            raise _unknown_property(f"display name '{display_name}'")
        text = display_value
    else:
        raise invalid_argument("Name the property to set: -RegistryKeyword '*JumboPacket' or "
                               "-DisplayName 'Jumbo Packet'.", None)
    if text is None:
        raise invalid_argument("Give the new value: -RegistryValue (e.g. 9014) or -DisplayValue "
                               "(e.g. '9014 Bytes').", None)
    cleaned = str(text).strip().lower()
    if cleaned == "disabled":
        return STANDARD_FRAME
    cleaned = cleaned.removesuffix("bytes").strip()
    if cleaned.isdigit() and int(cleaned) in JUMBO_VALUES:
        return int(cleaned)
    raise invalid_argument(
        f"'{text}' is not a value of *JumboPacket: use {', '.join(map(str, JUMBO_VALUES))} "
        "(-RegistryValue) or Disabled, 4088 Bytes, 9014 Bytes (-DisplayValue).", text)


def _unknown_property(what: str) -> LabError:
    return LabError(f"No advanced property with {what} is modelled by the lab; the lab's NICs "
                    f"have '{JUMBO_DISPLAY_NAME}' ({JUMBO_KEYWORD}).", "ObjectNotFound",
                    "ObjectNotFound", what, "Microsoft.Management.Infrastructure.CimException")


def set_jumbo(lab: Lab, nic: HostNic, size: int) -> None:
    if nic.jumbo_packet != size:
        nic.jumbo_packet = size
        lab.record(EventKind.JumboPacketChanged, nic.host_name, f"{nic.host_name} {nic.name} uses "
                   f"{size}-byte frames.")


def restart_adapter(lab: Lab, nic: HostNic) -> None:
    """The adapter restarts to apply a setting: down for a few seconds."""
    nic.up = False
    schedule_action(lab, ADAPTER_RESTART_SECONDS, "AdapterRestarted",
                    f"{nic.host_name}|{nic.name}")


def _adapter_restarted(lab: Lab, target: str) -> None:
    host_name, _, nic_name = target.partition("|")
    host = lab.find_host(host_name)
    nic = host.nic(nic_name) if host is not None else None
    if nic is not None and host.network_up:
        nic.up = True


DOMAIN = Domain("network", actions={"AdapterRestarted": _adapter_restarted})


# ---------------------------------------------------------------------------
# SMB bandwidth limits
# ---------------------------------------------------------------------------

def set_smb_limit(lab: Lab, host: Host, category: BandwidthLimitCategory,
                  bytes_per_second: int) -> None:
    require_feature(host.version, "SmbBandwidthLimit", host.name)
    if bytes_per_second < MIN_SMB_BANDWIDTH:
        raise invalid_argument(
            f"An SMB bandwidth limit is at least {MIN_SMB_BANDWIDTH} bytes per second (1 MB); "
            f"{bytes_per_second} was given.", bytes_per_second)
    host.smb_bandwidth_limits[category.name] = int(bytes_per_second)
    lab.record(EventKind.SmbLimitSet, host.name, f"SMB {category.name} traffic of {host.name} is "
               f"limited to {bytes_per_second / MB:g} MB/s.")


def remove_smb_limit(lab: Lab, host: Host, category: BandwidthLimitCategory) -> bool:
    if host.smb_bandwidth_limits.pop(category.name, None) is None:
        return False
    lab.record(EventKind.SmbLimitRemoved, host.name,
               f"SMB {category.name} traffic of {host.name} is no "
               "longer limited.")
    return True


# ---------------------------------------------------------------------------
# What the CIM cmdlets return (live views of a host's settings)
# ---------------------------------------------------------------------------

CIM_PREFIX = "Microsoft.Management.Infrastructure.CimInstance#ROOT/"


@ps_type
class SmbBandwidthLimit:
    """MSFT_SmbBandwidthLimit: one category's limit on a host."""
    PS_TYPE = CIM_PREFIX + "Microsoft/Windows/SMB/MSFT_SmbBandwidthLimit"
    __slots__ = ("host", "category")

    def __init__(self, host: Host, category: BandwidthLimitCategory):
        self.host = host
        self.category = category

    @property
    def Category(self) -> BandwidthLimitCategory:
        return self.category

    @property
    def BytesPerSecond(self) -> int:
        return self.host.smb_bandwidth_limits.get(self.category.name, 0)

    @property
    def PSComputerName(self) -> str:
        return self.host.name


@ps_type
class NetAdapterRdma:
    """MSFT_NetAdapterRdmaSettingData of one NIC."""
    PS_TYPE = CIM_PREFIX + "StandardCimv2/MSFT_NetAdapterRdmaSettingData"
    __slots__ = ("nic",)

    def __init__(self, nic: HostNic):
        self.nic = nic

    @property
    def Name(self) -> str:
        return self.nic.name

    @property
    def InterfaceDescription(self) -> str:
        return f"{self.nic.speed_gbps:g} Gbps RDMA Adapter"

    @property
    def Enabled(self) -> bool:
        return self.nic.rdma_enabled

    @property
    def PSComputerName(self) -> str:
        return self.nic.host_name


@ps_type
class NetAdapterJumboPacket:
    """MSFT_NetAdapterAdvancedPropertySettingData: a NIC's Jumbo Packet
    setting (the one advanced property the lab models)."""
    PS_TYPE = CIM_PREFIX + "StandardCimv2/MSFT_NetAdapterAdvancedPropertySettingData"
    __slots__ = ("nic",)

    def __init__(self, nic: HostNic):
        self.nic = nic

    @property
    def Name(self) -> str:
        return self.nic.name

    @property
    def DisplayName(self) -> str:
        return JUMBO_DISPLAY_NAME

    @property
    def DisplayValue(self) -> str:
        size = self.nic.jumbo_packet
        return "Disabled" if size == STANDARD_FRAME else f"{size} Bytes"

    @property
    def RegistryKeyword(self) -> str:
        return JUMBO_KEYWORD

    @property
    def RegistryValue(self) -> list[str]:
        return [str(self.nic.jumbo_packet)]

    @property
    def PSComputerName(self) -> str:
        return self.nic.host_name
