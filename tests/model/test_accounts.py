"""Hosts' totals, metering rates and the bytes on each storage location
are kept as the VMs and files change (hvshell.model.compute.accounts,
usage.sync, Lab.bytes_used_on): after every step of a busy script they
equal what counting everything from scratch gives."""
from __future__ import annotations

from typing import Any

from hvshell.model.compute import usage
from tests.cmdlets.storage_lab import CSV, SHARE, new_vm_script, storage_shell

STEPS = [
    "Set-LabWorkload web -Profile Web; Start-VM web",
    "Enable-VMResourceMetering web; Start-Sleep 60",
    "Set-VM db -DynamicMemory -MemoryMinimumBytes 1GB -MemoryMaximumBytes 8GB",
    "Set-LabWorkload db -Profile Database; Start-VM db",
    f"New-VHD {CSV}\\db\\data.vhdx 100GB | Out-Null; "
    f"Add-VMHardDiskDrive db -Path {CSV}\\db\\data.vhdx -MaximumIOPS 500",
    "Start-Sleep 30",
    "Set-VMHardDiskDrive db -ControllerType SCSI -ControllerNumber 0 -ControllerLocation 1 "
    "-MaximumIOPS 0",
    "Checkpoint-VM web -SnapshotName before; Start-Sleep 120",
    "Set-LabWorkload web -DiskWriteMBps 50 -CpuPercent 80; Start-Sleep 60",
    "Start-VM file; Suspend-VM file; Start-Sleep 10",
    "Resume-VM file; Save-VM file; Start-Sleep 10",
    "Enable-VMMigration -ComputerName HV01, HV02; "
    "Add-VMMigrationNetwork 10.0.0.0/24 -ComputerName HV01, HV02",
    "$job = Move-VM db -DestinationHost HV02 -AsJob",
    "Start-Sleep 1",
    "$job | Wait-Job | Out-Null",
    "Invoke-LabFault -Storage CSV1 -Fault StorageDown; Start-Sleep 5",
    "Invoke-LabFault -Storage CSV1 -Fault StorageUp; Start-Sleep 5",
    "Remove-VMSnapshot -VMName web -Name before; Start-Sleep 30",
    "Remove-VMHardDiskDrive db -ComputerName HV02 -ControllerType SCSI -ControllerNumber 0 -ControllerLocation 1",
    "Reset-VMResourceMetering web; Stop-VM web -TurnOff; Start-Sleep 10",
    "Remove-VM file -Force",
    f"Resize-VHD {CSV}\\web\\web.vhdx 80GB",
    f"Set-LabGuestDisk {CSV}\\web\\web.vhdx -PartitionSize 80GB -UsedSize 50GB",
]


def figures(lab: Any) -> dict[str, Any]:
    usage.sync(lab)
    meter = usage._meter(lab)
    found: dict[str, Any] = {}
    for host in lab.hosts:
        found[host.name] = (host.memory_in_use(), host.cpu_busy_fraction(),
                            lab.accounts.reserved_memory(host))
    for location in lab.storage:
        found[location.name] = location.used_bytes()
    for vm in lab.all_vms():
        u = vm.usage
        found[vm.name] = (u.active, u.resident, u.memory, u.cpu_mhz, vm in meter.accumulating,
                          [(d.slot, d.path, d.iops, d.latency_ms, d.read_bps, d.write_bps)
                           for d in u.disks])
    return found


def test_kept_totals_equal_a_count_from_scratch_after_every_step():
    shell = storage_shell(new_vm_script("web") + new_vm_script("db", memory="4GB")
                          + new_vm_script("file", folder=SHARE))
    for step in STEPS:
        shell.run(step)
        assert not shell.errors, (step, shell.errors[0].message)
        kept = figures(shell.lab)
        shell.lab.accounts.recount()
        shell.lab.storage_changed()
        assert figures(shell.lab) == kept, step


def test_a_step_of_the_clock_costs_no_look_at_idle_vms(monkeypatch):
    shell = storage_shell("".join(new_vm_script(f"vm{i}") for i in range(20))
                          + "Get-VM | Start-VM; Start-Sleep 60")
    lab = shell.lab
    usage.sync(lab)
    assert not usage._meter(lab).accumulating        # none metered, none checkpointed
    looked_at = []
    monkeypatch.setattr(usage, "_vm_rates", lambda vm, now: looked_at.append(vm))
    shell.run("Start-Sleep 3600; Get-VM | Measure-Object | Out-Null")
    usage.sync(lab)
    assert looked_at == []
    shell.run("Stop-VM vm3 -TurnOff")
    usage.sync(lab)
    assert [vm.name for vm in looked_at] == ["vm3"]
