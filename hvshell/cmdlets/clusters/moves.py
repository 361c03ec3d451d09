"""FailoverClusters mobility: Move-ClusterVirtualMachineRole,
Suspend-ClusterNode and Resume-ClusterNode (docs/cmdlets.md),
on the lab's migrations (hvshell.model.cluster.moves).
"""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.hyperv._common import lab, local_name, report
from hvshell.cmdlets.clusters.cluster import resolve_cluster
from hvshell.cmdlets.hyperv.migration import follow, progress_status
from hvshell.model.cluster import moves
from hvshell.pstypes.objects import PSEnum
from hvshell.model.cluster.objects import Cluster, ClusterGroup, ClusterNode, GroupType
from hvshell.model.kernel.errors import CLUSTER_EXCEPTION, LabError
from hvshell.model.kernel.events import EventKind
from hvshell.model.kernel.ids import Guid
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.model.compute.vm import VM
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.runtime.errors import CmdletError

CLUSTERS = "FailoverClusters"


class VmMigrationType(PSEnum):
    """Move-ClusterVirtualMachineRole -MigrationType (section 10)."""
    TurnOff = 0
    Quick = 1
    Shutdown = 2
    ShutdownForce = 3
    Live = 4


class ResumeClusterNodeFailbackType(PSEnum):
    """Resume-ClusterNode -Failback (section 10)."""
    NoFailback = 0
    Immediate = 1
    Policy = 2


def _not_found(what: str, name: Any, cluster: Cluster) -> CmdletError:
    return CmdletError(f"The cluster {what} '{name}' was not found in cluster {cluster.name}. "
                       f"List them with Get-Cluster{'Group' if what == 'group' else 'Node'} "
                       f"-Cluster {cluster.name}.", "ClusterObjectNotFound", "ObjectNotFound",
                       name, CLUSTER_EXCEPTION)


def _node_host(cmdlet: Cmdlet, cluster: Cluster, name: str) -> Any:
    record = cluster.node_record(str(name))
    if record is None:
        raise _not_found("node", name, cluster)
    return lab(cmdlet).host(record.name)


class MoveClusterVirtualMachineRole(Cmdlet):
    """Moves a clustered virtual machine to another node: live by default,
    or -MigrationType Quick (saved to the shared volume and restored on the
    new node: the VM is down meanwhile), TurnOff, Shutdown or ShutdownForce
    (stopped, moved, started again).

    Without -Node the cluster picks a node with room, keeping roles of one
    anti-affinity class apart. -Wait 0 returns at once; -Cancel stops a
    move in progress."""
    name = "Move-ClusterVirtualMachineRole"
    module = CLUSTERS
    output_type = ClusterGroup.PS_TYPE

    Name = Parameter(str, position=0, complete="clustergroup")
    Node = Parameter(str, position=1, complete="clusternode")
    Cancel = Parameter(Switch)
    MigrationType = Parameter(VmMigrationType, default=VmMigrationType.Live)
    VMId = Parameter("guid", by_property=True)
    Wait = Parameter(int)
    InputObject = Parameter(object, pipeline=True)
    Cluster = Parameter(str, complete="cluster")

    def process(self) -> None:
        the_lab = lab(self)
        source = self.InputObject
        if isinstance(source, VM):
            cluster = the_lab.cluster_of(source.host_name) or resolve_cluster(self, self.Cluster)
        elif isinstance(source, ClusterGroup):
            cluster = the_lab.find_cluster(source.cluster_name)
        else:
            cluster = resolve_cluster(self, self.Cluster, source)
        group = self._group(cluster)
        if self.Cancel:
            if not moves.cancel_role_move(the_lab, group):
                self.write_warning(f"No migration of '{group.name}' is in progress, or it is "
                                   "past the point where it can be cancelled.")
            self.write(group)
            return
        if self.Node is not None:
            node = _node_host(self, cluster, self.Node)
        else:
            node = moves.choose_node(the_lab, cluster, group, {group.owner_node.lower()})
            if node is None:
                report(self, moves.cluster_error(moves.no_room(group, cluster),
                                                 "MoveClusterVirtualMachineRole"))
                return
        try:
            body = moves.begin_role_move(the_lab, cluster, group, node, self.MigrationType.name)
        except LabError as error:
            report(self, moves.cluster_error(error, "MoveClusterVirtualMachineRole"))
            return
        process = the_lab.clock.process(body)
        if self.Wait == 0:
            self.write(group)
            return
        records = [r for r in the_lab.migrations if r.vm_id == group.vm_id and r.handle]
        status = (lambda: progress_status(records[-1])) if records else \
            (lambda: (self.MigrationType.name, -1.0, -1.0))
        try:
            follow(self, process, f"Moving '{group.name}' to node {node.name}", status, records,
                   timeout=None if self.Wait is None or self.Wait < 0 else float(self.Wait))
        except LabError as error:
            report(self, moves.cluster_error(error, "MoveClusterVirtualMachineRole"))
            return
        self.write(group)

    def _group(self, cluster: Cluster) -> ClusterGroup:
        source = self.InputObject
        if isinstance(source, ClusterGroup):
            group = source
        elif isinstance(source, VM):
            group = lab(self).cluster_group_of(source)
            if group is None:
                raise CmdletError(f"'{source.name}' is not a clustered virtual machine. Make it "
                                  "one with Add-ClusterVirtualMachineRole.",
                                  "MoveClusterVirtualMachineRole", "InvalidArgument",
                                  source.name, CLUSTER_EXCEPTION)
        elif self.VMId is not None:
            wanted = Guid.parse(self.VMId)
            group = next((g for g in cluster.groups if g.vm_id == wanted), None)
            if group is None:
                raise _not_found("group", self.VMId, cluster)
        elif self.Name is not None:
            group = cluster.group(self.Name)
            if group is None:
                raise _not_found("group", self.Name, cluster)
        else:
            raise CmdletError("Name the virtual machine role to move (-Name), or pipe it from "
                              "Get-ClusterGroup.", "MoveClusterVirtualMachineRole",
                              "InvalidArgument", None, CLUSTER_EXCEPTION)
        if group.group_type is not GroupType.VirtualMachine or group.vm is None:
            raise CmdletError(f"'{group.name}' is not a virtual machine role; "
                              "Move-ClusterVirtualMachineRole moves virtual machines.",
                              "MoveClusterVirtualMachineRole", "InvalidArgument", group.name,
                              CLUSTER_EXCEPTION)
        return group


def _nodes(cmdlet: Any, cluster: Cluster, names: list[str] | None) -> list[ClusterNode]:
    """The nodes named (wildcards allowed), the piped node, or the node the
    shell stands on."""
    if isinstance(cmdlet.InputObject, ClusterNode):
        return [cmdlet.InputObject]
    if not names:
        here = cluster.node_record(local_name(cmdlet))
        if here is None:
            raise CmdletError(f"Name the node (-Name): the shell stands on "
                              f"'{local_name(cmdlet)}', which is not a node of cluster "
                              f"{cluster.name}.", "ClusterObjectNotFound", "InvalidArgument",
                              None, CLUSTER_EXCEPTION)
        return [ClusterNode(cluster, here)]
    found = []
    for pattern in names:
        hits = [r for r in cluster.nodes if wildcard_match(str(pattern), r.name)]
        if not hits and not has_wildcard(str(pattern)):
            raise _not_found("node", pattern, cluster)
        found += [ClusterNode(cluster, r) for r in hits if r not in [n.record for n in found]]
    return found


class SuspendClusterNode(Cmdlet):
    """Pauses a cluster node: it takes no new roles. With -Drain its
    virtual machines first move to other nodes (live when they run), to
    -TargetNode or where the cluster places them; -Wait returns only when
    the drain has ended (DrainStatus Completed or Failed)."""
    name = "Suspend-ClusterNode"
    module = CLUSTERS
    supports_should_process = True
    output_type = ClusterNode.PS_TYPE

    Name = Parameter(str, array=True, position=0, complete="clusternode")
    Drain = Parameter(Switch)
    Wait = Parameter(Switch)
    TargetNode = Parameter(str, position=1, complete="clusternode")
    InputObject = Parameter(object, pipeline=True)
    Cluster = Parameter(str, complete="cluster")

    def process(self) -> None:
        the_lab = lab(self)
        cluster = resolve_cluster(self, self.Cluster, self.InputObject)
        target = None if self.TargetNode is None else _node_host(self, cluster, self.TargetNode)
        for node in _nodes(self, cluster, self.Name):
            if not self.should_process(node.Name, "Suspend-ClusterNode"):
                continue
            if not self.Drain:
                node.record.paused = True
                the_lab.record(EventKind.NodePaused, node.Name, f"Node {node.Name} of cluster "
                               f"{cluster.name} is paused.")
                self.write(node)
                continue
            if target is not None and target.name.lower() == node.Name.lower():
                report(self, LabError(f"-TargetNode {target.name} is the node being drained. "
                                      "Name another node, or leave -TargetNode out.",
                                      "SuspendClusterNode", "InvalidArgument", target.name,
                                      CLUSTER_EXCEPTION))
                continue
            try:
                done = moves.drain_node(the_lab, cluster, node.record, target)
            except LabError as error:
                report(self, moves.cluster_error(error, "SuspendClusterNode"))
                continue
            if self.Wait:
                records = [r for r in the_lab.migrations if r.handle is not None]
                follow(self, done, f"Draining node {node.Name}",
                       lambda name=node.Name: _drain_status(cluster, name), records)
            self.write(node)


def _drain_status(cluster: Cluster, node: str) -> tuple[str, float, float]:
    the_lab = cluster.lab
    left = len(moves.vm_groups_on(cluster, node))
    moving = [r for r in the_lab.migrations if r.handle is not None and r.source == node]
    text = f"{left} role{'' if left == 1 else 's'} left"
    if moving:
        status, _, _ = progress_status(moving[0])
        text += f"; {moving[0].vm_name}: {status}"
    return text, -1.0, -1.0


class ResumeClusterNode(Cmdlet):
    """Resumes a paused cluster node: it takes roles again. -Failback
    Immediate brings back the roles a drain or a failover moved off it;
    Policy only those whose failback policy allows it (AutoFailbackType 1,
    within the failback window); NoFailback, the default, none."""
    name = "Resume-ClusterNode"
    module = CLUSTERS
    output_type = ClusterNode.PS_TYPE

    Name = Parameter(str, array=True, position=0, complete="clusternode")
    Failback = Parameter(ResumeClusterNodeFailbackType, position=1,
                         default=ResumeClusterNodeFailbackType.NoFailback)
    InputObject = Parameter(object, pipeline=True)
    Cluster = Parameter(str, complete="cluster")

    def process(self) -> None:
        the_lab = lab(self)
        cluster = resolve_cluster(self, self.Cluster, self.InputObject)
        for node in _nodes(self, cluster, self.Name):
            idle = not node.record.paused and not node.record.moved_roles
            try:
                moves.failback(the_lab, cluster, node.record, self.Failback.name)
            except LabError as error:
                report(self, error)
                continue
            if idle:
                self.write_warning(f"Node {node.Name} is not paused.")
            self.write(node)
