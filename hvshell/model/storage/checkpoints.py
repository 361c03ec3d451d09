"""Checkpoints: taking (Checkpoint-VM), applying (Restore-VMSnapshot) and
deleting them (Remove-VMSnapshot), with their differencing disks.

Taking a checkpoint freezes each disk's current file and gives the drive a
new differencing file (AVHDX beside its parent) that takes the writes from
then on; a running VM's memory is saved with it.  The checkpoint records
the frozen files.  Applying one discards the present state and gives each
of the checkpoint's disks a fresh differencing file.  Deleting one releases
its frozen files; a released file with a single child is merged with it
(the child's blocks are copied into the parent, read and written on the
same storage), which takes simulated time; one with no child is deleted.
"""
from __future__ import annotations

import datetime as dt
import ntpath
from typing import TYPE_CHECKING, Any, Generator, Iterable

from hvshell.model.compute import usage
from hvshell.model.storage.disks import chain, children_of, require_idle
from hvshell.model.storage.vmsnapshot import SnapshotType, VMSnapshot
from hvshell.model.kernel.errors import LabError, invalid_state, operation_failed
from hvshell.model.kernel.events import EventKind
from hvshell.model.storage.objects import (ControllerType, HardDiskDrive, VhdFormat, VhdType,
                                   VirtualHardDisk, norm_path)
from hvshell.model.compute.vm import VM, VMState

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20
# At most 50 checkpoints per VM (docs/model.md, Storage).
MAX_CHECKPOINTS = 50
# Creating the differencing files and copying the configuration, and
# switching a VM to a checkpoint's files: about a second each (reasoning;
# the memory copy, when there is one, is timed separately).
CHECKPOINT_SETUP_SECONDS = 1.0
APPLY_SETUP_SECONDS = 1.0
# Starting a merge (opening both files, checking the chain): a second
# (reasoning); the copy itself is timed from the bytes.
MERGE_SETUP_SECONDS = 1.0
# Differencing files use 2 MB blocks (VHDX format default for differencing
# disks, which track small writes).
DIFFERENCING_BLOCK_BYTES = 2 * MB


def default_name(vm: VM, when: dt.datetime) -> str:
    """Hyper-V's name for an unnamed checkpoint: 'web01 - (3/25/2014 - 9:00:00 AM)'."""
    hour = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return (f"{vm.name} - ({when.month}/{when.day}/{when.year} - "
            f"{hour}:{when.minute:02}:{when.second:02} {half})")


def _storage_rate(lab: Lab, host_name: str, path: str) -> float:
    location = lab.storage_for_path(host_name, path)
    return (location.throughput_mbps if location is not None else 100.0) * MB


def _require_host(vm: VM, action: str) -> None:
    host = vm.host
    if not host.is_up:
        raise operation_failed(f"Cannot {action} '{vm.name}': its host '{host.name}' is "
                               f"{host.state.name.lower()}.", vm.name, "ResourceUnavailable")


def follow_moved_files(vm: VM, moved: dict[str, str]) -> None:
    """The VM's disk files moved (Move-VMStorage, a shared-nothing move):
    `moved` maps each old path (as `norm_path` writes it) to its new path;
    the checkpoints' frozen files follow."""
    for snapshot in vm.snapshots:
        snapshot.hard_drive_paths = [(kind, number, location, moved.get(norm_path(path), path))
                                     for kind, number, location, path in
                                     snapshot.hard_drive_paths]


# ---------------------------------------------------------------------------
# Checkpoint-VM
# ---------------------------------------------------------------------------

CHECKPOINT_STATES = (VMState.Off, VMState.Running, VMState.Saved, VMState.Paused)


def _check_checkpoint(lab: Lab, vm: VM) -> None:
    if vm.state not in CHECKPOINT_STATES:
        raise invalid_state(
            f"Cannot create a checkpoint of '{vm.name}' while it is {vm.state.name}. Wait until "
            "it is running, paused, saved or off.", vm.name)
    _require_host(vm, "create a checkpoint of")
    if len(vm.snapshots) >= MAX_CHECKPOINTS:
        raise operation_failed(
            f"'{vm.name}' already has {len(vm.snapshots)} checkpoints, the most a virtual machine "
            "can have. Remove some (Remove-VMSnapshot) first.", vm.name, "LimitsExceeded")
    for drive in vm.hard_drives:
        if drive.support_persistent_reservations:
            raise invalid_state(
                f"'{vm.name}' uses the shared VHDX '{drive.path}', and Windows Server 2012 R2 "
                "cannot checkpoint a virtual machine with shared virtual hard disks. Back up the "
                "guest cluster from inside instead, or remove the shared drive.", vm.name)
        if not drive.path:
            continue
        vhd = lab.find_vhd(vm.host_name, drive.path)
        if vhd is None:
            raise operation_failed(f"Cannot create a checkpoint of '{vm.name}': its disk "
                                   f"'{drive.path}' does not exist.", vm.name, "ObjectNotFound")
        location = lab.vhd_location(vhd)
        if location is not None and not location.online:
            raise operation_failed(f"Cannot create a checkpoint of '{vm.name}': the storage "
                                   f"'{location.name}' of '{drive.path}' is offline.", vm.name,
                                   "ResourceUnavailable")
    memory = _memory_to_save(vm)
    location = lab.storage_for_path(vm.host_name, vm.snapshot_file_location or vm.path)
    if location is not None and memory > location.FreeSpace:
        raise operation_failed(
            f"There is not enough space on '{location.name}' to save the {memory // MB} MB of "
            f"memory of '{vm.name}' with the checkpoint.", vm.name, "ResourceUnavailable")


def _memory_to_save(vm: VM) -> int:
    if vm.state is VMState.Saved:
        return vm.saved_memory
    return vm.memory_assigned() if vm.is_running else 0


def child_path(lab: Lab, parent: VirtualHardDisk) -> str:
    """A new differencing file beside `parent`, named after the chain's base
    file as Hyper-V does: 'D:\\VMs\\web01.vhdx' -> 'D:\\VMs\\web01_<GUID>.avhdx'."""
    base = chain(lab, parent.computer_name, parent.path)[-1]
    folder = ntpath.dirname(parent.path)
    stem = ntpath.splitext(ntpath.basename(base.path))[0]
    extension = ".avhdx" if parent.vhd_format is VhdFormat.VHDX else ".avhd"
    return ntpath.join(folder, f"{stem}_{str(lab.new_guid()).upper()}{extension}")


def _new_child(lab: Lab, vm: VM, parent_path: str) -> VirtualHardDisk:
    parent = lab.find_vhd(vm.host_name, parent_path)
    child = VirtualHardDisk(path=child_path(lab, parent), computer_name=vm.host_name,
                            vhd_format=parent.vhd_format, vhd_type=VhdType.Differencing,
                            size=parent.size, disk_identifier=lab.new_guid(),
                            block_size=DIFFERENCING_BLOCK_BYTES,
                            logical_sector_size=parent.logical_sector_size,
                            physical_sector_size=parent.physical_sector_size,
                            parent_path=parent.path, partition_size=parent.partition_size)
    return lab.add_vhd(child)


def begin_checkpoint(lab: Lab, vm: VM, name: str | None = None,
                     ) -> Generator[Any, Any, VMSnapshot]:
    """Checkpoint-VM: runs as long as saving the memory takes."""
    require_idle(vm, "create a checkpoint of")
    _check_checkpoint(lab, vm)
    started = lab.clock.now
    name = name if name else default_name(vm, lab.time_at(started))
    memory = _memory_to_save(vm)
    seconds = CHECKPOINT_SETUP_SECONDS + memory / _storage_rate(
        lab, vm.host_name, vm.snapshot_file_location or vm.path)

    def run() -> Generator[Any, Any, VMSnapshot]:
        yield seconds
        _check_checkpoint(lab, vm)
        usage.sync(lab)
        frozen = []
        for drive in vm.hard_drives:
            if drive.path:
                frozen.append((drive.controller_type.name, drive.controller_number,
                               drive.controller_location, drive.path))
                drive.path = _new_child(lab, vm, drive.path).path
        snapshot = VMSnapshot(id=lab.new_guid(), name=name, snapshot_type=SnapshotType.Standard,
                              creation_time=started, parent_snapshot_id=vm.parent_snapshot_id,
                              path=vm.snapshot_file_location or vm.path,
                              processor_count=vm.processor_count,
                              memory_startup=vm.memory_startup,
                              dynamic_memory_enabled=vm.dynamic_memory_enabled,
                              memory_minimum=vm.memory_minimum,
                              memory_maximum=vm.memory_maximum,
                              hard_drive_paths=frozen, saved_memory_bytes=memory)
        snapshot.vm = vm
        vm.snapshots.append(snapshot)
        vm.parent_snapshot_id = snapshot.id
        lab.record(EventKind.CheckpointCreated, vm.name, f"Checkpoint '{name}' of '{vm.name}' was "
                   "created.")
        return snapshot

    return run()


# ---------------------------------------------------------------------------
# Restore-VMSnapshot
# ---------------------------------------------------------------------------

def _check_restore(lab: Lab, snapshot: VMSnapshot) -> None:
    vm = snapshot.vm
    if snapshot not in vm.snapshots:
        raise LabError(f"The checkpoint '{snapshot.name}' of '{vm.name}' no longer exists.",
                       "ObjectNotFound", "ObjectNotFound", snapshot.name,
                       "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
    if vm.state not in CHECKPOINT_STATES:
        raise invalid_state(f"Cannot apply a checkpoint to '{vm.name}' while it is "
                            f"{vm.state.name}. Wait for the operation in progress.", vm.name)
    _require_host(vm, "apply a checkpoint to")
    for _, _, _, path in snapshot.hard_drive_paths:
        vhd = lab.find_vhd(vm.host_name, path)
        if vhd is None:
            raise operation_failed(f"The checkpoint '{snapshot.name}' cannot be applied: its "
                                   f"disk '{path}' is missing.", vm.name, "ObjectNotFound")
        location = lab.vhd_location(vhd)
        if location is not None and not location.online:
            raise operation_failed(f"The checkpoint '{snapshot.name}' cannot be applied: the "
                                   f"storage '{location.name}' of '{path}' is offline.", vm.name,
                                   "ResourceUnavailable")


def begin_restore(lab: Lab, snapshot: VMSnapshot) -> Generator[Any, Any, VMSnapshot]:
    """Restore-VMSnapshot.  A running VM is turned off first; afterwards it
    is Saved if the checkpoint holds memory, else Off."""
    vm = snapshot.vm
    require_idle(vm, "apply a checkpoint to")
    _check_restore(lab, snapshot)
    seconds = APPLY_SETUP_SECONDS + snapshot.saved_memory_bytes / _storage_rate(
        lab, vm.host_name, snapshot.path or vm.path)

    def run() -> Generator[Any, Any, VMSnapshot]:
        yield seconds
        _check_restore(lab, snapshot)
        usage.sync(lab)
        discarded = [d.path for d in vm.hard_drives if d.path]
        by_slot = {(d.controller_type.name, d.controller_number, d.controller_location): d
                   for d in vm.hard_drives}
        drives = []
        for kind, number, location, path in snapshot.hard_drive_paths:
            drive = by_slot.get((kind, number, location)) or HardDiskDrive(
                ControllerType[kind], number, location)
            drive.path = _new_child(lab, vm, path).path
            drive.vm = vm
            drives.append(drive)
        vm.hard_drives = drives
        for path in discarded:
            vhd = lab.find_vhd(vm.host_name, path)
            if vhd is not None and _releasable(lab, vm, vhd):
                _delete(lab, vhd)
        vm.processor_count = snapshot.processor_count
        vm.memory_startup = snapshot.memory_startup
        vm.dynamic_memory_enabled = snapshot.dynamic_memory_enabled
        vm.memory_minimum = snapshot.memory_minimum
        vm.memory_maximum = snapshot.memory_maximum
        vm.state = VMState.Saved if snapshot.saved_memory_bytes else VMState.Off
        vm.saved_memory = snapshot.saved_memory_bytes
        vm.started_at = vm.guest_ready_at = None
        vm.transition_from = None
        vm.status_text = None
        vm.parent_snapshot_id = snapshot.id
        lab.record(EventKind.CheckpointApplied, vm.name,
                   f"Checkpoint '{snapshot.name}' was applied to "
                   f"'{vm.name}', which is now {vm.state.name}.")
        return snapshot

    return run()


# ---------------------------------------------------------------------------
# Remove-VMSnapshot and the merges it causes
# ---------------------------------------------------------------------------

def subtree(vm: VM, snapshot: VMSnapshot) -> list[VMSnapshot]:
    """`snapshot` and every checkpoint below it, parents first."""
    found = [snapshot]
    for item in found:
        found.extend(s for s in vm.snapshots if s.parent_snapshot_id == item.id
                     and s not in found)
    return found


def _frozen_paths(vm: VM) -> list[str]:
    return [path for s in vm.snapshots for _, _, _, path in s.hard_drive_paths]


def _needed(lab: Lab, vm: VM, vhd: VirtualHardDisk) -> bool:
    key = lab.file_key(vm.host_name, vhd.path)
    paths = [d.path for d in vm.hard_drives if d.path] + _frozen_paths(vm)
    return any(lab.file_key(vm.host_name, p) == key for p in paths)


def _releasable(lab: Lab, vm: VM, vhd: VirtualHardDisk) -> bool:
    return (vhd.vhd_type is VhdType.Differencing and not _needed(lab, vm, vhd)
            and not children_of(lab, vhd))


def _delete(lab: Lab, vhd: VirtualHardDisk) -> None:
    lab.remove_vhd(vhd)


def _chain(lab: Lab, vm: VM, paths: Iterable[str]) -> list[VirtualHardDisk]:
    """The given files and all their parents, each once, by path."""
    found: list[VirtualHardDisk] = []
    for path in paths:
        found.extend(v for v in chain(lab, vm.host_name, path) if v not in found)
    return sorted(found, key=lambda v: v.path)


def _next_merge(lab: Lab, vm: VM, released: list[str],
                ) -> tuple[VirtualHardDisk, VirtualHardDisk | None] | None:
    """The next file to clean up: (a file no longer needed with one child,
    that child) to merge, or (a differencing file no longer needed with no
    child, None) to delete.  Base files are never deleted."""
    roots = [d.path for d in vm.hard_drives if d.path] + _frozen_paths(vm) + released
    for vhd in _chain(lab, vm, roots):
        if _needed(lab, vm, vhd):
            continue
        children = children_of(lab, vhd)
        if not children:
            if vhd.vhd_type is VhdType.Differencing:
                return vhd, None
            continue
        if len(children) == 1:
            return vhd, children[0]
    return None


def merge_seconds(lab: Lab, vm: VM, child: VirtualHardDisk) -> float:
    """Merging reads the child's blocks and writes them into the parent on
    the same storage: twice its data over the storage's throughput."""
    return MERGE_SETUP_SECONDS + 2 * child.allocated_bytes / _storage_rate(lab, vm.host_name,
                                                                            child.path)


def _merge(lab: Lab, vm: VM, parent: VirtualHardDisk, child: VirtualHardDisk) -> None:
    """Fold `child` into `parent`; whatever used the child uses the parent."""
    if parent.vhd_type is VhdType.Differencing:
        parent.used_size = min(usage.differencing_cap(parent), parent.used_size + child.used_size)
    child_key = lab.file_key(vm.host_name, child.path)
    for other in lab.all_vms():
        for drive in other.hard_drives:
            if drive.path and lab.file_key(other.host_name, drive.path) == child_key:
                drive.path = parent.path
    for snapshot in vm.snapshots:
        snapshot.hard_drive_paths = [
            (kind, number, location,
             parent.path if lab.file_key(vm.host_name, path) == child_key else path)
            for kind, number, location, path in snapshot.hard_drive_paths]
    for vhd in lab.vhds.values():
        if vhd.parent_path and lab.file_key(vhd.computer_name, vhd.parent_path) == child_key:
            vhd.parent_path = parent.path
    _delete(lab, child)


def _check_remove(vm: VM, snapshots: list[VMSnapshot]) -> None:
    if vm.state not in CHECKPOINT_STATES:
        raise invalid_state(f"Cannot remove checkpoints of '{vm.name}' while it is "
                            f"{vm.state.name}. Wait for the operation in progress.", vm.name)
    for snapshot in snapshots:
        if snapshot not in vm.snapshots:
            raise LabError(f"The checkpoint '{snapshot.name}' of '{vm.name}' no longer exists.",
                           "ObjectNotFound", "ObjectNotFound", snapshot.name,
                           "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")


def begin_remove(lab: Lab, vm: VM, snapshots: list[VMSnapshot], include_children: bool = False,
                 ) -> Generator[Any, Any, Any]:
    """Remove-VMSnapshot: the checkpoints go at once; merging their files
    runs as long as the copies take (the VM keeps running meanwhile)."""
    require_idle(vm, "remove checkpoints of")
    _check_remove(vm, snapshots)
    doomed: list[VMSnapshot] = []
    for snapshot in snapshots:
        for item in (subtree(vm, snapshot) if include_children else [snapshot]):
            if item not in doomed:
                doomed.append(item)
    usage.sync(lab)
    released = [path for s in doomed for _, _, _, path in s.hard_drive_paths]
    doomed_ids = {s.id for s in doomed}

    def surviving_parent(snapshot_id: Any) -> Any:
        while snapshot_id in doomed_ids:
            snapshot_id = next(s.parent_snapshot_id for s in doomed if s.id == snapshot_id)
        return snapshot_id

    for snapshot in vm.snapshots:
        if snapshot not in doomed:
            snapshot.parent_snapshot_id = surviving_parent(snapshot.parent_snapshot_id)
    vm.parent_snapshot_id = surviving_parent(vm.parent_snapshot_id)
    vm.snapshots = [s for s in vm.snapshots if s not in doomed]
    for snapshot in doomed:
        lab.record(EventKind.CheckpointRemoved, vm.name, f"Checkpoint '{snapshot.name}' of "
                   f"'{vm.name}' was removed.")

    vm.status_text = "Merging"

    def run() -> Generator[Any, Any, Any]:
        try:
            while True:
                step = _next_merge(lab, vm, released)
                if step is None:
                    break
                parent, child = step
                if child is None:
                    _delete(lab, parent)
                    continue
                yield merge_seconds(lab, vm, child)
                usage.sync(lab)
                if _next_merge(lab, vm, released) == step:
                    _merge(lab, vm, parent, child)
                    lab.record(EventKind.DiskMerged, vm.name, f"'{child.path}' was merged into "
                               f"'{parent.path}'.")
        finally:
            if vm.status_text == "Merging":
                vm.status_text = None
        return None

    return run()
