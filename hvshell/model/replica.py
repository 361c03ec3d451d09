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
RPO in the event).  Not modelled: extended replication, certificate
authentication, additional recovery points as snapshots, resynchronization.
"""
from __future__ import annotations

import datetime as dt
import ntpath
from typing import Any, Generator

import attrs

from hvshell.model.disks import chain
from hvshell.model.errors import (invalid_argument, invalid_state, not_supported,
                                  operation_failed)
from hvshell.model.events import add_event_hook
from hvshell.model.host import Host
from hvshell.model.replication import (RecoveryAuthenticationType, ReplicationAuthenticationType,
                                       ReplicationRelationshipType, ReplicationSettings)
from hvshell.model.schedule import cancel_actions, register_action, schedule_action
from hvshell.model.versions import V2012, V2012R2, product_name, require_feature
from hvshell.model.vm import ReplicationHealth, ReplicationMode, ReplicationState, VM, VMState

MB = 2**20
CYCLE = "ReplicaCycle"

# Replication frequencies (hyperv-cmdlets.md sections 8 and C): 30 s, 5 or
# 15 min on 2012 R2; a fixed 5 minutes on 2012.
FREQUENCIES = {V2012: (300,), V2012R2: (30, 300, 900)}
DEFAULT_FREQUENCY = 300
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


def _partner(lab: Any, vm: VM) -> VM | None:
    settings = vm.replication
    if settings is None:
        return None
    return lab.vm_by_id(settings.partner_id)


def primary_of(lab: Any, vm: VM) -> VM | None:
    """The primary side of the VM's relationship (itself when primary)."""
    if vm.replication is None:
        return None
    return vm if vm.replication_mode is ReplicationMode.Primary else _partner(lab, vm)


def replica_of(lab: Any, vm: VM) -> VM | None:
    if vm.replication is None:
        return None
    return vm if vm.replication_mode is ReplicationMode.Replica else _partner(lab, vm)


def _set_state(lab: Any, vm: VM, state: ReplicationState) -> None:
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


def _disk_rate(lab: Any, host_name: str, path: str) -> float:
    location = lab.storage_for_path(host_name, path)
    return (location.throughput_mbps if location is not None else DEFAULT_DISK_MBPS) * MB


def transfer_rate(lab: Any, primary: VM) -> float:
    """Bytes per second from the primary's disks to the replica's: the
    slower host's fastest NIC (less TCP overhead) and the two storages."""
    settings = primary.replication
    replica_host = lab.find_host(settings.replica_server)
    network = min(_link_bytes(primary.host), _link_bytes(replica_host)) * TCP_EFFICIENCY
    source = min((_disk_rate(lab, primary.host_name, d.path) for d in primary.hard_drives
                  if d.path), default=DEFAULT_DISK_MBPS * MB)
    target = _disk_rate(lab, replica_host.name, settings.replica_folder)
    return min(network, source, target)


def _require_network(lab: Any, vm: VM) -> None:
    if transfer_rate(lab, vm) <= 0:
        raise operation_failed(f"'{vm.name}' cannot replicate: {vm.host_name} or its replica "
                               "server has no network adapter up.", vm.name, "ConnectionError")


def _on_wire(settings: ReplicationSettings, size: float) -> float:
    return size / COMPRESSION_RATIO if settings.compression_enabled else size


def _replicated_files(lab: Any, vm: VM) -> list[Any]:
    files: list[Any] = []
    for drive in vm.hard_drives:
        if drive.path:
            files.extend(v for v in chain(lab, vm.host_name, drive.path) if v not in files)
    return files


def replicated_size(lab: Any, vm: VM) -> int:
    """Bytes the VM's disks hold (what the initial replication copies)."""
    return sum(vhd.allocated_bytes for vhd in _replicated_files(lab, vm))


def initial_replication_seconds(lab: Any, vm: VM) -> float:
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

def _accepts(lab: Any, primary_host: Host, replica_host: Host, port: int,
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


def check_enable(lab: Any, vm: VM, replica_name: str, port: int,
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


def enable(lab: Any, vm: VM, replica_name: str, port: int,
           authentication: ReplicationAuthenticationType, frequency: int | None = None,
           recovery_history: int = 0, vss_hours: int = 0, compression: bool = True) -> VM:
    """Start a relationship: the replica VM is created, off, on the replica
    server; the primary is ReadyForInitialReplication."""
    from hvshell.model.persist import detached_copy    # persist imports this module
    replica_host = check_enable(lab, vm, replica_name, port, authentication, frequency,
                                recovery_history, vss_hours)
    folder = replica_host.replica_server.default_storage_location or \
        replica_host.virtual_machine_path
    replica = detached_copy(vm)
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
    lab.record("ReplicationEnabled", vm.name,
               f"Replication of '{vm.name}' from {vm.host_name} to {replica_host.name} enabled "
               f"(every {settings.frequency_sec} s); the initial replication is pending.")
    return replica


# ---------------------------------------------------------------------------
# Start-VMInitialReplication
# ---------------------------------------------------------------------------

def _replica_host(lab: Any, vm: VM) -> Host:
    return lab.find_host(replica_of(lab, vm).host_name)


def begin_initial_replication(lab: Any, vm: VM) -> Generator[Any, Any, VM]:
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
        _copy_disks(lab, vm)
        settings = vm.replication
        _count_writes(vm, lab.clock.now)
        settings.pending_bytes = 0.0      # the copy holds everything written so far
        settings.recovery_point = settings.last_replication_time = lab.clock.now
        _set_state(lab, vm, ReplicationState.Replicating)
        _set_health(lab, vm)
        schedule_action(lab, settings.frequency_sec, CYCLE, str(vm.id))
        lab.record("InitialReplicationCompleted", vm.name,
                   f"Initial replication of '{vm.name}' to {replica_host.name} completed: "
                   f"{size / MB:.0f} MB in {seconds:.0f} s"
                   + (" (compressed)." if settings.compression_enabled else "."))
        return vm

    return run()


def _copy_disks(lab: Any, vm: VM) -> None:
    """The replica's disk files, in its folder on the replica server."""
    from hvshell.model.exports import _copy_files, _remap
    replica = replica_of(lab, vm)
    moved = _copy_files(lab, replica.host, list(reversed(_replicated_files(lab, vm))),
                        vm.replication.replica_folder)
    _remap(replica, moved)


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


def settle(lab: Any, vm: VM) -> None:
    """Bring the primary's figures up to now: count the writes, and take
    the log on the wire as arrived if it has."""
    settings = vm.replication
    now = lab.clock.now
    _count_writes(vm, now)
    if settings.in_flight_until is not None and settings.in_flight_until <= now:
        latency = settings.in_flight_until - settings.in_flight_cut
        settings.recovery_point = settings.in_flight_cut
        settings.last_replication_time = settings.in_flight_until
        settings.successful += 1
        settings.bytes_sent += settings.in_flight_bytes
        settings.largest = max(settings.largest, settings.in_flight_bytes)
        settings.latency_total += latency
        settings.in_flight_bytes = 0.0
        settings.in_flight_cut = settings.in_flight_until = None


def _new_window(lab: Any, vm: VM) -> None:
    settings = vm.replication
    interval = _replica_host(lab, vm).replica_server.monitoring_interval
    if lab.clock.now - settings.window_start >= interval:
        settings.window_start = lab.clock.now
        settings.successful = settings.missed = 0
        settings.bytes_sent = settings.largest = settings.latency_total = 0.0


def _send(lab: Any, vm: VM, extra_seconds: float = 0.0) -> float:
    """Cut the pending writes into a log and put it on the wire; returns
    when it arrives."""
    settings = vm.replication
    size = settings.pending_bytes
    arrival = lab.clock.now + extra_seconds + LOG_SETUP_SECONDS + \
        _on_wire(settings, size) / transfer_rate(lab, vm)
    settings.in_flight_bytes = size
    settings.in_flight_cut = lab.clock.now
    settings.in_flight_until = arrival
    settings.pending_bytes = 0.0
    return arrival


def _cycle(lab: Any, target: str) -> None:
    vm = lab.vm_by_id(target)
    if vm is None or vm.replication is None or \
            vm.replication_state is not ReplicationState.Replicating:
        return
    settle(lab, vm)
    _new_window(lab, vm)
    settings = vm.replication
    replica = replica_of(lab, vm)
    reachable = vm.host.is_up and vm.host.network_up and replica is not None and \
        replica.host.is_up and replica.host.network_up and transfer_rate(lab, vm) > 0
    if settings.in_flight_until is not None or not reachable:
        settings.missed += 1
    else:
        _send(lab, vm)
    _set_health(lab, vm)
    schedule_action(lab, settings.frequency_sec, CYCLE, target)


def _set_health(lab: Any, vm: VM) -> None:
    settings = vm.replication
    cycles = settings.successful + settings.missed
    size = replicated_size(lab, vm)
    if vm.replication_state is ReplicationState.Suspended:
        health = ReplicationHealth.Warning
    elif size and settings.pending_bytes + settings.in_flight_bytes >= CRITICAL_LOG_SHARE * size:
        health = ReplicationHealth.Critical
    elif cycles and settings.missed / cycles > WARNING_MISSED_SHARE:
        health = ReplicationHealth.Warning
    else:
        health = ReplicationHealth.Normal
    for side in (vm, _partner(lab, vm)):
        if side is not None:
            side.replication_health = health


def _on_event(lab: Any, event: Any) -> None:
    """A replicated VM that stops or starts writes from then on at its new
    rate: count its writes up to the change."""
    if event.kind not in ("HostDown", "VMStarted", "VMStopped", "VMSaved", "VMPaused",
                          "VMResumed", "VMPausedCritical", "HostUp"):
        return
    for host in lab.hosts:
        for vm in host.vms:
            if vm.replication is not None and vm.replication_mode is ReplicationMode.Primary:
                _count_writes(vm, event.time)


register_action(CYCLE, _cycle)
add_event_hook(_on_event)


def after_load(lab: Any) -> None:
    """An initial replication or planned-failover preparation cannot
    survive a reload: the first is pending again, the second is abandoned
    and replication goes on."""
    for vm in list(lab.all_vms()):
        if vm.replication is None or vm.replication_mode is not ReplicationMode.Primary:
            continue
        if vm.replication_state is ReplicationState.InitialReplicationInProgress:
            _set_state(lab, vm, ReplicationState.ReadyForInitialReplication)
        elif vm.replication_state is ReplicationState.Replicating and not any(
                r.action == CYCLE and r.target == str(vm.id) for r in lab.scheduled):
            schedule_action(lab, vm.replication.frequency_sec, CYCLE, str(vm.id))


# ---------------------------------------------------------------------------
# Measure-VMReplication
# ---------------------------------------------------------------------------

class VMReplicationHealth:
    """Measure-VMReplication's object: the primary's statistics over the
    monitoring window, seen from either side."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMReplicationHealth"

    def __init__(self, lab: Any, vm: VM):
        self.vm = vm
        self.lab = lab
        self.primary = primary_of(lab, vm)
        if self.primary is not None:
            settle(lab, self.primary)
        self.settings = self.primary.replication if self.primary is not None else vm.replication

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name

    @property
    def State(self) -> ReplicationState:
        return self.vm.replication_state

    @property
    def Health(self) -> ReplicationHealth:
        return self.vm.replication_health

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
        return ReplicationRelationshipType.Simple

    def ToString(self) -> str:
        return self.vm.name


class VMReplication:
    """Get-VMReplication's object: one side's settings."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMReplication"

    def __init__(self, lab: Any, vm: VM):
        self.vm = vm
        self.settings = vm.replication

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
        return self.vm.replication_state

    @property
    def Health(self) -> ReplicationHealth:
        return self.vm.replication_health

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
        return ReplicationRelationshipType.Simple

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

def suspend(lab: Any, vm: VM) -> None:
    primary = primary_of(lab, vm)
    if primary is None or primary.replication_state is not ReplicationState.Replicating:
        raise invalid_state(f"Replication of '{vm.name}' cannot be suspended: it is "
                            f"{vm.replication_state.name}.", vm.name)
    settle(lab, primary)
    cancel_actions(lab, CYCLE, str(primary.id))
    _set_state(lab, primary, ReplicationState.Suspended)
    _set_health(lab, primary)


def resume(lab: Any, vm: VM) -> None:
    """Writes kept being tracked while suspended; they go with the next
    cycle."""
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

def begin_prepare(lab: Any, vm: VM) -> Generator[Any, Any, VM]:
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
        settle(lab, vm)
        _set_state(lab, vm, ReplicationState.PreparedForFailover)
        lab.record("FailoverPrepared", vm.name,
                   f"'{vm.name}' on {vm.host_name} is prepared for a planned failover: every "
                   "write has reached the replica.")
        return vm

    return run()


def begin_failover(lab: Any, vm: VM) -> Generator[Any, Any, VM]:
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
        vm.replication_state = ReplicationState.FailedOverWaitingCompletion
        when = lab.time_at(point).strftime("%H:%M:%S") if point is not None else "none"
        lab.record("ReplicaFailover", vm.name,
                   f"'{vm.name}' failed over on {vm.host_name} to the recovery point of {when}"
                   + (" (planned: no data lost)." if planned else
                      f": {lost / MB:.1f} MB of writes since then are lost "
                      f"(RPO {rpo:.0f} s)."))
        return vm

    return run()


def complete_failover(lab: Any, vm: VM) -> None:
    if vm.replication_mode is not ReplicationMode.Replica or \
            vm.replication_state is not ReplicationState.FailedOverWaitingCompletion:
        raise invalid_state(f"'{vm.name}' has no failover waiting to be completed (its "
                            f"replication is {vm.replication_state.name}).", vm.name)
    vm.replication_state = ReplicationState.FailedOver
    lab.record("FailoverCompleted", vm.name, f"Failover of '{vm.name}' on {vm.host_name} "
               "completed; the other recovery points are deleted.")


def stop_failover(lab: Any, vm: VM) -> None:
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


def configure(lab: Any, vm: VM, frequency: int | None = None, compression: bool | None = None,
              recovery_history: int | None = None, vss_hours: int | None = None) -> None:
    """Change a relationship's settings (on its primary); a new frequency
    takes effect from the next cycle."""
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
        if side is None:
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


def reverse(lab: Any, vm: VM) -> None:
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
    lab.record("ReplicationReversed", vm.name,
               f"Replication of '{vm.name}' reversed: {vm.host_name} is now the primary "
               f"server, replicating to {old.host_name}.")
