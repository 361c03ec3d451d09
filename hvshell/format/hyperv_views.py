"""Default views of the lab's types: the columns Hyper-V 2012 R2 and the
FailoverClusters module print (docs/cmdlets.md), and tables
for the simulator's own types.

Hyper-V prints its memory and CPU columns left-aligned (section A.1
sample row), so those columns say so.  Tables whose real widths are not
documented are fitted to their data.
"""
from __future__ import annotations

from typing import Any

from hvshell.format.views import Column, TableView, register_view

MB = 2**20
GB = 2**30


def _mb(name: str) -> Any:
    def value(obj: Any) -> int:
        return (getattr(obj, name) or 0) // MB
    return value


def _gb(name: str) -> Any:
    def value(obj: Any) -> float:
        return round((getattr(obj, name) or 0) / GB, 1)
    return value


LEFT = "left"


def _table(type_name: str, *columns: Column, autosize: bool = True) -> None:
    """Register a table.  The Hyper-V, FailoverClusters and job format views
    align every column left (their sample outputs); the simulator's own
    tables keep PowerShell's rule."""
    if not type_name.startswith("hvshell."):
        columns = tuple(c if c.align else Column(c.label, c.value, c.width, LEFT)
                        for c in columns)
    register_view(type_name, TableView(tuple(columns), autosize=autosize))



# Get-VM, 2012 / 2012 R2 (section B, high confidence).
_table("Microsoft.HyperV.PowerShell.VirtualMachine",
       Column("Name"),
       Column("State"),
       Column("CPUUsage(%)", "CPUUsage"),
       Column("MemoryAssigned(M)", _mb("MemoryAssigned")),
       Column("MemoryDemand(M)", _mb("MemoryDemand")),
       Column("MemoryStatus"),
       Column("Uptime"),
       Column("Status"),
       Column("ReplicationState"))

# Get-VMHost (section B, low confidence).
_table("Microsoft.HyperV.PowerShell.Host",
       Column("Name"),
       Column("LogicalProcessorCount"),
       Column("MemoryCapacity(M)", _mb("MemoryCapacity")),
       Column("VirtualMachineMigrationEnabled"))

_table("Microsoft.HyperV.PowerShell.VMMemory",
       Column("VMName"),
       Column("DynamicMemoryEnabled"),
       Column("Minimum(M)", _mb("Minimum")),
       Column("Startup(M)", _mb("Startup")),
       Column("Maximum(M)", _mb("Maximum")))

_table("Microsoft.HyperV.PowerShell.VMProcessor",
       Column("VMName"),
       Column("Count"),
       Column("CompatibilityForMigrationEnabled"),
       Column("CompatibilityForOlderOperatingSystemsEnabled"))

_table("Microsoft.HyperV.PowerShell.VMMigrationNetwork",
       Column("Subnet"),
       Column("Priority"),
       Column("ComputerName"))

_table("Microsoft.HyperV.PowerShell.HardDiskDrive",
       Column("VMName"),
       Column("ControllerType"),
       Column("ControllerNumber"),
       Column("ControllerLocation"),
       Column("DiskNumber"),
       Column("Path"))

_table("Microsoft.HyperV.PowerShell.DvdDrive",
       Column("VMName"),
       Column("ControllerType"),
       Column("ControllerNumber"),
       Column("ControllerLocation"),
       Column("DvdMediaType"),
       Column("Path"))

_table("Microsoft.HyperV.PowerShell.VMScsiController",
       Column("VMName"),
       Column("ControllerNumber"),
       Column("Drives"))

_table("Microsoft.HyperV.PowerShell.VMIdeController",
       Column("VMName"),
       Column("ControllerNumber"),
       Column("Drives"))

_table("Microsoft.HyperV.PowerShell.VMNetworkAdapter",
       Column("Name"),
       Column("IsManagementOs"),
       Column("VMName"),
       Column("SwitchName"),
       Column("MacAddress"),
       Column("Status"),
       Column("IPAddresses"))

_table("Microsoft.HyperV.PowerShell.VMNetworkAdapterVlanSetting",
       Column("VMName"),
       Column("VMNetworkAdapterName"),
       Column("Mode", "OperationMode"),
       Column("VlanList"))

_table("Microsoft.HyperV.PowerShell.VMSwitch",
       Column("Name"),
       Column("SwitchType"),
       Column("NetAdapterInterfaceDescription"))

_table("Microsoft.HyperV.PowerShell.VMSnapshot",
       Column("VMName"),
       Column("Name"),
       Column("SnapshotType"),
       Column("CreationTime"),
       Column("ParentSnapshotName"))

_table("Microsoft.HyperV.PowerShell.VMIntegrationComponent",
       Column("VMName"),
       Column("Name"),
       Column("Enabled"),
       Column("PrimaryStatusDescription"),
       Column("SecondaryStatusDescription"))

# Jobs: Windows PowerShell's own table (fixed widths, Command takes the rest).
_table("System.Management.Automation.Job",
       Column("Id", width=6),
       Column("Name", width=15),
       Column("PSJobTypeName", width=15),
       Column("State", width=13),
       Column("HasMoreData", width=15),
       Column("Location", width=20),
       Column("Command"),
       autosize=False)

# FailoverClusters (section B, high confidence).
_table("Microsoft.FailoverClusters.PowerShell.Cluster", Column("Name"))
_table("Microsoft.FailoverClusters.PowerShell.ClusterNode",
       Column("Name"), Column("ID", "Id"), Column("State"))
_table("Microsoft.FailoverClusters.PowerShell.ClusterGroup",
       Column("Name"), Column("OwnerNode"), Column("State"))
_table("Microsoft.FailoverClusters.PowerShell.ClusterQuorumSettings",
       Column("Cluster"), Column("QuorumResource"), Column("QuorumType"))
_table("Microsoft.FailoverClusters.PowerShell.ClusterSharedVolume",
       Column("Name"), Column("State"), Column("Node"))

# ClusterAwareUpdating.
_table("Microsoft.ClusterAwareUpdating.CauUpdateInfo",
       Column("NodeName"), Column("UpdateId"), Column("UpdateTitle"))
_table("Microsoft.ClusterAwareUpdating.CauReportSummary",
       Column("ClusterName"), Column("RunStartTime"), Column("RunDuration"), Column("Status"))
_table("Microsoft.ClusterAwareUpdating.NodeResult",
       Column("Node"), Column("Status"), Column("NumberOfSucceededUpdates"),
       Column("NumberOfFailedUpdates"), Column("Attempts"), Column("Duration"))
_table("Microsoft.ClusterAwareUpdating.UpdateInstallResult",
       Column("NodeName"), Column("UpdateId"), Column("InstallDuration"), Column("ResultCode"))
_table("hvshell.Lab.CauVMDowntime",
       Column("VMName"), Column("Node"), Column("How"), Column("LiveMigrations"),
       Column("BlackoutMs"), Column("Downtime"))
_table("hvshell.Lab.LabUpdate",
       Column("Name"), Column("InstallSeconds"), Column("RebootRequired"), Column("Applicable"))

# The simulator's own types.
_table("hvshell.Lab.LabHost",
       Column("Name"),
       Column("State", align=LEFT),
       Column("Version", align=LEFT),
       Column("Processor", lambda h: f"{h.ProcessorVendor} gen {h.ProcessorGeneration}"),
       Column("LP", "LogicalProcessors"),
       Column("Memory(GB)", _gb("Memory")),
       Column("FreeMemory(GB)", _gb("FreeMemory")),
       Column("VMs", "VMCount"),
       Column("Running", "RunningVMs"),
       Column("Cluster"))

_table("hvshell.Lab.HostNic",
       Column("ComputerName"),
       Column("Name"),
       Column("LinkSpeedGbps"),
       Column("Subnet"),
       Column("IPAddress"),
       Column("RdmaEnabled"),
       Column("JumboPacket"),
       Column("Team"),
       Column("Status"))

_table("hvshell.Lab.Storage",
       Column("Name"),
       Column("Type"),
       Column("Path"),
       Column("Capacity(GB)", _gb("Capacity")),
       Column("FreeSpace(GB)", _gb("FreeSpace")),
       Column("ThroughputMBps"),
       Column("Iops"),
       Column("State"))

_table("hvshell.Lab.Event",
       Column("Time"),
       Column("Kind", align=LEFT),
       Column("Source"),
       Column("Message"))

_table("hvshell.Lab.Workload",
       Column("VMName"),
       Column("Profile"),
       Column("GuestOS"),
       Column("WorkingSet(M)", _mb("WorkingSet")),
       Column("DirtyRateMBps"),
       Column("CpuPercent"),
       Column("Iops"),
       Column("ZeroPagePercent"),
       Column("CompressionRatio"))
