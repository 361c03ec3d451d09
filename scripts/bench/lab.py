#!/usr/bin/env python3
"""The lab at datacenter scale: 64 hosts, 8,000 VMs (half running).

Times, through the real interpreter,

    Get-VM -ComputerName (Get-LabHost).Name | Where-Object State -eq Running | Measure-Object

and the memory it takes.  Baseline in the same run: the same count done
straight on the model in Python (a loop over the hosts' VMs), so the ratio
says what the shell's pipeline costs on top.  Goals: under 1 s, and the
whole process under 200 MB at its peak.

The lab is built through the model's own functions (the same rules as
New-LabHost/New-VM/Start-VM); building is reported but is not what is
measured.  The domains' event reactions (resource metering) are off while
it is built; their timed actions stay.

    .venv/bin/python scripts/bench/lab.py [--hosts 64] [--vms 8000] [--runs 5]
"""
from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

GOAL_SECONDS = 1.0
GOAL_MB = 200.0
QUERY = ("Get-VM -ComputerName (Get-LabHost).Name | Where-Object State -eq Running "
         "| Measure-Object")
GB = 2**30


def build_lab(host_count: int, vm_count: int):
    import attrs

    from hvshell.model.compute import build, power
    from hvshell.model.kernel.domain import Domains
    from hvshell.model.lab import Lab

    domains = Lab.domains
    Lab.domains = Domains(attrs.evolve(d, reactions={}, on_event=None) for d in domains.domains)
    try:
        lab = Lab(seed=1)
        per_host = -(-vm_count // host_count)
        made = 0
        for h in range(host_count):
            host = build.new_host(lab, f"HV{h + 1:02d}", logical_processors=64, memory=1024 * GB)
            for i in range(min(per_host, vm_count - made)):
                name = f"vm{h + 1:02d}-{i:03d}"
                vm = build.new_vm(lab, host, name, 2 * GB, generation=2,
                                  new_vhd_path=f"{name}.vhdx", new_vhd_size=60 * GB)
                if made % 2 == 0:
                    power.launch(lab, vm, power.begin_start(vm))
                made += 1
        lab.clock.advance(60)
    finally:
        Lab.domains = domains
    return lab


def baseline_count(lab) -> int:
    from hvshell.model.compute.vm import VMState
    return sum(1 for host in lab.hosts for vm in host.vms if vm.state is VMState.Running)


def shell_count(interp, out: io.StringIO) -> str:
    out.seek(0)
    out.truncate()
    interp.execute(QUERY)
    return out.getvalue()


def timed(call, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--hosts", type=int, default=64)
    options.add_argument("--vms", type=int, default=8000)
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()

    start = time.perf_counter()
    lab = build_lab(args.hosts, args.vms)
    built = time.perf_counter() - start

    from hvshell.shell import new_interpreter
    from hvshell.runtime.session import Session
    out, err = io.StringIO(), io.StringIO()
    interp = new_interpreter(Session(lab, seed=1), stdout=out, stderr=err)
    text = shell_count(interp, out)                   # loads the cmdlets, checks the answer
    expected = baseline_count(lab)
    if f"Count    : {expected}" not in text or err.getvalue():
        print(f"wrong answer: expected Count {expected}, got:\n{text}{err.getvalue()}")
        return 1

    shell = statistics.median(timed(lambda: shell_count(interp, out), args.runs))
    base = statistics.median(timed(lambda: baseline_count(lab), args.runs))
    tracemalloc.start()
    shell_count(interp, out)
    _, query_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"lab: {args.hosts} hosts, {sum(len(h.vms) for h in lab.hosts)} VMs "
          f"({expected} running), built in {built:.1f} s")
    print(f"query:    {QUERY}")
    print(f"shell:    {shell * 1000:8.1f} ms (median of {args.runs})   goal < "
          f"{GOAL_SECONDS * 1000:.0f} ms   {'ok' if shell < GOAL_SECONDS else 'OVER'}")
    print(f"baseline: {base * 1000:8.1f} ms (Python loop on the model)   "
          f"ratio {shell / base:.0f}x")
    print(f"memory:   process peak {rss_mb:.0f} MB   goal < {GOAL_MB:.0f} MB   "
          f"{'ok' if rss_mb < GOAL_MB else 'OVER'};   the query's own peak "
          f"{query_peak / 2**10:.0f} KB (objects stream through the pipeline)")
    return 0 if shell < GOAL_SECONDS and rss_mb < GOAL_MB else 1


if __name__ == "__main__":
    sys.exit(main())
