"""Hyper-V Replica failover: planned (the primary, off, sends its last
writes with -Prepare, then the replica fails over with nothing lost, and
-Reverse makes it the primary replicating back) or unplanned (the replica
takes the latest recovery point; the writes since it was cut are lost,
reported with the RPO in the event).  Failover to the extended replica is
not modelled.
"""
from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import attrs

from hvshell.model.compute.vm import ReplicationMode, ReplicationState, VM, VMState
from hvshell.model.kernel.errors import invalid_state, operation_failed
from hvshell.model.kernel.events import EventKind
from hvshell.model.kernel.schedule import schedule_action
from hvshell.model.replica.legs import (CYCLE, MB, Leg, primary_of, replica_of, require_network,
                                        settle)
from hvshell.model.replica.lifecycle import accepts
from hvshell.model.replica.settings import ReplicationSettings

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

# Planned failover on the primary: the pending log is sent, then the
# configuration marked (reasoning: about a second besides the transfer).
PREPARE_SETUP_SECONDS = 1.0
# Applying the latest recovery point to the replica VM's disks (reasoning).
FAILOVER_SECONDS = 5.0


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
    if not replica_of(lab, vm).host.is_up:
        raise operation_failed(f"The replica server of '{vm.name}' does not answer.", vm.name,
                               "ConnectionError")
    require_network(lab, vm)
    leg = Leg(lab, vm)
    leg.settle()
    settings = leg.settings
    # The log on the wire, if any, arrives first; then the last one.
    waiting = max(0.0, (settings.in_flight_until or lab.clock.now) - lab.clock.now)
    settings.pending_bytes += settings.in_flight_bytes
    settings.in_flight_bytes = 0.0
    settings.in_flight_cut = settings.in_flight_until = None
    arrival = leg.send(waiting + PREPARE_SETUP_SECONDS)

    def run() -> Generator[Any, Any, VM]:
        leg.cancel()
        try:
            yield arrival - lab.clock.now
        except BaseException:
            schedule_action(lab, settings.frequency_sec, CYCLE, str(vm.id))
            raise
        if leg.settings is not settings:
            return vm                   # removed meanwhile
        leg.settle()
        leg.set_state(ReplicationState.PreparedForFailover)
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
        Leg(lab, primary).cancel()
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
    Leg(lab, primary).replicate()


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
    accepts(lab, vm.host, old.host, old_settings.replica_port,
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
    Leg(lab, vm).replicate()
    lab.record(EventKind.ReplicationReversed, vm.name,
               f"Replication of '{vm.name}' reversed: {vm.host_name} is now the primary "
               f"server, replicating to {old.host_name}.")
