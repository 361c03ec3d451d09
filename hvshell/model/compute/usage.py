"""What the VMs use over simulated time: the totals resource metering
reports (Measure-VM) and the bytes guests write into differencing disks
(the AVHDX files of checkpoints).

Workloads are steady rates (`hvshell.model.compute.workload`), so a VM's use only
changes when something happens to it.  `sync(lab)` brings every VM's totals
up to the clock: it adds what the rates in force since the last sync
produced, then reads new rates from the VMs' present state.  It runs after
every lab event (a VM starting or stopping, a host crashing ...) and before
anything reads the totals, so each interval is counted with the state that
held during it.

Disk I/O is counted in normalized operations of 8 KB.  A workload's `iops`
are its reads (of 8 KB each) and its `disk_write_mbps` its writes, so it
asks for iops + writes / 8 KB normalized operations per second.  Each
running VM spreads that evenly over its attached disks;
a disk's Storage QoS maximum caps it, and a storage location that is asked
for more than its IOPS gives every disk on it the same share.  Latency
follows the location's load (a queue: it grows as the location fills) and
is longer for a disk QoS holds back (its requests wait their turn).

The lab has no model of guest network traffic, so the network figures of
Measure-VM are zero.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import attrs

from hvshell.model.kernel.domain import Domain
from hvshell.pstypes.registry import ps_type

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

KB = 2**10
MB = 2**20

# One normalized I/O is 8 KB (Storage QoS and resource metering on 2012 R2;
# docs/model.md, NORMALIZED_IO_BYTES).
NORMALIZED_IO_BYTES = 8 * KB
# Clock rate of one logical processor, for Measure-VM's MHz figures: the
# base clock of the Xeon E5-2600 v2 processors typical of 2012 R2 hosts
# (2.6 GHz for the E5-2650 v2; the lab does not model clock rates per host).
PROCESSOR_MHZ = 2600.0
# Service time of one I/O on an idle storage location: a few milliseconds
# for the SAN and SAS arrays of the time (reasoning: 10 ms is the common
# "slow" threshold for SQL Server data files, healthy arrays answer in 5).
BASE_LATENCY_MS = 5.0
# A queue's latency is service time / (1 - utilization); the utilization is
# capped so that an overloaded location shows a long, finite latency.
MAX_UTILIZATION = 0.95


@attrs.define
class DiskUsage:
    """One attached disk's rates now and its totals since metering began.
    `slot` is the controller position ("SCSI 0:1"), which stays when a
    checkpoint moves the drive to a new differencing file."""
    slot: str
    path: str
    iops: float = 0.0             # normalized IOPS it gets now
    latency_ms: float = 0.0
    read_bps: float = 0.0
    write_bps: float = 0.0
    io_total: float = 0.0         # normalized I/Os since metering began
    latency_io_ms: float = 0.0    # sum of latency x I/Os (for an I/O-weighted average)
    bytes_read: float = 0.0
    bytes_written: float = 0.0


@attrs.define
class VMUsage:
    """A VM's rates as of `synced_at` and its metering totals."""
    synced_at: float = 0.0
    active: bool = False          # running: using processors and disks
    resident: bool = False        # holding host memory (running or paused)
    cpu_mhz: float = 0.0
    memory: int = 0
    disks: list[DiskUsage] = attrs.Factory(list)
    metering_since: float | None = None
    cpu_mhz_seconds: float = 0.0
    memory_byte_seconds: float = 0.0
    resident_seconds: float = 0.0
    memory_min: int = 0
    memory_max: int = 0

    def reset_totals(self, now: float) -> None:
        self.metering_since = now
        self.cpu_mhz_seconds = self.memory_byte_seconds = self.resident_seconds = 0.0
        self.memory_min = self.memory if self.resident else 0
        self.memory_max = self.memory if self.resident else 0
        for disk in self.disks:
            disk.io_total = disk.latency_io_ms = disk.bytes_read = disk.bytes_written = 0.0


def slot_name(drive: Any) -> str:
    return f"{drive.controller_type.name} {drive.controller_number}:{drive.controller_location}"


def differencing_cap(vhd: Any) -> int:
    """The most a differencing file can grow to: the guest's partitions
    (or the whole virtual disk when it has none)."""
    return vhd.partition_size or vhd.size


# ---------------------------------------------------------------------------
# Bringing totals up to the clock
# ---------------------------------------------------------------------------

def sync(lab: Any) -> None:
    """Add each VM's use since its last sync, then read its present rates.

    Only some VMs have anything to add: those metered, and running ones
    writing into differencing disks (`Meter.accumulating`); for the others
    the totals stand still whatever their rates.  Only the VMs marked as
    changed since the last sync (hvshell.model.compute.accounts) have new
    rates, with the VMs sharing a storage location whose load they changed.
    So a sync costs what changed, not every VM in the lab."""
    meter = _meter(lab)
    now = lab.clock.now
    everything, marked = lab.accounts.take_rate_changes()
    if everything:
        accumulating = list(lab.all_vms())
        marked = [*marked, *meter.demands, *meter.accumulating, *accumulating]
    else:
        accumulating = [vm for vm in meter.accumulating if lab.vm_by_id(vm.id) is vm]
    for vm in accumulating:
        _accumulate(lab, vm, now)
        vm.usage.synced_at = now
    if marked:
        _take_rates(lab, meter, marked, now)


def _accumulate(lab: Any, vm: Any, now: float) -> None:
    usage = vm.usage
    elapsed = now - usage.synced_at
    if elapsed <= 0:
        return
    metering = usage.metering_since is not None
    if usage.resident and metering:
        usage.memory_byte_seconds += usage.memory * elapsed
        usage.resident_seconds += elapsed
    if not usage.active:
        return
    if metering:
        usage.cpu_mhz_seconds += usage.cpu_mhz * elapsed
    for disk in usage.disks:
        written = disk.write_bps * elapsed
        vhd = lab.find_vhd(vm.host_name, disk.path)
        if vhd is not None and vhd.vhd_type.name == "Differencing":
            vhd.used_size = int(min(differencing_cap(vhd), vhd.used_size + written))
        if metering:
            ios = disk.iops * elapsed
            disk.io_total += ios
            disk.latency_io_ms += disk.latency_ms * ios
            disk.bytes_read += disk.read_bps * elapsed
            disk.bytes_written += written


def _demands(lab: Any, vm: Any) -> list[tuple[Any, Any, float, float]]:
    """(drive, storage location, normalized IOPS wanted after its QoS cap,
    wanted before it) for each attached disk of a running VM."""
    drives = [d for d in vm.hard_drives if d.path]
    if not drives:
        return []
    workload = vm.workload
    share = (workload.iops + workload.disk_write_mbps * MB / NORMALIZED_IO_BYTES) / len(drives)
    found = []
    for drive in drives:
        location = lab.storage_for_path(vm.host_name, drive.path)
        capped = min(share, drive.maximum_iops) if drive.maximum_iops else share
        if location is None or not location.online:
            capped = 0.0
        found.append((drive, location, capped, share))
    return found


class Meter:
    """What `sync` keeps between runs: which VMs accumulate, each running
    VM's disk demands, and each storage location's load."""

    def __init__(self, lab: Any):
        self.lab = lab
        self.stale = False
        self.accumulating: dict[Any, None] = {}
        self.demands: dict[Any, list[tuple[Any, Any, float, float]]] = {}
        # id(location) -> {VM: [normalized IOPS each of its disks there wants]}
        self.asking: dict[int, dict[Any, list[float]]] = {}
        self.load: dict[int, float] = {}

    def __call__(self) -> None:
        # The clock's advance hook: rates settle once, just before
        # simulated time moves on, however many events came first.
        if self.stale:
            self.stale = False
            sync(self.lab)

    def join(self, vm: Any) -> None:
        """`vm` is metered from now on: its totals grow from here."""
        if vm not in self.accumulating:
            self.accumulating[vm] = None
            vm.usage.synced_at = self.lab.clock.now


def _meter(lab: Any) -> Meter:
    # One per clock: a reloaded lab (a new clock) starts with every VM stale.
    return lab.clock.advance_hook("usage", lambda: Meter(lab))


def _take_rates(lab: Any, meter: Meter, vms: list[Any], now: float) -> None:
    """New rates for `vms` (each VM once), and new disk rates for the VMs
    whose storage locations' load they change."""
    touched: dict[int, None] = {}
    present = []
    for vm in dict.fromkeys(vms):
        for _, location, _, _ in meter.demands.pop(vm, ()):
            if location is not None:
                meter.asking[id(location)].pop(vm, None)
                touched[id(location)] = None
        if lab.vm_by_id(vm.id) is not vm:          # removed from the lab
            meter.accumulating.pop(vm, None)
            continue
        present.append(vm)
        if _is_active(vm):
            demands = meter.demands[vm] = _demands(lab, vm)
            for _, location, wanted, _ in demands:
                if location is not None:
                    meter.asking.setdefault(id(location), {}).setdefault(vm, []).append(wanted)
                    touched[id(location)] = None
    rerate = dict.fromkeys(present)
    for key in touched:
        asking = meter.asking.get(key, {})
        # fsum: a location's load is the same whatever order its VMs came in.
        load = math.fsum(w for wanted in asking.values() for w in wanted)
        if load != meter.load.get(key, 0.0):
            rerate.update(dict.fromkeys(asking))
        meter.load[key] = load
        if not asking:
            meter.asking.pop(key, None)
    for vm in present:
        _vm_rates(vm, now)
        usage = vm.usage
        if usage.metering_since is not None or (usage.active and _writes_differencing(lab, vm)):
            meter.join(vm)
        else:
            meter.accumulating.pop(vm, None)
    for vm in rerate:
        _disk_rates(vm, meter)


def _vm_rates(vm: Any, now: float) -> None:
    """A VM's processor and memory rates now, and its disks (rates zero)."""
    usage = vm.usage
    usage.synced_at = now
    usage.active = _is_active(vm)
    usage.resident = vm.is_running
    usage.memory = vm.memory_assigned() if usage.resident else 0
    usage.cpu_mhz = _cpu_mhz(vm) if usage.active else 0.0
    if usage.resident and usage.metering_since is not None:
        usage.memory_min = usage.memory if usage.memory_min == 0 else min(usage.memory_min,
                                                                            usage.memory)
        usage.memory_max = max(usage.memory_max, usage.memory)
    previous = {d.slot: d for d in usage.disks}
    disks = []
    for drive in vm.hard_drives:
        if not drive.path:
            continue
        slot = slot_name(drive)
        disk = previous.get(slot) or DiskUsage(slot, drive.path)
        disk.path = drive.path
        disk.iops = disk.latency_ms = disk.read_bps = disk.write_bps = 0.0
        disks.append(disk)
    usage.disks = disks


def _disk_rates(vm: Any, meter: Meter) -> None:
    """What each disk of a running VM gets of its storage location's IOPS."""
    usage = vm.usage
    if not usage.active:
        return
    by_slot = {d.slot: d for d in usage.disks}
    write_share = vm.workload.disk_write_mbps * MB / max(1, len(usage.disks))
    read_share = vm.workload.iops * NORMALIZED_IO_BYTES / max(1, len(usage.disks))
    for drive, location, wanted, asked in meter.demands.get(vm, ()):
        disk = by_slot[slot_name(drive)]
        disk.iops = disk.latency_ms = disk.read_bps = disk.write_bps = 0.0
        if location is None or wanted <= 0:
            continue
        total = meter.load.get(id(location), 0.0)
        granted = wanted * min(1.0, location.iops / total) if total > 0 else 0.0
        utilization = min(MAX_UTILIZATION, total / location.iops)
        disk.iops = granted
        disk.latency_ms = BASE_LATENCY_MS / (1.0 - utilization) * (asked / wanted)
        fraction = granted / asked if asked > 0 else 0.0
        disk.write_bps = write_share * fraction
        disk.read_bps = read_share * fraction


def _writes_differencing(lab: Any, vm: Any) -> bool:
    """Whether a disk of `vm` is a differencing file (its guest's writes grow it)."""
    for disk in vm.usage.disks:
        vhd = lab.find_vhd(vm.host_name, disk.path)
        if vhd is not None and vhd.vhd_type.name == "Differencing":
            return True
    return False


def _is_active(vm: Any) -> bool:
    return vm.state.name == "Running"


def _cpu_mhz(vm: Any) -> float:
    """The same share of the host's processors that Get-VM's CPUUsage shows,
    in MHz of one logical processor."""
    host = vm.lab.find_host(vm.host_name)
    processors = min(vm.processor_count, host.logical_processors) if host else vm.processor_count
    percent_of_one = min(vm.workload.cpu_percent * processors,
                         vm.processor_maximum * vm.processor_count)
    return percent_of_one / 100.0 * PROCESSOR_MHZ


def _on_event(lab: Any, event: Any) -> None:
    _meter(lab).stale = True


# Every event may change what the VMs use.
DOMAIN = Domain("usage", on_event=_on_event)


# ---------------------------------------------------------------------------
# Resource metering (Enable-/Disable-/Reset-VMResourceMetering, Measure-VM)
# ---------------------------------------------------------------------------

def start_metering(lab: Lab, vm: Any) -> None:
    """Enable-VMResourceMetering: counting starts now (already-metered VMs
    keep their totals)."""
    sync(lab)
    if vm.usage.metering_since is None:
        vm.usage.reset_totals(lab.clock.now)
    vm.resource_metering_enabled = True
    _meter(lab).join(vm)


def stop_metering(lab: Lab, vm: Any) -> None:
    sync(lab)
    vm.usage.metering_since = None
    vm.resource_metering_enabled = False


def reset_metering(lab: Lab, vm: Any) -> None:
    sync(lab)
    vm.usage.reset_totals(lab.clock.now)
    _meter(lab).join(vm)


def disk_allocation(lab: Lab, vm: Any) -> int:
    """Bytes Measure-VM's TotalDisk counts: each attached disk's virtual size
    plus the differencing files (checkpoints) beneath it."""
    total = 0
    for drive in vm.hard_drives:
        if not drive.path:
            continue
        vhd = lab.find_vhd(vm.host_name, drive.path)
        if vhd is None:
            continue
        total += vhd.size
        while vhd is not None and vhd.vhd_type.name == "Differencing":
            total += vhd.FileSize
            vhd = lab.find_vhd(vm.host_name, vhd.parent_path) if vhd.parent_path else None
    return total


@ps_type
@attrs.define(eq=False)
class VHDMetrics:
    """One disk's figures in a metering report (HardDiskMetrics)."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VHDMetrics"

    VirtualHardDisk: Any
    AverageNormalizedIOPS: int
    AverageLatency: int
    DataRead: int
    DataWritten: int


@ps_type
@attrs.define(eq=False)
class VMMeteringReport:
    """What Measure-VM returns: the VM's use since metering began, as of the
    moment it was measured.  Memory and disk figures are in MB (2^20
    bytes), processor use in MHz, latency in milliseconds."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMMeteringReportForVirtualMachine"

    ComputerName: str
    VMId: Any
    VMName: str
    HardDiskMetrics: list[VHDMetrics]
    MeteringDuration: dt.timedelta
    AverageProcessorUsage: int
    AverageMemoryUsage: int
    MaximumMemoryUsage: int
    MinimumMemoryUsage: int
    TotalDiskAllocation: int
    AggregatedAverageNormalizedIOPS: int
    AggregatedAverageLatency: int
    AggregatedDiskDataRead: int
    AggregatedDiskDataWritten: int
    NetworkMeteredTrafficReport: list[Any]

    @property
    def AvgCPU(self) -> int:
        return self.AverageProcessorUsage

    @property
    def AvgRAM(self) -> int:
        return self.AverageMemoryUsage

    @property
    def MaxRAM(self) -> int:
        return self.MaximumMemoryUsage

    @property
    def MinRAM(self) -> int:
        return self.MinimumMemoryUsage

    @property
    def TotalDisk(self) -> int:
        return self.TotalDiskAllocation

    # The lab does not model guest network traffic (module docstring).
    @property
    def NetworkInbound(self) -> int:
        return 0

    @property
    def NetworkOutbound(self) -> int:
        return 0


def measure(lab: Lab, vm: Any) -> VMMeteringReport:
    """Measure-VM for a VM whose metering is on."""
    sync(lab)
    usage = vm.usage
    now = lab.clock.now
    since = usage.metering_since if usage.metering_since is not None else now
    duration = now - since
    if duration <= 0:
        return _snapshot_report(lab, vm)
    drives = {slot_name(d): d for d in vm.hard_drives if d.path}
    metrics = []
    for disk in usage.disks:
        drive = drives.get(disk.slot)
        if drive is None:
            continue
        metrics.append(VHDMetrics(
            drive, round(disk.io_total / duration),
            round(disk.latency_io_ms / disk.io_total) if disk.io_total else 0,
            int(disk.bytes_read // MB), int(disk.bytes_written // MB)))
    io_total = sum(d.io_total for d in usage.disks if d.slot in drives)
    latency_io = sum(d.latency_io_ms for d in usage.disks if d.slot in drives)
    return VMMeteringReport(
        ComputerName=vm.host_name, VMId=vm.id, VMName=vm.name, HardDiskMetrics=metrics,
        MeteringDuration=dt.timedelta(seconds=int(duration)),
        AverageProcessorUsage=round(usage.cpu_mhz_seconds / duration),
        AverageMemoryUsage=(int(usage.memory_byte_seconds / usage.resident_seconds) // MB
                            if usage.resident_seconds > 0 else 0),
        MaximumMemoryUsage=usage.memory_max // MB,
        MinimumMemoryUsage=usage.memory_min // MB,
        TotalDiskAllocation=disk_allocation(lab, vm) // MB,
        AggregatedAverageNormalizedIOPS=round(io_total / duration),
        AggregatedAverageLatency=round(latency_io / io_total) if io_total else 0,
        AggregatedDiskDataRead=int(sum(m.DataRead for m in metrics)),
        AggregatedDiskDataWritten=int(sum(m.DataWritten for m in metrics)),
        NetworkMeteredTrafficReport=[])


def _snapshot_report(lab: Lab, vm: Any) -> VMMeteringReport:
    """A report at the moment metering began: the present rates, nothing
    accumulated yet."""
    usage = vm.usage
    drives = {slot_name(d): d for d in vm.hard_drives if d.path}
    metrics = [VHDMetrics(drives[d.slot], round(d.iops), round(d.latency_ms), 0, 0)
               for d in usage.disks if d.slot in drives]
    iops = sum(d.iops for d in usage.disks if d.slot in drives)
    latency = (sum(d.latency_ms * d.iops for d in usage.disks if d.slot in drives) / iops
               if iops else 0)
    memory = usage.memory // MB
    return VMMeteringReport(
        ComputerName=vm.host_name, VMId=vm.id, VMName=vm.name, HardDiskMetrics=metrics,
        MeteringDuration=dt.timedelta(0), AverageProcessorUsage=round(usage.cpu_mhz),
        AverageMemoryUsage=memory, MaximumMemoryUsage=memory, MinimumMemoryUsage=memory,
        TotalDiskAllocation=disk_allocation(lab, vm) // MB,
        AggregatedAverageNormalizedIOPS=round(iops), AggregatedAverageLatency=round(latency),
        AggregatedDiskDataRead=0, AggregatedDiskDataWritten=0, NetworkMeteredTrafficReport=[])
