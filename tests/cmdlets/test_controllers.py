"""Restart-VM, Get-/Add-/Set-/Remove-VMDvdDrive, Get-/Add-/Remove-
VMScsiController and Get-VMIdeController on the demo lab."""
from __future__ import annotations

from tests.cmdlets.demo_shell import demo_shell
from tests.cmdlets.storage_lab import refused

NEW_VMS = ("New-VM Old1 512MB -Generation 1 | Out-Null\n"
           "New-VM New2 512MB -Generation 2 | Out-Null\n")


def test_restart_is_a_reset_of_a_running_vm():
    shell = demo_shell()
    shell.run("Start-Sleep 120")
    assert shell.value("(Get-VM SQL01).Uptime.TotalSeconds") > 100
    vm = shell.value("Restart-VM SQL01 -Force -Passthru")
    assert vm.State.name == "Running" and vm.Uptime.total_seconds() < 1
    assert "was reset" in shell.run("Get-LabEvent | Select-Object -Last 1 | Out-String")
    shell.run("Stop-VM SQL01 -TurnOff -Force")
    refused(shell, "Restart-VM SQL01 -Force", "current state (Off)", "Start-VM")
    job = shell.value("Get-VM WEB0* | Restart-VM -Force -AsJob")
    shell.run("Get-Job | Wait-Job | Out-Null")
    assert job.State.name == "Completed" and not job.errors


def test_dvd_drives_follow_the_generation_and_the_state():
    shell = demo_shell(NEW_VMS)
    drive = shell.value("Add-VMDvdDrive Old1 -Path C:\\ISO\\ws2012r2.iso -Passthru")
    assert (drive.ControllerType.name, drive.ControllerNumber, drive.ControllerLocation,
            drive.DvdMediaType.name, drive.Path) == ("IDE", 0, 0, "ISO", "C:\\ISO\\ws2012r2.iso")
    second = shell.value("Get-VM New2 | Add-VMDvdDrive -Passthru")
    assert (second.ControllerType.name, second.DvdMediaType.name) == ("SCSI", "None")
    # New-VM gave the generation 1 VM its DVD drive at IDE 1:0.
    assert [(d.VMName, d.ControllerType.name, d.ControllerNumber, d.ControllerLocation)
            for d in shell.values("Get-VMDvdDrive Old1, New2")] == \
        [("New2", "SCSI", 0, 0), ("Old1", "IDE", 0, 0), ("Old1", "IDE", 1, 0)]
    assert shell.values("Get-VMDvdDrive Old1 -ControllerLocation 1") == []
    refused(shell, "Add-VMDvdDrive Old1 -Path C:\\ISO\\disk.vhdx", "not an ISO image")
    refused(shell, "Add-VMDvdDrive Old1 -ControllerNumber 0 -ControllerLocation 0",
            "already has a dvd drive at IDE controller 0 location 0")
    refused(shell, "Add-VMDvdDrive Old1 -ControllerNumber 2 -ControllerLocation 0",
            "IDE controller 2 location 0 does not exist")
    shell.run("Start-VM Old1")
    shell.run("Set-VMDvdDrive Old1 0 0 -Path $null")
    assert drive.Path is None and drive.DvdMediaType.name == "None"
    shell.run("Get-VMDvdDrive Old1 | Set-VMDvdDrive -Path C:\\ISO\\tools.iso")
    assert drive.Path == "C:\\ISO\\tools.iso"
    refused(shell, "Add-VMDvdDrive Old1", "while it is Running", "Stop-VM")
    refused(shell, "Remove-VMDvdDrive Old1 0 0", "while it is Running")
    refused(shell, "Set-VMDvdDrive Old1 0 0 -ToControllerNumber 1", "while it is Running")
    shell.run("Stop-VM Old1 -TurnOff -Force")
    shell.run("Set-VMDvdDrive Old1 0 0 -ToControllerNumber 1")
    assert (drive.ControllerNumber, drive.ControllerLocation) == (1, 1)
    refused(shell, "Remove-VMDvdDrive Old1 0 1", "no DVD drive at controller 0 location 1")
    shell.run("Get-VMDvdDrive Old1 | Remove-VMDvdDrive")
    assert shell.values("Get-VMDvdDrive Old1") == []


def test_scsi_and_ide_controllers():
    shell = demo_shell(NEW_VMS)
    [only] = shell.values("Get-VMScsiController New2")
    assert (only.Name, only.ControllerNumber, only.VMName) == ("SCSI Controller", 0, "New2")
    assert [c.Name for c in shell.values("Get-VMIdeController Old1")] == \
        ["IDE Controller 0", "IDE Controller 1"]
    assert shell.values("Get-VMIdeController New2") == []
    added = shell.value("Add-VMScsiController New2 -Passthru")
    assert added.ControllerNumber == 1
    shell.run("Get-VM New2 | Add-VMScsiController; Add-VMScsiController New2")
    refused(shell, "Add-VMScsiController New2", "already has 4 SCSI controllers")
    shell.run("Add-VMDvdDrive New2 -ControllerNumber 3")
    shell.run("Remove-VMScsiController New2 1")
    assert shell.value("Get-VMDvdDrive New2").ControllerNumber == 2
    assert len(shell.values("Get-VMScsiController New2")) == 3
    refused(shell, "Remove-VMScsiController New2 2", "still has 1 drive", "Remove-VMDvdDrive")
    refused(shell, "Remove-VMScsiController New2 7", "no SCSI controller 7")
    refused(shell, "Add-VMScsiController SQL01", "while it is Running")
    shell.run("Get-VMScsiController New2 -ControllerNumber 1 | Remove-VMScsiController")
    assert len(shell.values("Get-VMScsiController New2")) == 2
    table = shell.run("Get-VMScsiController New2")
    assert table.split("\n")[1].split() == ["VMName", "ControllerNumber", "Drives"]
