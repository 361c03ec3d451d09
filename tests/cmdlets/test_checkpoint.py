"""Checkpoint-VM and the *-VMSnapshot cmdlets: differencing files, applying,
removing with timed merges, the tree, limits."""
from __future__ import annotations

from hvshell.model.storage import checkpoints as snapshots
from hvshell.model.storage.objects import VHDX_METADATA_BYTES
from hvshell.model.compute.usage import differencing_cap
from tests.cmdlets.storage_lab import CSV, GB, MB, new_vm_script, refused, storage_shell

DISK = f"{CSV}\\web\\web.vhdx"


def current_path(shell, vm="web"):
    return shell.value(f"(Get-VMHardDiskDrive {vm}).Path")


def test_checkpoint_freezes_the_disk_and_saves_memory():
    shell = storage_shell(new_vm_script("web") + "Start-VM web")
    start = shell.lab.clock.now
    snap = shell.value("Checkpoint-VM web -SnapshotName 'Before patch' -Passthru")
    memory = shell.lab.vm_by_id(snap.VMId).memory_assigned()
    assert snap.saved_memory_bytes == memory == 2 * GB
    assert shell.lab.clock.now - start == snapshots.CHECKPOINT_SETUP_SECONDS + memory / (1000 * MB)
    assert snap.hard_drive_paths == [("SCSI", 0, 0, DISK)]
    child = current_path(shell)
    assert child.startswith(f"{CSV}\\web\\web_") and child.endswith(".avhdx")
    vhd = shell.value(f"Get-VHD '{child}'")
    assert (vhd.VhdType.name, vhd.ParentPath, vhd.Size) == ("Differencing", DISK, 60 * GB)
    # the guest's writes (Idle: 0.1 MB/s) fill the differencing file, not the base
    shell.run("Start-Sleep -Seconds 1000")
    assert shell.value(f"(Get-VHD '{child}').FileSize") == VHDX_METADATA_BYTES + 100 * MB
    base = shell.value(f"Get-VHD {DISK}")
    assert base.used_size == 20 * GB


def test_default_names_tree_and_get_vmsnapshot_sets():
    shell = storage_shell(new_vm_script("web"))
    shell.run("Checkpoint-VM web; Start-Sleep 61; Checkpoint-VM web second")
    first, second = shell.values("Get-VMSnapshot web")
    assert first.Name == "web - (3/25/2014 - 9:00:00 AM)"
    assert (second.Name, second.ParentSnapshotName) == ("second", first.Name)
    assert shell.values(f"Get-VMSnapshot -ChildOf (Get-VMSnapshot web -Name '{first.Name}')") == \
        [second]
    assert shell.values("Get-VMSnapshot -ParentOf (Get-VM web)") == [second]
    assert shell.values(f"Get-VMSnapshot -Id {second.Id}") == [second]
    assert shell.values("Get-VMCheckpoint -VMName web -Name sec*") == [second]
    assert shell.values("Get-VM web | Get-VMSnapshot -SnapshotType Replica") == []
    refused(shell, "Get-VMSnapshot web -Name nope", "Unable to find a snapshot matching",
            "Get-VMSnapshot -VMName web")
    header = shell.run("Get-VMSnapshot web").strip().split("\n")[0].split()
    assert header == ["VMName", "Name", "SnapshotType", "CreationTime", "ParentSnapshotName"]


def test_checkpoint_limit_and_states(monkeypatch):
    monkeypatch.setattr(snapshots, "MAX_CHECKPOINTS", 2)
    shell = storage_shell(new_vm_script("web") + "Checkpoint-VM web a; Checkpoint-VM web b")
    refused(shell, "Checkpoint-VM web c", "already has 2 checkpoints", "Remove-VMSnapshot")
    shell.run("Start-VM web -AsJob | Out-Null")
    refused(shell, "Remove-VMSnapshot web a", "another operation on it is still running",
            "Wait-Job")


def test_remove_merges_take_time_from_the_bytes():
    shell = storage_shell(new_vm_script("web") + "Start-VM web; Checkpoint-VM web one; "
                          "Start-Sleep 1000")
    child = current_path(shell)
    written = shell.value(f"Get-VHD '{child}'").used_size
    assert written == 100 * MB
    start = shell.lab.clock.now
    shell.run("Remove-VMSnapshot web one")
    # the child's data is read and written back into the base on CSV1 (1000 MB/s)
    expected = snapshots.MERGE_SETUP_SECONDS + 2 * 100 * MB / (1000 * MB)
    assert abs(shell.lab.clock.now - start - expected) < 1e-6
    assert current_path(shell) == DISK
    assert shell.values(f"Get-VHD '{child}' -ErrorAction SilentlyContinue") == []
    assert shell.values("Get-VMSnapshot web") == []


def test_remove_as_job_shows_merging_and_a_subtree():
    shell = storage_shell(new_vm_script("web") + "Start-VM web; Checkpoint-VM web a; "
                          "Start-Sleep 500; Checkpoint-VM web b; Start-Sleep 500; "
                          "Checkpoint-VM web c; Start-Sleep 500")
    job = shell.value("Remove-VMSnapshot web a -IncludeAllChildSnapshots -AsJob")
    assert shell.values("Get-VMSnapshot web") == []
    assert shell.value("(Get-VM web).Status") == "Merging"
    shell.run("Wait-Job -Id 1 | Out-Null")
    assert job.State.name == "Completed"
    assert shell.value("(Get-VM web).Status") == "Operating normally"
    assert current_path(shell) == DISK
    avhdx = [v for v in shell.lab.vhds.values() if v.path.endswith(".avhdx")]
    assert avhdx == []


def test_restore_applies_the_checkpoint_state():
    shell = storage_shell(new_vm_script("web") + "Checkpoint-VM web off; Start-VM web; "
                          "Start-Sleep 100; Checkpoint-VM web running; Set-VM web -ProcessorCount 1")
    before = current_path(shell)
    shell.run("Restore-VMSnapshot -Name running -VMName web -Confirm:$false")
    vm = shell.value("Get-VM web")
    assert (vm.State.name, vm.saved_memory) == ("Saved", 2 * GB)
    now = current_path(shell)
    assert now != before and shell.value(f"(Get-VHD '{now}').ParentPath") == \
        shell.value("Get-VMSnapshot web running").hard_drive_paths[0][3]
    assert shell.values(f"Get-VHD '{before}' -ErrorAction SilentlyContinue") == []
    shell.run("Get-VMSnapshot web off | Restore-VMSnapshot -Passthru | Out-Null")
    assert (vm.State.name, vm.ParentSnapshotName) == ("Off", "off")
    assert shell.value(f"(Get-VHD '{current_path(shell)}').ParentPath") == DISK
    refused(shell, "Restore-VMSnapshot -Name nope -VMName web", "no checkpoint named 'nope'")


def test_differencing_growth_is_capped_by_the_partition():
    shell = storage_shell(new_vm_script("web", size="10GB", used="1GB")
                          + "Set-LabWorkload web -DiskWriteMBps 100; Start-VM web; "
                          "Checkpoint-VM web a; Start-Sleep 3600")
    vhd = shell.value(f"Get-VHD '{current_path(shell)}'")
    assert vhd.used_size == differencing_cap(vhd) == 10 * GB


def test_checkpoints_follow_their_files_when_the_storage_moves():
    shell = storage_shell(new_vm_script("web") + "Checkpoint-VM web cp; "
                          "Move-VMStorage web -DestinationStoragePath \\\\SOFS\\VMs\\web")
    assert not shell.errors, shell.err.getvalue()
    [(_, _, _, frozen)] = shell.value("Get-VMSnapshot web").hard_drive_paths
    assert frozen.startswith("\\\\SOFS\\VMs\\web\\")
    shell.run("Restore-VMSnapshot -Name cp -VMName web -Confirm:$false")
    assert shell.value(f"(Get-VHD '{current_path(shell)}').ParentPath") == frozen
    assert not shell.errors, shell.err.getvalue()


def test_no_checkpoint_or_disk_change_while_the_vm_is_moved():
    shell = storage_shell(new_vm_script("web") + "Start-VM web; "
                          "Enable-VMMigration -ComputerName HV01, HV02; "
                          "Add-VMMigrationNetwork 10.0.0.0/24 -ComputerName HV01, HV02; "
                          f"New-VHD {CSV}\\d.vhdx 1GB | Out-Null")
    shell.run("$job = Move-VM web HV02 -AsJob; Start-Sleep 1")
    assert not shell.errors, shell.err.getvalue()
    for command in ("Checkpoint-VM web", f"Add-VMHardDiskDrive web -Path {CSV}\\d.vhdx",
                    f"Export-VM web -Path {CSV}\\ex", f"Resize-VHD {DISK} 70GB"):
        refused(shell, command, "it is being moved", "Live migration HV01 -> HV02")
    shell.run("Wait-Job $job | Out-Null; Checkpoint-VM web -ComputerName HV02")
    assert not shell.errors, shell.err.getvalue()
