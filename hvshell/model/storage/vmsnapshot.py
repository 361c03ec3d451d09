"""Checkpoints (Hyper-V 2012 R2 still calls them snapshots in PowerShell).

A checkpoint records the VM's configuration and, for each of its disks,
the differencing file (AVHD/AVHDX) that took over writes when it was made.
"""
from __future__ import annotations

from typing import Any

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type
from hvshell.model.kernel.ids import Guid


class SnapshotType(PSEnum):
    Standard = 0
    Recovery = 1
    Planned = 2
    Missing = 3
    Replica = 4
    AppConsistentReplica = 5
    SyncedReplica = 6


@ps_type
@attrs.define(eq=False)
class VMSnapshot:
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMSnapshot"

    id: Guid
    name: str
    snapshot_type: SnapshotType
    creation_time: float                    # simulated seconds
    parent_snapshot_id: Guid | None
    path: str
    processor_count: int
    memory_startup: int
    dynamic_memory_enabled: bool
    memory_minimum: int
    memory_maximum: int
    # (controller type name, number, location, path) of each disk at the time
    hard_drive_paths: list[tuple[str, int, int, str]] = attrs.Factory(list)
    # Memory saved with the checkpoint when the VM was running (bytes).
    saved_memory_bytes: int = 0
    vm: Any = attrs.field(init=False, default=None, repr=False)

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def VMId(self) -> Guid:
        return self.vm.id

    @property
    def Name(self) -> str:
        return self.name

    @property
    def SnapshotType(self) -> SnapshotType:
        return self.snapshot_type

    @property
    def CreationTime(self) -> Any:
        return self.vm.lab.time_at(self.creation_time)

    @property
    def ParentSnapshotId(self) -> Guid | None:
        return self.parent_snapshot_id

    @property
    def ParentSnapshotName(self) -> str | None:
        parent = self.vm.snapshot_by_id(self.parent_snapshot_id)
        return parent.name if parent else None

    @property
    def Id(self) -> Guid:
        return self.id

    @property
    def Path(self) -> str:
        return self.path

    @property
    def ProcessorCount(self) -> int:
        return self.processor_count

    @property
    def MemoryStartup(self) -> int:
        return self.memory_startup

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name
