"""Host operating-system versions: what each one can do and its limits.

Every figure is in docs/model.md (Versions and limits): features by version
and documented limits (from Microsoft's "Hyper-V scalability"
pages for 2008 R2, 2012 and 2012 R2).
"""
from __future__ import annotations

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.model.kernel.errors import not_supported

GB = 2**30
TB = 2**40

# Values are the release years so that `-Version 2012` (a number) and
# `-Version 2012` (a string) name the same member; 2012 R2 shipped in 2013.
HostVersion = PSEnum("HostVersion", [("2008R2", 2008), ("2012", 2012), ("2012R2", 2013)],
                     module=__name__, qualname="HostVersion")
V2008R2 = HostVersion["2008R2"]
V2012 = HostVersion["2012"]
V2012R2 = HostVersion["2012R2"]


def product_name(version: PSEnum) -> str:
    """'Windows Server 2012 R2' for 2012R2."""
    return "Windows Server " + version.name.replace("R2", " R2")


@attrs.frozen
class VersionLimits:
    max_vm_processors: int
    max_vm_memory: int
    max_host_logical_processors: int
    max_host_memory: int
    max_running_vms: int
    max_cluster_nodes: int
    # Simultaneous live migrations a new host allows (section D: 1 on 2008 R2,
    # default 2 on 2012 and 2012 R2) and the default performance option
    # (section C: Compression on 2012 R2; older hosts only have TCP/IP).
    default_live_migrations: int
    default_storage_migrations: int
    default_performance_option: str
    # VM configuration version (section C: 4.0 on 2012, 5.0 on 2012 R2; 2008 R2
    # has no versioned configuration).
    vm_config_version: str
    # Build numbers of the RTM releases (6.1.7601 is 2008 R2 SP1).
    build: str


LIMITS = {
    V2008R2: VersionLimits(4, 64 * GB, 64, 1 * TB, 384, 16, 1, 0, "TCPIP", "", "6.1.7601"),
    V2012: VersionLimits(64, 1 * TB, 320, 4 * TB, 1024, 64, 2, 2, "TCPIP", "4.0", "6.2.9200"),
    V2012R2: VersionLimits(64, 1 * TB, 320, 4 * TB, 1024, 64, 2, 2, "Compression", "5.0",
                           "6.3.9600"),
}


def limits(version: PSEnum) -> VersionLimits:
    return LIMITS[version]


# Feature -> (first version that has it, how the error names the feature).
# docs/model.md, Versions and limits.
FEATURES = {
    "Generation2": (V2012R2, "generation 2 virtual machines"),
    "PerformanceOption": (V2012R2, "the live migration performance options Compression and SMB"),
    "LinuxDynamicMemory": (V2012R2, "dynamic memory for Linux guests"),
    "Vhdx": (V2012, "the VHDX format"),
    "SharedVhdx": (V2012R2, "shared VHDX files (guest clustering)"),
    "OnlineVhdxResize": (V2012R2, "resizing a VHDX while the virtual machine runs"),
    "StorageMigration": (V2012, "live storage migration"),
    "SharedNothingMigration": (V2012, "live migration outside a cluster"),
    "Replica": (V2012, "Hyper-V Replica"),
    "LiveExport": (V2012R2, "exporting a running virtual machine"),
    "EnhancedSessionMode": (V2012R2, "enhanced session mode"),
    "StorageQoS": (V2012R2, "Storage QoS (minimum and maximum IOPS)"),
    "SmbBandwidthLimit": (V2012R2, "SMB bandwidth limits"),
    "ResourceMetering": (V2012, "resource metering"),
    "NicTeaming": (V2012, "in-box NIC teaming (LBFO)"),
    "DynamicTeamLoadBalancing": (V2012R2, "the Dynamic load-balancing algorithm of NIC teams"),
}


def has_feature(version: PSEnum, feature: str) -> bool:
    return version.value >= FEATURES[feature][0].value


def require_feature(version: PSEnum, feature: str, host_name: str, fix: str = "") -> None:
    """Raise a LabError naming the version needed when `version` lacks
    `feature`."""
    if has_feature(version, feature):
        return
    needed, what = FEATURES[feature]
    message = (f"Host '{host_name}' runs {product_name(version)}, which does not support "
               f"{what}: that needs {product_name(needed)} or later.")
    if fix:
        message += " " + fix
    raise not_supported(message, host_name)
