#!/usr/bin/env python3
"""Every calibration row of migration-figures.md as a scenario: the row's
expected range, the model's result, PASS or FAIL.  Then a few of the file's
rules.  Exit status 1 when anything fails.

The model runs with the Fast engine and a fixed seed.  Where a row leaves a
setting open, the scenario says what it assumes.  Rows that calibrated a
constant are marked (calibrates ...): they check the constant is used as
meant; the others are independent checks.

Usage: scripts/bench/validate.py [--seed N]
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import textwrap

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from hvshell.model.compute.workload import GuestOS, Workload, WorkloadProfile  # noqa: E402
from hvshell.model.mobility.mapping import guest_spec  # noqa: E402
from hvshell.sim import (HostSpec, MigrationScheduler, MigrationSpec,  # noqa: E402
                         NicSpec, StorageSpec, WorkloadSpec, plan_migration)
from hvshell.sim import constants as C  # noqa: E402
from hvshell.sim.clock import Clock  # noqa: E402

GiB = 2**30
GB = 10**9
SEED = 0


def profile(name: str, memory: int, guest_os: str = "Windows") -> WorkloadSpec:
    """The workload Set-LabWorkload -Profile gives a VM of `memory` bytes."""
    return guest_spec(Workload.from_profile(WorkloadProfile[name], memory, GuestOS[guest_os]), memory)


def hosts(version: str, *nics: NicSpec, **kw) -> tuple[HostSpec, HostSpec]:
    return (HostSpec("HV1", version, migration_nics=nics, **kw),
            HostSpec("HV2", version, migration_nics=nics, **kw))


def live(workload: WorkloadSpec, version: str, option: str, *nics: NicSpec, **kw):
    src, dst = hosts(version, *nics, **kw)
    return plan_migration(MigrationSpec("VM", "Live", workload, src, dst, option=option), SEED)


def gbps(result) -> float:
    """The first pass's payload rate in Gbps."""
    return result.memory_passes()[0].rate * 8 / 1e9


ROWS: list[tuple[str, str, str, str, bool]] = []
NOTES: list[str] = []


def check(row: str, what: str, expected: str, value: float, ok: bool, fmt: str = "{:.2f}") -> None:
    ROWS.append((row, what, expected, fmt.format(value), ok))


def within(lo: float, hi: float, value: float) -> bool:
    return lo <= value <= hi


def rows() -> None:
    one_gbe = NicSpec("NIC1", 1.0)
    ten_gbe = NicSpec("NIC1", 10.0)

    # 1. Linux VM, 56 GB, WS2012 R2, SMB Direct over 2 × 10 GbE iWARP.
    #    Assumed: an idle Linux guest (the row names no load).
    rdma2 = (NicSpec("RDMA1", 10.0, rdma=True), NicSpec("RDMA2", 10.0, rdma=True))
    r = live(profile("Idle", 56 * GB, "Linux"), "2012R2", "SMB", *rdma2)
    row = "56 GB Linux VM, SMB Direct 2x10 GbE"
    check(row, "duration s", "< 36", r.duration, r.duration < 36)
    check(row, "both NICs saturated, Gbps", "~20 (17-20)", gbps(r), within(17, 20, gbps(r)))

    # 2. Idle 4 GiB VM, 1 GbE, TCP/IP: the line-rate floor at 94 %.
    r = live(profile("Idle", 4 * GiB), "2012R2", "TCPIP", one_gbe)
    check("idle 4 GiB VM, 1 GbE, TCP/IP", "duration s", "36.6 (34-39)", r.duration,
          within(34, 39, r.duration))

    # 3. One 512 MB VM, WS2012, 1 GbE: 7 s (calibrates SETUP_S, TEARDOWN_S).
    r = live(profile("Idle", 512 * 2**20), "2012", "TCPIP", one_gbe)
    check("512 MB VM, WS2012, 1 GbE (calibrates set-up)", "duration s", "7 (6-8)", r.duration,
          within(6, 8, r.duration))

    # 4. 8 GB SQL Server VM, WS2012 R2 (the Database profile; 8 GB taken as
    #    written, 8e9 bytes).
    sql = profile("Database", 8 * GB)
    row = "8 GB SQL Server VM, WS2012 R2"
    r = live(sql, "2012R2", "TCPIP", one_gbe)
    check(row, "TCP/IP 1 GbE, s", "60-75", r.duration, within(60, 75, r.duration))
    r = live(sql, "2012R2", "Compression", one_gbe)
    check(row, "Compression 1 GbE, s", "~15 (11-19)", r.duration, within(11, 19, r.duration))
    one = live(sql, "2012R2", "SMB", NicSpec("RDMA1", 10.0, rdma=True))
    check(row, "SMB Direct 1x10 GbE iWARP, s", "< 10", one.duration, one.duration < 10)
    two = live(sql, "2012R2", "SMB", *rdma2)
    check(row, "Multichannel 2 NICs / 1 NIC", "about half (0.45-0.70)", two.duration / one.duration,
          within(0.45, 0.70, two.duration / one.duration))

    # 5. 2 × 10 GbE LACP team (Dynamic), TCP/IP (calibrates TEAM_SPREAD_EFFICIENCY).
    team = (NicSpec("M1", 10.0, team="LM"), NicSpec("M2", 10.0, team="LM"))
    r = live(profile("Idle", 16 * GiB), "2012R2", "TCPIP", *team)
    check("2x10 GbE LACP team, TCP/IP (calibrates team)", "Gbps", "~17 (15.5-18.5)", gbps(r),
          within(15.5, 18.5, gbps(r)))

    # 6. WS2008 R2 SP1, idle VMs of 4 and 32 GB, 10 GbE against 1 GbE.
    def gain(memory: int, name: str = "Idle") -> float:
        work = profile(name, memory)
        slow = live(work, "2008R2", "TCPIP", one_gbe)
        fast = live(work, "2008R2", "TCPIP", ten_gbe)
        return 100 * (1 - fast.duration / slow.duration)
    row = "WS2008 R2 SP1, 10 GbE vs 1 GbE"
    big, small = gain(32 * GB), gain(4 * GB)
    check(row, "32 GB idle: % shorter", "up to 82 (76-88)", big, within(76, 88, big), "{:.1f}")
    check(row, "4 GB idle gains less: % shorter", f"< {big:.1f}", small, small < big, "{:.1f}")
    loaded = gain(32 * GB, "Database")
    NOTES.append(
        f"Not checked: the row's best case was an idle VM, so its loaded VMs gained less.  The model "
        f"gives a loaded (Database profile) 32 GB VM {loaded:.1f} % against {big:.1f} % idle: its "
        f"dirty passes shrink faster than linearly with bandwidth, and it has no CPU contention "
        f"between a loaded guest and 2008 R2's copy engine.")

    # 7. Quick migration of a ~2 GB VM, WS2008 cluster: ≈30 s, all downtime.
    #    Assumed: saved state on a 2008-era array sustaining 150 MB/s (one
    #    iSCSI 1 GbE path ≈117 MB/s, one 2 Gb FC path ≈200 MB/s).
    src, dst = hosts("2008R2", ten_gbe)
    san = StorageSpec("ClusterDisk1", "CSV", throughput_mbps=150.0)
    r = plan_migration(MigrationSpec("VM", "Quick", profile("Idle", 2 * GiB),
                                     src, dst, source_storage=san), SEED)
    row = "quick migration, ~2 GB VM, WS2008 cluster"
    check(row, "duration s", "~30 (20-40)", r.duration, within(20, 40, r.duration))
    check(row, "downtime / duration", "1 (all downtime)", r.downtime / r.duration,
          abs(r.downtime / r.duration - 1) < 1e-9)

    # 8. 8 GiB VM dirtying 1.5 GB/s in a 2 GiB working set, 10 GbE TCP/IP.
    #    The row's ≈26 s counts the first copy as one of 10 passes (7.3 s +
    #    9 × 1.8 s + 1.8 s); SPEC §5 allows 10 dirty passes after it and adds
    #    set-up and tear-down (29.5 s): the range covers both readings.
    r = live(WorkloadSpec(8 * GiB, 2 * GiB, 1500.0), "2012R2", "TCPIP", ten_gbe)
    row = "8 GiB VM, 1.5 GB/s in 2 GiB, 10 GbE"
    check(row, "never converges: dirty passes", "10", r.rounds, r.rounds == 10 and r.converged is False, "{:.0f}")
    check(row, "downtime s", "~1.8 (1.6-2.1)", r.downtime, within(1.6, 2.1, r.downtime))
    check(row, "duration s", "~26 (24-31)", r.duration, within(24, 31, r.duration))

    # 9. Xen, Clark et al. 2005 (another hypervisor: order of magnitude, a
    #    factor of 3).  Assumed (recalled from the paper): an 800 MB web
    #    server VM and a 64 MB game server VM over gigabit Ethernet; both as
    #    our Web profile.
    row = "Xen, Clark et al. (downtime)"
    r = live(profile("Web", 800 * 2**20), "2012R2", "TCPIP", one_gbe)
    check(row, "SPECweb99-like 800 MB VM, ms", "210 (70-630)", r.downtime * 1e3,
          within(70, 630, r.downtime * 1e3), "{:.0f}")
    r = live(profile("Web", 64 * 2**20), "2012R2", "TCPIP", one_gbe)
    check(row, "Quake 3-like 64 MB VM, ms", "60 (20-180)", r.downtime * 1e3,
          within(20, 180, r.downtime * 1e3), "{:.0f}")


def rules() -> None:
    ten_gbe = NicSpec("NIC1", 10.0)
    # Compression "roughly halves" migration time (Microsoft, 2012 R2).
    sql = profile("Database", 8 * GiB)
    plain = live(sql, "2012R2", "TCPIP", ten_gbe)
    packed = live(sql, "2012R2", "Compression", ten_gbe)
    ratio = packed.duration / plain.duration
    check("rule: Compression roughly halves time", "Compression / TCP/IP, 10 GbE", "~0.5 (0.3-0.7)",
          ratio, within(0.3, 0.7, ratio))

    # 2008 R2: one live migration at a time; 2012+: two.
    def drain_time(version: str) -> float:
        clock = Clock()
        scheduler = MigrationScheduler(clock, seed=SEED)
        src = HostSpec("HV0", version, migration_nics=(ten_gbe,))
        dsts = [HostSpec(f"HV{i}", version, migration_nics=(ten_gbe,)) for i in (1, 2)]
        handles = [scheduler.submit(MigrationSpec(f"VM{i}", "Live", profile("Idle", 4 * GiB),
                                                  src, dsts[i % 2])) for i in range(4)]
        results = clock.run_until_done(clock.all_of(h.done for h in handles))
        return max(len([h for h in results if h.start_time <= r.start_time < h.end_time]) for r in results)
    for version, limit in (("2008R2", 1), ("2012", 2), ("2012R2", 2)):
        running = drain_time(version)
        check(f"rule: simultaneous live migrations, {version}", "running at once", str(limit),
              running, running == limit, "{:.0f}")

    # Physical limits: three 56 Gbps RDMA ports ≈ 20 GB/s; memory speed
    # (40 GB/s) bounds TCP's extra touches, not RDMA.
    fdr = tuple(NicSpec(f"IB{i}", 54.4, rdma=True, jumbo=True) for i in range(3))
    eth = tuple(NicSpec(f"E{i}", 54.4, jumbo=True) for i in range(3))
    work = profile("Idle", 64 * GiB)
    rdma = live(work, "2012R2", "SMB", *fdr).memory_passes()[0].rate / 1e9
    tcp = live(work, "2012R2", "SMB", *eth).memory_passes()[0].rate / 1e9
    bound = C.HOST_MEMORY_BANDWIDTH / (C.BASE_MEMORY_TOUCHES + C.TCP_EXTRA_MEMORY_TOUCHES) / 1e9
    check("rule: 3 RDMA ports ≈ 20 GB/s", "GB/s", "~20 (18-21)", rdma, within(18, 21, rdma))
    check("rule: memory speed bounds TCP", "GB/s", f"{bound:.1f} (memory-bound)", tcp,
          abs(tcp - bound) < 1e-6 * bound)


def main() -> int:
    global SEED
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    SEED = parser.parse_args().seed
    rows()
    rules()
    widths = [max(len(r[i]) for r in ROWS) for i in range(4)]
    header = ("scenario", "check", "expected", "model")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  result")
    for row, what, expected, value, ok in ROWS:
        cells = (row, what, expected, value)
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths)) + ("  PASS" if ok else "  FAIL"))
    failed = sum(not r[4] for r in ROWS)
    print(f"\n{len(ROWS) - failed} of {len(ROWS)} checks pass")
    for note in NOTES:
        print("\n" + textwrap.fill(note, 100))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
