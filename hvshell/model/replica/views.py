"""The Hyper-V Replica objects the cmdlets show: Get-VMReplication's
settings and Measure-VMReplication's statistics of one relationship as one
of its VMs sees it, and Get-VMReplicationServer's settings of a host.  Their
tables are in hvshell/format/replica_views.py.  Reading them changes
nothing but the figures a read brings up to now (`Leg.settle`).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from hvshell.model.compute.host import Host
from hvshell.model.compute.vm import ReplicationHealth, ReplicationMode, ReplicationState, VM
from hvshell.model.replica.legs import Leg, extended_of, extended_state, partner, primary_of
from hvshell.model.replica.settings import (RecoveryAuthenticationType,
                                            ReplicationAuthenticationType,
                                            ReplicationRelationshipType)
from hvshell.pstypes.registry import ps_type

if TYPE_CHECKING:
    from hvshell.model.lab import Lab


class _Side:
    """One relationship as one of its VMs shows it: the simple one, or the
    extended one (from the replica VM or the extended replica).  `leg` is
    the sending leg (None once the sending side removed it); `settings` its
    record, or the VM's own when there is no leg."""

    def __init__(self, lab: Lab, vm: VM, relationship: ReplicationRelationshipType):
        if vm.replication_mode is ReplicationMode.ExtendedReplica:
            relationship = ReplicationRelationshipType.Extended
        self.relationship = relationship
        self.leg: Leg | None = None
        if relationship is ReplicationRelationshipType.Simple:
            sender = primary_of(lab, vm)
            if sender is not None and sender.replication is not None:
                self.leg = Leg(lab, sender)
            self.own_settings = vm.replication
            self.state, self.health = vm.replication_state, vm.replication_health
        elif vm.replication_mode is ReplicationMode.Replica:
            self.leg = Leg(lab, vm, extended=True)
            self.own_settings = vm.replication.extended
            target = extended_of(lab, vm)
            self.state = extended_state(lab, vm)
            self.health = target.replication_health if self.state is not \
                ReplicationState.Error else ReplicationHealth.Critical
        else:
            sender = partner(lab, vm)
            if sender is not None and sender.replication is not None and \
                    sender.replication.extended is not None and \
                    sender.replication.extended.partner_id == str(vm.id):
                self.leg = Leg(lab, sender, extended=True)
            self.own_settings = vm.replication
            self.state, self.health = vm.replication_state, vm.replication_health
        self.settings = self.leg.settings if self.leg is not None else self.own_settings


@ps_type
class VMReplicationHealth:
    """Measure-VMReplication's object: the primary's statistics over the
    monitoring window, seen from either side."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMReplicationHealth"

    def __init__(self, lab: Lab, vm: VM,
                 relationship: ReplicationRelationshipType = ReplicationRelationshipType.Simple):
        self.vm = vm
        self.lab = lab
        self.side = _Side(lab, vm, relationship)
        if self.side.leg is not None:
            self.side.leg.settle()
        self.settings = self.side.settings

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name

    @property
    def State(self) -> ReplicationState:
        return self.side.state

    @property
    def Health(self) -> ReplicationHealth:
        return self.side.health

    @property
    def Mode(self) -> Any:
        return self.vm.replication_mode

    @property
    def LastReplicationTime(self) -> Any:
        when = self.settings.last_replication_time
        return self.lab.time_at(when) if when is not None else None

    @property
    def PendingReplicationSize(self) -> int:
        return int(self.settings.pending_bytes + self.settings.in_flight_bytes)

    @property
    def AverageReplicationLatency(self) -> Any:
        count = self.settings.successful
        return dt.timedelta(seconds=round(self.settings.latency_total / count)) if count \
            else None

    @property
    def AverageReplicationSize(self) -> int:
        count = self.settings.successful
        return int(self.settings.bytes_sent / count) if count else 0

    @property
    def MaximumReplicationSize(self) -> int:
        return int(self.settings.largest)

    @property
    def SuccessfulReplicationCount(self) -> int:
        return self.settings.successful

    @property
    def MissedReplicationCount(self) -> int:
        return self.settings.missed

    @property
    def ReplicationErrors(self) -> int:
        return 0

    @property
    def MonitoringStartTime(self) -> Any:
        return self.lab.time_at(self.settings.window_start)

    @property
    def PrimaryServerName(self) -> str:
        return self.settings.primary_server

    @property
    def ReplicaServerName(self) -> str:
        return self.settings.replica_server

    @property
    def Relationship(self) -> ReplicationRelationshipType:
        return self.side.relationship

    def ToString(self) -> str:
        return self.vm.name


@ps_type
class VMReplication:
    """Get-VMReplication's object: one side's settings."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMReplication"

    def __init__(self, lab: Lab, vm: VM,
                 relationship: ReplicationRelationshipType = ReplicationRelationshipType.Simple):
        self.vm = vm
        self.side = _Side(lab, vm, relationship)
        self.settings = self.side.own_settings

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def VMId(self) -> Any:
        return self.vm.id

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name

    @property
    def State(self) -> ReplicationState:
        return self.side.state

    @property
    def Health(self) -> ReplicationHealth:
        return self.side.health

    @property
    def Mode(self) -> Any:
        return self.vm.replication_mode

    @property
    def FrequencySec(self) -> int:
        return self.settings.frequency_sec

    @property
    def PrimaryServer(self) -> str:
        return self.settings.primary_server

    @property
    def ReplicaServer(self) -> str:
        return self.settings.replica_server

    @property
    def ReplicaPort(self) -> int:
        return self.settings.replica_port

    @property
    def AuthType(self) -> ReplicationAuthenticationType:
        return self.settings.authentication_type

    @property
    def Relationship(self) -> ReplicationRelationshipType:
        return self.side.relationship

    @property
    def CompressionEnabled(self) -> bool:
        return self.settings.compression_enabled

    @property
    def RecoveryHistory(self) -> int:
        return self.settings.recovery_history

    @property
    def VSSSnapshotFrequencyHour(self) -> int:
        return self.settings.vss_frequency_hour

    def ToString(self) -> str:
        return self.vm.name


@ps_type
class VMReplicationServer:
    """Get-VMReplicationServer's object."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMReplicationServer"

    def __init__(self, host: Host):
        self.host = host
        self.server = host.replica_server

    @property
    def ComputerName(self) -> str:
        return self.host.name

    @property
    def RepEnabled(self) -> bool:
        return self.server.replication_enabled

    @property
    def ReplicationEnabled(self) -> bool:
        return self.server.replication_enabled

    @property
    def AuthType(self) -> RecoveryAuthenticationType:
        return self.server.allowed_authentication_type

    @property
    def AllowedAuthenticationType(self) -> RecoveryAuthenticationType:
        return self.server.allowed_authentication_type

    @property
    def KerbAuthPort(self) -> int:
        return self.server.kerberos_port

    @property
    def CertAuthPort(self) -> int:
        return self.server.certificate_port

    @property
    def AllowAnyServer(self) -> bool:
        return self.server.allowed_from_any_server

    @property
    def ReplicationAllowedFromAnyServer(self) -> bool:
        return self.server.allowed_from_any_server

    @property
    def DefaultStorageLocation(self) -> str:
        return self.server.default_storage_location

    @property
    def MonitoringInterval(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.server.monitoring_interval)

    @property
    def MonitoringStartTime(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.server.monitoring_start)

    def ToString(self) -> str:
        return self.host.name
