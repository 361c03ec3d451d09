"""FailoverClusters quorum: Get-ClusterQuorum and Set-ClusterQuorum, on
the lab's quorum model (hvshell.model.cluster.quorum)."""
from __future__ import annotations

from hvshell.cmdlets.clusters.cluster import CLUSTERS, resolve_cluster
from hvshell.cmdlets.hyperv._common import lab, report
from hvshell.model.cluster import quorum
from hvshell.model.cluster.objects import ClusterQuorumSettings, QuorumType
from hvshell.model.kernel.errors import CLUSTER_EXCEPTION, LabError
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch


class GetClusterQuorum(Cmdlet):
    """Gets a cluster's quorum configuration: its type and witness."""
    name = "Get-ClusterQuorum"
    module = CLUSTERS
    output_type = ClusterQuorumSettings.PS_TYPE

    Cluster = Parameter(str, position=0, complete="cluster")
    InputObject = Parameter(object, pipeline=True)

    def process(self) -> None:
        self.write(ClusterQuorumSettings(resolve_cluster(self, self.Cluster, self.InputObject)))


class SetClusterQuorum(Cmdlet):
    """Sets how a cluster keeps quorum: -NoWitness (node majority) or
    -FileShareWitness (node and file share majority: the share's vote
    keeps a cluster with an even number of nodes running when half of
    them are lost). -DiskWitness and -DiskOnly need a cluster disk outside
    the shared volumes, which the lab does not have.

    Every node votes; the cluster stops its roles when the nodes in
    contact hold no majority (with 2012 R2's dynamic quorum, of the votes
    present before the last change)."""
    name = "Set-ClusterQuorum"
    module = CLUSTERS
    output_type = ClusterQuorumSettings.PS_TYPE

    DiskOnly = Parameter(str)
    NoWitness = Parameter(Switch, aliases=("NodeMajority",))
    DiskWitness = Parameter(str, aliases=("NodeAndDiskMajority",))
    FileShareWitness = Parameter(str, aliases=("NodeAndFileShareMajority",))
    InputObject = Parameter(object, pipeline=True)
    Cluster = Parameter(str, complete="cluster")

    def process(self) -> None:
        cluster = resolve_cluster(self, self.Cluster, self.InputObject)
        chosen = [(QuorumType.NodeMajority, None)] if self.NoWitness else []
        if self.FileShareWitness is not None:
            chosen.append((QuorumType.NodeAndFileShareMajority, self.FileShareWitness))
        if self.DiskWitness is not None:
            chosen.append((QuorumType.NodeAndDiskMajority, self.DiskWitness))
        if self.DiskOnly is not None:
            chosen.append((QuorumType.DiskOnly, self.DiskOnly))
        if len(chosen) != 1:
            report(self, LabError("Give one quorum configuration: -NoWitness, "
                                  "-FileShareWitness, -DiskWitness or -DiskOnly.",
                                  "SetClusterQuorum", "InvalidArgument", None, CLUSTER_EXCEPTION))
            return
        kind, witness = chosen[0]
        try:
            quorum.set_quorum(lab(self), cluster, kind, witness)
        except LabError as error:
            report(self, error)
            return
        self.write(ClusterQuorumSettings(cluster))
