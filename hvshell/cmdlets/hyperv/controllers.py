"""A VM's DVD drives and drive controllers: Get-, Add-, Set-,
Remove-VMDvdDrive, Get-, Add-, Remove-VMScsiController and
Get-VMIdeController (docs/cmdlets.md).  The rules are in
hvshell/model/storage/devices.py."""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.hyperv._common import lab, report, target_vms
from hvshell.model.compute.vm import VM
from hvshell.model.kernel.errors import LabError
from hvshell.model.storage import devices
from hvshell.model.storage.objects import (IDE_CONTROLLERS, DvdDrive, VMDriveController,
                                           VMIdeController, VMScsiController)
from hvshell.runtime.cmdlet import Cmdlet, In, Parameter, Switch

INVALID_ARGUMENT = "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException"


def _vm_name(pipeline: bool = False, array: bool = True) -> Parameter:
    return Parameter(str, array=array, position=0, mandatory=True, sets=("VMName",),
                     pipeline=pipeline, complete="vm")


def _vm_object() -> Parameter:
    return Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",),
                     pipeline=True)


def _computer_name() -> Parameter:
    return Parameter(str, array=True, sets=("VMName",), complete="host")


def _vms(cmdlet: Any) -> list[VM]:
    names = getattr(cmdlet, "VMName", None)
    if isinstance(names, str):
        cmdlet.VMName = [names]
    return target_vms(cmdlet)


def _whatif(cmdlet: Cmdlet, vm: VM, text: str) -> bool:
    return cmdlet.should_process(vm.name, whatif_text=f'{cmdlet.name} will {text} the virtual '
                                                      f'machine "{vm.name}".')


def _live(cmdlet: Cmdlet, drives: list[DvdDrive]) -> list[DvdDrive]:
    live = []
    for drive in drives:
        vm = drive.vm
        if vm is not None and drive in vm.dvd_drives and lab(cmdlet).vm_by_id(vm.id) is vm:
            live.append(drive)
        else:
            cmdlet.write_error("The DVD drive is no longer part of a virtual machine (it was "
                               "removed since it was read). Get it again with Get-VMDvdDrive.",
                               "ObjectNotFound", "ObjectNotFound", None, INVALID_ARGUMENT)
    return live


def _at(cmdlet: Cmdlet, vm: VM, number: int | None, location: int | None) -> list[DvdDrive]:
    """The VM's DVD drives at that controller number and location; a slot
    named in full that holds none is an error."""
    found = [d for d in vm.dvd_drives
             if (number is None or d.controller_number == number)
             and (location is None or d.controller_location == location)]
    if not found and number is not None and location is not None:
        cmdlet.write_error(f"'{vm.name}' has no DVD drive at controller {number} location "
                           f"{location}. List them with Get-VMDvdDrive {vm.name}.",
                           "ObjectNotFound", "ObjectNotFound", vm.name, INVALID_ARGUMENT)
    return found


def _slot(drive: DvdDrive) -> tuple[int, int]:
    return drive.controller_number, drive.controller_location


class GetVMDvdDrive(Cmdlet):
    """Gets the DVD drives of virtual machines (or of a controller piped
    in), optionally only those at a controller number or location."""
    name = "Get-VMDvdDrive"
    default_set = "VMName"
    output_type = DvdDrive.PS_TYPE

    VMName = _vm_name(pipeline=True)
    VM = _vm_object()
    VMDriveController = Parameter(VMDriveController, array=True, position=0, mandatory=True,
                                  sets=("VMDriveController",), pipeline=True)
    ControllerNumber = Parameter("Int32", sets=("VMName", "VMObject"))
    ControllerLocation = Parameter("Int32")
    ComputerName = _computer_name()

    def process(self) -> None:
        if self.parameter_set == "VMDriveController":
            drives = [d for c in self.VMDriveController for d in c.Drives
                      if isinstance(d, DvdDrive)]
        else:
            drives = [d for vm in _vms(self) for d in sorted(vm.dvd_drives, key=_slot)
                      if self.ControllerNumber is None or d.controller_number ==
                      self.ControllerNumber]
        for drive in drives:
            if self.ControllerLocation is None or drive.controller_location == \
                    self.ControllerLocation:
                self.write(drive)


class AddVMDvdDrive(Cmdlet):
    """Adds a DVD drive to a virtual machine that is off, optionally with an
    ISO image in it.

    A generation 1 VM's DVD drives are on its IDE controllers, a
    generation 2 VM's on SCSI; without a location the first free one is
    used."""
    name = "Add-VMDvdDrive"
    default_set = "VMName"
    supports_should_process = True
    output_type = DvdDrive.PS_TYPE

    VMName = _vm_name(pipeline=True)
    VM = _vm_object()
    VMDriveController = Parameter(VMDriveController, array=True, position=0, mandatory=True,
                                  sets=("VMDriveController",), pipeline=True)
    ControllerNumber = Parameter("Int32", position=2, sets=("VMName", "VMObject"))
    ControllerLocation = Parameter("Int32", position=3)
    Path = Parameter(str, position=4)
    AllowUnverifiedPaths = Parameter(Switch)
    Passthru = Parameter(Switch)
    ComputerName = _computer_name()

    def process(self) -> None:
        if self.parameter_set == "VMDriveController":
            targets = [(c.vm, c.number) for c in self.VMDriveController]
        else:
            targets = [(vm, self.ControllerNumber) for vm in _vms(self)]
        for vm, number in targets:
            if not _whatif(self, vm, "add a DVD drive to"):
                continue
            try:
                drive = devices.add_dvd_drive(lab(self), vm, number, self.ControllerLocation,
                                              self.Path)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(drive)


class SetVMDvdDrive(Cmdlet):
    """Puts an ISO image in a DVD drive (-Path; $null ejects it), at any
    time, or moves the drive (-ToControllerNumber, -ToControllerLocation)
    while the VM is off."""
    name = "Set-VMDvdDrive"
    default_set = "VMName"
    supports_should_process = True
    output_type = DvdDrive.PS_TYPE

    VMName = _vm_name(array=False)
    VMDvdDrive = Parameter(DvdDrive, array=True, position=0, mandatory=True, sets=("Object",),
                           pipeline=True)
    ControllerNumber = Parameter("Int32", position=1, sets=("VMName",))
    ControllerLocation = Parameter("Int32", position=2, sets=("VMName",))
    ToControllerNumber = Parameter("Int32")
    ToControllerLocation = Parameter("Int32")
    Path = Parameter(str, position=3)
    AllowUnverifiedPaths = Parameter(Switch)
    Passthru = Parameter(Switch)
    ComputerName = _computer_name()

    def process(self) -> None:
        if self.parameter_set == "Object":
            drives = _live(self, self.VMDvdDrive)
        else:
            drives = [d for vm in _vms(self)
                      for d in _at(self, vm, self.ControllerNumber, self.ControllerLocation)]
        for drive in drives:
            if not _whatif(self, drive.vm, "change a DVD drive of"):
                continue
            try:
                devices.change_dvd_drive(lab(self), drive, self.Path, "Path" in self.bound,
                                         self.ToControllerNumber, self.ToControllerLocation)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(drive)


class RemoveVMDvdDrive(Cmdlet):
    """Removes a DVD drive from a virtual machine that is off."""
    name = "Remove-VMDvdDrive"
    default_set = "VMName"
    supports_should_process = True

    VMName = _vm_name(array=False)
    VMDvdDrive = Parameter(DvdDrive, array=True, position=0, mandatory=True,
                           sets=("VMDvdDrive",), pipeline=True)
    ControllerNumber = Parameter("Int32", position=1, mandatory=True, sets=("VMName",))
    ControllerLocation = Parameter("Int32", position=2, mandatory=True, sets=("VMName",))
    Passthru = Parameter(Switch)
    ComputerName = _computer_name()

    def process(self) -> None:
        if self.parameter_set == "VMDvdDrive":
            drives = _live(self, self.VMDvdDrive)
        else:
            drives = [d for vm in _vms(self)
                      for d in _at(self, vm, self.ControllerNumber, self.ControllerLocation)]
        for drive in drives:
            if not _whatif(self, drive.vm, "remove a DVD drive from"):
                continue
            try:
                devices.remove_dvd_drive(lab(self), drive)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(drive)


class GetVMScsiController(Cmdlet):
    """Gets the SCSI controllers of virtual machines."""
    name = "Get-VMScsiController"
    default_set = "VMName"
    output_type = VMScsiController.PS_TYPE

    VMName = _vm_name()
    VM = _vm_object()
    ControllerNumber = Parameter("Int32", position=1)
    ComputerName = _computer_name()

    def process(self) -> None:
        for vm in _vms(self):
            for number in range(vm.scsi_controllers):
                if self.ControllerNumber is None or number == self.ControllerNumber:
                    self.write(VMScsiController(vm, number))


class GetVMIdeController(Cmdlet):
    """Gets the IDE controllers of virtual machines (generation 1 VMs have
    two; generation 2 VMs none)."""
    name = "Get-VMIdeController"
    default_set = "VMName"
    output_type = VMIdeController.PS_TYPE

    VMName = _vm_name()
    VM = _vm_object()
    ControllerNumber = Parameter("Int32", position=1)
    ComputerName = _computer_name()

    def process(self) -> None:
        for vm in _vms(self):
            if vm.generation != 1:
                continue
            for number in range(IDE_CONTROLLERS):
                if self.ControllerNumber is None or number == self.ControllerNumber:
                    self.write(VMIdeController(vm, number))


class AddVMScsiController(Cmdlet):
    """Adds a SCSI controller to a virtual machine that is off (up to
    four)."""
    name = "Add-VMScsiController"
    default_set = "VMName"
    supports_should_process = True
    output_type = VMScsiController.PS_TYPE

    VMName = _vm_name()
    VM = _vm_object()
    Passthru = Parameter(Switch)
    ComputerName = _computer_name()

    def process(self) -> None:
        for vm in _vms(self):
            if not _whatif(self, vm, "add a SCSI controller to"):
                continue
            try:
                number = devices.add_scsi_controller(lab(self), vm)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(VMScsiController(vm, number))


class RemoveVMScsiController(Cmdlet):
    """Removes an empty SCSI controller from a virtual machine that is off;
    the controllers after it are numbered down by one."""
    name = "Remove-VMScsiController"
    default_set = "VMName"
    supports_should_process = True

    VMName = _vm_name()
    VMScsiController = Parameter(VMScsiController, array=True, position=0, mandatory=True,
                                 sets=("Object",), pipeline=True)
    ControllerNumber = Parameter("Int32", mandatory=True, sets=(In("VMName", position=1),))
    Passthru = Parameter(Switch)
    ComputerName = _computer_name()

    def process(self) -> None:
        if self.parameter_set == "Object":
            targets = [(c.vm, c.number) for c in self.VMScsiController]
        else:
            targets = [(vm, self.ControllerNumber) for vm in _vms(self)]
        # Highest number first, so removing one does not renumber the next.
        for vm, number in sorted(targets, key=lambda t: -t[1]):
            if lab(self).vm_by_id(vm.id) is not vm:
                continue
            if not _whatif(self, vm, f"remove SCSI controller {number} from"):
                continue
            try:
                devices.remove_scsi_controller(lab(self), vm, number)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(VMScsiController(vm, number))
