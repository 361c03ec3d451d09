"""The Hyper-V Replica cmdlets through the shell: parameters, refusals as
PowerShell errors that leave the lab unchanged, -AsJob, -PassThru, filters
and the failover sequence."""
from __future__ import annotations

from tests.cmdlets.hyperv_shell import lab_shell

MB = 2**20

SETUP = """
New-LabHost P -Version 2012R2 | Out-Null
New-LabHost R -Version 2012R2 | Out-Null
New-LabHost OLD -Version 2012 | Out-Null
New-VM app 2GB -ComputerName P -NewVHDPath C:\\VMs\\app.vhdx -NewVHDSizeBytes 40GB | Out-Null
Set-LabGuestDisk C:\\VMs\\app.vhdx -ComputerName P -PartitionSize 40GB -UsedSize 8GB
Set-LabWorkload app -ComputerName P -Profile Web
Start-VM app -ComputerName P
Set-VMReplicationServer $true Kerberos $true -DefaultStorageLocation C:\\Replica -ComputerName R
"""


def shell():
    return lab_shell(SETUP)


def test_replication_server_settings_and_the_2008_r2_refusal():
    sh = shell()
    server = sh.value("Get-VMReplicationServer R")
    assert (server.ReplicationEnabled, server.AllowedAuthenticationType.name,
            server.KerbAuthPort, server.DefaultStorageLocation) == (True, "Kerberos", 80,
                                                                    "C:\\Replica")
    sh.run("Set-VMReplicationServer -ReplicationAllowedFromAnyServer $true -ComputerName P")
    assert sh.errors[-1].FullyQualifiedErrorId.startswith("InvalidParameter")
    assert "-DefaultStorageLocation" in str(sh.errors[-1])
    assert not sh.value("Get-VMReplicationServer P").ReplicationAllowedFromAnyServer


def test_enable_refusals_leave_the_lab_unchanged():
    sh = shell()
    sh.run("Enable-VMReplication app OLD 80 Kerberos -ComputerName P")
    assert "does not accept replication" in str(sh.errors[-1])
    sh.run("Enable-VMReplication app R 80 Kerberos -ComputerName P -ReplicationFrequencySec 60")
    assert "30, 300 or 900" in str(sh.errors[-1])
    assert sh.run("Get-VM -ComputerName R") == ""
    assert sh.value("(Get-VM app -ComputerName P).ReplicationState").name == "Disabled"


def test_enable_passthru_initial_replication_as_job_and_measure():
    sh = shell()
    rep = sh.value("Enable-VMReplication app R 80 Kerberos -ComputerName P "
                   "-ReplicationFrequencySec 30 -PassThru")
    assert (rep.FrequencySec, rep.Mode.name, rep.ReplicaServer) == (30, "Primary", "R.lab.local")
    assert sh.value("(Get-VM app -ComputerName R).ReplicationMode").name == "Replica"
    job = sh.value("Start-VMInitialReplication app -ComputerName P -AsJob")
    assert sh.value("(Get-VMReplication app -ComputerName P).State").name == \
        "InitialReplicationInProgress"
    sh.run(f"Wait-Job -Id {job.Id} | Out-Null")
    assert sh.value("(Get-VMReplication app -ComputerName R).State").name == "Replicating"
    sh.run("Start-Sleep -Seconds 95")
    health = sh.value("Measure-VMReplication app -ComputerName P")
    assert health.SuccessfulReplicationCount == 3 and health.Health.name == "Normal"
    assert health.AverageReplicationSize == 30 * MB     # the Web profile writes 1 MB/s
    assert "30.00" in sh.run("Measure-VMReplication -ComputerName P | Out-String")
    assert sh.values("Get-VMReplication -ComputerName P -ReplicationState Suspended") == []
    assert not sh.errors


def test_query_of_a_vm_not_replicated_is_an_error():
    sh = shell()
    sh.run("Measure-VMReplication app -ComputerName P")
    assert "Replication is not enabled for virtual machine 'app'" in str(sh.errors[-1])


def test_planned_failover_sequence():
    sh = shell()
    sh.run("Enable-VMReplication app R 80 Kerberos -ComputerName P; "
           "Start-VMInitialReplication app -ComputerName P; Start-Sleep 400")
    sh.run("Start-VMFailover app -ComputerName P -Prepare")
    assert "turned off" in str(sh.errors[-1])
    sh.clear_errors()
    sh.run("Stop-VM app -ComputerName P -Force; Start-VMFailover app -ComputerName P -Prepare")
    vm = sh.value("Start-VMFailover app -ComputerName R -PassThru")
    assert vm.ReplicationState.name == "FailedOverWaitingCompletion"
    sh.run("Complete-VMFailover app -ComputerName R; Start-VM app -ComputerName R")
    assert sh.value("(Get-VM app -ComputerName R).State").name == "Running"
    assert not sh.errors


def test_unplanned_failover_reports_the_writes_lost():
    sh = shell()
    sh.run("Enable-VMReplication app R 80 Kerberos -ComputerName P; "
           "Start-VMInitialReplication app -ComputerName P; Start-Sleep 400")
    sh.run("Invoke-LabFault -ComputerName P -Fault HostCrash")
    sh.run("Start-VMFailover app -ComputerName R")
    message = sh.value("(Get-LabEvent | Select-Object -Last 1).Message")
    assert "MB of writes since then are lost (RPO" in message
    sh.run("Stop-VMFailover app -ComputerName R")
    assert sh.value("(Get-VMReplication app -ComputerName R).State").name == "Replicating"
    assert not sh.errors


def test_suspend_and_resume_with_whatif():
    sh = shell()
    sh.run("Enable-VMReplication app R 80 Kerberos -ComputerName P; "
           "Start-VMInitialReplication app -ComputerName P")
    sh.run("Suspend-VMReplication app -ComputerName P -WhatIf")
    assert sh.value("(Get-VMReplication app -ComputerName P).State").name == "Replicating"
    sh.run("Suspend-VMReplication app -ComputerName P")
    assert sh.value("(Get-VMReplication app -ComputerName P).Health").name == "Warning"
    sh.run("Suspend-VMReplication app -ComputerName P")
    assert "cannot be suspended" in str(sh.errors[-1])
    rep = sh.value("Resume-VMReplication app -ComputerName P -PassThru")
    assert rep.State.name == "Replicating"


def test_set_frequency_and_reverse_after_a_planned_failover():
    sh = shell()
    sh.run("Enable-VMReplication app R 80 Kerberos -ComputerName P; "
           "Start-VMInitialReplication app -ComputerName P")
    rep = sh.value("Set-VMReplication app -ComputerName P -ReplicationFrequencySec 900 "
                   "-CompressionEnabled $false -PassThru")
    assert (rep.FrequencySec, rep.CompressionEnabled) == (900, False)
    sh.run("Set-VMReplication app -ComputerName P -ReplicationFrequencySec 45")
    assert "30, 300 or 900" in str(sh.errors[-1])
    sh.clear_errors()
    sh.run("Start-Sleep 1000")
    assert sh.value("Measure-VMReplication app -ComputerName P").SuccessfulReplicationCount == 1
    sh.run("Stop-VM app -ComputerName P -Force; Start-VMFailover app -ComputerName P -Prepare; "
           "Start-VMFailover app -ComputerName R")
    sh.run("Set-VMReplication app -ComputerName R -Reverse")
    assert "'P' does not accept replication" in str(sh.errors[-1])
    sh.clear_errors()
    sh.run("Set-VMReplicationServer $true -AllowedAuthenticationType Kerberos "
           "-ReplicationAllowedFromAnyServer $true -DefaultStorageLocation C:\\Replica "
           "-ComputerName P; Set-VMReplication app -ComputerName R -Reverse; "
           "Start-VM app -ComputerName R; Start-Sleep 910")
    assert not sh.errors, sh.err.getvalue()
    new = sh.value("Get-VMReplication app -ComputerName R")
    assert (new.Mode.name, new.State.name, new.ReplicaServer) == ("Primary", "Replicating",
                                                                  "P.lab.local")
    assert sh.value("Measure-VMReplication app -ComputerName R").SuccessfulReplicationCount == 1


def test_a_replica_vm_starts_only_after_a_failover():
    sh = shell()
    sh.run("Enable-VMReplication app R 80 Kerberos -ComputerName P; "
           "Start-VMInitialReplication app -ComputerName P")
    sh.run("Start-VM app -ComputerName R")
    assert "can start only after a failover" in str(sh.errors[-1])
    assert sh.value("(Get-VM app -ComputerName R).State").name == "Off"


EXTENDED = """
New-LabHost X -Version 2012R2 | Out-Null
Set-VMReplicationServer $true Kerberos $true -DefaultStorageLocation C:\\Replica -ComputerName X
Enable-VMReplication app R 80 Kerberos -ComputerName P -ReplicationFrequencySec 30
Start-VMInitialReplication app -ComputerName P
"""


def test_extended_replication_through_the_shell():
    sh = shell()
    sh.run(EXTENDED)
    sh.run("Enable-VMReplication app X 80 Kerberos -ComputerName R -ReplicationFrequencySec 30")
    assert "Use -ReplicationFrequencySec 300 or 900" in str(sh.errors[-1])
    assert sh.errors[-1].FullyQualifiedErrorId.startswith("InvalidParameter")
    assert sh.run("Get-VM -ComputerName X") == ""
    sh.clear_errors()
    sh.run("Enable-VMReplication app X 80 Kerberos -ComputerName R -RepFreq 900; "
           "Start-VMInitialReplication app -ComputerName R; Start-Sleep 1810")
    assert not sh.errors, sh.err.getvalue()
    # Without -ReplicationRelationshipType the replica server shows the
    # simple relationship; the extended one on request.
    simple = sh.value("Get-VMReplication app -ComputerName R")
    assert (simple.Relationship.name, simple.FrequencySec) == ("Simple", 30)
    leg = sh.value("Get-VMReplication app -ComputerName R -Relationship Extended")
    assert (leg.Relationship.name, leg.FrequencySec, leg.ReplicaServer, leg.State.name) == \
        ("Extended", 900, "X.lab.local", "Replicating")
    third = sh.value("Get-VMReplication -ComputerName X")
    assert (third.Mode.name, third.Relationship.name) == ("ExtendedReplica", "Extended")
    assert sh.values("Get-VMReplication -ComputerName X -ReplicationRelationshipType Simple") \
        == []
    health = sh.value("Measure-VMReplication app -ComputerName R "
                      "-ReplicationRelationshipType Extended")
    assert health.SuccessfulReplicationCount == 2 and health.Health.name == "Normal"
    sh.run("Get-VMReplication app -ComputerName P -ReplicationRelationshipType Extended")
    assert "Extended replication is not enabled for virtual machine 'app'" in \
        str(sh.errors[-1])


def test_remove_vm_replication_with_whatif_and_each_side():
    sh = shell()
    sh.run(EXTENDED + "Enable-VMReplication app X 80 Kerberos -ComputerName R; "
           "Start-VMInitialReplication app -ComputerName R")
    sh.run("Remove-VMReplication app -ComputerName R -ReplicationRelationshipType Extended "
           "-WhatIf")
    assert sh.value("(Get-VM app -ComputerName X).ReplicationState").name == "Replicating"
    sh.run("Remove-VMReplication app -ComputerName R")
    assert "-ReplicationRelationshipType Extended" in str(sh.errors[-1])
    sh.clear_errors()
    sh.run("Remove-VMReplication app -ComputerName R -ReplicationRelationshipType Extended")
    assert sh.value("(Get-VM app -ComputerName X).ReplicationState").name == "Error"
    sh.run("Get-VM app -ComputerName P | Remove-VMReplication")
    assert sh.value("(Get-VM app -ComputerName P).ReplicationState").name == "Disabled"
    assert sh.values("Get-VMReplication -ComputerName P") == []
    assert sh.value("Get-VMReplication -ComputerName R").State.name == "Error"
    assert not sh.errors, sh.err.getvalue()
    sh.run("Remove-VMReplication app -ComputerName P")
    assert "Replication is not enabled for virtual machine 'app'" in str(sh.errors[-1])


def test_suspend_and_resume_the_extended_relationship():
    sh = shell()
    sh.run(EXTENDED + "Enable-VMReplication app X 80 Kerberos -ComputerName R; "
           "Start-VMInitialReplication app -ComputerName R")
    rep = sh.value("Suspend-VMReplication app -ComputerName R -Relationship Extended -PassThru")
    assert (rep.State.name, rep.Health.name, rep.Relationship.name) == ("Suspended", "Warning",
                                                                        "Extended")
    assert sh.value("Get-VMReplication app -ComputerName R").State.name == "Replicating"
    sh.run("Resume-VMReplication app -ComputerName R -ReplicationRelationshipType Extended")
    assert sh.value("(Get-VM app -ComputerName X).ReplicationState").name == "Replicating"
    assert not sh.errors, sh.err.getvalue()
