"""Virtual switches and VM network adapters: New-, Get-, Remove-VMSwitch;
Add-, Get-, Connect-, Disconnect-, Remove-VMNetworkAdapter
(docs/cmdlets.md), each also on the management OS's own vNICs
(-ManagementOS).  Resource pools are not modelled.  What selects adapters
here (by VM and name, host vNICs, objects piped in) the adapter-settings
cmdlets (adapter_settings.py) share."""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.hyperv._common import hosts_for, lab, report, vms_named
from hvshell.model.network import adapters as netadapters
from hvshell.model.network import config as netconfig
from hvshell.model.kernel.errors import LabError, invalid_argument
from hvshell.model.compute.host import Host
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.model.network.objects import BandwidthMode, VMNetworkAdapter, VMSwitch, VMSwitchType
from hvshell.model.compute.vm import VM
from hvshell.runtime.cmdlet import Cmdlet, In, Parameter, Switch

INVALID_ARGUMENT = "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException"


def _computer_name(sets: tuple = (), by_property: bool = False) -> Parameter:
    return Parameter(str, array=True, sets=sets, by_property=by_property,
                     aliases=("PSComputerName",) if by_property else (), complete="host")


def vms_of(cmdlet: Any) -> list[VM]:
    """The VMs of -VM (still in the lab) or of -VMName/-ComputerName."""
    if getattr(cmdlet, "VM", None):
        the_lab = lab(cmdlet)
        return [vm for vm in cmdlet.VM if the_lab.vm_by_id(vm.id) is vm]
    names = cmdlet.VMName
    return vms_named(cmdlet, [names] if isinstance(names, str) else names,
                     getattr(cmdlet, "ComputerName", None))


def adapters_of(cmdlet: Any, vms: list[VM], names: list[str] | None) -> list[VMNetworkAdapter]:
    """The adapters of `vms` whose names match; a name without wildcards
    that matches no adapter of a VM is an error."""
    found = []
    for vm in vms:
        found.extend(_matching(cmdlet, vm.network_adapters, names, f"'{vm.name}'",
                               f"-VMName {vm.name}"))
    return found


def management_adapters(cmdlet: Any, names: list[str] | None,
                        switch_name: str | None = None) -> list[VMNetworkAdapter]:
    """The management OS's vNICs on the -ComputerName hosts, by name and
    switch."""
    found = []
    for host in hosts_for(cmdlet, getattr(cmdlet, "ComputerName", None)):
        adapters = [a for a in host.management_adapters
                    if switch_name is None or (a.switch_name or "").lower() == switch_name.lower()]
        found.extend(_matching(cmdlet, adapters, names, f"The management OS of '{host.name}'",
                               f"-ManagementOS -ComputerName {host.name}"))
    return found


def _matching(cmdlet: Any, adapters: list[VMNetworkAdapter], names: list[str] | None,
              owner: str, how: str) -> list[VMNetworkAdapter]:
    if not names:
        return list(adapters)
    found: list[VMNetworkAdapter] = []
    for pattern in names:
        matched = [a for a in adapters if wildcard_match(str(pattern), a.name)]
        if not matched and not has_wildcard(str(pattern)):
            cmdlet.write_error(f"{owner} has no network adapter named '{pattern}'. List them "
                               f"with Get-VMNetworkAdapter {how}.", "InvalidParameter",
                               "InvalidArgument", pattern, INVALID_ARGUMENT)
        found.extend(a for a in matched if a not in found)
    return found


def live_adapters(cmdlet: Any, adapters: list[VMNetworkAdapter]) -> list[VMNetworkAdapter]:
    live = []
    for adapter in adapters:
        if netadapters.is_live(lab(cmdlet), adapter):
            live.append(adapter)
        else:
            cmdlet.write_error("The network adapter is no longer part of a virtual machine or "
                               "host (it was removed since it was read). Get it again with "
                               "Get-VMNetworkAdapter.", "ObjectNotFound", "ObjectNotFound",
                               adapter.name, INVALID_ARGUMENT)
    return live


def chosen_adapters(cmdlet: Any, names: list[str] | None) -> list[VMNetworkAdapter]:
    """The adapters a cmdlet with the usual sets names: piped in
    (-VMNetworkAdapter), the management OS's (-ManagementOS), or those of
    the -VM / -VMName (and -ComputerName) VMs."""
    if getattr(cmdlet, "VMNetworkAdapter", None):
        return live_adapters(cmdlet, cmdlet.VMNetworkAdapter)
    if getattr(cmdlet, "ManagementOS", False):
        return management_adapters(cmdlet, names)
    return adapters_of(cmdlet, vms_of(cmdlet), names)


# ---------------------------------------------------------------------------
# Virtual switches
# ---------------------------------------------------------------------------

class NewVMSwitch(Cmdlet):
    """Creates a virtual switch.

    -NetAdapterName makes an External switch bound to that NIC or NIC team
    interface (shared with the host unless -AllowManagementOS $false);
    -SwitchType Internal or Private makes one that reaches no physical
    network. Live migration needs a switch of the same name on the
    destination host."""
    name = "New-VMSwitch"
    default_set = "NetAdapterName"
    supports_should_process = True
    output_type = VMSwitch.PS_TYPE

    Name = Parameter(str, position=0, mandatory=True, aliases=("SwitchName",))
    NetAdapterName = Parameter(str, mandatory=True, sets=("NetAdapterName",), by_property=True,
                               aliases=("InterfaceAlias",))
    SwitchType = Parameter(VMSwitchType, mandatory=True, sets=("SwitchType",))
    AllowManagementOS = Parameter(bool, sets=("NetAdapterName",), default=True)
    Notes = Parameter(str)
    MinimumBandwidthMode = Parameter(BandwidthMode)
    ComputerName = _computer_name(by_property=True)

    def process(self) -> None:
        if self.parameter_set == "SwitchType" and self.SwitchType is VMSwitchType.External:
            self.write_error("An External switch is made by naming the network adapter it binds: "
                             "use -NetAdapterName (a NIC or NIC team interface) instead of "
                             "-SwitchType External.", "InvalidParameter", "InvalidArgument",
                             self.Name, INVALID_ARGUMENT)
            return
        kind = VMSwitchType.External if self.parameter_set == "NetAdapterName" else self.SwitchType
        for host in hosts_for(self, self.ComputerName):
            if not self.should_process(self.Name, whatif_text=f'New-VMSwitch will create a new '
                                                               f'virtual switch "{self.Name}" on '
                                                               f'{host.name}.'):
                continue
            try:
                switch = netconfig.new_switch(lab(self), host, self.Name, kind,
                                              self.NetAdapterName, bool(self.AllowManagementOS),
                                              self.Notes or "", self.MinimumBandwidthMode)
            except LabError as error:
                report(self, error)
                continue
            self.write(switch)


def _switches(cmdlet: Any, host: Host, names: list[str] | None) -> list[VMSwitch]:
    if not names:
        return list(host.switches)
    found: list[VMSwitch] = []
    for pattern in names:
        matched = [s for s in host.switches if wildcard_match(str(pattern), s.name)]
        if not matched and not has_wildcard(str(pattern)):
            cmdlet.write_error(f'Hyper-V was unable to find a virtual switch with name '
                               f'"{pattern}" on host \'{host.name}\'. List the switches with '
                               'Get-VMSwitch.', "InvalidParameter", "InvalidArgument", pattern,
                               INVALID_ARGUMENT)
        found.extend(s for s in matched if s not in found)
    return found


class GetVMSwitch(Cmdlet):
    """Gets the virtual switches of Hyper-V hosts, by name (wildcards), Id
    or type."""
    name = "Get-VMSwitch"
    default_set = "Name"
    output_type = VMSwitch.PS_TYPE

    Name = Parameter(str, position=0, sets=("Name",), aliases=("SwitchName",), complete="switch")
    Id = Parameter("guid", array=True, position=0, sets=("Id",), pipeline=True, by_property=True,
                   aliases=("SwitchId",))
    SwitchType = Parameter(VMSwitchType, array=True)
    ComputerName = _computer_name()

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            if self.parameter_set == "Id" and self.Id:
                switches = [s for s in host.switches if any(s.id == i for i in self.Id)]
            else:
                switches = _switches(self, host, [self.Name] if self.Name else None)
            for switch in switches:
                if not self.SwitchType or switch.switch_type in self.SwitchType:
                    self.write(switch)


class RemoveVMSwitch(Cmdlet):
    """Deletes a virtual switch; the VM network adapters connected to it are
    left unconnected."""
    name = "Remove-VMSwitch"
    default_set = "Name"
    supports_should_process = True
    confirm_impact = "High"

    Name = Parameter(str, array=True, position=0, mandatory=True, sets=("Name",),
                     aliases=("SwitchName",), complete="switch")
    VMSwitch = Parameter(VMSwitch, array=True, position=0, mandatory=True, sets=("SwitchObject",),
                         pipeline=True)
    ComputerName = _computer_name(sets=("Name",))
    Force = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        if self.parameter_set == "SwitchObject":
            pairs = []
            for switch in self.VMSwitch:
                host = the_lab.find_host(switch.host_name)
                if host is None or switch not in host.switches:
                    self.write_error(f"The virtual switch '{switch.name}' no longer exists.",
                                     "ObjectNotFound", "ObjectNotFound", switch.name,
                                     INVALID_ARGUMENT)
                else:
                    pairs.append((host, switch))
        else:
            pairs = [(host, switch) for host in hosts_for(self, self.ComputerName)
                     for switch in _switches(self, host, self.Name)]
        for host, switch in pairs:
            if self.should_process(switch.name, whatif_text=f'Remove-VMSwitch will remove the '
                                                             f'virtual switch "{switch.name}".'):
                netconfig.remove_switch(the_lab, host, switch)


# ---------------------------------------------------------------------------
# VM network adapters
# ---------------------------------------------------------------------------

class AddVMNetworkAdapter(Cmdlet):
    """Adds a network adapter to a virtual machine (off, on Windows Server
    2012 R2), optionally connected to a switch; -ManagementOS adds a host
    vNIC to an external or internal switch (converged networking).

    -IsLegacy $true adds an emulated adapter (generation 1 only); a
    -StaticMacAddress replaces the host's dynamic one."""
    name = "Add-VMNetworkAdapter"
    default_set = "VMName"
    supports_should_process = True

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       pipeline=True, complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    ManagementOS = Parameter(Switch, mandatory=True, sets=("ManagementOS",))
    SwitchName = Parameter(str, complete="switch")
    IsLegacy = Parameter(bool, default=False, sets=("VMName", "VMObject"))
    Name = Parameter(str, aliases=("VMNetworkAdapterName",))
    DynamicMacAddress = Parameter(Switch)
    StaticMacAddress = Parameter(str)
    Passthru = Parameter(Switch)
    ComputerName = _computer_name(sets=("VMName", "ManagementOS"))

    def process(self) -> None:
        if self.DynamicMacAddress and self.StaticMacAddress:
            self.write_error("-DynamicMacAddress and -StaticMacAddress cannot be used together. "
                             "Choose one.", "InvalidParameter", "InvalidArgument", None,
                             INVALID_ARGUMENT)
            return
        if self.parameter_set == "ManagementOS":
            self._add_to_hosts()
            return
        for vm in vms_of(self):
            if not self.should_process(vm.name, whatif_text=f'Add-VMNetworkAdapter will add a '
                                                             f'network adapter to the virtual '
                                                             f'machine "{vm.name}".'):
                continue
            try:
                adapter = netconfig.add_adapter(lab(self), vm, self.Name, self.SwitchName,
                                                bool(self.IsLegacy), self.StaticMacAddress)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(adapter)

    def _add_to_hosts(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            if not self.should_process(host.name, whatif_text=f'Add-VMNetworkAdapter will add a '
                                                               f'network adapter to the management '
                                                               f'OS of "{host.name}".'):
                continue
            try:
                adapter = netadapters.add_management_adapter(lab(self), host, self.Name,
                                                             self.SwitchName,
                                                             self.StaticMacAddress)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(adapter)


class GetVMNetworkAdapter(Cmdlet):
    """Gets the network adapters of virtual machines (-All: of every VM on
    the host; -ManagementOS: the host's own vNICs)."""
    name = "Get-VMNetworkAdapter"
    default_set = "VMName"
    output_type = VMNetworkAdapter.PS_TYPE

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       pipeline=True, complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    All = Parameter(Switch, mandatory=True, sets=("All",))
    ManagementOS = Parameter(Switch, mandatory=True, sets=("ManagementOS",))
    SwitchName = Parameter(str, sets=("ManagementOS",), complete="switch")
    Name = Parameter(str, position=1, aliases=("VMNetworkAdapterName",))
    IsLegacy = Parameter(bool, sets=("VMName", "VMObject"))
    ComputerName = _computer_name(sets=("VMName", "All", "ManagementOS"))

    def process(self) -> None:
        if self.parameter_set == "ManagementOS":
            for adapter in management_adapters(self, [self.Name] if self.Name else None,
                                               self.SwitchName):
                self.write(adapter)
            return
        if self.parameter_set == "All":
            vms = [vm for host in hosts_for(self, self.ComputerName)
                   for vm in sorted(host.vms, key=lambda v: v.name.lower())]
        else:
            vms = vms_of(self)
        for adapter in adapters_of(self, vms, [self.Name] if self.Name else None):
            if self.IsLegacy is None or adapter.is_legacy == self.IsLegacy:
                self.write(adapter)


class ConnectVMNetworkAdapter(Cmdlet):
    """Connects virtual machine network adapters to a virtual switch of
    their host (by -SwitchName or a -VMSwitch object)."""
    name = "Connect-VMNetworkAdapter"
    default_set = "Name_SwitchName"
    supports_should_process = True

    VMName = Parameter(str, array=True, position=0, mandatory=True,
                       sets=("Name_SwitchName", "Name_SwitchObject"), complete="vm")
    VMNetworkAdapter = Parameter(VMNetworkAdapter, array=True, position=0, mandatory=True,
                                 sets=("Object_SwitchName", "Object_SwitchObject"), pipeline=True)
    Name = Parameter(str, array=True, position=1, sets=("Name_SwitchName", "Name_SwitchObject"),
                     aliases=("VMNetworkAdapterName",))
    SwitchName = Parameter(str, mandatory=True, complete="switch",
                           sets=(In("Name_SwitchName", position=2),
                                 In("Object_SwitchName", position=1)))
    VMSwitch = Parameter(VMSwitch, mandatory=True, pipeline=True,
                         sets=(In("Name_SwitchObject", position=2),
                               In("Object_SwitchObject", position=1)))
    ComputerName = _computer_name(sets=("Name_SwitchName",))
    Passthru = Parameter(Switch)

    def process(self) -> None:
        for adapter in chosen_adapters(self, self.Name):
            vm = adapter.vm
            switch_name = self.SwitchName
            if self.VMSwitch is not None:
                if self.VMSwitch.host_name.lower() != vm.host_name.lower():
                    report(self, invalid_argument(
                        f"The virtual switch '{self.VMSwitch.name}' is on host "
                        f"'{self.VMSwitch.host_name}', but '{vm.name}' runs on "
                        f"'{vm.host_name}'. Connect it to a switch of its own host.", vm.name))
                    continue
                switch_name = self.VMSwitch.name
            if not self.should_process(vm.name, whatif_text=f'Connect-VMNetworkAdapter will '
                                                             f'connect the network adapter '
                                                             f'"{adapter.name}" of "{vm.name}" '
                                                             f'to "{switch_name}".'):
                continue
            try:
                netconfig.connect_adapter(lab(self), adapter, switch_name)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(adapter)


class DisconnectVMNetworkAdapter(Cmdlet):
    """Disconnects virtual machine network adapters from their switch."""
    name = "Disconnect-VMNetworkAdapter"
    default_set = "Name"
    supports_should_process = True

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("Name",), complete="vm")
    Name = Parameter(str, array=True, position=1, sets=("Name",), aliases=("VMNetworkAdapterName",))
    VMNetworkAdapter = Parameter(VMNetworkAdapter, array=True, position=0, mandatory=True,
                                 sets=("Object",), pipeline=True)
    ComputerName = _computer_name(sets=("Name",))
    Passthru = Parameter(Switch)

    def process(self) -> None:
        for adapter in chosen_adapters(self, self.Name):
            if self.should_process(adapter.vm.name,
                                   whatif_text=f'Disconnect-VMNetworkAdapter will disconnect the '
                                               f'network adapter "{adapter.name}" of '
                                               f'"{adapter.vm.name}".'):
                netconfig.disconnect_adapter(lab(self), adapter)
                if self.Passthru:
                    self.write(adapter)


class RemoveVMNetworkAdapter(Cmdlet):
    """Removes network adapters from a virtual machine (off, on Windows
    Server 2012 R2)."""
    name = "Remove-VMNetworkAdapter"
    default_set = "VMName"
    supports_should_process = True

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    Name = Parameter(str, position=1, mandatory=True, aliases=("VMNetworkAdapterName",),
                     sets=("VMName", "VMObject", In("ManagementOS", position=None,
                                                     mandatory=False)))
    ManagementOS = Parameter(Switch, mandatory=True, sets=("ManagementOS",))
    SwitchName = Parameter(str, sets=("ManagementOS",), complete="switch")
    VMNetworkAdapter = Parameter(VMNetworkAdapter, array=True, position=0, mandatory=True,
                                 sets=("Object",), pipeline=True)
    ComputerName = _computer_name(sets=("VMName", "ManagementOS"))
    Passthru = Parameter(Switch)

    def process(self) -> None:
        if self.parameter_set == "Object":
            adapters = live_adapters(self, self.VMNetworkAdapter)
        elif self.parameter_set == "ManagementOS":
            adapters = management_adapters(self, [self.Name] if self.Name else None,
                                           self.SwitchName)
        else:
            adapters = adapters_of(self, vms_of(self), [self.Name])
        for adapter in adapters:
            vm = adapter.vm
            if vm is None:
                self._remove_from_host(adapter)
                continue
            if not self.should_process(vm.name, whatif_text=f'Remove-VMNetworkAdapter will '
                                                             f'remove the network adapter '
                                                             f'"{adapter.name}" from "{vm.name}".'):
                continue
            try:
                netconfig.remove_adapter(lab(self), adapter)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(adapter)

    def _remove_from_host(self, adapter: VMNetworkAdapter) -> None:
        host = lab(self).find_host(adapter.management_host)
        if self.should_process(host.name, whatif_text=f'Remove-VMNetworkAdapter will remove the '
                                                       f'network adapter "{adapter.name}" from '
                                                       f'the management OS of "{host.name}".'):
            netadapters.remove_management_adapter(lab(self), host, adapter)
            if self.Passthru:
                self.write(adapter)
