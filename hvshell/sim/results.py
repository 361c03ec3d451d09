"""What the migration model reports: results, passes, progress."""
from __future__ import annotations

import enum

import attrs

from hvshell.sim.specs import MigrationKind, PerformanceOption


class MigrationState(enum.StrEnum):
    Queued = "Queued"
    Running = "Running"
    Completed = "Completed"
    Failed = "Failed"
    Cancelled = "Cancelled"


@attrs.frozen
class PassRecord:
    """One transfer of a migration.  `kind` is Memory (a pre-copy pass;
    `index` 0 is the full first copy, 1.. the dirty passes), Blackout (the
    rest of memory and the device state, VM paused), Storage (a disk copy),
    Save or Restore (quick migration).  `start` is seconds from the
    migration's start; bytes on the wire are after compression."""

    kind: str
    index: int
    pages: float
    raw_bytes: float
    wire_bytes: float
    start: float
    duration: float
    compressed: bool = False

    @property
    def rate(self) -> float:
        """Wire bytes per second."""
        return self.wire_bytes / self.duration if self.duration > 0 else 0.0


@attrs.frozen
class MigrationResult:
    """The outcome of one migration.  Times are simulated seconds on the
    clock (queued_at, start_time, end_time) or durations in seconds.
    `rounds` counts dirty passes (0–10); `converged` is False when the pass
    cap, not the stop threshold, ended pre-copy (None without a memory
    phase).  A Failed or Cancelled migration left the VM on its source;
    `reason` says why."""

    vm_name: str
    kind: MigrationKind
    source: str
    destination: str
    option: PerformanceOption
    transport: str
    used: PerformanceOption | None
    rdma: bool
    source_nics: tuple[str, ...]
    destination_nics: tuple[str, ...]
    state: MigrationState
    reason: str
    queued_at: float
    start_time: float | None
    end_time: float
    duration: float
    downtime: float
    rounds: int
    bytes_transferred: float
    passes: tuple[PassRecord, ...]
    converged: bool | None

    @property
    def completed(self) -> bool:
        return self.state is MigrationState.Completed

    def memory_passes(self) -> tuple[PassRecord, ...]:
        return tuple(p for p in self.passes if p.kind == "Memory")


@attrs.frozen
class Progress:
    """A migration's progress at `time`: what it is doing, which pass, how
    far along (0–100), the current rate (bytes/s) and an estimate of the
    seconds left (None while unknown)."""

    vm_name: str
    state: MigrationState
    activity: str
    pass_index: int | None
    percent: float
    rate: float
    seconds_left: float | None
    time: float
