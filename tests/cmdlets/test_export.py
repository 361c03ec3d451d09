"""Export-VM, Export-VMSnapshot, Import-VM: folder layout, timing from used
bytes, live export on 2012 R2 only, register versus copy, Ids, switches."""
from __future__ import annotations

from hvshell.model.storage import export_import as exports
from hvshell.model.storage.objects import VHDX_METADATA_BYTES
from tests.cmdlets.storage_lab import (CSV, DEFAULT_VHD_FOLDER, GB, MB, SHARE, new_vm_script,
                                      refused, storage_shell)

EXPORTS = f"{SHARE}\\Exports"


def config_path(shell, vm, root=EXPORTS):
    vm_id = str(shell.value(f"(Get-VM {vm}).VMId")).upper()
    return f"{root}\\{vm}\\Virtual Machines\\{vm_id}.XML"


def test_export_of_an_off_vm_copies_used_bytes():
    shell = storage_shell(new_vm_script("web"))
    start = shell.lab.clock.now
    shell.run(f"Export-VM web -Path {EXPORTS}")
    data = VHDX_METADATA_BYTES + 20 * GB
    # CSV1 (1000 MB/s) to the share (2000 MB/s) over NIC1 (10 Gbps = 1250 MB/s): 1000 MB/s
    assert abs(shell.lab.clock.now - start - (exports.EXPORT_SETUP_SECONDS
                                               + data / (1000 * MB))) < 1e-6
    copy = shell.value(f"Get-VHD '{EXPORTS}\\web\\Virtual Hard Disks\\web.vhdx'")
    assert (copy.FileSize, copy.Attached) == (data, False)
    record = exports.find_export(shell.lab, shell.lab.host("HV01"), config_path(shell, "web"))
    assert record.vm.state.name == "Off" and record.folder == f"{EXPORTS}\\web"
    refused(shell, f"Export-VM web -Path {EXPORTS}", "already holds an exported virtual machine")
    refused(shell, "Export-VM web -Path Exports", "not a full path")
    refused(shell, "Export-VM web -Path D:\\Exports", "not on any storage")


def test_running_vm_exports_as_a_saved_copy_only_on_2012_r2():
    shell = storage_shell(new_vm_script("web") + new_vm_script("old", host="HV12", generation=1,
                                                               folder="")
                          + "Start-VM web; Start-VM old -ComputerName HV12")
    assert shell.value(f"Export-VM web -Path {EXPORTS} -Passthru").State.name == "Running"
    record = exports.find_export(shell.lab, shell.lab.host("HV01"), config_path(shell, "web"))
    assert (record.vm.state.name, record.vm.saved_memory) == ("Saved", 2 * GB)
    refused(shell, f"Export-VM old -ComputerName HV12 -Path {EXPORTS}", "Windows Server 2012,",
            "exporting a running virtual machine", "Stop-VM -Save")
    shell.run("Stop-VM old -ComputerName HV12 -Save")
    shell.run(f"Export-VM old -ComputerName HV12 -Path {EXPORTS}")
    assert not shell.errors


def test_import_register_copy_and_new_id():
    shell = storage_shell(new_vm_script("web") + f"Export-VM web -Path {EXPORTS}")
    path = config_path(shell, "web")
    refused(shell, f"Import-VM '{path}'", "already exists", "-Copy -GenerateNewId")
    refused(shell, f"Import-VM '{EXPORTS}\\web'", "That is an export folder", path)
    original = shell.value("Get-VM web")
    start = shell.lab.clock.now
    vm = shell.value(f"Import-VM '{path}' -Copy -GenerateNewId -VhdDestinationPath {CSV}\\web2")
    assert vm.Name == "web" and vm.Id != original.Id and vm.State.name == "Off"
    assert [d.Path for d in vm.HardDrives] == [f"{CSV}\\web2\\web.vhdx"]
    assert vm.NetworkAdapters[0].MacAddress != original.NetworkAdapters[0].MacAddress
    data = VHDX_METADATA_BYTES + 20 * GB
    assert abs(shell.lab.clock.now - start - (exports.IMPORT_SETUP_SECONDS
                                               + data / (1000 * MB))) < 1e-6
    refused(shell, f"Import-VM '{path}' -Copy -GenerateNewId -VhdDestinationPath {CSV}\\web2",
            "already exists", "-VhdDestinationPath")
    # the default folders of another host, keeping the Id once the original is gone
    shell.run("Get-VM web | Remove-VM -Force")
    moved = shell.value(f"Import-VM '{path}' -Copy -ComputerName HV02")
    assert (moved.Id, moved.ComputerName) == (original.Id, "HV02")
    assert moved.HardDrives[0].Path == f"{DEFAULT_VHD_FOLDER}\\web.vhdx"
    assert not shell.errors


def test_import_in_place_and_compatibility_rules():
    shell = storage_shell(new_vm_script("web") + "New-VMSwitch LAN -SwitchType Private | Out-Null; "
                          "Connect-VMNetworkAdapter web -SwitchName LAN; "
                          f"Export-VM web -Path {EXPORTS}")
    path = config_path(shell, "web")
    refused(shell, f"Import-VM '{path}' -ComputerName HV02", "could not find Ethernet switch 'LAN'",
            "New-VMSwitch")
    refused(shell, f"Import-VM '{path}' -ComputerName HV12 -Copy -GenerateNewId",
            "generation 2", "Windows Server 2012 R2")
    shell.run("New-VMSwitch LAN -SwitchType Private -ComputerName HV02 | Out-Null")
    vm = shell.value(f"Import-VM '{path}' -ComputerName HV02 -Copy -GenerateNewId "
                     f"-VhdDestinationPath {CSV}\\b -VirtualMachinePath {CSV}\\b")
    assert (vm.ComputerName, vm.Path) == ("HV02", f"{CSV}\\b")
    # registering in place keeps the Id, so the original must be gone first
    shell.run("Remove-VM web -Force")
    again = shell.value(f"Import-VM '{path}'")
    assert (again.Id, again.Path) == (shell.lab.exports[next(iter(shell.lab.exports))].vm.id,
                                      f"{EXPORTS}\\web")
    assert again.HardDrives[0].Path == f"{EXPORTS}\\web\\Virtual Hard Disks\\web.vhdx"


def test_export_snapshot_merges_the_chain_and_jobs():
    shell = storage_shell(new_vm_script("web") + "Start-VM web; Checkpoint-VM web cp; "
                          "Start-Sleep 1000; Stop-VM web -TurnOff")
    job = shell.value(f"Export-VMSnapshot -Name cp -VMName web -Path {CSV}\\ex -AsJob")
    assert job.State.name == "Running"
    assert shell.value("(Get-VM web).Status") == "Exporting"
    shell.run("Wait-Job -Id 1 | Out-Null")
    assert job.State.name == "Completed"
    disk = shell.value(f"Get-VHD '{CSV}\\ex\\web\\Virtual Hard Disks\\web.vhdx'")
    assert (disk.VhdType.name, disk.ParentPath, disk.used_size) == ("Dynamic", None, 20 * GB)
    record = next(iter(shell.lab.exports.values()))
    assert (record.vm.state.name, record.vm.saved_memory, record.vm.snapshots) == \
        ("Saved", 2 * GB, [])
    shell.run(f"$j = Export-VM web -Path {CSV}\\ex2 -AsJob; Stop-Job $j")
    assert shell.values(f"Get-VHD '{CSV}\\ex2\\web\\Virtual Hard Disks\\web.vhdx' "
                        "-ErrorAction SilentlyContinue") == []
    assert shell.value("(Get-VM web).Status") == "Operating normally"


def test_exports_checkpoints_and_metering_survive_a_reload(tmp_path):
    from hvshell.model.kernel.persist import load_lab, save_lab
    from tests.cmdlets.hyperv_shell import Shell
    shell = storage_shell(new_vm_script("web") + "Start-VM web; Checkpoint-VM web cp; "
                          f"Enable-VMResourceMetering web; Start-Sleep 600; "
                          f"Export-VM web -Path {EXPORTS}")
    path = config_path(shell, "web")
    before = shell.value("Measure-VM web")
    save_lab(shell.lab, tmp_path / "lab.json")
    again = Shell(load_lab(tmp_path / "lab.json"))
    after = again.value("Measure-VM web")
    assert (after.AvgCPU, after.AvgRAM, after.MeteringDuration) == \
        (before.AvgCPU, before.AvgRAM, before.MeteringDuration)
    vm = again.value(f"Import-VM '{path}' -Copy -GenerateNewId -VhdDestinationPath {CSV}\\copy")
    assert [s.Name for s in again.values(f"Get-VMSnapshot -VM (Get-VM | ? VMId -eq '{vm.VMId}')")] \
        == ["cp"]
    again.run("Remove-VMSnapshot web cp")         # both VMs named web: each merges its own
    assert sorted(d.Path for d in again.values("Get-VMHardDiskDrive web")) == \
        [f"{CSV}\\copy\\web.vhdx", f"{CSV}\\web\\web.vhdx"]
    assert not again.errors, again.err.getvalue()


def test_exports_and_imports_are_listed_as_lab_migrations():
    shell = storage_shell(new_vm_script("web") + f"Export-VM web -Path {EXPORTS}")
    [export] = shell.lab.migrations
    data = VHDX_METADATA_BYTES + 20 * GB
    assert (export.Type, export.Source, export.Destination, export.State.name) == \
        ("Export", "HV01", f"{EXPORTS}\\web", "Completed")
    assert export.BytesTransferred == data
    assert abs(export.Duration - (exports.EXPORT_SETUP_SECONDS + data / (1000 * MB))) < 1e-3
    shell.run(f"$j = Export-VM web -Path {CSV}\\again -AsJob; Stop-Job $j")
    assert shell.lab.migrations[1].State.name == "Cancelled"
    vm = shell.value(f"Import-VM '{config_path(shell, 'web')}' -Copy -GenerateNewId "
                     f"-VhdDestinationPath {CSV}\\copy")
    imported = shell.lab.migrations[2]
    assert (imported.Type, imported.Source, imported.Destination, imported.VMId) == \
        ("Import", f"{EXPORTS}\\web", "HV01", vm.Id)
    refused(shell, f"Export-VM web -Path {EXPORTS}", "already holds")
    assert len(shell.lab.migrations) == 3            # a refused copy leaves no record
