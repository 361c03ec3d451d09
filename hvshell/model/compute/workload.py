"""What runs inside a VM: the figures the memory and transfer models use.

`Set-LabWorkload -Profile` sets every field from a profile; explicit values
override.  `PROFILES` below is the only table of profiles: Set-LabWorkload,
the demo lab, the calibration scenarios (tests/calibration) and the
benchmarks all read it.  There is no published table of guest behaviour, so
each figure is our reasoning, written next to it; the Idle, Web and
Database rows are checked against published migration times through the
shell (scripts/bench/validate.py, docs/model.md).  Working sets are
fractions of the VM's startup memory because that is what the guest was
sized for.
"""
from __future__ import annotations

from typing import Any

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type

MB = 2**20


class WorkloadProfile(PSEnum):
    Idle = 0
    Web = 1
    FileServer = 2
    Database = 3
    Memcached = 4


class GuestOS(PSEnum):
    Windows = 0
    Linux = 1


@attrs.frozen
class ProfileFigures:
    """One profile.  Rates are in the lab's MB/s (2^20 bytes per second)."""
    working_set_fraction: float   # of the VM's startup memory: what the guest keeps writing
    dirty_rate_mbps: float        # how fast it dirties clean pages of that working set
    cpu_percent: float            # of the VM's virtual processors
    iops: float
    disk_write_mbps: float
    windows_zero_percent: float   # share of memory holding only zeros, Windows guest
    linux_zero_percent: float     # the same for a Linux guest
    compression_ratio: float      # of the non-zero pages (2.0 halves them)

    def zero_page_percent(self, guest_os: GuestOS) -> float:
        return self.linux_zero_percent if guest_os is GuestOS.Linux else self.windows_zero_percent


# Zero pages: Windows zeroes the memory it frees and keeps it on its zero
# page list, so a Windows guest's unused memory is zeros; Linux fills free
# memory with page cache, so a Linux guest has fewer zero pages.  Only a
# compressing transfer sends a zero page as a short marker (hvshell.sim.memory);
# over TCP/IP and SMB every page costs 4 KiB.  Compression ratios are for an
# LZ77-class compressor: text and database pages compress about 3x, file
# caches 2x, a cache's binary values 1.5x.
PROFILES = {
    # An idle server: services and the OS touch a few per cent of memory, at
    # a trickle; most memory was never used and is zeros.  Checked by the
    # idle rows (4 GiB on 1 GbE: the line-rate floor; 512 MB on 1 GbE; the
    # 56 GB Linux VM on SMB Direct; the team; 2008 R2's 10 GbE gain).
    WorkloadProfile.Idle: ProfileFigures(
        working_set_fraction=0.05, dirty_rate_mbps=1.0, cpu_percent=2.0, iops=5.0,
        disk_write_mbps=0.1, windows_zero_percent=70.0, linux_zero_percent=30.0,
        compression_ratio=2.5),
    # A web front end rewrites its caches, session state and managed heaps:
    # a fifth of its memory, tens of MB/s.  Checked by the Xen rows (a web
    # server and a small game server: downtime in the tens to hundreds of ms).
    WorkloadProfile.Web: ProfileFigures(
        working_set_fraction=0.20, dirty_rate_mbps=20.0, cpu_percent=25.0, iops=100.0,
        disk_write_mbps=1.0, windows_zero_percent=40.0, linux_zero_percent=15.0,
        compression_ratio=3.0),
    # A file server's memory is mostly cache of files it reads; it writes
    # little of it (metadata, write-behind buffers) and writes disks steadily.
    WorkloadProfile.FileServer: ProfileFigures(
        working_set_fraction=0.10, dirty_rate_mbps=10.0, cpu_percent=10.0, iops=800.0,
        disk_write_mbps=20.0, windows_zero_percent=20.0, linux_zero_percent=10.0,
        compression_ratio=2.0),
    # SQL Server under a moderate OLTP load: the hot part of the buffer pool
    # (a quarter of memory) is rewritten at about the pace its checkpoints
    # write it to disk (10 MB/s); the buffer pool grows on demand, so much of
    # the memory is still zeros.  Checked by the "8 GB VM running SQL Server"
    # row: 60-75 s over TCP/IP on 1 GbE, where copying 8 GiB once already
    # takes 69 s (jumbo frames) to 73 s, so the dirty passes may add only a
    # few seconds (a buffer pool rewritten at 150 MB/s would never converge
    # on 1 GbE); about 15 s with Compression (the zeros and 3x-compressible
    # pages cut the bytes to a fifth); under 10 s with SMB Direct on 10 GbE.
    WorkloadProfile.Database: ProfileFigures(
        working_set_fraction=0.25, dirty_rate_mbps=10.0, cpu_percent=40.0, iops=3000.0,
        disk_write_mbps=10.0, windows_zero_percent=40.0, linux_zero_percent=20.0,
        compression_ratio=3.0),
    # A memory cache (memcached) fills its memory with items; the hot slabs
    # (60 %) are rewritten by ~100,000 sets/s of 1 KB values; few zeros and
    # poorly compressible values.  No published row: it is the profile that
    # shows pre-copy struggling on a slow link.
    WorkloadProfile.Memcached: ProfileFigures(
        working_set_fraction=0.60, dirty_rate_mbps=100.0, cpu_percent=30.0, iops=10.0,
        disk_write_mbps=0.5, windows_zero_percent=10.0, linux_zero_percent=5.0,
        compression_ratio=1.5),
}


@attrs.define
class Workload:
    """The guest's behaviour.  `working_set` is in bytes (the memory the
    guest keeps writing); rates are in MB/s, 1 MB being 2^20 bytes as
    everywhere in the lab.  A new VM gets the Idle profile's figures."""
    profile: WorkloadProfile
    guest_os: GuestOS
    working_set: int
    dirty_rate_mbps: float
    cpu_percent: float
    iops: float
    disk_write_mbps: float
    zero_page_percent: float
    compression_ratio: float

    @classmethod
    def from_profile(cls, profile: WorkloadProfile, memory_bytes: int,
                     guest_os: GuestOS = GuestOS.Windows) -> "Workload":
        figures = PROFILES[profile]
        working_set = int(memory_bytes * figures.working_set_fraction) // MB * MB
        return cls(profile, guest_os, working_set, figures.dirty_rate_mbps,
                   figures.cpu_percent, figures.iops, figures.disk_write_mbps,
                   figures.zero_page_percent(guest_os), figures.compression_ratio)


@ps_type
class LabWorkload:
    """A VM's workload as Set-LabWorkload shows it: a live view of the VM."""
    PS_TYPE = "hvshell.Lab.Workload"
    __slots__ = ("vm",)

    def __init__(self, vm: Any):
        self.vm = vm

    @property
    def VMName(self) -> str:
        return self.vm.name

    @property
    def ComputerName(self) -> str:
        return self.vm.host_name

    @property
    def Profile(self) -> WorkloadProfile:
        return self.vm.workload.profile

    @property
    def GuestOS(self) -> GuestOS:
        return self.vm.workload.guest_os

    @property
    def WorkingSet(self) -> int:
        return self.vm.workload.working_set

    @property
    def DirtyRateMBps(self) -> float:
        return self.vm.workload.dirty_rate_mbps

    @property
    def CpuPercent(self) -> float:
        return self.vm.workload.cpu_percent

    @property
    def Iops(self) -> float:
        return self.vm.workload.iops

    @property
    def DiskWriteMBps(self) -> float:
        return self.vm.workload.disk_write_mbps

    @property
    def ZeroPagePercent(self) -> float:
        return self.vm.workload.zero_page_percent

    @property
    def CompressionRatio(self) -> float:
        return self.vm.workload.compression_ratio
