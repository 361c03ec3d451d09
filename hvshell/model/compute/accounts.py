"""What each host's VMs hold and ask for, kept current as the VMs change.

A host's memory in use, its processors' busy share and the memory promised
to migrations coming to it are read at every start, every migration check
and every migration's host spec.  Summing them over the host's VMs at each
read made a drain of N VMs cost N² (and a clock step cost every VM).
Instead each VM's share is kept, and a host's totals change only when one
of its VMs does:

- a VM field the shares or the metering rates depend on (state, memory
  settings, processors, workload, drives, host) marks the VM when it is set
  (the fields' `on_setattr=changed` in vm.py and storage/objects.py);
  code that changes a VM's drive list in place calls `changed(vm)` itself;
- `Lab.place_vm` / `remove_vm` move a VM's shares between hosts at once, so
  that a host's shares stay in the order of its `vms` list (the CPU share
  is a float sum, kept in the order the VMs were summed in before);
- marks are settled before any total is read.

A VM's workload is replaced as a whole (Set-LabWorkload), never changed in
place, so that setting the field marks the VM.

The same marks tell resource metering (`usage.sync`) which VMs' rates to
read again; a change that may move every VM's rates (storage added, taken
offline, a cluster formed) is `Accounts.everything_changed`.
"""
from __future__ import annotations

from typing import Any

import attrs


@attrs.define(eq=False)
class HostShares:
    """A host's totals over its VMs (not saved: recounted on load)."""
    memory: int = 0                 # resident VMs' memory with overhead
    reserved: int = 0               # memory promised to VMs migrating here
    # Each VM's busy share of the host's processors, in the host's VM order
    # (0.0 for a VM not running).
    cpu: dict[Any, float] = attrs.Factory(dict)


@attrs.define(eq=False)
class VMShares:
    """What one VM is counted for, and where."""
    host: Any = None                # the host its memory and CPU count on
    memory: int = 0
    cpu: float = 0.0
    reserved_on: Any = None         # the host a migration will bring it to


class Accounts:
    """The lab's host totals and the VMs changed since they were settled."""

    def __init__(self, lab: Any):
        self.lab = lab
        self.dirty: dict[Any, None] = {}        # VMs whose shares are stale (ordered)
        # For usage.sync: VMs whose metering rates are stale, or all of them.
        self.rates_dirty: dict[Any, None] = {}
        self.all_rates_dirty = True

    # ---- marking ----------------------------------------------------------------

    def mark(self, vm: Any) -> None:
        self.dirty[vm] = None
        self.rates_dirty[vm] = None

    def everything_changed(self) -> None:
        """Something every VM's metering rates may depend on changed (storage,
        cluster membership): usage reads them all again at its next sync."""
        self.all_rates_dirty = True

    def take_rate_changes(self) -> tuple[bool, list[Any]]:
        """(every VM?, the VMs marked) since the last call: usage.sync's work."""
        everything, marked = self.all_rates_dirty, list(self.rates_dirty)
        self.all_rates_dirty = False
        self.rates_dirty.clear()
        return everything, marked

    # ---- VMs arriving and leaving ------------------------------------------------

    def recount(self) -> None:
        """Every host's totals from scratch (a new or reloaded lab), and
        every VM's metering rates at the next sync."""
        self.dirty.clear()
        self.all_rates_dirty = True
        for host in self.lab.hosts:
            host.shares = HostShares()
        for host in self.lab.hosts:
            for vm in host.vms:
                vm.shares = VMShares(reserved_on=vm.shares.reserved_on)
                self._add(vm, host)

    def placed(self, vm: Any, host: Any) -> None:
        """`vm` was appended to `host.vms` (new, or moved from another host)."""
        self._remove(vm)
        self._add(vm, host)
        self.mark(vm)

    def removed(self, vm: Any) -> None:
        self._remove(vm)
        self.unreserve(vm)
        self.dirty.pop(vm, None)

    def reordered(self, host: Any) -> None:
        """`host.vms` was reordered in place: its CPU shares follow."""
        host.shares.cpu = {vm: host.shares.cpu.get(vm, 0.0) for vm in host.vms}

    def _add(self, vm: Any, host: Any) -> None:
        shares = vm.shares
        shares.host = host
        shares.memory, shares.cpu = _footprint(vm), _cpu_share(vm, host)
        host.shares.memory += shares.memory
        host.shares.cpu[vm] = shares.cpu
        if shares.reserved_on is not None:
            shares.reserved_on.shares.reserved += shares.memory

    def _remove(self, vm: Any) -> None:
        shares = vm.shares
        if shares.host is not None:
            shares.host.shares.memory -= shares.memory
            shares.host.shares.cpu.pop(vm, None)
        if shares.reserved_on is not None:
            shares.reserved_on.shares.reserved -= shares.memory
        shares.host = None
        shares.memory, shares.cpu = 0, 0.0

    # ---- migrations' promises ------------------------------------------------------

    def reserve(self, vm: Any, destination: Any) -> None:
        """A migration will bring `vm` to `destination`: its memory is promised there."""
        self.settle()
        self.unreserve(vm)
        vm.shares.reserved_on = destination
        destination.shares.reserved += vm.shares.memory

    def unreserve(self, vm: Any) -> None:
        shares = vm.shares
        if shares.reserved_on is not None:
            self.settle()
            shares.reserved_on.shares.reserved -= shares.memory
            shares.reserved_on = None

    # ---- reading ---------------------------------------------------------------------

    def settle(self) -> None:
        """Bring the shares of the VMs changed since the last read up to date."""
        while self.dirty:
            vm = next(iter(self.dirty))
            del self.dirty[vm]
            shares, host = vm.shares, vm.shares.host
            if host is None:
                continue            # not on a host (yet): counted when placed
            memory, cpu = _footprint(vm), _cpu_share(vm, host)
            host.shares.memory += memory - shares.memory
            if shares.reserved_on is not None:
                shares.reserved_on.shares.reserved += memory - shares.memory
            host.shares.cpu[vm] = cpu
            shares.memory, shares.cpu = memory, cpu

    def memory_in_use(self, host: Any) -> int:
        self.settle()
        return host.shares.memory

    def reserved_memory(self, host: Any) -> int:
        self.settle()
        return host.shares.reserved

    def cpu_busy(self, host: Any) -> float:
        """The sum of the running VMs' busy shares of `host`'s processors."""
        self.settle()
        return sum(host.shares.cpu.values())


def _footprint(vm: Any) -> int:
    """Host memory `vm` holds: what is assigned to it plus its overhead."""
    from hvshell.model.compute.host import vm_memory_overhead
    if not vm.is_running:
        return 0
    assigned = vm.memory_assigned()
    return assigned + vm_memory_overhead(assigned)


def _cpu_share(vm: Any, host: Any) -> float:
    if vm.state.name != "Running":
        return 0.0
    return vm.workload.cpu_percent / 100 * min(vm.processor_count, host.logical_processors)


def changed(vm: Any, attribute: Any = None, value: Any = None) -> Any:
    """`vm` changed in a way its shares or rates may follow (also an attrs
    on_setattr hook: returns the value being set)."""
    lab = getattr(vm, "lab", None)
    if lab is not None:
        lab.accounts.mark(vm)
    return value


def drive_changed(drive: Any, attribute: Any, value: Any) -> Any:
    """on_setattr hook of a hard drive's fields: its VM's rates follow."""
    vm = drive.vm
    if vm is not None:
        changed(vm)
    return value


