#!/usr/bin/env python3
"""Cost of Hyper-V Replica cycles on the lab clock.

Simulates one day of 5-minute cycles (288 per VM) for 10 and then 100
replicated VMs, and reports the wall time per VM-cycle.  Each cycle is one
timed action per replicated VM, so the cost per VM-cycle should stay flat
as VMs are added (ratio near 1).  Baseline in the same run: the same day
on the same labs with replication not enabled (the clock's own cost).

    .venv/bin/python scripts/bench/replica.py [--small 10] [--large 100]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

DAY = 24 * 3600.0
GB = 2**30


def build_lab(vm_count: int, replicate: bool):
    from hvshell.model.compute import build
    from hvshell.model.replica import lifecycle
    from hvshell.model.lab import Lab
    from hvshell.model.replica.settings import (RecoveryAuthenticationType,
                                           ReplicationAuthenticationType)
    from hvshell.model.compute.versions import V2012R2

    lab = Lab(seed=1)
    primary = build.new_host(lab, "P", V2012R2)
    target = build.new_host(lab, "R", V2012R2)
    lifecycle.set_replication_server(target, True, RecoveryAuthenticationType.Kerberos, True,
                                   "C:\\Replica")
    for i in range(vm_count):
        name = f"vm{i:04d}"
        vm = build.new_vm(lab, primary, name, 1 * GB, new_vhd_path=f"C:\\VMs\\{name}.vhdx",
                          new_vhd_size=20 * GB)
        if replicate:
            lifecycle.enable(lab, vm, "R", 80, ReplicationAuthenticationType.Kerberos)
            lab.clock.run_until_done(lab.clock.process(
                lifecycle.begin_initial_replication(lab, vm)))
    return lab


def day_seconds(vm_count: int, replicate: bool) -> float:
    lab = build_lab(vm_count, replicate)
    start = time.perf_counter()
    lab.clock.advance(DAY)
    return time.perf_counter() - start


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--small", type=int, default=10)
    options.add_argument("--large", type=int, default=100)
    args = options.parse_args()
    cycles_per_vm = DAY / 300
    per_cycle = {}
    for count in (args.small, args.large):
        replicated = day_seconds(count, True)
        baseline = day_seconds(count, False)
        per_cycle[count] = replicated / (count * cycles_per_vm)
        print(f"{count:5d} VMs: one day {replicated * 1000:8.1f} ms replicated, "
              f"{baseline * 1000:6.1f} ms without replication; "
              f"{per_cycle[count] * 1e6:6.1f} us per VM-cycle")
    ratio = per_cycle[args.large] / per_cycle[args.small]
    print(f"cost per VM-cycle, {args.large} VMs vs {args.small}: {ratio:.2f}x (flat is 1.00x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
