"""Replica logs on the lab clock: one cycle per leg every
ReplicationFrequencySec, suspending and resuming them, and what a reload
leaves of them.

Each cycle is one timed action per leg (kept in `Lab.scheduled`, so it
survives a save and load): O(replicated VMs) work per cycle, whatever the
length of the simulated time.  A cycle that is due while the previous log
is still on the wire, or while either server is off the network, is
missed; its writes go with the next log.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from hvshell.model.compute.vm import ReplicationMode, ReplicationState, VM
from hvshell.model.kernel.domain import Domain
from hvshell.model.kernel.errors import invalid_state
from hvshell.model.kernel.events import EventKind, LabEvent
from hvshell.model.replica.legs import (CYCLE, EXTENDED_CYCLE, Leg, count_writes, extended_of,
                                        legs_of, primary_of)
from hvshell.model.replica.settings import ReplicationRelationshipType

if TYPE_CHECKING:
    from hvshell.model.lab import Lab


def _cycle(leg: Leg) -> None:
    """One cycle: the writes pending since the last one go as a log, unless
    the last log is still on the wire or the servers cannot reach each
    other."""
    if not leg.replicating:
        return
    leg.settle()
    settings = leg.settings
    leg.new_window()
    if settings.in_flight_until is not None or not leg.reachable():
        settings.missed += 1
    else:
        leg.send()
    leg.set_health()
    leg.schedule()


def _simple_cycle(lab: Lab, target: str) -> None:
    vm = lab.vm_by_id(target)
    if vm is not None:
        _cycle(Leg(lab, vm))


def _extended_cycle(lab: Lab, target: str) -> None:
    """A replica VM's extended cycle: what it received since the last one
    goes on to the extended replica server."""
    vm = lab.vm_by_id(target)
    if vm is not None:
        _cycle(Leg(lab, vm, extended=True))


def _writes_change(lab: Lab, event: LabEvent) -> None:
    """A replicated VM that stops or starts writes from then on at its new
    rate: count its writes up to the change."""
    for host in lab.hosts:
        for vm in host.vms:
            if vm.replication is not None and vm.replication_mode is ReplicationMode.Primary:
                count_writes(vm, event.time)


# The events after which a primary may write at another rate.
_WRITE_RATE_EVENTS = (EventKind.HostDown, EventKind.VMStarted, EventKind.VMStopped,
                      EventKind.VMSaved, EventKind.VMPaused, EventKind.VMResumed,
                      EventKind.VMPausedCritical, EventKind.HostUp)


def after_load(lab: Lab) -> None:
    """An initial replication or planned-failover preparation cannot
    survive a reload: the first is pending again, the second is abandoned
    and replication goes on."""
    for vm in list(lab.all_vms()):
        for leg in legs_of(lab, vm):
            if leg.state is ReplicationState.InitialReplicationInProgress:
                leg.set_state(ReplicationState.ReadyForInitialReplication)
            elif leg.state is ReplicationState.Replicating and not leg.scheduled():
                leg.schedule()


DOMAIN = Domain("replica",
                reactions={kind: _writes_change for kind in _WRITE_RATE_EVENTS},
                actions={CYCLE: _simple_cycle, EXTENDED_CYCLE: _extended_cycle},
                after_load=after_load)


# ---------------------------------------------------------------------------
# Suspend-, Resume-VMReplication
# ---------------------------------------------------------------------------

def _leg_in(lab: Lab, vm: VM, relationship: ReplicationRelationshipType,
            state: ReplicationState, verb: str, expected: str = "") -> Leg:
    """The leg the cmdlet names on `vm` (the simple one, or a replica VM's
    extended one), which must be in `state` (raises LabError otherwise)."""
    if relationship is ReplicationRelationshipType.Extended:
        target = extended_of(lab, vm) if vm.replication_mode is ReplicationMode.Replica \
            else None
        if target is None or target.replication is None:
            raise invalid_state(f"The extended replication of '{vm.name}' cannot be {verb}: "
                                f"'{vm.name}' on {vm.host_name} is not a replica virtual "
                                "machine with an extended relationship.", vm.name)
        leg = Leg(lab, vm, extended=True)
        if leg.state is not state:
            raise invalid_state(f"The extended replication of '{vm.name}' cannot be {verb}: "
                                f"it is {leg.state.name}{expected}.", vm.name)
        return leg
    primary = primary_of(lab, vm)
    if primary is None or primary.replication_state is not state:
        raise invalid_state(f"Replication of '{vm.name}' cannot be {verb}: it is "
                            f"{vm.replication_state.name}{expected}.", vm.name)
    return Leg(lab, primary)


def suspend(lab: Lab, vm: VM,
            relationship: ReplicationRelationshipType = ReplicationRelationshipType.Simple
            ) -> None:
    leg = _leg_in(lab, vm, relationship, ReplicationState.Replicating, "suspended")
    leg.settle()
    leg.cancel()
    leg.set_state(ReplicationState.Suspended)
    leg.set_health()


def resume(lab: Lab, vm: VM,
           relationship: ReplicationRelationshipType = ReplicationRelationshipType.Simple
           ) -> None:
    """Writes kept being tracked while suspended; they go with the next
    cycle."""
    _leg_in(lab, vm, relationship, ReplicationState.Suspended, "resumed",
            ", not Suspended").replicate()
