"""The lab's timeline: every state change, fault and operation outcome.

Domains react to events through the reactions they declare
(`hvshell.model.kernel.domain`); `Lab.record` calls them, in the order of
the composition root (`hvshell.model.domains`), after each event is
recorded (for example, cluster failover reacting to a host that went down).
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type


class EventKind(str, PSEnum):
    """What an event says happened.  Each member's value is its name, so a
    kind is also the string Get-LabEvent shows and -Kind matches, and a
    saved lab keeps the same text."""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last: list[Any]) -> str:
        return name

    # hosts and faults (compute.build, compute.power, cmdlets' Invoke-LabFault)
    HostCreated = enum.auto()
    HostStarting = enum.auto()
    HostUp = enum.auto()
    HostDown = enum.auto()
    HostRestart = enum.auto()
    NetworkUp = enum.auto()
    NetworkDown = enum.auto()
    StorageCreated = enum.auto()
    StorageUp = enum.auto()
    StorageDown = enum.auto()
    FaultScheduled = enum.auto()
    # VMs (compute.build, compute.config, compute.power)
    VMCreated = enum.auto()
    VMRemoved = enum.auto()
    VMRenamed = enum.auto()
    VMStarted = enum.auto()
    VMStartFailed = enum.auto()
    VMStopped = enum.auto()
    VMSaved = enum.auto()
    VMPaused = enum.auto()
    VMPausedCritical = enum.auto()
    VMResumed = enum.auto()
    DvdDriveAdded = enum.auto()
    DvdDriveChanged = enum.auto()
    DvdDriveRemoved = enum.auto()
    ControllerAdded = enum.auto()
    ControllerRemoved = enum.auto()
    IntegrationServiceChanged = enum.auto()
    IntegrationServicesUpdated = enum.auto()
    MigrationEnabled = enum.auto()
    MigrationDisabled = enum.auto()
    DelegationGranted = enum.auto()
    # disks, checkpoints, exports (storage)
    VhdCreated = enum.auto()
    VhdResized = enum.auto()
    DiskAttached = enum.auto()
    DiskDetached = enum.auto()
    DiskChanged = enum.auto()
    DiskMerged = enum.auto()
    CheckpointCreated = enum.auto()
    CheckpointApplied = enum.auto()
    CheckpointRemoved = enum.auto()
    VMExported = enum.auto()
    VMImported = enum.auto()
    # networking (network.config, compute.build)
    NicAdded = enum.auto()
    TeamCreated = enum.auto()
    SwitchCreated = enum.auto()
    SwitchRemoved = enum.auto()
    AdapterAdded = enum.auto()
    AdapterRemoved = enum.auto()
    AdapterConnected = enum.auto()
    AdapterDisconnected = enum.auto()
    AdapterConfigured = enum.auto()
    AdapterRenamed = enum.auto()
    JumboPacketChanged = enum.auto()
    RdmaChanged = enum.auto()
    SmbLimitSet = enum.auto()
    SmbLimitRemoved = enum.auto()
    # clusters (compute.build, cluster.failover, cluster.moves)
    ClusterCreated = enum.auto()
    ClusterRoleAdded = enum.auto()
    NodeDown = enum.auto()
    NodeJoined = enum.auto()
    HeartbeatsRestored = enum.auto()
    NodePaused = enum.auto()
    NodeDraining = enum.auto()
    NodeDrained = enum.auto()
    NodeDrainFailed = enum.auto()
    NodeResumed = enum.auto()
    GroupMoved = enum.auto()
    GroupFailover = enum.auto()
    GroupFailed = enum.auto()
    GroupRecovered = enum.auto()
    QuorumLost = enum.auto()
    QuorumRegained = enum.auto()
    QuorumChanged = enum.auto()
    CauRunStarted = enum.auto()
    CauNodeUpdated = enum.auto()
    CauNodeFailed = enum.auto()
    CauRunFinished = enum.auto()
    FailbackFailed = enum.auto()
    CsvOwnerMoved = enum.auto()
    # migrations (mobility.service)
    MigrationQueued = enum.auto()
    MigrationStarted = enum.auto()
    MigrationCompleted = enum.auto()
    MigrationFailed = enum.auto()
    MigrationCancelled = enum.auto()
    # Hyper-V Replica (replica)
    ReplicationEnabled = enum.auto()
    InitialReplicationCompleted = enum.auto()
    ReplicationRemoved = enum.auto()
    ReplicationReversed = enum.auto()
    FailoverPrepared = enum.auto()
    FailoverCompleted = enum.auto()
    ReplicaFailover = enum.auto()
    # jobs (kernel.jobs)
    Job = enum.auto()


@ps_type
@attrs.define(eq=False)
class LabEvent:
    PS_TYPE = "hvshell.Lab.Event"

    time: float            # simulated seconds since the clock's epoch
    kind: EventKind
    source: str
    message: str
    lab: Any = attrs.field(init=False, default=None, repr=False)

    @property
    def Time(self) -> dt.datetime:
        return self.lab.time_at(self.time)

    @property
    def Kind(self) -> str:
        return self.kind.value

    @property
    def Source(self) -> str:
        return self.source

    @property
    def Message(self) -> str:
        return self.message

    def ToString(self) -> str:
        return self.message
