"""A replication leg: one relationship seen from the VM that sends it.

There are two kinds.  The simple leg goes from a primary VM to its replica;
its record is the primary's `vm.replication` and both VMs show its state and
health.  The extended leg (2012 R2) goes from a replica VM on to a third
server; its record is the replica's `vm.replication.extended` and the
extended replica VM shows its state and health.  Everything a leg does is
the same for both: the writes waiting to be sent (`pending_bytes`), the log
on the wire, its arrival as the latest recovery point, the monitoring
window and the health.  The only difference is where the pending writes
come from: the primary's guest writes them; an extended leg receives them
as the simple leg's logs arrive (`settle`).

A log's arrival needs no timer of its own: it is taken into account
(`settle`) by the next cycle or whoever reads the figures.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hvshell.model.compute.host import Host
from hvshell.model.compute.vm import ReplicationHealth, ReplicationMode, ReplicationState, VM
from hvshell.model.kernel.errors import operation_failed
from hvshell.model.kernel.schedule import cancel_actions, schedule_action
from hvshell.model.replica.settings import ReplicationSettings
from hvshell.model.storage.disks import chain

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20
# The timed actions of the two kinds of leg: one cycle per leg, every
# ReplicationFrequencySec (hvshell.model.replica.cycles).
CYCLE = "ReplicaCycle"
EXTENDED_CYCLE = "ReplicaExtendedCycle"
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
# Without a storage location known to the lab, a local disk (reasoning,
# same figure as for checkpoints).
DEFAULT_DISK_MBPS = 100.0


# ---------------------------------------------------------------------------
# Who is who in a relationship
# ---------------------------------------------------------------------------

def partner(lab: Lab, vm: VM) -> VM | None:
    """The VM on the other side of the VM's own record."""
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
    return partner(lab, vm) if vm.replication_mode is ReplicationMode.Replica else None


def replica_of(lab: Lab, vm: VM) -> VM | None:
    if vm.replication is None:
        return None
    if vm.replication_mode is ReplicationMode.Replica:
        return vm
    return partner(lab, vm) if vm.replication_mode is ReplicationMode.Primary else None


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


def set_state(lab: Lab, vm: VM, state: ReplicationState) -> None:
    """Both sides of the VM's own record show the same replication state."""
    for side in (vm, partner(lab, vm)):
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


def require_network(lab: Lab, vm: VM) -> None:
    if transfer_rate(lab, vm) <= 0:
        raise operation_failed(f"'{vm.name}' cannot replicate: {vm.host_name} or its replica "
                               "server has no network adapter up.", vm.name, "ConnectionError")


def on_wire(settings: ReplicationSettings, size: float) -> float:
    return size / COMPRESSION_RATIO if settings.compression_enabled else size


def replicated_files(lab: Lab, vm: VM) -> list[Any]:
    files: list[Any] = []
    for drive in vm.hard_drives:
        if drive.path:
            files.extend(v for v in chain(lab, vm.host_name, drive.path) if v not in files)
    return files


def replicated_size(lab: Lab, vm: VM) -> int:
    """Bytes the VM's disks hold (what the initial replication copies)."""
    return sum(vhd.allocated_bytes for vhd in replicated_files(lab, vm))


# ---------------------------------------------------------------------------
# Writes, logs and their arrival
# ---------------------------------------------------------------------------

def count_writes(vm: VM, now: float) -> None:
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
    count_writes(vm, lab.clock.now)
    arrived = _arrive(vm.replication, lab.clock.now)
    replica = partner(lab, vm)
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


# ---------------------------------------------------------------------------
# The leg
# ---------------------------------------------------------------------------

class Leg:
    """One relationship from its sending VM: the simple one of a primary,
    or (`extended`) the extended one of a replica VM."""

    def __init__(self, lab: Lab, sender: VM, extended: bool = False):
        self.lab = lab
        self.sender = sender
        self.extended = extended

    @property
    def settings(self) -> ReplicationSettings | None:
        """The leg's record (None once the sending side removed it)."""
        own = self.sender.replication
        return own.extended if self.extended and own is not None else own

    @property
    def receiver(self) -> VM | None:
        settings = self.settings
        return self.lab.vm_by_id(settings.partner_id) if settings is not None else None

    @property
    def action(self) -> str:
        return EXTENDED_CYCLE if self.extended else CYCLE

    @property
    def sides(self) -> tuple[VM, ...]:
        """The VMs that show the leg's state and health."""
        found = (self.receiver,) if self.extended else (self.sender, partner(self.lab,
                                                                            self.sender))
        return tuple(vm for vm in found if vm is not None)

    @property
    def state(self) -> ReplicationState:
        if self.extended:
            receiver = self.receiver
            return receiver.replication_state if receiver is not None else \
                ReplicationState.Error
        return self.sender.replication_state

    @property
    def replicating(self) -> bool:
        """Cycles run: the leg is Replicating on both sides."""
        if self.extended:
            receiver = self.receiver
            if receiver is None or receiver.replication is None:
                return False
        return self.settings is not None and self.state is ReplicationState.Replicating

    def set_state(self, state: ReplicationState) -> None:
        for side in self.sides:
            side.replication_state = state

    def health(self) -> ReplicationHealth:
        """The leg's health from its sending side's figures."""
        settings = self.settings
        cycles = settings.successful + settings.missed
        size = replicated_size(self.lab, self.sender)
        if self.state is ReplicationState.Suspended:
            return ReplicationHealth.Warning
        if size and settings.pending_bytes + settings.in_flight_bytes >= \
                CRITICAL_LOG_SHARE * size:
            return ReplicationHealth.Critical
        if cycles and settings.missed / cycles > WARNING_MISSED_SHARE:
            return ReplicationHealth.Warning
        return ReplicationHealth.Normal

    def set_health(self) -> None:
        health = self.health()
        for side in self.sides:
            side.replication_health = health

    def rate(self) -> float:
        return transfer_rate(self.lab, self.sender, self.settings)

    def reachable(self) -> bool:
        """Both hosts up and on the network, and a path between them."""
        receiver = self.receiver
        return self.sender.host.is_up and self.sender.host.network_up and \
            receiver is not None and receiver.host.is_up and receiver.host.network_up and \
            self.rate() > 0

    def settle(self) -> None:
        """Bring the leg's figures up to now."""
        if self.extended:
            settle_extended(self.lab, self.sender)
        else:
            settle(self.lab, self.sender)

    def new_window(self) -> None:
        """A new monitoring window when the receiving server's interval has
        passed: the statistics start again."""
        settings = self.settings
        interval = self.receiver.host.replica_server.monitoring_interval
        if self.lab.clock.now - settings.window_start >= interval:
            settings.window_start = self.lab.clock.now
            settings.successful = settings.missed = 0
            settings.bytes_sent = settings.largest = settings.latency_total = 0.0

    def send(self, extra_seconds: float = 0.0) -> float:
        """Cut the pending writes into a log and put it on the wire;
        returns when it arrives."""
        settings = self.settings
        now = self.lab.clock.now
        size = settings.pending_bytes
        arrival = now + extra_seconds + LOG_SETUP_SECONDS + on_wire(settings, size) / self.rate()
        settings.in_flight_bytes = size
        settings.in_flight_cut = now
        settings.in_flight_until = arrival
        settings.pending_bytes = 0.0
        return arrival

    def schedule(self) -> None:
        """The leg's next cycle, a frequency from now."""
        schedule_action(self.lab, self.settings.frequency_sec, self.action, str(self.sender.id))

    def cancel(self) -> None:
        cancel_actions(self.lab, self.action, str(self.sender.id))

    def replicate(self) -> None:
        """The leg (back) in Replicating on its sides, its health, and its
        cycles running from now: the next one a frequency away."""
        self.cancel()
        self.set_state(ReplicationState.Replicating)
        self.set_health()
        self.schedule()

    def scheduled(self) -> bool:
        return any(r.action == self.action and r.target == str(self.sender.id)
                   for r in self.lab.scheduled)


def legs_of(lab: Lab, vm: VM) -> list[Leg]:
    """The legs a VM sends: a primary's simple leg, a replica's extended one."""
    legs = []
    if vm.replication is not None and vm.replication_mode is ReplicationMode.Primary:
        legs.append(Leg(lab, vm))
    if extended_of(lab, vm) is not None:
        legs.append(Leg(lab, vm, extended=True))
    return legs
