"""The hard disk drives of VMs: Add-, Get-, Set- and Remove-VMHardDiskDrive
(docs/cmdlets.md), with shared VHDX
(-SupportPersistentReservations) and Storage QoS (-MinimumIOPS,
-MaximumIOPS).  The lab has no physical disks, so there is no pass-through
(-DiskNumber)."""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.hyperv._common import lab, report, target_vms, vms_named
from hvshell.model.storage import disks
from hvshell.model.storage.vmsnapshot import VMSnapshot
from hvshell.model.kernel.errors import LabError, invalid_argument
from hvshell.model.storage.objects import ControllerType, HardDiskDrive
from hvshell.model.compute.vm import VM
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch

DRIVE_TYPE = HardDiskDrive.PS_TYPE
# The enum by another name: inside a cmdlet class `ControllerType` is the
# parameter of that name.
CONTROLLER = ControllerType


def _computer_name() -> Parameter:
    return Parameter(str, array=True, by_property=True, aliases=("PSComputerName",),
                     complete="host")


def _whatif(cmdlet: Cmdlet, vm: VM, text: str) -> bool:
    return cmdlet.should_process(vm.name, whatif_text=f'{cmdlet.name} will {text} of the '
                                                      f'virtual machine "{vm.name}".')


def _matches(drive: Any, kind: ControllerType | None, number: int | None,
             location: int | None) -> bool:
    return ((kind is None or drive.controller_type is kind)
            and (number is None or drive.controller_number == number)
            and (location is None or drive.controller_location == location))


def _slot_text(kind: ControllerType | None, number: int | None, location: int | None) -> str:
    parts = [f"{name} {value}" for name, value in (("ControllerType", kind),
                                                   ("ControllerNumber", number),
                                                   ("ControllerLocation", location))
             if value is not None]
    return ", ".join(parts) or "any controller"


class AddVMHardDiskDrive(Cmdlet):
    """Adds a hard disk drive with a VHD or VHDX file to a virtual machine.

    Without -ControllerType the first free IDE location is used on a
    generation 1 VM that is off, else SCSI. IDE changes need the VM off;
    SCSI takes disks while it runs. -SupportPersistentReservations shares a
    VHDX on a CSV or SMB share among guest-cluster nodes (2012 R2);
    -MinimumIOPS/-MaximumIOPS set Storage QoS (2012 R2, 8 KB operations)."""
    name = "Add-VMHardDiskDrive"
    default_set = "VMName"
    supports_should_process = True

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       pipeline=True, complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    ControllerType = Parameter(ControllerType, position=1)
    ControllerNumber = Parameter("Int32", position=2)
    ControllerLocation = Parameter("Int32", position=3)
    Path = Parameter(str, position=4, complete="vhd")
    SupportPersistentReservations = Parameter(Switch, aliases=("ShareVirtualDisk",))
    MaximumIOPS = Parameter("UInt64")
    MinimumIOPS = Parameter("UInt64")
    Passthru = Parameter(Switch)
    ComputerName = _computer_name()

    def process(self) -> None:
        if not self.Path:
            self.write_error("Give the virtual hard disk to attach with -Path (the lab has no "
                             "physical disks to pass through).", "InvalidParameter",
                             "InvalidArgument", None,
                             "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
            return
        for vm in target_vms(self):
            if not _whatif(self, vm, f'add the hard disk drive "{self.Path}" to the '
                                     'configuration'):
                continue
            try:
                drive = disks.attach_drive(
                    lab(self), vm, self.Path, self.ControllerType, self.ControllerNumber,
                    self.ControllerLocation, bool(self.SupportPersistentReservations),
                    self.MinimumIOPS, self.MaximumIOPS)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(drive)


class GetVMHardDiskDrive(Cmdlet):
    """Gets the hard disk drives of virtual machines (or of a checkpoint),
    optionally only those on one controller type, number or location."""
    name = "Get-VMHardDiskDrive"
    default_set = "VMName"
    output_type = DRIVE_TYPE

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       pipeline=True, complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    VMSnapshot = Parameter(VMSnapshot, position=0, mandatory=True, sets=("VMSnapshot",),
                           pipeline=True)
    ControllerType = Parameter(ControllerType)
    ControllerNumber = Parameter("Int32")
    ControllerLocation = Parameter("Int32")
    ComputerName = Parameter(str, array=True, sets=("VMName",), complete="host")

    def process(self) -> None:
        if self.parameter_set == "VMSnapshot":
            drives = [self._snapshot_drive(self.VMSnapshot, item)
                      for item in self.VMSnapshot.hard_drive_paths]
        else:
            drives = [d for vm in target_vms(self) for d in vm.hard_drives]
        for drive in drives:
            if _matches(drive, self.ControllerType, self.ControllerNumber,
                        self.ControllerLocation):
                self.write(drive)

    @staticmethod
    def _snapshot_drive(snapshot: VMSnapshot, item: tuple[str, int, int, str]) -> HardDiskDrive:
        kind, number, location, path = item
        drive = HardDiskDrive(ControllerType[kind], number, location, path)
        drive.vm = snapshot.vm
        return drive


class SetVMHardDiskDrive(Cmdlet):
    """Changes a hard disk drive: its file (-Path), its place
    (-ToControllerType/-Number/-Location, with the VM off), sharing
    (-SupportPersistentReservations $true/$false) and Storage QoS limits
    (changeable while the VM runs)."""
    name = "Set-VMHardDiskDrive"
    default_set = "VMName"
    supports_should_process = True

    VMName = Parameter(str, position=0, mandatory=True, sets=("VMName",), complete="vm")
    VMHardDiskDrive = Parameter(HardDiskDrive, array=True, position=0, mandatory=True,
                                sets=("Object",), pipeline=True)
    ControllerType = Parameter(ControllerType, position=1, sets=("VMName",))
    ControllerNumber = Parameter("Int32", position=2, sets=("VMName",))
    ControllerLocation = Parameter("Int32", position=3, sets=("VMName",))
    Path = Parameter(str, position=4, complete="vhd")
    ToControllerType = Parameter(CONTROLLER)
    ToControllerNumber = Parameter("Int32")
    ToControllerLocation = Parameter("Int32")
    SupportPersistentReservations = Parameter(bool, aliases=("ShareVirtualDisk",))
    MaximumIOPS = Parameter("UInt64")
    MinimumIOPS = Parameter("UInt64")
    Passthru = Parameter(Switch)
    ComputerName = _computer_name()

    def process(self) -> None:
        for drive in self._drives():
            if not _whatif(self, drive.vm, "change a hard disk drive in the configuration"):
                continue
            try:
                disks.change_drive(lab(self), drive, self.Path, self.ToControllerType,
                                   self.ToControllerNumber, self.ToControllerLocation,
                                   self.SupportPersistentReservations, self.MinimumIOPS,
                                   self.MaximumIOPS)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(drive)

    def _drives(self) -> list[HardDiskDrive]:
        if self.parameter_set == "Object":
            return [d for d in self.VMHardDiskDrive if _live_drive(self, d)]
        found = []
        for vm in vms_named(self, [self.VMName], self.ComputerName):
            matching = [d for d in vm.hard_drives if _matches(
                d, self.ControllerType, self.ControllerNumber, self.ControllerLocation)]
            slot = _slot_text(self.ControllerType, self.ControllerNumber,
                              self.ControllerLocation)
            if not matching:
                report(self, invalid_argument(
                    f"'{vm.name}' has no hard disk drive at {slot}. List its drives with "
                    f"Get-VMHardDiskDrive -VMName {vm.name}.", vm.name))
            elif len(matching) > 1:
                report(self, invalid_argument(
                    f"{len(matching)} hard disk drives of '{vm.name}' match {slot}. Give "
                    "-ControllerType, -ControllerNumber and -ControllerLocation to choose one.",
                    vm.name))
            else:
                found.append(matching[0])
        return found


class RemoveVMHardDiskDrive(Cmdlet):
    """Removes a hard disk drive from a virtual machine; the file stays.
    IDE drives go only while the VM is off; SCSI drives also while it runs."""
    name = "Remove-VMHardDiskDrive"
    default_set = "VMName"
    supports_should_process = True

    VMName = Parameter(str, position=0, mandatory=True, sets=("VMName",), complete="vm")
    ControllerType = Parameter(ControllerType, position=1, mandatory=True, sets=("VMName",))
    ControllerNumber = Parameter("Int32", position=2, mandatory=True, sets=("VMName",))
    ControllerLocation = Parameter("Int32", position=3, mandatory=True, sets=("VMName",))
    VMHardDiskDrive = Parameter(HardDiskDrive, array=True, position=0, mandatory=True,
                                sets=("Object",), pipeline=True)
    Passthru = Parameter(Switch)
    ComputerName = Parameter(str, array=True, sets=("VMName",), complete="host")

    def process(self) -> None:
        if self.parameter_set == "Object":
            drives = [d for d in self.VMHardDiskDrive if _live_drive(self, d)]
        else:
            drives = []
            for vm in vms_named(self, [self.VMName], self.ComputerName):
                drive = next((d for d in vm.hard_drives if _matches(
                    d, self.ControllerType, self.ControllerNumber, self.ControllerLocation)),
                    None)
                if drive is None:
                    report(self, invalid_argument(
                        f"'{vm.name}' has no hard disk drive at {self.ControllerType.name} "
                        f"controller {self.ControllerNumber} location "
                        f"{self.ControllerLocation}.", vm.name))
                else:
                    drives.append(drive)
        for drive in drives:
            if not _whatif(self, drive.vm, "remove a hard disk drive from the configuration"):
                continue
            try:
                disks.detach_drive(lab(self), drive)
            except LabError as error:
                report(self, error)
                continue
            if self.Passthru:
                self.write(drive)


def _live_drive(cmdlet: Cmdlet, drive: HardDiskDrive) -> bool:
    """A drive object still attached to its VM (not a checkpoint's record
    or one removed since it was read)."""
    vm = drive.vm
    if vm is not None and drive in vm.hard_drives and lab(cmdlet).vm_by_id(vm.id) is vm:
        return True
    cmdlet.write_error("The hard disk drive is no longer part of a virtual machine (it was "
                       "removed, or it belongs to a checkpoint). Get it again with "
                       "Get-VMHardDiskDrive.", "ObjectNotFound", "ObjectNotFound", drive,
                       "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
    return False
