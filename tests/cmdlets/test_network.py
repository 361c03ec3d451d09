"""New-/Get-/Remove-VMSwitch and Add-/Get-/Connect-/Disconnect-/Remove-
VMNetworkAdapter."""
from __future__ import annotations

from hvshell.model.network import config as netconfig
from tests.cmdlets.storage_lab import new_vm_script, refused, storage_shell


def test_switch_types_and_binding_rules():
    shell = storage_shell()
    external = shell.value("New-VMSwitch LAN -NetAdapterName NIC1")
    assert (external.SwitchType.name, external.NetAdapterInterfaceDescription,
            external.AllowManagementOS) == ("External", "NIC1", True)
    assert shell.lab.host("HV01").nic("NIC1").bound_switch == "LAN"
    private = shell.value("New-VMSwitch Lab -SwitchType Private -Notes test")
    assert (private.SwitchType.name, private.AllowManagementOS, private.Notes) == \
        ("Private", False, "test")
    assert shell.value("New-VMSwitch In -SwitchType Internal").AllowManagementOS is True
    refused(shell, "New-VMSwitch LAN2 -NetAdapterName NIC1", "already bound", "'LAN'")
    refused(shell, "New-VMSwitch X -NetAdapterName NIC7", "no network adapter named 'NIC7'",
            "Add-LabNic")
    refused(shell, "New-VMSwitch X -SwitchType External", "-NetAdapterName")
    refused(shell, "New-VMSwitch lan -SwitchType Private", "already has a virtual switch")
    refused(shell, "New-VMSwitch X -SwitchType Bogus", "Private, Internal, External")
    assert [s.Name for s in shell.values("Get-VMSwitch")] == ["LAN", "Lab", "In"]
    assert [s.Name for s in shell.values("Get-VMSwitch L*")] == ["LAN", "Lab"]
    assert [s.Name for s in shell.values("Get-VMSwitch -SwitchType Internal, Private")] == \
        ["Lab", "In"]
    assert shell.values(f"Get-VMSwitch -Id {private.Id}") == [private]
    refused(shell, "Get-VMSwitch Nope", 'unable to find a virtual switch with name "Nope"')
    shell.run("New-VMSwitch LAN -NetAdapterName NIC1 -ComputerName HV02, HV12 | Out-Null")
    assert [s.ComputerName for s in shell.values("Get-VMSwitch LAN -ComputerName HV02, HV12")] \
        == ["HV02", "HV12"]


def test_adapters_connect_and_switch_removal():
    shell = storage_shell(new_vm_script("web") + new_vm_script("old", generation=1)
                          + "New-VMSwitch LAN -SwitchType Private | Out-Null")
    shell.run("Connect-VMNetworkAdapter web -SwitchName LAN")
    adapter = shell.value("Get-VMNetworkAdapter web")
    assert (adapter.Name, adapter.SwitchName, adapter.Connected) == ("Network Adapter", "LAN", True)
    refused(shell, "Connect-VMNetworkAdapter web -SwitchName WAN", 'virtual switch with name "WAN"',
            "New-VMSwitch")
    shell.run("Get-VMNetworkAdapter old | Connect-VMNetworkAdapter -VMSwitch (Get-VMSwitch LAN)")
    assert shell.value("(Get-VMNetworkAdapter old).SwitchName") == "LAN"
    shell.run("New-VMSwitch LAN -SwitchType Private -ComputerName HV02 | Out-Null")
    refused(shell, "Connect-VMNetworkAdapter web -VMSwitch (Get-VMSwitch LAN -ComputerName HV02)",
            "is on host 'HV02'")
    shell.run("Disconnect-VMNetworkAdapter old")
    assert shell.value("(Get-VMNetworkAdapter old).SwitchName") is None
    shell.run("Remove-VMSwitch LAN")
    assert adapter.SwitchName is None and shell.values("Get-VMSwitch") == []
    header = shell.run("Get-VMNetworkAdapter web").strip().split("\n")[0].split()
    assert header == ["Name", "IsManagementOs", "VMName", "SwitchName", "MacAddress", "Status",
                      "IPAddresses"]


def test_add_and_remove_adapters():
    shell = storage_shell(new_vm_script("web") + new_vm_script("old", generation=1))
    legacy = shell.value("Add-VMNetworkAdapter old -IsLegacy $true -StaticMacAddress "
                         "00-15-5D-AA-BB-CC -Passthru")
    assert (legacy.Name, legacy.IsLegacy, legacy.MacAddress, legacy.DynamicMacAddressEnabled) == \
        ("Legacy Network Adapter", True, "00155DAABBCC", False)
    assert [a.Name for a in shell.values("Get-VMNetworkAdapter old -IsLegacy $true")] == \
        ["Legacy Network Adapter"]
    refused(shell, "Add-VMNetworkAdapter web -IsLegacy $true", "generation 2",
            "no legacy network adapters")
    refused(shell, "Add-VMNetworkAdapter web -StaticMacAddress 01155DAABBCC", "multicast")
    refused(shell, "Add-VMNetworkAdapter web -StaticMacAddress xyz", "12 hexadecimal digits")
    refused(shell, "Add-VMNetworkAdapter web -SwitchName nope", 'name "nope"')
    shell.run("Start-VM web")
    refused(shell, "Add-VMNetworkAdapter web -Name second", "while it is Running",
            "Stop-VM")
    refused(shell, "Remove-VMNetworkAdapter web -Name 'Network Adapter'", "while it is Running")
    shell.run("Remove-VMNetworkAdapter old -Name 'Legacy Network Adapter'")
    assert [a.Name for a in shell.values("Get-VMNetworkAdapter -All")] == \
        ["Network Adapter", "Network Adapter"]


def test_adapter_limit(monkeypatch):
    monkeypatch.setattr(netconfig, "MAX_SYNTHETIC_ADAPTERS", 2)
    shell = storage_shell(new_vm_script("web") + "Add-VMNetworkAdapter web")
    refused(shell, "Add-VMNetworkAdapter web", "already has 2 synthetic", "(2)")
