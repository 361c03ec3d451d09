"""Failover clusters: nodes, groups (roles) and cluster shared volumes.

Objects follow the FailoverClusters module (docs/cmdlets.md,
FailoverClusters).  A node's state follows its host (a host that is down is a Down
node).  A virtual-machine group's state follows its VM.
"""
from __future__ import annotations

from typing import Any

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type
from hvshell.model.kernel.ids import Guid
from hvshell.model.storage.objects import StorageLocation


class ClusterNodeState(PSEnum):
    Unknown = -1
    Up = 0
    Down = 1
    Paused = 2
    Joining = 3


class ClusterGroupState(PSEnum):
    Unknown = -1
    Online = 0
    Offline = 1
    Failed = 2
    PartialOnline = 3
    Pending = 4


class GroupType(PSEnum):
    Cluster = 1
    AvailableStorage = 2
    FileServer = 100
    VirtualMachine = 111
    ScaleoutFileServer = 113
    VMReplicaBroker = 115


class QuorumType(PSEnum):
    """ClusterQuorumSettings.QuorumType (Set-ClusterQuorum)."""
    Unknown = -1
    NodeMajority = 0
    NodeAndDiskMajority = 1
    NodeAndFileShareMajority = 2
    DiskOnly = 3


class NodeDrainStatus(PSEnum):
    NotInitiated = 0
    InProgress = 1
    Completed = 2
    Failed = 3


# Defaults of a new group (section 10, Get-ClusterGroup notes): failover
# threshold "n-1" (4294967295), period 6 hours, failback prevented, any
# failback window, medium priority (2000).
UNSET_DWORD = 4294967295
DEFAULT_GROUP_PRIORITY = 2000

# Heartbeats (section 10, Get-Cluster sample, the Windows Server 2012 R2
# defaults): one every SameSubnetDelay = 1000 ms between nodes on one
# subnet, CrossSubnetDelay = 1000 ms across subnets; a node that misses
# Same/CrossSubnetThreshold = 5 in a row is removed: 5 s.
SAME_SUBNET_DELAY_MS = 1000
SAME_SUBNET_THRESHOLD = 5
CROSS_SUBNET_DELAY_MS = 1000
CROSS_SUBNET_THRESHOLD = 5


@attrs.define(eq=False)
class ClusterNodeRecord:
    """What the cluster keeps about one member host."""
    name: str
    id: int
    paused: bool = False
    drain_status: NodeDrainStatus = NodeDrainStatus.NotInitiated
    drain_target: str | None = None
    node_weight: int = 1
    # When the node stopped answering heartbeats (None while it answers),
    # and whether the cluster has since removed it (declared it Down).
    missed_heartbeats_since: float | None = None
    removed: bool = False
    # Roles a drain or a failover moved off the node, for Resume-ClusterNode
    # -Failback and the groups' failback policy.
    moved_roles: list[str] = attrs.Factory(list)


@ps_type
@attrs.define(eq=False)
class ClusterGroup:
    PS_TYPE = "Microsoft.FailoverClusters.PowerShell.ClusterGroup"

    name: str
    id: Guid
    group_type: GroupType
    owner_node: str
    cluster_name: str
    vm_id: Guid | None = None
    anti_affinity_class_names: list[str] = attrs.Factory(list)
    priority: int = DEFAULT_GROUP_PRIORITY
    auto_failback_type: int = 0
    failback_window_start: int = UNSET_DWORD
    failback_window_end: int = UNSET_DWORD
    failover_threshold: int = UNSET_DWORD
    failover_period: int = 6
    preferred_owners: list[str] = attrs.Factory(list)
    description: str = ""
    failed: bool = False
    # When the role went down with its node (None: not waiting for a
    # failover); cleared when its guest answers again.
    outage_since: float | None = None
    lab: Any = attrs.field(init=False, default=None, repr=False)

    @property
    def vm(self) -> Any:
        return self.lab.vm_by_id(self.vm_id) if self.vm_id is not None else None

    @property
    def Cluster(self) -> str:
        return self.cluster_name

    @property
    def IsCoreGroup(self) -> bool:
        return self.group_type is GroupType.Cluster

    @property
    def OwnerNode(self) -> str:
        return self.owner_node

    @property
    def State(self) -> ClusterGroupState:
        if self.failed:
            return ClusterGroupState.Failed
        if self.group_type is GroupType.VirtualMachine:
            vm = self.vm
            if vm is None:
                return ClusterGroupState.Failed
            if vm.state.name in ("Running", "Paused"):
                return ClusterGroupState.Online
            if vm.is_running:
                return ClusterGroupState.Pending
            return ClusterGroupState.Offline
        cluster = self.lab.find_cluster(self.cluster_name)
        return ClusterGroupState.Offline if cluster.quorum_lost else ClusterGroupState.Online

    @property
    def Name(self) -> str:
        return self.name

    @property
    def Description(self) -> str:
        return self.description

    @property
    def PersistentState(self) -> int:
        return 1 if self.State is ClusterGroupState.Online else 0

    @property
    def FailoverThreshold(self) -> int:
        return self.failover_threshold

    @property
    def FailoverPeriod(self) -> int:
        return self.failover_period

    @property
    def AutoFailbackType(self) -> int:
        return self.auto_failback_type

    @AutoFailbackType.setter
    def AutoFailbackType(self, value: Any) -> None:
        self.auto_failback_type = 1 if int(value) else 0

    @property
    def FailbackWindowStart(self) -> int:
        return self.failback_window_start

    @FailbackWindowStart.setter
    def FailbackWindowStart(self, value: Any) -> None:
        self.failback_window_start = _window_hour(value, "FailbackWindowStart")

    @property
    def FailbackWindowEnd(self) -> int:
        return self.failback_window_end

    @FailbackWindowEnd.setter
    def FailbackWindowEnd(self, value: Any) -> None:
        self.failback_window_end = _window_hour(value, "FailbackWindowEnd")

    def failback_window_open(self, hour: int) -> bool:
        """Whether failback may happen in this hour of the day: any hour
        unless both ends are set; from the start hour through the end hour,
        across midnight when the start is the later one."""
        start, end = self.failback_window_start, self.failback_window_end
        if UNSET_DWORD in (start, end):
            return True
        if start <= end:
            return start <= hour <= end
        return hour >= start or hour <= end

    @property
    def AntiAffinityClassNames(self) -> list[str]:
        return list(self.anti_affinity_class_names)

    @AntiAffinityClassNames.setter
    def AntiAffinityClassNames(self, value: Any) -> None:
        items = value if isinstance(value, (list, tuple)) else ([] if value is None else [value])
        self.anti_affinity_class_names = [str(v) for v in items]

    @property
    def Priority(self) -> int:
        return self.priority

    @Priority.setter
    def Priority(self, value: Any) -> None:
        self.priority = int(value)

    @property
    def GroupType(self) -> GroupType:
        return self.group_type

    @property
    def Id(self) -> Guid:
        return self.id

    def ToString(self) -> str:
        return self.name


def _window_hour(value: Any, name: str) -> int:
    hour = int(value)
    if hour != UNSET_DWORD and not 0 <= hour <= 23:
        raise ValueError(f"{name} is an hour of the day, 0 to 23, or {UNSET_DWORD} for any "
                         "time.")
    return hour


@ps_type
@attrs.define(eq=False)
class Cluster:
    PS_TYPE = "Microsoft.FailoverClusters.PowerShell.Cluster"

    name: str
    id: Guid
    domain: str
    nodes: list[ClusterNodeRecord] = attrs.Factory(list)
    static_addresses: list[str] = attrs.Factory(list)
    # The address leased from the lab's DHCP when New-Cluster got no
    # -StaticAddress (None with static addresses).
    dhcp_address: str | None = None
    groups: list[ClusterGroup] = attrs.Factory(list)
    next_node_id: int = 1
    same_subnet_delay: int = SAME_SUBNET_DELAY_MS
    same_subnet_threshold: int = SAME_SUBNET_THRESHOLD
    cross_subnet_delay: int = CROSS_SUBNET_DELAY_MS
    cross_subnet_threshold: int = CROSS_SUBNET_THRESHOLD
    # ClusterEnforcedAntiAffinity (section 10, Get-Cluster sample: 0): with
    # 1 a role never shares a node with one of its anti-affinity class; it
    # stays offline instead.
    enforced_anti_affinity: int = 0
    shared_volumes_root: str = "C:\\ClusterStorage"
    # Quorum (hvshell.model.cluster.quorum): the configuration, the votes
    # dynamic quorum counts as the whole now (0: every vote), and whether
    # the cluster has lost quorum and stopped.
    quorum_type: QuorumType = QuorumType.NodeMajority
    witness_path: str | None = None
    quorum_votes: int = 0
    # The node that keeps its vote in a tie (None: the highest-numbered).
    quorum_tiebreak: str | None = None
    quorum_lost: bool = False
    lab: Any = attrs.field(init=False, default=None, repr=False)

    def addresses(self) -> list[str]:
        """The cluster name's IP addresses, static or leased."""
        return list(self.static_addresses) + ([self.dhcp_address] if self.dhcp_address else [])

    def node_names(self) -> list[str]:
        return [n.name for n in self.nodes]

    def has_node(self, host_name: str) -> bool:
        key = host_name.lower()
        return any(n.name.lower() == key for n in self.nodes)

    def node_record(self, host_name: str) -> ClusterNodeRecord | None:
        key = host_name.lower()
        return next((n for n in self.nodes if n.name.lower() == key), None)

    def group(self, name: str) -> ClusterGroup | None:
        key = name.lower()
        return next((g for g in self.groups if g.name.lower() == key), None)

    def shared_volumes(self) -> list[StorageLocation]:
        return [s for s in self.lab.storage
                if s.cluster_name and s.cluster_name.lower() == self.name.lower()]

    # ---- Get-Cluster properties ------------------------------------------

    @property
    def Domain(self) -> str:
        return self.domain

    @property
    def Name(self) -> str:
        return self.name

    @property
    def Id(self) -> Guid:
        return self.id

    @property
    def SameSubnetDelay(self) -> int:
        return self.same_subnet_delay

    @SameSubnetDelay.setter
    def SameSubnetDelay(self, value: Any) -> None:
        self.same_subnet_delay = int(value)

    @property
    def SameSubnetThreshold(self) -> int:
        return self.same_subnet_threshold

    @SameSubnetThreshold.setter
    def SameSubnetThreshold(self, value: Any) -> None:
        self.same_subnet_threshold = int(value)

    @property
    def CrossSubnetDelay(self) -> int:
        return self.cross_subnet_delay

    @CrossSubnetDelay.setter
    def CrossSubnetDelay(self, value: Any) -> None:
        self.cross_subnet_delay = int(value)

    @property
    def CrossSubnetThreshold(self) -> int:
        return self.cross_subnet_threshold

    @CrossSubnetThreshold.setter
    def CrossSubnetThreshold(self, value: Any) -> None:
        self.cross_subnet_threshold = int(value)

    @property
    def ClusterEnforcedAntiAffinity(self) -> int:
        return self.enforced_anti_affinity

    @ClusterEnforcedAntiAffinity.setter
    def ClusterEnforcedAntiAffinity(self, value: Any) -> None:
        self.enforced_anti_affinity = 1 if int(value) else 0

    @property
    def SharedVolumesRoot(self) -> str:
        return self.shared_volumes_root

    @property
    def EnableSharedVolumes(self) -> str:
        return "Enabled"

    @property
    def DynamicQuorum(self) -> int:
        return 1

    def ToString(self) -> str:
        return self.name


@ps_type
class ClusterNode:
    """A cluster node (Get-ClusterNode): a live view of the record and host."""
    PS_TYPE = "Microsoft.FailoverClusters.PowerShell.ClusterNode"
    __slots__ = ("cluster", "record")

    def __init__(self, cluster: Cluster, record: ClusterNodeRecord):
        self.cluster = cluster
        self.record = record

    @property
    def host(self) -> Any:
        return self.cluster.lab.host(self.record.name)

    @property
    def Cluster(self) -> str:
        return self.cluster.name

    @property
    def State(self) -> ClusterNodeState:
        """The cluster's view: a node that stopped answering is still Up
        until it has missed enough heartbeats to be removed."""
        record = self.record
        host = self.host
        unreachable = not host.is_up or not host.network_up
        if record.removed or (unreachable and record.missed_heartbeats_since is None) \
                or self.cluster.quorum_lost:
            return ClusterNodeState.Down
        return ClusterNodeState.Paused if record.paused else ClusterNodeState.Up

    @property
    def Id(self) -> str:
        return str(self.record.id)

    @property
    def Name(self) -> str:
        return self.record.name

    @property
    def NodeName(self) -> str:
        return self.record.name

    @property
    def MajorVersion(self) -> int:
        return int(self.host.limits.build.split(".")[0])

    @property
    def MinorVersion(self) -> int:
        return int(self.host.limits.build.split(".")[1])

    @property
    def BuildNumber(self) -> int:
        return int(self.host.limits.build.split(".")[2])

    @property
    def DrainStatus(self) -> NodeDrainStatus:
        return self.record.drain_status

    @property
    def DrainTarget(self) -> str | None:
        return self.record.drain_target

    @property
    def NodeWeight(self) -> int:
        return self.record.node_weight

    @property
    def DynamicWeight(self) -> int:
        return self.record.node_weight if self.State is not ClusterNodeState.Down else 0

    def ToString(self) -> str:
        return self.record.name


@ps_type
class ClusterSharedVolume:
    """A CSV (Get-ClusterSharedVolume): a live view of its storage location."""
    PS_TYPE = "Microsoft.FailoverClusters.PowerShell.ClusterSharedVolume"
    __slots__ = ("storage",)

    def __init__(self, storage: StorageLocation):
        self.storage = storage

    @property
    def Name(self) -> str:
        return self.storage.disk_name or self.storage.name

    @property
    def State(self) -> str:
        return "Online" if self.storage.online else "Failed"

    @property
    def OwnerNode(self) -> str | None:
        return self.storage.owner_node

    @property
    def Node(self) -> str | None:
        return self.storage.owner_node

    @property
    def SharedVolumeInfo(self) -> Any:
        return SharedVolumeInfo(self.storage)

    @property
    def Id(self) -> Guid | None:
        return self.storage.id

    def ToString(self) -> str:
        return self.Name


@ps_type
class SharedVolumeInfo:
    PS_TYPE = "Microsoft.FailoverClusters.PowerShell.ClusterSharedVolumeInfo"
    __slots__ = ("storage",)

    def __init__(self, storage: StorageLocation):
        self.storage = storage

    @property
    def FriendlyVolumeName(self) -> str:
        return self.storage.path

    @property
    def Partition(self) -> Any:
        return CsvPartition(self.storage)

    def ToString(self) -> str:
        return self.storage.path


@ps_type
class CsvPartition:
    PS_TYPE = "Microsoft.FailoverClusters.PowerShell.ClusterDiskPartitionInfo"
    __slots__ = ("storage",)

    def __init__(self, storage: StorageLocation):
        self.storage = storage

    @property
    def Size(self) -> int:
        return self.storage.capacity

    @property
    def FreeSpace(self) -> int:
        return self.storage.FreeSpace

    @property
    def UsedSpace(self) -> int:
        return self.storage.capacity - self.storage.FreeSpace

    @property
    def PercentFree(self) -> float:
        return 100.0 * self.storage.FreeSpace / self.storage.capacity if self.storage.capacity else 0.0


@ps_type
class ClusterQuorumSettings:
    """Get-ClusterQuorum's object: a live view of the cluster's quorum."""
    PS_TYPE = "Microsoft.FailoverClusters.PowerShell.ClusterQuorumSettings"
    __slots__ = ("cluster",)

    def __init__(self, cluster: Cluster):
        self.cluster = cluster

    @property
    def Cluster(self) -> str:
        return self.cluster.name

    @property
    def QuorumType(self) -> QuorumType:
        return self.cluster.quorum_type

    @property
    def QuorumResource(self) -> str | None:
        # The witness is a cluster resource named for its kind.
        return "File Share Witness" if self.cluster.witness_path else None

    def ToString(self) -> str:
        return self.cluster.name
