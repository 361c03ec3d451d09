"""FailoverClusters basics: New-Cluster, Get-Cluster, Get-ClusterNode,
Get-ClusterGroup, Get-ClusterSharedVolume, Add-ClusterVirtualMachineRole
(docs/cmdlets.md).

Without -Cluster, a cmdlet works on the cluster of the host the shell
stands on, as the real ones use the local cluster.
"""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.hyperv._common import host_named, lab, local_name, report, vms_named
from hvshell.model.compute import build
from hvshell.model.cluster.objects import Cluster, ClusterGroup, ClusterNode, ClusterSharedVolume
from hvshell.model.kernel.errors import CLUSTER_EXCEPTION, LabError
from hvshell.model.kernel.ids import Guid
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.model.compute.vm import VM
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.runtime.errors import CmdletError

CLUSTERS = "FailoverClusters"


def _no_cluster_service(where: str) -> CmdletError:
    return CmdletError(
        f"The cluster service is not running on '{where}': it is not a node of any cluster. "
        "Use -Cluster to name one, or Enter-PSSession to a cluster node.",
        "ClusterEndpointNotRegistered", "ConnectionError", None, CLUSTER_EXCEPTION)


def _unknown_cluster(name: str) -> CmdletError:
    return CmdletError(
        f"Check the spelling of the cluster name: there is no cluster named '{name}' in the lab "
        "(Get-Cluster -Domain lab.local lists them).", "ClusterRpcConnection", "ConnectionError",
        name, CLUSTER_EXCEPTION)


def resolve_cluster(cmdlet: Any, name: str | None = None, input_object: Any = None) -> Cluster:
    """The cluster a cmdlet works on: from -InputObject, -Cluster, or the
    host the shell stands on."""
    the_lab = lab(cmdlet)
    if isinstance(input_object, Cluster):
        return input_object
    if isinstance(input_object, ClusterNode):
        return input_object.cluster
    if name is not None and name not in (".", ""):
        cluster = the_lab.find_cluster(name)
        if cluster is None:
            raise _unknown_cluster(name)
        return cluster
    here = local_name(cmdlet)
    cluster = the_lab.cluster_of(here)
    if cluster is None:
        raise _no_cluster_service(here)
    return cluster


def _select(items: list[Any], patterns: list[str] | None, key: Any, what: str,
            cmdlet: Any, cluster: Cluster) -> list[Any]:
    if not patterns:
        return items
    chosen: list[Any] = []
    for pattern in patterns:
        hits = [i for i in items if wildcard_match(str(pattern), key(i))]
        if not hits and not has_wildcard(str(pattern)):
            cmdlet.write_error(f"The cluster {what} '{pattern}' was not found in cluster "
                               f"{cluster.name}.", "ClusterObjectNotFound", "ObjectNotFound",
                               pattern, CLUSTER_EXCEPTION)
        chosen += [h for h in hits if h not in chosen]
    return chosen


class NewCluster(Cmdlet):
    """Creates a failover cluster from Hyper-V hosts.

    Every node must be up, in one domain, on one Windows Server version.
    Without -StaticAddress the cluster name takes an address from the
    lab's DHCP server, on the first network every node shares; a lab
    without DHCP (Set-LabNetwork -Dhcp $false) needs -StaticAddress."""
    name = "New-Cluster"
    module = CLUSTERS
    output_type = Cluster.PS_TYPE

    Name = Parameter(str, position=0, mandatory=True)
    Node = Parameter(str, array=True, complete="host")
    StaticAddress = Parameter(str, array=True)
    IgnoreNetwork = Parameter(str, array=True)
    NoStorage = Parameter(Switch)
    Force = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        nodes = []
        for name in self.Node or [local_name(self)]:
            host = host_named(self, name, require_up=False)
            if host is None:
                return
            nodes.append(host)
        try:
            cluster = build.new_cluster(the_lab, self.Name, nodes, self.StaticAddress or [])
        except LabError as error:
            report(self, error)
            return
        self.write(cluster)


class GetCluster(Cmdlet):
    """Gets a failover cluster (the local one by default)."""
    name = "Get-Cluster"
    module = CLUSTERS
    output_type = Cluster.PS_TYPE

    Name = Parameter(str, position=0, complete="cluster")
    Domain = Parameter(str)

    def process(self) -> None:
        the_lab = lab(self)
        if self.Domain is not None:
            for cluster in the_lab.clusters:
                if cluster.domain.lower() == self.Domain.lower() and (
                        self.Name is None or wildcard_match(self.Name, cluster.name)):
                    self.write(cluster)
            return
        self.write(resolve_cluster(self, self.Name))


class GetClusterNode(Cmdlet):
    """Gets the nodes of a cluster and their state (Up, Down, Paused)."""
    name = "Get-ClusterNode"
    module = CLUSTERS
    output_type = ClusterNode.PS_TYPE

    Name = Parameter(str, array=True, position=0, complete="clusternode")
    InputObject = Parameter(object, pipeline=True)
    Cluster = Parameter(str, complete="cluster")

    def process(self) -> None:
        cluster = resolve_cluster(self, self.Cluster, self.InputObject)
        nodes = [ClusterNode(cluster, record) for record in cluster.nodes]
        for node in _select(nodes, self.Name, lambda n: n.Name, "node", self, cluster):
            self.write(node)


class GetClusterGroup(Cmdlet):
    """Gets the groups (roles) of a cluster; piped a node, the groups it
    owns."""
    name = "Get-ClusterGroup"
    module = CLUSTERS
    output_type = ClusterGroup.PS_TYPE

    Name = Parameter(str, array=True, position=0, complete="clustergroup")
    VMId = Parameter("guid", by_property=True)
    InputObject = Parameter(object, pipeline=True)
    Cluster = Parameter(str, complete="cluster")

    def process(self) -> None:
        cluster = resolve_cluster(self, self.Cluster, self.InputObject)
        groups = list(cluster.groups)
        if isinstance(self.InputObject, ClusterNode):
            groups = [g for g in groups if g.owner_node.lower() == self.InputObject.Name.lower()]
        if self.VMId is not None:
            groups = [g for g in groups if g.vm_id is not None and g.vm_id == self.VMId]
        for group in _select(groups, self.Name, lambda g: g.name, "group", self, cluster):
            self.write(group)


class GetClusterSharedVolume(Cmdlet):
    """Gets the cluster shared volumes of a cluster."""
    name = "Get-ClusterSharedVolume"
    module = CLUSTERS
    output_type = ClusterSharedVolume.PS_TYPE

    Name = Parameter(str, array=True, position=0)
    InputObject = Parameter(object, pipeline=True)
    Cluster = Parameter(str, complete="cluster")

    def process(self) -> None:
        cluster = resolve_cluster(self, self.Cluster, self.InputObject)
        volumes = [ClusterSharedVolume(s) for s in cluster.shared_volumes()]
        for volume in _select(volumes, self.Name, lambda v: v.Name, "shared volume", self,
                              cluster):
            self.write(volume)


class AddClusterVirtualMachineRole(Cmdlet):
    """Makes a Hyper-V virtual machine highly available: a cluster role
    (group) that fails over to another node.

    The VM's configuration and disks must be on a cluster shared volume or
    an SMB 3.0 share."""
    name = "Add-ClusterVirtualMachineRole"
    module = CLUSTERS
    output_type = ClusterGroup.PS_TYPE

    Name = Parameter(str)
    VMName = Parameter(str, position=0, by_property=True, complete="vm")
    VirtualMachine = Parameter(str, aliases=("VM",), complete="vm")
    VMId = Parameter("guid", by_property=True)
    InputObject = Parameter(object, pipeline=True)
    Cluster = Parameter(str, complete="cluster")

    def process(self) -> None:
        the_lab = lab(self)
        cluster = resolve_cluster(self, self.Cluster,
                                  None if isinstance(self.InputObject, VM) else self.InputObject)
        vm = self._vm(cluster)
        if vm is None:
            return
        try:
            group = build.add_vm_role(the_lab, cluster, vm, self.Name)
        except LabError as error:
            report(self, error)
            return
        self.write(group)

    def _vm(self, cluster: Cluster) -> VM | None:
        the_lab = lab(self)
        if isinstance(self.InputObject, VM):
            return self.InputObject
        if self.VMId is not None:
            vm = the_lab.vm_by_id(Guid.parse(self.VMId))
            if vm is not None:
                return vm
            self.write_error(f"There is no virtual machine with id {self.VMId} on the nodes of "
                             f"cluster {cluster.name}.", "AddClusterVirtualMachineRole",
                             "ObjectNotFound", self.VMId, CLUSTER_EXCEPTION)
            return None
        name = self.VMName or self.VirtualMachine
        if name is None:
            self.write_error("Name the virtual machine with -VMName (or pipe it from Get-VM).",
                             "AddClusterVirtualMachineRole", "InvalidArgument", None,
                             CLUSTER_EXCEPTION)
            return None
        found = vms_named(self, [name], cluster.node_names())
        if len(found) > 1:
            self.write_error(f"Several virtual machines on cluster {cluster.name} are named "
                             f"'{name}'. Use -VMId.", "AddClusterVirtualMachineRole",
                             "InvalidArgument", name, CLUSTER_EXCEPTION)
            return None
        return found[0] if found else None
