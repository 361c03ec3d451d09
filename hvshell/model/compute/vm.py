"""Virtual machines: configuration, state and what Get-VM shows.

Configuration lives in snake_case fields (saved with the lab); what the
shell reads are the read-only, upper-case properties named as on Hyper-V's
Microsoft.HyperV.PowerShell.VirtualMachine (docs/cmdlets.md, Get-VM).
Changing a VM goes through the cmdlets (Set-VM ...), as on Hyper-V, where
these properties are read-only too.  Values that depend on time (Uptime,
memory assigned, CPU usage) are computed from the lab's clock when read,
so a VM object held in a variable always shows the present.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type
from hvshell.model.storage.vmsnapshot import VMSnapshot
from hvshell.model.kernel.ids import Guid
from hvshell.model.network.objects import VMNetworkAdapter
from hvshell.model.replica.settings import ReplicationSettings
from hvshell.model.storage.objects import (IDE_CONTROLLERS, IDE_LOCATIONS, SCSI_LOCATIONS,
                                           ControllerType, DvdDrive, HardDiskDrive)
from hvshell.model.compute.accounts import VMShares, changed
from hvshell.model.compute.usage import VMUsage
from hvshell.model.compute.workload import GuestOS, Workload, WorkloadProfile

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20
GB = 2**30
TB = 2**40


class VMState(PSEnum):
    """Microsoft.HyperV.PowerShell.VMState (section A.1)."""
    Other = 1
    Running = 2
    Off = 3
    Stopping = 4
    Saved = 6
    Paused = 9
    Starting = 10
    Reset = 11
    Saving = 32773
    Pausing = 32776
    Resuming = 32777
    FastSaved = 32779
    FastSaving = 32780
    RunningCritical = 32781
    OffCritical = 32782
    StoppingCritical = 32783
    SavedCritical = 32784
    PausedCritical = 32785
    StartingCritical = 32786
    ResetCritical = 32787
    SavingCritical = 32788
    PausingCritical = 32789
    ResumingCritical = 32790
    FastSavedCritical = 32791
    FastSavingCritical = 32792


# States in which the VM holds host memory and its worker process runs.
RESIDENT_STATES = frozenset({
    VMState.Running, VMState.Paused, VMState.Starting, VMState.Stopping, VMState.Saving,
    VMState.Pausing, VMState.Resuming, VMState.RunningCritical, VMState.PausedCritical,
})


class StartAction(PSEnum):
    Nothing = 2
    StartIfRunning = 3
    Start = 4


class StopAction(PSEnum):
    TurnOff = 2
    Save = 3
    ShutDown = 4


class ReplicationState(PSEnum):
    Disabled = 0
    ReadyForInitialReplication = 1
    InitialReplicationInProgress = 2
    WaitingForInitialReplication = 3
    Replicating = 4
    PreparedForFailover = 5
    FailedOverWaitingCompletion = 6
    FailedOver = 7
    Suspended = 8
    Error = 9
    WaitingForStartResynchronize = 10
    Resynchronizing = 11
    ResynchronizeSuspended = 12
    RecoveryInProgress = 13
    FailbackInProgress = 14
    FailbackComplete = 15


class ReplicationHealth(PSEnum):
    NotApplicable = 0
    Normal = 1
    Warning = 2
    Critical = 3


class BootDevice(PSEnum):
    """New-VM -BootDevice (section 2)."""
    Floppy = 0
    CD = 1
    IDE = 2
    LegacyNetworkAdapter = 3
    NetworkAdapter = 4
    VHD = 5


ReplicationMode = PSEnum("ReplicationMode", [("None", 0), ("Primary", 1), ("Replica", 2),
                                             ("TestReplica", 3), ("ExtendedReplica", 4)],
                         module=__name__, qualname="ReplicationMode")


# Memory rules (Hyper-V 2012/2012 R2, recalled from Hyper-V Manager's
# validation): sizes are whole multiples of 2 MB and at least 32 MB.
MEMORY_ALIGNMENT = 2 * MB
MIN_VM_MEMORY = 32 * MB
# Defaults Hyper-V gives a new VM (New-VM notes: 512 MB startup) and the
# values Hyper-V Manager proposes when dynamic memory is turned on: minimum
# 512 MB, maximum 1 TB (1048576 MB), buffer 20 %, weight 50.
DEFAULT_STARTUP_MEMORY = 512 * MB
DEFAULT_DYNAMIC_MINIMUM = 512 * MB
DEFAULT_DYNAMIC_MAXIMUM = 1 * TB
DEFAULT_BUFFER = 20
DEFAULT_MEMORY_WEIGHT = 50
# Memory the guest operating system itself needs before its workload:
# Windows Server 2012 R2's documented minimum is 512 MB; a server Linux
# distribution runs in about half that (reasoning, not a published figure).
GUEST_BASE_MEMORY = {GuestOS.Windows: 512 * MB, GuestOS.Linux: 256 * MB}
# Integration services each host version offers (2012 R2 added Guest Service
# Interface, off by default).
INTEGRATION_SERVICES = ("Time Synchronization", "Heartbeat", "Key-Value Pair Exchange",
                        "Shutdown", "VSS")
GUEST_SERVICE_INTERFACE = "Guest Service Interface"


def align_memory(value: int) -> int:
    """Round up to Hyper-V's 2 MB granularity."""
    return -(-int(value) // MEMORY_ALIGNMENT) * MEMORY_ALIGNMENT


def _renamed(vm: "VM", attribute: Any, value: str) -> str:
    """on_setattr of a VM's name: its host's look-ups by name follow."""
    host = vm.lab.find_host(vm.host_name) if vm.lab is not None else None
    if host is not None:
        host.vms_changed()
    return value


@ps_type
@attrs.define(eq=False)
class VM:
    PS_TYPE = "Microsoft.HyperV.PowerShell.VirtualMachine"

    name: str = attrs.field(on_setattr=_renamed)
    id: Guid
    host_name: str = attrs.field(on_setattr=changed)
    generation: int
    path: str
    version: str
    creation_time: float
    # Fields what the VM holds and uses depends on mark it when set (accounts.py).
    processor_count: int = attrs.field(default=1, on_setattr=changed)
    memory_startup: int = attrs.field(default=DEFAULT_STARTUP_MEMORY, on_setattr=changed)
    dynamic_memory_enabled: bool = attrs.field(default=False, on_setattr=changed)
    memory_minimum: int = attrs.field(default=DEFAULT_STARTUP_MEMORY, on_setattr=changed)
    memory_maximum: int = attrs.field(default=DEFAULT_DYNAMIC_MAXIMUM, on_setattr=changed)
    memory_buffer: int = attrs.field(default=DEFAULT_BUFFER, on_setattr=changed)
    memory_priority: int = DEFAULT_MEMORY_WEIGHT
    state: VMState = attrs.field(default=VMState.Off, on_setattr=changed)
    notes: str = ""
    snapshot_file_location: str = ""
    smart_paging_file_path: str = ""
    automatic_start_action: StartAction = StartAction.StartIfRunning
    automatic_start_delay: int = 0
    automatic_stop_action: StopAction = StopAction.Save
    # Set-VMProcessor
    compatibility_for_migration: bool = False
    compatibility_for_older_os: bool = False
    processor_maximum: int = attrs.field(default=100, on_setattr=changed)
    processor_reserve: int = 0
    processor_relative_weight: int = 100
    scsi_controllers: int = 1
    hard_drives: list[HardDiskDrive] = attrs.field(factory=list, on_setattr=changed)
    dvd_drives: list[DvdDrive] = attrs.Factory(list)
    network_adapters: list[VMNetworkAdapter] = attrs.Factory(list)
    snapshots: list[VMSnapshot] = attrs.Factory(list)
    parent_snapshot_id: Guid | None = None
    integration_services: dict[str, bool] = attrs.Factory(dict)
    # The integration components installed in the guest (a build such as
    # 6.2.9200.16384): those of the host it was created on until updated
    # inside the guest; '' (labs saved before it was kept) reads as the host's.
    integration_services_build: str = ""
    workload: Workload = attrs.field(
        default=attrs.Factory(lambda vm: Workload.from_profile(WorkloadProfile.Idle,
                                                               vm.memory_startup),
                              takes_self=True), on_setattr=changed)
    replication_state: ReplicationState = ReplicationState.Disabled
    replication_health: ReplicationHealth = ReplicationHealth.NotApplicable
    replication_mode: ReplicationMode = ReplicationMode["None"]
    # Hyper-V Replica relationship (hvshell.model.replica.legs), None when not replicated.
    replication: ReplicationSettings | None = None
    resource_metering_enabled: bool = False
    # Resource use over time: metering totals, guest writes (hvshell.model.compute.usage).
    usage: VMUsage = attrs.Factory(VMUsage)
    # Runtime state that is still plain data (saved with the lab):
    started_at: float | None = None        # when it last started (Uptime)
    guest_ready_at: float | None = None    # when the guest OS answers (heartbeat)
    saved_memory: int = attrs.field(default=0, on_setattr=changed)   # bytes in the saved-state file
    # The stable state to return to if an in-flight operation is abandoned
    # (a reload of the lab, a crash).
    transition_from: VMState | None = None
    # Whether the VM ran when its host went down (AutomaticStartAction
    # StartIfRunning restarts it when the host is back).
    running_at_host_stop: bool = False
    # Status text while an operation runs ("Migrating", "Saving" ...).
    status_text: str | None = None
    lab: Any = attrs.field(init=False, default=None, repr=False)
    operation: Any = attrs.field(init=False, default=None, repr=False)   # its running Process
    shares: VMShares = attrs.field(init=False, factory=VMShares, repr=False)

    def relink(self, lab: Lab) -> None:
        """Set the back references of this VM and its devices."""
        self.lab = lab
        for item in (*self.hard_drives, *self.dvd_drives, *self.network_adapters,
                     *self.snapshots):
            item.vm = self

    # ---- helpers for the model ------------------------------------------

    @property
    def host(self) -> Any:
        return self.lab.host(self.host_name)

    @property
    def is_running(self) -> bool:
        """Holds host memory (running, paused, or changing state)."""
        return self.state in RESIDENT_STATES

    @property
    def guest_os(self) -> GuestOS:
        return self.workload.guest_os

    def guest_ready(self) -> bool:
        return (self.state is VMState.Running and self.guest_ready_at is not None
                and self.lab.clock.now >= self.guest_ready_at)

    def memory_demand(self) -> int:
        """Memory the guest asks for: its OS plus its working set."""
        if not self.is_running:
            return 0
        demand = GUEST_BASE_MEMORY[self.workload.guest_os] + self.workload.working_set
        ceiling = self.memory_maximum if self.dynamic_memory_enabled else self.memory_startup
        return min(align_memory(demand), ceiling)

    def memory_assigned(self) -> int:
        if not self.is_running:
            return 0
        if not self.dynamic_memory_enabled or self.state is VMState.Starting:
            return self.saved_memory or self.memory_startup
        target = align_memory(self.memory_demand() * (100 + self.memory_buffer) / 100)
        return max(self.memory_minimum, min(target, self.memory_maximum))

    def state_file_bytes(self) -> int:
        """What the VM's memory takes in its folder: the saved state of a
        saved VM; for a running one whose AutomaticStopAction is Save, the
        .BIN file Hyper-V (2008 R2 to 2012 R2) keeps as large as its memory,
        so that a host shutdown always has room to save it."""
        if self.state is VMState.Saved:
            return self.saved_memory
        if self.is_running and self.automatic_stop_action is StopAction.Save:
            return self.memory_assigned()
        return 0

    def snapshot_by_id(self, snapshot_id: Guid | None) -> VMSnapshot | None:
        if snapshot_id is None:
            return None
        for snap in self.snapshots:
            if snap.id == snapshot_id:
                return snap
        return None

    def drive_at(self, controller_type: ControllerType, number: int,
                 location: int) -> HardDiskDrive | DvdDrive | None:
        for drive in (*self.hard_drives, *self.dvd_drives):
            if (drive.controller_type is controller_type and drive.controller_number == number
                    and drive.controller_location == location):
                return drive
        return None

    def free_slot(self, controller_type: ControllerType) -> tuple[int, int] | None:
        """The first free (controller number, location) of that type."""
        if controller_type is ControllerType.IDE:
            if self.generation == 2:
                return None
            numbers, locations = IDE_CONTROLLERS, IDE_LOCATIONS
        else:
            numbers, locations = self.scsi_controllers, SCSI_LOCATIONS
        for number in range(numbers):
            for location in range(locations):
                if self.drive_at(controller_type, number, location) is None:
                    return number, location
        return None

    # ---- Get-VM properties, in the order `Select-Object *` lists them ----

    @property
    def Name(self) -> str:
        return self.name

    @property
    def VMName(self) -> str:
        return self.name

    @property
    def Id(self) -> Guid:
        return self.id

    @property
    def VMId(self) -> Guid:
        return self.id

    @property
    def ComputerName(self) -> str:
        return self.host_name

    @property
    def Generation(self) -> int:
        return self.generation

    @property
    def Version(self) -> str:
        return self.version

    @property
    def IsClustered(self) -> bool:
        return self.lab is not None and self.lab.cluster_group_of(self) is not None

    @property
    def Notes(self) -> str:
        return self.notes

    @property
    def CreationTime(self) -> dt.datetime:
        return self.lab.time_at(self.creation_time)

    @property
    def Path(self) -> str:
        return self.path

    @property
    def ConfigurationLocation(self) -> str:
        return self.path

    @property
    def SizeOfSystemFiles(self) -> int:
        """Bytes of the VM's state files in its folder (.BIN or .VSV)."""
        return self.state_file_bytes()

    @property
    def SnapshotFileLocation(self) -> str:
        return self.snapshot_file_location

    @property
    def SmartPagingFilePath(self) -> str:
        return self.smart_paging_file_path

    @property
    def SmartPagingFileInUse(self) -> bool:
        return False

    @property
    def State(self) -> VMState:
        return self.state

    @property
    def Status(self) -> str:
        return self.status_text or "Operating normally"

    @property
    def OperationalStatus(self) -> list[str]:
        return ["Ok"] if self.status_text is None else ["Ok", "InService"]

    @property
    def PrimaryStatusDescription(self) -> str:
        return "OK"

    @property
    def Heartbeat(self) -> str | None:
        if not self.is_running:
            return None
        if not self.integration_services.get("Heartbeat", True):
            return "Disabled"
        if self.state is VMState.Paused:
            return "Paused"
        return "OkApplicationsUnknown" if self.guest_ready() else "NoContact"

    @property
    def Uptime(self) -> dt.timedelta:
        if not self.is_running or self.started_at is None:
            return dt.timedelta(0)
        # Hyper-V 2012 R2 shows whole seconds.
        return dt.timedelta(seconds=int(self.lab.clock.now - self.started_at))

    @property
    def CPUUsage(self) -> int:
        """Percent of the host's processors this VM uses."""
        if self.state is not VMState.Running:
            return 0
        host = self.host
        share = self.workload.cpu_percent * min(self.processor_count, host.logical_processors)
        share = min(share, self.processor_maximum * self.processor_count)
        return min(100, round(share / host.logical_processors))

    def guest_integration_build(self) -> str:
        return self.integration_services_build or self.host.integration_services_version

    def integration_update_required(self) -> bool:
        """The guest's integration components are older than its host's
        (after a move from 2012 to 2012 R2, until updated in the guest)."""
        def build(text: str) -> tuple[int, ...]:
            return tuple(int(part) for part in text.split("."))
        return build(self.guest_integration_build()) < build(self.host.integration_services_version)

    @property
    def IntegrationServicesVersion(self) -> str:
        return self.guest_integration_build() if self.is_running else ""

    @property
    def IntegrationServicesState(self) -> str:
        if not self.guest_ready():
            return ""
        return "Update required" if self.integration_update_required() else "Up to date"

    @property
    def MemoryAssigned(self) -> int:
        return self.memory_assigned()

    @property
    def MemoryDemand(self) -> int:
        return self.memory_demand()

    @property
    def MemoryStartup(self) -> int:
        return self.memory_startup

    @property
    def MemoryMinimum(self) -> int:
        return self.memory_minimum

    @property
    def MemoryMaximum(self) -> int:
        return self.memory_maximum

    @property
    def DynamicMemoryEnabled(self) -> bool:
        return self.dynamic_memory_enabled

    @property
    def MemoryStatus(self) -> str:
        """Dynamic memory's verdict: OK when the buffer is met, Low when it
        is not, Warning when the guest gets less than it demands."""
        if not self.dynamic_memory_enabled or self.state is not VMState.Running:
            return ""
        assigned, demand = self.memory_assigned(), self.memory_demand()
        if assigned < demand:
            return "Warning"
        if assigned < demand * (100 + self.memory_buffer) / 100 - MEMORY_ALIGNMENT:
            return "Low"
        return "OK"

    @property
    def ProcessorCount(self) -> int:
        return self.processor_count

    @property
    def AutomaticStartAction(self) -> StartAction:
        return self.automatic_start_action

    @property
    def AutomaticStartDelay(self) -> int:
        return self.automatic_start_delay

    @property
    def AutomaticStopAction(self) -> StopAction:
        return self.automatic_stop_action

    @property
    def ResourceMeteringEnabled(self) -> bool:
        return self.resource_metering_enabled

    @property
    def ParentSnapshotId(self) -> Guid | None:
        return self.parent_snapshot_id

    @property
    def ParentSnapshotName(self) -> str | None:
        parent = self.snapshot_by_id(self.parent_snapshot_id)
        return parent.name if parent else None

    @property
    def ReplicationState(self) -> ReplicationState:
        return self.replication_state

    @property
    def ReplicationHealth(self) -> ReplicationHealth:
        return self.replication_health

    @property
    def ReplicationMode(self) -> ReplicationMode:
        return self.replication_mode

    @property
    def HardDrives(self) -> list[HardDiskDrive]:
        return list(self.hard_drives)

    @property
    def NetworkAdapters(self) -> list[VMNetworkAdapter]:
        return list(self.network_adapters)

    @property
    def DVDDrives(self) -> list[DvdDrive]:
        return list(self.dvd_drives)

    @property
    def VMIntegrationService(self) -> list["VMIntegrationComponent"]:
        return [VMIntegrationComponent(self, name) for name in self.integration_services]

    def ToString(self) -> str:
        return f"VirtualMachine (Name = '{self.name}') [Id = '{self.id}']"


@ps_type
class VMIntegrationComponent:
    """One integration service of a VM (a live view)."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMIntegrationComponent"
    __slots__ = ("vm", "name")

    def __init__(self, vm: VM, name: str):
        self.vm = vm
        self.name = name

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def Name(self) -> str:
        return self.name

    @property
    def Enabled(self) -> bool:
        return self.vm.integration_services.get(self.name, False)

    @property
    def PrimaryStatusDescription(self) -> str:
        if not self.Enabled or not self.vm.is_running:
            return ""
        return "OK" if self.vm.guest_ready() else "No Contact"

    @property
    def SecondaryStatusDescription(self) -> str:
        return ""

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name


@ps_type
class VMMemory:
    """A VM's memory settings (Get-VMMemory, Set-VMMemory -Passthru): a
    live view of the VM."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMMemory"
    __slots__ = ("vm",)

    def __init__(self, vm: VM):
        self.vm = vm

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def DynamicMemoryEnabled(self) -> bool:
        return self.vm.dynamic_memory_enabled

    @property
    def Minimum(self) -> int:
        return self.vm.memory_minimum

    @property
    def Startup(self) -> int:
        return self.vm.memory_startup

    @property
    def Maximum(self) -> int:
        return self.vm.memory_maximum

    @property
    def Buffer(self) -> int:
        return self.vm.memory_buffer

    @property
    def Priority(self) -> int:
        return self.vm.memory_priority

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name


@ps_type
class VMProcessor:
    """A VM's processor settings (Set-VMProcessor -Passthru): a live view."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMProcessor"
    __slots__ = ("vm",)

    def __init__(self, vm: VM):
        self.vm = vm

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def Count(self) -> int:
        return self.vm.processor_count

    @property
    def CompatibilityForMigrationEnabled(self) -> bool:
        return self.vm.compatibility_for_migration

    @property
    def CompatibilityForOlderOperatingSystemsEnabled(self) -> bool:
        return self.vm.compatibility_for_older_os

    @property
    def Maximum(self) -> int:
        return self.vm.processor_maximum

    @property
    def Reserve(self) -> int:
        return self.vm.processor_reserve

    @property
    def RelativeWeight(self) -> int:
        return self.vm.processor_relative_weight

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name
