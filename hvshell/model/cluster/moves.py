"""Moves a failover cluster makes: a virtual-machine role moved to another
node (Move-ClusterVirtualMachineRole), a node drained (Suspend-ClusterNode
-Drain) and its roles brought back (Resume-ClusterNode -Failback), all
through the lab's migrations (hvshell.model.mobility.service).

Placement, when no node is named: a node that is up and not paused, with
room for the VM's memory (counting migrations already on their way there);
a node where no role of the same anti-affinity class runs is preferred (the
only choice when the cluster enforces anti-affinity); then the group's
preferred owners in their order; then the one with the most free memory,
which spreads roles over the nodes (docs/model.md, Failover clustering:
AntiAffinityClassNames keeps such roles apart when the cluster places
them).

A role moves Live (the default), Quick (saved to the shared volume and
restored: all downtime), or offline: TurnOff, Shutdown or ShutdownForce
stop the VM, move it, and start it on the new owner.
"""
from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import attrs

from hvshell.model.compute import power
from hvshell.model.cluster.objects import (Cluster, ClusterGroup, ClusterNode, ClusterNodeRecord,
                                           ClusterNodeState, GroupType, NodeDrainStatus)
from hvshell.model.kernel.errors import CLUSTER_EXCEPTION, LabError, not_supported, operation_failed
from hvshell.model.kernel.events import EventKind
from hvshell.model.compute.host import Host, vm_memory_overhead
from hvshell.model.mobility.records import LabMigrationState, MigrationRecord
from hvshell.model.mobility.mapping import plan_cluster_move
from hvshell.model.mobility.rules import refusal
from hvshell.model.mobility.service import mobility, watch
from hvshell.model.compute.versions import V2008R2, V2012, product_name
from hvshell.model.compute.vm import VMState

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MOVE_TYPES = ("TurnOff", "Quick", "Shutdown", "ShutdownForce", "Live")


def cluster_error(error: LabError, error_id: str) -> LabError:
    """A lab refusal as the FailoverClusters module reports it."""
    return LabError(error.message, error_id, error.category, error.target, CLUSTER_EXCEPTION)


def vm_groups_on(cluster: Cluster, node: str) -> list[ClusterGroup]:
    """The virtual-machine roles `node` owns, the highest priority first."""
    groups = [g for g in cluster.groups if g.group_type is GroupType.VirtualMachine
              and g.owner_node.lower() == node.lower() and g.vm is not None]
    return sorted(groups, key=lambda g: (-g.priority, g.name.lower()))


def _classes(group: ClusterGroup) -> set[str]:
    return {name.lower() for name in group.anti_affinity_class_names}


@attrs.frozen
class Placement:
    """A node that can take a role: whether a role of the same anti-affinity
    class is (or is arriving) there, and its free memory."""
    host: Host
    clash: bool
    free: int


def rank_nodes(lab: Lab, cluster: Cluster, group: ClusterGroup, exclude: set[str],
               need: int | None = None) -> list[Placement]:
    """The nodes that could take `group`, best first.  `need` is the memory
    it takes there (default: what it holds now with overhead, 0 when off)."""
    service = mobility(lab)
    vm = group.vm
    if need is None:
        need = 0
        if vm.is_running:
            assigned = vm.memory_assigned()
            need = assigned + vm_memory_overhead(assigned)
    classes = _classes(group)
    # Only roles sharing an anti-affinity class can clash (none without classes).
    classed = [g for g in cluster.groups if classes & _classes(g)] if classes else []
    preferred = [name.lower() for name in group.preferred_owners]
    ranked = []
    for index, record in enumerate(cluster.nodes):
        if record.name.lower() in exclude or record.paused:
            continue
        host = lab.host(record.name)
        if not host.is_up or not host.network_up:
            continue
        free = host.available_memory() - service.reserved_memory(host)
        if free < need:
            continue
        clash = False
        if classed:
            arriving = {id(v) for v in service.incoming(host)}
            clash = any((g is not group and g.owner_node == host.name)
                        or (g.vm is not None and id(g.vm) in arriving) for g in classed)
        if clash and cluster.enforced_anti_affinity:
            continue
        key = host.name.lower()
        rank = preferred.index(key) if key in preferred else len(preferred)
        ranked.append(((clash, rank, -free, index), Placement(host, clash, free)))
    return [placement for _, placement in sorted(ranked, key=lambda r: r[0])]


def choose_node(lab: Lab, cluster: Cluster, group: ClusterGroup,
                exclude: set[str]) -> Host | None:
    """Where the cluster would put `group` (None: no node has room)."""
    ranked = rank_nodes(lab, cluster, group, exclude)
    return ranked[0].host if ranked else None


def begin_role_move(lab: Lab, cluster: Cluster, group: ClusterGroup, node: Host,
                    how: str = "Live") -> Generator[Any, Any, ClusterGroup]:
    """Check a role's move to `node` and start it; returns the clock
    process body that ends with the group.  Raises LabError (nothing
    changed) when a rule refuses it."""
    vm = group.vm
    if how not in MOVE_TYPES:
        raise ValueError(how)
    service = mobility(lab)
    offline = how in ("TurnOff", "Shutdown", "ShutdownForce") and vm.state is not VMState.Off
    request = plan_cluster_move(lab, vm, node, quick=how == "Quick")
    problems = service.check(request)
    if problems:
        raise refusal(request, problems)
    if not offline:
        record = service.submit(request)
        return watch(record, group)
    stopping = power.begin_stop(vm, turn_off=how == "TurnOff", force=how == "ShutdownForce")

    def body() -> Generator[Any, Any, ClusterGroup]:
        if stopping is not None:
            yield power.launch(lab, vm, stopping)
        record = service.submit(plan_cluster_move(lab, vm, node))
        yield power.launch(lab, vm, watch(record))
        yield power.launch(lab, vm, power.begin_start(vm))
        return group

    return body()


def drain_node(lab: Lab, cluster: Cluster, node: ClusterNodeRecord,
               target: Host | None = None) -> Any:
    """Suspend-ClusterNode -Drain: pause `node` and live-migrate its roles
    (running ones live, the others by moving their ownership) to `target`
    or where placement puts them.  Returns a clock event that triggers
    when the drain has ended (DrainStatus Completed, or Failed when a role
    could not move: it stays on the paused node)."""
    host = lab.host(node.name)
    if host.version is V2008R2:
        raise not_supported(f"Node {node.name} runs {product_name(V2008R2)}, which cannot drain "
                            f"(Suspend-ClusterNode -Drain needs {product_name(V2012)} or later). "
                            "Move each role with Move-ClusterVirtualMachineRole, then pause the "
                            "node.", node.name)
    service = mobility(lab)
    node.paused = True
    node.drain_status = NodeDrainStatus.InProgress
    node.drain_target = target.name if target is not None else None
    groups = vm_groups_on(cluster, node.name)
    lab.record(EventKind.NodeDraining, node.name,
               f"Node {node.name} of cluster {cluster.name} is paused "
               f"and drains {len(groups)} role{'' if len(groups) == 1 else 's'}.")
    records: list[MigrationRecord] = []
    stuck: list[str] = []
    for group in groups:
        destination = target or choose_node(lab, cluster, group, {node.name.lower()})
        if destination is None:
            stuck.append(f"{group.name}: no other node is up with room for it")
            continue
        request = plan_cluster_move(lab, group.vm, destination, command="Suspend-ClusterNode")
        try:
            records.append(service.submit(request))
        except LabError as error:
            stuck.append(f"{group.name}: {error.message}")
    remember_moved(node, groups)
    finished = lab.clock.all_of([r.done for r in records])

    def ended(_event: Any) -> None:
        failed = stuck + [f"{r.vm_name}: {r.reason}" for r in records
                          if r.state is not LabMigrationState.Completed]
        node.drain_status = NodeDrainStatus.Failed if failed else NodeDrainStatus.Completed
        if failed:
            lab.record(EventKind.NodeDrainFailed, node.name,
                       f"The drain of node {node.name} failed; "
                       "these roles stay on it: " + "; ".join(failed))
        else:
            lab.record(EventKind.NodeDrained, node.name, f"Node {node.name} is drained: "
                       f"{len(records)} role{'' if len(records) == 1 else 's'} moved.")

    finished.on_done(ended)
    return finished


def remember_moved(node: ClusterNodeRecord, groups: list[ClusterGroup]) -> None:
    """Note roles moved off `node` (a drain, a failover) for failback."""
    for group in groups:
        if group.name not in node.moved_roles:
            node.moved_roles.append(group.name)


def failback(lab: Lab, cluster: Cluster, node: ClusterNodeRecord,
             policy: str) -> list[MigrationRecord]:
    """Resume-ClusterNode: the node takes roles again; with -Failback
    Immediate the roles a drain or a failover moved off it come back, with
    Policy those whose failback policy allows it now (NoFailback: none).
    Either way the node forgets the rest.  A node the cluster counts Down
    cannot resume (Windows' error 5050): nothing changes."""
    if ClusterNode(cluster, node).State is ClusterNodeState.Down:
        raise LabError(
            f"Node {node.name} of cluster {cluster.name} is Down and cannot be resumed (error "
            f"5050: the cluster node is down), so no role fails back to it. Wait until it is "
            f"back up (Restart-Computer {node.name} -Wait, or Get-ClusterNode {node.name} "
            "shows Up), then resume it.", "ClusterNodeDown", "InvalidOperation", node.name,
            CLUSTER_EXCEPTION)
    node.paused = False
    lab.record(EventKind.NodeResumed, node.name,
               f"Node {node.name} of cluster {cluster.name} is up "
               "and takes roles again.")
    records = [] if policy == "NoFailback" else return_roles(lab, cluster, node, policy)
    node.moved_roles.clear()
    return records


def return_roles(lab: Lab, cluster: Cluster, node: ClusterNodeRecord,
                 policy: str) -> list[MigrationRecord]:
    """Live-migrate back to `node` the roles moved off it: all of them
    (Immediate), or those whose failback policy allows it now (Policy).
    They leave the node's list of moved roles."""
    service = mobility(lab)
    host = lab.host(node.name)
    records = []
    for name in list(node.moved_roles):
        group = cluster.group(name)
        if group is None or group.vm is None or group.owner_node.lower() == node.name.lower():
            node.moved_roles.remove(name)
            continue
        if policy == "Policy" and not _policy_allows(lab, cluster, group, node):
            continue
        node.moved_roles.remove(name)
        request = plan_cluster_move(lab, group.vm, host, command="Resume-ClusterNode")
        try:
            records.append(service.submit(request))
        except LabError as error:
            lab.record(EventKind.FailbackFailed, group.name, f"'{group.name}' did not fail back to "
                       f"{node.name}: {error.message}")
    return records


def _policy_allows(lab: Lab, cluster: Cluster, group: ClusterGroup,
                   node: ClusterNodeRecord) -> bool:
    """A group's failback policy: AutoFailbackType 1, the failback window
    open, and `node` its most preferred owner among the nodes up (any node
    it left, when it names no preferred owners)."""
    if not group.auto_failback_type:
        return False
    if not group.failback_window_open(lab.time_at(lab.clock.now).hour):
        return False
    up = [name for name in group.preferred_owners
          if (record := cluster.node_record(name)) is not None and not record.paused
          and lab.host(record.name).is_up]
    return not up or up[0].lower() == node.name.lower()


def cancel_role_move(lab: Lab, group: ClusterGroup) -> bool:
    """Move-ClusterVirtualMachineRole -Cancel: stop the role's migration in
    progress (False when none runs or it is past its point of no return)."""
    vm = group.vm
    for record in reversed(lab.migrations):
        if record.vm_id == vm.id and record.handle is not None:
            return mobility(lab).cancel(record, "The migration was cancelled "
                                                "(Move-ClusterVirtualMachineRole -Cancel).")
    return False


def no_room(group: ClusterGroup, cluster: Cluster) -> LabError:
    return operation_failed(f"No node of cluster {cluster.name} can take '{group.name}': every "
                            "other node is down, paused, or short of memory for it. Resume or "
                            "add a node, or free memory.", group.name, "ResourceUnavailable")
