"""Starting, changing and ending a Hyper-V Replica relationship: a host
accepting replicas (Set-VMReplicationServer), Enable-VMReplication (the
simple relationship from a primary, or run on a replica VM its extended one
to a third server), the initial replication, Set-VMReplication and
Remove-VMReplication.

Enabling creates the receiving VM (off; ReplicationMode Replica, or
ExtendedReplica) on the receiving server.  The initial replication copies
the data the sender's disks hold over the network; from then on the leg's
cycles run (hvshell.model.replica.cycles).  Remove-VMReplication ends a
relationship on one side; the other side, left alone, is in Error.
"""
from __future__ import annotations

import ntpath
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import attrs

from hvshell.model.compute.host import Host
from hvshell.model.compute.versions import V2012, V2012R2, product_name, require_feature
from hvshell.model.compute.vm import (ReplicationHealth, ReplicationMode, ReplicationState, VM,
                                      VMState)
from hvshell.model.kernel.codec import detached_copy
from hvshell.model.kernel.errors import (invalid_argument, invalid_state, not_supported,
                                         operation_failed)
from hvshell.model.kernel.events import EventKind
from hvshell.model.replica.legs import (INITIAL_SETUP_SECONDS, MB, Leg, extended_of,
                                        extended_state, on_wire, partner, primary_of,
                                        replica_of, replicated_files, replicated_size,
                                        require_network, count_writes)
from hvshell.model.replica.settings import (RecoveryAuthenticationType,
                                            ReplicationAuthenticationType,
                                            ReplicationRelationshipType, ReplicationSettings)
from hvshell.model.storage.export_import import copy_files, remap_disks

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

# Replication frequencies (docs/model.md, Hyper-V Replica): 30 s, 5 or
# 15 min on 2012 R2; a fixed 5 minutes on 2012.
FREQUENCIES = {V2012: (300,), V2012R2: (30, 300, 900)}
DEFAULT_FREQUENCY = 300
# Extended replication: every 5 or 15 minutes only (docs/model.md,
# Hyper-V Replica).
EXTENDED_FREQUENCIES = (300, 900)
# Recovery points kept besides the latest: 15 on 2012, 24 on 2012 R2
# (section D).
MAX_RECOVERY_HISTORY = {V2012: 15, V2012R2: 24}


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

def accepts(lab: Lab, primary_host: Host, replica_host: Host, port: int,
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
    _check_receiving(lab, vm, replica_host, port, authentication)
    return replica_host


def _check_receiving(lab: Lab, vm: VM, host: Host, port: int,
                     authentication: ReplicationAuthenticationType) -> None:
    """`host` accepts replication from the VM's host and has room for the
    receiving VM of that name."""
    accepts(lab, vm.host, host, port, authentication)
    if any(v.name.lower() == vm.name.lower() for v in host.vms):
        raise invalid_state(f"'{host.name}' already has a virtual machine named "
                            f"'{vm.name}'.", vm.name)


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
    return _connect(lab, vm, replica_host, port, authentication, frequency, recovery_history,
                    vss_hours, compression, extended=False)


def _connect(lab: Lab, vm: VM, host: Host, port: int,
             authentication: ReplicationAuthenticationType, frequency: int | None,
             recovery_history: int, vss_hours: int, compression: bool, extended: bool) -> VM:
    """The new leg from `vm` to `host`, checked: the receiving VM placed
    there, off, both ready for the initial replication."""
    receiver = _receiving_copy(lab, vm, host)
    now = lab.clock.now
    settings = ReplicationSettings(
        primary_server=vm.host.fqdn, replica_server=host.fqdn, replica_port=port,
        authentication_type=authentication, frequency_sec=frequency or DEFAULT_FREQUENCY,
        recovery_history=recovery_history, vss_frequency_hour=vss_hours,
        compression_enabled=compression, partner_id=str(receiver.id),
        replica_folder=receiver.path, counted_at=now, was_running=vm.is_running,
        window_start=now)
    if extended:
        vm.replication.extended = settings
        receiver.replication_mode = ReplicationMode.ExtendedReplica
    else:
        vm.replication = settings
        receiver.replication_mode = ReplicationMode.Replica
        vm.replication_mode = ReplicationMode.Primary
    receiver.replication = attrs.evolve(settings, partner_id=str(vm.id))
    lab.place_vm(receiver, host)
    leg = Leg(lab, vm, extended)
    leg.set_state(ReplicationState.ReadyForInitialReplication)
    for side in leg.sides:
        side.replication_health = ReplicationHealth.Warning   # no initial copy yet
    lab.record(EventKind.ReplicationEnabled, vm.name,
               f"{'Extended replication' if extended else 'Replication'} of '{vm.name}' from "
               f"{vm.host_name} to {host.name} enabled (every {settings.frequency_sec} s); "
               "the initial replication is pending.")
    return receiver


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
    _check_receiving(lab, vm, target, port, authentication)
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
    return _connect(lab, vm, target, port, authentication, frequency, recovery_history,
                    vss_hours, compression, extended=True)


# ---------------------------------------------------------------------------
# Start-VMInitialReplication
# ---------------------------------------------------------------------------

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
    replica_host = lab.find_host(replica_of(lab, vm).host_name)
    if not replica_host.is_up:
        raise operation_failed(f"The replica server '{replica_host.name}' does not answer.",
                               replica_host.name, "ConnectionError")
    require_network(lab, vm)
    return _initial_copy(Leg(lab, vm), f"to {replica_host.name}")


def _begin_extended_initial(lab: Lab, vm: VM) -> Generator[Any, Any, VM]:
    """The extended leg's initial copy, from the replica VM's disks."""
    leg = Leg(lab, vm, extended=True)
    target = leg.receiver
    if target is None or target.replication_state is not \
            ReplicationState.ReadyForInitialReplication:
        raise invalid_state(f"The initial replication of the extended replica of '{vm.name}' "
                            f"cannot start: its replication is {extended_state(lab, vm).name}.",
                            vm.name)
    if not target.host.is_up or leg.rate() <= 0:
        raise operation_failed(f"The extended replica server '{target.host_name}' does not "
                               "answer.", target.host_name, "ConnectionError")
    return _initial_copy(leg, f"from {vm.host_name} to the extended replica server "
                              f"{target.host_name}")


def _initial_copy(leg: Leg, route: str) -> Generator[Any, Any, VM]:
    """Copy the sender's disks to the receiving server; the leg's cycles
    start when the copy is there."""
    lab, vm, settings = leg.lab, leg.sender, leg.settings
    size = replicated_size(lab, vm)
    seconds = INITIAL_SETUP_SECONDS + on_wire(settings, size) / leg.rate()
    leg.set_state(ReplicationState.InitialReplicationInProgress)

    def run() -> Generator[Any, Any, VM]:
        try:
            yield seconds
        except BaseException:
            leg.set_state(ReplicationState.ReadyForInitialReplication)
            raise
        if leg.settings is not settings:
            return vm                   # removed meanwhile
        _copy_disks(lab, vm, leg.receiver, settings.replica_folder)
        if not leg.extended:
            count_writes(vm, lab.clock.now)
        settings.pending_bytes = 0.0      # the copy holds everything written so far
        settings.recovery_point = settings.last_replication_time = lab.clock.now
        leg.replicate()
        lab.record(EventKind.InitialReplicationCompleted, vm.name,
                   f"Initial replication of '{vm.name}' {route} completed: {size / MB:.0f} MB "
                   f"in {seconds:.0f} s" + (" (compressed)." if settings.compression_enabled
                                            else "."))
        return vm

    return run()


def _copy_disks(lab: Lab, source: VM, target: VM, folder: str) -> None:
    """The receiving VM's disk files, copies of the sender's, in its folder."""
    moved = copy_files(lab, target.host, list(reversed(replicated_files(lab, source))), folder)
    remap_disks(target, moved)


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
    for side in (primary, partner(lab, primary)):
        if side is None or side.replication is None:
            continue
        if frequency is not None:
            side.replication.frequency_sec = frequency
        if compression is not None:
            side.replication.compression_enabled = compression
        side.replication.recovery_history = history
        side.replication.vss_frequency_hour = hours
    if frequency is not None and primary.replication_state is ReplicationState.Replicating:
        leg = Leg(lab, primary)
        leg.cancel()
        leg.schedule()


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
        Leg(lab, vm, extended=True).cancel()
        vm.replication.extended = None
        _orphan(target)
        lab.record(EventKind.ReplicationRemoved, vm.name,
                   f"Extended replication of '{vm.name}' on {vm.host_name} removed.")
        return
    other = partner(lab, vm)
    if mode is ReplicationMode.ExtendedReplica:
        if other is not None and other.replication is not None and \
                other.replication.extended is not None:
            Leg(lab, other, extended=True).cancel()
    else:
        primary = primary_of(lab, vm)
        if primary is not None:
            Leg(lab, primary).cancel()
    _disable(vm)
    if mode is not ReplicationMode.ExtendedReplica:
        _orphan(other)
    lab.record(EventKind.ReplicationRemoved, vm.name,
               f"Replication of '{vm.name}' on {vm.host_name} removed"
               + (f"; remove it on {other.host_name} too." if other is not None and
                  other.replication is not None else "."))
