"""A network adapter's settings: Set-VMNetworkAdapter (port security,
mirroring, VMQ, bandwidth, MAC address), Rename-VMNetworkAdapter, and
Get-/Set-VMNetworkAdapterVlan, on VM adapters and on the management OS's
vNICs (-ManagementOS) alike.  The adapters are chosen as the other
adapter cmdlets choose them (network.py)."""
from __future__ import annotations

from hvshell.cmdlets.hyperv._common import lab, report
from hvshell.cmdlets.hyperv.network import chosen_adapters
from hvshell.model.compute.vm import VM
from hvshell.model.kernel.codec import detached_copy
from hvshell.model.kernel.errors import LabError, invalid_argument
from hvshell.model.network import adapters as netadapters
from hvshell.model.network.objects import (OnOffState, PortMirroringMode, VMNetworkAdapter,
                                           VMNetworkAdapterVlanSetting)
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch


def _whatif(adapter: VMNetworkAdapter, what: str) -> str:
    owner = (f'the virtual machine "{adapter.vm.name}"' if adapter.vm is not None
             else f'the management OS of "{adapter.management_host}"')
    return f'{what} the network adapter "{adapter.name}" of {owner}.'


class SetVMNetworkAdapter(Cmdlet):
    """Configures network adapters of virtual machines or of the management
    OS: port security (DHCP guard, router guard, MAC address spoofing),
    port mirroring, VMQ weight, bandwidth limits and the MAC address.

    -MinimumBandwidthWeight (0-100) applies on switches that reserve
    bandwidth by weight, -MinimumBandwidthAbsolute (bits per second) on
    those that reserve absolute rates; bandwidths are rounded to a multiple
    of eight, and 0 turns a setting off. The MAC address of a VM's adapter
    changes only while the VM is off."""
    name = "Set-VMNetworkAdapter"
    default_set = "VMName"
    supports_should_process = True
    output_type = VMNetworkAdapter.PS_TYPE

    VMName = Parameter(str, array=False, position=0, mandatory=True, sets=("VMName",),
                       complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    VMNetworkAdapter = Parameter(VMNetworkAdapter, array=True, position=0, mandatory=True,
                                 sets=("ResourceObject",), pipeline=True)
    ManagementOS = Parameter(Switch, mandatory=True, sets=("ManagementOS",))
    ComputerName = Parameter(str, array=True, sets=("VMName", "ManagementOS"), complete="host")
    Name = Parameter(str, sets=("VMName", "VMObject", "ManagementOS"),
                     aliases=("VMNetworkAdapterName",))
    DynamicMacAddress = Parameter(Switch, sets=("VMName", "ResourceObject", "VMObject"))
    StaticMacAddress = Parameter(str, sets=("VMName", "ResourceObject", "VMObject"))
    MacAddressSpoofing = Parameter(OnOffState)
    DhcpGuard = Parameter(OnOffState)
    RouterGuard = Parameter(OnOffState)
    PortMirroring = Parameter(PortMirroringMode)
    IeeePriorityTag = Parameter(OnOffState)
    AllowTeaming = Parameter(OnOffState)
    VmqWeight = Parameter(int)
    MaximumBandwidth = Parameter(int)
    MinimumBandwidthAbsolute = Parameter(int)
    MinimumBandwidthWeight = Parameter(int)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        wanted = netadapters.AdapterSettings(
            dynamic_mac=bool(self.DynamicMacAddress), static_mac=self.StaticMacAddress,
            mac_address_spoofing=self.MacAddressSpoofing, dhcp_guard=self.DhcpGuard,
            router_guard=self.RouterGuard, port_mirroring=self.PortMirroring,
            ieee_priority_tag=self.IeeePriorityTag, allow_teaming=self.AllowTeaming,
            vmq_weight=self.VmqWeight, maximum_bandwidth=self.MaximumBandwidth,
            minimum_bandwidth_absolute=self.MinimumBandwidthAbsolute,
            minimum_bandwidth_weight=self.MinimumBandwidthWeight)
        for adapter in chosen_adapters(self, [self.Name] if self.Name else None):
            if not self.should_process(adapter.name, whatif_text=_whatif(
                    adapter, "Set-VMNetworkAdapter will configure")):
                continue
            try:
                netadapters.set_adapter(lab(self), adapter, wanted)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(adapter)


class RenameVMNetworkAdapter(Cmdlet):
    """Renames network adapters of virtual machines or of the management
    OS (a host vNIC shows as 'vEthernet (name)')."""
    name = "Rename-VMNetworkAdapter"
    default_set = "VMName"
    supports_should_process = True
    output_type = VMNetworkAdapter.PS_TYPE

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    VMNetworkAdapter = Parameter(VMNetworkAdapter, array=True, position=0, mandatory=True,
                                 sets=("ResourceObject",), pipeline=True)
    ManagementOS = Parameter(Switch, mandatory=True, sets=("ManagementOS",))
    ComputerName = Parameter(str, array=True, sets=("VMName", "ManagementOS"), complete="host")
    Name = Parameter(str, position=1, sets=("VMName", "VMObject", "ManagementOS"))
    NewName = Parameter(str, position=2, mandatory=True)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        for adapter in chosen_adapters(self, [self.Name] if self.Name else None):
            if not self.should_process(adapter.name, whatif_text=_whatif(
                    adapter, f'Rename-VMNetworkAdapter will rename to "{self.NewName}"')):
                continue
            try:
                netadapters.rename_adapter(lab(self), adapter, self.NewName)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(adapter)


class GetVMNetworkAdapterVlan(Cmdlet):
    """Gets the VLAN configuration of network adapters of virtual machines
    or of the management OS."""
    name = "Get-VMNetworkAdapterVlan"
    default_set = "VMName"
    output_type = VMNetworkAdapterVlanSetting.PS_TYPE

    VMName = Parameter(str, array=True, position=0, mandatory=False, sets=("VMName",),
                       complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    VMNetworkAdapter = Parameter(VMNetworkAdapter, array=True, position=0, mandatory=True,
                                 sets=("ResourceObject",), pipeline=True)
    ManagementOS = Parameter(Switch, mandatory=True, sets=("ManagementOS",))
    ComputerName = Parameter(str, array=True, sets=("VMName", "ManagementOS"), complete="host")
    VMNetworkAdapterName = Parameter(str, sets=("VMName", "VMObject", "ManagementOS"))

    def process(self) -> None:
        if self.parameter_set == "VMName" and not self.VMName:
            self.VMName = ["*"]
        for adapter in chosen_adapters(self, [self.VMNetworkAdapterName]
                                       if self.VMNetworkAdapterName else None):
            self.write(adapter.VlanSetting)


# The switch parameters that choose a VLAN mode, and the mode each means.
VLAN_MODES = ("Untagged", "Access", "Trunk", "Isolated", "Community", "Promiscuous")


class SetVMNetworkAdapterVlan(Cmdlet):
    """Configures the VLAN of network adapters of virtual machines or of the
    management OS: -Untagged, -Access -VlanId, -Trunk -NativeVlanId
    -AllowedVlanIdList, or a private VLAN (-Isolated or -Community with
    -PrimaryVlanId and -SecondaryVlanId, -Promiscuous with
    -SecondaryVlanIdList). VLAN ids run from 1 to 4094."""
    name = "Set-VMNetworkAdapterVlan"
    default_set = "VMName"
    supports_should_process = True
    output_type = VMNetworkAdapterVlanSetting.PS_TYPE

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    VMNetworkAdapter = Parameter(VMNetworkAdapter, array=True, position=0, mandatory=True,
                                 sets=("ResourceObject",), pipeline=True)
    ManagementOS = Parameter(Switch, mandatory=True, sets=("ManagementOS",))
    ComputerName = Parameter(str, array=True, sets=("VMName", "ManagementOS"), complete="host")
    VMNetworkAdapterName = Parameter(str, sets=("VMName", "VMObject", "ManagementOS"))
    Untagged = Parameter(Switch)
    Access = Parameter(Switch)
    VlanId = Parameter(int, aliases=("AccessVlanId",))
    Trunk = Parameter(Switch)
    NativeVlanId = Parameter(int)
    AllowedVlanIdList = Parameter(str)
    Isolated = Parameter(Switch)
    Community = Parameter(Switch)
    Promiscuous = Parameter(Switch)
    PrimaryVlanId = Parameter(int)
    SecondaryVlanId = Parameter(int)
    SecondaryVlanIdList = Parameter(str)
    Passthru = Parameter(Switch)

    def begin(self) -> None:
        self.config = None
        modes = [mode for mode in VLAN_MODES if getattr(self, mode)]
        try:
            if len(modes) != 1:
                raise invalid_argument(
                    "Choose one VLAN mode: -Untagged, -Access, -Trunk, -Isolated, -Community or "
                    "-Promiscuous" + (f" (given: {', '.join('-' + m for m in modes)})."
                                      if modes else "."), None)
            self.config = netadapters.vlan_config(
                modes[0], self.VlanId, self.NativeVlanId, self.AllowedVlanIdList,
                self.PrimaryVlanId, self.SecondaryVlanId, self.SecondaryVlanIdList)
        except LabError as error:
            report(self, error)

    def process(self) -> None:
        if self.config is None:
            return
        for adapter in chosen_adapters(self, [self.VMNetworkAdapterName]
                                       if self.VMNetworkAdapterName else None):
            if not self.should_process(adapter.name, whatif_text=_whatif(
                    adapter, "Set-VMNetworkAdapterVlan will configure the VLAN of")):
                continue
            # Each adapter its own copy: one's later change must not reach another.
            netadapters.set_vlan(lab(self), adapter, detached_copy(self.config))
            if self.Passthru:
                self.write(adapter.VlanSetting)

