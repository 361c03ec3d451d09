"""New-VHD, Get-VHD, Resize-VHD: formats, limits, timing, online resize rules."""
from __future__ import annotations

from hvshell.model.storage import disks
from hvshell.model.storage.objects import VHDX_METADATA_BYTES
from tests.cmdlets.storage_lab import (CSV, GB, MB, TB, new_vm_script, refused,
                                      storage_shell)


def test_new_dynamic_vhdx_defaults_and_get_vhd():
    shell = storage_shell()
    vhd = shell.value(f"New-VHD {CSV}\\data.vhdx -SizeBytes 100GB")
    assert (vhd.VhdFormat.name, vhd.VhdType.name, vhd.Size, vhd.BlockSize,
            vhd.LogicalSectorSize, vhd.PhysicalSectorSize, vhd.FileSize, vhd.Attached) == \
        ("VHDX", "Dynamic", 100 * GB, 32 * MB, 512, 4096, VHDX_METADATA_BYTES, False)
    assert shell.value(f"Get-VHD {CSV}\\data.vhdx") is vhd
    assert shell.value(f"Get-VHD -Path {CSV}\\DATA.VHDX -ComputerName HV02") is vhd   # a CSV
    relative = shell.value("New-VHD rel.vhd 1GB")
    assert relative.Path.endswith("\\Virtual Hard Disks\\rel.vhd")
    assert relative.VhdFormat.name == "VHD" and relative.MinimumSize is None
    lines = shell.run(f"Get-VHD {CSV}\\data.vhdx").strip().split("\n")
    assert [line.split(":")[0].strip() for line in lines][:5] == \
        ["ComputerName", "Path", "VhdFormat", "VhdType", "FileSize"]


def test_fixed_disk_takes_its_size_over_the_throughput():
    shell = storage_shell()
    start = shell.lab.clock.now
    vhd = shell.value(f"New-VHD {CSV}\\fixed.vhdx 10GB -Fixed")
    assert vhd.VhdType.name == "Fixed" and vhd.FileSize == VHDX_METADATA_BYTES + 10 * GB
    # CSV1 sustains 1000 MB/s
    assert shell.lab.clock.now - start == disks.METADATA_SECONDS + 10 * GB / (1000 * MB)
    job = shell.value(f"New-VHD {CSV}\\fixed2.vhdx 20GB -Fixed -AsJob")
    assert job.State.name == "Running" and shell.lab.clock.now - start < 11
    assert shell.values(f"Get-VHD {CSV}\\fixed2.vhdx -ErrorAction SilentlyContinue") == []
    shell.run("Wait-Job -Id 1 | Out-Null")
    assert shell.value("Receive-Job -Id 1").Size == 20 * GB


def test_size_limits_and_format_rules():
    shell = storage_shell()
    refused(shell, "New-VHD C:\\big.vhd 2041GB", "at most 2040 GB", "Use a .vhdx file")
    assert shell.value("New-VHD C:\\max.vhd 2040GB").Size == 2040 * GB
    refused(shell, "New-VHD C:\\big.vhdx 65TB", "at most 64 TB")
    assert shell.value("New-VHD C:\\max.vhdx 64TB").Size == 64 * TB
    refused(shell, "New-VHD C:\\odd.vhdx 1000000001", "512-byte logical sectors")
    refused(shell, "New-VHD C:\\noext 1GB", "does not end in .vhd or .vhdx")
    refused(shell, "New-VHD C:\\max.vhdx 1GB", "already exists")
    refused(shell, "New-VHD C:\\v.vhdx 1GB -ComputerName HV08", "2008 R2",
            "Windows Server 2012 or later")
    refused(shell, "New-VHD C:\\b.vhdx 1GB -BlockSizeBytes 3MB", "power of two")
    refused(shell, "New-VHD C:\\s.vhd 1GB -LogicalSectorSizeBytes 4096", "need a .vhdx")
    refused(shell, "New-VHD D:\\x.vhdx 1GB", "not on any storage")
    refused(shell, "New-VHD C:\\f.vhdx 3TB -Fixed", "not enough space")


def test_differencing_disks():
    shell = storage_shell(f"New-VHD {CSV}\\base.vhdx 40GB | Out-Null")
    child = shell.value(f"New-VHD {CSV}\\child.vhdx -ParentPath {CSV}\\base.vhdx -Differencing")
    assert (child.VhdType.name, child.Size, child.ParentPath) == \
        ("Differencing", 40 * GB, f"{CSV}\\base.vhdx")
    refused(shell, f"New-VHD {CSV}\\child.vhd -ParentPath {CSV}\\base.vhdx", "parent's format")
    refused(shell, f"New-VHD {CSV}\\c2.vhdx -ParentPath {CSV}\\none.vhdx", "does not exist")
    refused(shell, f"New-VHD {CSV}\\c3.vhdx {CSV}\\base.vhdx 10GB", "cannot be smaller")
    # a parent with a child cannot be resized, nor the child
    refused(shell, f"Resize-VHD {CSV}\\base.vhdx 50GB", "parent of differencing disk")
    refused(shell, f"Resize-VHD {CSV}\\child.vhdx 50GB", "is a differencing disk",
            "Remove-VMSnapshot")


def test_offline_resize_expand_and_shrink():
    shell = storage_shell(new_vm_script("g1", generation=1, size="60GB", used="10GB")
                          + "New-VHD C:\\old.vhd 10GB | Out-Null")
    path = f"{CSV}\\g1\\g1.vhdx"
    vhd = shell.value(f"Resize-VHD {path} 80GB -Passthru")
    assert vhd.Size == 80 * GB
    assert vhd.MinimumSize == 60 * GB          # the partition ends there
    record = refused(shell, f"Resize-VHD {path} 50GB", "minimum size is 64424509440 bytes",
                     "60 GB", "Set-LabGuestDisk -PartitionSize", "-ToMinimumSize")
    assert record.FullyQualifiedErrorId == "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.ResizeVHD"
    shell.run(f"Resize-VHD {path} -ToMinimumSize")
    assert vhd.Size == 60 * GB and not shell.errors
    assert shell.value("Resize-VHD C:\\old.vhd 20GB -Passthru").Size == 20 * GB
    refused(shell, "Resize-VHD C:\\old.vhd 15GB", "only VHDX files can shrink")
    refused(shell, "Resize-VHD C:\\old.vhd 3TB", "at most 2040 GB")
    refused(shell, "Resize-VHD C:\\old.vhd -ToMinimumSize", "VHD file")


def test_online_resize_needs_a_scsi_vhdx_on_2012_r2():
    script = (new_vm_script("g2", generation=2) + new_vm_script("g1", generation=1)
              + new_vm_script("w12", generation=1, host="HV12", folder="")
              + "Start-VM g2, g1; Start-VM w12 -ComputerName HV12")
    shell = storage_shell(script)
    assert shell.value(f"Resize-VHD {CSV}\\g2\\g2.vhdx 100GB -Passthru").Size == 100 * GB
    refused(shell, f"Resize-VHD {CSV}\\g1\\g1.vhdx 100GB", "IDE controller 0 location 0",
            "only on a SCSI controller", "Stop-VM")
    refused(shell, f"Resize-VHD {CSV}\\g2\\g2.vhdx 50GB", "minimum size")
    refused(shell, "Resize-VHD w12.vhdx 100GB -ComputerName HV12", "Windows Server 2012,",
            "Windows Server 2012 R2 or later")
    shell.run("Stop-VM g1 -TurnOff")
    assert shell.value(f"Resize-VHD {CSV}\\g1\\g1.vhdx 100GB -Passthru").Size == 100 * GB


def test_online_resize_of_a_vhd_file_is_refused():
    shell = storage_shell(f"New-VHD {CSV}\\data.vhd 10GB | Out-Null\n"
                          + new_vm_script("g1", generation=1)
                          + f"Add-VMHardDiskDrive g1 SCSI 0 0 {CSV}\\data.vhd\nStart-VM g1")
    refused(shell, f"Resize-VHD {CSV}\\data.vhd 20GB", "VHD file attached to the running",
            "only a VHDX")


def test_get_vhd_by_vm_and_locks_across_hosts():
    shell = storage_shell(new_vm_script("a") + "Start-VM a")
    [vhd] = shell.values("Get-VHD -VMId (Get-VM a).VMId")
    assert vhd.Path == f"{CSV}\\a\\a.vhdx" and vhd.Attached
    assert shell.values("Get-VM a | Get-VMHardDiskDrive | Get-VHD") == [vhd]
    refused(shell, f"Get-VHD {CSV}\\a\\a.vhdx -ComputerName HV02", "in use by 'a' on host 'HV01'")
    refused(shell, f"Get-VHD -VMId (Get-VM a).VMId -ComputerName HV02", "unable to find")
