"""Virtual hard disk operations and the rules Hyper-V applies to them:
creating a file (New-VHD), resizing it (Resize-VHD), and attaching it to a
VM (Add-, Set- and Remove-VMHardDiskDrive) with shared VHDX and Storage
QoS.  What the guest keeps on a disk (its partitions and used bytes) is
set with Set-LabGuestDisk.

Every function checks the whole request before it changes anything, so a
refused request leaves the lab as it was.  Timed operations (`begin_*`)
check, then return a generator to run on the clock; when its time is up it
checks again (something may have changed meanwhile) and applies the change.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generator

from hvshell.model.compute import accounts, build, usage
from hvshell.model.kernel.errors import LabError, invalid_argument, invalid_state, operation_failed
from hvshell.model.kernel.events import EventKind
from hvshell.model.compute.host import Host
from hvshell.model.storage.objects import (IDE_CONTROLLERS, IDE_LOCATIONS, MAX_SCSI_CONTROLLERS,
                                   SCSI_LOCATIONS, VHD_BLOCK_BYTES, VHD_MAX_BYTES,
                                   VHDX_MAX_BYTES, VHDX_MIN_BYTES, ControllerType,
                                   HardDiskDrive, StorageType, VhdFormat, VhdType,
                                   VirtualHardDisk, norm_path)
from hvshell.model.compute.versions import require_feature
from hvshell.model.compute.vm import VM, VMState

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

KB = 2**10
MB = 2**20
GB = 2**30
TB = 2**40

# VHDX block sizes are powers of two from 1 MB to 256 MB (VHDX format
# specification); Hyper-V creates dynamic VHDs with 512 KB or 2 MB blocks.
VHDX_BLOCK_MIN = 1 * MB
VHDX_BLOCK_MAX = 256 * MB
VHD_BLOCK_SIZES = (512 * KB, VHD_BLOCK_BYTES)
# Creating, extending or trimming a file's metadata (a dynamic file, a
# differencing file, a shrink): a fraction of a second (reasoning).
METADATA_SECONDS = 0.5
# Guest clusters on 2012 R2 share a VHDX among at most 64 VMs (docs/model.md,
# the guest-cluster node limit).
MAX_SHARED_VHDX_USERS = 64

SHARED_STORAGE = (StorageType.CSV, StorageType.SMB)


_UNITS = (("TB", TB), ("GB", GB), ("MB", MB), ("KB", KB))


def _fmt_size(value: int) -> str:
    """A size as an admin writes it: 2040 GB, 40 GB, 1.5 TB."""
    for unit, factor in _UNITS:
        if value >= factor and value % factor == 0:
            return f"{value // factor} {unit}"
    for unit, factor in _UNITS:
        if value >= factor:
            return f"{value / factor:.2f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{value} bytes"


# Record types of the migrations that move a VM (Get-LabMigration Type);
# exports and imports only read it.
MOVING_TYPES = ("Live", "Storage", "SharedNothing", "Quick")


def require_idle(vm: VM, action: str) -> None:
    """Refuse `action` while another operation on the VM runs: a power
    change, checkpoint, merge or export (`vm.operation`), or a migration
    moving it (Hyper-V: the object is in use)."""
    lab = vm.lab
    for record in (lab.migrations if lab is not None else ()):
        if record.vm_id == vm.id and record.kind in MOVING_TYPES and not record.finished:
            raise invalid_state(
                f"Cannot {action} '{vm.name}': it is being moved ({record.kind} migration "
                f"{record.source} -> {record.destination}, Get-LabMigration). Wait for the "
                "migration to finish (Wait-Job), then try again.", vm.name)
    if vm.operation is not None and not vm.operation.triggered:
        raise invalid_state(f"Cannot {action} '{vm.name}': another operation on it is still "
                            "running. Wait for it to finish (Wait-Job), then try again.", vm.name)


def resolve_path(host: Host, path: str) -> str:
    """A VHD path as the host reads it: relative paths are under the
    host's default virtual hard disk folder (Get-VMHost VirtualHardDiskPath)."""
    return build.resolve_host_path(host.lab, host, str(path).strip(), host.virtual_hard_disk_path)


def find(lab: Lab, host: Host, path: str) -> VirtualHardDisk:
    """The VHD file at `path` as `host` sees it, or a LabError."""
    full = resolve_path(host, path)
    vhd = lab.find_vhd(host.name, full)
    if vhd is None:
        owner = next((vm for vm in host.vms if norm_path(vm.path) == norm_path(full)), None)
        fix = (f"That is the folder of virtual machine '{owner.name}': for its disks use "
               f"Get-VMHardDiskDrive -VMName {owner.name} | Get-VHD, or Get-VHD -VMId."
               if owner is not None else "Check the path, or create the file with New-VHD.")
        raise LabError(f"The virtual hard disk '{full}' does not exist on host '{host.name}' "
                       f"(or on storage it reaches). {fix}", "ObjectNotFound", "ObjectNotFound",
                       full, "System.Management.Automation.ItemNotFoundException")
    return vhd


def children_of(lab: Lab, vhd: VirtualHardDisk) -> list[VirtualHardDisk]:
    """The differencing files whose parent is `vhd`, by path."""
    key = lab.file_key(vhd.computer_name, vhd.path)
    return sorted((v for v in lab.vhds.values()
                   if v.parent_path and lab.file_key(v.computer_name, v.parent_path) == key),
                  key=lambda v: v.path)


def chain(lab: Lab, host_name: str, path: str) -> list[VirtualHardDisk]:
    """The file at `path` (as `host_name` sees it) and its parents, up to
    the base; empty when the file does not exist."""
    found: list[VirtualHardDisk] = []
    vhd = lab.find_vhd(host_name, path)
    while vhd is not None and vhd not in found:
        found.append(vhd)
        vhd = lab.find_vhd(host_name, vhd.parent_path) if vhd.parent_path else None
    return found


def throughput_bytes(location: Any) -> float:
    return location.throughput_mbps * MB


# ---------------------------------------------------------------------------
# New-VHD
# ---------------------------------------------------------------------------

def _check_size(vhd_format: VhdFormat, size: int, logical: int, path: str) -> None:
    limit = build_max(vhd_format)
    if size <= 0:
        raise invalid_argument(f"-SizeBytes must be more than 0 for '{path}'.", path)
    if size > limit:
        fix = ("Use a .vhdx file (up to 64 TB) or a smaller -SizeBytes."
               if vhd_format is VhdFormat.VHD else "Use a smaller -SizeBytes.")
        raise invalid_argument(
            f"A {vhd_format.name} file holds at most {_fmt_size(limit)}; {_fmt_size(size)} "
            f"({size} bytes) were asked for '{path}'. {fix}", path)
    if vhd_format is VhdFormat.VHDX and size < VHDX_MIN_BYTES:
        raise invalid_argument(f"A VHDX file must be at least {_fmt_size(VHDX_MIN_BYTES)}; "
                               f"{size} bytes were asked for '{path}'.", path)
    if size % logical:
        raise invalid_argument(
            f"The size of '{path}' must be a whole number of {logical}-byte logical sectors; "
            f"{size} is not. Try {size // logical * logical} or {(size // logical + 1) * logical}.",
            path)


def build_max(vhd_format: VhdFormat) -> int:
    """The largest virtual disk of a format (section D: VHD 2040 GB, VHDX 64 TB)."""
    return VHDX_MAX_BYTES if vhd_format is VhdFormat.VHDX else VHD_MAX_BYTES


def _check_new(lab: Lab, host: Host, path: str, size: int | None, fixed: bool,
               parent_path: str | None, block_size: int,
               logical: int | None) -> tuple[int, VirtualHardDisk | None]:
    """Every rule of New-VHD; returns the size and the parent file."""
    vhd_format = build.new_vhd_format(host, path)
    location = build.require_storage(lab, host, path, "virtual hard disk path")
    if lab.find_vhd(host.name, path) is not None:
        raise invalid_argument(f"The file '{path}' already exists. Choose another path, or use "
                               "the existing disk.", path)
    if logical is not None and vhd_format is VhdFormat.VHD and logical != 512:
        raise invalid_argument(f"VHD files have 512-byte logical sectors; {logical}-byte sectors "
                               "need a .vhdx file.", path)
    sector = logical or 512
    parent = None
    if parent_path is not None:
        parent = find(lab, host, parent_path)
        if parent.vhd_format is not vhd_format:
            raise invalid_argument(
                f"A differencing disk has its parent's format: '{parent.path}' is a "
                f"{parent.vhd_format.name} file, so the child must end in "
                f".{parent.vhd_format.name.lower()}.", path)
        if size is None:
            size = parent.size
        elif vhd_format is VhdFormat.VHD and size != parent.size:
            raise invalid_argument(f"A differencing VHD has its parent's size "
                                   f"({parent.size} bytes); leave out -SizeBytes.", path)
        elif size < parent.size:
            raise invalid_argument(f"A differencing disk cannot be smaller than its parent "
                                   f"'{parent.path}' ({parent.size} bytes).", path)
        sector = parent.logical_sector_size
    elif size is None:
        raise invalid_argument("-SizeBytes is needed for a new fixed or dynamic disk.", path)
    _check_size(vhd_format, int(size), sector, path)
    if block_size:
        if vhd_format is VhdFormat.VHDX:
            if not (VHDX_BLOCK_MIN <= block_size <= VHDX_BLOCK_MAX
                    and block_size & (block_size - 1) == 0):
                raise invalid_argument(
                    f"A VHDX block size is a power of two from 1 MB to 256 MB (1048576 to "
                    f"268435456 bytes); {block_size} is not.", path)
        elif block_size not in VHD_BLOCK_SIZES:
            raise invalid_argument(f"A VHD block size is 524288 (512 KB) or 2097152 (2 MB); "
                                   f"{block_size} is not.", path)
    need = int(size) if fixed else 0
    if need > location.FreeSpace:
        raise operation_failed(
            f"There is not enough space on '{location.name}' ({location.FreeSpace // MB} MB "
            f"free) to create the fixed disk '{path}' ({need // MB} MB). Free space, or create a "
            "dynamic disk (without -Fixed).", path, "ResourceUnavailable")
    return int(size), parent


def begin_new_vhd(lab: Lab, host: Host, path: str, size: int | None = None, fixed: bool = False,
                  parent_path: str | None = None, block_size: int = 0,
                  logical: int | None = None, physical: int | None = None,
                  ) -> Generator[Any, Any, VirtualHardDisk]:
    """New-VHD.  A fixed file is written out in full (Hyper-V zeroes it), so
    it takes its size over the storage's throughput; others take a moment."""
    path = resolve_path(host, path)
    if parent_path is not None:
        parent_path = resolve_path(host, parent_path)
    size, _ = _check_new(lab, host, path, size, fixed, parent_path, block_size, logical)
    location = lab.storage_for_path(host.name, path)
    seconds = METADATA_SECONDS + (size / throughput_bytes(location) if fixed else 0.0)

    def run() -> Generator[Any, Any, VirtualHardDisk]:
        yield seconds
        _, parent = _check_new(lab, host, path, size, fixed, parent_path, block_size, logical)
        kind = (VhdType.Differencing if parent is not None else
                VhdType.Fixed if fixed else VhdType.Dynamic)
        vhd = build.new_vhd(lab, host, path, size, kind, parent.path if parent else None,
                            block_size, logical or (parent.logical_sector_size if parent else 512),
                            physical or (parent.physical_sector_size if parent else None))
        if parent is not None:
            vhd.partition_size = parent.partition_size
        lab.record(EventKind.VhdCreated, host.name, f"{kind.name} {vhd.vhd_format.name} '{path}' "
                   f"({_fmt_size(size)}) was created.")
        return vhd

    return run()


# ---------------------------------------------------------------------------
# Resize-VHD
# ---------------------------------------------------------------------------

def minimum_size(vhd: VirtualHardDisk) -> int:
    """How far a VHDX can shrink: to the end of the guest's partitions,
    and never below the smallest VHDX (Get-VHD's MinimumSize)."""
    return vhd.MinimumSize


def _check_resize(lab: Lab, vhd: VirtualHardDisk, size: int) -> None:
    path = vhd.path
    if vhd.vhd_type is VhdType.Differencing:
        raise invalid_state(
            f"'{path}' is a differencing disk (of a checkpoint, or a child of "
            f"'{vhd.parent_path}'): only a disk without a parent can be resized. Remove the "
            "checkpoints (Remove-VMSnapshot) so the chain merges into its base, then resize the "
            "base.", path)
    children = children_of(lab, vhd)
    if children:
        raise invalid_state(
            f"'{path}' is the parent of differencing disk '{children[0].path}': resizing it "
            "would break that child. Remove the checkpoints (Remove-VMSnapshot) or the child "
            "first.", path)
    if size < vhd.size:
        if vhd.vhd_format is VhdFormat.VHD:
            raise invalid_argument(
                f"'{path}' is a VHD file, and only VHDX files can shrink. Keep it at "
                f"{vhd.size} bytes or larger, or use a VHDX disk.", path)
        floor = minimum_size(vhd)
        if size < floor:
            raise invalid_argument(
                f"'{path}' cannot shrink to {size} bytes: its minimum size is {floor} bytes "
                f"({_fmt_size(floor)}), the end of the guest's partitions. Resize to at least "
                f"{floor} (Resize-VHD -ToMinimumSize), or shrink the partition in the guest "
                "first (Set-LabGuestDisk -PartitionSize).", path)
    _check_size(vhd.vhd_format, size, vhd.logical_sector_size, path)
    drives = lab.drives_using(vhd)
    online = [d for d in drives if d.vm.state is not VMState.Off]
    for drive in drives:
        require_idle(drive.vm, f"resize '{path}', a disk of")
    for drive in online:
        vm = drive.vm
        host = vm.host
        if vm.state is not VMState.Running:
            raise invalid_state(
                f"'{path}' is attached to '{vm.name}', which is {vm.state.name}. Resize it "
                "while the virtual machine is off (or running, for a SCSI-attached VHDX).", path)
        require_feature(host.version, "OnlineVhdxResize", host.name,
                        f"Stop '{vm.name}' (Stop-VM), resize, then start it again.")
        if vhd.vhd_format is VhdFormat.VHD:
            raise invalid_state(
                f"'{path}' is a VHD file attached to the running virtual machine '{vm.name}': "
                "only a VHDX can be resized while in use. Stop the virtual machine first "
                "(Stop-VM).", path)
        if drive.controller_type is not ControllerType.SCSI:
            raise invalid_state(
                f"'{path}' is attached to '{vm.name}' on IDE controller "
                f"{drive.controller_number} location {drive.controller_location}: a running "
                "virtual machine's disk can be resized only on a SCSI controller. Stop the "
                "virtual machine first (Stop-VM), or attach the disk to SCSI.", path)
        if drive.support_persistent_reservations:
            raise invalid_state(
                f"'{path}' is a shared VHDX in use by '{vm.name}': Windows Server 2012 R2 "
                "cannot resize a shared VHDX online. Stop every virtual machine that shares it "
                "first.", path)
    if size > vhd.size and vhd.vhd_type is VhdType.Fixed:
        location = lab.vhd_location(vhd)
        grow = size - vhd.size
        if location is not None and grow > location.FreeSpace:
            raise operation_failed(
                f"There is not enough space on '{location.name}' ({location.FreeSpace // MB} MB "
                f"free) to extend the fixed disk '{path}' by {grow // MB} MB.", path,
                "ResourceUnavailable")


def begin_resize(lab: Lab, vhd: VirtualHardDisk, size: int | None = None,
                 to_minimum: bool = False) -> Generator[Any, Any, VirtualHardDisk] | None:
    """Resize-VHD -SizeBytes or -ToMinimumSize; None when the disk already
    has that size.  Extending a fixed file writes the new bytes."""
    if to_minimum:
        if vhd.vhd_format is VhdFormat.VHD:
            raise invalid_argument(f"'{vhd.path}' is a VHD file, and only VHDX files have a "
                                   "minimum size to shrink to.", vhd.path)
        size = minimum_size(vhd)
    if size is None:                  # -ToMinimumSize:$false asks for no size at all
        raise invalid_argument(f"No new size for '{vhd.path}': give -SizeBytes, or "
                               "-ToMinimumSize.", vhd.path)
    size = int(size)
    _check_resize(lab, vhd, size)
    if size == vhd.size:
        return None
    location = lab.vhd_location(vhd)
    seconds = METADATA_SECONDS
    if vhd.vhd_type is VhdType.Fixed and size > vhd.size and location is not None:
        seconds += (size - vhd.size) / throughput_bytes(location)

    def run() -> Generator[Any, Any, VirtualHardDisk]:
        yield seconds
        _check_resize(lab, vhd, size)
        old = vhd.size
        vhd.size = size
        lab.record(EventKind.VhdResized, vhd.computer_name, f"'{vhd.path}' was resized from "
                   f"{_fmt_size(old)} to {_fmt_size(size)}.")
        return vhd

    return run()


# ---------------------------------------------------------------------------
# Hard disk drives: attach, change, detach
# ---------------------------------------------------------------------------

def _state_rule(vm: VM, controller: ControllerType, what: str) -> None:
    """IDE devices change only while the VM is off; SCSI disks also while it
    runs (hot add and remove)."""
    if vm.state is VMState.Off:
        return
    if controller is ControllerType.IDE:
        raise invalid_state(
            f"Cannot {what} on IDE controllers of '{vm.name}' while it is {vm.state.name}: IDE "
            "devices change only while the virtual machine is off. Stop it (Stop-VM), or use "
            "the SCSI controller (-ControllerType SCSI), which takes disks while it runs.",
            vm.name)
    if vm.state is not VMState.Running:
        raise invalid_state(
            f"Cannot {what} of '{vm.name}' while it is {vm.state.name}. Start it or turn it off "
            "first.", vm.name)


def no_ide_on_generation2(vm: VM) -> None:
    if vm.generation == 2:
        raise invalid_argument(
            f"'{vm.name}' is a generation 2 virtual machine, which has no IDE controller: "
            "its disks (the boot disk too) are on SCSI. Use -ControllerType SCSI.", vm.name)


def check_slot(vm: VM, controller: ControllerType, number: int, location: int,
               moving: Any = None, what: str = "hard disk drive") -> None:
    """That the slot exists on the VM and is free (but for the drive
    `moving` there)."""
    if controller is ControllerType.Floppy:
        raise invalid_argument(f"A {what} goes on an IDE or SCSI controller, not the floppy "
                               "controller.", vm.name)
    if controller is ControllerType.IDE:
        no_ide_on_generation2(vm)
        if not 0 <= number < IDE_CONTROLLERS or not 0 <= location < IDE_LOCATIONS:
            raise invalid_argument(
                f"IDE controller {number} location {location} does not exist: a virtual machine "
                f"has IDE controllers 0 and 1, each with locations 0 and 1.", vm.name)
    else:
        if not 0 <= number < vm.scsi_controllers:
            raise invalid_argument(
                f"'{vm.name}' has {vm.scsi_controllers} SCSI controller"
                f"{'s' if vm.scsi_controllers != 1 else ''} (numbered from 0); there is no SCSI "
                f"controller {number}. A virtual machine can have up to {MAX_SCSI_CONTROLLERS}.",
                vm.name)
        if not 0 <= location < SCSI_LOCATIONS:
            raise invalid_argument(f"SCSI locations are 0 to {SCSI_LOCATIONS - 1}; {location} is "
                                   "not one.", vm.name)
    occupant = vm.drive_at(controller, number, location)
    if occupant is not None and occupant is not moving:
        raise invalid_argument(
            f"'{vm.name}' already has a {occupant.Name.lower()} at {controller.name} controller "
            f"{number} location {location}. Choose a free -ControllerLocation, or remove that "
            "drive first.", vm.name)


def _choose_slot(vm: VM, controller: ControllerType | None, number: int | None,
                 location: int | None) -> tuple[ControllerType, int, int]:
    """The slot Add-VMHardDiskDrive uses: what was asked, else the first
    free one (IDE first on a generation 1 VM that is off, then SCSI)."""
    if controller is ControllerType.IDE:
        no_ide_on_generation2(vm)
    if controller is None:
        controller = (ControllerType.IDE if vm.generation == 1 and vm.state is VMState.Off
                      and first_free(vm, ControllerType.IDE, number) is not None
                      else ControllerType.SCSI)
    if location is None:
        free = first_free(vm, controller, number)
        if free is None:
            where = f"{controller.name} controller {number}" if number is not None else \
                f"the {controller.name} controllers"
            raise invalid_argument(f"There is no free location on {where} of '{vm.name}'. "
                                   "Remove a drive, or use another controller.", vm.name)
        return controller, free[0], free[1]
    return controller, 0 if number is None else number, location


def first_free(vm: VM, controller: ControllerType, number: int | None) -> tuple[int, int] | None:
    if controller is ControllerType.IDE and vm.generation == 2:
        return None
    count = IDE_CONTROLLERS if controller is ControllerType.IDE else vm.scsi_controllers
    locations = IDE_LOCATIONS if controller is ControllerType.IDE else SCSI_LOCATIONS
    numbers = [number] if number is not None else list(range(count))
    for n in numbers:
        if not 0 <= n < count:
            continue
        for loc in range(locations):
            if vm.drive_at(controller, n, loc) is None:
                return n, loc
    return None


def _check_media(lab: Lab, vm: VM, vhd: VirtualHardDisk, controller: ControllerType,
                 shared: bool, replacing: HardDiskDrive | None = None) -> None:
    """Whether `vm` may use the file `vhd` on that controller."""
    host = vm.host
    path = vhd.path
    if vm.generation == 2 and vhd.vhd_format is VhdFormat.VHD:
        raise invalid_argument(
            f"'{path}' is a VHD file, and generation 2 virtual machines use VHDX files only. "
            "Use a .vhdx disk (New-VHD with a .vhdx path).", path)
    location = lab.vhd_location(vhd)
    if location is not None and not location.online:
        raise operation_failed(f"'{path}' is on storage '{location.name}', which is offline.",
                               path, "ResourceUnavailable")
    children = children_of(lab, vhd)
    if children:
        raise invalid_state(
            f"'{path}' is the parent of differencing disk '{children[0].path}': writing to it "
            "would break that child. Attach the child, or make a new differencing disk from it "
            "(New-VHD -ParentPath).", path)
    users = [d for d in lab.drives_using(vhd) if d is not replacing]
    if any(d.vm is vm for d in users):
        raise invalid_argument(f"'{path}' is already attached to '{vm.name}'.", path)
    if not shared:
        if users:
            other = users[0]
            hint = (" It is a shared VHDX: attach it with -SupportPersistentReservations."
                    if other.support_persistent_reservations else
                    " Detach it there first (Remove-VMHardDiskDrive), or attach a copy.")
            raise operation_failed(
                f"'{path}' is in use by '{other.vm.name}' ({other.controller_type.name} "
                f"{other.controller_number}:{other.controller_location}).{hint}", path,
                "ResourceBusy")
        return
    require_feature(host.version, "SharedVhdx", host.name,
                    "Attach the disk without -SupportPersistentReservations.")
    if vhd.vhd_format is not VhdFormat.VHDX:
        raise invalid_argument(f"'{path}' is a VHD file; only a VHDX can be shared among "
                               "virtual machines. Use a .vhdx disk.", path)
    if vhd.vhd_type is VhdType.Differencing:
        raise invalid_argument(f"'{path}' is a differencing disk, which cannot be shared. "
                               "Share a fixed or dynamic VHDX.", path)
    if controller is not ControllerType.SCSI:
        raise invalid_argument(f"A shared VHDX is attached to a SCSI controller; "
                               f"{controller.name} cannot share '{path}'. Use "
                               "-ControllerType SCSI.", path)
    if location is None or location.storage_type not in SHARED_STORAGE:
        where = f"local storage '{location.name}'" if location is not None else "local storage"
        raise invalid_argument(
            f"'{path}' is on {where}: a shared VHDX must be on a cluster shared volume or an "
            "SMB 3.0 share that every guest-cluster node reaches. Create the file there "
            "(New-VHD on C:\\ClusterStorage\\... or \\\\server\\share\\...).", path)
    if any(not d.support_persistent_reservations for d in users):
        other = next(d for d in users if not d.support_persistent_reservations)
        raise operation_failed(f"'{path}' is attached to '{other.vm.name}' without sharing. "
                               "Detach it there, or make that drive shared first.", path,
                               "ResourceBusy")
    if len(users) >= MAX_SHARED_VHDX_USERS:
        raise operation_failed(
            f"'{path}' is already shared by {len(users)} virtual machines, the most a shared "
            f"VHDX supports ({MAX_SHARED_VHDX_USERS}).", path, "LimitsExceeded")
    if vm.snapshots:
        raise invalid_state(
            f"'{vm.name}' has checkpoints, and Windows Server 2012 R2 does not support "
            "checkpoints of virtual machines with shared VHDX files. Remove its checkpoints "
            "(Get-VMSnapshot -VMName ... | Remove-VMSnapshot) first.", vm.name)


def _check_qos(vm: VM, minimum: int | None, maximum: int | None, shared: bool,
               current: HardDiskDrive | None = None) -> None:
    if minimum is None and maximum is None:
        return
    host = vm.host
    require_feature(host.version, "StorageQoS", host.name,
                    "Leave out -MinimumIOPS and -MaximumIOPS on this host.")
    if shared and (minimum or maximum):
        raise invalid_argument(
            "Storage QoS does not apply to a shared VHDX on Windows Server 2012 R2: leave out "
            "-MinimumIOPS and -MaximumIOPS for a drive with -SupportPersistentReservations.",
            vm.name)
    low = minimum if minimum is not None else (current.minimum_iops if current else 0)
    high = maximum if maximum is not None else (current.maximum_iops if current else 0)
    if low < 0 or high < 0:
        raise invalid_argument("-MinimumIOPS and -MaximumIOPS cannot be negative.", vm.name)
    if high and low > high:
        raise invalid_argument(
            f"-MinimumIOPS ({low}) cannot be more than -MaximumIOPS ({high}). Raise the maximum, "
            "lower the minimum, or set the maximum to 0 (no limit).", vm.name)


def attach_drive(lab: Lab, vm: VM, path: str, controller: ControllerType | None = None,
                 number: int | None = None, location: int | None = None,
                 shared: bool = False, minimum_iops: int | None = None,
                 maximum_iops: int | None = None) -> HardDiskDrive:
    """Add-VMHardDiskDrive."""
    host = vm.host
    require_idle(vm, "add a hard disk drive to")
    if shared and controller is None:
        controller = ControllerType.SCSI
    controller, number, location = _choose_slot(vm, controller, number, location)
    check_slot(vm, controller, number, location)
    _state_rule(vm, controller, "add a hard disk drive")
    vhd = find(lab, host, path)
    _check_media(lab, vm, vhd, controller, shared)
    _check_qos(vm, minimum_iops, maximum_iops, shared)
    drive = HardDiskDrive(controller, number, location, vhd.path, shared,
                          int(minimum_iops or 0), int(maximum_iops or 0))
    drive.vm = vm
    vm.hard_drives.append(drive)
    accounts.changed(vm)
    lab.record(EventKind.DiskAttached, vm.name, f"'{vhd.path}' was attached to '{vm.name}' at "
               f"{controller.name} {number}:{location}"
               + (" (shared)." if shared else "."))
    return drive


def change_drive(lab: Lab, drive: HardDiskDrive, path: str | None = None,
                 to_controller: ControllerType | None = None, to_number: int | None = None,
                 to_location: int | None = None, shared: bool | None = None,
                 minimum_iops: int | None = None, maximum_iops: int | None = None) -> None:
    """Set-VMHardDiskDrive: move the drive, change its file, its sharing or
    its Storage QoS limits."""
    vm = drive.vm
    host = vm.host
    require_idle(vm, "change a hard disk drive of")
    moving = any(v is not None for v in (to_controller, to_number, to_location))
    controller = to_controller or drive.controller_type
    number = drive.controller_number if to_number is None else to_number
    location = drive.controller_location if to_location is None else to_location
    new_shared = drive.support_persistent_reservations if shared is None else bool(shared)
    if moving:
        if vm.state is not VMState.Off:
            raise invalid_state(f"Cannot move a drive of '{vm.name}' to another controller "
                                f"while it is {vm.state.name}. Stop it (Stop-VM) first.", vm.name)
        if to_location is None and (to_controller is not None or to_number is not None):
            free = first_free(vm, controller, number)
            if free is not None:
                location = free[1]
        check_slot(vm, controller, number, location, moving=drive)
    if new_shared != drive.support_persistent_reservations and vm.state is not VMState.Off:
        raise invalid_state(f"Cannot change whether '{vm.name}' shares a disk while it is "
                            f"{vm.state.name}. Stop it (Stop-VM) first.", vm.name)
    vhd = find(lab, host, path) if path is not None else (
        lab.find_vhd(host.name, drive.path) if drive.path else None)
    if path is not None:
        _state_rule(vm, drive.controller_type, "change the disk of a drive")
    if vhd is not None and (path is not None or moving or shared is not None):
        _check_media(lab, vm, vhd, controller, new_shared, replacing=drive)
    _check_qos(vm, minimum_iops, maximum_iops, new_shared, current=drive)
    if new_shared and (drive.minimum_iops or drive.maximum_iops) and \
            minimum_iops is None and maximum_iops is None:
        raise invalid_argument(
            "This drive has Storage QoS limits, which a shared VHDX cannot have on Windows "
            "Server 2012 R2. Set -MinimumIOPS 0 -MaximumIOPS 0 as well.", vm.name)
    # Everything is checked: apply.
    usage.sync(lab)
    drive.controller_type, drive.controller_number, drive.controller_location = \
        controller, number, location
    if vhd is not None and path is not None:
        drive.path = vhd.path
    drive.support_persistent_reservations = new_shared
    if minimum_iops is not None:
        drive.minimum_iops = int(minimum_iops)
    if maximum_iops is not None:
        drive.maximum_iops = int(maximum_iops)
    lab.record(EventKind.DiskChanged, vm.name, f"The drive of '{vm.name}' at {controller.name} "
               f"{number}:{location} was changed.")


def detach_drive(lab: Lab, drive: HardDiskDrive) -> None:
    """Remove-VMHardDiskDrive: the drive goes, the file stays."""
    vm = drive.vm
    require_idle(vm, "remove a hard disk drive from")
    _state_rule(vm, drive.controller_type, "remove a hard disk drive")
    usage.sync(lab)
    vm.hard_drives.remove(drive)
    accounts.changed(vm)
    lab.record(EventKind.DiskDetached, vm.name, f"The drive at {drive.controller_type.name} "
               f"{drive.controller_number}:{drive.controller_location} of '{vm.name}' "
               f"({drive.path}) was removed.")
