"""Default views of the Hyper-V Replica types (docs/cmdlets.md):
Get-VMReplication's and Measure-VMReplication's tables, and
Get-VMReplicationServer's."""
from __future__ import annotations

from hvshell.format.views import Column, TableView, register_view

MB = 2**20

register_view("Microsoft.HyperV.PowerShell.VMReplication", TableView((
    Column("VMName"),
    Column("State"),
    Column("Health"),
    Column("Mode"),
    Column("FrequencySec"),
    Column("PrimaryServer"),
    Column("ReplicaServer"),
    Column("ReplicaPort"),
    Column("AuthType"),
    Column("Relationship")), autosize=True))


def _megabytes(size: int) -> str:
    return f"{size / MB:.2f}"


register_view("Microsoft.HyperV.PowerShell.VMReplicationHealth", TableView((
    Column("VMName"),
    Column("State"),
    Column("Health"),
    Column("LReplTime", "LastReplicationTime"),
    Column("PReplSize(M)", lambda m: _megabytes(m.PendingReplicationSize), align="right"),
    Column("AvgLatency", "AverageReplicationLatency"),
    Column("AvgReplSize(M)", lambda m: _megabytes(m.AverageReplicationSize), align="right"),
    Column("Relationship")), autosize=True))

# Section F: no published format file; the replica-server settings an admin
# checks first.
register_view("Microsoft.HyperV.PowerShell.VMReplicationServer", TableView((
    Column("ComputerName"),
    Column("RepEnabled"),
    Column("AuthType"),
    Column("KerbAuthPort"),
    Column("CertAuthPort"),
    Column("AllowAnyServer")), autosize=True))
