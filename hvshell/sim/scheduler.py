"""Running migrations on the lab's clock.

`MigrationScheduler` owns a `FlowNetwork` (links, CPU, memory bandwidth,
storage throughput of every host and storage location it has been told
about) and the queue of migrations:

- Limits: a live-type migration (Live, SharedNothing, Quick) holds a live
  slot on both hosts, a Storage migration a storage slot on its host; a
  host's slots are its `live_limit` / `storage_limit`, so two hosts run at
  most min(source, destination) migrations between them (docs/model.md).
- Queue: first in, first out: whenever slots free up, the earliest queued
  migration that finds a free slot on each of its hosts starts (a later one
  between other hosts does not wait for it).
- Sharing: running transfers share resources max-min fairly; when one starts
  or ends the others' rates change at once, mid-pass (hvshell.sim.flows).
- Cancel and failures: `MigrationHandle.cancel` and `inject_fault`
  (HostCrash, NetworkDown, StorageDown and their recoveries, now or after a
  delay).  Before its point of no return a cancelled or failed migration
  leaves the VM on its source; the result says Cancelled or Failed and why.
  A host crash fails the migrations touching it at once; a network outage
  stalls their transfers and fails them after `NETWORK_TIMEOUT_S` unless the
  network is back; a storage outage fails the migrations that copy to, from
  or through it.
- Progress: `MigrationHandle.progress()` at any time, and callbacks at each
  step (activity, pass, percent, rate, seconds left).

Each migration draws its random numbers from its own generator, seeded from
the scheduler's seed and the migration's submission number, so a run is
reproducible whatever else happens on the clock.
"""
from __future__ import annotations

import enum
import math
from collections import deque
from typing import Callable

import numpy as np

from hvshell.sim import constants as C
from hvshell.sim.clock import Clock, Event, Timer
from hvshell.sim.flows import Flow, FlowNetwork
from hvshell.sim.memory import ExactEngine, FastEngine, MemoryLayout
from hvshell.sim.migration import (Delay, MigrationFailure, Mark, Stats, Transfer,
                                   performance_option, procedure)
from hvshell.sim.results import MigrationResult, MigrationState, Progress
from hvshell.sim.specs import HostSpec, MigrationKind, MigrationSpec, StorageSpec
from hvshell.sim.transport import (host_capacities, interfaces, resolve_route,
                                   rx_key, storage_capacities, tx_key)


class EngineKind(enum.StrEnum):
    """Which memory engine runs the passes."""
    Fast = "Fast"          # counts per page class, binomial draws
    Exact = "Exact"        # page by page (the reference)
    Expected = "Expected"  # counts per class, expected values (no randomness)


class FaultKind(enum.StrEnum):
    HostCrash = "HostCrash"
    HostRecover = "HostRecover"
    NetworkDown = "NetworkDown"
    NetworkUp = "NetworkUp"
    StorageDown = "StorageDown"
    StorageUp = "StorageUp"


class _Abort(Exception):
    def __init__(self, state: MigrationState, reason: str):
        super().__init__(reason)
        self.state = state
        self.reason = reason


ProgressCallback = Callable[[Progress], None]


class MigrationHandle:
    """One submitted migration.  `done` is a clock event that succeeds with
    its `MigrationResult` when it completes, fails or is cancelled."""

    def __init__(self, scheduler: "MigrationScheduler", spec: MigrationSpec, number: int,
                 rng: np.random.Generator | None, on_progress: ProgressCallback | None):
        self.scheduler = scheduler
        self.spec = spec
        self.number = number
        self.rng = rng
        self.on_progress = on_progress
        self.state = MigrationState.Queued
        self.queued_at = scheduler.clock.now
        self.start_time: float | None = None
        self.stats = Stats(scheduler.clock.now, spec)
        self.final_percent = 0.0
        self.done: Event = scheduler.clock.event()
        self.result: MigrationResult | None = None
        self.paused_at: float | None = None
        self.committed_at: float | None = None
        self.process = None
        self.flow: Flow | None = None
        self.step: Delay | Transfer | None = None
        self.step_started = 0.0
        self.network_timer: Timer | None = None
        self.driving = False

    @property
    def vm_name(self) -> str:
        return self.spec.vm_name

    @property
    def committed(self) -> bool:
        return self.committed_at is not None

    def cancel(self, reason: str = "The operation was cancelled.") -> bool:
        """Stop the migration; False if it already finished or passed its
        point of no return."""
        return self.scheduler._abort(self, MigrationState.Cancelled, reason)

    def fail(self, reason: str) -> bool:
        """End the migration as failed because something outside it stopped
        the VM; False if it already finished or passed its point of no
        return."""
        return self.scheduler._abort(self, MigrationState.Failed, reason)

    def progress(self) -> Progress:
        now = self.scheduler.clock.now
        if self.result is not None:
            return Progress(self.vm_name, self.state, self.result.reason or self.state.value,
                            None, self.final_percent, 0.0, 0.0, now)
        return Progress(self.vm_name, self.state, self.stats.activity, self.stats.pass_index,
                        self._percent(now), self._rate(), self._seconds_left(now), now)

    def _fraction(self, now: float) -> float:
        step = self.step
        if step is None:
            return 0.0
        if isinstance(step, Delay):
            return min((now - self.step_started) / step.seconds, 1.0) if step.seconds > 0 else 1.0
        flow = self.flow
        if flow is None or step.amount <= 0:
            return 1.0
        remaining = flow.remaining_at(now)
        return min(max(1.0 - remaining / (step.amount + step.growth * (now - flow.started)), 0.0), 1.0)

    def _percent(self, now: float) -> float:
        if self.step is None:
            return 0.0
        lo, hi = self.step.span
        return lo + (hi - lo) * self._fraction(now)

    def _rate(self) -> float:
        return self.flow.rate if self.flow is not None else 0.0

    def _seconds_left(self, now: float) -> float | None:
        step = self.step
        if step is None:
            return None
        if isinstance(step, Delay):
            left = max(self.step_started + step.seconds - now, 0.0)
        elif self.flow is None:
            left = 0.0
        else:
            left = self.flow.seconds_left(now)
            if math.isinf(left):
                return None
        if self.spec.kind in (MigrationKind.Live, MigrationKind.SharedNothing) and not self.committed:
            left += C.SWITCHOVER_S + C.TEARDOWN_S
        return left


class _Environment:
    """The scheduler as the procedures see it."""

    __slots__ = ("scheduler",)

    def __init__(self, scheduler: "MigrationScheduler"):
        self.scheduler = scheduler

    @property
    def now(self) -> float:
        return self.scheduler.clock.now

    def standalone_rate(self, demands, cap, idle_cpu: bool = False) -> float:
        network = self.scheduler.network
        rate = math.inf if cap is None else cap
        for key, coef in demands.items():
            if coef > 0:
                capacity = network.capacity[key]
                if key[0] == "cpu":
                    if idle_cpu:
                        # Without COMPRESSION_MIN_CORES: only what the VMs leave idle.
                        capacity = self.scheduler.host(key[1]).spare_cores
                    capacity /= 1 + sum(1 for f in network.flows if f.demands.get(key, 0.0) > 0)
                rate = min(rate, capacity / coef)
        return rate


class MigrationScheduler:
    """Queue, limits, shared resources and faults for migrations on `clock`."""

    def __init__(self, clock: Clock, *, seed: int = 0, engine: EngineKind | str = EngineKind.Fast,
                 on_progress: ProgressCallback | None = None,
                 on_finish: Callable[[MigrationResult], None] | None = None):
        self.clock = clock
        self.seed = seed
        self.engine = EngineKind(engine)
        self.on_progress = on_progress
        self.on_finish = on_finish
        self.network = FlowNetwork(clock)
        self.handles: list[MigrationHandle] = []
        self._queues: dict[tuple, deque[MigrationHandle]] = {}
        self._running: list[MigrationHandle] = []
        self._hosts: dict[str, HostSpec] = {}
        self._slots: dict[tuple[str, str], int] = {}
        self._down_hosts: set[str] = set()
        self._down_networks: set[str] = set()
        self._down_storage: set[str] = set()
        self._env = _Environment(self)

    # --- the lab's state --------------------------------------------------------------

    def update_host(self, host: HostSpec) -> None:
        """Register a host or change its settings (NICs, limits, CPU demand,
        SMB limit); running transfers adjust at once."""
        self._hosts[host.name] = host
        caps = host_capacities(host)
        if host.name in self._down_networks:
            caps.update({k: 0.0 for k in self._link_keys(host)})
        self.network.set_capacities(caps)
        self._dispatch()

    def host(self, name: str) -> HostSpec:
        return self._hosts[name]

    def update_storage(self, storage: StorageSpec) -> None:
        self.network.set_capacities(storage_capacities(storage))

    @staticmethod
    def _link_keys(host: HostSpec) -> list:
        keys = []
        for iface in interfaces(host):
            keys += [tx_key(host.name, iface.name), rx_key(host.name, iface.name)]
        return keys

    # --- submitting -----------------------------------------------------------------------

    def submit(self, spec: MigrationSpec, *, rng: np.random.Generator | None = None,
               on_progress: ProgressCallback | None = None) -> MigrationHandle:
        """Queue a migration now; it starts as soon as each of its hosts has
        a free slot (earlier submissions first).  The hosts and storage in
        `spec` are registered, or updated if they changed.  Raises
        TransportError when the hosts cannot migrate with the option."""
        if spec.uses_network:
            resolve_route(spec.source, spec.destination, spec.option)
        for host in (spec.source, spec.destination):
            if self._hosts.get(host.name) != host:
                self.update_host(host)
        for storage in (spec.source_storage, spec.destination_storage):
            if storage is not None:
                self.update_storage(storage)
        number = len(self.handles)
        if rng is None and self.engine is not EngineKind.Expected:
            rng = np.random.default_rng([self.seed, number])
        handle = MigrationHandle(self, spec, number, rng, on_progress)
        self.handles.append(handle)
        self._enqueue(handle)
        self._dispatch()
        return handle

    def inject_fault(self, kind: FaultKind | str, target: str, after: float = 0.0) -> Timer:
        """Make `target` (a host or storage name) fail or recover at now +
        `after` seconds."""
        kind = FaultKind(kind)
        return self.clock.schedule(after, lambda: self._apply_fault(kind, target))

    def running(self) -> list[MigrationHandle]:
        return list(self._running)

    def queued(self) -> list[MigrationHandle]:
        return [h for h in self.handles if h.state is MigrationState.Queued]

    # --- queue ------------------------------------------------------------------------------

    def _slot_keys(self, handle: MigrationHandle) -> list[tuple[str, str]]:
        """The (slot type, host) pairs a migration holds while it runs."""
        kind = "storage" if handle.spec.kind is MigrationKind.Storage else "live"
        return [(kind, host) for host in handle.spec.hosts]

    def _limit(self, key: tuple[str, str]) -> int:
        kind, host = key
        spec = self._hosts[host]
        return spec.storage_limit if kind == "storage" else spec.live_limit

    def _enqueue(self, handle: MigrationHandle) -> None:
        key = tuple(self._slot_keys(handle))
        self._queues.setdefault(key, deque()).append(handle)

    def _dispatch(self) -> None:
        """Start queued migrations, earliest first, while some has a free
        slot on each of its hosts.  Queued migrations are grouped by the
        slots they need, so each step looks at groups, not at the queue."""
        starting = []
        while True:
            best = None
            for keys, queue in self._queues.items():
                if queue and all(self._slots.get(k, 0) < self._limit(k) for k in keys):
                    if best is None or queue[0].number < best[1][0].number:
                        best = (keys, queue)
            if best is None:
                break
            keys, queue = best
            handle = queue.popleft()
            for k in keys:
                self._slots[k] = self._slots.get(k, 0) + 1
            starting.append(handle)
        for handle in starting:
            self._start(handle)

    def _start(self, handle: MigrationHandle) -> None:
        now = self.clock.now
        handle.state = MigrationState.Running
        handle.start_time = now
        handle.stats.started = now
        self._running.append(handle)
        reason = self._blocking_fault(handle)
        if reason is not None:
            self._conclude(handle, MigrationState.Failed, reason)
            return
        handle.process = self.clock.process(self._drive(handle))
        if handle.spec.uses_network and self._down_networks.intersection(handle.spec.hosts):
            self._arm_network_timer(handle)

    def _release(self, handle: MigrationHandle) -> None:
        keys = self._slot_keys(handle)
        if handle in self._running:
            self._running.remove(handle)
            for k in keys:
                self._slots[k] -= 1
        elif handle in self._queues.get(tuple(keys), ()):
            self._queues[tuple(keys)].remove(handle)

    # --- running -----------------------------------------------------------------------------

    def _engine_factory(self, handle: MigrationHandle):
        def make(layout: MemoryLayout, lru: bool):
            if self.engine is EngineKind.Exact:
                return ExactEngine(layout, handle.rng, lru=lru)
            return FastEngine(layout, handle.rng if self.engine is EngineKind.Fast else None, lru=lru)
        return make

    def _drive(self, handle: MigrationHandle):
        handle.driving = True
        if handle.result is not None:   # stopped before its first step
            return
        steps = procedure(handle.spec, self._env, handle.stats, self._engine_factory(handle))
        value = None
        try:
            while True:
                try:
                    step = steps.send(value)
                except StopIteration:
                    break
                value = None
                if isinstance(step, Mark):
                    if step.what == "pause":
                        handle.paused_at = self.clock.now
                    else:
                        handle.committed_at = self.clock.now
                    continue
                handle.step = step
                handle.step_started = self.clock.now
                handle.stats.activity = step.activity
                self._notify(handle)
                if isinstance(step, Delay):
                    yield step.seconds
                    continue
                flow = self.network.start(step.amount, step.demands, cap=step.cap,
                                          growth=step.growth, label=handle.vm_name)
                handle.flow = flow
                try:
                    value = yield flow.done
                finally:
                    self.network.stop(flow)
                    handle.flow = None
        except _Abort as abort:
            steps.close()
            self._conclude(handle, abort.state, abort.reason)
            return
        except MigrationFailure as failure:
            self._conclude(handle, MigrationState.Failed, str(failure))
            return
        except Exception as error:   # a defect, not a migration outcome: let the waiter see it
            self._release(handle)
            handle.done.fail(error)
            self._dispatch()
            return
        self._conclude(handle, MigrationState.Completed, "")

    def _conclude(self, handle: MigrationHandle, state: MigrationState, reason: str) -> None:
        if handle.result is not None:
            return
        now = self.clock.now
        self._release(handle)
        if handle.network_timer is not None:
            handle.network_timer.cancel()
            handle.network_timer = None
        handle.state = state
        downtime = 0.0
        if handle.paused_at is not None:
            downtime = (handle.committed_at if handle.committed else now) - handle.paused_at
        stats = handle.stats
        spec = handle.spec
        start = handle.start_time
        handle.final_percent = 100.0 if state is MigrationState.Completed else handle._percent(now)
        handle.step = None
        stats.activity = state.value
        handle.result = MigrationResult(
            vm_name=spec.vm_name, kind=spec.kind, source=spec.source.name,
            destination=spec.destination.name, option=performance_option(spec),
            transport=stats.transport, used=stats.used,
            rdma=stats.route is not None and stats.route.rdma,
            source_nics=stats.route.source_interfaces if stats.route else (),
            destination_nics=stats.route.destination_interfaces if stats.route else (),
            state=state, reason=reason, queued_at=handle.queued_at,
            start_time=start, end_time=now, duration=0.0 if start is None else now - start,
            downtime=downtime, rounds=stats.rounds, bytes_transferred=stats.bytes_transferred,
            passes=tuple(stats.passes), converged=stats.converged)
        self._notify(handle)
        if self.on_finish is not None:
            self.on_finish(handle.result)
        handle.done.succeed(handle.result)
        self._dispatch()

    def _notify(self, handle: MigrationHandle) -> None:
        if handle.on_progress is None and self.on_progress is None:
            return
        progress = handle.progress()
        for callback in (handle.on_progress, self.on_progress):
            if callback is not None:
                callback(progress)

    def _abort(self, handle: MigrationHandle, state: MigrationState, reason: str) -> bool:
        if handle.result is not None or handle.committed:
            return False
        if handle.driving:
            handle.process.interrupt(_Abort(state, reason))
        else:
            self._conclude(handle, state, reason)
        return True

    # --- faults ---------------------------------------------------------------------------------

    def _blocking_fault(self, handle: MigrationHandle) -> str | None:
        spec = handle.spec
        for host in spec.hosts:
            if host in self._down_hosts:
                return f"The host {host} is not running; the virtual machine stays on {spec.source.name}."
        for storage in spec.storages:
            if storage in self._down_storage and spec.kind is not MigrationKind.Live:
                return f"The storage {storage} is not reachable."
        return None

    def _active(self) -> list[MigrationHandle]:
        return [h for h in self.handles if h.result is None]

    def _apply_fault(self, kind: FaultKind, target: str) -> None:
        if kind is FaultKind.HostCrash:
            self._down_hosts.add(target)
            for handle in self._active():
                if target in handle.spec.hosts:
                    if target == handle.spec.source.name:
                        reason = f"The source host {target} stopped running."
                    else:
                        reason = (f"The destination host {target} stopped responding; the virtual "
                                  f"machine keeps running on {handle.spec.source.name}.")
                    self._abort(handle, MigrationState.Failed, reason)
        elif kind is FaultKind.HostRecover:
            self._down_hosts.discard(target)
        elif kind is FaultKind.NetworkDown:
            self._down_networks.add(target)
            host = self._hosts.get(target)
            if host is not None:
                self.network.set_capacities({k: 0.0 for k in self._link_keys(host)})
            for handle in self._running:
                if handle.spec.uses_network and target in handle.spec.hosts:
                    self._arm_network_timer(handle)
        elif kind is FaultKind.NetworkUp:
            self._down_networks.discard(target)
            host = self._hosts.get(target)
            if host is not None:
                self.update_host(host)
            for handle in self._running:
                if handle.network_timer is not None and not self._down_networks.intersection(handle.spec.hosts):
                    handle.network_timer.cancel()
                    handle.network_timer = None
        elif kind is FaultKind.StorageDown:
            self._down_storage.add(target)
            for handle in self._active():
                if target in handle.spec.storages and handle.spec.kind is not MigrationKind.Live:
                    self._abort(handle, MigrationState.Failed, f"The storage {target} is not reachable.")
        else:
            self._down_storage.discard(target)

    def _arm_network_timer(self, handle: MigrationHandle) -> None:
        if handle.network_timer is not None:
            return
        spec = handle.spec

        def expire() -> None:
            handle.network_timer = None
            self._abort(handle, MigrationState.Failed,
                        f"The network connection between {spec.source.name} and "
                        f"{spec.destination.name} was lost; the virtual machine keeps running on "
                        f"{spec.source.name}.")
        handle.network_timer = self.clock.schedule(C.NETWORK_TIMEOUT_S, expire)
