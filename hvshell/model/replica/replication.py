"""Hyper-V Replica (hyperv-cmdlets.md section 8): a host accepting replicas
(Set-VMReplicationServer), a VM replicated to another host, its initial
copy, the replica logs sent every cycle, and failover.

Enabling replication creates the replica VM (off, ReplicationMode Replica)
on the replica host.  The initial replication copies the data the VM's
disks hold over the network.  From then on, every ReplicationFrequencySec
the writes accumulated since the last cycle (the guest's disk write rate
while it runs) are cut into a log and sent; the log becomes the replica's
latest recovery point when it arrives.  A cycle that is due while the
previous log is still on the wire is missed, and its writes go with the
next log.  Each cycle is one timed action per replicated VM (kept in
`Lab.scheduled`, so it survives a save and load): O(replicated VMs) work
per cycle, whatever the length of the simulated time.  A log's arrival
needs no timer of its own: it is taken into account (`settle`) by the next
cycle or whoever reads the figures.

Failover: planned (the primary, off, sends its last writes with -Prepare,
then the replica fails over with nothing lost, and -Reverse makes it the
primary replicating back) or unplanned (the replica takes the latest
recovery point; the writes since it was cut are lost, reported with the
RPO in the event).

Extended replication (2012 R2): the replica VM replicates on to a third
server.  Its record is `ReplicationSettings.extended` on the replica VM
(the sending side); the extended replica VM (ReplicationMode
ExtendedReplica) holds the leg's state and health.  Each extended cycle
sends what the replica received since the last one: one timed action per
extended replica, like the primary cycles.  Remove-VMReplication ends a
relationship on one side; the other side, left alone, is in Error.

Not modelled: certificate authentication, additional recovery points as
snapshots, resynchronization, failover to the extended replica.
"""
from __future__ import annotations

import datetime as dt
import ntpath
from typing import TYPE_CHECKING, Any, Generator

import attrs

from hvshell.model.storage.disks import chain
from hvshell.model.storage.export_import import copy_files, remap_disks
from hvshell.model.kernel.errors import (invalid_argument, invalid_state, not_supported,
                                  operation_failed)
from hvshell.model.kernel.codec import detached_copy
from hvshell.model.kernel.events import EventKind
from hvshell.model.kernel.domain import Domain
from hvshell.model.compute.host import Host
from hvshell.model.replica.settings import (RecoveryAuthenticationType, ReplicationAuthenticationType,
                                       ReplicationRelationshipType, ReplicationSettings)
from hvshell.model.kernel.schedule import cancel_actions, schedule_action
from hvshell.model.compute.versions import V2012, V2012R2, product_name, require_feature
from hvshell.model.compute.vm import ReplicationHealth, ReplicationMode, ReplicationState, VM, VMState
from hvshell.pstypes.registry import ps_type

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20
CYCLE = "ReplicaCycle"
EXTENDED_CYCLE = "ReplicaExtendedCycle"

# Replication frequencies (hyperv-cmdlets.md sections 8 and C): 30 s, 5 or
# 15 min on 2012 R2; a fixed 5 minutes on 2012.
FREQUENCIES = {V2012: (300,), V2012R2: (30, 300, 900)}
DEFAULT_FREQUENCY = 300
# Extended replication: every 5 or 15 minutes only (SPEC section 5;
# hyperv-cmdlets.md section 8, Enable-VMReplication notes).
EXTENDED_FREQUENCIES = (300, 900)
# Recovery points kept besides the latest: 15 on 2012, 24 on 2012 R2
# (section D).
MAX_RECOVERY_HISTORY = {V2012: 15, V2012R2: 24}
# Health (Hyper-V Replica's documented rule of thumb): Warning when more
# than 20% of the cycles in the monitoring window were missed.
WARNING_MISSED_SHARE = 0.20
# Critical when the writes waiting to be sent reach half the size of the
# replicated disks (the point at which Hyper-V gives up on the log and asks
# for a resynchronization).
CRITICAL_LOG_SHARE = 0.50
# Replica traffic is HTTP(S) over TCP on the hosts' ordinary NICs; headers
# and acknowledgements take about 6% of the line rate (reasoning: 1460 of
# 1538 bytes per full Ethernet frame carry data, less HTTP framing).
TCP_EFFICIENCY = 0.94
# Compressed replica traffic: general-purpose compression of server disk
# writes roughly halves them (reasoning; the ratio depends on the data).
COMPRESSION_RATIO = 2.0
# Opening the log transfer or the initial copy (connection, authentication,
# creating the files on the replica): a couple of seconds (reasoning).
LOG_SETUP_SECONDS = 1.0
INITIAL_SETUP_SECONDS = 5.0
# Planned failover on the primary: the pending log is sent, then the
# configuration marked (reasoning: about a second besides the transfer).
PREPARE_SETUP_SECONDS = 1.0
# Applying the latest recovery point to the replica VM's disks (reasoning).
FAILOVER_SECONDS = 5.0
# Without a storage location known to the lab, a local disk (reasoning,
# same figure as for checkpoints).
DEFAULT_DISK_MBPS = 100.0


def _partner(lab: Lab, vm: VM) -> VM | None:
    settings = vm.replication
    if settings is None:
        return None
    return lab.vm_by_id(settings.partner_id)


def primary_of(lab: Lab, vm: VM) -> VM | None:
    """The primary side of the VM's simple relationship (itself when
    primary; none for an extended replica)."""
    if vm.replication is None:
        return None
    if vm.replication_mode is ReplicationMode.Primary:
        return vm
    return _partner(lab, vm) if vm.replication_mode is ReplicationMode.Replica else None


def replica_of(lab: Lab, vm: VM) -> VM | None:
    if vm.replication is None:
        return None
    if vm.replication_mode is ReplicationMode.Replica:
        return vm
    return _partner(lab, vm) if vm.replication_mode is ReplicationMode.Primary else None


def extended_of(lab: Lab, vm: VM) -> VM | None:
    """The extended replica VM of a replica VM, if it has one."""
    leg = vm.replication.extended if vm.replication is not None else None
    return lab.vm_by_id(leg.partner_id) if leg is not None else None


def extended_state(lab: Lab, vm: VM) -> ReplicationState:
    """The state of a replica VM's extended relationship: the extended
    replica's, or Error once that side has removed it."""
    target = extended_of(lab, vm)
    return target.replication_state if target is not None and \
        target.replication is not None else ReplicationState.Error


def _set_state(lab: Lab, vm: VM, state: ReplicationState) -> None:
    """Both sides show the same replication state."""
    for side in (vm, _partner(lab, vm)):
        if side is not None:
            side.replication_state = state


# ---------------------------------------------------------------------------
# Rates and sizes
# ---------------------------------------------------------------------------

def _link_bytes(host: Host) -> float:
    links = [nic.speed_gbps for nic in host.nics if nic.up]
    return max(links) * 1e9 / 8 if links else 0.0


def _disk_rate(lab: Lab, host_name: str, path: str) -> float:
    location = lab.storage_for_path(host_name, path)
    return (location.throughput_mbps if location is not None else DEFAULT_DISK_MBPS) * MB


def transfer_rate(lab: Lab, primary: VM, settings: ReplicationSettings | None = None) -> float:
    """Bytes per second from the sending VM's disks to the receiving
    server's (the replica, or with `settings` the extended leg): the slower
    host's fastest NIC (less TCP overhead) and the two storages."""
    settings = settings or primary.replication
    replica_host = lab.find_host(settings.replica_server)
    network = min(_link_bytes(primary.host), _link_bytes(replica_host)) * TCP_EFFICIENCY
    source = min((_disk_rate(lab, primary.host_name, d.path) for d in primary.hard_drives
                  if d.path), default=DEFAULT_DISK_MBPS * MB)
    target = _disk_rate(lab, replica_host.name, settings.replica_folder)
    return min(network, source, target)


def _require_network(lab: Lab, vm: VM) -> None:
    if transfer_rate(lab, vm) <= 0:
        raise operation_failed(f"'{vm.name}' cannot replicate: {vm.host_name} or its replica "
                               "server has no network adapter up.", vm.name, "ConnectionError")


def _on_wire(settings: ReplicationSettings, size: float) -> float:
    return size / COMPRESSION_RATIO if settings.compression_enabled else size


def _replicated_files(lab: Lab, vm: VM) -> list[Any]:
    files: list[Any] = []
    for drive in vm.hard_drives:
        if drive.path:
            files.extend(v for v in chain(lab, vm.host_name, drive.path) if v not in files)
    return files


def replicated_size(lab: Lab, vm: VM) -> int:
    """Bytes the VM's disks hold (what the initial replication copies)."""
    return sum(vhd.allocated_bytes for vhd in _replicated_files(lab, vm))


def initial_replication_seconds(lab: Lab, vm: VM) -> float:
    settings = vm.replication
    return INITIAL_SETUP_SECONDS + _on_wire(settings, replicated_size(lab, vm)) / \
        transfer_rate(lab, vm)


# ---------------------------------------------------------------------------
# Set-VMReplicationServer
# ---------------------------------------------------------------------------

def set_replication_server(host: Host, enabled: bool | None = None,
                           authentication: RecoveryAuthenticationType | None = None,
                           from_any_server: bool | None = None, storage_location: str | None = None,
                           kerberos_port: int | None = None) -> None:
    require_feature(host.version, "Replica", host.name)
    server = host.replica_server
    any_server = server.allowed_from_any_server if from_any_server is None else from_any_server
    location = server.default_storage_location if storage_location is None else storage_location
    if any_server and not str(location).strip():
        raise invalid_argument(
            f"Replication from any server on '{host.name}' needs a default storage location "
            "for the replica files. Add -DefaultStorageLocation.", host.name)
    if kerberos_port is not None and not 1 <= kerberos_port <= 65535:
        raise invalid_argument(f"The port {kerberos_port} is not a valid TCP port (1-65535).",
                               kerberos_port)
    if enabled is not None:
        server.replication_enabled = enabled
    if authentication is not None:
        server.allowed_authentication_type = authentication
    server.allowed_from_any_server = any_server
    server.default_storage_location = str(location).strip()
    if kerberos_port is not None:
        server.kerberos_port = kerberos_port


# ---------------------------------------------------------------------------
# Enable-VMReplication
# ---------------------------------------------------------------------------

def _accepts(lab: Lab, primary_host: Host, replica_host: Host, port: int,
             authentication: ReplicationAuthenticationType) -> None:
    server = replica_host.replica_server
    if not server.replication_enabled:
        raise operation_failed(
            f"The replica server '{replica_host.name}' does not accept replication: it is not "
            f"configured as a replica server. Run Set-VMReplicationServer -ReplicationEnabled "
            f"$true -ComputerName {replica_host.name} first.", replica_host.name,
            "ConnectionError")
    allowed = server.allowed_authentication_type.name
    if authentication.name not in allowed:
        raise operation_failed(
            f"The replica server '{replica_host.name}' accepts {allowed} authentication, not "
            f"{authentication.name}.", replica_host.name, "ConnectionError")
    if port != server.kerberos_port:
        raise operation_failed(
            f"The replica server '{replica_host.name}' listens for {authentication.name} "
            f"replication on port {server.kerberos_port}, not {port}.", replica_host.name,
            "ConnectionError")
    if not server.allowed_from_any_server:
        raise operation_failed(
            f"The replica server '{replica_host.name}' accepts no primary server: neither any "
            f"server nor '{primary_host.name}' is authorized. Use Set-VMReplicationServer "
            "-ReplicationAllowedFromAnyServer $true -DefaultStorageLocation <folder>.",
            replica_host.name, "ConnectionError")
    if lab.cluster_of(replica_host.name) is not None and lab.cluster_of(primary_host.name) is \
            lab.cluster_of(replica_host.name):
        raise invalid_argument(f"'{replica_host.name}' is in the same cluster as "
                               f"'{primary_host.name}'; replicate to a host outside it.",
                               replica_host.name)


def check_enable(lab: Lab, vm: VM, replica_name: str, port: int,
                 authentication: ReplicationAuthenticationType, frequency: int | None,
                 recovery_history: int, vss_hours: int) -> Host:
    host = vm.host
    require_feature(host.version, "Replica", host.name)
    if vm.replication is not None:
        raise invalid_state(
            f"'{vm.name}' is already the {vm.replication_mode.name.lower()} virtual machine of "
            f"a replication relationship (state {vm.replication_state.name}); a virtual machine "
            "replicates to one replica server. Check it with Get-VMReplication.", vm.name)
    replica_host = lab.find_host(replica_name)
    if replica_host is None:
        raise operation_failed(f"The replica server '{replica_name}' cannot be reached: there "
                               "is no such host in the lab.", replica_name, "ConnectionError")
    if replica_host is host:
        raise invalid_argument(f"'{host.name}' cannot be its own replica server. Name another "
                               "host.", replica_name)
    if not replica_host.is_up or not host.is_up:
        raise operation_failed(f"The replica server '{replica_host.name}' does not answer "
                               f"(it is {replica_host.state.name.lower()}).", replica_host.name,
                               "ConnectionError")
    require_feature(replica_host.version, "Replica", replica_host.name)
    if authentication is ReplicationAuthenticationType.Certificate:
        # HTTPS replication needs a certificate (-CertificateThumbprint), and
        # the lab has no certificate store.
        raise not_supported("Certificate-based replication needs a server certificate, which "
                            "this lab does not model. Use -AuthenticationType Kerberos (port "
                            f"{replica_host.replica_server.kerberos_port}).", vm.name)
    if frequency is not None:
        _check_frequency(host, frequency)
    _check_history(host, recovery_history, vss_hours)
    _accepts(lab, host, replica_host, port, authentication)
    if any(v.name.lower() == vm.name.lower() for v in replica_host.vms):
        raise invalid_state(f"'{replica_host.name}' already has a virtual machine named "
                            f"'{vm.name}'.", vm.name)
    return replica_host


def enable(lab: Lab, vm: VM, replica_name: str, port: int,
           authentication: ReplicationAuthenticationType, frequency: int | None = None,
           recovery_history: int = 0, vss_hours: int = 0, compression: bool = True) -> VM:
    """Start a relationship: the replica VM is created, off, on the replica
    server; the primary is ReadyForInitialReplication.  Run on a replica
    VM, the relationship is its extended one."""
    if vm.replication_mode is ReplicationMode.Replica:
        return enable_extended(lab, vm, replica_name, port, authentication, frequency,
                               recovery_history, vss_hours, compression)
    replica_host = check_enable(lab, vm, replica_name, port, authentication, frequency,
                                recovery_history, vss_hours)
    replica = _receiving_copy(lab, vm, replica_host)
    settings = ReplicationSettings(
        primary_server=vm.host.fqdn, replica_server=replica_host.fqdn, replica_port=port,
        authentication_type=authentication, frequency_sec=frequency or DEFAULT_FREQUENCY,
        recovery_history=recovery_history, vss_frequency_hour=vss_hours,
        compression_enabled=compression, partner_id=str(replica.id),
        replica_folder=replica.path, counted_at=lab.clock.now, was_running=vm.is_running,
        window_start=lab.clock.now)
    vm.replication = settings
    replica.replication = attrs.evolve(settings, partner_id=str(vm.id))
    replica.replication_mode = ReplicationMode.Replica
    vm.replication_mode = ReplicationMode.Primary
    lab.place_vm(replica, replica_host)
    _set_state(lab, vm, ReplicationState.ReadyForInitialReplication)
    for side in (vm, replica):
        side.replication_health = ReplicationHealth.Warning   # no initial copy yet
    lab.record(EventKind.ReplicationEnabled, vm.name,
               f"Replication of '{vm.name}' from {vm.host_name} to {replica_host.name} enabled "
               f"(every {settings.frequency_sec} s); the initial replication is pending.")
    return replica


def _receiving_copy(lab: Lab, vm: VM, host: Host) -> VM:
    """The VM that receives `vm`'s logs on `host`: its configuration, off,
    in the host's replica storage location (not yet placed)."""
    folder = host.replica_server.default_storage_location or host.virtual_machine_path
    replica = detached_copy(vm)
    replica.replication = None
    replica.id = lab.new_guid()
    replica.snapshots = []
    replica.parent_snapshot_id = None
    replica.state = VMState.Off
    replica.started_at = replica.guest_ready_at = None
    replica.saved_memory = 0
    replica.transition_from = replica.status_text = None
    replica.running_at_host_stop = False
    replica.resource_metering_enabled = False
    replica.path = ntpath.join(folder, vm.name)
    return replica


def _third_host(lab: Lab, vm: VM, name: str) -> Host:
    """The extended replica server of a replica VM, checked."""
    host = lab.find_host(name)
    if host is None:
        raise operation_failed(f"The extended replica server '{name}' cannot be reached: there "
                               "is no such host in the lab.", name, "ConnectionError")
    primary = primary_of(lab, vm)
    if host is vm.host or (primary is not None and host is primary.host):
        raise invalid_argument(f"The extended replica server must be a third host, neither "
                               f"the replica server '{vm.host_name}' nor the primary server. "
                               "Name another host.", name)
    if not host.is_up:
        raise operation_failed(f"The extended replica server '{host.name}' does not answer "
                               f"(it is {host.state.name.lower()}).", host.name,
                               "ConnectionError")
    return host


def check_enable_extended(lab: Lab, vm: VM, target_name: str, port: int,
                          authentication: ReplicationAuthenticationType, frequency: int | None,
                          recovery_history: int, vss_hours: int) -> Host:
    """Every rule of extended replication (raises LabError)."""
    for host in (vm.host, lab.find_host(target_name)):
        if host is not None and host.version is not V2012R2:
            raise not_supported(
                f"Extended replication needs Windows Server 2012 R2 on the replica and the "
                f"extended replica servers; '{host.name}' runs {product_name(host.version)}. "
                "Choose servers running Windows Server 2012 R2.", vm.name)
    if vm.replication.extended is not None:
        raise invalid_state(
            f"The replica '{vm.name}' on {vm.host_name} already replicates to "
            f"{vm.replication.extended.replica_server}; a replica has one extended "
            "relationship. Remove it first (Remove-VMReplication -ReplicationRelationshipType "
            "Extended).", vm.name)
    if vm.replication_state is not ReplicationState.Replicating:
        raise invalid_state(
            f"The replica '{vm.name}' on {vm.host_name} is {vm.replication_state.name}; "
            "extended replication needs its initial replication completed (state "
            "Replicating). Run Start-VMInitialReplication on the primary server and let it "
            "finish.", vm.name)
    if frequency is not None and frequency not in EXTENDED_FREQUENCIES:
        raise invalid_argument(
            f"Extended replication sends every 300 or 900 seconds, not {frequency} (30 "
            "seconds is for the primary relationship only). Use -ReplicationFrequencySec 300 "
            "or 900.", frequency)
    if vss_hours:
        raise invalid_argument("Extended replication keeps no application-consistent "
                               "recovery points. Leave out -VSSSnapshotFrequencyHour.",
                               vss_hours)
    target = _third_host(lab, vm, target_name)
    if authentication is ReplicationAuthenticationType.Certificate:
        raise not_supported("Certificate-based replication needs a server certificate, which "
                            "this lab does not model. Use -AuthenticationType Kerberos.",
                            vm.name)
    _check_history(vm.host, recovery_history, 0)
    _accepts(lab, vm.host, target, port, authentication)
    if any(v.name.lower() == vm.name.lower() for v in target.vms):
        raise invalid_state(f"'{target.name}' already has a virtual machine named "
                            f"'{vm.name}'.", vm.name)
    return target


def enable_extended(lab: Lab, vm: VM, target_name: str, port: int,
                    authentication: ReplicationAuthenticationType, frequency: int | None = None,
                    recovery_history: int = 0, vss_hours: int = 0,
                    compression: bool = True) -> VM:
    """On the replica server: the replica VM replicates on to a third
    server, where the extended replica VM is created (off); its initial
    replication is started on the replica server."""
    target = check_enable_extended(lab, vm, target_name, port, authentication, frequency,
                                   recovery_history, vss_hours)
    copy = _receiving_copy(lab, vm, target)
    now = lab.clock.now
    leg = ReplicationSettings(
        primary_server=vm.host.fqdn, replica_server=target.fqdn, replica_port=port,
        authentication_type=authentication, frequency_sec=frequency or DEFAULT_FREQUENCY,
        recovery_history=recovery_history, vss_frequency_hour=0,
        compression_enabled=compression, partner_id=str(copy.id), replica_folder=copy.path,
        counted_at=now, window_start=now)
    vm.replication.extended = leg
    copy.replication = attrs.evolve(leg, partner_id=str(vm.id))
    copy.replication_mode = ReplicationMode.ExtendedReplica
    copy.replication_state = ReplicationState.ReadyForInitialReplication
    copy.replication_health = ReplicationHealth.Warning       # no initial copy yet
    lab.place_vm(copy, target)
    lab.record(EventKind.ReplicationEnabled, vm.name,
               f"Extended replication of '{vm.name}' from {vm.host_name} to {target.name} "
               f"enabled (every {leg.frequency_sec} s); the initial replication is pending.")
    return copy


# ---------------------------------------------------------------------------
# Start-VMInitialReplication
# ---------------------------------------------------------------------------

def _replica_host(lab: Lab, vm: VM) -> Host:
    return lab.find_host(replica_of(lab, vm).host_name)


def begin_initial_replication(lab: Lab, vm: VM) -> Generator[Any, Any, VM]:
    if vm.replication is not None and vm.replication.extended is not None and \
            vm.replication_mode is ReplicationMode.Replica:
        return _begin_extended_initial(lab, vm)
    if vm.replication is None or vm.replication_mode is not ReplicationMode.Primary:
        raise invalid_state(f"'{vm.name}' is not the primary virtual machine of a replication "
                            "relationship. Enable-VMReplication first (or run this on the "
                            "primary server).", vm.name)
    if vm.replication_state is not ReplicationState.ReadyForInitialReplication:
        raise invalid_state(f"The initial replication of '{vm.name}' cannot start: its "
                            f"replication is {vm.replication_state.name}.", vm.name)
    replica_host = _replica_host(lab, vm)
    if not replica_host.is_up:
        raise operation_failed(f"The replica server '{replica_host.name}' does not answer.",
                               replica_host.name, "ConnectionError")
    _require_network(lab, vm)
    size = replicated_size(lab, vm)
    seconds = initial_replication_seconds(lab, vm)
    _set_state(lab, vm, ReplicationState.InitialReplicationInProgress)

    def run() -> Generator[Any, Any, VM]:
        try:
            yield seconds
        except BaseException:
            _set_state(lab, vm, ReplicationState.ReadyForInitialReplication)
            raise
        _copy_disks(lab, vm, replica_of(lab, vm), vm.replication.replica_folder)
        settings = vm.replication
        _count_writes(vm, lab.clock.now)
        settings.pending_bytes = 0.0      # the copy holds everything written so far
        settings.recovery_point = settings.last_replication_time = lab.clock.now
        _set_state(lab, vm, ReplicationState.Replicating)
        _set_health(lab, vm)
        schedule_action(lab, settings.frequency_sec, CYCLE, str(vm.id))
        lab.record(EventKind.InitialReplicationCompleted, vm.name,
                   f"Initial replication of '{vm.name}' to {replica_host.name} completed: "
                   f"{size / MB:.0f} MB in {seconds:.0f} s"
                   + (" (compressed)." if settings.compression_enabled else "."))
        return vm

    return run()


def _begin_extended_initial(lab: Lab, vm: VM) -> Generator[Any, Any, VM]:
    """The extended leg's initial copy, from the replica VM's disks."""
    target = extended_of(lab, vm)
    leg = vm.replication.extended
    if target is None or target.replication_state is not \
            ReplicationState.ReadyForInitialReplication:
        raise invalid_state(f"The initial replication of the extended replica of '{vm.name}' "
                            f"cannot start: its replication is {extended_state(lab, vm).name}.",
                            vm.name)
    if not target.host.is_up or transfer_rate(lab, vm, leg) <= 0:
        raise operation_failed(f"The extended replica server '{target.host_name}' does not "
                               "answer.", target.host_name, "ConnectionError")
    size = replicated_size(lab, vm)
    seconds = INITIAL_SETUP_SECONDS + _on_wire(leg, size) / transfer_rate(lab, vm, leg)
    target.replication_state = ReplicationState.InitialReplicationInProgress

    def run() -> Generator[Any, Any, VM]:
        try:
            yield seconds
        except BaseException:
            target.replication_state = ReplicationState.ReadyForInitialReplication
            raise
        if vm.replication is None or vm.replication.extended is not leg:
            return vm                   # removed meanwhile
        _copy_disks(lab, vm, target, leg.replica_folder)
        leg.pending_bytes = 0.0          # the copy holds everything received so far
        leg.recovery_point = leg.last_replication_time = lab.clock.now
        target.replication_state = ReplicationState.Replicating
        _set_extended_health(lab, vm)
        schedule_action(lab, leg.frequency_sec, EXTENDED_CYCLE, str(vm.id))
        lab.record(EventKind.InitialReplicationCompleted, vm.name,
                   f"Initial replication of '{vm.name}' from {vm.host_name} to the extended "
                   f"replica server {target.host_name} completed: {size / MB:.0f} MB in "
                   f"{seconds:.0f} s" + (" (compressed)." if leg.compression_enabled else "."))
        return vm

    return run()


def _copy_disks(lab: Lab, source: VM, target: VM, folder: str) -> None:
    """The receiving VM's disk files, copies of the sender's, in its folder."""
    moved = copy_files(lab, target.host, list(reversed(_replicated_files(lab, source))),
                        folder)
    remap_disks(target, moved)


# ---------------------------------------------------------------------------
# Replica logs: one cycle every ReplicationFrequencySec
# ---------------------------------------------------------------------------

def _count_writes(vm: VM, now: float) -> None:
    """Add the guest's writes since they were last counted (it writes at
    its workload's disk rate while it runs)."""
    settings = vm.replication
    if settings.was_running or vm.is_running:
        # (a stopped VM's count stays at the moment it stopped writing)
        if settings.was_running and now > settings.counted_at:
            settings.pending_bytes += vm.workload.disk_write_mbps * MB * \
                (now - settings.counted_at)
        settings.counted_at = max(settings.counted_at, now)
    settings.was_running = vm.is_running


def settle(lab: Lab, vm: VM) -> None:
    """Bring the primary's figures up to now: count the writes, and take
    the log on the wire as arrived if it has."""
    _count_writes(vm, lab.clock.now)
    arrived = _arrive(vm.replication, lab.clock.now)
    replica = _partner(lab, vm)
    if arrived and replica is not None and replica.replication is not None and \
            replica.replication.extended is not None:
        # What the replica receives is what its extended leg sends on.
        replica.replication.extended.pending_bytes += arrived


def _arrive(settings: ReplicationSettings, now: float) -> float:
    """Take the log on the wire as arrived if it has; returns its size."""
    if settings.in_flight_until is None or settings.in_flight_until > now:
        return 0.0
    size = settings.in_flight_bytes
    settings.recovery_point = settings.in_flight_cut
    settings.last_replication_time = settings.in_flight_until
    settings.successful += 1
    settings.bytes_sent += size
    settings.largest = max(settings.largest, size)
    settings.latency_total += settings.in_flight_until - settings.in_flight_cut
    settings.in_flight_bytes = 0.0
    settings.in_flight_cut = settings.in_flight_until = None
    return size


def settle_extended(lab: Lab, vm: VM) -> None:
    """Bring a replica VM's extended leg up to now: what reached the
    replica, and the extended log on the wire."""
    primary = primary_of(lab, vm)
    if primary is not None and primary.replication is not None:
        settle(lab, primary)
    _arrive(vm.replication.extended, lab.clock.now)


def _new_window(lab: Lab, settings: ReplicationSettings, receiver: Host) -> None:
    interval = receiver.replica_server.monitoring_interval
    if lab.clock.now - settings.window_start >= interval:
        settings.window_start = lab.clock.now
        settings.successful = settings.missed = 0
        settings.bytes_sent = settings.largest = settings.latency_total = 0.0


def _send(lab: Lab, vm: VM, extra_seconds: float = 0.0,
          settings: ReplicationSettings | None = None) -> float:
    """Cut the pending writes into a log and put it on the wire (the
    relationship's, or with `settings` the extended leg's); returns when it
    arrives."""
    settings = settings or vm.replication
    size = settings.pending_bytes
    arrival = lab.clock.now + extra_seconds + LOG_SETUP_SECONDS + \
        _on_wire(settings, size) / transfer_rate(lab, vm, settings)
    settings.in_flight_bytes = size
    settings.in_flight_cut = lab.clock.now
    settings.in_flight_until = arrival
    settings.pending_bytes = 0.0
    return arrival


def _cycle(lab: Lab, target: str) -> None:
    vm = lab.vm_by_id(target)
    if vm is None or vm.replication is None or \
            vm.replication_state is not ReplicationState.Replicating:
        return
    settle(lab, vm)
    settings = vm.replication
    replica = replica_of(lab, vm)
    _new_window(lab, settings, _replica_host(lab, vm))
    reachable = vm.host.is_up and vm.host.network_up and replica is not None and \
        replica.host.is_up and replica.host.network_up and transfer_rate(lab, vm) > 0
    if settings.in_flight_until is not None or not reachable:
        settings.missed += 1
    else:
        _send(lab, vm)
    _set_health(lab, vm)
    schedule_action(lab, settings.frequency_sec, CYCLE, target)


def _health(lab: Lab, vm: VM, settings: ReplicationSettings,
            state: ReplicationState) -> ReplicationHealth:
    """A relationship's health from its sending side's figures."""
    cycles = settings.successful + settings.missed
    size = replicated_size(lab, vm)
    if state is ReplicationState.Suspended:
        return ReplicationHealth.Warning
    if size and settings.pending_bytes + settings.in_flight_bytes >= CRITICAL_LOG_SHARE * size:
        return ReplicationHealth.Critical
    if cycles and settings.missed / cycles > WARNING_MISSED_SHARE:
        return ReplicationHealth.Warning
    return ReplicationHealth.Normal


def _set_health(lab: Lab, vm: VM) -> None:
    health = _health(lab, vm, vm.replication, vm.replication_state)
    for side in (vm, _partner(lab, vm)):
        if side is not None:
            side.replication_health = health


def _set_extended_health(lab: Lab, vm: VM) -> None:
    target = extended_of(lab, vm)
    if target is not None:
        target.replication_health = _health(lab, vm, vm.replication.extended,
                                            target.replication_state)


def _extended_cycle(lab: Lab, target_id: str) -> None:
    """One extended cycle of a replica VM: what it received since the last
    cycle goes on to the extended replica server."""
    vm = lab.vm_by_id(target_id)
    target = extended_of(lab, vm) if vm is not None else None
    if target is None or target.replication is None or \
            target.replication_state is not ReplicationState.Replicating:
        return
    settle_extended(lab, vm)
    leg = vm.replication.extended
    _new_window(lab, leg, target.host)
    reachable = vm.host.is_up and vm.host.network_up and target.host.is_up and \
        target.host.network_up and transfer_rate(lab, vm, leg) > 0
    if leg.in_flight_until is not None or not reachable:
        leg.missed += 1
    else:
        _send(lab, vm, settings=leg)
    _set_extended_health(lab, vm)
    schedule_action(lab, leg.frequency_sec, EXTENDED_CYCLE, target_id)


def _writes_change(lab: Lab, event: Any) -> None:
    """A replicated VM that stops or starts writes from then on at its new
    rate: count its writes up to the change."""
    for host in lab.hosts:
        for vm in host.vms:
            if vm.replication is not None and vm.replication_mode is ReplicationMode.Primary:
                _count_writes(vm, event.time)


# The events after which a primary may write at another rate.
_WRITE_RATE_EVENTS = (EventKind.HostDown, EventKind.VMStarted, EventKind.VMStopped,
                      EventKind.VMSaved, EventKind.VMPaused, EventKind.VMResumed,
                      EventKind.VMPausedCritical, EventKind.HostUp)


def after_load(lab: Lab) -> None:
    """An initial replication or planned-failover preparation cannot
    survive a reload: the first is pending again, the second is abandoned
    and replication goes on."""
    for vm in list(lab.all_vms()):
        if vm.replication is None:
            continue
        if vm.replication_mode is ReplicationMode.Primary:
            if vm.replication_state is ReplicationState.InitialReplicationInProgress:
                _set_state(lab, vm, ReplicationState.ReadyForInitialReplication)
            elif vm.replication_state is ReplicationState.Replicating:
                _rearm(lab, CYCLE, vm, vm.replication.frequency_sec)
        target = extended_of(lab, vm)
        if target is not None:
            if target.replication_state is ReplicationState.InitialReplicationInProgress:
                target.replication_state = ReplicationState.ReadyForInitialReplication
            elif target.replication_state is ReplicationState.Replicating:
                _rearm(lab, EXTENDED_CYCLE, vm, vm.replication.extended.frequency_sec)


def _rearm(lab: Lab, action: str, vm: VM, frequency: int) -> None:
    if not any(r.action == action and r.target == str(vm.id) for r in lab.scheduled):
        schedule_action(lab, frequency, action, str(vm.id))


DOMAIN = Domain("replica",
                reactions={kind: _writes_change for kind in _WRITE_RATE_EVENTS},
                actions={CYCLE: _cycle, EXTENDED_CYCLE: _extended_cycle},
                after_load=after_load)


# ---------------------------------------------------------------------------
# Measure-VMReplication
# ---------------------------------------------------------------------------

class _Leg:
    """One relationship as seen from one of its VMs: the simple one, or
    the extended one (from the replica VM or the extended replica)."""

    def __init__(self, lab: Lab, vm: VM, relationship: ReplicationRelationshipType):
        if vm.replication_mode is ReplicationMode.ExtendedReplica:
            relationship = ReplicationRelationshipType.Extended
        self.relationship = relationship
        if relationship is ReplicationRelationshipType.Simple:
            self.sender = primary_of(lab, vm)
            if self.sender is not None and self.sender.replication is None:
                self.sender = None              # the primary side removed it
            self.own_settings = vm.replication
            self.settings = self.sender.replication if self.sender is not None \
                else vm.replication
            self.state, self.health = vm.replication_state, vm.replication_health
        elif vm.replication_mode is ReplicationMode.Replica:
            self.sender = vm
            self.own_settings = self.settings = vm.replication.extended
            target = extended_of(lab, vm)
            self.state = extended_state(lab, vm)
            self.health = target.replication_health if self.state is not \
                ReplicationState.Error else ReplicationHealth.Critical
        else:
            sender = _partner(lab, vm)
            self.sender = sender if sender is not None and sender.replication is not None \
                and sender.replication.extended is not None and \
                sender.replication.extended.partner_id == str(vm.id) else None
            self.own_settings = vm.replication
            self.settings = self.sender.replication.extended if self.sender is not None \
                else vm.replication
            self.state, self.health = vm.replication_state, vm.replication_health


@ps_type
class VMReplicationHealth:
    """Measure-VMReplication's object: the primary's statistics over the
    monitoring window, seen from either side."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMReplicationHealth"

    def __init__(self, lab: Lab, vm: VM,
                 relationship: ReplicationRelationshipType = ReplicationRelationshipType.Simple):
        self.vm = vm
        self.lab = lab
        self.leg = _Leg(lab, vm, relationship)
        sender = self.leg.sender
        if sender is not None and self.leg.relationship is ReplicationRelationshipType.Extended:
            settle_extended(lab, sender)
        elif sender is not None:
            settle(lab, sender)
        self.settings = self.leg.settings

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name

    @property
    def State(self) -> ReplicationState:
        return self.leg.state

    @property
    def Health(self) -> ReplicationHealth:
        return self.leg.health

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
        return self.leg.relationship

    def ToString(self) -> str:
        return self.vm.name


@ps_type
class VMReplication:
    """Get-VMReplication's object: one side's settings."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMReplication"

    def __init__(self, lab: Lab, vm: VM,
                 relationship: ReplicationRelationshipType = ReplicationRelationshipType.Simple):
        self.vm = vm
        self.leg = _Leg(lab, vm, relationship)
        self.settings = self.leg.own_settings

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
        return self.leg.state

    @property
    def Health(self) -> ReplicationHealth:
        return self.leg.health

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
        return self.leg.relationship

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


# ---------------------------------------------------------------------------
# Suspend-, Resume-VMReplication
# ---------------------------------------------------------------------------

def _extended_leg(lab: Lab, vm: VM, verb: str) -> VM:
    """The extended replica of a replica VM whose extended relationship a
    cmdlet names (raises LabError when there is none)."""
    target = extended_of(lab, vm) if vm.replication_mode is ReplicationMode.Replica else None
    if target is None or target.replication is None:
        raise invalid_state(f"The extended replication of '{vm.name}' cannot be {verb}: "
                            f"'{vm.name}' on {vm.host_name} is not a replica virtual machine "
                            "with an extended relationship.", vm.name)
    return target


def suspend(lab: Lab, vm: VM,
            relationship: ReplicationRelationshipType = ReplicationRelationshipType.Simple
            ) -> None:
    if relationship is ReplicationRelationshipType.Extended:
        target = _extended_leg(lab, vm, "suspended")
        if target.replication_state is not ReplicationState.Replicating:
            raise invalid_state(f"The extended replication of '{vm.name}' cannot be "
                                f"suspended: it is {target.replication_state.name}.", vm.name)
        settle_extended(lab, vm)
        cancel_actions(lab, EXTENDED_CYCLE, str(vm.id))
        target.replication_state = ReplicationState.Suspended
        _set_extended_health(lab, vm)
        return
    primary = primary_of(lab, vm)
    if primary is None or primary.replication_state is not ReplicationState.Replicating:
        raise invalid_state(f"Replication of '{vm.name}' cannot be suspended: it is "
                            f"{vm.replication_state.name}.", vm.name)
    settle(lab, primary)
    cancel_actions(lab, CYCLE, str(primary.id))
    _set_state(lab, primary, ReplicationState.Suspended)
    _set_health(lab, primary)


def resume(lab: Lab, vm: VM,
           relationship: ReplicationRelationshipType = ReplicationRelationshipType.Simple
           ) -> None:
    """Writes kept being tracked while suspended; they go with the next
    cycle."""
    if relationship is ReplicationRelationshipType.Extended:
        target = _extended_leg(lab, vm, "resumed")
        if target.replication_state is not ReplicationState.Suspended:
            raise invalid_state(f"The extended replication of '{vm.name}' cannot be resumed: "
                                f"it is {target.replication_state.name}, not Suspended.",
                                vm.name)
        target.replication_state = ReplicationState.Replicating
        _set_extended_health(lab, vm)
        schedule_action(lab, vm.replication.extended.frequency_sec, EXTENDED_CYCLE, str(vm.id))
        return
    primary = primary_of(lab, vm)
    if primary is None or primary.replication_state is not ReplicationState.Suspended:
        raise invalid_state(f"Replication of '{vm.name}' cannot be resumed: it is "
                            f"{vm.replication_state.name}, not Suspended.", vm.name)
    _set_state(lab, primary, ReplicationState.Replicating)
    _set_health(lab, primary)
    schedule_action(lab, primary.replication.frequency_sec, CYCLE, str(primary.id))


# ---------------------------------------------------------------------------
# Failover
# ---------------------------------------------------------------------------

def begin_prepare(lab: Lab, vm: VM) -> Generator[Any, Any, VM]:
    """Planned failover, primary side: the VM is off; its last writes are
    sent, and it waits for the failover on the replica."""
    if vm.replication_mode is not ReplicationMode.Primary or \
            vm.replication_state is not ReplicationState.Replicating:
        raise invalid_state(f"'{vm.name}' cannot prepare for a planned failover: it is not a "
                            f"replicating primary (state {vm.replication_state.name}).", vm.name)
    if vm.state is not VMState.Off:
        raise invalid_state(f"A planned failover needs '{vm.name}' turned off; it is "
                            f"{vm.state.name}. Shut it down (Stop-VM) first.", vm.name)
    if not _replica_host(lab, vm).is_up:
        raise operation_failed(f"The replica server of '{vm.name}' does not answer.", vm.name,
                               "ConnectionError")
    _require_network(lab, vm)
    settle(lab, vm)
    settings = vm.replication
    # The log on the wire, if any, arrives first; then the last one.
    waiting = max(0.0, (settings.in_flight_until or lab.clock.now) - lab.clock.now)
    settings.pending_bytes += settings.in_flight_bytes
    settings.in_flight_bytes = 0.0
    settings.in_flight_cut = settings.in_flight_until = None
    arrival = _send(lab, vm, waiting + PREPARE_SETUP_SECONDS)

    def run() -> Generator[Any, Any, VM]:
        cancel_actions(lab, CYCLE, str(vm.id))
        try:
            yield arrival - lab.clock.now
        except BaseException:
            schedule_action(lab, settings.frequency_sec, CYCLE, str(vm.id))
            raise
        if vm.replication is not settings:
            return vm                   # removed meanwhile
        settle(lab, vm)
        _set_state(lab, vm, ReplicationState.PreparedForFailover)
        lab.record(EventKind.FailoverPrepared, vm.name,
                   f"'{vm.name}' on {vm.host_name} is prepared for a planned failover: every "
                   "write has reached the replica.")
        return vm

    return run()


def begin_failover(lab: Lab, vm: VM) -> Generator[Any, Any, VM]:
    """Failover on the replica: the replica VM takes the latest recovery
    point (everything, after a planned failover)."""
    if vm.replication_mode is not ReplicationMode.Replica:
        raise invalid_state(f"'{vm.name}' on {vm.host_name} is not a replica virtual machine. "
                            "Run Start-VMFailover on the replica server, or use -Prepare on "
                            "the primary.", vm.name)
    primary = primary_of(lab, vm)
    if vm.replication_state not in (ReplicationState.Replicating,
                                    ReplicationState.PreparedForFailover,
                                    ReplicationState.Suspended) or primary is None:
        raise invalid_state(f"'{vm.name}' cannot fail over: its replication is "
                            f"{vm.replication_state.name}.", vm.name)
    if vm.state is not VMState.Off:
        raise invalid_state(f"The replica '{vm.name}' is {vm.state.name}; it must be off to "
                            "fail over.", vm.name)
    planned = primary.replication_state is ReplicationState.PreparedForFailover
    settle(lab, primary)
    settings = primary.replication
    lost = settings.pending_bytes + settings.in_flight_bytes
    point = settings.recovery_point
    # The writes lost span from the recovery point to the primary's last
    # write (now, if it still runs).
    rpo = max(0.0, settings.counted_at - point) if point is not None else 0.0

    def run() -> Generator[Any, Any, VM]:
        yield FAILOVER_SECONDS
        cancel_actions(lab, CYCLE, str(primary.id))
        if vm.replication is None:
            return vm                   # removed meanwhile
        vm.replication_state = ReplicationState.FailedOverWaitingCompletion
        when = lab.time_at(point).strftime("%H:%M:%S") if point is not None else "none"
        lab.record(EventKind.ReplicaFailover, vm.name,
                   f"'{vm.name}' failed over on {vm.host_name} to the recovery point of {when}"
                   + (" (planned: no data lost)." if planned else
                      f": {lost / MB:.1f} MB of writes since then are lost "
                      f"(RPO {rpo:.0f} s)."))
        return vm

    return run()


def complete_failover(lab: Lab, vm: VM) -> None:
    if vm.replication_mode is not ReplicationMode.Replica or \
            vm.replication_state is not ReplicationState.FailedOverWaitingCompletion:
        raise invalid_state(f"'{vm.name}' has no failover waiting to be completed (its "
                            f"replication is {vm.replication_state.name}).", vm.name)
    vm.replication_state = ReplicationState.FailedOver
    lab.record(EventKind.FailoverCompleted, vm.name, f"Failover of '{vm.name}' on {vm.host_name} "
               "completed; the other recovery points are deleted.")


def stop_failover(lab: Lab, vm: VM) -> None:
    """Cancel: a prepared primary, or a failed-over replica not yet
    completed, returns to replicating."""
    primary = primary_of(lab, vm)
    if vm.replication_mode is ReplicationMode.Replica:
        if vm.replication_state is not ReplicationState.FailedOverWaitingCompletion:
            raise invalid_state(f"'{vm.name}' has no failover to cancel (its replication is "
                                f"{vm.replication_state.name}).", vm.name)
        if vm.is_running:
            raise invalid_state(f"Turn off the replica '{vm.name}' (Stop-VM -TurnOff) before "
                                "cancelling its failover.", vm.name)
    elif vm.replication_state not in (ReplicationState.PreparedForFailover,
                                      ReplicationState.FailedOverWaitingCompletion):
        raise invalid_state(f"'{vm.name}' has no prepared failover to cancel (its replication "
                            f"is {vm.replication_state.name}).", vm.name)
    _set_state(lab, primary, ReplicationState.Replicating)
    cancel_actions(lab, CYCLE, str(primary.id))
    schedule_action(lab, primary.replication.frequency_sec, CYCLE, str(primary.id))
    _set_health(lab, primary)


# ---------------------------------------------------------------------------
# Set-VMReplication
# ---------------------------------------------------------------------------

def _check_frequency(host: Host, frequency: int) -> None:
    if frequency not in FREQUENCIES[host.version]:
        raise invalid_argument(
            f"A replication frequency of {frequency} seconds is not supported on "
            f"'{host.name}', which runs {product_name(host.version)}: "
            + ("it replicates every 300 seconds only (30 and 900 seconds need Windows "
               "Server 2012 R2)." if host.version is V2012 else "use 30, 300 or 900 seconds."),
            frequency)


def _check_history(host: Host, history: int, hours: int) -> None:
    limit = MAX_RECOVERY_HISTORY[host.version]
    if not 0 <= history <= limit:
        raise invalid_argument(f"-RecoveryHistory must be between 0 and {limit} on "
                               f"{product_name(host.version)}.", history)
    if not 0 <= hours <= 12:
        raise invalid_argument("-VSSSnapshotFrequencyHour must be between 1 and 12.", hours)
    if hours and not history:
        raise invalid_argument("-VSSSnapshotFrequencyHour needs additional recovery points "
                               "(-RecoveryHistory 1 or more).", hours)


def configure(lab: Lab, vm: VM, frequency: int | None = None, compression: bool | None = None,
              recovery_history: int | None = None, vss_hours: int | None = None) -> None:
    """Change a relationship's settings (on its primary); a new frequency
    takes effect from the next cycle."""
    if vm.replication_mode is ReplicationMode.ExtendedReplica:
        raise not_supported(f"'{vm.name}' on {vm.host_name} is an extended replica; the "
                            "extended relationship keeps the settings it was enabled with. To "
                            "change them, remove it (Remove-VMReplication "
                            "-ReplicationRelationshipType Extended on the replica server) and "
                            "enable it again.", vm.name)
    primary = primary_of(lab, vm)
    if primary is None:
        raise invalid_state(f"Replication is not enabled for virtual machine '{vm.name}'.",
                            vm.name)
    settings = primary.replication
    host = primary.host
    if frequency is not None:
        _check_frequency(host, frequency)
    history = settings.recovery_history if recovery_history is None else recovery_history
    hours = settings.vss_frequency_hour if vss_hours is None else vss_hours
    _check_history(host, history, hours)
    for side in (primary, _partner(lab, primary)):
        if side is None or side.replication is None:
            continue
        if frequency is not None:
            side.replication.frequency_sec = frequency
        if compression is not None:
            side.replication.compression_enabled = compression
        side.replication.recovery_history = history
        side.replication.vss_frequency_hour = hours
    if frequency is not None and primary.replication_state is ReplicationState.Replicating:
        cancel_actions(lab, CYCLE, str(primary.id))
        schedule_action(lab, frequency, CYCLE, str(primary.id))


def reverse(lab: Lab, vm: VM) -> None:
    """After a planned failover, on the replica server: the failed-over VM
    becomes the primary and replicates back to the old primary, which holds
    the same data (no initial replication needed)."""
    old = primary_of(lab, vm)
    if vm.replication_mode is not ReplicationMode.Replica or \
            vm.replication_state is not ReplicationState.FailedOverWaitingCompletion or \
            old is None:
        raise invalid_state(f"Replication of '{vm.name}' can be reversed only on the replica "
                            f"server after Start-VMFailover (its replication is "
                            f"{vm.replication_state.name}).", vm.name)
    if old.replication_state is not ReplicationState.PreparedForFailover:
        raise invalid_state(f"'{old.name}' on {old.host_name} was not prepared for a planned "
                            "failover, so it does not hold the replica's data: reversing needs "
                            "a resynchronization, which this lab does not model. Remove the "
                            "relationship and enable replication anew.", vm.name)
    old_settings = old.replication
    _accepts(lab, vm.host, old.host, old_settings.replica_port,
             old_settings.authentication_type)
    now = lab.clock.now
    vm.replication = ReplicationSettings(
        primary_server=vm.host.fqdn, replica_server=old.host.fqdn,
        replica_port=old_settings.replica_port,
        authentication_type=old_settings.authentication_type,
        frequency_sec=old_settings.frequency_sec,
        recovery_history=old_settings.recovery_history,
        vss_frequency_hour=old_settings.vss_frequency_hour,
        compression_enabled=old_settings.compression_enabled, partner_id=str(old.id),
        replica_folder=old.path, counted_at=now, was_running=vm.is_running, window_start=now,
        recovery_point=now, last_replication_time=now)
    old.replication = attrs.evolve(vm.replication, partner_id=str(vm.id))
    vm.replication_mode, old.replication_mode = ReplicationMode.Primary, ReplicationMode.Replica
    _set_state(lab, vm, ReplicationState.Replicating)
    _set_health(lab, vm)
    schedule_action(lab, vm.replication.frequency_sec, CYCLE, str(vm.id))
    lab.record(EventKind.ReplicationReversed, vm.name,
               f"Replication of '{vm.name}' reversed: {vm.host_name} is now the primary "
               f"server, replicating to {old.host_name}.")


# ---------------------------------------------------------------------------
# Remove-VMReplication
# ---------------------------------------------------------------------------

def _disable(vm: VM) -> None:
    vm.replication = None
    vm.replication_mode = ReplicationMode["None"]
    vm.replication_state = ReplicationState.Disabled
    vm.replication_health = ReplicationHealth.NotApplicable


def _orphan(vm: VM | None) -> None:
    """The other side of a relationship removed on one side: it receives
    or sends nothing more, until it is removed there too."""
    if vm is not None and vm.replication is not None:
        vm.replication_state = ReplicationState.Error
        vm.replication_health = ReplicationHealth.Critical


def remove(lab: Lab, vm: VM,
           relationship: ReplicationRelationshipType = ReplicationRelationshipType.Simple
           ) -> None:
    """End a relationship on the VM's side (its ReplicationState becomes
    Disabled); the VMs stay, and the other side is left in Error."""
    if vm.replication is None:
        raise invalid_state(f"Replication is not enabled for virtual machine '{vm.name}'.",
                            vm.name)
    extended = relationship is ReplicationRelationshipType.Extended
    mode = vm.replication_mode
    if extended and mode is ReplicationMode.Primary:
        raise invalid_argument(f"'{vm.name}' on {vm.host_name} is a primary virtual machine; "
                               "its relationship is Simple. Remove the extended relationship "
                               "on the replica server.", vm.name)
    if extended and mode is ReplicationMode.Replica and vm.replication.extended is None:
        raise invalid_state(f"The replica '{vm.name}' on {vm.host_name} has no extended "
                            "replication.", vm.name)
    busy = (extended_of(lab, vm) if extended and mode is ReplicationMode.Replica else None) or vm
    if busy.replication_state is ReplicationState.InitialReplicationInProgress:
        raise invalid_state(f"The initial replication of '{vm.name}' is in progress. Wait for "
                            "it to finish, then remove the relationship.", vm.name)
    if mode is ReplicationMode.Replica and not extended and vm.replication.extended is not None:
        raise invalid_state(
            f"The replica '{vm.name}' on {vm.host_name} replicates on to "
            f"{vm.replication.extended.replica_server}. Remove that extended relationship "
            "first (Remove-VMReplication -ReplicationRelationshipType Extended).", vm.name)
    if mode is ReplicationMode.Replica and extended:
        target = extended_of(lab, vm)
        cancel_actions(lab, EXTENDED_CYCLE, str(vm.id))
        vm.replication.extended = None
        _orphan(target)
        lab.record(EventKind.ReplicationRemoved, vm.name,
                   f"Extended replication of '{vm.name}' on {vm.host_name} removed.")
        return
    partner = _partner(lab, vm)
    if mode is ReplicationMode.ExtendedReplica:
        if partner is not None and partner.replication is not None and \
                partner.replication.extended is not None:
            cancel_actions(lab, EXTENDED_CYCLE, str(partner.id))
    else:
        primary = primary_of(lab, vm)
        if primary is not None:
            cancel_actions(lab, CYCLE, str(primary.id))
    _disable(vm)
    if mode is not ReplicationMode.ExtendedReplica:
        _orphan(partner)
    lab.record(EventKind.ReplicationRemoved, vm.name,
               f"Replication of '{vm.name}' on {vm.host_name} removed"
               + (f"; remove it on {partner.host_name} too." if partner is not None and
                  partner.replication is not None else "."))
