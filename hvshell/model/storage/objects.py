"""Storage: locations (local volumes, cluster shared volumes, SMB 3.0
shares), virtual hard disk files, and the drives that attach them to VMs.

Paths are Windows paths and compare case-insensitively.  A local path is
only meaningful on its host; CSV paths are seen by every node of the
cluster; UNC paths of SMB shares by every host.  VHD files are registered
in the lab by a key that says which (`Lab.file_key`).
"""
from __future__ import annotations

import functools
from typing import Any

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type
from hvshell.model.compute.accounts import drive_changed
from hvshell.model.kernel.ids import Guid

MB = 2**20
GB = 2**30
TB = 2**40


def norm_path(path: str) -> str:
    """Lower case, backslashes, no trailing separator: the form paths are
    compared in."""
    return _normalized(path if isinstance(path, str) else str(path))


# Paths are compared at every look-up of the storage a file is on: each
# distinct text is normalized once.
@functools.lru_cache(maxsize=65536)
def _normalized(path: str) -> str:
    text = path.strip().replace("/", "\\")
    if len(text) > 1 and not text.endswith(":\\"):
        text = text.rstrip("\\")
    if text.endswith(":\\"):
        text = text[:-1]
    return text.lower()


def join_path(folder: str, name: str) -> str:
    folder = str(folder).rstrip("\\/")
    return f"{folder}\\{name}"


def is_absolute(path: str) -> bool:
    text = str(path)
    return text.startswith("\\\\") or (len(text) >= 2 and text[1] == ":")


class StorageType(PSEnum):
    Local = 0
    CSV = 1
    SMB = 2


@ps_type
@attrs.define(eq=False)
class StorageLocation:
    """A place VM files live, with what it can sustain.  A CSV also has
    the cluster's name for it (`disk_name`, "Cluster Disk 1") and an owner
    (coordinator) node."""
    PS_TYPE = "hvshell.Lab.Storage"

    name: str
    storage_type: StorageType
    path: str
    capacity: int
    throughput_mbps: float
    iops: float
    host_name: str | None = None        # Local: the host whose volume it is
    cluster_name: str | None = None     # CSV: the cluster that owns it
    disk_name: str | None = None        # CSV: "Cluster Disk N"
    owner_node: str | None = None       # CSV: coordinator node
    id: Guid | None = None
    online: bool = True
    lab: Any = attrs.field(init=False, default=None, repr=False)

    def contains(self, path: str) -> bool:
        key = norm_path(path)
        mine = norm_path(self.path)
        return key == mine or key.startswith(mine + "\\")

    def visible_from(self, host_name: str, cluster_nodes: list[str] | None) -> bool:
        if self.storage_type is StorageType.Local:
            return (self.host_name or "").lower() == host_name.lower()
        if self.storage_type is StorageType.CSV:
            return cluster_nodes is not None and host_name.lower() in (n.lower() for n in cluster_nodes)
        return True

    def used_bytes(self) -> int:
        """Bytes of VHD files and saved memory on this location."""
        return self.lab.bytes_used_on(self) if self.lab is not None else 0

    # ---- what the shell shows ------------------------------------------------

    @property
    def Name(self) -> str:
        return self.name

    @property
    def Type(self) -> StorageType:
        return self.storage_type

    @property
    def Path(self) -> str:
        return self.path

    @property
    def ComputerName(self) -> str | None:
        return self.host_name

    @property
    def Cluster(self) -> str | None:
        return self.cluster_name

    @property
    def Capacity(self) -> int:
        return self.capacity

    @property
    def FreeSpace(self) -> int:
        return self.capacity - self.used_bytes()

    @property
    def ThroughputMBps(self) -> float:
        return self.throughput_mbps

    @property
    def Iops(self) -> float:
        return self.iops

    @property
    def State(self) -> str:
        return "Online" if self.online else "Offline"


class VhdFormat(PSEnum):
    VHD = 2
    VHDX = 3


class VhdType(PSEnum):
    Fixed = 2
    Dynamic = 3
    Differencing = 4


# Sizes of the file structures (VHD and VHDX format specifications): a VHD
# ends with a 512-byte footer (a dynamic one also has a header, a copy of the
# footer and its block table); a VHDX starts with 1 MB of headers and keeps
# its metadata and block table in further 1 MB regions, which is why a new
# empty dynamic VHDX is 4 MB.
VHD_FOOTER_BYTES = 512
VHDX_METADATA_BYTES = 4 * MB
# Default block sizes: 2 MB for dynamic VHD, 32 MB for dynamic VHDX
# (docs/model.md, Storage).
VHD_BLOCK_BYTES = 2 * MB
VHDX_BLOCK_BYTES = 32 * MB
# Largest virtual disks (section D): VHD 2040 GB, VHDX 64 TB.
VHD_MAX_BYTES = 2040 * GB
VHDX_MAX_BYTES = 64 * TB
# The smallest VHDX Hyper-V creates or shrinks to (recalled from Hyper-V
# Manager's New Virtual Hard Disk wizard, which refuses less than 3 MB).
VHDX_MIN_BYTES = 3 * MB


def format_for_path(path: str) -> VhdFormat | None:
    lower = str(path).lower()
    if lower.endswith(".vhdx"):
        return VhdFormat.VHDX
    if lower.endswith(".vhd"):
        return VhdFormat.VHD
    return None


def _resized(vhd: Any, attribute: Any, value: Any) -> Any:
    if vhd.lab is not None:
        vhd.lab.file_changed(vhd)
    return value


@ps_type
@attrs.define(eq=False)
class VirtualHardDisk:
    """A VHD or VHDX file.  `partition_size` and `used_size` say what the
    guest has partitioned and written on it (Set-LabGuestDisk); a dynamic
    or differencing file grows with the written blocks."""
    PS_TYPE = "Microsoft.Vhd.PowerShell.VirtualHardDisk"

    path: str
    computer_name: str
    # The fields FileSize depends on tell the lab when they change, so that
    # the bytes used on each storage location are kept, not summed per read.
    vhd_format: VhdFormat = attrs.field(on_setattr=_resized)
    vhd_type: VhdType = attrs.field(on_setattr=_resized)
    size: int = attrs.field(on_setattr=_resized)
    disk_identifier: Guid
    block_size: int = attrs.field(default=0, on_setattr=_resized)
    logical_sector_size: int = 512
    physical_sector_size: int = 4096
    parent_path: str | None = None
    partition_size: int = 0
    used_size: int = attrs.field(default=0, on_setattr=_resized)
    lab: Any = attrs.field(init=False, default=None, repr=False)
    # (storage location name, FileSize) it is counted for (Lab.bytes_used_on).
    counted: tuple[str | None, int] = attrs.field(init=False, default=(None, 0), repr=False)

    @property
    def allocated_bytes(self) -> int:
        """Data bytes the file holds (whole blocks for dynamic files)."""
        if self.vhd_type is VhdType.Fixed:
            return self.size
        block = self.block_size or (VHDX_BLOCK_BYTES if self.vhd_format is VhdFormat.VHDX
                                    else VHD_BLOCK_BYTES)
        blocks = -(-self.used_size // block)
        return min(blocks * block, self.size)

    @property
    def max_size(self) -> int:
        return VHDX_MAX_BYTES if self.vhd_format is VhdFormat.VHDX else VHD_MAX_BYTES

    # ---- what the shell shows (Get-VHD) -------------------------------------

    @property
    def ComputerName(self) -> str:
        return self.computer_name

    @property
    def Path(self) -> str:
        return self.path

    @property
    def VhdFormat(self) -> VhdFormat:
        return self.vhd_format

    @property
    def VhdType(self) -> VhdType:
        return self.vhd_type

    @property
    def FileSize(self) -> int:
        if self.vhd_format is VhdFormat.VHDX:
            return VHDX_METADATA_BYTES + self.allocated_bytes
        overhead = VHD_FOOTER_BYTES if self.vhd_type is VhdType.Fixed else 3 * VHD_FOOTER_BYTES + \
            4 * -(-self.size // (self.block_size or VHD_BLOCK_BYTES))
        return overhead + self.allocated_bytes

    @property
    def Size(self) -> int:
        return self.size

    @property
    def MinimumSize(self) -> int | None:
        """The smallest size a VHDX can shrink to: the end of the guest's
        partitions.  VHD files cannot shrink (no value)."""
        if self.vhd_format is not VhdFormat.VHDX:
            return None
        floor = max(self.partition_size, VHDX_MIN_BYTES)
        return -(-floor // self.logical_sector_size) * self.logical_sector_size

    @property
    def LogicalSectorSize(self) -> int:
        return self.logical_sector_size

    @property
    def PhysicalSectorSize(self) -> int:
        return self.physical_sector_size

    @property
    def BlockSize(self) -> int:
        return self.block_size

    @property
    def ParentPath(self) -> str | None:
        return self.parent_path

    @property
    def DiskIdentifier(self) -> Guid:
        return self.disk_identifier

    @property
    def FragmentationPercentage(self) -> int:
        return 0

    @property
    def Alignment(self) -> int:
        return 1

    @property
    def Attached(self) -> bool:
        return self.lab is not None and bool(self.lab.drives_using(self))

    @property
    def DiskNumber(self) -> None:
        return None


class ControllerType(PSEnum):
    IDE = 0
    SCSI = 1
    Floppy = 2


# Controllers per VM (section D): IDE 2 x 2 locations (generation 1 only);
# SCSI up to 4 controllers x 64 locations.
IDE_CONTROLLERS = 2
IDE_LOCATIONS = 2
MAX_SCSI_CONTROLLERS = 4
SCSI_LOCATIONS = 64


@ps_type
@attrs.define(eq=False)
class HardDiskDrive:
    """A virtual hard drive in a VM: a slot on a controller and the file in
    it (`path`, a VHD registered in the lab)."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.HardDiskDrive"

    # The fields its VM's metering rates depend on mark the VM when set.
    controller_type: ControllerType = attrs.field(on_setattr=drive_changed)
    controller_number: int = attrs.field(on_setattr=drive_changed)
    controller_location: int = attrs.field(on_setattr=drive_changed)
    path: str | None = attrs.field(default=None, on_setattr=drive_changed)
    support_persistent_reservations: bool = False
    minimum_iops: int = 0
    maximum_iops: int = attrs.field(default=0, on_setattr=drive_changed)
    vm: Any = attrs.field(init=False, default=None, repr=False)

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def VMId(self) -> Guid:
        return self.vm.id

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name

    @property
    def Name(self) -> str:
        return "Hard Drive"

    @property
    def ControllerType(self) -> ControllerType:
        return self.controller_type

    @property
    def ControllerNumber(self) -> int:
        return self.controller_number

    @property
    def ControllerLocation(self) -> int:
        return self.controller_location

    @property
    def Path(self) -> str | None:
        return self.path

    @property
    def DiskNumber(self) -> None:
        return None

    @property
    def PoolName(self) -> str:
        return "Primordial"

    @property
    def SupportPersistentReservations(self) -> bool:
        return self.support_persistent_reservations

    @property
    def MinimumIOPS(self) -> int:
        return self.minimum_iops

    @property
    def MaximumIOPS(self) -> int:
        return self.maximum_iops

    def ToString(self) -> str:
        return (f"HardDiskDrive (Name = 'Hard Drive') [ControllerType = "
                f"'{self.controller_type.name}', ControllerNumber = {self.controller_number}, "
                f"ControllerLocation = {self.controller_location}] VMName = '{self.vm.name}'")


@ps_type
@attrs.define(eq=False)
class DvdDrive:
    """A virtual DVD drive; `path` is the ISO image in it, if any."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.DvdDrive"

    controller_type: ControllerType
    controller_number: int
    controller_location: int
    path: str | None = None
    vm: Any = attrs.field(init=False, default=None, repr=False)

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name

    @property
    def Name(self) -> str:
        return "DVD Drive"

    @property
    def ControllerType(self) -> ControllerType:
        return self.controller_type

    @property
    def ControllerNumber(self) -> int:
        return self.controller_number

    @property
    def ControllerLocation(self) -> int:
        return self.controller_location

    @property
    def Path(self) -> str | None:
        return self.path

    @property
    def DvdMediaType(self) -> DvdMediaType:
        return DvdMediaType.ISO if self.path else DvdMediaType["None"]

    @property
    def VMId(self) -> Guid:
        return self.vm.id

    def ToString(self) -> str:
        return (f"DvdDrive (Name = 'DVD Drive') [ControllerType = "
                f"'{self.controller_type.name}', ControllerNumber = {self.controller_number}, "
                f"ControllerLocation = {self.controller_location}] VMName = '{self.vm.name}'")


# Functional form: "None" is a member name Hyper-V uses.
DvdMediaType = PSEnum("DvdMediaType", [("None", 0), ("ISO", 1), ("PassThrough", 2)],
                      module=__name__, qualname="DvdMediaType")


@ps_type
class VMDriveController:
    """A VM's IDE or SCSI controller, read live from the VM (the VM keeps
    only how many SCSI controllers it has; IDE controllers are fixed)."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMDriveController"
    CONTROLLER_TYPE: ControllerType
    __slots__ = ("vm", "number")

    def __init__(self, vm: Any, number: int):
        self.vm = vm
        self.number = number

    @property
    def ControllerNumber(self) -> int:
        return self.number

    @property
    def Drives(self) -> list[Any]:
        return [d for d in (*self.vm.hard_drives, *self.vm.dvd_drives)
                if d.controller_type is self.CONTROLLER_TYPE and d.controller_number == self.number]

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def VMId(self) -> Guid:
        return self.vm.id

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and other.vm is self.vm     # type: ignore[attr-defined]
                and other.number == self.number)                      # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((id(self.vm), self.number))


@ps_type
class VMScsiController(VMDriveController):
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMScsiController"
    CONTROLLER_TYPE = ControllerType.SCSI
    __slots__ = ()

    @property
    def Name(self) -> str:
        return "SCSI Controller"


@ps_type
class VMIdeController(VMDriveController):
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMIdeController"
    CONTROLLER_TYPE = ControllerType.IDE
    __slots__ = ()

    @property
    def Name(self) -> str:
        return f"IDE Controller {self.number}"
