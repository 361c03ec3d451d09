"""Default views of the disk, metering and host-network types: Get-VHD's
list, Measure-VM's table (docs/cmdlets.md), and the tables of
the SMB, NIC teaming and NetAdapter objects.

The Hyper-V device types (HardDiskDrive, VMSwitch, VMNetworkAdapter,
VMSnapshot, VMIntegrationComponent) have their views in hyperv_views.py.
"""
from __future__ import annotations

from hvshell.format.views import Column, ListView, TableView, register_view

# Get-VHD prints a list of every property (section B).
register_view("Microsoft.Vhd.PowerShell.VirtualHardDisk", ListView(tuple(
    Column(name) for name in (
        "ComputerName", "Path", "VhdFormat", "VhdType", "FileSize", "Size", "MinimumSize",
        "LogicalSectorSize", "PhysicalSectorSize", "BlockSize", "ParentPath", "DiskIdentifier",
        "FragmentationPercentage", "Alignment", "Attached", "DiskNumber"))
    + (Column("Number", "DiskNumber"),)))

# Measure-VM (section B; the figures are already in MB and MHz).
register_view("Microsoft.HyperV.PowerShell.VMMeteringReportForVirtualMachine", TableView((
    Column("VMName"),
    Column("AvgCPU(MHz)", "AvgCPU"),
    Column("AvgRAM(M)", "AvgRAM"),
    Column("MaxRAM(M)", "MaxRAM"),
    Column("MinRAM(M)", "MinRAM"),
    Column("TotalDisk(M)", "TotalDisk"),
    Column("NetworkInbound(M)", "NetworkInbound"),
    Column("NetworkOutbound(M)", "NetworkOutbound")), autosize=True))

register_view("Microsoft.HyperV.PowerShell.VHDMetrics", TableView((
    Column("VirtualHardDisk", lambda m: m.VirtualHardDisk.Path),
    Column("AverageNormalizedIOPS"),
    Column("AverageLatency"),
    Column("DataRead"),
    Column("DataWritten")), autosize=True))

_CIM = "Microsoft.Management.Infrastructure.CimInstance#ROOT/"

register_view(_CIM + "Microsoft/Windows/SMB/MSFT_SmbBandwidthLimit", TableView((
    Column("Category"),
    Column("BytesPerSecond")), autosize=True))

register_view(_CIM + "StandardCimv2/MSFT_NetLbfoTeam", ListView(tuple(
    Column(name) for name in ("Name", "Members", "TeamNics", "TeamingMode",
                              "LoadBalancingAlgorithm", "Status"))))

register_view(_CIM + "StandardCimv2/MSFT_NetAdapterRdmaSettingData", TableView((
    Column("Name"),
    Column("InterfaceDescription"),
    Column("Enabled")), autosize=True))

register_view(_CIM + "StandardCimv2/MSFT_NetAdapterAdvancedPropertySettingData", TableView((
    Column("Name"),
    Column("DisplayName"),
    Column("DisplayValue"),
    Column("RegistryKeyword"),
    Column("RegistryValue")), autosize=True))
