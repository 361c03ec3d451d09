"""Set-VMNetworkAdapter, Rename-VMNetworkAdapter, Get-/Set-
VMNetworkAdapterVlan and the management OS's vNICs (-ManagementOS) on the
demo lab."""
from __future__ import annotations

from tests.cmdlets.demo_shell import demo_shell
from tests.cmdlets.storage_lab import refused


def test_port_security_bandwidth_and_vmq_show_on_the_adapter():
    shell = demo_shell()
    adapter = shell.value("Get-VMNetworkAdapter SQL01")
    assert (adapter.DhcpGuard.name, adapter.VmqWeight, adapter.BandwidthSetting) == \
        ("Off", 100, None)
    same = shell.value("Set-VMNetworkAdapter SQL01 -DhcpGuard On -RouterGuard On "
                       "-MacAddressSpoofing On -PortMirroring Source -VmqWeight 50 "
                       "-MaximumBandwidth 1000000003 -MinimumBandwidthWeight 20 -Passthru")
    assert same is adapter
    assert (adapter.DhcpGuard.name, adapter.RouterGuard.name, adapter.MacAddressSpoofing.name,
            adapter.PortMirroringMode.name, adapter.VmqWeight) == ("On", "On", "On", "Source", 50)
    setting = adapter.BandwidthSetting
    assert (setting.MaximumBandwidth, setting.MinimumBandwidthWeight) == (1000000000, 20)
    assert shell.value("Get-VM SQL01 | Get-VMNetworkAdapter | Where-Object DhcpGuard -eq On "
                       "| Select-Object -ExpandProperty VMName") == "SQL01"
    refused(shell, "Set-VMNetworkAdapter SQL01 -VmqWeight 101", "0 (off) to 100")
    refused(shell, "Set-VMNetworkAdapter SQL01 -MinimumBandwidthWeight 10 "
                   "-MinimumBandwidthAbsolute 100000000", "not both")
    refused(shell, "Set-VMNetworkAdapter SQL01 -StaticMacAddress 00155D112233",
            "while the virtual machine is Running", "Stop-VM")
    refused(shell, "Set-VMNetworkAdapter SQL01 -DynamicMacAddress -StaticMacAddress 00155D112233",
            "cannot be used together")
    refused(shell, "Set-VMNetworkAdapter SQL01 -DhcpGuard Maybe", "On, Off")
    refused(shell, "Set-VMNetworkAdapter NOPE -DhcpGuard On", 'name "NOPE"')


def test_mac_address_while_off_and_rename():
    shell = demo_shell()
    off = "SQL01"
    shell.run("Stop-VM SQL01 -Force")
    adapter = shell.value(f"Set-VMNetworkAdapter {off} -StaticMacAddress 00-15-5D-11-22-33 "
                          "-Passthru")
    assert (adapter.MacAddress, adapter.DynamicMacAddressEnabled) == ("00155D112233", False)
    shell.run(f"Get-VMNetworkAdapter {off} | Set-VMNetworkAdapter -DynamicMacAddress")
    assert adapter.DynamicMacAddressEnabled is True
    renamed = shell.value("Rename-VMNetworkAdapter SQL01 'Network Adapter' Front -Passthru")
    assert renamed.Name == "Front"
    assert shell.value("Get-VMNetworkAdapter SQL01 -Name Front") is renamed
    shell.run("Get-VM SQL01 | Rename-VMNetworkAdapter -NewName Back")
    assert renamed.Name == "Back"
    refused(shell, "Rename-VMNetworkAdapter SQL01 -Name Front -NewName X", "no network adapter "
                   "named 'Front'")


def test_vlans_access_trunk_private():
    shell = demo_shell()
    setting = shell.value("Set-VMNetworkAdapterVlan SQL01 -Access -VlanId 10 -Passthru")
    assert (setting.OperationMode.name, setting.AccessVlanId, setting.VMName) == \
        ("Access", 10, "SQL01")
    shell.run("Get-VM WEB* | Set-VMNetworkAdapterVlan -Trunk -NativeVlanId 1 "
              "-AllowedVlanIdList '1-100,200'")
    web = shell.values("Get-VMNetworkAdapterVlan WEB*")
    assert web and all(s.OperationMode.name == "Trunk" and s.AllowedVlanIdListString ==
                       "1-100,200" and len(s.AllowedVlanIdList) == 101 for s in web)
    private = shell.value("Set-VMNetworkAdapterVlan SQL01 -Isolated -PrimaryVlanId 10 "
                          "-SecondaryVlanId 20 -Passthru")
    assert (private.OperationMode.name, private.PrivateVlanMode.name, private.VlanList) == \
        ("Private", "Isolated", "10,20")
    table = shell.run("Get-VMNetworkAdapterVlan SQL01")
    assert table.split("\n")[1].split() == ["VMName", "VMNetworkAdapterName", "Mode", "VlanList"]
    refused(shell, "Set-VMNetworkAdapterVlan SQL01 -Access -Trunk", "Choose one VLAN mode")
    refused(shell, "Set-VMNetworkAdapterVlan SQL01 -Access", "-Access needs -VlanId")
    refused(shell, "Set-VMNetworkAdapterVlan SQL01 -Access -VlanId 4095", "1 to 4094")
    refused(shell, "Set-VMNetworkAdapterVlan SQL01 -Trunk -NativeVlanId 1 "
                   "-AllowedVlanIdList 5-2", "runs backwards")
    shell.run("Set-VMNetworkAdapterVlan SQL01 -Untagged")
    assert shell.value("Get-VMNetworkAdapterVlan SQL01").OperationMode.name == "Untagged"


def test_management_os_vnics_for_converged_networking():
    shell = demo_shell("New-VMSwitch Conv -NetAdapterName NIC1 -AllowManagementOS $false "
                       "-MinimumBandwidthMode Weight | Out-Null\n"
                       "New-VMSwitch Lab -SwitchType Private | Out-Null")
    vnic = shell.value("Add-VMNetworkAdapter -ManagementOS -Name LiveMigration -SwitchName Conv "
                       "-Passthru")
    assert (vnic.IsManagementOs, vnic.VMName, vnic.ComputerName, vnic.SwitchName) == \
        (True, "", "HV01", "Conv")
    shell.run("Set-VMNetworkAdapter -ManagementOS -Name LiveMigration -MinimumBandwidthWeight 30")
    assert vnic.BandwidthSetting.MinimumBandwidthWeight == 30
    shell.run("Set-VMNetworkAdapterVlan -ManagementOS -VMNetworkAdapterName LiveMigration "
              "-Access -VlanId 20")
    assert shell.value("Get-VMNetworkAdapterVlan -ManagementOS").AccessVlanId == 20
    assert shell.values("Get-VMNetworkAdapter -ManagementOS -SwitchName Conv") == [vnic]
    refused(shell, "Set-VMNetworkAdapter -ManagementOS -Name LiveMigration "
                   "-MinimumBandwidthAbsolute 100000000", "Weight mode")
    refused(shell, "Add-VMNetworkAdapter -ManagementOS -Name X -SwitchName Lab", "private")
    refused(shell, "Add-VMNetworkAdapter -ManagementOS -Name LiveMigration -SwitchName Conv",
            "already has a network adapter named 'LiveMigration'")
    refused(shell, "Add-VMNetworkAdapter -ManagementOS -Name X", "-SwitchName")
    refused(shell, "Set-VMNetworkAdapter -ManagementOS -Name LiveMigration -DynamicMacAddress",
            "Parameter set cannot be resolved")
    shell.run("Rename-VMNetworkAdapter -ManagementOS -Name LiveMigration -NewName LM")
    assert vnic.Name == "LM"
    shell.run("Remove-VMNetworkAdapter -ManagementOS -Name LM")
    assert shell.values("Get-VMNetworkAdapter -ManagementOS") == []
    shell.run("Add-VMNetworkAdapter -ManagementOS -SwitchName Conv")
    assert [a.Name for a in shell.values("Get-VMNetworkAdapter -ManagementOS")] == ["Conv"]
    shell.run("Remove-VMSwitch Conv -Force")
    assert shell.values("Get-VMNetworkAdapter -ManagementOS") == []
