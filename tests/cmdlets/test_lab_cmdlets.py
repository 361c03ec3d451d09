"""The simulator's own cmdlets: New-LabHost, Add-LabNic, New-LabStorage,
Set-LabWorkload, Set-LabGuestDisk, Get-LabHost, Get-LabEvent,
Invoke-LabFault, Export-Lab, Import-Lab."""
from __future__ import annotations

from hvshell.model.compute.workload import PROFILES, WorkloadProfile
from tests.cmdlets.hyperv_shell import lab_shell

GB = 2**30
MB = 2**20


def test_new_lab_host_defaults_and_get_lab_host():
    shell = lab_shell()
    host = shell.value("New-LabHost HV01 -PassThru")
    assert (host.Name, host.Version.name, host.ProcessorVendor.name, host.ProcessorGeneration,
            host.LogicalProcessors, host.Memory, host.Domain) == \
        ("HV01", "2012R2", "Intel", 3, 32, 256 * GB, "lab.local")
    shell.run("New-LabHost HV02 -Version 2008R2 -ProcessorVendor AMD -LogicalProcessors 16 "
              "-Memory 64GB")
    assert [h.Name for h in shell.values("Get-LabHost")] == ["HV01", "HV02"]
    assert shell.value("Get-LabHost hv02").ProcessorVendor.name == "AMD"
    assert shell.value("$env:COMPUTERNAME") == "HV01"
    shell.run("New-LabHost HV03 -Version 2016")
    assert '"2008R2,2012,2012R2"' in shell.errors[-1].message
    shell.run("New-LabHost HV03 -LogicalProcessors 400")
    assert "320 logical processors" in shell.errors[-1].message
    assert len(shell.lab.hosts) == 2
    assert shell.values("New-LabHost HV05") == []            # quiet without -PassThru
    lines = shell.run("Get-LabHost").strip().split("\n")
    assert lines[0].split() == ["Name", "State", "Version", "Processor", "LP", "Memory(GB)",
                                "FreeMemory(GB)", "VMs", "Running", "Cluster"]


def test_add_lab_nic_and_storage():
    shell = lab_shell("New-LabHost HV01 | Out-Null")
    nic = shell.value("Add-LabNic -Name LM1 -SpeedGbps 40 -Rdma -Subnet 10.1.1.0/24")
    assert (nic.ComputerName, nic.LinkSpeedGbps, nic.RdmaEnabled, nic.IPAddress) == \
        ("HV01", 40.0, True, "10.1.1.11")
    storage = shell.value("New-LabStorage SOFS -Type SMB -Path \\\\SOFS01\\VMs")
    assert (storage.Type.name, storage.Capacity, storage.ThroughputMBps, storage.Iops) == \
        ("SMB", 4 * 2**40, 1000.0, 50000.0)
    local = shell.value("New-LabStorage DATA -Type Local -Path D: -Capacity 1TB")
    assert (local.ComputerName, local.Path) == ("HV01", "D:")
    shell.run("New-LabStorage CSV -Type CSV -Cluster NOPE")
    assert "no cluster named 'NOPE'" in shell.errors[-1].message


def test_workload_and_guest_disk():
    shell = lab_shell("New-LabHost HV01 | Out-Null; "
                      "New-VM db 8GB -NewVHDPath db.vhdx -NewVHDSizeBytes 100GB | Out-Null")
    workload = shell.value("Get-VM db | Set-LabWorkload -Profile Database -CpuPercent 70 "
                           "-PassThru")
    figures = PROFILES[WorkloadProfile.Database]
    assert (workload.Profile.name, workload.CpuPercent, workload.WorkingSet,
            workload.DirtyRateMBps, workload.ZeroPagePercent) == \
        ("Database", 70.0, int(8 * GB * figures.working_set_fraction) // MB * MB,
         figures.dirty_rate_mbps, figures.windows_zero_percent)
    linux = shell.value("Set-LabWorkload db -Profile Database -GuestOS Linux -PassThru")
    assert linux.ZeroPagePercent == figures.linux_zero_percent
    path = shell.value("(Get-VM db).HardDrives[0].Path")
    vhd = shell.value(f"Set-LabGuestDisk '{path}' -PartitionSize 100GB -UsedSize 30GB -PassThru")
    assert vhd.FileSize == 4 * MB + 30 * GB
    shell.run(f"Set-LabGuestDisk '{path}' -UsedSize 120GB")
    assert "cannot have written" in shell.errors[-1].message
    assert vhd.used_size == 30 * GB
    shell.run("Set-LabWorkload db -WorkingSet 20GB")
    assert "cannot exceed the memory" in shell.errors[-1].message


def test_faults_on_the_clock_and_the_event_log():
    shell = lab_shell("New-LabHost HV01 | Out-Null; New-VM a | Out-Null; Start-VM a")
    shell.run("Invoke-LabFault -ComputerName HV01 -Fault HostCrash -After 30")
    assert shell.value("(Get-LabHost HV01).State").name == "Up"
    shell.run("Start-Sleep 30")
    assert shell.value("(Get-LabHost HV01).State").name == "Down"
    shell.run("Get-VM")
    assert "does not answer" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("Invoke-LabFault -ComputerName HV01 -Fault HostRecover; Start-Sleep 200")
    assert shell.value("(Get-VM a).State").name == "Running"     # StartIfRunning
    kinds = [e.Kind for e in shell.values("Get-LabEvent -Kind Host*")]
    assert kinds == ["HostCreated", "HostDown", "HostStarting", "HostUp"]
    after = shell.values("Get-LabEvent -After (Get-Date).AddSeconds(-60)")
    assert all(e.Time > shell.lab.time_at(shell.lab.clock.now - 60) for e in after)
    shell.run("Invoke-LabFault -Storage HV01-C -Fault HostCrash")
    assert "host fault" in shell.errors[-1].message
    shell.run("Invoke-LabFault -ComputerName HV01 -Fault Meltdown")
    assert "HostCrash,HostRecover" in shell.errors[-1].message


def test_export_and_import_lab(tmp_path):
    shell = lab_shell("New-LabHost HV01 | Out-Null; New-LabHost HV02 | Out-Null; "
                      "New-VM a | Out-Null", root=tmp_path)
    shell.run("Export-Lab lab.json; New-VM b | Out-Null")
    assert (tmp_path / "lab.json").exists()
    shell.run("Enter-PSSession HV02; Import-Lab lab.json")
    assert not shell.errors
    assert [vm.Name for vm in shell.values("Get-VM -ComputerName HV01")] == ["a"]
    assert shell.session.computer_name == "HV02"
    shell.run("Export-Lab ../outside.json")
    assert "denied" in shell.errors[-1].message
    (tmp_path / "junk.json").write_text("{}")
    shell.run("Import-Lab junk.json")
    assert "not an hvshell lab file" in shell.errors[-1].message
    assert shell.errors[-1].FullyQualifiedErrorId.startswith("LabFileInvalid,")
    assert [vm.Name for vm in shell.values("Get-VM -ComputerName HV01")] == ["a"]


def test_state_files_take_room_on_the_vms_storage():
    shell = lab_shell("New-LabHost HV01 | Out-Null; "
                      "New-LabStorage DATA -Type Local -Path D: -ComputerName HV01 -Capacity 10GB "
                      "| Out-Null; New-VM APP01 -MemoryStartupBytes 6GB -Path D:\\VMs | Out-Null")
    data = shell.value("Get-LabStorage DATA")
    assert data.FreeSpace == 10 * GB
    shell.run("Start-VM APP01")
    # The Save stop action's .BIN: as large as the memory, while it runs.
    assert (data.FreeSpace, shell.value("(Get-VM APP01).SizeOfSystemFiles")) == (4 * GB, 6 * GB)
    shell.run("Stop-VM APP01 -TurnOff; Set-VM APP01 -AutomaticStopAction TurnOff; Start-VM APP01")
    assert data.FreeSpace == 10 * GB
    # Its configuration (and its 6 GB of saved state) cannot move onto too small a volume.
    shell.run("New-LabStorage TINY -Type Local -Path E: -ComputerName HV01 -Capacity 5GB | Out-Null; "
              "Save-VM APP01")
    shell.run("Move-VMStorage APP01 -VirtualMachinePath E:\\VMs\\APP01")
    assert "take 6144 MB" in shell.errors[-1].message
    assert shell.value("(Get-VM APP01).Path") == "D:\\VMs\\APP01"
    shell.run("Get-LabStorage NOPE")
    assert "no storage named 'NOPE'" in shell.errors[-1].message
