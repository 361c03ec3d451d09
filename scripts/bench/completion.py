#!/usr/bin/env python3
"""Tab-completion latency on a lab of 8,000 VMs.

Times `CompletionEngine.complete(text, cursor)` (what one Tab press costs)
for a command name, a parameter name, an enum value and a VM name, all
8,000 VMs on the session host (the worst case for VM names).  Baseline in
the same run: prompt_toolkit's plain `WordCompleter` over the same 8,000
names, the cheapest completer there is.  Goal: p99 < 20 ms for each case.

    .venv/bin/python scripts/bench/completion.py [--vms 8000] [--runs 300]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

GOAL_P99_MS = 20.0


def build_lab(vm_count: int):
    """One 2012 R2 host holding `vm_count` VMs, plus a second empty host."""
    from hvshell.model.compute.host import Host
    from hvshell.model.lab import Lab
    from hvshell.model.compute.versions import V2012R2
    from hvshell.model.compute.vm import VM

    lab = Lab(seed=1)
    host = lab.add_host(Host("HV01", V2012R2, 0))
    lab.add_host(Host("HV02", V2012R2, 1))
    for i in range(vm_count):
        name = f"vm-{i:05d}"
        lab.place_vm(VM(name, lab.new_guid(), "HV01", 2, "C:\\VMs\\" + name, "5.0", 0.0), host)
    return lab


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99


def time_calls(call, runs: int) -> list[float]:
    call()                                   # first call loads the cmdlet table
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--vms", type=int, default=8000)
    options.add_argument("--runs", type=int, default=300)
    args = options.parse_args()

    from prompt_toolkit.completion import CompleteEvent, WordCompleter
    from prompt_toolkit.document import Document

    from hvshell.repl.completion import CompletionEngine
    from hvshell.runtime.cmdlet import find_cmdlet
    from hvshell.shell import new_interpreter
    from hvshell.runtime.session import Session

    lab = build_lab(args.vms)
    engine = CompletionEngine(new_interpreter(Session(lab)))
    cases = [   # label, cmdlet it needs, text before the cursor, first candidate
        ("command name", "Get-VM", "Get-V", None),
        ("parameter name", "Move-VM", "Move-VM vm-00001 -Dest", "-DestinationHost"),
        ("enum value", "Set-VMHost", "Set-VMHost -VirtualMachineMigrationPerformanceOption ",
         "TCPIP"),
        ("VM name (prefix)", "Get-VM", "Get-VM vm-012", "vm-01200"),
        ("VM name (all)", "Get-VM", "Get-VM ", "vm-00000"),
    ]

    names = [vm.name for vm in lab.hosts[0].vms]
    word_completer = WordCompleter(names)
    document = Document("vm-012")
    event = CompleteEvent(completion_requested=True)
    base_p50, base_p99 = percentiles(time_calls(
        lambda: list(word_completer.get_completions(document, event)), args.runs))

    print(f"completion latency, {args.vms} VMs, {args.runs} runs per case")
    print(f"baseline WordCompleter over the VM names: p50 {base_p50:.2f} ms, "
          f"p99 {base_p99:.2f} ms")
    print(f"{'case':<18} {'p50 ms':>8} {'p99 ms':>8} {'p99/base':>9}  goal p99 < {GOAL_P99_MS:g} ms")
    failed = False
    for label, command, text, expect_first in cases:
        if find_cmdlet(command) is None:
            print(f"{label:<18} skipped: {command} is not declared")
            continue
        found = [c.text for c in engine.complete(text).candidates]
        if not found or expect_first not in (None, found[0]):
            print(f"{label}: unexpected candidates {found[:3]}")
            failed = True
            continue
        p50, p99 = percentiles(time_calls(lambda: engine.complete(text), args.runs))
        verdict = "ok" if p99 < GOAL_P99_MS else "SLOW"
        failed |= p99 >= GOAL_P99_MS
        print(f"{label:<18} {p50:8.2f} {p99:8.2f} {p99 / base_p99:8.1f}x  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
