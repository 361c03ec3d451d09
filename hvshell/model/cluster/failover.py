"""Cluster failover (docs/model.md, Failover clustering): a node that stops answering
heartbeats is removed from its cluster, and its virtual-machine roles
restart on the nodes that remain.

1. A node's host crashes, or loses its network: the other nodes stop
   hearing its heartbeats.  After the cluster's threshold (SameSubnetDelay
   × SameSubnetThreshold, 1 s × 5 = 5 s by default; the cross-subnet pair
   when the node shares no subnet with another node) the cluster removes
   it: Get-ClusterNode shows Down.  Until then it still shows Up.
   A node that answers again within the threshold stays a member.
2. Its roles go offline (a node cut off by its network loses the cluster,
   which stops its clustered VMs: 2012 R2 has no isolated state) and are
   placed on the nodes still up, the highest priority first, as
   `cluster_mobility.rank_nodes` ranks them: room for the VM's startup
   memory, a node with no role of the same anti-affinity class first (one
   with such a role only when no other has room, unless the cluster
   enforces anti-affinity), the preferred owners, the most free memory.
   Each VM then starts there and its guest boots (`power`).  A role that
   was not running only changes owner; one with priority 0 (No Auto Start)
   is not started.  A role no node can take stays Failed (Offline when no
   node is up) until a node joins.
3. The node joins again when its host is up with its network.  Roles do not
   fail back, except those whose failback policy allows it (AutoFailbackType
   1, within FailbackWindowStart/End), or when Resume-ClusterNode -Failback
   Immediate asks (`cluster_mobility.failback`).

The steps are lab events (Get-LabEvent): NodeDown, GroupFailover,
GroupMoved, GroupFailed, GroupRecovered (the role's guest answers again:
the end of its downtime), HeartbeatsRestored, NodeJoined.  The pending
steps are timed actions (`schedule`), so a saved lab keeps them.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from hvshell.model.compute import power
from hvshell.model.cluster.objects import Cluster, ClusterGroup, ClusterNodeRecord, GroupType
from hvshell.model.cluster import quorum
from hvshell.model.cluster.moves import rank_nodes, remember_moved, return_roles, vm_groups_on
from hvshell.model.kernel.errors import LabError, operation_failed
from hvshell.model.kernel.events import EventKind
from hvshell.model.kernel.domain import Domain
from hvshell.model.compute.host import Host
from hvshell.model.network.objects import parse_subnet
from hvshell.model.kernel.schedule import cancel_actions, schedule_action
from hvshell.model.compute.vm import VMState

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20

# Timed actions (target: a node's name, or a group's id).
REMOVE_NODE = "ClusterNodeDown"
JOIN_NODE = "ClusterNodeJoin"
GROUP_RECOVERED = "ClusterGroupRecovered"
FAILBACK_WINDOW = "ClusterFailbackWindow"

# A role is back when its guest answers; timers land on that instant, give
# or take the rounding of adding and subtracting simulated seconds.
_SAME_INSTANT = 1e-6


# ---------------------------------------------------------------------------
# Heartbeats
# ---------------------------------------------------------------------------

def heartbeat_timeout(cluster: Cluster, node: ClusterNodeRecord) -> float:
    """Seconds of silence after which `cluster` removes `node`."""
    lab = cluster.lab
    mine = _subnets(lab.host(node.name))
    others = [_subnets(lab.host(n.name)) for n in cluster.nodes if n is not node]
    if not others or any(mine & theirs for theirs in others):
        return cluster.same_subnet_delay / 1000 * cluster.same_subnet_threshold
    return cluster.cross_subnet_delay / 1000 * cluster.cross_subnet_threshold


def _subnets(host: Host) -> set[Any]:
    return {parse_subnet(interface.subnet) for interface in host.interfaces()}


def _reachable(lab: Lab, node: ClusterNodeRecord) -> bool:
    host = lab.host(node.name)
    return host.is_up and host.network_up and not node.removed


def _node(lab: Lab, name: str) -> tuple[Cluster | None, ClusterNodeRecord | None]:
    cluster = lab.cluster_of(name)
    return (cluster, cluster.node_record(name)) if cluster is not None else (None, None)


def _heartbeats_stopped(lab: Lab, name: str) -> None:
    """The node's host crashed or lost its network: the others start
    counting missed heartbeats."""
    cluster, node = _node(lab, name)
    if node is None or node.removed or node.missed_heartbeats_since is not None:
        return
    node.missed_heartbeats_since = lab.clock.now
    schedule_action(lab, heartbeat_timeout(cluster, node), REMOVE_NODE, node.name)


def _remove_node(lab: Lab, name: str) -> None:
    """The threshold has passed without a heartbeat: the node is Down."""
    cluster, node = _node(lab, name)
    if node is None or node.removed or node.missed_heartbeats_since is None:
        return
    node.removed = True
    silent = lab.clock.now - node.missed_heartbeats_since
    lab.record(EventKind.NodeDown, node.name,
               f"Cluster {cluster.name} removed node {node.name}: no "
               f"heartbeat for {silent:g} s. Its roles fail over.")
    _membership_changed(lab, cluster)
    _fail_over(lab, cluster, node)


def _node_left(lab: Lab, name: str) -> None:
    """An orderly restart: the node leaves at once, and the VMs its stop
    actions saved or shut down restart on the other nodes."""
    cluster, node = _node(lab, name)
    if node is None or node.removed:
        return
    cancel_actions(lab, REMOVE_NODE, node.name)
    node.missed_heartbeats_since = lab.clock.now
    node.removed = True
    lab.record(EventKind.NodeDown, node.name,
               f"Node {node.name} left cluster {cluster.name}: its host "
               "is restarting. Its roles fail over.")
    _membership_changed(lab, cluster)
    _fail_over(lab, cluster, node)


def _node_back(lab: Lab, name: str) -> None:
    """The host is up with its network again (run just after the event, so
    that the migrations see the host back first)."""
    cluster, node = _node(lab, name)
    host = lab.find_host(name)
    if node is None or node.missed_heartbeats_since is None:
        return
    if not (host.is_up and host.network_up):
        return
    silent = lab.clock.now - node.missed_heartbeats_since
    node.missed_heartbeats_since = None
    cancel_actions(lab, REMOVE_NODE, node.name)
    if not node.removed:
        lab.record(EventKind.HeartbeatsRestored, node.name,
                   f"Node {node.name} answers heartbeats again "
                   f"after {silent:g} s, within the {heartbeat_timeout(cluster, node):g} s "
                   f"threshold: it stays in cluster {cluster.name}.")
        return
    node.removed = False
    lab.record(EventKind.NodeJoined, node.name, f"Node {node.name} joined cluster {cluster.name} "
               "again. Roles fail back only if their failback policy allows it or "
               "Resume-ClusterNode -Failback Immediate asks.")
    _membership_changed(lab, cluster)
    restart_stranded(lab, cluster)
    failback_by_policy(lab, cluster, node)


# ---------------------------------------------------------------------------
# Failing roles over
# ---------------------------------------------------------------------------

def _membership_changed(lab: Lab, cluster: Cluster) -> None:
    """A node left or joined: a cluster without quorum stops its roles."""
    if not quorum.membership_changed(lab, cluster):
        quorum.stop_roles(lab, cluster, lambda vm: _stop_cut_off(
            lab, cluster, cluster.node_record(vm.host_name), vm, "lost quorum"))


def _fail_over(lab: Lab, cluster: Cluster, node: ClusterNodeRecord) -> None:
    survivors = [n for n in cluster.nodes if n is not node and _reachable(lab, n)]
    _move_cluster_resources(lab, cluster, node, survivors)
    groups = vm_groups_on(cluster, node.name)
    remember_moved(node, groups)
    for group in groups:
        vm = group.vm
        since = group.outage_since if group.outage_since is not None \
            else node.missed_heartbeats_since
        if vm.is_running:
            _stop_cut_off(lab, cluster, node, vm)
        if vm.running_at_host_stop and group.priority > 0:
            group.outage_since = since
            if not cluster.quorum_lost:
                place(lab, cluster, group)
        else:
            _change_owner(lab, cluster, group, node)


def _stop_cut_off(lab: Lab, cluster: Cluster, node: ClusterNodeRecord, vm: Any,
                  how: str = "lost contact with") -> None:
    """The node lost the cluster but not its power: the cluster service
    there stops, and turns its clustered VMs off."""
    reason = (f"Node {node.name} {how} cluster {cluster.name}" if how == "lost contact with"
              else f"Cluster {cluster.name} {how}")
    for record in lab.migrations:
        if record.vm_id == vm.id and record.handle is not None:
            record.handle.fail(f"{reason}, which turned the virtual machine off.")
    if vm.operation is not None:
        vm.operation.interrupt(operation_failed(f"{reason}; '{vm.name}' was turned off.",
                                                vm.name))
    power.halt(vm)
    lab.record(EventKind.VMStopped, vm.name,
               f"'{vm.name}' on {node.name} is off: {reason[0].lower()}"
               f"{reason[1:]}.")


def _move_cluster_resources(lab: Lab, cluster: Cluster, node: ClusterNodeRecord,
                            survivors: list[ClusterNodeRecord]) -> None:
    """The core groups and the shared volumes the node owned go to the
    first node still up."""
    if not survivors:
        return
    heir = survivors[0].name
    for group in cluster.groups:
        if group.group_type is not GroupType.VirtualMachine and group.owner_node == node.name:
            group.owner_node = heir
            lab.record(EventKind.GroupMoved, group.name,
                       f"'{group.name}' moved from {node.name} to "
                       f"{heir}.")
    for volume in cluster.shared_volumes():
        if volume.owner_node == node.name:
            volume.owner_node = heir
            lab.record(EventKind.CsvOwnerMoved, volume.name, f"{volume.disk_name or volume.name} "
                       f"({volume.path}) is now coordinated by {heir}.")


def _change_owner(lab: Lab, cluster: Cluster, group: ClusterGroup,
                  node: ClusterNodeRecord) -> None:
    """A role that was not running (or must not start by itself) moves to
    a node that is up, and stays as it was."""
    host = _hand_over(lab, cluster, group)
    if host is None:
        return
    how = ("it stays offline: its priority is No Auto Start (0)" if group.priority == 0
           and group.vm.running_at_host_stop else f"it stays {group.vm.state.name}")
    lab.record(EventKind.GroupMoved, group.name,
               f"'{group.name}' moved from {node.name} to {host.name}; "
               f"{how}.")


def _hand_over(lab: Lab, cluster: Cluster, group: ClusterGroup) -> Host | None:
    """Give the role, as it is, to the best node up (None: there is none)."""
    ranked = rank_nodes(lab, cluster, group, set(), need=0)
    if not ranked:
        return None
    host = ranked[0].host
    if host.name != group.vm.host_name:
        lab.place_vm(group.vm, host)
    group.owner_node = host.name
    return host


def place(lab: Lab, cluster: Cluster, group: ClusterGroup) -> bool:
    """Start `group`'s VM on the best node that can take it (False: none
    could; the group is Failed, or Offline when no node is up)."""
    vm = group.vm
    need = vm.host.memory_needed_to_start(vm)
    origin = vm.host_name
    refusals = []
    for placement in rank_nodes(lab, cluster, group, set(), need):
        try:
            _start_on(lab, group, placement.host)
        except LabError as error:
            refusals.append(f"{placement.host.name}: {error.message}")
            continue
        note = ""
        if placement.clash:
            beside = _same_class_on(cluster, group, placement.host.name)
            note = (f" No node without a role of its anti-affinity class had room, so it runs "
                    f"beside {', '.join(beside)}.")
        where = (f"failed over from {origin} to {placement.host.name} and is starting there"
                 if placement.host.name != origin else f"is starting again on {origin}")
        lab.record(EventKind.GroupFailover, group.name, f"'{group.name}' {where}.{note}")
        return True
    up = [n for n in cluster.nodes if _reachable(lab, n) and not n.paused]
    group.failed = bool(up)
    why = "; ".join(refusals) or _no_room(lab, cluster, group, up, need)
    # Like a real cluster, a role that failed belongs to a node that is up
    # when one may hold it, where Start-VM can bring it back once there is room.
    holder = _hand_over(lab, cluster, group)
    then = (f"It stays Failed on {holder.name}: start it there (Start-VM) once there is room, "
            "or a node joining the cluster tries again" if holder is not None else
            f"It stays {group.State.name} on {group.owner_node} until a node joins the cluster")
    lab.record(EventKind.GroupFailed, group.name, f"'{group.name}' could not start on any node of "
               f"cluster {cluster.name}: {why}. {then}.")
    return False


def _start_on(lab: Lab, group: ClusterGroup, host: Host) -> None:
    """Move the VM to `host` and start it there; if the start is refused,
    it goes back where it was (in its place in the list)."""
    vm = group.vm
    origin = vm.host
    index = origin.vms.index(vm)
    if host is not origin:
        lab.place_vm(vm, host)
    try:
        starting = power.begin_start(vm)
    except LabError:
        if host is not origin:
            lab.place_vm(vm, origin, index)
        raise
    group.owner_node = host.name
    group.failed = False
    power.launch(lab, vm, starting)


def _same_class_on(cluster: Cluster, group: ClusterGroup, node: str) -> list[str]:
    classes = {c.lower() for c in group.anti_affinity_class_names}
    return [g.name for g in cluster.groups if g is not group and g.owner_node == node
            and classes & {c.lower() for c in g.anti_affinity_class_names}]


def _no_room(lab: Lab, cluster: Cluster, group: ClusterGroup, up: list[ClusterNodeRecord],
             need: int) -> str:
    if not up:
        return "no node is up"
    hosts = [lab.host(n.name) for n in up]
    roomy = [h for h in hosts if h.available_memory() >= need]
    if roomy and cluster.enforced_anti_affinity:
        return (f"the nodes with room ({', '.join(h.name for h in roomy)}) run a role of its "
                "anti-affinity class and the cluster enforces anti-affinity "
                "(ClusterEnforcedAntiAffinity 1)")
    best = max(hosts, key=lambda h: h.available_memory())
    return (f"it needs {need // MB} MB and the node with the most free memory, {best.name}, "
            f"has {best.available_memory() // MB} MB")


def restart_stranded(lab: Lab, cluster: Cluster) -> None:
    """Roles that went down with a node and are still off get another
    chance (a node joined)."""
    if cluster.quorum_lost:
        return
    for group in sorted(cluster.groups, key=lambda g: -g.priority):
        vm = group.vm
        if group.outage_since is not None and vm is not None and not vm.is_running:
            place(lab, cluster, group)


# ---------------------------------------------------------------------------
# Back in service, and failback
# ---------------------------------------------------------------------------

def _pending_groups(lab: Lab, vm_name: str) -> list[ClusterGroup]:
    return [g for c in lab.clusters for g in c.groups
            if g.outage_since is not None and g.vm is not None and g.vm.name == vm_name]


def _role_started(lab: Lab, vm_name: str) -> None:
    """A failed-over VM is running: its role is back when its guest is."""
    for group in _pending_groups(lab, vm_name):
        vm = group.vm
        group.failed = False
        if vm.state is VMState.Running and vm.guest_ready_at is not None:
            schedule_action(lab, vm.guest_ready_at - lab.clock.now, GROUP_RECOVERED,
                            str(group.id))


def _role_stopped(lab: Lab, vm_name: str) -> None:
    """Someone stopped or saved the VM: its role is no longer waiting to
    come back."""
    for group in _pending_groups(lab, vm_name):
        if group.vm.state in (VMState.Off, VMState.Saved):
            group.outage_since = None
            group.failed = False


def _group_recovered(lab: Lab, group_id: str) -> None:
    group = next((g for c in lab.clusters for g in c.groups if str(g.id) == group_id), None)
    if group is None or group.outage_since is None or group.vm is None:
        return
    vm = group.vm
    ready = vm.state is VMState.Running and vm.guest_ready_at is not None
    if not ready or vm.guest_ready_at > lab.clock.now + _SAME_INSTANT:
        return       # restarted since: a later timer is due
    down = lab.clock.now - group.outage_since
    group.outage_since = None
    lab.record(EventKind.GroupRecovered, group.name, f"'{group.name}' is back in service on "
               f"{vm.host_name}: its guest answers, {down:.1f} s after it went down.")


def failback_by_policy(lab: Lab, cluster: Cluster, node: ClusterNodeRecord) -> None:
    """The node is back: roles moved off it whose AutoFailbackType is 1
    return now if their failback window is open, else when it opens."""
    return_roles(lab, cluster, node, "Policy")
    now = lab.time_at(lab.clock.now)
    waiting = [g for g in (cluster.group(name) for name in node.moved_roles)
               if g is not None and g.auto_failback_type and not g.failback_window_open(now.hour)]
    cancel_actions(lab, FAILBACK_WINDOW, node.name)
    if waiting:
        delay = min(_until_hour(now, g.failback_window_start) for g in waiting)
        schedule_action(lab, delay, FAILBACK_WINDOW, node.name)


def _until_hour(now: dt.datetime, hour: int) -> float:
    opens = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if opens <= now:
        opens += dt.timedelta(days=1)
    return (opens - now).total_seconds()


def _failback_window(lab: Lab, name: str) -> None:
    cluster, node = _node(lab, name)
    if node is not None and _reachable(lab, node):
        failback_by_policy(lab, cluster, node)


# ---------------------------------------------------------------------------
# Wiring: lab events, timed actions, reloads
# ---------------------------------------------------------------------------

def _join_soon(lab: Lab, name: str) -> None:
    _, node = _node(lab, name)
    if node is not None and node.missed_heartbeats_since is not None:
        schedule_action(lab, 0.0, JOIN_NODE, node.name)


_REACTIONS = {
    EventKind.HostDown: _heartbeats_stopped,
    EventKind.NetworkDown: _heartbeats_stopped,
    EventKind.HostRestart: _node_left,
    EventKind.HostUp: _join_soon,
    EventKind.NetworkUp: _join_soon,
    EventKind.VMStarted: _role_started,
    EventKind.VMStopped: _role_stopped,
    EventKind.VMSaved: _role_stopped,
}


def _on_source(reaction: Any) -> Any:
    """A reaction to what happened to a host or a VM, by its name (only
    a lab with clusters has anything to do)."""
    def react(lab: Lab, event: Any) -> None:
        if lab.clusters:
            reaction(lab, event.source)
    return react


def after_load(lab: Lab) -> None:
    """A reload interrupts the starts a failover had begun (their VMs are
    off again): start them again where they were going."""
    for cluster in lab.clusters:
        for group in cluster.groups:
            vm = group.vm
            if group.outage_since is None or group.failed or vm is None or vm.is_running:
                continue
            owner = cluster.node_record(group.owner_node)
            if owner is not None and _reachable(lab, owner) and not owner.paused:
                place(lab, cluster, group)


DOMAIN = Domain(
    "cluster",
    reactions={kind: _on_source(reaction) for kind, reaction in _REACTIONS.items()},
    actions={REMOVE_NODE: _remove_node, JOIN_NODE: _node_back,
             GROUP_RECOVERED: _group_recovered, FAILBACK_WINDOW: _failback_window},
    after_load=after_load)
