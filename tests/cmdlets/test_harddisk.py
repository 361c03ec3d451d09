"""Add-, Get-, Set-, Remove-VMHardDiskDrive: slots, generation 2, hot add,
shared VHDX and Storage QoS."""
from __future__ import annotations

from hvshell.model.storage import disks
from tests.cmdlets.storage_lab import CSV, SHARE, new_vm_script, refused, storage_shell

DATA = f"""
New-VHD {CSV}\\d1.vhdx 10GB | Out-Null
New-VHD {CSV}\\d2.vhdx 10GB | Out-Null
New-VHD {CSV}\\d3.vhd 10GB | Out-Null
New-VHD {CSV}\\shared.vhdx 10GB -Fixed | Out-Null
New-VHD C:\\local.vhdx 10GB | Out-Null
"""


def slots(shell, vm):
    return [(d.ControllerType.name, d.ControllerNumber, d.ControllerLocation, d.Path)
            for d in shell.values(f"Get-VMHardDiskDrive {vm}")]


def test_default_slots_and_positional_parameters():
    shell = storage_shell(DATA + new_vm_script("g1", generation=1) + new_vm_script("g2"))
    drive = shell.value(f"Add-VMHardDiskDrive g1 -Path {CSV}\\d1.vhdx -Passthru")
    assert (drive.ControllerType.name, drive.ControllerNumber, drive.ControllerLocation) == \
        ("IDE", 0, 1)                               # IDE 0:0 holds the boot disk
    shell.run(f"Add-VMHardDiskDrive g1 SCSI 0 5 {CSV}\\d2.vhdx")
    assert slots(shell, "g1")[-1] == ("SCSI", 0, 5, f"{CSV}\\d2.vhdx")
    drive = shell.value(f"Get-VM g2 | Add-VMHardDiskDrive -Path {CSV}\\shared.vhdx -Passthru")
    assert (drive.ControllerType.name, drive.ControllerLocation) == ("SCSI", 1)
    assert [d.Path for d in shell.values("Get-VMHardDiskDrive g1 -ControllerType SCSI")] == \
        [f"{CSV}\\d2.vhdx"]
    header = shell.run("Get-VMHardDiskDrive g1").strip().split("\n")[0].split()
    assert header == ["VMName", "ControllerType", "ControllerNumber", "ControllerLocation",
                      "DiskNumber", "Path"]


def test_generation_2_and_state_rules():
    shell = storage_shell(DATA + new_vm_script("g1", generation=1) + new_vm_script("g2")
                          + "Start-VM g1, g2")
    refused(shell, f"Add-VMHardDiskDrive g2 -ControllerType IDE -Path {CSV}\\d1.vhdx",
            "generation 2", "no IDE controller", "-ControllerType SCSI")
    refused(shell, f"Add-VMHardDiskDrive g2 -Path {CSV}\\d3.vhd", "VHDX files only")
    refused(shell, f"Add-VMHardDiskDrive g1 IDE 0 1 {CSV}\\d1.vhdx", "while it is Running",
            "IDE devices change only while the virtual machine is off")
    refused(shell, f"Add-VMHardDiskDrive g1 SCSI 1 0 {CSV}\\d1.vhdx", "1 SCSI controller")
    refused(shell, f"Add-VMHardDiskDrive g1 SCSI 0 64 {CSV}\\d1.vhdx", "0 to 63")
    refused(shell, f"Add-VMHardDiskDrive g1 -Path {CSV}\\none.vhdx", "does not exist")
    # hot add on SCSI (chosen automatically while running)
    drive = shell.value(f"Add-VMHardDiskDrive g1 -Path {CSV}\\d1.vhdx -Passthru")
    assert drive.ControllerType.name == "SCSI"
    refused(shell, f"Add-VMHardDiskDrive g2 -Path {CSV}\\d1.vhdx", "in use by 'g1'",
            "Remove-VMHardDiskDrive")
    refused(shell, "Remove-VMHardDiskDrive g1 IDE 0 0", "while it is Running")
    shell.run("Get-VMHardDiskDrive g1 -ControllerType SCSI | Remove-VMHardDiskDrive")
    assert [s[0] for s in slots(shell, "g1")] == ["IDE"] and not shell.errors


def test_shared_vhdx_rules():
    shell = storage_shell(DATA + new_vm_script("n1") + new_vm_script("n2", host="HV02")
                          + new_vm_script("solo") + new_vm_script("old", host="HV12",
                                                                  generation=1, folder=""))
    shell.run(f"Add-VMHardDiskDrive n1 -Path {CSV}\\shared.vhdx -SupportPersistentReservations")
    shell.run(f"Add-VMHardDiskDrive n2 -ComputerName HV02 -Path {CSV}\\shared.vhdx "
              "-ShareVirtualDisk")
    assert not shell.errors
    drives = [d for d in shell.lab.all_vms() for d in d.hard_drives if d.Path.endswith("shared.vhdx")]
    assert [d.SupportPersistentReservations for d in drives] == [True, True]
    refused(shell, f"Add-VMHardDiskDrive solo -Path {CSV}\\shared.vhdx", "shared VHDX",
            "-SupportPersistentReservations")
    refused(shell, "Add-VMHardDiskDrive solo -Path C:\\local.vhdx -SupportPersistentReservations",
            "local storage", "cluster shared volume or an SMB 3.0 share")
    refused(shell, f"Add-VMHardDiskDrive solo -Path {CSV}\\d3.vhd -SupportPersistentReservations",
            "VHDX files only")
    refused(shell, f"Add-VMHardDiskDrive solo -Path {CSV}\\d1.vhdx -SupportPersistentReservations "
            "-MaximumIOPS 100", "Storage QoS does not apply to a shared VHDX")
    shell.run(f"New-VHD {SHARE}\\s.vhdx 1GB | Out-Null")
    refused(shell, f"Add-VMHardDiskDrive old -ComputerName HV12 -Path {SHARE}\\s.vhdx "
            "-SupportPersistentReservations", "Windows Server 2012,",
            "Windows Server 2012 R2 or later")
    refused(shell, "Checkpoint-VM n1", "shared VHDX", "cannot checkpoint")


def test_shared_vhdx_limit(monkeypatch):
    monkeypatch.setattr(disks, "MAX_SHARED_VHDX_USERS", 2)
    shell = storage_shell(DATA + "".join(new_vm_script(n) for n in ("a", "b", "c")))
    for name in ("a", "b"):
        shell.run(f"Add-VMHardDiskDrive {name} -Path {CSV}\\shared.vhdx "
                  "-SupportPersistentReservations")
    refused(shell, f"Add-VMHardDiskDrive c -Path {CSV}\\shared.vhdx "
            "-SupportPersistentReservations", "shared by 2 virtual machines", "(2)")


def test_storage_qos_limits():
    shell = storage_shell(DATA + new_vm_script("g2") + new_vm_script(
        "old", host="HV12", generation=1, folder="") + "Start-VM g2")
    drive = shell.value(f"Add-VMHardDiskDrive g2 -Path {CSV}\\d1.vhdx -MinimumIOPS 100 "
                        "-MaximumIOPS 500 -Passthru")
    assert (drive.MinimumIOPS, drive.MaximumIOPS) == (100, 500)
    refused(shell, "Set-VMHardDiskDrive g2 SCSI 0 1 -MinimumIOPS 900", "cannot be more than",
            "-MaximumIOPS (500)")
    shell.run("Get-VMHardDiskDrive g2 -ControllerLocation 1 | Set-VMHardDiskDrive -MaximumIOPS 0")
    assert drive.MaximumIOPS == 0 and not shell.errors        # changeable while running
    shell.run("New-VHD q.vhdx 1GB -ComputerName HV12 | Out-Null")
    refused(shell, "Add-VMHardDiskDrive old -ComputerName HV12 -Path q.vhdx -MaximumIOPS 100",
            "Storage QoS", "Windows Server 2012 R2 or later")


def test_set_moves_and_swaps():
    shell = storage_shell(DATA + new_vm_script("g1", generation=1)
                          + f"Add-VMHardDiskDrive g1 SCSI 0 0 {CSV}\\d1.vhdx")
    shell.run("Set-VMHardDiskDrive g1 SCSI 0 0 -ToControllerType SCSI -ToControllerLocation 3")
    shell.run(f"Set-VMHardDiskDrive g1 SCSI 0 3 -Path {CSV}\\d2.vhdx")
    assert slots(shell, "g1")[-1] == ("SCSI", 0, 3, f"{CSV}\\d2.vhdx") and not shell.errors
    refused(shell, "Set-VMHardDiskDrive g1 SCSI 0 3 -ToControllerType IDE -ToControllerNumber 0 "
            "-ToControllerLocation 0", "already has a hard drive")
    refused(shell, "Set-VMHardDiskDrive g1 SCSI 0 9 -MaximumIOPS 5", "no hard disk drive at")
    refused(shell, "Set-VMHardDiskDrive g1 -MaximumIOPS 5", "2 hard disk drives")
    shell.run("Start-VM g1")
    refused(shell, "Set-VMHardDiskDrive g1 SCSI 0 3 -ToControllerLocation 4", "Stop it")
    refused(shell, "Set-VMHardDiskDrive g1 SCSI 0 3 -SupportPersistentReservations $true",
            "Stop it")
