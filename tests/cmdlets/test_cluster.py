"""New-Cluster, Get-Cluster/-ClusterNode/-ClusterGroup/-ClusterSharedVolume,
Add-ClusterVirtualMachineRole."""
from __future__ import annotations

from tests.cmdlets.hyperv_shell import lab_shell

NODES = """
New-LabHost HV01 | Out-Null
New-LabHost HV02 | Out-Null
New-LabHost HV03 -Version 2012 | Out-Null
"""


def test_cluster_creation_and_queries():
    shell = lab_shell(NODES)
    shell.run("Get-Cluster")
    assert shell.error_ids() == ["ClusterEndpointNotRegistered,"
                                 "Microsoft.FailoverClusters.PowerShell.GetClusterCommand"]
    shell.clear_errors()
    shell.run("New-Cluster -Name HVC01 -Node HV01, HV03 -StaticAddress 10.0.0.5")
    assert "same Windows Server version" in shell.errors[-1].message
    shell.clear_errors()
    cluster = shell.value("New-Cluster -Name HVC01 -Node HV01, HV02 -StaticAddress 10.0.0.5 "
                          "-NoStorage")
    assert shell.run("Get-Cluster").split() == ["Name", "----", "HVC01"]
    assert shell.value("Get-Cluster") is cluster
    nodes = shell.values("Get-ClusterNode")
    assert [(n.Name, n.Id, n.State.name) for n in nodes] == [("HV01", "1", "Up"),
                                                             ("HV02", "2", "Up")]
    shell.run("Invoke-LabFault -ComputerName HV02 -Fault HostCrash")
    # The cluster removes a silent node after 5 missed heartbeats, 1 s apart.
    assert shell.value("Get-ClusterNode HV02").State.name == "Up"
    shell.run("Start-Sleep 5")
    assert shell.value("Get-ClusterNode HV02").State.name == "Down"
    assert [g.Name for g in shell.values("Get-ClusterGroup")] == ["Cluster Group",
                                                                  "Available Storage"]
    shell.run("Get-Cluster -Name NOPE")
    assert "no cluster named 'NOPE'" in shell.errors[-1].message


def test_vm_role_on_a_csv_and_live_group_objects():
    shell = lab_shell(NODES + """
New-Cluster HVC01 -Node HV01, HV02 -StaticAddress 10.0.0.5 | Out-Null
New-LabStorage CSV1 -Type CSV -Cluster HVC01 | Out-Null
New-VM ha -Path C:\\ClusterStorage\\Volume1 -NewVHDPath C:\\ClusterStorage\\Volume1\\ha\\ha.vhdx -NewVHDSizeBytes 20GB | Out-Null
New-VM local | Out-Null
""")
    volume = shell.value("Get-ClusterSharedVolume")
    assert (volume.Name, volume.State, volume.Node) == ("Cluster Disk 1", "Online", "HV01")
    shell.run("Add-ClusterVirtualMachineRole -VMName local")
    assert "only its host sees" in shell.errors[-1].message
    group = shell.value("Get-VM ha | Add-ClusterVirtualMachineRole")
    assert (group.Name, group.OwnerNode, group.State.name) == ("ha", "HV01", "Offline")
    shell.run("Start-VM ha")
    assert group.State.name == "Online" and shell.value("(Get-VM ha).IsClustered")
    shell.run("$g = Get-ClusterGroup ha; $g.AntiAffinityClassNames = 'SQL'")
    assert group.AntiAffinityClassNames == ["SQL"]
    assert [g.Name for g in shell.values("Get-ClusterNode HV01 | Get-ClusterGroup")] == \
        ["Cluster Group", "Available Storage", "ha"]
    assert shell.value("Get-ClusterGroup | ? GroupType -eq VirtualMachine | Get-VM").Name == "ha"


def test_a_down_node_cannot_resume_and_restart_wait_returns_once_it_has_joined():
    shell = lab_shell(NODES + "New-Cluster HVC01 -Node HV01, HV02 -StaticAddress 10.0.0.5 "
                              "-NoStorage | Out-Null; Suspend-ClusterNode HV02 | Out-Null")
    record = shell.lab.find_cluster("HVC01").node_record("HV02")
    shell.run("Invoke-LabFault -ComputerName HV02 -Fault HostCrash; Start-Sleep 10")
    shell.run("Resume-ClusterNode HV02 -Failback Immediate")
    assert shell.error_ids() == ["ClusterNodeDown,"
                                 "Microsoft.FailoverClusters.PowerShell.ResumeClusterNodeCommand"]
    assert "5050" in shell.errors[-1].message and record.paused     # nothing changed
    shell.clear_errors()
    shell.run("Invoke-LabFault -ComputerName HV02 -Fault HostRecover; Start-Sleep 200")
    shell.run("Restart-Computer HV02 -Wait")
    # Back and joined (still paused: it was paused before), so it resumes at once.
    assert shell.value("(Get-ClusterNode HV02).State").name == "Paused"
    assert shell.value("Resume-ClusterNode HV02").State.name == "Up" and not shell.errors
