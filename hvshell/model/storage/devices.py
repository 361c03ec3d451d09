"""A VM's DVD drives and SCSI controllers: Add-/Set-/Remove-VMDvdDrive
and Add-/Remove-VMScsiController, with Windows Server 2012 R2's rules.

A generation 1 VM's DVD drives are on its IDE controllers, a generation 2
VM's on SCSI.  Drives and controllers are added and removed only while the
VM is off (2012 R2 hot-adds hard disks on SCSI, nothing else); the disc in
a drive changes at any time.  The slot rules are the hard disks' own
(disks.check_slot).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from hvshell.model.compute.vm import VM, VMState
from hvshell.model.kernel.errors import invalid_argument, invalid_state
from hvshell.model.kernel.events import EventKind
from hvshell.model.storage.disks import check_slot, first_free, require_idle, resolve_path
from hvshell.model.storage.objects import MAX_SCSI_CONTROLLERS, ControllerType, DvdDrive

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

# The file types a virtual DVD drive takes.
ISO_EXTENSIONS = (".iso",)


def _must_be_off(vm: VM, what: str) -> None:
    if vm.state is not VMState.Off:
        raise invalid_state(
            f"Cannot {what} '{vm.name}' while it is {vm.state.name}: Windows Server 2012 R2 "
            "changes a virtual machine's DVD drives and controllers only while it is off. Stop "
            "it (Stop-VM) first.", vm.name)


def dvd_controller(vm: VM) -> ControllerType:
    """Where the VM's DVD drives go: IDE (generation 1), SCSI (generation 2)."""
    return ControllerType.IDE if vm.generation == 1 else ControllerType.SCSI


def _media(vm: VM, path: str | None) -> str | None:
    """The ISO image a drive is to hold (None: empty)."""
    if path is None or not str(path).strip():
        return None
    if not str(path).lower().endswith(ISO_EXTENSIONS):
        raise invalid_argument(
            f"'{path}' is not an ISO image: a virtual DVD drive takes a .iso file.", path)
    return resolve_path(vm.host, str(path))


def add_dvd_drive(lab: Lab, vm: VM, number: int | None = None, location: int | None = None,
                  path: str | None = None) -> DvdDrive:
    """Add-VMDvdDrive: at the slot asked for, else the first free one."""
    controller = dvd_controller(vm)
    require_idle(vm, "add a DVD drive to")
    _must_be_off(vm, "add a DVD drive to")
    media = _media(vm, path)
    if location is None:
        free = first_free(vm, controller, number)
        if free is None:
            raise invalid_argument(
                f"There is no free location on the {controller.name} controller"
                + (f" {number}" if number is not None else "s") + f" of '{vm.name}'. Remove a "
                "drive, or name another controller.", vm.name)
        number, location = free
    number = 0 if number is None else number
    check_slot(vm, controller, number, location, what="DVD drive")
    drive = DvdDrive(controller, number, location, media)
    drive.vm = vm
    vm.dvd_drives.append(drive)
    lab.record(EventKind.DvdDriveAdded, vm.name, f"A DVD drive was added to '{vm.name}' at "
               f"{controller.name} {number}:{location}" + (f" with '{media}'." if media else "."))
    return drive


def change_dvd_drive(lab: Lab, drive: DvdDrive, path: str | None = None, change_path: bool = False,
                     to_number: int | None = None, to_location: int | None = None) -> None:
    """Set-VMDvdDrive: another disc (any time; `change_path` with no path
    ejects it), or another slot (while off)."""
    vm = drive.vm
    require_idle(vm, "change a DVD drive of")
    media = _media(vm, path) if change_path else drive.path
    moving = to_number is not None or to_location is not None
    number = drive.controller_number if to_number is None else to_number
    location = drive.controller_location if to_location is None else to_location
    if moving:
        _must_be_off(vm, "move a DVD drive of")
        if to_location is None:
            free = first_free(vm, drive.controller_type, number)
            if free is not None:
                location = free[1]
        check_slot(vm, drive.controller_type, number, location, moving=drive, what="DVD drive")
    drive.path = media
    drive.controller_number, drive.controller_location = number, location
    lab.record(EventKind.DvdDriveChanged, vm.name, f"The DVD drive of '{vm.name}' at "
               f"{drive.controller_type.name} {number}:{location} "
               + (f"holds '{media}'." if media else "is empty."))


def remove_dvd_drive(lab: Lab, drive: DvdDrive) -> None:
    vm = drive.vm
    require_idle(vm, "remove a DVD drive from")
    _must_be_off(vm, "remove a DVD drive from")
    vm.dvd_drives.remove(drive)
    lab.record(EventKind.DvdDriveRemoved, vm.name, f"The DVD drive at "
               f"{drive.controller_type.name} {drive.controller_number}:"
               f"{drive.controller_location} of '{vm.name}' was removed.")


def add_scsi_controller(lab: Lab, vm: VM) -> int:
    """Add-VMScsiController; returns the new controller's number."""
    require_idle(vm, "add a SCSI controller to")
    _must_be_off(vm, "add a SCSI controller to")
    if vm.scsi_controllers >= MAX_SCSI_CONTROLLERS:
        raise invalid_argument(
            f"'{vm.name}' already has {vm.scsi_controllers} SCSI controllers, the most a "
            "virtual machine can have.", vm.name)
    vm.scsi_controllers += 1
    lab.record(EventKind.ControllerAdded, vm.name, f"SCSI controller {vm.scsi_controllers - 1} "
               f"was added to '{vm.name}'.")
    return vm.scsi_controllers - 1


def remove_scsi_controller(lab: Lab, vm: VM, number: int) -> None:
    """Remove-VMScsiController: an empty controller goes; those after it
    take the numbers down by one, their drives with them."""
    require_idle(vm, "remove a SCSI controller from")
    if not 0 <= number < vm.scsi_controllers:
        raise invalid_argument(
            f"'{vm.name}' has no SCSI controller {number} (it has {vm.scsi_controllers}, "
            "numbered from 0). List them with Get-VMScsiController.", vm.name)
    _must_be_off(vm, "remove a SCSI controller from")
    drives = [d for d in (*vm.hard_drives, *vm.dvd_drives)
              if d.controller_type is ControllerType.SCSI and d.controller_number == number]
    if drives:
        raise invalid_state(
            f"SCSI controller {number} of '{vm.name}' still has {len(drives)} drive"
            f"{'s' if len(drives) != 1 else ''}. Remove them (Remove-VMHardDiskDrive, "
            "Remove-VMDvdDrive) or move them to another controller first.", vm.name)
    for drive in (*vm.hard_drives, *vm.dvd_drives):
        if drive.controller_type is ControllerType.SCSI and drive.controller_number > number:
            drive.controller_number -= 1
    vm.scsi_controllers -= 1
    lab.record(EventKind.ControllerRemoved, vm.name, f"SCSI controller {number} was removed "
               f"from '{vm.name}'.")
