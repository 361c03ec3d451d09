#!/usr/bin/env python3
"""Benchmark of the migration core, each figure next to a baseline measured
in the same run.

1. Fast engine: one live migration of a 56 GiB VM with a 5.6 GiB working set
   over 10 GbE (plan_migration, Fast engine), per migration.  Goal ≤ 2 ms.
   Twice: dirtying 300 MB/s (converges in a few passes) and 1,000 MB/s
   (runs all 10 dirty passes).
2. Page-exact engine on the same VMs.  Goal ≤ 200 ms.
3. Drain: 1,024 VMs from one host to three others with the default limits,
   through the scheduler on a clock.  Goal ≤ 1 s.
4. Peak traced memory of all of the above.  Goal ≤ 300 MB.

Baseline: allocating and filling one byte per page of the 56 GiB VM
(np.ones of 14.7 M uint8), the cheapest thing a per-page model must do.

Usage: scripts/bench/migration.py [--repeat N]
"""
from __future__ import annotations

import argparse
import pathlib
import resource
import sys
import time
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402

from hvshell.model.compute.workload import Workload, WorkloadProfile  # noqa: E402
from hvshell.model.mobility.mapping import guest_spec  # noqa: E402
from hvshell.sim import (EngineKind, HostSpec, MigrationScheduler, MigrationSpec,  # noqa: E402
                         NicSpec, WorkloadSpec, plan_migration)
from hvshell.sim.clock import Clock  # noqa: E402
from hvshell.sim.memory import PAGE  # noqa: E402

GiB = 2**30


def big_vm_spec(dirty_rate_mbps: float) -> MigrationSpec:
    nics = (NicSpec("NIC1", 10.0),)
    workload = WorkloadSpec(memory_bytes=56 * GiB, working_set_bytes=int(5.6 * GiB),
                            dirty_rate_mbps=dirty_rate_mbps, zero_page_percent=30.0,
                            compression_ratio=2.0, cpu_percent=40.0)
    return MigrationSpec("Big", "Live", workload, HostSpec("HV1", migration_nics=nics),
                         HostSpec("HV2", migration_nics=nics), option="TCPIP")


def timed(fn, repeat: int) -> tuple[float, object]:
    """Best wall time of `repeat` runs (seconds) and the last result."""
    best = float("inf")
    result = None
    for i in range(repeat):
        start = time.perf_counter()
        result = fn(i)
        best = min(best, time.perf_counter() - start)
    return best, result


def drain(count: int = 1024) -> tuple[float, float]:
    """Drain `count` VMs from HV0 to HV1..HV3; returns (wall s, simulated s)."""
    nics = (NicSpec("NIC1", 10.0),)
    source = HostSpec("HV0", memory_bandwidth=40e9, migration_nics=nics)
    targets = [HostSpec(f"HV{i}", migration_nics=nics) for i in (1, 2, 3)]
    profiles = (WorkloadProfile.Idle, WorkloadProfile.Web, WorkloadProfile.FileServer,
                WorkloadProfile.Database)
    specs = [MigrationSpec(f"VM{i:04d}", "Live",
                           guest_spec(Workload.from_profile(profiles[i % 4], (1 + i % 4) * GiB),
                                      (1 + i % 4) * GiB),
                           source, targets[i % 3], option="TCPIP")
             for i in range(count)]
    clock = Clock()
    start = time.perf_counter()
    scheduler = MigrationScheduler(clock, seed=1)
    handles = [scheduler.submit(spec) for spec in specs]
    clock.run_until_done(clock.all_of(h.done for h in handles))
    wall = time.perf_counter() - start
    assert all(h.result.completed for h in handles)
    return wall, clock.now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    specs = {"converging": big_vm_spec(300.0), "10 dirty passes": big_vm_spec(1000.0)}
    pages = specs["converging"].workload.memory_bytes // PAGE

    baseline, _ = timed(lambda i: np.ones(pages, dtype=np.uint8), args.repeat)
    plan_migration(specs["converging"], 0)   # warm-up (imports, caches)
    fast, exact = {}, {}
    for name, spec in specs.items():
        fast[name] = timed(lambda i, spec=spec: plan_migration(spec, i), max(args.repeat, 20))
        exact[name] = timed(lambda i, spec=spec: plan_migration(spec, i, engine=EngineKind.Exact),
                            args.repeat)
    drain_wall, drain_sim = min(drain() for _ in range(max(args.repeat // 2, 1)))

    # Memory in a second pass: tracing allocations slows Python down.
    tracemalloc.start()
    plan_migration(specs["10 dirty passes"], 0, engine=EngineKind.Exact)
    drain()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def row(name: str, seconds: float, goal: float, note: str = "") -> None:
        verdict = "ok" if seconds <= goal else "OVER GOAL"
        print(f"{name:44s} {seconds * 1e3:9.2f} ms  {seconds / baseline:8.1f}x baseline"
              f"  (goal {goal * 1e3:g} ms: {verdict}) {note}")

    print(f"baseline: np.ones({pages:,} pages, uint8)       {baseline * 1e3:9.2f} ms")
    for label, results, goal in (("fast engine", fast, 0.002), ("page-exact engine", exact, 0.200)):
        for name, (seconds, result) in results.items():
            row(f"{label}, 56 GiB VM, {name}", seconds, goal,
                f"[{result.rounds} rounds, {result.duration:.1f} s simulated]")
    row("drain of 1,024 VMs, 1 host to 3", drain_wall, 1.0,
        f"[{drain_sim / 3600:.2f} h simulated]")
    for name, value in (("peak traced memory (exact engine + drain)", peak),
                        ("peak resident set of this process", max_rss)):
        verdict = "ok" if value <= 300e6 else "OVER GOAL"
        print(f"{name:44s} {value / 1e6:9.1f} MB  {value / pages:8.2f} bytes per page of the "
              f"56 GiB VM  (goal 300 MB: {verdict})")


if __name__ == "__main__":
    main()
