"""Creating lab objects: hosts, NICs, storage, VMs, virtual hard disks,
clusters.  The cmdlets, the demo lab and the tests all build through
these functions, so every rule is checked in one place.  Each checks
everything before it changes anything: a refusal leaves the lab as it was.
"""
from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Any

from hvshell.model.cluster.objects import Cluster, ClusterGroup, ClusterNodeRecord, GroupType
from hvshell.model.kernel.errors import (LabError, invalid_argument, invalid_state, lab_argument,
                                  operation_failed)
from hvshell.model.kernel.events import EventKind
from hvshell.model.compute.host import Host, ProcessorVendor, VMMigrationPerformance
from hvshell.model.network.objects import DEFAULT_SUBNET, HostNic, VMNetworkAdapter, parse_subnet
from hvshell.model.storage.objects import (ControllerType, DvdDrive, HardDiskDrive, StorageLocation,
                                   StorageType, VhdFormat, VhdType, VirtualHardDisk,
                                   VHD_BLOCK_BYTES, VHDX_BLOCK_BYTES, format_for_path,
                                   is_absolute, join_path, norm_path)
from hvshell.model.compute.versions import (HostVersion, V2012R2, has_feature, limits, product_name,
                                    require_feature)
from hvshell.model.compute.vm import (DEFAULT_DYNAMIC_MINIMUM, DEFAULT_STARTUP_MEMORY,
                                      GUEST_SERVICE_INTERFACE, INTEGRATION_SERVICES,
                                      MEMORY_ALIGNMENT, MIN_VM_MEMORY, VM, StartAction, VMState)

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20
GB = 2**30
TB = 2**40

# New-LabHost's local volume C: and first NIC (docs/model.md, Lab defaults).
SYSTEM_VOLUME_CAPACITY = 2 * TB
SYSTEM_VOLUME_MBPS = 500.0
SYSTEM_VOLUME_IOPS = 20000.0
FIRST_NIC_NAME = "NIC1"
FIRST_NIC_GBPS = 10.0
# A host needs memory for its own OS and Hyper-V (2 GB is the documented
# minimum for a Hyper-V host of this era, rounded up to 4 GB to leave VMs room).
MIN_HOST_MEMORY = 4 * GB
# NetBIOS computer names are at most 15 characters (Windows naming rules).
MAX_COMPUTER_NAME = 15
_COMPUTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
DEFAULT_VM_NAME = "New virtual machine"


def _check_computer_name(name: str, what: str) -> None:
    if not name or len(name) > MAX_COMPUTER_NAME or not _COMPUTER_NAME.match(name):
        raise lab_argument(f"'{name}' is not a valid {what} name: use 1 to {MAX_COMPUTER_NAME} "
                           "letters, digits or hyphens, starting with a letter or digit.", name)


# ---------------------------------------------------------------------------
# Hosts and NICs
# ---------------------------------------------------------------------------

def new_host(lab: Lab, name: str, version: HostVersion = V2012R2,
             processor_vendor: ProcessorVendor = ProcessorVendor.Intel,
             processor_generation: int = 3, logical_processors: int = 32,
             memory: int = 256 * GB, domain: str = "lab.local") -> Host:
    """New-LabHost: a host with a local volume C: and one NIC."""
    _check_computer_name(name, "host")
    if lab.find_host(name) is not None or lab.find_cluster(name) is not None:
        raise lab_argument(f"The lab already has a computer named '{name}'. Choose another name.",
                           name)
    limit = limits(version)
    if not 1 <= logical_processors <= limit.max_host_logical_processors:
        raise lab_argument(
            f"A {product_name(version)} Hyper-V host supports 1 to "
            f"{limit.max_host_logical_processors} logical processors; {logical_processors} were "
            "asked for. Lower -LogicalProcessors or choose another -Version.", name)
    if not MIN_HOST_MEMORY <= memory <= limit.max_host_memory:
        raise lab_argument(
            f"A {product_name(version)} Hyper-V host supports {MIN_HOST_MEMORY // GB} GB to "
            f"{limit.max_host_memory // GB} GB of memory; {memory // GB} GB were asked for. "
            "Change -Memory or choose another -Version.", name)
    if processor_generation < 1:
        raise lab_argument("-ProcessorGeneration must be 1 or more (higher is newer).", name)
    if not domain or " " in domain:
        raise lab_argument(f"'{domain}' is not a valid domain name (e.g. lab.local).", domain)
    storage_name = f"{name}-C"
    if lab.find_storage(storage_name) is not None:
        raise lab_argument(f"The lab already has storage named '{storage_name}', which the new "
                           f"host's system volume needs. Rename that storage first.", name)
    host = Host(name=name, version=version, index=len(lab.hosts),
                processor_vendor=processor_vendor, processor_generation=processor_generation,
                logical_processors=logical_processors, memory=memory, domain=domain,
                max_vm_migrations=limit.default_live_migrations,
                max_storage_migrations=limit.default_storage_migrations,
                performance_option=VMMigrationPerformance[limit.default_performance_option])
    address = lab.allocate_address(DEFAULT_SUBNET)
    lab.add_host(host)
    lab.add_nic(host, HostNic(FIRST_NIC_NAME, FIRST_NIC_GBPS, DEFAULT_SUBNET, address))
    _add_storage(lab, StorageLocation(storage_name, StorageType.Local, "C:",
                                      SYSTEM_VOLUME_CAPACITY, SYSTEM_VOLUME_MBPS,
                                      SYSTEM_VOLUME_IOPS, host_name=host.name, id=lab.new_guid()))
    lab.record(EventKind.HostCreated, host.name, f"Host {host.name} ({product_name(version)}, "
               f"{logical_processors} LP, {memory // GB} GB) joined the lab.")
    return host


def add_nic(lab: Lab, host: Host, name: str, speed_gbps: float = 10.0, rdma: bool = False,
            subnet: str = DEFAULT_SUBNET) -> HostNic:
    """Add-LabNic.  An RDMA-capable NIC has RDMA enabled, as Windows does
    by default for capable adapters."""
    if not name:
        raise lab_argument("A NIC needs a -Name.", name)
    if host.nic(name) is not None or host.team(name) is not None:
        raise lab_argument(f"Host '{host.name}' already has a network adapter named '{name}'.",
                           name)
    if not speed_gbps > 0:
        raise lab_argument(f"-SpeedGbps must be more than 0 (got {speed_gbps}).", name)
    try:
        network = parse_subnet(subnet)
    except ValueError as error:
        raise lab_argument(str(error), subnet) from None
    nic = HostNic(name, float(speed_gbps), str(network), lab.allocate_address(str(network)),
                  rdma_capable=rdma, rdma_enabled=rdma)
    lab.add_nic(host, nic)
    lab.record(EventKind.NicAdded, host.name,
               f"{host.name} has a new {speed_gbps:g} Gbps NIC {name} "
               f"on {network}{' (RDMA)' if rdma else ''}.")
    return nic


# ---------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------

def _add_storage(lab: Lab, location: StorageLocation) -> StorageLocation:
    location.lab = lab
    lab.storage.append(location)
    lab.storage_changed()
    return location


_DRIVE = re.compile(r"^[A-Za-z]:\\?$")


def new_storage(lab: Lab, name: str, storage_type: StorageType, path: str | None = None,
                host: Host | None = None, cluster: Cluster | None = None,
                capacity: int = 4 * TB, throughput_mbps: float = 1000.0,
                iops: float = 50000.0) -> StorageLocation:
    """New-LabStorage."""
    if not name:
        raise lab_argument("Storage needs a -Name.", name)
    if lab.find_storage(name) is not None:
        raise lab_argument(f"The lab already has storage named '{name}'.", name)
    if capacity <= 0 or throughput_mbps <= 0 or iops <= 0:
        raise lab_argument("-Capacity, -ThroughputMBps and -Iops must be more than 0.", name)
    location = StorageLocation(name, storage_type, "", int(capacity), float(throughput_mbps),
                               float(iops), id=lab.new_guid())
    if storage_type is StorageType.Local:
        if cluster is not None:
            raise lab_argument("-Cluster is for CSV storage; local storage takes -ComputerName.",
                               name)
        if host is None:
            raise lab_argument("Local storage needs -ComputerName (the host it belongs to).", name)
        if not path or not _DRIVE.match(path):
            raise lab_argument(f"Local storage is a drive such as D: (got '{path}').", name)
        location.path = path.rstrip("\\").upper()
        location.host_name = host.name
        if any(s.storage_type is StorageType.Local and s.host_name == host.name
               and norm_path(s.path) == norm_path(location.path) for s in lab.storage):
            raise lab_argument(f"Host '{host.name}' already has a volume {location.path}.", name)
    elif storage_type is StorageType.CSV:
        if host is not None:
            raise lab_argument("A cluster shared volume belongs to a cluster: use -Cluster, "
                               "not -ComputerName.", name)
        if cluster is None:
            raise lab_argument("CSV storage needs -Cluster (create one with New-Cluster).", name)
        volumes = cluster.shared_volumes()
        root = cluster.shared_volumes_root
        path = path or f"{root}\\Volume{len(volumes) + 1}"
        if not norm_path(path).startswith(norm_path(root) + "\\"):
            raise lab_argument(f"Cluster shared volumes are mounted under {root} (e.g. "
                               f"{root}\\Volume1); got '{path}'.", name)
        if any(norm_path(v.path) == norm_path(path) for v in volumes):
            raise lab_argument(f"Cluster {cluster.name} already has a volume at {path}.", name)
        location.path = path
        location.cluster_name = cluster.name
        location.disk_name = f"Cluster Disk {len(volumes) + 1}"
        up = [n.name for n in cluster.nodes if lab.host(n.name).is_up]
        location.owner_node = up[0] if up else cluster.nodes[0].name
    else:
        if host is not None or cluster is not None:
            raise lab_argument("An SMB share is reached by every host: give only -Path "
                               "(\\\\SERVER\\Share).", name)
        if not path or not re.match(r"^\\\\[^\\]+\\[^\\]+", path):
            raise lab_argument(f"An SMB 3.0 share is a UNC path such as \\\\SOFS\\VMs "
                               f"(got '{path}').", name)
        if any(norm_path(s.path) == norm_path(path) for s in lab.storage):
            raise lab_argument(f"The share {path} is already in the lab.", name)
        location.path = path.rstrip("\\")
    _add_storage(lab, location)
    lab.record(EventKind.StorageCreated, name,
               f"{storage_type.name} storage {name} at {location.path} "
               f"({capacity / TB:g} TB, {throughput_mbps:g} MB/s, {iops:g} IOPS).")
    return location


def resolve_host_path(lab: Lab, host: Host, path: str, default_folder: str) -> str:
    """A path as Hyper-V reads it: relative paths are under `default_folder`."""
    return path if is_absolute(path) else join_path(default_folder, path)


def reachable_storage(lab: Lab, host: Host, path: str, what: str) -> StorageLocation:
    """The storage holding `path` as `host` sees it (raises LabError when
    the host reaches none that does)."""
    location = lab.storage_for_path(host.name, path)
    if location is None:
        visible = ", ".join(s.path for s in lab.storage_visible_from(host.name)) or "none"
        raise invalid_argument(
            f"The {what} '{path}' is not on any storage host '{host.name}' can reach (it sees: "
            f"{visible}). Use a path on one of them, or add storage with New-LabStorage.", path)
    return location


def require_storage(lab: Lab, host: Host, path: str, what: str) -> StorageLocation:
    """As `reachable_storage`, and the storage must be online."""
    location = reachable_storage(lab, host, path, what)
    if not location.online:
        raise operation_failed(f"The {what} '{path}' is on storage '{location.name}', which is "
                               "offline.", path, "ResourceUnavailable")
    return location


# ---------------------------------------------------------------------------
# Virtual hard disks
# ---------------------------------------------------------------------------

def new_vhd_format(host: Host, path: str) -> VhdFormat:
    """The format of a new disk file at `path`, from its extension; refused
    when it has neither, or for VHDX on a host that cannot create one."""
    vhd_format = format_for_path(path)
    if vhd_format is None:
        raise invalid_argument(f"'{path}' does not end in .vhd or .vhdx, so Hyper-V cannot tell "
                               "which format to create. Add the extension.", path)
    if vhd_format is VhdFormat.VHDX:
        require_feature(host.version, "Vhdx", host.name, "Use a .vhd file on this host.")
    return vhd_format


def new_vhd(lab: Lab, host: Host, path: str, size: int, vhd_type: VhdType = VhdType.Dynamic,
            parent_path: str | None = None, block_size: int = 0,
            logical_sector_size: int = 512, physical_sector_size: int | None = None) -> VirtualHardDisk:
    """Create a VHD/VHDX file on `host` (format from the extension)."""
    vhd_format = new_vhd_format(host, path)
    location = require_storage(lab, host, path, "virtual hard disk path")
    if lab.find_vhd(host.name, path) is not None:
        raise invalid_argument(f"The file '{path}' already exists. Choose another path, or "
                               "attach the existing disk with -VHDPath.", path)
    vhd = VirtualHardDisk(path=path, computer_name=host.name, vhd_format=vhd_format,
                          vhd_type=vhd_type, size=int(size), disk_identifier=lab.new_guid(),
                          block_size=block_size or (0 if vhd_type is VhdType.Fixed else
                                                    VHDX_BLOCK_BYTES if vhd_format is VhdFormat.VHDX
                                                    else VHD_BLOCK_BYTES),
                          logical_sector_size=logical_sector_size,
                          physical_sector_size=physical_sector_size or (
                              4096 if vhd_format is VhdFormat.VHDX else 512),
                          parent_path=parent_path)
    if not 0 < vhd.size <= vhd.max_size:
        raise invalid_argument(
            f"A {vhd_format.name} file can be 1 byte to {vhd.max_size // GB} GB; "
            f"{vhd.size // GB} GB were asked for.", path)
    if vhd.FileSize > location.FreeSpace:
        raise operation_failed(
            f"There is not enough space on '{location.name}' ({location.FreeSpace // MB} MB free) "
            f"to create '{path}' ({vhd.FileSize // MB} MB).", path, "ResourceUnavailable")
    vhd.lab = lab
    return lab.add_vhd(vhd)


# ---------------------------------------------------------------------------
# Virtual machines
# ---------------------------------------------------------------------------

def check_memory_value(value: int, what: str, host: Host, vm_name: str) -> None:
    maximum = host.limits.max_vm_memory
    if value % MEMORY_ALIGNMENT:
        raise invalid_argument(f"{what} must be a multiple of 2 MB ({value} bytes is not). "
                               f"Try {value // MEMORY_ALIGNMENT * 2} MB.", vm_name)
    if value < MIN_VM_MEMORY:
        raise invalid_argument(f"{what} must be at least {MIN_VM_MEMORY // MB} MB "
                               f"(got {value // MB} MB).", vm_name)
    if value > maximum:
        raise invalid_argument(
            f"{what} of {value // GB} GB is more than the {maximum // GB} GB a virtual machine "
            f"can have on {host.product_name} (host '{host.name}').", vm_name)


BOOT_DEVICES = ("Floppy", "CD", "IDE", "LegacyNetworkAdapter", "NetworkAdapter", "VHD")


def new_vm(lab: Lab, host: Host, name: str | None = None,
           memory_startup: int = DEFAULT_STARTUP_MEMORY, generation: int = 1,
           path: str | None = None, new_vhd_path: str | None = None,
           new_vhd_size: int | None = None, vhd_path: str | None = None,
           switch_name: str | None = None, boot_device: str | None = None) -> VM:
    """New-VM: an Off VM with one network adapter and, as asked, a new or
    existing boot disk."""
    name = DEFAULT_VM_NAME if name is None else name
    if not name.strip():
        raise invalid_argument("The virtual machine name cannot be empty.", name)
    if not host.is_up:
        raise operation_failed(f"Host '{host.name}' is {host.state.name.lower()}; it cannot "
                               "create virtual machines until it is up.", host.name)
    if generation not in (1, 2):
        raise invalid_argument(f"-Generation must be 1 or 2 (got {generation}).", name)
    if generation == 2:
        require_feature(host.version, "Generation2", host.name,
                        "Create a generation 1 virtual machine, or use a 2012 R2 host.")
    check_memory_value(int(memory_startup), "MemoryStartupBytes", host, name)
    if boot_device is not None and generation == 2 and boot_device in (
            "Floppy", "LegacyNetworkAdapter", "IDE"):
        raise invalid_argument(f"Generation 2 virtual machines cannot boot from {boot_device}: "
                               "use VHD, NetworkAdapter or CD.", name)
    folder = path if path else host.virtual_machine_path
    require_storage(lab, host, folder, "virtual machine path")
    vm_path = join_path(path, name) if path else host.virtual_machine_path
    if switch_name is not None and host.switch(switch_name) is None:
        raise invalid_argument(f'Hyper-V was unable to find a virtual switch with name '
                               f'"{switch_name}" on host \'{host.name}\'. Create it with '
                               'New-VMSwitch, or list the switches with Get-VMSwitch.', switch_name)
    disk_path = None
    if new_vhd_path is not None:
        disk_path = resolve_host_path(lab, host, new_vhd_path, host.virtual_hard_disk_path)
        if generation == 2 and format_for_path(disk_path) is VhdFormat.VHD:
            raise invalid_argument("Generation 2 virtual machines boot only from VHDX files; "
                                   f"'{disk_path}' is a VHD. Use a .vhdx path.", name)
    elif vhd_path is not None:
        disk_path = resolve_host_path(lab, host, vhd_path, host.virtual_hard_disk_path)
        existing = lab.find_vhd(host.name, disk_path)
        if existing is None:
            raise invalid_argument(f"The virtual hard disk '{disk_path}' does not exist on host "
                                   f"'{host.name}'. Create it with New-VHD, or use -NewVHDPath.",
                                   disk_path)
        if generation == 2 and existing.vhd_format is VhdFormat.VHD:
            raise invalid_argument("Generation 2 virtual machines boot only from VHDX files; "
                                   f"'{disk_path}' is a VHD.", name)
        users = [d for d in lab.drives_using(existing) if not d.support_persistent_reservations]
        if users:
            raise operation_failed(f"The virtual hard disk '{disk_path}' is already attached to "
                                   f"'{users[0].vm.name}'. Use a copy, or detach it first.",
                                   disk_path, "ResourceBusy")
    # Everything is checked: build.
    if new_vhd_path is not None:
        new_vhd(lab, host, disk_path, int(new_vhd_size or 0))
    vm = VM(name=name, id=lab.new_guid(), host_name=host.name, generation=generation,
            path=vm_path, version=host.limits.vm_config_version,
            creation_time=lab.clock.now, memory_startup=int(memory_startup),
            memory_minimum=min(DEFAULT_DYNAMIC_MINIMUM, int(memory_startup)),
            memory_maximum=host.limits.max_vm_memory,
            snapshot_file_location=vm_path, smart_paging_file_path=vm_path,
            integration_services_build=host.integration_services_version)
    services = {svc: True for svc in INTEGRATION_SERVICES}
    if has_feature(host.version, "Generation2"):
        services[GUEST_SERVICE_INTERFACE] = False
    vm.integration_services = services
    if generation == 1:
        vm.dvd_drives.append(DvdDrive(ControllerType.IDE, 1, 0))
    if disk_path is not None:
        controller = ControllerType.IDE if generation == 1 else ControllerType.SCSI
        vm.hard_drives.append(HardDiskDrive(controller, 0, 0, disk_path))
    vm.network_adapters.append(VMNetworkAdapter("Network Adapter", host.allocate_mac(),
                                                switch_name=host.switch(switch_name).name
                                                if switch_name else None))
    if boot_device == "LegacyNetworkAdapter":
        vm.network_adapters.append(VMNetworkAdapter("Legacy Network Adapter", host.allocate_mac(),
                                                    switch_name=vm.network_adapters[0].switch_name,
                                                    is_legacy=True))
    lab.place_vm(vm, host)
    lab.record(EventKind.VMCreated, vm.name, f"'{vm.name}' (generation {generation}, "
               f"{int(memory_startup) // MB} MB) was created on {host.name}.")
    return vm


def check_remove(lab: Lab, vm: VM) -> None:
    """Remove-VM's rules: the VM is off or saved, and not a cluster role."""
    if vm.state not in (VMState.Off, VMState.Saved):
        raise invalid_state(f"'{vm.name}' cannot be removed while it is {vm.state.name}. Stop it "
                            "first (Stop-VM), then remove it.", vm.name)
    group = lab.cluster_group_of(vm)
    if group is not None:
        raise invalid_state(f"'{vm.name}' is a clustered role (group '{group.name}' of cluster "
                            f"{group.cluster_name}); remove the role from the cluster before "
                            "removing the virtual machine.", vm.name)


def remove_vm(lab: Lab, vm: VM) -> None:
    """Remove-VM: the configuration goes, the VHD files stay."""
    check_remove(lab, vm)
    lab.remove_vm(vm)
    lab.record(EventKind.VMRemoved, vm.name, f"'{vm.name}' was removed from {vm.host_name}.")


# ---------------------------------------------------------------------------
# Clusters
# ---------------------------------------------------------------------------

CORE_GROUP = "Cluster Group"
STORAGE_GROUP = "Available Storage"


def new_cluster(lab: Lab, name: str, nodes: list[Host], static_addresses: list[str]) -> Cluster:
    """New-Cluster: every node up, in one domain, on one OS version, in no
    other cluster; a static address on a network all nodes share."""
    _check_computer_name(name, "cluster")
    if lab.find_cluster(name) is not None or lab.find_host(name) is not None:
        raise LabError(f"The name '{name}' is already used by a computer or cluster in the lab. "
                       "Choose another cluster name.", "NewClusterNameInUse", "ResourceExists",
                       name, "Microsoft.FailoverClusters.PowerShell.ClusterCmdletException")
    if not nodes:
        raise _cluster_error("A cluster needs at least one node (-Node).", name)
    unique = {h.name.lower(): h for h in nodes}
    nodes = list(unique.values())
    first = nodes[0]
    if len(nodes) > first.limits.max_cluster_nodes:
        raise _cluster_error(f"A {first.product_name} cluster has at most "
                             f"{first.limits.max_cluster_nodes} nodes; {len(nodes)} were given.",
                             name)
    for host in nodes:
        if not host.is_up:
            raise _cluster_error(f"Node '{host.name}' is {host.state.name.lower()}; every node "
                                 "must be up to form a cluster.", name)
        other = lab.cluster_of(host.name)
        if other is not None:
            raise _cluster_error(f"'{host.name}' is already a node of cluster {other.name}. "
                                 "Evict it there first.", name)
        if host.domain.lower() != first.domain.lower():
            raise _cluster_error(f"All nodes must be in one domain: '{first.name}' is in "
                                 f"{first.domain}, '{host.name}' in {host.domain}.", name)
        if host.version is not first.version:
            raise _cluster_error(f"All nodes must run the same Windows Server version: "
                                 f"'{first.name}' runs {first.product_name}, '{host.name}' runs "
                                 f"{host.product_name}.", name)
    shared = _shared_subnets(nodes)
    taken = {iface.ip_address for h in lab.hosts for iface in h.interfaces()}
    for cluster in lab.clusters:
        taken |= set(cluster.addresses())
    dhcp_address = None
    if not static_addresses:
        if not lab.dhcp:
            raise _cluster_error("Static network was not configured: the lab's networks have no "
                                 "DHCP (Set-LabNetwork -Dhcp $false), so give the cluster an "
                                 "address with -StaticAddress (e.g. 10.0.0.5).", name)
        dhcp_address = _dhcp_lease(shared, taken, name)
    for address in static_addresses:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            raise _cluster_error(f"'{address}' is not an IP address.", name) from None
        if not any(ip in net for net in shared):
            raise _cluster_error(f"The static address {address} is on no network that every "
                                 f"node shares ({', '.join(str(n) for n in shared) or 'none'}).",
                                 name)
        if address in taken:
            raise _cluster_error(f"The address {address} is already in use.", name)
    cluster = Cluster(name=name, id=lab.new_guid(), domain=first.domain,
                      static_addresses=[str(a) for a in static_addresses],
                      dhcp_address=dhcp_address)
    for host in nodes:
        cluster.nodes.append(ClusterNodeRecord(host.name, cluster.next_node_id))
        cluster.next_node_id += 1
    cluster.lab = lab
    for group_name, kind in ((CORE_GROUP, GroupType.Cluster),
                             (STORAGE_GROUP, GroupType.AvailableStorage)):
        group = ClusterGroup(group_name, lab.new_guid(), kind, nodes[0].name, name)
        group.lab = lab
        cluster.groups.append(group)
    lab.clusters.append(cluster)
    lab.storage_changed()                 # the nodes now see the cluster's volumes
    how = (f"leased {dhcp_address} from DHCP" if dhcp_address else
           f"static address {', '.join(cluster.static_addresses)}")
    lab.record(EventKind.ClusterCreated, name, f"Cluster {name} formed with nodes "
               f"{', '.join(h.name for h in nodes)}; {how}.")
    return cluster


def _dhcp_lease(shared: list[Any], taken: set[str], name: str) -> str:
    """The address the lab's DHCP server leases to a new cluster name: the
    highest free address of the first network every node shares (the
    lab's scope hands out from the top, so leases never meet the hosts'
    own addresses, which are given from the bottom)."""
    for net in shared:
        if net.version != 4 or net.num_addresses < 4:
            continue
        top = int(net.broadcast_address) - 1
        for offset in range(min(net.num_addresses - 2, 1024)):
            candidate = str(ipaddress.ip_address(top - offset))
            if candidate not in taken:
                return candidate
    raise _cluster_error("The nodes share no IPv4 network with a free DHCP address, so the "
                         "cluster has nowhere to put its name. Connect the nodes to one "
                         "network, or give -StaticAddress.", name)


def _shared_subnets(nodes: list[Host]) -> list[Any]:
    subnets = None
    for host in nodes:
        mine = {parse_subnet(i.subnet) for i in host.interfaces()}
        subnets = mine if subnets is None else subnets & mine
    return sorted(subnets or (), key=str)


def _cluster_error(message: str, target: Any) -> LabError:
    return LabError(message, "NewClusterFailed", "InvalidOperation", target,
                    "Microsoft.FailoverClusters.PowerShell.ClusterCmdletException")


def add_vm_role(lab: Lab, cluster: Cluster, vm: VM, name: str | None = None) -> ClusterGroup:
    """Add-ClusterVirtualMachineRole: the VM must live on a node and keep
    its files on storage every node reaches (CSV or SMB)."""
    if not cluster.has_node(vm.host_name):
        raise _role_error(f"'{vm.name}' runs on '{vm.host_name}', which is not a node of "
                          f"cluster {cluster.name}. Move it to a node first.", vm.name)
    if lab.cluster_group_of(vm) is not None:
        raise _role_error(f"'{vm.name}' is already a clustered role.", vm.name)
    paths = [vm.path] + [d.path for d in vm.hard_drives if d.path]
    for file_path in paths:
        location = lab.storage_for_path(vm.host_name, file_path)
        if location is None or location.storage_type is StorageType.Local:
            raise _role_error(
                f"'{vm.name}' keeps '{file_path}' on storage only its host sees. A clustered VM "
                "needs its configuration and disks on a cluster shared volume or an SMB 3.0 "
                "share: move them there (Move-VMStorage) first.", vm.name)
    group_name = name or vm.name
    if cluster.group(group_name) is not None:
        raise _role_error(f"Cluster {cluster.name} already has a group named '{group_name}'. "
                          "Use -Name to choose another.", vm.name)
    group = ClusterGroup(group_name, lab.new_guid(), GroupType.VirtualMachine, vm.host_name,
                         cluster.name, vm_id=vm.id)
    group.lab = lab
    cluster.groups.append(group)
    # The cluster starts and stops clustered VMs itself, so Hyper-V's own
    # automatic start action is turned off when a VM becomes a role.
    vm.automatic_start_action = StartAction.Nothing
    lab.record(EventKind.ClusterRoleAdded, vm.name, f"'{vm.name}' is now a role of cluster "
               f"{cluster.name}.")
    return group


def _role_error(message: str, target: Any) -> LabError:
    return LabError(message, "AddClusterVirtualMachineRole", "InvalidOperation", target,
                    "Microsoft.FailoverClusters.PowerShell.ClusterCmdletException")
