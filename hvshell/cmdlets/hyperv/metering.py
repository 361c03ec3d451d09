"""Resource metering and integration services: Enable-, Disable-,
Reset-VMResourceMetering, Measure-VM, Get-, Enable-,
Disable-VMIntegrationService (docs/cmdlets.md).  Resource
pools are not modelled."""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.hyperv._common import (computer_name_param, lab, report, target_vms,
                                     vms_by_vm_name)
from hvshell.model.compute import usage
from hvshell.model.kernel.errors import LabError, invalid_argument, invalid_state
from hvshell.model.kernel.events import EventKind
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.model.compute.usage import VMMeteringReport
from hvshell.model.compute.versions import require_feature
from hvshell.model.compute.vm import VM, VMIntegrationComponent
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch

INVALID_ARGUMENT = "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException"


class _MeteringSwitch(Cmdlet):
    """Enable-, Disable- and Reset-VMResourceMetering share their sets."""
    default_set = "VMName"

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    ComputerName = Parameter(str, array=True, sets=("VMName",), by_property=True,
                             complete="host")

    def apply(self, vm: VM) -> None:
        raise NotImplementedError

    def process(self) -> None:
        for vm in vms_by_vm_name(self):
            try:
                require_feature(vm.host.version, "ResourceMetering", vm.host_name)
                self.apply(vm)
            except LabError as error:
                report(self, error)


class EnableVMResourceMetering(_MeteringSwitch):
    """Starts collecting resource use of virtual machines (Measure-VM reads
    it): processor, memory, disk space and Storage QoS-normalized I/O."""
    name = "Enable-VMResourceMetering"

    def apply(self, vm: VM) -> None:
        usage.start_metering(lab(self), vm)


class DisableVMResourceMetering(_MeteringSwitch):
    """Stops resource metering of virtual machines and drops what it
    collected."""
    name = "Disable-VMResourceMetering"

    def apply(self, vm: VM) -> None:
        usage.stop_metering(lab(self), vm)


class ResetVMResourceMetering(_MeteringSwitch):
    """Clears what resource metering collected; counting starts again now."""
    name = "Reset-VMResourceMetering"

    def apply(self, vm: VM) -> None:
        if not vm.resource_metering_enabled:
            raise _not_metered(vm)
        usage.reset_metering(lab(self), vm)


def _not_metered(vm: VM) -> LabError:
    return invalid_state(f"Resource metering is not enabled for '{vm.name}'. Turn it on with "
                         f"Enable-VMResourceMetering -VMName {vm.name}, let it run, then measure.",
                         vm.name)


class MeasureVM(Cmdlet):
    """Reports a virtual machine's resource use since metering began:
    average processor (MHz), average, minimum and maximum memory, disk
    space, and per-disk normalized IOPS (capped by Storage QoS), latency and
    data read and written."""
    name = "Measure-VM"
    default_set = "Name"
    output_type = VMMeteringReport.PS_TYPE

    Name = Parameter(str, array=True, position=0, mandatory=True, sets=("Name",), pipeline=True,
                     aliases=("VMName",), complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    ComputerName = computer_name_param(sets=("Name",))

    def process(self) -> None:
        for vm in target_vms(self):
            if not vm.resource_metering_enabled:
                report(self, _not_metered(vm))
                continue
            self.write(usage.measure(lab(self), vm))


# ---------------------------------------------------------------------------
# Integration services
# ---------------------------------------------------------------------------

def _services(cmdlet: Any, vm: VM, names: list[str] | None) -> list[VMIntegrationComponent]:
    """The VM's integration services matching the names (wildcards
    allowed); an exact name the VM does not offer is an error."""
    offered = list(vm.integration_services)
    if not names:
        return [VMIntegrationComponent(vm, name) for name in offered]
    found: list[str] = []
    for pattern in names:
        matched = [n for n in offered if wildcard_match(str(pattern), n)]
        if not matched and not has_wildcard(str(pattern)):
            report(cmdlet, invalid_argument(
                f"'{vm.name}' has no integration service named '{pattern}'. Its services: "
                f"{', '.join(offered)}.", pattern))
        found.extend(n for n in matched if n not in found)
    return [VMIntegrationComponent(vm, name) for name in offered if name in found]


class GetVMIntegrationService(Cmdlet):
    """Gets the integration services of virtual machines and whether they
    are enabled and answering."""
    name = "Get-VMIntegrationService"
    default_set = "VMName"
    output_type = VMIntegrationComponent.PS_TYPE

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       pipeline=True, complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    Name = Parameter(str, array=True, position=1)
    ComputerName = computer_name_param(sets=("VMName",))

    def process(self) -> None:
        for vm in vms_by_vm_name(self):
            for service in _services(self, vm, self.Name):
                self.write(service)


class _ServiceSwitch(Cmdlet):
    """Enable- and Disable-VMIntegrationService share their sets."""
    default_set = "VMName"
    supports_should_process = True
    enable: bool

    Name = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName", "VMObject"))
    VMName = Parameter(str, array=True, position=1, mandatory=True, sets=("VMName",),
                       pipeline=True, complete="vm")
    VM = Parameter(VM, array=True, position=1, mandatory=True, sets=("VMObject",), pipeline=True)
    VMIntegrationService = Parameter(VMIntegrationComponent, array=True, position=0,
                                     mandatory=True, sets=("VMIntegrationService",),
                                     pipeline=True)
    ComputerName = computer_name_param(sets=("VMName",))
    Passthru = Parameter(Switch)

    def process(self) -> None:
        if self.parameter_set == "VMIntegrationService":
            chosen = list(self.VMIntegrationService)
        else:
            chosen = [s for vm in vms_by_vm_name(self) for s in _services(self, vm, self.Name)]
        verb = "enable" if self.enable else "disable"
        for service in chosen:
            vm = service.vm
            if not self.should_process(vm.name, whatif_text=f'{self.name} will {verb} the '
                                                             f'integration service '
                                                             f'"{service.name}" of "{vm.name}".'):
                continue
            if vm.integration_services.get(service.name) != self.enable:
                vm.integration_services[service.name] = self.enable
                lab(self).record(EventKind.IntegrationServiceChanged, vm.name,
                                 f"Integration service '{service.name}' of '{vm.name}' was "
                                 f"{verb}d.")
            if self.Passthru:
                self.write(service)


class EnableVMIntegrationService(_ServiceSwitch):
    """Enables integration services of virtual machines (e.g. Shutdown, so
    Stop-VM can shut the guest down)."""
    name = "Enable-VMIntegrationService"
    enable = True


class DisableVMIntegrationService(_ServiceSwitch):
    """Disables integration services of virtual machines."""
    name = "Disable-VMIntegrationService"
    enable = False
