"""Hyper-V VM lifecycle cmdlets: Get-VM, New-VM, Start-VM, Stop-VM,
Restart-VM, Save-VM, Suspend-VM, Resume-VM, Remove-VM, Set-VM, Get-/Set-VMMemory,
Get-/Set-VMProcessor (docs/cmdlets.md)."""
from __future__ import annotations

from typing import Any, ClassVar

from hvshell.cmdlets.hyperv._common import (OperationCmdlet, computer_name_param, hosts_for, lab, report,
                                     sorted_vms, target_vms, vm_name_param, vm_object_param,
                                     vms_named)
from hvshell.model.compute import build, config, power
from hvshell.model.cluster.objects import ClusterGroup
from hvshell.model.kernel.errors import LabError
from hvshell.model.compute.vm import VM, BootDevice, StartAction, StopAction, VMMemory, VMProcessor
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.runtime.errors import CmdletError

VM_TYPE = VM.PS_TYPE


def _whatif(cmdlet: Cmdlet, vm: VM, verb: str) -> bool:
    """Hyper-V's own -WhatIf wording: 'Start-VM will start the virtual
    machine "web01".'"""
    return cmdlet.should_process(vm.name, whatif_text=f'{cmdlet.name} will {verb} the virtual '
                                                      f'machine "{vm.name}".')


class GetVM(Cmdlet):
    """Gets the virtual machines from one or more Hyper-V hosts.

    Without parameters, every VM on the host the shell stands on. Names may
    hold wildcards; -ComputerName takes several hosts."""
    name = "Get-VM"
    default_set = "Name"
    output_type = VM_TYPE

    ComputerName = computer_name_param(sets=("Name", "Id"))
    Name = vm_name_param(mandatory=False)
    Id = Parameter("guid", position=0, sets=("Id",), pipeline=True, by_property=True)
    ClusterObject = Parameter(object, position=0, mandatory=True, sets=("ClusterObject",),
                              pipeline=True)

    def process(self) -> None:
        if self.parameter_set == "ClusterObject":
            self._from_cluster_object(self.ClusterObject)
        elif self.parameter_set == "Id" and self.Id is not None:
            found = [vm for host in hosts_for(self, self.ComputerName) for vm in host.vms
                     if vm.id == self.Id]
            if not found:
                self.write_error(f'Hyper-V was unable to find a virtual machine with id '
                                 f'"{self.Id}".', "InvalidParameter", "InvalidArgument", self.Id,
                                 "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
            for vm in found:
                self.write(vm)
        elif self.Name is None:
            for host in hosts_for(self, self.ComputerName):
                for vm in sorted_vms(host):
                    self.write(vm)
        else:
            for vm in vms_named(self, self.Name, self.ComputerName):
                self.write(vm)

    def _from_cluster_object(self, item: Any) -> None:
        items = item if isinstance(item, list) else [item]
        for obj in items:
            if isinstance(obj, VM):
                self.write(obj)
            elif isinstance(obj, ClusterGroup) and obj.vm is not None:
                self.write(obj.vm)
            else:
                self.write_error("The cluster object is not a virtual machine role. Pass the "
                                 "groups whose GroupType is VirtualMachine (Get-ClusterGroup | "
                                 "? GroupType -eq VirtualMachine | Get-VM).", "InvalidParameter",
                                 "InvalidArgument", obj,
                                 "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")


class NewVM(OperationCmdlet):
    """Creates a new virtual machine.

    The VM is created Off with one network adapter (connected with
    -SwitchName); -NewVHDPath/-NewVHDSizeBytes create a dynamic boot disk,
    -VHDPath attaches an existing one."""
    name = "New-VM"
    default_set = "No VHD"
    supports_should_process = True
    output_type = VM_TYPE

    Name = Parameter(str, position=0, pipeline=True, by_property=True, aliases=("VMName",))
    MemoryStartupBytes = Parameter(int, position=1)
    BootDevice = Parameter(BootDevice)
    NoVHD = Parameter(Switch, sets=("No VHD",))
    SwitchName = Parameter(str, complete="switch")
    NewVHDPath = Parameter(str, mandatory=True, sets=("New VHD",))
    NewVHDSizeBytes = Parameter(int, mandatory=True, sets=("New VHD",))
    VHDPath = Parameter(str, mandatory=True, sets=("Existing VHD",), complete="vhd")
    Path = Parameter(str)
    Generation = Parameter(int, position=2)
    AsJob = Parameter(Switch)
    ComputerName = computer_name_param(sets=())

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            name = self.Name if self.Name is not None else build.DEFAULT_VM_NAME
            if not self.should_process(name, whatif_text=f'New-VM will create a new virtual '
                                                          f'machine "{name}" on {host.name}.'):
                continue
            try:
                vm = build.new_vm(
                    lab(self), host, self.Name,
                    self.MemoryStartupBytes if self.MemoryStartupBytes is not None
                    else build.DEFAULT_STARTUP_MEMORY,
                    1 if self.Generation is None else self.Generation,
                    self.Path, self.NewVHDPath, self.NewVHDSizeBytes, self.VHDPath,
                    self.SwitchName, self.BootDevice.name if self.BootDevice else None)
            except LabError as error:
                report(self, error)
                continue
            if self.AsJob:
                self.ops.run(vm, lambda: _instant(), vm)
            else:
                self.write(vm)


def _instant() -> Any:
    """An operation that completes as soon as it starts."""
    yield 0.0


class _PowerCmdlet(OperationCmdlet):
    """A change of state on each VM named or piped in: the operation runs
    to its end, or, with -AsJob, all of them in one job."""
    default_set = "Name"
    supports_should_process = True
    verb: ClassVar[str] = ""          # as Hyper-V's -WhatIf line words it

    ComputerName = computer_name_param()
    Name = vm_name_param()
    VM = vm_object_param()
    AsJob = Parameter(Switch)

    def operation(self, vm: VM) -> Any:
        """The generator that performs the change on `vm`."""
        raise NotImplementedError

    def process(self) -> None:
        passthru = getattr(self, "Passthru", False)
        for vm in target_vms(self):
            if _whatif(self, vm, self.verb):
                self.ops.run(vm, lambda vm=vm: self.operation(vm), vm if passthru else None)


class StartVM(_PowerCmdlet):
    """Starts a virtual machine (from Off, or restores it from Saved)."""
    name = "Start-VM"
    verb = "start"
    Passthru = Parameter(Switch)

    def operation(self, vm: VM) -> Any:
        return power.begin_start(vm)


class StopVM(_PowerCmdlet):
    """Shuts down, turns off, or saves a virtual machine.

    Without a switch the guest is asked to shut down (Shutdown integration
    service); -TurnOff cuts the power; -Save saves its state; -Force turns
    off a guest that cannot be asked."""
    name = "Stop-VM"

    Force = Parameter(Switch)
    Save = Parameter(Switch)
    TurnOff = Parameter(Switch)
    Passthru = Parameter(Switch)

    def begin(self) -> None:
        if self.Save and self.TurnOff:
            raise CmdletError("-Save and -TurnOff cannot be used together: -Save keeps the "
                              "memory in a saved state, -TurnOff discards it. Choose one.",
                              "InvalidParameter", "InvalidArgument", None,
                              "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
        self.verb = "save" if self.Save else "turn off" if self.TurnOff else "shut down"
        super().begin()

    def operation(self, vm: VM) -> Any:
        if self.Save:
            return power.begin_save(vm)
        return power.begin_stop(vm, self.TurnOff, self.Force)


class RestartVM(_PowerCmdlet):
    """Restarts a running or paused virtual machine.

    On Windows Server 2012 R2 this is a reset: the power is cut and the
    guest boots again without shutting down."""
    name = "Restart-VM"
    verb = "restart"
    confirm_impact = "High"
    Force = Parameter(Switch)
    Passthru = Parameter(Switch)

    def operation(self, vm: VM) -> Any:
        return power.begin_restart(vm)


class SaveVM(_PowerCmdlet):
    """Saves a virtual machine: its memory goes to its storage, and it can
    be restored later with Start-VM."""
    name = "Save-VM"
    verb = "save"

    def operation(self, vm: VM) -> Any:
        return power.begin_save(vm)


class SuspendVM(_PowerCmdlet):
    """Pauses a running virtual machine."""
    name = "Suspend-VM"
    verb = "pause"
    Passthru = Parameter(Switch)

    def operation(self, vm: VM) -> Any:
        return power.begin_pause(vm)


class ResumeVM(_PowerCmdlet):
    """Resumes a paused virtual machine."""
    name = "Resume-VM"
    verb = "resume"
    Passthru = Parameter(Switch)

    def operation(self, vm: VM) -> Any:
        return power.begin_resume(vm)


class RemoveVM(OperationCmdlet):
    """Deletes a virtual machine's configuration; its VHD files stay.

    The VM must be off or saved."""
    name = "Remove-VM"
    default_set = "Name"
    supports_should_process = True
    confirm_impact = "High"

    ComputerName = computer_name_param()
    Name = vm_name_param()
    VM = vm_object_param()
    Force = Parameter(Switch)
    AsJob = Parameter(Switch)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        for vm in target_vms(self):
            if not _whatif(self, vm, "remove"):
                continue

            def begin(vm: VM = vm) -> Any:
                build.check_remove(the_lab, vm)
                return _removing(the_lab, vm)

            self.ops.run(vm, begin, vm if self.Passthru else None)


def _removing(the_lab: Any, vm: VM) -> Any:
    yield 0.0
    build.remove_vm(the_lab, vm)


class SetVM(Cmdlet):
    """Configures a virtual machine: processors, memory, automatic actions,
    notes, name and file locations.

    Processor count, startup memory and the memory type change only while
    the VM is off (Hyper-V on 2012 R2 has no hot add)."""
    name = "Set-VM"
    default_set = "Name"
    supports_should_process = True

    ComputerName = computer_name_param()
    Name = vm_name_param()
    VM = vm_object_param()
    ProcessorCount = Parameter(int)
    DynamicMemory = Parameter(Switch)
    StaticMemory = Parameter(Switch)
    MemoryMinimumBytes = Parameter(int)
    MemoryMaximumBytes = Parameter(int)
    MemoryStartupBytes = Parameter(int)
    SmartPagingFilePath = Parameter(str)
    AutomaticStartAction = Parameter(StartAction)
    AutomaticStopAction = Parameter(StopAction)
    AutomaticStartDelay = Parameter(int)
    Notes = Parameter(str)
    NewVMName = Parameter(str)
    SnapshotFileLocation = Parameter(str)
    Passthru = Parameter(Switch)
    AllowUnverifiedPaths = Parameter(Switch)

    def begin(self) -> None:
        if self.DynamicMemory and self.StaticMemory:
            raise CmdletError("-DynamicMemory and -StaticMemory cannot be used together. "
                              "Choose one.", "InvalidParameter", "InvalidArgument", None,
                              "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")

    def process(self) -> None:
        dynamic = True if self.DynamicMemory else False if self.StaticMemory else None
        for vm in target_vms(self):
            if not _whatif(self, vm, "configure"):
                continue
            try:
                with config.atomic(vm):
                    config.configure_memory(vm, startup=self.MemoryStartupBytes, dynamic=dynamic,
                                            minimum=self.MemoryMinimumBytes,
                                            maximum=self.MemoryMaximumBytes)
                    config.configure_processor(vm, count=self.ProcessorCount)
                    config.configure_vm(
                        vm, new_name=self.NewVMName, notes=self.Notes,
                        start_action=self.AutomaticStartAction,
                        start_delay=self.AutomaticStartDelay,
                        stop_action=self.AutomaticStopAction,
                        snapshot_location=self.SnapshotFileLocation,
                        smart_paging_path=self.SmartPagingFilePath,
                        verify_paths=not self.AllowUnverifiedPaths)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(vm)


class _MemoryTarget:
    """Sets shared by Get-/Set-VMMemory and Get-/Set-VMProcessor: -VMName
    (with -ComputerName) or -VM."""

    def vms(self: Any) -> list[VM]:
        if self.parameter_set == "VMObject":
            return target_vms(self)
        return vms_named(self, self.VMName, self.ComputerName)


class GetVMMemory(_MemoryTarget, Cmdlet):
    """Gets the memory settings of virtual machines."""
    name = "Get-VMMemory"
    default_set = "VMName"
    output_type = VMMemory.PS_TYPE

    ComputerName = computer_name_param(sets=("VMName",))
    VMName = vm_name_param("VMName", alias=False)
    VM = vm_object_param()

    def process(self) -> None:
        for vm in self.vms():
            self.write(VMMemory(vm))


class SetVMMemory(_MemoryTarget, Cmdlet):
    """Configures the memory of a virtual machine: startup, dynamic memory
    (minimum, maximum, buffer) and priority."""
    name = "Set-VMMemory"
    default_set = "VMName"
    supports_should_process = True

    Buffer = Parameter(int)
    DynamicMemoryEnabled = Parameter(bool)
    MaximumBytes = Parameter(int)
    StartupBytes = Parameter(int)
    MinimumBytes = Parameter(int)
    Priority = Parameter(int)
    Passthru = Parameter(Switch)
    ComputerName = computer_name_param(sets=("VMName",))
    VMName = vm_name_param("VMName", alias=False)
    VM = vm_object_param()
    VMMemory = Parameter(VMMemory, array=True, position=0, mandatory=True,
                         sets=("ResourceObject",), pipeline=True)

    def vms(self) -> list[VM]:
        if self.parameter_set == "ResourceObject":
            return [item.vm for item in self.VMMemory]
        return _MemoryTarget.vms(self)

    def process(self) -> None:
        for vm in self.vms():
            if not _whatif(self, vm, "configure the memory of"):
                continue
            try:
                with config.atomic(vm):
                    config.configure_memory(vm, startup=self.StartupBytes,
                                            dynamic=self.DynamicMemoryEnabled,
                                            minimum=self.MinimumBytes, maximum=self.MaximumBytes,
                                            buffer=self.Buffer, priority=self.Priority)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(VMMemory(vm))


class GetVMProcessor(_MemoryTarget, Cmdlet):
    """Gets the processor settings of virtual machines."""
    name = "Get-VMProcessor"
    default_set = "VMName"
    output_type = VMProcessor.PS_TYPE

    ComputerName = computer_name_param(sets=("VMName",))
    VMName = vm_name_param("VMName", alias=False)
    VM = vm_object_param()

    def process(self) -> None:
        for vm in self.vms():
            self.write(VMProcessor(vm))


class SetVMProcessor(_MemoryTarget, Cmdlet):
    """Configures the processors of a virtual machine.

    -CompatibilityForMigrationEnabled $true hides newer processor features
    so the VM can live-migrate to an older processor of the same vendor."""
    name = "Set-VMProcessor"
    default_set = "VMName"
    supports_should_process = True

    Count = Parameter(int)
    CompatibilityForMigrationEnabled = Parameter(bool)
    CompatibilityForOlderOperatingSystemsEnabled = Parameter(bool)
    Maximum = Parameter(int)
    Reserve = Parameter(int)
    RelativeWeight = Parameter(int)
    Passthru = Parameter(Switch)
    ComputerName = computer_name_param(sets=("VMName",))
    VMName = vm_name_param("VMName", alias=False)
    VM = vm_object_param()
    VMProcessor = Parameter(VMProcessor, array=True, position=0, mandatory=True,
                            sets=("VMProcessor",), pipeline=True)

    def vms(self) -> list[VM]:
        if self.parameter_set == "VMProcessor":
            return [item.vm for item in self.VMProcessor]
        return _MemoryTarget.vms(self)

    def process(self) -> None:
        for vm in self.vms():
            if not _whatif(self, vm, "configure the processors of"):
                continue
            try:
                config.configure_processor(
                    vm, count=self.Count,
                    compatibility_for_migration=self.CompatibilityForMigrationEnabled,
                    compatibility_for_older_os=self.CompatibilityForOlderOperatingSystemsEnabled,
                    maximum=self.Maximum, reserve=self.Reserve,
                    relative_weight=self.RelativeWeight)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(VMProcessor(vm))
