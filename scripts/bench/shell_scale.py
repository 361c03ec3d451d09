#!/usr/bin/env python3
"""The lab at Hyper-V's real maximums, driven through the shell.

Every figure is hvshell's in-process interpreter running PowerShell text on
an empty lab (what `hvshell --empty` starts with).  A scenario's setup runs
first and is not timed; the measured statement is timed on its own, which
is the same as the script with it minus the script without it.  Each case
runs in a fresh process (so memory and caches do not leak between cases),
times are the process's CPU time (the machine may be shared; one thread,
no I/O, so on an idle machine it is the wall time), and each prints a
baseline measured in that same process:

  drain      Get-VM -ComputerName SRC | ForEach-Object { $_ | Move-VM
             -DestinationHost $dst[$i++ % 3] -AsJob } | Wait-Job: N VMs of
             1 GB (Web workload, files on one SMB share) from one host of
             4 TB to three; 1,024 of them running (a host's most), the
             rest off.  Baseline: the migration core alone (the same
             VMs' MigrationSpecs through a bare scheduler and clock).
             Goals: 1,024 VMs <= 1 s; growth <= 1.3x the size ratio.
  build      New-VM in a loop: 8,000 VMs on 64 hosts.  Baseline: the
             model's own functions in a Python loop.  Goal <= 4 s.
  query      Get-VM -ComputerName (Get-LabHost).Name | Where-Object State
             -eq Running on that lab (half running).  Baseline: a Python
             loop on the model.  Goal <= 0.5 s.
  memory     peak resident set of the process holding that lab.  Baseline:
             the same process before the lab was built.  Goal <= 300 MB.
  failover   a 64-node cluster with 8,000 clustered running VMs; one node
             crashes (Invoke-LabFault HostCrash; Start-Sleep 60): heartbeat
             loss to every role placed.  Baseline: starting the roles that
             node held (Get-VM -ComputerName N01 | Start-VM, and the same
             minute).  Goal <= 0.5 s.
  replica    1,000 VMs replicated every 30 s for a day (Start-Sleep 86400).
             Baseline: the same day on the same lab before replication was
             enabled (the clock's own cost).  Goal <= 2 s.

    .venv/bin/python scripts/bench/shell_scale.py            # the issue's sizes
    .venv/bin/python scripts/bench/shell_scale.py --quick    # small sizes, a few seconds
    .venv/bin/python scripts/bench/shell_scale.py --only drain --sizes 256,1024
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GB = 2**30

# Scenario sizes: (full run, --quick run).
SIZES = {
    "drain": ([256, 1024, 4096], [64, 256]),
    "build": ([8000], [500]),          # VMs; hosts = VMs / 125 (8,000 on 64)
    "failover": ([8000], [500]),       # clustered VMs; nodes = VMs / 125
    "replica": ([1000], [10]),
}
GOALS = {   # case -> (size the goal is for, seconds or MB)
    "drain": (1024, 1.0), "build": (8000, 4.0), "query": (8000, 0.5),
    "memory": (8000, 300.0), "failover": (8000, 0.5), "replica": (1000, 2.0),
}
GROWTH_SLACK = 1.3
# A 2012 R2 host runs at most 1,024 VMs: a drain of more moves the rest off.
MAX_RUNNING = 1024


# ---------------------------------------------------------------------------
# The scripts
# ---------------------------------------------------------------------------

def drain_setup(n: int) -> str:
    return f"""
foreach ($h in 'SRC', 'D1', 'D2', 'D3') {{
    New-LabHost $h -Version 2012R2 -LogicalProcessors 64 -Memory 4TB | Out-Null
    Add-LabNic -ComputerName $h -Name LM1 -SpeedGbps 10 -Rdma -Subnet 10.1.1.0/24 | Out-Null
}}
New-LabStorage SMB1 -Type SMB -Path \\\\SMB1\\VMs -Capacity 100TB -ThroughputMBps 4000 -Iops 400000 | Out-Null
Enable-VMMigration -ComputerName SRC, D1, D2, D3
Add-VMMigrationNetwork 10.1.1.0/24 -ComputerName SRC, D1, D2, D3
Set-VMHost -ComputerName SRC, D1, D2, D3 -VirtualMachineMigrationPerformanceOption SMB
foreach ($k in 1..{n}) {{
    New-VM -Name ('vm{{0:D4}}' -f $k) -ComputerName SRC -MemoryStartupBytes 1GB -Path \\\\SMB1\\VMs -NoVHD | Out-Null
}}
Get-VM -ComputerName SRC | Select-Object -First {MAX_RUNNING} | Start-VM
Set-LabWorkload -VMName * -ComputerName SRC -Profile Web
$dst = 'D1', 'D2', 'D3'
$i = 0
$t0 = Get-Date
"""


DRAIN = ("Get-VM -ComputerName SRC | ForEach-Object { $_ | Move-VM -DestinationHost "
         "$dst[$i++ % 3] -AsJob } | Wait-Job | Out-Null")
DRAIN_CHECK = ("'{0} {1} {2}' -f @(Get-VM -ComputerName SRC).Count, "
               "@(Get-LabMigration -State Completed).Count, [int]((Get-Date) - $t0).TotalSeconds")


def hosts_for(vms: int) -> int:
    return max(1, vms // 125)


def build_setup(n: int) -> str:
    return f"""
$hosts = @(foreach ($h in 1..{hosts_for(n)}) {{ 'HV{{0:D2}}' -f $h }})
foreach ($h in $hosts) {{ New-LabHost $h -Version 2012R2 -LogicalProcessors 64 -Memory 1TB | Out-Null }}
"""


def build(n: int) -> str:
    return f"""
foreach ($k in 0..{n - 1}) {{
    $name = 'vm{{0:D4}}' -f $k
    New-VM -Name $name -ComputerName $hosts[$k % $hosts.Count] -MemoryStartupBytes 2GB -Generation 2 -NewVHDPath "$name.vhdx" -NewVHDSizeBytes 60GB | Out-Null
}}
"""


START_HALF = ("$i = 0; Get-VM -ComputerName (Get-LabHost).Name | "
              "Where-Object { ($i++ % 2) -eq 0 } | Start-VM")
QUERY = "Get-VM -ComputerName (Get-LabHost).Name | Where-Object State -eq Running"


def cluster_setup(n: int) -> str:
    nodes = hosts_for(n)
    return f"""
$nodes = @(foreach ($h in 1..{nodes}) {{ 'N{{0:D2}}' -f $h }})
foreach ($h in $nodes) {{ New-LabHost $h -Version 2012R2 -LogicalProcessors 64 -Memory 1TB | Out-Null }}
New-Cluster -Name C1 -Node $nodes -StaticAddress 10.0.0.5 -NoStorage | Out-Null
New-LabStorage CSV1 -Type CSV -Cluster C1 -Capacity 200TB -ThroughputMBps 4000 -Iops 400000 | Out-Null
foreach ($k in 0..{n - 1}) {{
    $name = 'vm{{0:D4}}' -f $k
    New-VM -Name $name -ComputerName $nodes[$k % $nodes.Count] -MemoryStartupBytes 1GB -Path C:\\ClusterStorage\\Volume1 -NoVHD | Out-Null
    Add-ClusterVirtualMachineRole -VMName $name -Cluster C1 | Out-Null
}}
"""


# The roles N01 will lose, started by hand: the failover's baseline.
START_N01 = "Get-VM -ComputerName N01 | Start-VM; Start-Sleep 60"
START_REST = "Get-VM -ComputerName $nodes[1..($nodes.Count - 1)] | Start-VM; Start-Sleep 60"
CRASH = "Invoke-LabFault -ComputerName N01 -Fault HostCrash; Start-Sleep 60"
FAILOVER_CHECK = ("$groups = Get-ClusterGroup -Cluster C1 | Where-Object GroupType -eq VirtualMachine; "
                  "'{0} {1}' -f @($groups | Where-Object { $_.State -eq 'Online' -and "
                  "$_.OwnerNode.Name -ne 'N01' }).Count, @($groups).Count")


def replica_setup(n: int) -> str:
    return f"""
New-LabHost P -Version 2012R2 -LogicalProcessors 64 -Memory 2TB | Out-Null
New-LabHost R -Version 2012R2 -LogicalProcessors 64 -Memory 2TB | Out-Null
Set-VMReplicationServer -ReplicationEnabled $true -AllowedAuthenticationType Kerberos -ReplicationAllowedFromAnyServer $true -DefaultStorageLocation C:\\Replica -ComputerName R
foreach ($k in 0..{n - 1}) {{
    $name = 'vm{{0:D4}}' -f $k
    New-VM -Name $name -ComputerName P -MemoryStartupBytes 1GB -NewVHDPath "$name.vhdx" -NewVHDSizeBytes 20GB | Start-VM -Passthru | Out-Null
}}
"""


REPLICATE = """
Enable-VMReplication -VMName * -ComputerName P -ReplicaServerName R -ReplicaServerPort 80 -AuthenticationType Kerberos -ReplicationFrequencySec 30
Start-VMInitialReplication -VMName * -ComputerName P
"""
DAY = "Start-Sleep 86400"
REPLICA_CHECK = ("$now = Get-Date; @(Measure-VMReplication -ComputerName P | Where-Object { "
                 "$_.Health -eq 'Normal' -and ($now - $_.LastReplicationTime).TotalSeconds "
                 "-le 30 }).Count")


# ---------------------------------------------------------------------------
# One case, in this process
# ---------------------------------------------------------------------------

class Shell:
    def __init__(self):
        from hvshell.model.lab import Lab
        from hvshell.runtime.session import Session
        from hvshell.shell import new_interpreter
        self.out, self.err = io.StringIO(), io.StringIO()
        self.interp = new_interpreter(Session(Lab(seed=1), seed=1), stdout=self.out,
                                      stderr=self.err)

    @property
    def lab(self):
        return self.interp.session.lab

    def run(self, text: str) -> float:
        """Seconds to run `text`; any error output stops the benchmark."""
        start = time.process_time()
        self.interp.execute(text)
        seconds = time.process_time() - start
        if self.err.getvalue():
            raise SystemExit(f"error running:\n{text}\n{self.err.getvalue()[:2000]}")
        return seconds

    def answer(self, text: str) -> str:
        self.out.seek(0)
        self.out.truncate()
        self.run(text)
        return self.out.getvalue().strip()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_drain(n: int) -> dict:
    shell = Shell()
    shell.run(drain_setup(n))
    core = core_drain(shell.lab)
    seconds = shell.run(DRAIN)
    left, completed, clock = shell.answer(DRAIN_CHECK).split()
    if int(left) or int(completed) != n:
        raise SystemExit(f"drain of {n}: {left} VMs left on SRC, {completed} completed")
    off = f", {n - MAX_RUNNING:,} of them off" if n > MAX_RUNNING else ""
    return {"seconds": seconds, "baseline": core,
            "note": f"{int(clock) // 60} min simulated{off}"}


def core_drain(lab) -> float:
    """The same VMs drained by the migration core alone: their MigrationSpecs
    (built before the clock starts) through a fresh scheduler and clock."""
    import numpy as np

    from hvshell.model.mobility.mapping import plan_move, spec_for
    from hvshell.sim import MigrationScheduler
    from hvshell.sim.clock import Clock
    source = lab.host("SRC")
    targets = [lab.host(name) for name in ("D1", "D2", "D3")]
    specs = [spec_for(lab, plan_move(lab, vm, targets[i % 3]))
             for i, vm in enumerate(sorted(source.vms, key=lambda vm: vm.name))]
    clock = Clock()
    start = time.process_time()
    scheduler = MigrationScheduler(clock, seed=1)
    handles = [scheduler.submit(spec, rng=np.random.default_rng([1, i]))
               for i, spec in enumerate(specs)]
    clock.run_until_done(clock.all_of(h.done for h in handles))
    return time.process_time() - start


def case_build(n: int) -> dict:
    shell = Shell()
    shell.run("Get-LabHost")                      # loads the cmdlets: not the lab's memory
    before = rss_mb()
    shell.run(build_setup(n))
    seconds = shell.run(build(n))
    baseline = model_build(n)
    shell.run(START_HALF)
    shell.run(QUERY + " | Out-Null")              # warm: the first query loads the formatter
    query = min(shell.run(QUERY + " | Out-Null") for _ in range(3))
    count = shell.answer(f"@({QUERY}).Count")
    expected = sum(1 for host in shell.lab.hosts for vm in host.vms if vm.is_running)
    if int(count) != expected or expected != (n + 1) // 2:
        raise SystemExit(f"query: {count} running, expected {expected}")
    start = time.process_time()
    for _ in range(3):
        sum(1 for host in shell.lab.hosts for vm in host.vms if vm.is_running)
    loop = (time.process_time() - start) / 3
    return {"seconds": seconds, "baseline": baseline, "query": query, "query_baseline": loop,
            "rss": rss_mb(), "rss_before": before}


def model_build(n: int) -> float:
    """The same VMs made by the model's functions in a Python loop, on a
    lab of its own (the rules New-LabHost and New-VM apply)."""
    from hvshell.model.compute import build
    from hvshell.model.lab import Lab
    lab = Lab(seed=1)
    hosts = [build.new_host(lab, f"HV{h + 1:02d}", logical_processors=64, memory=1024 * GB)
             for h in range(hosts_for(n))]
    start = time.process_time()
    for k in range(n):
        name = f"vm{k:04d}"
        build.new_vm(lab, hosts[k % len(hosts)], name, 2 * GB, generation=2,
                     new_vhd_path=f"{name}.vhdx", new_vhd_size=60 * GB)
    return time.process_time() - start


def case_failover(n: int) -> dict:
    shell = Shell()
    shell.run(cluster_setup(n))
    by_hand = shell.run(START_N01)
    shell.run(START_REST)
    seconds = shell.run(CRASH)
    placed, groups = shell.answer(FAILOVER_CHECK).split()
    if int(placed) != n or int(groups) != n:
        raise SystemExit(f"failover: {placed} of {groups} roles online off N01 ({n} VMs)")
    return {"seconds": seconds, "baseline": by_hand,
            "note": f"{n // hosts_for(n)} roles from N01 to {hosts_for(n) - 1} nodes"}


def case_replica(n: int) -> dict:
    shell = Shell()
    shell.run(replica_setup(n))
    idle = shell.run(DAY)
    shell.run(REPLICATE)
    seconds = shell.run(DAY)
    current = shell.answer(REPLICA_CHECK)
    if int(current) != n:
        raise SystemExit(f"replica: {current} of {n} VMs replicated in the last 30 s")
    return {"seconds": seconds, "baseline": idle,
            "note": f"{2880 * n:,} cycles, {seconds / (2880 * n) * 1e6:.1f} us each"}


CASES = {"drain": case_drain, "build": case_build, "failover": case_failover,
         "replica": case_replica}


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

def run_case(case: str, size: int, runs: int) -> dict:
    """One case in a fresh interpreter process (its result as JSON on
    stdout); of several runs, the fastest (the machine is shared)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    results = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, __file__, "--case", case, "--size", str(size)],
                              capture_output=True, text=True, env=env)
        if done.returncode:
            raise SystemExit(f"{case} {size} failed:\n{done.stdout}{done.stderr}")
        results.append(json.loads(done.stdout.splitlines()[-1]))
    return min(results, key=lambda result: result["seconds"])


def verdict(case: str, size: int, value: float) -> str:
    goal_size, goal = GOALS[case]
    if size != goal_size:
        return ""
    unit = "MB" if case == "memory" else "s"
    return f"{'ok' if value <= goal else 'OVER'} (goal <= {goal:g} {unit})"


def row(label: str, value: float, unit: str, baseline: float, base_label: str,
        growth: str, judged: str, note: str = "") -> None:
    shown = f"{value:9.1f} MB" if unit == "MB" else f"{value * 1000:9.1f} ms"
    base = f"{baseline:7.1f} MB" if unit == "MB" else f"{baseline * 1000:9.1f} ms"
    ratio = value / baseline if baseline else float("inf")
    print(f"{label:28} {shown} {ratio:8.1f}x  {base} {base_label:16} {growth:>14}  "
          f"{judged:22} {note}")


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    options.add_argument("--only", help="comma-separated cases: " + ", ".join(CASES))
    options.add_argument("--sizes", help="comma-separated sizes for the chosen cases")
    options.add_argument("--runs", type=int, default=1,
                         help="runs of each case (the fastest is shown)")
    options.add_argument("--case", help=argparse.SUPPRESS)
    options.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.case:
        print(json.dumps(CASES[args.case](args.size)))
        return 0

    cases = args.only.split(",") if args.only else list(CASES)
    print(f"{'case':28} {'shell':>12} {'ratio':>9}  {'baseline':>12} {'':16} "
          f"{'growth':>14}  {'goal':22}")
    over = False
    for case in cases:
        sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
                 else SIZES[case][1 if args.quick else 0])
        previous = None
        for size in sizes:
            result = run_case(case, size, args.runs)
            seconds = result["seconds"]
            growth = ""
            if previous is not None:
                factor, size_ratio = seconds / previous[1], size / previous[0]
                growth = f"{factor:.1f}x for {size_ratio:g}x"
                if factor > GROWTH_SLACK * size_ratio:
                    growth += " !"
                    over = True
            previous = (size, seconds)
            judged = verdict(case, size, seconds)
            over |= judged.startswith("OVER")
            if case == "drain":
                row(f"drain {size:,} VMs", seconds, "s", result["baseline"], "migration core",
                    growth, judged, result["note"])
            elif case == "build":
                hosts = hosts_for(size)
                row(f"New-VM x {size:,} ({hosts} hosts)", seconds, "s", result["baseline"],
                    "model functions", growth, judged)
                judged = verdict("query", size, result["query"])
                over |= judged.startswith("OVER")
                row(f"Get-VM | Where, {size:,} VMs", result["query"], "s",
                    result["query_baseline"], "Python loop", "", judged)
                judged = verdict("memory", size, result["rss"])
                over |= judged.startswith("OVER")
                row(f"peak memory, {size:,} VMs", result["rss"], "MB", result["rss_before"],
                    "before the lab", "", judged)
            elif case == "failover":
                row(f"node crash, {size:,} roles", seconds, "s", result["baseline"],
                    "Start-VM of those", growth, judged, result["note"])
            elif case == "replica":
                row(f"replica day, {size:,} VMs", seconds, "s", result["baseline"],
                    "the day idle", growth, judged, result["note"])
            sys.stdout.flush()
    if args.quick:
        print("(--quick: small sizes; the goals are for the full sizes)")
    return 1 if over and not args.quick else 0


if __name__ == "__main__":
    sys.exit(main())
