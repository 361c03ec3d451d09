"""Cluster quorum (Get/Set-ClusterQuorum): which nodes and witness vote,
and what happens when the cluster loses its majority.

Every node votes (NodeWeight 1); a file share witness adds one vote while
its share is online.  The cluster runs while the members that can reach
each other hold more than half of the votes.  Windows Server 2012 R2 has
dynamic quorum on by default (Get-Cluster: DynamicQuorum 1): after each
node that leaves while the cluster has quorum, the survivors' votes become
the new whole, so nodes failing one at a time leave a cluster running down
to its last node, where losing half of them at once stops it.  A tie (half
the votes, no witness) goes to the side holding the highest-numbered
voter: 2012 R2 takes one node's vote away to keep the count odd, here
the first node's, so a two-node cluster without a witness survives the
loss of its first node but not of its second.

Losing quorum stops the cluster service on every node: its clustered VMs
are turned off and its roles stay offline until enough nodes join again
for a majority of all the votes the cluster has; then the roles restart
(`failover.restart_stranded`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hvshell.model.cluster.objects import Cluster, ClusterNodeRecord, GroupType, QuorumType
from hvshell.model.kernel.errors import CLUSTER_EXCEPTION, LabError
from hvshell.model.kernel.events import EventKind
from hvshell.model.storage.objects import StorageType

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

FILE_SHARE_WITNESS = "File Share Witness"


def _member(lab: Lab, node: ClusterNodeRecord) -> bool:
    host = lab.host(node.name)
    return host.is_up and host.network_up and not node.removed


def share_of(lab: Lab, path: str) -> Any:
    """The lab's SMB share that holds `path` (None: no share does)."""
    return next((s for s in lab.storage if s.storage_type is StorageType.SMB
                 and s.contains(path)), None)


def witness_online(lab: Lab, cluster: Cluster) -> bool:
    """Whether the witness answers: its share is online."""
    if cluster.witness_path is None:
        return False
    location = share_of(lab, cluster.witness_path)
    return location is not None and location.online


def all_votes(cluster: Cluster) -> int:
    """The votes of every node and the witness: what a cluster that lost
    quorum needs a majority of to start again."""
    return sum(n.node_weight for n in cluster.nodes) + (1 if cluster.witness_path else 0)


def held_votes(lab: Lab, cluster: Cluster) -> int:
    """The votes of the members that answer, and of the witness."""
    return (sum(n.node_weight for n in cluster.nodes if _member(lab, n))
            + (1 if witness_online(lab, cluster) else 0))


def _tie_breaker(lab: Lab, cluster: Cluster) -> bool:
    """Whether the node keeping its vote in a tie is among the members:
    the highest-numbered voter of the last count."""
    voters = [n for n in cluster.nodes if n.node_weight]
    if cluster.quorum_tiebreak is not None:
        voters = [n for n in voters if n.name == cluster.quorum_tiebreak] or voters
    return bool(voters) and _member(lab, max(voters, key=lambda n: n.id))


def _recount(lab: Lab, cluster: Cluster) -> None:
    """Dynamic quorum: the votes present become the whole."""
    cluster.quorum_votes = held_votes(lab, cluster)
    members = [n for n in cluster.nodes if n.node_weight and _member(lab, n)]
    cluster.quorum_tiebreak = max(members, key=lambda n: n.id).name if members else None


def has_majority(lab: Lab, cluster: Cluster, whole: int) -> bool:
    held = held_votes(lab, cluster)
    return held * 2 > whole or (held * 2 == whole and held > 0 and _tie_breaker(lab, cluster))


def current_whole(cluster: Cluster) -> int:
    return cluster.quorum_votes or all_votes(cluster)


def membership_changed(lab: Lab, cluster: Cluster) -> bool:
    """A node left or joined: check the majority.  Returns whether the
    cluster has quorum now (having lost or regained it records it)."""
    if cluster.quorum_lost:
        if not has_majority(lab, cluster, all_votes(cluster)):
            return False
        cluster.quorum_lost = False
        _recount(lab, cluster)
        lab.record(EventKind.QuorumRegained, cluster.name,
                   f"Cluster {cluster.name} has quorum again ({cluster.quorum_votes} of "
                   f"{all_votes(cluster)} votes): the cluster service runs and its roles "
                   "restart.")
        return True
    whole = current_whole(cluster)
    if has_majority(lab, cluster, whole):
        _recount(lab, cluster)
        return True
    held = held_votes(lab, cluster)
    cluster.quorum_lost = True
    cluster.quorum_votes = 0
    cluster.quorum_tiebreak = None
    lab.record(EventKind.QuorumLost, cluster.name,
               f"Cluster {cluster.name} lost quorum: the nodes still in contact hold {held} of "
               f"{whole} votes, not a majority. The cluster service stops on every node and "
               "its clustered virtual machines are turned off; they restart when nodes "
               f"holding more than {all_votes(cluster) // 2} of its {all_votes(cluster)} votes "
               "are back.")
    return False


def set_quorum(lab: Lab, cluster: Cluster, quorum_type: QuorumType,
               witness: str | None = None) -> None:
    """Set-ClusterQuorum: node majority, or node and file share majority
    with a witness on an SMB share every node reaches."""
    if quorum_type is QuorumType.NodeAndFileShareMajority:
        location = share_of(lab, witness or "")
        if location is None:
            raise LabError(f"The file share witness '{witness}' is on no SMB share of the lab. "
                           "Name a folder on a share every node reaches (Get-LabStorage lists "
                           "them), e.g. \\\\SOFS01\\VMs\\Witness.", "SetClusterQuorum",
                           "ObjectNotFound", witness, CLUSTER_EXCEPTION)
        if not location.online:
            raise LabError(f"The file share witness '{witness}' is offline.",
                           "SetClusterQuorum", "ResourceUnavailable", witness, CLUSTER_EXCEPTION)
        cluster.witness_path = witness
    elif quorum_type is QuorumType.NodeMajority:
        cluster.witness_path = None
    else:
        raise LabError(f"{quorum_type.name} needs a cluster disk in Available Storage, and the "
                       f"lab's cluster disks are all cluster shared volumes, which cannot be "
                       "witnesses. Use -FileShareWitness, or -NoWitness.", "SetClusterQuorum",
                       "InvalidOperation", witness, CLUSTER_EXCEPTION)
    cluster.quorum_type = quorum_type
    if not cluster.quorum_lost:
        _recount(lab, cluster)
    where = f" with the witness {witness}" if witness else ""
    lab.record(EventKind.QuorumChanged, cluster.name,
               f"Cluster {cluster.name} now uses {quorum_type.name} quorum{where}.")


def stop_roles(lab: Lab, cluster: Cluster, halt: Any) -> None:
    """Quorum lost: every running clustered VM is turned off (by `halt`,
    failover's own cut-off) and waits to restart."""
    for group in cluster.groups:
        vm = group.vm
        if group.group_type is not GroupType.VirtualMachine or vm is None:
            continue
        if vm.is_running:
            since = lab.clock.now if group.outage_since is None else group.outage_since
            halt(vm)
            group.outage_since = since
