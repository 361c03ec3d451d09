"""The lab's migrations: one `Mobility` per lab owns the sim core's
`MigrationScheduler` on the lab's clock.

A move checked by the rules (hvshell.model.mobility.rules) gets a
`MigrationRecord` at once and runs on the clock with everything else.  When
its migration ends the VM really moves (host, disk and checkpoint paths,
cluster owner) or, if it failed or was cancelled, stays where it was,
untouched.  Lab faults (Invoke-LabFault) reach running migrations through
the event log.
"""
from __future__ import annotations

import weakref
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from hvshell.model.storage import checkpoints as snapshots

from hvshell.model.compute import usage
from hvshell.model.kernel.errors import LabError, OperationCancelled, operation_failed
from hvshell.model.kernel.events import EventKind
from hvshell.model.kernel.domain import Domain
from hvshell.model.compute.host import Host
from hvshell.model.mobility.records import FINISHED_STATES, LabMigrationState, MigrationRecord
from hvshell.model.mobility.mapping import MoveRequest, spec_for
from hvshell.model.mobility.rules import Incompatibility, authentication, check, refusal
from hvshell.model.storage.objects import norm_path
from hvshell.model.compute.vm import VM
from hvshell.sim import (MigrationKind, MigrationResult, MigrationScheduler, MigrationState,
                         PerformanceOption, Progress, TransportError, plan_migration)
from hvshell.sim.migration import planned_transport

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

# ---------------------------------------------------------------------------
# The lab's migrations
# ---------------------------------------------------------------------------

class Mobility:
    """The lab's migrations on its clock: the sim core's scheduler, the
    requests in flight and what happens when each ends."""

    def __init__(self, lab: Lab):
        self.lab = lab
        self.scheduler = MigrationScheduler(lab.clock, seed=lab.seed,
                                            on_progress=self._progress)
        self._requests: dict[int, MoveRequest] = {}
        self._records: dict[int, MigrationRecord] = {}
        self._started: set[int] = set()
        # Indexes of the migrations in flight, so that a batch of N costs N, not N².
        self._moving: set[VM] = set()
        self._incoming: dict[Host, dict[int, VM]] = {}
        self._by_name: dict[str, list[int]] = {}
        for record in lab.migrations:
            if record.state not in FINISHED_STATES:    # saved mid-flight: cannot resume
                record.state = LabMigrationState.Failed
                record.reason = ("interrupted: the lab was reloaded; the virtual machine stayed "
                                 f"on {record.source}")
                if record.end_time is None:
                    record.end_time = lab.clock.now

    # ---- checking and predicting ------------------------------------------------

    def reserved_memory(self, destination: Host) -> int:
        """Memory promised on `destination` to live migrations under way."""
        return self.lab.accounts.reserved_memory(destination)

    def incoming(self, host: Host) -> list[VM]:
        """VMs on their way to `host` (migrations queued or running)."""
        return list(self._incoming.get(host, {}).values())

    def check(self, request: MoveRequest) -> list[Incompatibility]:
        return check(self.lab, request, self.reserved_memory(request.destination),
                     self._moving)

    def queue_ahead(self, request: MoveRequest) -> str:
        """Why `request`, submitted now, would queue ('' when it would start
        at once): a host of it already runs as many live migrations as it
        may (the smaller limit of the two hosts decides)."""
        if request.kind is MigrationKind.Storage:
            return ""
        for host in dict.fromkeys((request.source, request.destination)):
            busy = [r for r in self.lab.migrations if r.kind != "Storage"
                    and r.current_state in (LabMigrationState.Queued, LabMigrationState.Running)
                    and host.name in (r.source, r.destination)]
            if len(busy) >= host.max_vm_migrations:
                limit = host.max_vm_migrations
                return (f"Host '{host.name}' takes {limit} live migration"
                        f"{'s' if limit != 1 else ''} at a time and has {len(busy)} under way or "
                        f"queued ({', '.join(r.vm_name for r in busy)})")
        return ""

    def predict(self, request: MoveRequest, option: PerformanceOption) -> MigrationResult:
        """The migration alone, now, with `option` (nothing changes).  The
        caller checks the rules first (`check`).  It draws the random
        numbers the same move would draw if it were submitted next, so a
        prediction and the move that follows agree when nothing else runs."""
        spec = spec_for(self.lab, request, option)
        try:
            return plan_migration(spec, rng=np.random.default_rng(
                [self.lab.seed, len(self.lab.migrations) + 1]))
        except TransportError as error:
            raise operation_failed(str(error), request.vm.name, "InvalidOperation") from None

    # ---- running -------------------------------------------------------------------

    def submit(self, request: MoveRequest, started_on: str | None = None) -> MigrationRecord:
        """Check `request` and queue its migration now (LabError when a
        rule refuses it: nothing changes then).  `started_on` is the host
        an administrator started it on (None: the cluster moves it), whose
        credentials the source must be able to use."""
        lab = self.lab
        problems = self.check(request)
        if problems:
            raise refusal(request, problems)
        if started_on is not None:
            denied = authentication(request, started_on)
            if denied is not None:
                raise denied
        spec = spec_for(lab, request)
        vm = request.vm
        record = MigrationRecord(
            id=len(lab.migrations) + 1, vm_name=vm.name, vm_id=vm.id, kind=request.kind.value,
            source=request.source.name, destination=request.destination.name,
            option=spec.option.value if spec.uses_network else "",
            transport=planned_transport(spec), queued_at=lab.clock.now)
        handle = self.scheduler.submit(spec, rng=np.random.default_rng([lab.seed, record.id]))
        record.handle = handle
        record.done = lab.clock.event()
        lab.migrations.append(record)
        self._requests[record.id] = request
        self._records[record.id] = record
        self._moving.add(vm)
        self._by_name.setdefault(vm.name, []).append(record.id)
        if request.changes_host:
            self._incoming.setdefault(request.destination, {})[record.id] = vm
            lab.accounts.reserve(vm, request.destination)
        lab.record(EventKind.MigrationQueued, vm.name, f"{record.kind} migration of '{vm.name}' "
                   f"{request.describe()} queued ({record.transport}).")
        handle.done.on_done(lambda event: self._finished(record, event))
        if handle.state is MigrationState.Running:
            self._mark_started(record)
        return record

    def cancel(self, record: MigrationRecord, reason: str) -> bool:
        handle = record.handle
        return handle is not None and handle.cancel(reason)

    def _record_of(self, vm_name: str) -> MigrationRecord | None:
        ids = self._by_name.get(vm_name)
        return self._records[ids[0]] if ids else None

    def _progress(self, progress: Progress) -> None:
        record = self._record_of(progress.vm_name)
        if record is None:
            return
        if progress.state is MigrationState.Running:
            self._mark_started(record)

    def _mark_started(self, record: MigrationRecord) -> None:
        if record.id in self._started:
            return
        self._started.add(record.id)
        request = self._requests[record.id]
        request.vm.status_text = "Migrating"
        waited = self.lab.clock.now - record.queued_at
        self.lab.record(EventKind.MigrationStarted, record.vm_name,
                        f"{record.kind} migration of '{record.vm_name}' {request.describe()} "
                        "started" + (f" after {waited:.1f} s in the queue." if waited > 0 else "."))

    def _finished(self, record: MigrationRecord, event: Any) -> None:
        try:
            self._take_outcome(record, event)
        finally:
            if event.ok:
                record.done.succeed(record)
            else:
                record.done.fail(event.value)

    def _take_outcome(self, record: MigrationRecord, event: Any) -> None:
        request = self._requests.pop(record.id)
        self._records.pop(record.id)
        self._started.discard(record.id)
        vm = request.vm
        self._moving.discard(vm)
        self._by_name[record.vm_name].remove(record.id)
        if not self._by_name[record.vm_name]:
            del self._by_name[record.vm_name]
        if request.changes_host:
            del self._incoming[request.destination][record.id]
            self.lab.accounts.unreserve(vm)
        if vm.status_text == "Migrating":
            vm.status_text = None
        if not event.ok:     # a defect of the model: the waiter sees the exception
            record.handle = None
            record.state = LabMigrationState.Failed
            record.reason = f"internal error: {event.value}"
            record.end_time = self.lab.clock.now
            return
        record.conclude(event.value)
        if record.state is LabMigrationState.Completed:
            problem = self._still_movable(request)
            if problem is None:
                self._apply(request, record)
                return
            record.state = LabMigrationState.Failed
            record.reason = problem
        cancelled = record.state is LabMigrationState.Cancelled
        verb = "was cancelled" if cancelled else "failed"
        self.lab.record(EventKind.MigrationCancelled if cancelled else EventKind.MigrationFailed,
                        vm.name,
                        f"{record.kind} migration of '{vm.name}' {request.describe()} {verb}: "
                        f"{record.reason}")

    def _still_movable(self, request: MoveRequest) -> str | None:
        """Why a migration that finished cannot take effect (the VM was
        removed or stopped meanwhile), or None."""
        vm = request.vm
        if self.lab.vm_by_id(vm.id) is not vm or vm.host_name != request.source.name:
            return f"'{vm.name}' was removed or moved during the migration."
        if request.running and request.changes_host and not vm.is_running:
            return (f"'{vm.name}' stopped during the migration; it stays, off, on "
                    f"{request.source.name}.")
        return None

    def _apply(self, request: MoveRequest, record: MigrationRecord) -> None:
        """The migration completed: the VM, its files and its cluster role
        are where the request sent them."""
        lab = self.lab
        vm = request.vm
        usage.sync(lab)
        group = lab.cluster_group_of(vm)
        old_paths = {}
        for move in request.files:
            old = move.vhd.path
            old_paths[norm_path(old)] = move.destination
            lab.move_vhd(move.vhd, request.destination.name, move.destination)
        if old_paths:
            for drive in vm.hard_drives:
                if drive.path and norm_path(drive.path) in old_paths:
                    drive.path = old_paths[norm_path(drive.path)]
            for vhd in lab.vhds.values():
                if vhd.parent_path and norm_path(vhd.parent_path) in old_paths:
                    vhd.parent_path = old_paths[norm_path(vhd.parent_path)]
            snapshots.follow_moved_files(vm, old_paths)
        if request.vm_path:
            vm.path = request.vm_path
        if request.snapshot_path:
            vm.snapshot_file_location = request.snapshot_path
            for snap in vm.snapshots:
                snap.path = request.snapshot_path
        if request.smart_paging_path:
            vm.smart_paging_file_path = request.smart_paging_path
        if request.changes_host:
            lab.place_vm(vm, request.destination)
            if group is not None:
                group.owner_node = request.destination.name
        how = {"Live": "live" if request.running else "(off)", "SharedNothing":
               "with its storage", "Storage": "its storage", "Quick": "by quick migration"}
        downtime = f", downtime {record.Downtime:g} ms" if record.downtime > 0 else ""
        lab.record(EventKind.MigrationCompleted, vm.name,
                   f"'{vm.name}' moved {how[record.kind]} {request.describe()} in "
                   f"{record.duration:.1f} s{downtime}.")

    # ---- faults ------------------------------------------------------------------

    def fault(self, kind: str, target: str) -> None:
        self.scheduler.inject_fault(kind, target)


_SERVICES: weakref.WeakKeyDictionary[Any, Mobility] = weakref.WeakKeyDictionary()


def mobility(lab: Lab) -> Mobility:
    """The lab's migration service (made on first use: a lab loaded from a
    file gets a fresh one, which fails the migrations it was saved with)."""
    service = _SERVICES.get(lab)
    if service is None or service.scheduler.clock is not lab.clock:
        service = Mobility(lab)
        _SERVICES[lab] = service
    return service


# Lab events that are faults the running migrations must feel (the event
# log is how power.py's fault handlers announce them).
_FAULTS = {EventKind.HostDown: "HostCrash", EventKind.HostRestart: "HostCrash",
           EventKind.HostUp: "HostRecover",
           EventKind.NetworkDown: "NetworkDown", EventKind.NetworkUp: "NetworkUp",
           EventKind.StorageDown: "StorageDown", EventKind.StorageUp: "StorageUp"}


def _feel(fault: str) -> Any:
    def react(lab: Lab, event: Any) -> None:
        service = _SERVICES.get(lab)
        if service is not None:
            service.fault(fault, event.source)
    return react


DOMAIN = Domain("mobility", reactions={kind: _feel(fault) for kind, fault in _FAULTS.items()})


# ---------------------------------------------------------------------------
# Waiting for a migration (a job's process, or a command run to its end)
# ---------------------------------------------------------------------------

def watch(record: MigrationRecord, output: Any = None) -> Generator[Any, Any, Any]:
    """A clock process that ends with the migration: returns `output` when
    it completed, raises LabError when it failed or was cancelled.  Stopping
    it (Stop-Job, Ctrl+C) cancels the migration, unless the migration has
    passed its point of no return (the switch-over has begun): then the
    process declines to stop and ends when the migration completes.  A crash
    of the VM's host (which interrupts the VM's operation) is left to the
    migration, which fails."""
    while record.done is not None and not record.done.triggered:
        try:
            yield record.done
        except OperationCancelled:
            if record.handle is not None and not record.handle.cancel(
                    "The operation was stopped (Stop-Job); the virtual machine stayed on "
                    f"{record.source}."):
                continue              # too late to stop: it completes
            raise
        except LabError:
            continue
    if record.state is LabMigrationState.Completed:
        return output
    raise operation_failed(f"{record.kind} migration of '{record.vm_name}' from "
                           f"{record.source} to {record.destination} "
                           f"{'was cancelled' if record.state is LabMigrationState.Cancelled else 'failed'}"
                           f": {record.reason}", record.vm_name)
