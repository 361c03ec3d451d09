"""Names of lab objects offered by completion, on a lab built with the
shell's own cmdlets (cluster, shared storage, switch, checkpoint, disks)."""
from __future__ import annotations

import io

import pytest

from hvshell.model.lab import Lab
from hvshell.repl.completion import CompletionEngine
from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session

LAB_SCRIPT = r"""
$ErrorActionPreference = 'Stop'
New-LabHost HV01 | Out-Null; New-LabHost HV02 | Out-Null; New-LabHost HV03 | Out-Null
New-Cluster -Name CL1 -Node HV01,HV02 -NoStorage -StaticAddress 10.0.0.5 | Out-Null
New-LabStorage -Name CSV1 -Type CSV -Path C:\ClusterStorage\Volume1 -Cluster CL1 | Out-Null
New-LabStorage -Name SOFS -Type SMB -Path \\SOFS\VMs | Out-Null
New-VMSwitch -Name 'Lab Net' -SwitchType Internal | Out-Null
New-VM web01 -MemoryStartupBytes 1GB -Path C:\ClusterStorage\Volume1 -NewVHDPath C:\ClusterStorage\Volume1\web01.vhdx -NewVHDSizeBytes 20GB | Out-Null
New-VM db01 -MemoryStartupBytes 1GB | Out-Null
Checkpoint-VM web01 -SnapshotName 'before patch' | Out-Null
Add-ClusterVirtualMachineRole -VMName web01 | Out-Null
New-VM far01 -ComputerName HV03 | Out-Null
"""


@pytest.fixture(scope="module")
def engine():
    errors = io.StringIO()
    interp = new_interpreter(Session(Lab(seed=1)), stdout=io.StringIO(), stderr=errors)
    assert interp.execute(LAB_SCRIPT), errors.getvalue()
    return CompletionEngine(interp)


def texts(engine, text):
    return [c.text for c in engine.complete(text).candidates]


def test_hosts_and_vms(engine):
    assert texts(engine, "Enter-PSSession ") == ["HV01", "HV02", "HV03"]
    assert texts(engine, "Start-VM ") == ["db01", "web01"]
    assert texts(engine, "Start-VM -ComputerName HV03 -Name ") == ["far01"]


def test_clusters(engine):
    assert texts(engine, "Get-Cluster ") == ["CL1"]
    assert texts(engine, "Get-ClusterNode ") == ["HV01", "HV02"]      # the session host's cluster
    assert texts(engine, "Get-ClusterNode -Cluster CL1 HV") == ["HV01", "HV02"]
    assert texts(engine, "Get-ClusterNode -Cluster nowhere ") == []
    assert texts(engine, "Get-ClusterGroup ") == ["'Available Storage'", "'Cluster Group'",
                                                  "web01"]


def test_switches_checkpoints_storage_and_disks(engine):
    assert texts(engine, "Get-VMSwitch ") == ["'Lab Net'"]
    assert texts(engine, "Get-VMSnapshot -VMName web01 -Name ") == ["'before patch'"]
    assert texts(engine, "Get-VMSnapshot -VMName db01 -Name ") == []
    assert texts(engine, "Invoke-LabFault -Storage ") == ["CSV1", "HV01-C", "HV02-C", "HV03-C",
                                                         "SOFS"]
    assert texts(engine, "Get-VHD *.vhdx") == ["C:\\ClusterStorage\\Volume1\\web01.vhdx"]
    assert len(texts(engine, "Get-VHD ")) == 2                      # and the checkpoint's .avhdx
    assert texts(engine, "Get-VHD -ComputerName HV03 ") == []         # not a node: cannot see the CSV
    assert "C:\\ClusterStorage\\Volume1" in texts(engine, "New-VHD -Path ")
