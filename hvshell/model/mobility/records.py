"""Migration records: what Get-LabMigration lists and Show-LabMigration draws.

Every migration the lab accepts gets a `MigrationRecord` in
`Lab.migrations`, queued, running or finished; a refused one gets none
(docs/model.md).  A record is plain data saved with the lab.  While its
migration runs, the record reads the running migration (`handle`, the sim
core's MigrationHandle) so that Get-LabMigration shows the present: its
state, the passes done so far, the bytes sent.  When the migration ends the
outcome is copied in and the handle let go (hvshell.model.mobility.service).

Units of the PowerShell-visible values follow the Get-LabMigration columns:
Duration in seconds, Downtime in milliseconds, bytes as bytes.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from hvshell.model.compute.host import VMMigrationPerformance
from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type
from hvshell.model.kernel.ids import Guid
from hvshell.sim.clock import EPOCH


class LabMigrationState(PSEnum):
    Queued = 0
    Running = 1
    Completed = 2
    Failed = 3
    Cancelled = 4


FINISHED_STATES = (LabMigrationState.Completed, LabMigrationState.Failed,
                   LabMigrationState.Cancelled)


def _time(seconds: float | None) -> dt.datetime | None:
    return None if seconds is None else EPOCH + dt.timedelta(seconds=seconds)


def performance_value(used: str) -> VMMigrationPerformance | None:
    """Get-LabMigration's Transport: the VMMigrationPerformance value the
    bytes went with ('' for moves without a network: None)."""
    return VMMigrationPerformance[used] if used else None


@ps_type
@attrs.define(eq=False)
class MigrationPass:
    """One transfer of a migration: a memory pass (index 0 is the full
    first copy, 1.. the dirty passes), the blackout, a storage copy, or the
    save and restore of a quick migration.  `start` counts from the
    migration's start; `wire_bytes` are after compression."""
    PS_TYPE = "hvshell.Lab.MigrationPass"

    kind: str
    index: int
    raw_bytes: float
    wire_bytes: float
    start: float
    duration: float
    compressed: bool = False

    @classmethod
    def from_sim(cls, record: Any) -> MigrationPass:
        return cls(record.kind, record.index, float(record.raw_bytes), float(record.wire_bytes),
                   float(record.start), float(record.duration), bool(record.compressed))

    @property
    def label(self) -> str:
        """'Pass 1' for the first memory copy, 'Pass 2' for the first dirty
        pass ...; the other kinds by name."""
        return f"Pass {self.index + 1}" if self.kind == "Memory" else self.kind

    @property
    def rate(self) -> float:
        return self.wire_bytes / self.duration if self.duration > 0 else 0.0

    # ---- what the shell shows -------------------------------------------------

    @property
    def Kind(self) -> str:
        return self.kind

    @property
    def Pass(self) -> str:
        return self.label

    @property
    def Start(self) -> float:
        return round(self.start, 3)

    @property
    def Duration(self) -> float:
        return round(self.duration, 3)

    @property
    def Bytes(self) -> int:
        return round(self.raw_bytes)

    @property
    def WireBytes(self) -> int:
        return round(self.wire_bytes)

    @property
    def BytesPerSecond(self) -> int:
        return round(self.rate)

    @property
    def Compressed(self) -> bool:
        return self.compressed

    def ToString(self) -> str:
        return self.label


@ps_type
@attrs.define(eq=False)
class MigrationRecord:
    """One migration: what moved where, how, and how it went.  `kind` is
    Live, Storage, SharedNothing or Quick; `option` the performance option
    the source host asked for and `used` the one the bytes went with (TCPIP
    when Compression fell back; '' without a network); `transport` the
    route as text; `reason` why it failed or was cancelled."""
    PS_TYPE = "hvshell.Lab.Migration"

    id: int
    vm_name: str
    vm_id: Guid
    kind: str
    source: str
    destination: str
    option: str
    transport: str
    queued_at: float
    state: LabMigrationState = LabMigrationState.Queued
    reason: str = ""
    start_time: float | None = None
    end_time: float | None = None
    duration: float = 0.0
    downtime: float = 0.0            # seconds
    rounds: int = 0
    bytes_transferred: float = 0.0
    converged: bool | None = None
    passes: list[MigrationPass] = attrs.Factory(list)
    used: str = ""
    rdma: bool = False
    source_nics: list[str] = attrs.Factory(list)
    destination_nics: list[str] = attrs.Factory(list)
    # The running migration (hvshell.sim MigrationHandle) while it runs, and
    # the clock event that triggers when it has ended and the lab has taken
    # its outcome in (not saved: a reloaded lab has no migration running).
    handle: Any = attrs.field(init=False, default=None, repr=False)
    done: Any = attrs.field(init=False, default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.current_state in FINISHED_STATES

    @property
    def current_state(self) -> LabMigrationState:
        if self.handle is not None and self.handle.result is None:
            return LabMigrationState[self.handle.state.value]
        return self.state

    def current_passes(self) -> list[MigrationPass]:
        if self.handle is not None and self.handle.result is None:
            return [MigrationPass.from_sim(p) for p in self.handle.stats.passes]
        return list(self.passes)

    def conclude(self, result: Any) -> None:
        """Copy the sim core's MigrationResult in and let the handle go."""
        self.state = LabMigrationState[result.state.value]
        self.reason = result.reason
        self.transport = result.transport or self.transport
        self.used = result.used.value if result.used is not None else ""
        self.rdma = result.rdma
        self.source_nics = list(result.source_nics)
        self.destination_nics = list(result.destination_nics)
        self.start_time = result.start_time
        self.end_time = result.end_time
        self.duration = result.duration
        self.downtime = result.downtime
        self.rounds = result.rounds
        self.bytes_transferred = result.bytes_transferred
        self.converged = result.converged
        self.passes = [MigrationPass.from_sim(p) for p in result.passes]
        self.handle = None

    def _running(self) -> Any:
        handle = self.handle
        return handle if handle is not None and handle.result is None else None

    # ---- what the shell shows (Get-LabMigration) -------------------------------

    @property
    def Id(self) -> int:
        return self.id

    @property
    def VMName(self) -> str:
        return self.vm_name

    @property
    def VMId(self) -> Guid:
        return self.vm_id

    @property
    def Type(self) -> str:
        return self.kind

    @property
    def Source(self) -> str:
        return self.source

    @property
    def Destination(self) -> str:
        return self.destination

    @property
    def PerformanceOption(self) -> str:
        return self.option

    @property
    def Transport(self) -> VMMigrationPerformance | None:
        """The performance option the bytes went with: TCPIP, Compression
        (TCPIP when compression fell back because the VMs needed the CPU)
        or SMB; None for storage and quick migrations."""
        handle = self._running()
        if handle is not None:
            used = handle.stats.used
            return performance_value(used.value if used is not None else "")
        return performance_value(self.used)

    @property
    def Rdma(self) -> bool:
        """Whether SMB Direct (RDMA) carried the memory."""
        handle = self._running()
        if handle is not None:
            return handle.stats.route is not None and handle.stats.route.rdma
        return self.rdma

    @property
    def SourceNics(self) -> list[str]:
        """The source's NICs or teams the bytes left by."""
        handle = self._running()
        if handle is not None and handle.stats.route is not None:
            return list(handle.stats.route.source_interfaces)
        return list(self.source_nics)

    @property
    def DestinationNics(self) -> list[str]:
        handle = self._running()
        if handle is not None and handle.stats.route is not None:
            return list(handle.stats.route.destination_interfaces)
        return list(self.destination_nics)

    @property
    def Route(self) -> str:
        """The transport with the interfaces or storage it uses."""
        handle = self._running()
        if handle is not None and handle.stats.transport:
            return handle.stats.transport
        return self.transport

    @property
    def State(self) -> LabMigrationState:
        return self.current_state

    @property
    def QueuedAt(self) -> dt.datetime:
        return _time(self.queued_at)

    @property
    def StartTime(self) -> dt.datetime | None:
        handle = self._running()
        return _time(handle.start_time if handle is not None else self.start_time)

    @property
    def EndTime(self) -> dt.datetime | None:
        return None if self._running() is not None else _time(self.end_time)

    @property
    def Duration(self) -> float:
        """Seconds from start to end (so far, while it runs)."""
        handle = self._running()
        if handle is not None:
            started = handle.start_time
            return 0.0 if started is None else round(handle.scheduler.clock.now - started, 3)
        return round(self.duration, 3)

    @property
    def Downtime(self) -> float:
        """Milliseconds the VM was paused (0 until its blackout ends)."""
        return 0.0 if self._running() is not None else round(self.downtime * 1000, 1)

    @property
    def Rounds(self) -> int:
        handle = self._running()
        return handle.stats.rounds if handle is not None else self.rounds

    @property
    def BytesTransferred(self) -> int:
        """Bytes on the wire (or copied), the transfer under way included."""
        handle = self._running()
        if handle is None:
            return round(self.bytes_transferred)
        sent = handle.stats.bytes_transferred
        flow, step = handle.flow, handle.step
        if flow is not None and hasattr(step, "amount"):
            now = handle.scheduler.clock.now
            sent += max(0.0, step.amount + step.growth * (now - flow.started)
                        - flow.remaining_at(now))
        return round(sent)

    @property
    def Reason(self) -> str:
        return self.reason

    @property
    def Converged(self) -> bool | None:
        return None if self._running() is not None else self.converged

    @property
    def Passes(self) -> list[MigrationPass]:
        return self.current_passes()

    def ToString(self) -> str:
        return f"{self.kind} migration of {self.vm_name} from {self.source} to {self.destination}"


@ps_type
class MigrationForecast:
    """What Measure-LabMigration predicts for one performance option: the
    migration alone, started now (the sim core's MigrationResult)."""
    PS_TYPE = "hvshell.Lab.MigrationForecast"
    __slots__ = ("result",)

    def __init__(self, result: Any):
        self.result = result

    @property
    def VMName(self) -> str:
        return self.result.vm_name

    @property
    def Type(self) -> str:
        return self.result.kind.value

    @property
    def Source(self) -> str:
        return self.result.source

    @property
    def Destination(self) -> str:
        return self.result.destination

    @property
    def PerformanceOption(self) -> str:
        return self.result.option.value

    @property
    def Transport(self) -> VMMigrationPerformance | None:
        """The performance option the bytes would go with (see
        MigrationRecord.Transport)."""
        used = self.result.used
        return performance_value(used.value if used is not None else "")

    @property
    def Rdma(self) -> bool:
        return self.result.rdma

    @property
    def SourceNics(self) -> list[str]:
        return list(self.result.source_nics)

    @property
    def DestinationNics(self) -> list[str]:
        return list(self.result.destination_nics)

    @property
    def Route(self) -> str:
        return self.result.transport

    @property
    def Duration(self) -> float:
        """Seconds."""
        return round(self.result.duration, 3)

    @property
    def Downtime(self) -> float:
        """Milliseconds."""
        return round(self.result.downtime * 1000, 1)

    @property
    def Rounds(self) -> int:
        return self.result.rounds

    @property
    def Converged(self) -> bool | None:
        return self.result.converged

    @property
    def BytesTransferred(self) -> int:
        return round(self.result.bytes_transferred)

    @property
    def Passes(self) -> list[MigrationPass]:
        return [MigrationPass.from_sim(p) for p in self.result.passes]
