"""Resource metering (Measure-VM) with Storage QoS caps, and integration
services."""
from __future__ import annotations

from hvshell.model.compute import power, usage
from tests.cmdlets.storage_lab import CSV, MB, new_vm_script, refused, storage_shell

KB = 2**10


def test_measure_needs_metering_and_averages_over_the_duration():
    shell = storage_shell(new_vm_script("web") + "Set-LabWorkload web -Profile Web; Start-VM web")
    refused(shell, "Measure-VM web", "not enabled", "Enable-VMResourceMetering -VMName web")
    shell.run("Enable-VMResourceMetering web")
    assert shell.value("(Get-VM web).ResourceMeteringEnabled") is True
    now = shell.value("Measure-VM web")
    assert (now.MeteringDuration.total_seconds(), now.AvgRAM) == (0, 2048)
    # off for the first half hour, running for the second
    shell.run("Stop-VM web -TurnOff; Reset-VMResourceMetering web; Start-Sleep 1800; "
              "Start-VM web; Start-Sleep 1800")
    report = shell.value("Measure-VM web")
    duration = 3600 + power.VM_POWER_ON_SECONDS       # Start-VM waits for the power-on
    assert report.MeteringDuration.total_seconds() == duration
    # Web keeps its one vCPU 25 % busy: a quarter of a 2.6 GHz processor while running
    assert report.AvgCPU == round(0.25 * usage.PROCESSOR_MHZ * 1800 / duration)
    assert (report.AvgRAM, report.MinRAM, report.MaxRAM) == (2048, 2048, 2048)
    assert report.TotalDisk == 60 * 1024
    header = shell.run("Measure-VM web").strip().split("\n")[0].split()
    assert header == ["VMName", "AvgCPU(MHz)", "AvgRAM(M)", "MaxRAM(M)", "MinRAM(M)",
                      "TotalDisk(M)", "NetworkInbound(M)", "NetworkOutbound(M)"]
    shell.run("Disable-VMResourceMetering web")
    refused(shell, "Measure-VM web", "not enabled")


def test_storage_qos_cap_shows_in_the_disk_metrics():
    shell = storage_shell(new_vm_script("db", memory="8GB") + f"New-VHD {CSV}\\data.vhdx 100GB"
                          " | Out-Null; Add-VMHardDiskDrive db -Path "
                          f"{CSV}\\data.vhdx -MaximumIOPS 500; Set-LabWorkload db -Profile "
                          "Database; Start-VM db; Enable-VMResourceMetering db; Start-Sleep 600")
    report = shell.value("Measure-VM db")
    boot, data = report.HardDiskMetrics
    workload = shell.lab.vm_by_id(report.VMId).workload
    demand = (workload.iops + workload.disk_write_mbps * MB / (8 * KB)) / 2
    assert boot.AverageNormalizedIOPS == round(demand)
    assert data.AverageNormalizedIOPS == 500                      # held to its QoS maximum
    assert data.AverageLatency > boot.AverageLatency              # its requests wait
    assert report.AggregatedAverageNormalizedIOPS == round(demand) + 500
    assert data.DataWritten == int(workload.disk_write_mbps / 2 * 500 / demand * 600)
    # lifting the cap while it runs
    shell.run("Reset-VMResourceMetering db; Set-VMHardDiskDrive db SCSI 0 1 -MaximumIOPS 0; "
              "Start-Sleep 600")
    report = shell.value("Measure-VM db")
    assert [m.AverageNormalizedIOPS for m in report.HardDiskMetrics] == [round(demand)] * 2


def test_integration_services():
    shell = storage_shell(new_vm_script("web") + new_vm_script("old", host="HV12", folder="",
                                                               generation=1))
    names = [s.Name for s in shell.values("Get-VMIntegrationService web")]
    assert names == ["Time Synchronization", "Heartbeat", "Key-Value Pair Exchange", "Shutdown",
                     "VSS", "Guest Service Interface"]
    assert "Guest Service Interface" not in [
        s.Name for s in shell.values("Get-VMIntegrationService old -ComputerName HV12")]
    shell.run("Enable-VMIntegrationService 'Guest Service Interface' web")
    assert shell.value("(Get-VMIntegrationService web -Name Guest*).Enabled") is True
    shell.run("Get-VMIntegrationService web Shutdown | Disable-VMIntegrationService")
    assert shell.lab.vm_by_id(shell.value("(Get-VM web).Id")).integration_services["Shutdown"] \
        is False
    refused(shell, "Enable-VMIntegrationService Nope -VMName web", "no integration service",
            "Heartbeat")
    shell.run("Start-VM web; Start-Sleep 60")
    refused(shell, "Stop-VM web", "Shutdown integration service is disabled")


def test_measure_follows_workload_and_processor_changes_made_while_metering():
    shell = storage_shell(new_vm_script("app") + "Set-VM app -ProcessorCount 4; "
                          "Set-LabWorkload app -CpuPercent 10; Start-VM app; "
                          "Enable-VMResourceMetering app")
    mhz = usage.PROCESSOR_MHZ
    shell.run("Start-Sleep 600; Set-LabWorkload app -CpuPercent 90; Start-Sleep 600")
    # Ten minutes at 10 % of 4 processors, ten at 90 %.
    assert shell.value("(Measure-VM app).AvgCPU") == round((0.4 + 3.6) / 2 * mhz)
    shell.run("Set-VMProcessor app -Maximum 50; Start-Sleep 1200")
    # Capped at half of each processor: 2 processors' worth for the last 20 minutes.
    assert shell.value("(Measure-VM app).AvgCPU") == round((0.4 + 3.6 + 2 * 2.0) / 4 * mhz)
