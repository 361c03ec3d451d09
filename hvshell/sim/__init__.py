"""The simulation core: the clock, and the numpy model of Hyper-V migrations.

Modules, one concern each:

- `clock`: the lab's one simulated clock (events, processes, timers).
- `constants`: every constant of the migration model, with its source.
- `specs`: plain inputs (workload, hosts and their migration NICs, storage,
  the migration to run); the lab maps its objects onto these.
- `memory`: memory as 4 KiB pages in classes; how the guest dirties them;
  the page-exact and the fast (per-class) engines.
- `transport`: TCPIP, Compression and SMB (Multichannel, SMB Direct) routes;
  which links, CPU and memory bandwidth a migration's bytes use.
- `flows`: max-min fair sharing of those resources among running transfers.
- `migration`: the live, storage, shared-nothing and quick procedures as
  generators of steps.
- `scheduler`: migrations on the clock: limits, FIFO queue, cancellation,
  faults, progress.
- `planner`: one migration alone, for prediction.
- `results`: MigrationResult, PassRecord, Progress.

Typical use::

    from hvshell.sim import (HostSpec, NicSpec, WorkloadSpec, MigrationSpec,
                             plan_migration, MigrationScheduler)
    a = HostSpec("HV1", migration_nics=[NicSpec("NIC1", 10)])
    b = HostSpec("HV2", migration_nics=[NicSpec("NIC1", 10)])
    vm = WorkloadSpec(8 * 2**30, working_set_bytes=2 * 2**30, dirty_rate_mbps=10,
                      zero_page_percent=40, compression_ratio=3.0)
    spec = MigrationSpec("SQL1", "Live", vm, a, b, option="Compression")
    plan_migration(spec, rng=7)             # prediction, no clock touched
    scheduler = MigrationScheduler(clock, seed=7)
    handle = scheduler.submit(spec)         # runs on the lab's clock
    clock.run_until_done(handle.done)       # -> MigrationResult

The core never imports the shell (hvshell.runtime, hvshell.cmdlets) nor the
lab model (hvshell.model).
"""
from hvshell.sim.memory import ExactEngine, FastEngine, MemoryLayout, PageClass
from hvshell.sim.migration import MigrationFailure
from hvshell.sim.planner import plan_migration
from hvshell.sim.results import MigrationResult, MigrationState, PassRecord, Progress
from hvshell.sim.scheduler import EngineKind, FaultKind, MigrationHandle, MigrationScheduler
from hvshell.sim.specs import (HostSpec, MigrationKind, MigrationSpec, NicSpec, PerformanceOption,
                               StorageKind, StorageSpec, WorkloadSpec)
from hvshell.sim.transport import Route, TransportError, resolve_route

__all__ = [
    "EngineKind", "ExactEngine", "FastEngine", "FaultKind", "HostSpec", "MemoryLayout",
    "MigrationFailure", "MigrationHandle", "MigrationKind", "MigrationResult",
    "MigrationScheduler", "MigrationSpec", "MigrationState", "NicSpec", "PageClass",
    "PassRecord", "PerformanceOption", "Progress", "Route", "StorageKind", "StorageSpec",
    "TransportError", "WorkloadSpec", "plan_migration", "resolve_route",
]
