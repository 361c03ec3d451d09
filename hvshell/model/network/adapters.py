"""A network adapter's settings and the management OS's own vNICs:
Set-VMNetworkAdapter (port security, mirroring, VMQ, bandwidth, MAC),
Rename-VMNetworkAdapter, Set-VMNetworkAdapterVlan, and
Add-/Remove-VMNetworkAdapter -ManagementOS (converged networking: host
vNICs on an external switch carry management, live migration or cluster
traffic).

Each operation checks everything before it changes anything, so a refused
one leaves the adapter as it was.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from hvshell.model.compute.host import Host
from hvshell.model.compute.vm import VMState
from hvshell.model.kernel.errors import invalid_argument, invalid_state
from hvshell.model.kernel.events import EventKind
from hvshell.model.network.config import normalize_mac, switch_missing
from hvshell.model.network.objects import (OnOffState, PrivateVlanMode,
                                           VlanConfig, VlanMode, VMNetworkAdapter, VMSwitchType)

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

# Relative weights (minimum bandwidth, VMQ) run from 0 (off) to 100.
MAX_WEIGHT = 100
# IEEE 802.1Q VLAN ids a port can use.
MIN_VLAN_ID = 1
MAX_VLAN_ID = 4094


@attrs.define
class AdapterSettings:
    """What one Set-VMNetworkAdapter asks for (None: leave as is)."""
    dynamic_mac: bool = False
    static_mac: str | None = None
    mac_address_spoofing: OnOffState | None = None
    dhcp_guard: OnOffState | None = None
    router_guard: OnOffState | None = None
    port_mirroring: Any = None
    ieee_priority_tag: OnOffState | None = None
    allow_teaming: OnOffState | None = None
    vmq_weight: int | None = None
    maximum_bandwidth: int | None = None
    minimum_bandwidth_absolute: int | None = None
    minimum_bandwidth_weight: int | None = None


def _owner(adapter: VMNetworkAdapter) -> str:
    return adapter.vm.name if adapter.vm is not None else adapter.management_host


def _round8(value: int) -> int:
    """Bandwidths in bits per second go to the nearest multiple of eight."""
    return int(round(value / 8.0)) * 8


def _switch_mode(lab: Lab, adapter: VMNetworkAdapter) -> Any:
    if adapter.switch_name is None:
        return None
    host = lab.find_host(adapter.ComputerName)
    switch = host.switch(adapter.switch_name) if host is not None else None
    return switch.bandwidth_mode if switch is not None else None


def set_adapter(lab: Lab, adapter: VMNetworkAdapter, wanted: AdapterSettings) -> None:
    """Set-VMNetworkAdapter."""
    owner = _owner(adapter)
    if wanted.dynamic_mac and wanted.static_mac:
        raise invalid_argument("-DynamicMacAddress and -StaticMacAddress cannot be used "
                               "together. Choose one.", owner)
    mac = normalize_mac(wanted.static_mac) if wanted.static_mac else None
    if (mac or wanted.dynamic_mac) and adapter.vm is not None \
            and adapter.vm.state is not VMState.Off:
        raise invalid_state(
            f"Cannot change the MAC address of '{adapter.name}' of '{owner}' while the virtual "
            f"machine is {adapter.vm.state.name}: Windows Server 2012 R2 changes it only while "
            "the virtual machine is off. Stop it (Stop-VM) first.", owner)
    for label, value in (("MinimumBandwidthWeight", wanted.minimum_bandwidth_weight),
                         ("VmqWeight", wanted.vmq_weight)):
        if value is not None and not 0 <= value <= MAX_WEIGHT:
            raise invalid_argument(f"-{label} is a relative weight from 0 (off) to {MAX_WEIGHT}; "
                                   f"{value} was given.", owner)
    for label, value in (("MaximumBandwidth", wanted.maximum_bandwidth),
                         ("MinimumBandwidthAbsolute", wanted.minimum_bandwidth_absolute)):
        if value is not None and value < 0:
            raise invalid_argument(f"-{label} is in bits per second, 0 or more; {value} was "
                                   "given.", owner)
    if wanted.minimum_bandwidth_weight and wanted.minimum_bandwidth_absolute:
        raise invalid_argument("An adapter's minimum bandwidth is either a weight or an absolute "
                               "rate, not both: give -MinimumBandwidthWeight or "
                               "-MinimumBandwidthAbsolute.", owner)
    mode = _switch_mode(lab, adapter)
    for label, value, needs in (("MinimumBandwidthWeight", wanted.minimum_bandwidth_weight,
                                 "Weight"),
                                ("MinimumBandwidthAbsolute", wanted.minimum_bandwidth_absolute,
                                 "Absolute")):
        if value and mode is not None and mode.name not in (needs, "Default"):
            raise invalid_argument(
                f"The virtual switch '{adapter.switch_name}' reserves minimum bandwidth in "
                f"{mode.name} mode, so -{label} does not apply to its adapters. Use the switch's "
                f"mode, or a switch made with New-VMSwitch -MinimumBandwidthMode {needs}.", owner)
    if mac:
        adapter.mac_address, adapter.dynamic_mac_address = mac, False
    elif wanted.dynamic_mac:
        adapter.dynamic_mac_address = True
    for field in ("mac_address_spoofing", "dhcp_guard", "router_guard", "port_mirroring",
                  "ieee_priority_tag", "allow_teaming", "vmq_weight"):
        value = getattr(wanted, field)
        if value is not None:
            setattr(adapter, field, value)
    if wanted.maximum_bandwidth is not None:
        adapter.maximum_bandwidth = _round8(wanted.maximum_bandwidth)
    if wanted.minimum_bandwidth_weight is not None:
        adapter.minimum_bandwidth_weight = wanted.minimum_bandwidth_weight
        if wanted.minimum_bandwidth_weight:
            adapter.minimum_bandwidth_absolute = None
    if wanted.minimum_bandwidth_absolute is not None:
        adapter.minimum_bandwidth_absolute = _round8(wanted.minimum_bandwidth_absolute)
        if wanted.minimum_bandwidth_absolute:
            adapter.minimum_bandwidth_weight = None
    lab.record(EventKind.AdapterConfigured, owner,
               f"Network adapter '{adapter.name}' of '{owner}' was reconfigured.")


def rename_adapter(lab: Lab, adapter: VMNetworkAdapter, new_name: str) -> None:
    """Rename-VMNetworkAdapter (a VM's adapters may share a name; a host
    vNIC's name becomes its interface 'vEthernet (name)', so those may not)."""
    if not new_name or not new_name.strip():
        raise invalid_argument("A network adapter needs a name (-NewName).", _owner(adapter))
    if adapter.vm is None:
        host = lab.find_host(adapter.management_host)
        if any(a is not adapter and a.name.lower() == new_name.lower()
               for a in host.management_adapters):
            raise invalid_argument(
                f"The management OS of '{host.name}' already has a network adapter named "
                f"'{new_name}'. Choose another name.", new_name)
    old = adapter.name
    adapter.name = new_name
    lab.record(EventKind.AdapterRenamed, _owner(adapter),
               f"Network adapter '{old}' of '{_owner(adapter)}' was renamed '{new_name}'.")


# ---------------------------------------------------------------------------
# VLANs
# ---------------------------------------------------------------------------

def parse_vlan_list(text: str, label: str) -> list[int]:
    """"1-100,200" -> the ids; each must be a valid VLAN id."""
    ids: list[int] = []
    for part in str(text).replace(" ", "").split(","):
        low, dash, high = part.partition("-")
        try:
            first, last = int(low), int(high if dash else low)
        except ValueError:
            raise invalid_argument(f"-{label} '{text}' is not a VLAN list: give ids and ranges "
                                   "such as 1-100,200.", text) from None
        if first > last:
            raise invalid_argument(f"-{label} '{text}': the range {part} runs backwards.", text)
        for vid in (first, last):
            check_vlan_id(vid, label)
        ids.extend(range(first, last + 1))
    return sorted(set(ids))


def check_vlan_id(vid: int, label: str) -> int:
    if not MIN_VLAN_ID <= vid <= MAX_VLAN_ID:
        raise invalid_argument(f"-{label} {vid} is not a VLAN id: use {MIN_VLAN_ID} to "
                               f"{MAX_VLAN_ID}.", vid)
    return vid


def vlan_config(mode: str, vlan_id: int | None = None, native: int | None = None,
                allowed: str | None = None, primary: int | None = None,
                secondary: int | None = None, secondary_list: str | None = None) -> VlanConfig:
    """The configuration one Set-VMNetworkAdapterVlan asks for; `mode` is
    Untagged, Access, Trunk, Isolated, Community or Promiscuous."""
    def need(value: Any, label: str) -> Any:
        if value is None:
            raise invalid_argument(f"-{mode} needs -{label}.", mode)
        return value

    if mode == "Untagged":
        return VlanConfig()
    if mode == "Access":
        return VlanConfig(VlanMode.Access, access_vlan_id=check_vlan_id(need(vlan_id, "VlanId"),
                                                                        "VlanId"))
    if mode == "Trunk":
        native_id = need(native, "NativeVlanId")
        if native_id != 0:
            check_vlan_id(native_id, "NativeVlanId")
        return VlanConfig(VlanMode.Trunk, native_vlan_id=native_id,
                          allowed_vlan_ids=parse_vlan_list(need(allowed, "AllowedVlanIdList"),
                                                           "AllowedVlanIdList"))
    private = PrivateVlanMode[mode]
    primary_id = check_vlan_id(need(primary, "PrimaryVlanId"), "PrimaryVlanId")
    if private is PrivateVlanMode.Promiscuous:
        return VlanConfig(VlanMode.Private, private_mode=private, primary_vlan_id=primary_id,
                          secondary_vlan_ids=parse_vlan_list(
                              need(secondary_list, "SecondaryVlanIdList"), "SecondaryVlanIdList"))
    secondary_id = check_vlan_id(need(secondary, "SecondaryVlanId"), "SecondaryVlanId")
    if secondary_id == primary_id:
        raise invalid_argument("A private VLAN's secondary id differs from its primary id "
                               f"({primary_id}).", secondary_id)
    return VlanConfig(VlanMode.Private, private_mode=private, primary_vlan_id=primary_id,
                      secondary_vlan_id=secondary_id)


def set_vlan(lab: Lab, adapter: VMNetworkAdapter, config: VlanConfig) -> None:
    adapter.vlan = config
    lab.record(EventKind.AdapterConfigured, _owner(adapter),
               f"Network adapter '{adapter.name}' of '{_owner(adapter)}' uses VLAN mode "
               f"{config.mode.name}.")


# ---------------------------------------------------------------------------
# The management OS's vNICs
# ---------------------------------------------------------------------------

def add_management_adapter(lab: Lab, host: Host, name: str | None, switch_name: str | None,
                           static_mac: str | None = None) -> VMNetworkAdapter:
    """Add-VMNetworkAdapter -ManagementOS: a host vNIC on an external or
    internal switch (a private switch never reaches the host)."""
    if not switch_name:
        raise invalid_argument("A management OS network adapter is added to a virtual switch: "
                               "give -SwitchName.", host.name)
    switch = host.switch(switch_name)
    if switch is None:
        raise switch_missing(host, switch_name)
    if switch.switch_type is VMSwitchType.Private:
        raise invalid_argument(
            f"'{switch.name}' is a private virtual switch, which the management OS cannot be "
            "connected to. Use an external or internal switch.", switch.name)
    name = name or switch.name
    if any(a.name.lower() == name.lower() for a in host.management_adapters):
        raise invalid_argument(f"The management OS of '{host.name}' already has a network "
                               f"adapter named '{name}'. Choose another -Name.", name)
    mac = normalize_mac(static_mac) if static_mac else None
    adapter = VMNetworkAdapter(name, mac or host.allocate_mac(), switch_name=switch.name,
                               dynamic_mac_address=mac is None, management_host=host.name)
    host.management_adapters.append(adapter)
    lab.record(EventKind.AdapterAdded, host.name, f"Management OS network adapter '{name}' was "
               f"added to '{host.name}' on switch '{switch.name}'.")
    return adapter


def remove_management_adapter(lab: Lab, host: Host, adapter: VMNetworkAdapter) -> None:
    host.management_adapters.remove(adapter)
    lab.record(EventKind.AdapterRemoved, host.name, f"Management OS network adapter "
               f"'{adapter.name}' was removed from '{host.name}'.")


def is_live(lab: Lab, adapter: VMNetworkAdapter) -> bool:
    """Whether the adapter is still part of its VM or host."""
    if adapter.vm is not None:
        vm = adapter.vm
        return adapter in vm.network_adapters and lab.vm_by_id(vm.id) is vm
    host = lab.find_host(adapter.management_host)
    return host is not None and adapter in host.management_adapters

