"""SMB bandwidth limits, NIC teams, RDMA and jumbo frames on the host the
shell stands on."""
from __future__ import annotations

from hvshell.model.network import config as netconfig
from tests.cmdlets.storage_lab import MB, refused, storage_shell

NICS = """
Add-LabNic -Name LM1 -Rdma -Subnet 10.1.1.0/24 | Out-Null
Add-LabNic -Name LM2 -Rdma -Subnet 10.1.1.0/24 | Out-Null
Add-LabNic -Name ST1 -Subnet 10.2.2.0/24 | Out-Null
"""


def test_smb_bandwidth_limits():
    shell = storage_shell()
    shell.run("Set-SmbBandwidthLimit -Category LiveMigration -BytesPerSecond 750MB")
    assert shell.lab.host("HV01").smb_bandwidth_limits == {"LiveMigration": 750 * MB}
    [limit] = shell.values("Get-SmbBandwidthLimit")
    assert (limit.Category.name, limit.BytesPerSecond) == ("LiveMigration", 750 * MB)
    assert shell.values("Get-SmbBandwidthLimit -Category Default") == []
    record = refused(shell, "Set-SmbBandwidthLimit -Category Default -BytesPerSecond 1000",
                     "at least 1048576")
    assert record.exception_type.endswith("CimException")
    shell.run("Enter-PSSession HV12")
    refused(shell, "Set-SmbBandwidthLimit -Category LiveMigration -BytesPerSecond 1GB",
            "Windows Server 2012,", "SMB bandwidth limits", "Windows Server 2012 R2")
    shell.run("Exit-PSSession; Remove-SmbBandwidthLimit")
    assert shell.lab.host("HV01").smb_bandwidth_limits == {}


def test_team_rdma_and_switch_binding():
    shell = storage_shell(NICS)
    printed = shell.run("$team = New-NetLbfoTeam LMTeam LM* -TeamNicName LMTeamNic "
                        "-LoadBalancingAlgorithm Dynamic")
    team = shell.value("$team")
    assert (team.Members, team.TeamNics, team.TeamingMode.name,
            team.LoadBalancingAlgorithm.name) == (["LM1", "LM2"], "LMTeamNic",
                                                  "SwitchIndependent", "Dynamic")
    assert "WARNING: RDMA does not work through a NIC team: SMB Direct will not use LM1, LM2" \
        in printed
    host = shell.lab.host("HV01")
    assert [(n.name, n.team_name, n.rdma_enabled, n.rdma_active) for n in host.nics[1:3]] == \
        [("LM1", "LMTeam", True, False), ("LM2", "LMTeam", True, False)]
    assert team.ip_address == host.nic("LM1").ip_address and not team.rdma_active
    refused(shell, "New-NetLbfoTeam T2 LM1", "already a member of team 'LMTeam'")
    refused(shell, "New-NetLbfoTeam T2 NIC1, ST1", "different networks")
    refused(shell, "New-VMSwitch S -NetAdapterName LM1", "member of NIC team",
            "-NetAdapterName LMTeamNic")
    shell.run("New-VMSwitch S -NetAdapterName LMTeamNic | Out-Null")
    assert team.bound_switch == "S"
    refused(shell, "New-NetLbfoTeam T3 ST9", "no network adapter named 'ST9'")
    shell.run("Enter-PSSession HV12; Add-LabNic -Name A; Add-LabNic -Name B")
    refused(shell, "New-NetLbfoTeam T A, B -LoadBalancingAlgorithm Dynamic",
            "Dynamic load-balancing algorithm", "TransportPorts")
    assert shell.value("New-NetLbfoTeam T A, B").LoadBalancingAlgorithm.name == "TransportPorts"
    shell.run("Enter-PSSession HV08; Add-LabNic -Name A")
    refused(shell, "New-NetLbfoTeam T NIC1, A", "in-box NIC teaming")


def test_rdma_switches():
    shell = storage_shell(NICS)
    shell.run("Disable-NetAdapterRdma LM1")
    nic = shell.lab.host("HV01").nic("LM1")
    assert (nic.rdma_enabled, nic.up) == (False, False)          # the adapter restarts
    shell.run(f"Start-Sleep {netconfig.ADAPTER_RESTART_SECONDS}")
    assert nic.up
    shell.run("Enable-NetAdapterRdma LM* -NoRestart")
    assert nic.rdma_enabled and nic.rdma_active and nic.up
    assert [r.Name for r in shell.values("Get-NetAdapterRdma")] == ["LM1", "LM2"]
    refused(shell, "Enable-NetAdapterRdma ST1", "not an RDMA-capable adapter", "-Rdma")
    shell.run("New-VMSwitch S -NetAdapterName LM2 | Out-Null")
    assert not shell.lab.host("HV01").nic("LM2").rdma_active     # bound to a virtual switch


def test_jumbo_frames():
    shell = storage_shell(NICS)
    shell.run("Set-NetAdapterAdvancedProperty -Name LM1, LM2 -RegistryKeyword '*JumboPacket' "
              "-RegistryValue 9014 -NoRestart")
    host = shell.lab.host("HV01")
    assert [n.jumbo_packet for n in host.nics] == [1514, 9014, 9014, 1514]
    shell.run("Set-NetAdapterAdvancedProperty ST1 -DisplayName 'Jumbo Packet' "
              "-DisplayValue '4088 Bytes' -NoRestart")
    assert host.nic("ST1").jumbo_packet == 4088
    [prop] = shell.values("Get-NetAdapterAdvancedProperty LM1")
    assert (prop.DisplayValue, prop.RegistryValue) == ("9014 Bytes", ["9014"])
    refused(shell, "Set-NetAdapterAdvancedProperty LM1 -RegistryKeyword '*JumboPacket' "
            "-RegistryValue 9000", "1514, 4088, 9014")
    refused(shell, "Set-NetAdapterAdvancedProperty LM1 -RegistryKeyword '*RSS' -RegistryValue 1",
            "*JumboPacket")
    refused(shell, "Set-NetAdapterAdvancedProperty LM9 -RegistryKeyword '*JumboPacket' "
            "-RegistryValue 9014", "no network adapter named 'LM9'")
