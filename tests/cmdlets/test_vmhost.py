"""Get-VMHost, Set-VMHost, Enable/Disable-VMMigration, migration networks,
Enter/Exit-PSSession."""
from __future__ import annotations

from tests.cmdlets.hyperv_shell import lab_shell

HOSTS = """
New-LabHost HV01 | Out-Null
New-LabHost HV02 -Version 2012 | Out-Null
New-LabHost HV03 -Version 2008R2 -LogicalProcessors 16 -Memory 64GB | Out-Null
Add-LabNic -ComputerName HV01 -Name LM1 -Rdma -Subnet 10.1.1.0/24 | Out-Null
"""


def test_get_vmhost_defaults():
    shell = lab_shell(HOSTS)
    hosts = shell.values("Get-VMHost HV01, HV02, HV03")
    assert [h.VirtualMachineMigrationPerformanceOption.name for h in hosts] == \
        ["Compression", "TCPIP", "TCPIP"]
    assert [h.MaximumVirtualMachineMigrations for h in hosts] == [2, 2, 1]
    assert not any(h.VirtualMachineMigrationEnabled or h.UseAnyNetworkForMigration
                   for h in hosts)
    assert hosts[0].VirtualMachineMigrationAuthenticationType.name == "CredSSP"
    assert shell.value("Get-VMHost").Name == "HV01"
    assert shell.value("'HV02' | Get-VMHost").Name == "HV02"
    table = shell.run("Get-VMHost")
    assert table.split("\n")[1].split() == ["Name", "LogicalProcessorCount", "MemoryCapacity(M)",
                                            "VirtualMachineMigrationEnabled"]


def test_set_vmhost_performance_option_per_version():
    shell = lab_shell(HOSTS)
    shell.run("Set-VMHost -VirtualMachineMigrationPerformanceOption SMB "
              "-MaximumVirtualMachineMigrations 4 -MaximumStorageMigrations 3")
    host = shell.value("Get-VMHost")
    assert (host.VirtualMachineMigrationPerformanceOption.name,
            host.MaximumVirtualMachineMigrations, host.MaximumStorageMigrations) == ("SMB", 4, 3)
    shell.run("Set-VMHost HV02 -VirtualMachineMigrationPerformanceOption Compression")
    [error] = shell.errors
    assert "Windows Server 2012 R2" in error.message and "HV02" in error.message
    assert error.FullyQualifiedErrorId == "NotSupported,Microsoft.HyperV.PowerShell.Commands.SetVMHost"
    shell.clear_errors()
    shell.run("Set-VMHost -VirtualMachineMigrationPerformanceOption Fast")
    assert "TCPIP, Compression, SMB" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("Set-VMHost HV03 -MaximumVirtualMachineMigrations 2")
    assert "one virtual machine at a time" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("Set-VMHost -VirtualMachinePath E:\\VMs -UseAnyNetworkForMigration $true")
    assert "not on any storage" in shell.errors[-1].message
    assert not shell.value("Get-VMHost").UseAnyNetworkForMigration   # refused as a whole
    shell.run("Set-VMHost -VirtualMachinePath C:\\VMs -VirtualMachineMigrationAuthenticationType "
              "Kerberos")
    host = shell.value("Get-VMHost")
    assert host.VirtualMachinePath == "C:\\VMs"
    assert host.VirtualMachineMigrationAuthenticationType.name == "Kerberos"


def test_enable_migration_and_networks():
    shell = lab_shell(HOSTS)
    shell.run("Enable-VMMigration HV01, HV02")
    assert [h.VirtualMachineMigrationEnabled for h in shell.values("Get-VMHost HV01,HV02,HV03")] \
        == [True, True, False]
    shell.run("Disable-VMMigration -ComputerName HV02")
    assert not shell.value("Get-VMHost HV02").VirtualMachineMigrationEnabled
    entry = shell.value("Add-VMMigrationNetwork 10.1.1.0/24 -Passthru")
    assert (entry.Subnet, entry.Priority, entry.ComputerName) == ("10.1.1.0/24", 0, "HV01")
    host = shell.lab.host("HV01")
    assert [i.name for i in host.migration_interfaces()] == ["LM1"]
    shell.run("Add-VMMigrationNetwork 192.168.5.0/24 5")
    assert "WARNING: No network adapter of host HV01" in shell.out.getvalue()
    assert [n.Subnet for n in shell.values("Get-VMMigrationNetwork")] == \
        ["10.1.1.0/24", "192.168.5.0/24"]
    assert [n.Subnet for n in shell.values("Get-VMMigrationNetwork 192.*")] == ["192.168.5.0/24"]
    shell.run("Remove-VMMigrationNetwork 192.168.5.0/24")
    assert [n.Subnet for n in shell.values("Get-VMMigrationNetwork")] == ["10.1.1.0/24"]
    shell.run("Add-VMMigrationNetwork 10.1.1.0/24")
    assert "already has migration network" in shell.errors[-1].message


def test_enter_and_exit_pssession_move_the_default_computer_name():
    shell = lab_shell(HOSTS + "New-VM onhv02 -ComputerName HV02 | Out-Null")
    assert shell.values("Get-VM") == []
    shell.run("Enter-PSSession HV02")
    assert shell.session.computer_name == "HV02"
    assert [vm.Name for vm in shell.values("Get-VM")] == ["onhv02"]
    assert shell.value("$env:COMPUTERNAME") == "HV02"
    shell.run("Exit-PSSession")
    assert shell.session.computer_name == "HV01"
    shell.run("Enter-PSSession SERVER9")
    assert shell.error_ids() == ["CreateRemoteRunspaceFailed,Microsoft.PowerShell.Commands."
                                 "EnterPSSessionCommand"]
    assert shell.session.computer_name == "HV01"
    shell.run("Invoke-LabFault -ComputerName HV02 -Fault HostCrash; Enter-PSSession HV02")
    assert "does not answer" in shell.errors[-1].message
