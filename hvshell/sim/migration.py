"""The migration procedures, as generators of steps.

Each kind of migration is a generator that yields what it does next:
`Delay` (a fixed-time phase), `Transfer` (an amount of payload that uses
resources; the driver sends back the transfer's `RateProfile`) or `Mark`
(the VM is paused, or the migration reached its point of no return).  The
same generator runs under the scheduler on the lab's clock, sharing links
with other migrations, and under `plan_migration` alone; so a prediction and
a run follow one code path.

Live migration (docs/model.md): build-up; the first pass sends every page; dirty
passes re-send what the guest dirtied (hvshell.sim.memory) until what is left
could be sent within `STOP_REMAINDER_S` at the last pass's rate, or 10 dirty
passes have run; blackout: the VM is paused, the rest and the device state
are sent, the VM resumes on the destination after the switch-over (downtime
= pause to resume); tear-down of the source.  Before the resume nothing is
lost: a failure leaves the VM running on the source.

With Compression, each pass decides whether compressing pays: it does when
memory would move faster compressed (bounded by the link and by the cores
the VMs leave idle at both hosts, shared among compressing transfers) than
plain; otherwise the pass goes as plain TCP/IP (the 2012 R2 fallback when the
VMs need the CPU), and the result's `used` option says TCPIP when no pass
compressed.

Storage migration copies the guest's used disk bytes at the pace of the
slowest of source storage, destination storage and (across hosts) the
network, while the guest's new writes are mirrored: they add to the work at
the disk write rate.  A guest that writes faster than its disks can be copied
fails the migration up front.  Shared-nothing: storage first, then memory.
Quick migration: pause, save memory to the shared storage, hand over,
restore on the destination: all of it is downtime.
"""
from __future__ import annotations

import math
from typing import Callable, Generator, Mapping, Protocol

import attrs

from hvshell.sim import constants as C
from hvshell.sim.memory import (PAGE, MemoryEngine, MemoryLayout, PassTiming, dirty_budget,
                                pass_segments, solve_write_scale)
from hvshell.sim.results import PassRecord
from hvshell.sim.specs import MigrationKind, MigrationSpec, PerformanceOption
from hvshell.sim.transport import Route, cpu_key, memory_key, resolve_route, storage_key


@attrs.frozen
class Delay:
    seconds: float
    activity: str
    span: tuple[float, float]


@attrs.frozen
class Transfer:
    amount: float
    demands: Mapping
    cap: float | None
    growth: float
    activity: str
    span: tuple[float, float]
    pass_index: int | None = None


@attrs.frozen
class Mark:
    """"pause": the VM stops running; "commit": it runs at the destination
    (or on its new storage) and the migration can no longer be undone."""
    what: str


Step = Delay | Transfer | Mark


class MigrationFailure(Exception):
    """The migration cannot go on; `str(exc)` is the reason."""


class Environment(Protocol):
    """What a procedure may ask of whoever drives it."""

    @property
    def now(self) -> float: ...

    def standalone_rate(self, demands: Mapping, cap: float | None, idle_cpu: bool = False) -> float:
        """The rate a transfer would get on its own (host CPU counted as
        shared with the transfers already using it; with `idle_cpu`, only
        the processors the hosts' VMs leave idle)."""


EngineFactory = Callable[[MemoryLayout, bool], MemoryEngine]


class Stats:
    """What a migration's procedure has done so far (read by the driver).
    `route` is None for moves without a network (storage, quick), whose
    path is then `path`; `compressed` is None until a pass of a Compression
    route has chosen, then whether any pass was sent compressed."""

    __slots__ = ("started", "passes", "rounds", "converged", "route", "path", "compressed",
                 "activity", "pass_index")

    def __init__(self, started: float, spec: MigrationSpec):
        self.started = started
        self.passes: list[PassRecord] = []
        self.rounds = 0
        self.converged: bool | None = None
        self.route: Route | None = (resolve_route(spec.source, spec.destination, spec.option)
                                    if spec.uses_network else None)
        self.path = "" if self.route is not None else storage_path_text(spec)
        self.compressed: bool | None = None
        self.activity = "Queued"
        self.pass_index: int | None = None

    @property
    def bytes_transferred(self) -> float:
        return sum(p.wire_bytes for p in self.passes)

    @property
    def used(self) -> PerformanceOption | None:
        """The performance option the bytes actually went with: a
        Compression route whose passes all fell back sent TCP/IP."""
        route = self.route
        if route is None:
            return None
        if route.compression and self.compressed is False:
            return PerformanceOption.TCPIP
        return route.option

    @property
    def transport(self) -> str:
        """'SMB Direct over LM1+LM2 to LM1+LM2', or the storage path."""
        return self.route.describe(self.used) if self.route is not None else self.path

    def chose(self, compressed: bool) -> None:
        if self.route is not None and self.route.compression:
            self.compressed = bool(self.compressed) or compressed


def storage_path_text(spec: MigrationSpec) -> str:
    """Where a move without a network puts its bytes."""
    if spec.kind is MigrationKind.Quick:
        return f"Saved state on {spec.source_storage.name}"
    return f"{spec.source_storage.name} to {spec.destination_storage.name}"


def planned_transport(spec: MigrationSpec) -> str:
    """How the bytes will travel, known before the migration starts."""
    if spec.uses_network:
        return resolve_route(spec.source, spec.destination, spec.option).description
    return storage_path_text(spec)


def procedure(spec: MigrationSpec, env: Environment, stats: Stats,
              make_engine: EngineFactory) -> Generator[Step, object, None]:
    """The steps of `spec`'s migration."""
    kind = spec.kind
    route = stats.route

    if kind is MigrationKind.Live:
        yield Delay(C.SETUP_S, "Setting up the destination", (0.0, 2.0))
        if spec.running:
            yield from _live_memory(spec, route, env, stats, make_engine, (2.0, 99.5))
        else:
            yield Mark("commit")
        yield Delay(C.TEARDOWN_S, "Cleaning up the source", (99.5, 100.0))
    elif kind is MigrationKind.SharedNothing:
        yield Delay(C.SETUP_S, "Setting up the destination", (0.0, 1.0))
        memory = spec.workload.memory_bytes if spec.running else 0
        split = 1.0 + 98.0 * spec.disk_bytes / max(spec.disk_bytes + memory, 1)
        yield from _storage_copy(spec, route, env, stats, (1.0, split))
        if spec.running:
            yield from _live_memory(spec, route, env, stats, make_engine, (split, 99.5))
        else:
            yield Mark("commit")
        yield Delay(C.TEARDOWN_S + C.STORAGE_CLEANUP_S, "Deleting the source files", (99.5, 100.0))
    elif kind is MigrationKind.Storage:
        yield from _storage_copy(spec, None, env, stats, (0.0, 97.0))
        yield Delay(C.STORAGE_SWITCH_S, "Switching to the destination files", (97.0, 99.0))
        yield Mark("commit")
        yield Delay(C.STORAGE_CLEANUP_S, "Deleting the source files", (99.0, 100.0))
    else:
        yield from _quick(spec, env, stats)


def _pass_span(span: tuple[float, float], index: int) -> tuple[float, float]:
    """Progress for pass `index`: the first copy takes 85 % of the memory
    phase, each dirty pass half of what is left of the next 10 %."""
    lo, hi = span
    width = hi - lo
    if index == 0:
        return lo, lo + 0.85 * width
    a = lo + width * (0.85 + 0.10 * (1 - 0.5 ** (index - 1)))
    b = lo + width * (0.85 + 0.10 * (1 - 0.5 ** index))
    return a, b


def _page_transfer(route: Route, layout: MemoryLayout, counts: list[float], env: Environment,
                   extra: float = 0.0) -> tuple[bool, list[float], float, dict]:
    """How to send these pages: (compressed?, wire bytes per page of each
    class, wire bytes in all, resources per wire byte).  With Compression,
    compressing is chosen when it moves memory faster than plain TCP/IP on
    what this transfer would get alone, counting only the processors the
    hosts' VMs leave idle (shared with the other compressing transfers):
    when the VMs need the CPU, the pass goes as plain TCP/IP (2012 R2's
    fallback); `extra` uncompressed bytes ride along."""
    choices = [False, True] if route.compression else [False]
    best = None
    raw = sum(counts) * PAGE
    for compressed in choices:
        costs = [c.wire_bytes(compressed) for c in layout.classes]
        wire = sum(n * c for n, c in zip(counts, costs)) + extra
        demands = _memory_demands(route, layout, counts, wire, compressed)
        rate = env.standalone_rate(demands, route.stream_cap, idle_cpu=True)
        speed = rate * (raw + extra) / wire if wire > 0 else 0.0
        if best is None or speed > best[0]:
            best = (speed, (compressed, costs, wire, demands))
    return best[1]


def _memory_demands(route: Route, layout: MemoryLayout, counts: list[float], wire: float,
                    compressed: bool) -> dict:
    """Resource use per wire byte of a memory transfer with this page mix."""
    demands = route.demands()
    raw = sum(counts) * PAGE
    per_wire = raw / wire if wire > 0 else 1.0
    demands[memory_key(route.source)] = route.memory_touches[0] * per_wire
    demands[memory_key(route.destination)] = route.memory_touches[1] * per_wire
    if compressed and wire > 0:
        src = dst = 0.0
        for n, cls in zip(counts, layout.classes):
            cs, cd = cls.cpu_seconds(True)
            src += n * cs
            dst += n * cd
        demands[cpu_key(route.source)] = src / wire
        demands[cpu_key(route.destination)] = dst / wire
    return demands


def _live_memory(spec: MigrationSpec, route: Route, env: Environment, stats: Stats,
                 make_engine: EngineFactory, span: tuple[float, float]):
    layout = MemoryLayout.from_workload(spec.workload)
    engine = make_engine(layout, spec.source.version in C.LRU_FIRST_PASS_VERSIONS)
    index = 0
    while True:
        counts = engine.dirty_counts()
        runs = engine.runs()
        compressed, costs, wire, demands = _page_transfer(route, layout, counts, env)
        stats.chose(compressed)
        activity = "Copying memory" if index == 0 else f"Copying dirty memory (pass {index})"
        start = env.now
        stats.pass_index = index
        profile = yield Transfer(wire, demands, route.stream_cap, 0.0, activity,
                                 _pass_span(span, index), index)
        timing = PassTiming(profile, wire)
        segments = pass_segments(layout, runs, costs, timing, engine.clean_runs())
        kappa = solve_write_scale(layout, segments, dirty_budget(layout, segments))
        engine.finish_pass(timing, segments, costs, kappa)
        stats.passes.append(PassRecord("Memory", index, sum(counts), sum(counts) * PAGE, wire,
                                       start - stats.started, timing.duration, compressed))
        stats.rounds = index
        left = sum(n * c for n, c in zip(engine.dirty_counts(), costs))
        rate = wire / timing.duration if timing.duration > 0 else math.inf
        if left <= rate * C.STOP_REMAINDER_S:
            stats.converged = True
            break
        if index >= C.MAX_DIRTY_PASSES:
            stats.converged = False
            break
        index += 1

    yield Mark("pause")
    counts = engine.dirty_counts()
    compressed, costs, wire, demands = _page_transfer(route, layout, counts, env, C.DEVICE_STATE_BYTES)
    stats.chose(compressed)
    lo, hi = span
    start = env.now
    stats.pass_index = None
    profile = yield Transfer(wire, demands, route.stream_cap, 0.0,
                             "Sending the last pages and device state",
                             (lo + 0.95 * (hi - lo), lo + 0.99 * (hi - lo)))
    stats.passes.append(PassRecord("Blackout", index + 1, sum(counts),
                                   sum(counts) * PAGE + C.DEVICE_STATE_BYTES, wire,
                                   start - stats.started, profile.duration, compressed))
    yield Delay(C.SWITCHOVER_S, "Switching over", (lo + 0.99 * (hi - lo), hi))
    yield Mark("commit")


def _storage_copy(spec: MigrationSpec, route: Route | None, env: Environment, stats: Stats,
                  span: tuple[float, float]):
    source, target = spec.source_storage, spec.destination_storage
    demands: dict = {storage_key(source.name): 1.0}
    demands[storage_key(target.name)] = demands.get(storage_key(target.name), 0.0) + 1.0
    cap = None
    if route is not None:
        demands.update(route.link_demands)
        cap = route.stream_cap
    growth = spec.workload.disk_write_rate
    if spec.disk_bytes > 0:
        best = env.standalone_rate(demands, cap)
        if best <= growth:
            raise MigrationFailure(
                f"The virtual machine writes to its disks at {growth / 1e6:.0f} MB/s, as fast as or "
                f"faster than they can be copied ({best / 1e6:.0f} MB/s): the copy would never finish. "
                f"Reduce the guest's disk writes or use faster storage.")
    lo, hi = span
    yield Delay(C.STORAGE_SETUP_S, "Creating the destination files", (lo, lo + 0.02 * (hi - lo)))
    start = env.now
    stats.pass_index = None
    profile = yield Transfer(spec.disk_bytes, demands, cap, growth, "Copying storage",
                             (lo + 0.02 * (hi - lo), hi))
    moved = spec.disk_bytes + growth * profile.duration
    stats.passes.append(PassRecord("Storage", 0, 0.0, moved, moved, start - stats.started,
                                   profile.duration, False))


def _quick(spec: MigrationSpec, env: Environment, stats: Stats):
    memory = float(spec.workload.memory_bytes)
    pages = math.ceil(memory / PAGE)
    demands = {storage_key(spec.source_storage.name): 1.0}
    yield Mark("pause")
    for kind, activity, span in (("Save", "Saving the virtual machine", (0.0, 45.0)),
                                 ("Restore", "Restoring the virtual machine", (55.0, 100.0))):
        if kind == "Restore":
            yield Delay(C.QUICK_HANDOVER_S, f"Moving the virtual machine to {spec.destination.name}",
                        (45.0, 55.0))
        start = env.now
        profile = yield Transfer(memory, demands, None, 0.0, activity, span)
        stats.passes.append(PassRecord(kind, 0, pages, memory, memory, start - stats.started,
                                       profile.duration, False))
    yield Mark("commit")


def performance_option(spec: MigrationSpec) -> PerformanceOption:
    """The option a migration reports: the source's option for network
    moves, TCPIP for the others."""
    return spec.option if spec.uses_network else PerformanceOption.TCPIP
