"""What runs inside a VM: the figures the memory and transfer models use.

`Set-LabWorkload -Profile` sets every field from a profile; explicit values
override.  Profiles are the simulator's own reasoning about typical guests
(there is no published table): how much of its memory a guest keeps
writing (working set), how fast it dirties it, how compressible its pages
are.  Working sets are fractions of the VM's startup memory because that is
what the guest was sized for.
"""
from __future__ import annotations

from typing import Any

import attrs

from hvshell.pstypes.objects import PSEnum

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
    working_set_fraction: float   # of the VM's startup memory
    dirty_rate_mbps: float        # MB/s of clean pages the guest dirties
    cpu_percent: float            # of the VM's virtual processors
    iops: float
    disk_write_mbps: float
    zero_page_percent: float      # share of assigned memory that is zero pages
    compression_ratio: float      # of the non-zero pages (2.0 halves them)


# Reasoning per profile: an idle server touches little memory and leaves
# most pages zeroed; a web front end rewrites caches and session state; a
# file server mostly reads; a database buffer pool fills its memory and
# rewrites pages steadily; a memory cache (memcached) fills nearly all of
# it and rewrites it fast with poorly compressible values.
PROFILES = {
    WorkloadProfile.Idle: ProfileFigures(0.10, 1.0, 2.0, 5.0, 0.1, 60.0, 3.0),
    WorkloadProfile.Web: ProfileFigures(0.40, 20.0, 25.0, 100.0, 1.0, 30.0, 2.5),
    WorkloadProfile.FileServer: ProfileFigures(0.50, 10.0, 10.0, 800.0, 20.0, 20.0, 2.0),
    WorkloadProfile.Database: ProfileFigures(0.85, 150.0, 50.0, 3000.0, 40.0, 5.0, 1.6),
    WorkloadProfile.Memcached: ProfileFigures(0.90, 400.0, 30.0, 10.0, 0.5, 5.0, 1.3),
}


@attrs.define
class Workload:
    """The guest's behaviour.  `working_set` is in bytes (the memory the
    guest keeps writing); rates are in MB/s, 1 MB being 2^20 bytes as
    everywhere in the lab."""
    profile: WorkloadProfile = WorkloadProfile.Idle
    guest_os: GuestOS = GuestOS.Windows
    working_set: int = 0
    dirty_rate_mbps: float = 1.0
    cpu_percent: float = 2.0
    iops: float = 5.0
    disk_write_mbps: float = 0.1
    zero_page_percent: float = 60.0
    compression_ratio: float = 3.0

    @classmethod
    def from_profile(cls, profile: WorkloadProfile, memory_bytes: int,
                     guest_os: GuestOS = GuestOS.Windows) -> "Workload":
        figures = PROFILES[profile]
        working_set = int(memory_bytes * figures.working_set_fraction) // MB * MB
        return cls(profile, guest_os, working_set, figures.dirty_rate_mbps,
                   figures.cpu_percent, figures.iops, figures.disk_write_mbps,
                   figures.zero_page_percent, figures.compression_ratio)


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
