"""Get-VM, New-VM, Start/Stop/Save/Suspend/Resume/Remove-VM, Set-VM,
Set-VMMemory, Set-VMProcessor through the interpreter."""
from __future__ import annotations

from tests.cmdlets.hyperv_shell import lab_shell

GB = 2**30
MB = 2**20

BASE = """
New-LabHost HV01 -Memory 32GB | Out-Null
New-LabHost HV02 -Version 2012 -Memory 32GB | Out-Null
"""


def test_get_vm_names_wildcards_and_not_found():
    shell = lab_shell(BASE + "New-VM web01 | Out-Null; New-VM web02 | Out-Null; "
                      "New-VM sql01 | Out-Null")
    assert [vm.Name for vm in shell.values("Get-VM")] == ["sql01", "web01", "web02"]
    assert [vm.Name for vm in shell.values("Get-VM web*")] == ["web01", "web02"]
    assert [vm.Name for vm in shell.values("Get-VM -VMName WEB01")] == ["web01"]
    assert shell.values("Get-VM nope*") == [] and not shell.errors
    found = shell.values("Get-VM web01, missing, sql01")
    assert [vm.Name for vm in found] == ["sql01", "web01"]     # the host's order
    [error] = shell.errors
    assert error.message.startswith('Hyper-V was unable to find a virtual machine with name '
                                    '"missing".')
    assert error.FullyQualifiedErrorId == "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM"
    assert error.category_info() == ("InvalidArgument: (missing:String) [Get-VM], "
                                     "VirtualizationInvalidArgumentException")


def test_names_are_looked_up_as_vms_come_go_and_are_renamed():
    shell = lab_shell(BASE + "New-VM b | Out-Null; New-VM a | Out-Null; New-VM B | Out-Null")
    first, second = shell.values("Get-VM b")              # both, as created
    assert (first.Name, second.Name) == ("b", "B") and first is not second
    assert [vm.Name for vm in shell.values("Get-VM B, a")] == ["a", "b", "B"]
    assert [vm.Name for vm in shell.values("Get-VM b*, a, B")] == ["a", "b", "B"]
    assert not shell.errors
    shell.run("Set-VM a -NewVMName z; Remove-VM -VM (Get-VM b)[0] -Force")
    assert [vm.Name for vm in shell.values("Get-VM")] == ["B", "z"]
    assert [vm.Name for vm in shell.values("Get-VM z, b")] == ["B", "z"]
    shell.run("Get-VM a")
    assert shell.error_ids() == ["InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM"]
    shell.clear_errors()
    shell.run("New-VM a | Out-Null")
    assert [vm.Name for vm in shell.values("Get-VM A, Z")] == ["a", "z"]


def test_get_vm_by_host_and_id_and_the_objects_are_live():
    shell = lab_shell(BASE + "New-VM a | Out-Null; New-VM b -ComputerName HV02 | Out-Null")
    assert [vm.Name for vm in shell.values("Get-VM -ComputerName HV01, HV02")] == ["a", "b"]
    assert [vm.ComputerName for vm in shell.values("Get-VM -ComputerName .")] == ["HV01"]
    vm = shell.value("Get-VM b -ComputerName hv02")
    assert shell.value(f"Get-VM -Id {vm.Id} -ComputerName HV02") is vm
    shell.run("$v = Get-VM a; Start-VM a")
    assert shell.value("$v.State").name == "Running"
    shell.run("Get-VM -ComputerName HV09")
    assert "no host named 'HV09'" in shell.errors[-1].message


def test_new_vm_parameter_sets_and_output():
    shell = lab_shell(BASE)
    vm = shell.value("New-VM web01 1GB -NewVHDPath web01.vhdx -NewVHDSizeBytes 40GB")
    assert (vm.Name, vm.MemoryStartup, vm.State.name, vm.Generation) == ("web01", GB, "Off", 1)
    assert vm.HardDrives[0].Path.endswith("\\Virtual Hard Disks\\web01.vhdx")
    g2 = shell.value("New-VM g2 2GB 2 -Path C:\\VMs")
    assert (g2.Generation, g2.Path, g2.MemoryStartup) == (2, "C:\\VMs\\g2", 2 * GB)
    default = shell.value("New-VM")
    assert (default.Name, default.MemoryStartup) == ("New virtual machine", 512 * MB)
    shell.run("New-VM x -NewVHDPath x.vhdx")
    assert "NewVHDSizeBytes" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("New-VM y -Generation 2 -ComputerName HV02")
    assert shell.error_ids() == ["NotSupported,Microsoft.HyperV.PowerShell.Commands.NewVM"]
    assert "Windows Server 2012 R2" in shell.errors[0].message
    assert shell.values("Get-VM y -ComputerName HV02 -ErrorAction SilentlyContinue") == []


def test_start_stop_and_the_clock():
    shell = lab_shell(BASE + "New-VM a 2GB | Out-Null")
    assert shell.run("Start-VM a") == ""
    assert shell.value("(Get-VM a).State").name == "Running"
    assert shell.lab.clock.now == 2.0
    shell.run("Stop-VM a")
    assert "still booting" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("Start-Sleep 60; Stop-VM a")
    assert not shell.errors and shell.value("(Get-VM a).State").name == "Off"
    vm = shell.value("Start-VM a -Passthru")
    assert vm.State.name == "Running"
    shell.run("Stop-VM a -TurnOff")
    assert vm.State.name == "Off"
    shell.run("Stop-VM a -TurnOff -Save")
    assert "cannot be used together" in shell.errors[-1].message


def test_save_suspend_resume_remove():
    shell = lab_shell(BASE + "New-VM a 2GB | Out-Null")
    shell.run("Start-VM a; Suspend-VM a")
    assert shell.value("(Get-VM a).State").name == "Paused"
    shell.run("Start-VM a")
    assert "Resume-VM" in shell.errors[-1].message
    shell.clear_errors()
    assert shell.value("Resume-VM a -Passthru").State.name == "Running"
    shell.run("Save-VM a")
    assert shell.value("(Get-VM a).State").name == "Saved"
    shell.run("Stop-VM a")
    assert "saved state" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("Start-VM a")
    shell.run("Remove-VM a -Force")
    assert "Stop it first" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("Stop-VM a -TurnOff; Remove-VM a -WhatIf")
    assert shell.values("Get-VM") != []
    assert 'What if: Remove-VM will remove the virtual machine "a".' in shell.out.getvalue()
    shell.run("Get-VM a | Remove-VM -Force")
    assert shell.values("Get-VM") == [] and not shell.errors


def test_pipeline_binds_vm_objects_and_memory_capacity_error():
    shell = lab_shell(BASE + "1..3 | % { New-VM \"big$_\" 12GB } | Out-Null")
    shell.run("Get-VM big* | Start-VM")
    states = [vm.State.name for vm in shell.values("Get-VM")]
    assert states == ["Running", "Running", "Off"]
    [error] = shell.errors
    assert "Not enough memory in the system to start the virtual machine big3" in error.message
    assert error.FullyQualifiedErrorId == "OperationFailed,Microsoft.HyperV.PowerShell.Commands.StartVM"


def test_set_vm_memory_and_processors():
    shell = lab_shell(BASE + "New-VM a 2GB | Out-Null")
    vm = shell.value("Set-VM a -ProcessorCount 4 -DynamicMemory -MemoryMinimumBytes 512MB "
                     "-MemoryMaximumBytes 8GB -Notes 'web tier' -AutomaticStopAction ShutDown "
                     "-Passthru")
    assert (vm.ProcessorCount, vm.DynamicMemoryEnabled, vm.MemoryMaximum, vm.Notes,
            vm.AutomaticStopAction.name) == (4, True, 8 * GB, "web tier", "ShutDown")
    shell.run("Set-VM a -ProcessorCount 2 -MemoryStartupBytes 100GB")
    assert "minimum <= startup <= maximum" in shell.errors[-1].message
    assert vm.ProcessorCount == 4          # one refusal, no change at all
    memory = shell.value("Set-VMMemory a -Buffer 30 -Priority 80 -Passthru")
    assert (memory.Buffer, memory.Priority, memory.Maximum) == (30, 80, 8 * GB)
    shell.run("Set-VMMemory a -Buffer 3")
    assert "between 5 and 2000" in shell.errors[-1].message
    processor = shell.value("Get-VM a | Set-VMProcessor -CompatibilityForMigrationEnabled $true "
                            "-Reserve 10 -Passthru")
    assert processor.CompatibilityForMigrationEnabled and processor.Reserve == 10
    shell.run("Start-VM a; Set-VMProcessor a -Count 8")
    assert "while it is Running" in shell.errors[-1].message
    shell.run("Set-VM a -NewVMName renamed")
    assert shell.value("Get-VM").Name == "renamed"


def test_as_job_returns_a_job_and_wait_job_advances_the_clock():
    shell = lab_shell(BASE + "New-VM a 2GB | Out-Null; New-VM b 2GB | Out-Null")
    job = shell.value("Start-VM a, b -AsJob -Passthru")
    assert job.State.name == "Running" and shell.lab.clock.now == 0
    assert [vm.State.name for vm in shell.values("Get-VM")] == ["Starting", "Starting"]
    assert job.Command == "Start-VM a, b -AsJob -Passthru"
    shell.run(f"Wait-Job -Id {job.Id} | Out-Null")
    assert job.State.name == "Completed" and shell.lab.clock.now == 2.0
    assert [vm.Name for vm in shell.values(f"Receive-Job -Id {job.Id}")] == ["a", "b"]
    assert shell.values(f"Receive-Job -Id {job.Id}") == [] and not job.HasMoreData
