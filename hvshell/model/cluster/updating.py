"""Cluster-Aware Updating: the lab's updates, what each node still needs
(Invoke-CauScan), and an updating run (Invoke-CauRun) with its report
(Get-CauReport).

A run takes the nodes one at a time (the cluster's order, or -NodeOrder):
a node with nothing to install is done at once; otherwise it is drained
(Suspend-ClusterNode -Drain: its roles live-migrate to the other nodes),
its updates install one after another, it restarts when one of them needs
it (its non-clustered VMs take their automatic stop and start actions),
the run waits for it to be Up in the cluster again (at most
-RebootTimeoutMinutes), resumes it and fails its roles back (-FailbackMode,
Immediate by default).  A node that fails (its drain fails, it goes down
while installing, it does not come back in time) is tried again up to
-MaxRetriesPerNode times; when more than -MaxFailedNodes nodes have failed
the run stops.

The report lists each node, its updates, their times and results, and
every virtual machine that was running when the run began: how it got
through (live-migrated roles: zero downtime, the live migrations' brief
blackouts listed apart; a VM that stayed on a restarting node: down from
its stop action until its guest answers again).
"""
from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import attrs

from hvshell.model.cluster import moves
from hvshell.model.cluster.objects import Cluster, ClusterNodeRecord, NodeDrainStatus
from hvshell.model.compute import power
from hvshell.model.kernel.errors import CLUSTER_EXCEPTION, LabError
from hvshell.model.kernel.events import EventKind
from hvshell.model.kernel.ids import Guid

if TYPE_CHECKING:
    from hvshell.model.compute.host import Host
    from hvshell.model.lab import Lab

CAU_EXCEPTION = "Microsoft.ClusterAwareUpdating.CauException"
# Invoke-CauRun's defaults (2012 R2 help): three tries per node, a 15-minute
# wait for a restarting node.
DEFAULT_RETRIES = 3
MAX_RETRIES = 64
DEFAULT_REBOOT_TIMEOUT_MINUTES = 15
# How often the run looks whether a restarting node is back.
_POLL_SECONDS = 1.0


@attrs.define
class LabUpdate:
    """An update the lab's update service offers (Add-LabUpdate)."""
    name: str
    title: str
    install_seconds: float
    reboot_required: bool
    applicable: list[str]          # HostVersion names


@attrs.define
class UpdateInstall:
    update: str
    title: str
    start: float
    end: float
    result: str                    # Succeeded, Failed


@attrs.define
class NodeRun:
    node: str
    status: str                    # Succeeded, Failed
    start: float
    end: float
    attempts: int = 0
    installs: list[UpdateInstall] = attrs.Factory(list)
    error: str = ""


@attrs.define
class VMOutage:
    vm: str
    node: str                      # where it ran when the run began
    clustered: bool
    how: str                       # Live migration, Quick migration, Restarted with its node, ...
    live_migrations: int = 0
    blackout: float = 0.0          # seconds paused by live migrations
    downtime: float = 0.0          # seconds out of service
    down_since: float | None = None


@attrs.define
class CauRunRecord:
    run_id: Guid
    cluster: str
    start: float
    end: float | None = None
    status: str = "InProgress"     # InProgress, Succeeded, Failed
    nodes: list[NodeRun] = attrs.Factory(list)
    vms: list[VMOutage] = attrs.Factory(list)
    error: str = ""


@attrs.frozen
class RunOptions:
    node_order: list[str] | None = None
    max_failed_nodes: int | None = None
    max_retries: int = DEFAULT_RETRIES
    require_all_online: bool = False
    failback: str = "Immediate"
    reboot_timeout_minutes: int = DEFAULT_REBOOT_TIMEOUT_MINUTES


def cau_error(message: str, target: Any, category: str = "InvalidOperation") -> LabError:
    return LabError(message, "CauRunFailed", category, target, CAU_EXCEPTION)


# ---------------------------------------------------------------------------
# Updates and scans
# ---------------------------------------------------------------------------

def add_update(lab: Lab, name: str, title: str | None, install_seconds: float,
               reboot_required: bool, applicable: list[str]) -> LabUpdate:
    if install_seconds < 0:
        raise cau_error("-InstallSeconds is a number of seconds, 0 or more.", install_seconds,
                        "InvalidArgument")
    if any(u.name.lower() == name.lower() for u in lab.updates):
        raise cau_error(f"The lab already offers an update named '{name}'.", name,
                        "ResourceExists")
    update = LabUpdate(name, title or f"Update for Windows Server ({name})",
                       float(install_seconds), reboot_required, list(applicable))
    lab.updates.append(update)
    return update


def needed_updates(lab: Lab, host: Host) -> list[LabUpdate]:
    """The lab's updates that apply to `host`'s version and it lacks."""
    have = {name.lower() for name in host.installed_updates}
    return [u for u in lab.updates
            if host.version.name in u.applicable and u.name.lower() not in have]


# ---------------------------------------------------------------------------
# A run
# ---------------------------------------------------------------------------

def runs_of(lab: Lab, cluster: Cluster) -> list[CauRunRecord]:
    """The cluster's updating runs, the oldest first."""
    return [r for r in lab.cau_runs if r.cluster.lower() == cluster.name.lower()]


def _node_order(cluster: Cluster, order: list[str] | None) -> list[ClusterNodeRecord]:
    if not order:
        return list(cluster.nodes)
    records = []
    for name in order:
        record = cluster.node_record(str(name))
        if record is None:
            raise cau_error(f"-NodeOrder names '{name}', which is not a node of cluster "
                            f"{cluster.name}.", name, "InvalidArgument")
        if record in records:
            raise cau_error(f"-NodeOrder names '{name}' twice.", name, "InvalidArgument")
        records.append(record)
    missing = [n.name for n in cluster.nodes if n not in records]
    if missing:
        raise cau_error(f"-NodeOrder must list every node of cluster {cluster.name}; it lacks "
                        f"{', '.join(missing)}.", cluster.name, "InvalidArgument")
    return records


def _node_up(lab: Lab, record: ClusterNodeRecord) -> bool:
    host = lab.host(record.name)
    return (host.is_up and host.network_up and not record.removed
            and record.missed_heartbeats_since is None)


def begin_run(lab: Lab, cluster: Cluster, options: RunOptions) -> tuple[CauRunRecord, Any]:
    """Check an updating run and start it; returns its record and the
    clock process body.  Raises LabError (nothing changed) when refused."""
    if any(r.status == "InProgress" for r in runs_of(lab, cluster)):
        raise cau_error(f"An updating run is already in progress on cluster {cluster.name}.",
                        cluster.name, "ResourceBusy")
    if cluster.quorum_lost:
        raise cau_error(f"Cluster {cluster.name} has no quorum: bring nodes back first.",
                        cluster.name)
    order = _node_order(cluster, options.node_order)
    count = len(cluster.nodes)
    limit = options.max_failed_nodes
    if limit is not None and not 0 <= limit <= count - 1:
        raise cau_error(f"-MaxFailedNodes is 0 to {count - 1} (one less than the nodes of "
                        f"cluster {cluster.name}).", limit, "InvalidArgument")
    if not 1 <= options.max_retries <= MAX_RETRIES:
        raise cau_error(f"-MaxRetriesPerNode is 1 to {MAX_RETRIES}.", options.max_retries,
                        "InvalidArgument")
    if options.reboot_timeout_minutes < 1:
        raise cau_error("-RebootTimeoutMinutes is 1 or more.", options.reboot_timeout_minutes,
                        "InvalidArgument")
    down = [n.name for n in cluster.nodes if not _node_up(lab, n)]
    if options.require_all_online and down:
        raise cau_error(f"-RequireAllNodesOnline: node{'s' if len(down) > 1 else ''} "
                        f"{', '.join(down)} of cluster {cluster.name} "
                        f"{'are' if len(down) > 1 else 'is'} not online.", cluster.name,
                        "ResourceUnavailable")
    if limit is None:
        limit = max(count // 3, 0)        # the default: a third of the nodes
    run = CauRunRecord(lab.new_guid(), cluster.name, lab.clock.now)
    for node in cluster.nodes:
        for vm in lab.host(node.name).vms:
            if vm.is_running:
                run.vms.append(VMOutage(vm.name, node.name, lab.cluster_group_of(vm) is not None,
                                        "Stayed where it was"))
    lab.cau_runs.append(run)
    lab.record(EventKind.CauRunStarted, cluster.name,
               f"Updating run {run.run_id} on cluster {cluster.name}: nodes "
               f"{', '.join(n.name for n in order)} in turn.")
    return run, _run(lab, cluster, run, order, options, limit)


def _run(lab: Lab, cluster: Cluster, run: CauRunRecord, order: list[ClusterNodeRecord],
         options: RunOptions, limit: int) -> Generator[Any, Any, CauRunRecord]:
    failed = 0
    for record in order:
        result = NodeRun(record.name, "Succeeded", lab.clock.now, lab.clock.now)
        run.nodes.append(result)
        for attempt in range(1, options.max_retries + 1):
            result.attempts = attempt
            result.error = yield from _update_node(lab, cluster, run, record, result, options)
            if not result.error:
                break
        result.end = lab.clock.now
        if result.error:
            result.status = "Failed"
            failed += 1
            lab.record(EventKind.CauNodeFailed, record.name,
                       f"Updating node {record.name} failed after {result.attempts} "
                       f"attempt{'s' if result.attempts > 1 else ''}: {result.error}")
            if failed > limit:
                run.error = (f"{failed} node{'s' if failed > 1 else ''} failed, more than "
                             f"-MaxFailedNodes {limit}: the run stopped.")
                break
        else:
            lab.record(EventKind.CauNodeUpdated, record.name,
                       f"Node {record.name} is updated: {len(result.installs)} "
                       f"update{'' if len(result.installs) == 1 else 's'} installed.")
    _account_downtime(lab, run)
    run.end = lab.clock.now
    run.status = "Failed" if failed else "Succeeded"
    lab.record(EventKind.CauRunFinished, cluster.name,
               f"Updating run {run.run_id} on cluster {cluster.name} {run.status.lower()}"
               f"{': ' + run.error.rstrip('.') if run.error else ''}.")
    return run


def _update_node(lab: Lab, cluster: Cluster, run: CauRunRecord, record: ClusterNodeRecord,
                 result: NodeRun, options: RunOptions) -> Generator[Any, Any, str]:
    """One attempt at a node; returns why it failed ('' when it did not)."""
    host = lab.host(record.name)
    if not _node_up(lab, record):
        return f"node {record.name} is not online."
    needed = needed_updates(lab, host)
    if not needed:
        return ""
    drained = moves.drain_node(lab, cluster, record)
    yield drained
    if record.drain_status is NodeDrainStatus.Failed:
        moves.failback(lab, cluster, record, "NoFailback")
        return f"the drain of node {record.name} failed (Get-LabEvent NodeDrainFailed says why)."
    reboot = False
    for update in needed:
        start = lab.clock.now
        yield update.install_seconds
        if not _node_up(lab, record):
            result.installs.append(UpdateInstall(update.name, update.title, start,
                                                 lab.clock.now, "Failed"))
            return f"node {record.name} went down while installing {update.name}."
        host.installed_updates.append(update.name)
        result.installs.append(UpdateInstall(update.name, update.title, start, lab.clock.now,
                                             "Succeeded"))
        reboot = reboot or update.reboot_required
    if reboot:
        stopping = [vm for vm in host.vms if vm.is_running]
        for outage in run.vms:
            if any(vm.name == outage.vm for vm in stopping):
                outage.down_since = lab.clock.now
                outage.how = "Restarted with its node"
        yield lab.clock.process(power.restart_host(lab, host))
        deadline = lab.clock.now + options.reboot_timeout_minutes * 60
        while not _node_up(lab, record):
            if lab.clock.now >= deadline:
                return (f"node {record.name} was not back in the cluster "
                        f"{options.reboot_timeout_minutes} minutes after its restart.")
            yield _POLL_SECONDS
    returning = moves.failback(lab, cluster, record, options.failback)
    if returning:
        yield lab.clock.all_of([r.done for r in returning])
    return ""


def _account_downtime(lab: Lab, run: CauRunRecord) -> None:
    """Each VM's way through the run, from the migrations made during it
    and the restarts it sat through."""
    for outage in run.vms:
        vm = next((v for v in lab.all_vms() if v.name == outage.vm), None)
        moved = [r for r in lab.migrations if vm is not None and r.vm_id == vm.id
                 and r.queued_at >= run.start and r.state.name == "Completed"]
        live = [r for r in moved if r.kind == "Live"]
        quick = [r for r in moved if r.kind == "Quick"]
        outage.live_migrations = len(live)
        outage.blackout = sum(r.downtime for r in live)
        if outage.down_since is not None:
            back = vm.guest_ready_at if vm is not None and vm.is_running else None
            outage.downtime = (back if back is not None else lab.clock.now) - outage.down_since
            if back is None:
                outage.how = "Still down after its node restarted"
        elif quick:
            outage.how = "Quick migration"
            outage.downtime = sum(r.downtime for r in quick)
        elif live:
            outage.how = "Live migration"
