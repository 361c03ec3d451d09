"""What a move is, in the migration model's terms: the lab's objects
mapped onto the sim core's specs (docs/model.md), and the
requests the move cmdlets make.

A host becomes a `HostSpec` with the NICs and teams on the migration
networks both ends share (speed, RDMA, jumbo frames, team membership and
mode), its version, processors, the CPU its VMs keep busy, its migration
limits and its SMB bandwidth limit for LiveMigration; a VM becomes a
`WorkloadSpec` (memory assigned and Set-LabWorkload's figures); storage
locations become `StorageSpec`s.  The files a VM keeps decide the kind:
on storage the destination reaches, a move is Live (memory only); with
-IncludeStorage it is SharedNothing (storage, then memory); Move-VMStorage
is Storage; the cluster's quick migration is Quick.

Units: the lab counts MB as 2^20 bytes (hvshell.model.compute.workload); the sim
core counts MB/s as 10^6 bytes per second (hvshell.sim.specs).
"""
from __future__ import annotations

import ntpath
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from hvshell.model.compute.build import reachable_storage
from hvshell.model.storage.disks import chain
from hvshell.model.kernel.errors import invalid_argument
from hvshell.model.compute.host import Host
from hvshell.model.network.objects import JUMBO_FRAME, LoadBalancingAlgorithm, NicTeam, parse_subnet
from hvshell.model.storage.objects import StorageLocation, StorageType, VirtualHardDisk, norm_path
from hvshell.model.compute.vm import VM, VMState
from hvshell.model.compute.workload import Workload
from hvshell.sim import (HostSpec, MigrationKind, MigrationSpec, NicSpec, PerformanceOption,
                         StorageKind, StorageSpec, WorkloadSpec)

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20
# The sim core's megabyte (hvshell.sim.specs: "MB/s" fields are 10^6 bytes/s).
SIM_MB = 1e6
# Where a single -DestinationStoragePath puts the disks: Hyper-V keeps a
# VM's disks in a 'Virtual Hard Disks' folder under the VM's folder, as
# Export-VM does (docs/cmdlets.md, Export-VM).
VHD_FOLDER = "Virtual Hard Disks"

# A running VM moves live; one that is off or saved moves only its files.
LIVE_STATES = (VMState.Running, VMState.Paused)
OFFLINE_STATES = (VMState.Off, VMState.Saved)

# LoadBalancingAlgorithm -> the sim core's team modes: Dynamic spreads one
# stream over the members; the address-hash algorithms and Hyper-V port
# keep a stream on one member (hvshell.sim.transport).
_TEAM_MODES = {
    LoadBalancingAlgorithm.Dynamic: "Dynamic",
    LoadBalancingAlgorithm.HyperVPort: "HyperVPort",
    LoadBalancingAlgorithm.TransportPorts: "AddressHash",
    LoadBalancingAlgorithm.IPAddresses: "AddressHash",
    LoadBalancingAlgorithm.MacAddresses: "AddressHash",
}

_STORAGE_KINDS = {StorageType.Local: StorageKind.Local, StorageType.CSV: StorageKind.CSV,
                  StorageType.SMB: StorageKind.SMB}

# ---------------------------------------------------------------------------
# Mapping lab objects onto the migration model
# ---------------------------------------------------------------------------

def sim_mbps(mib_per_second: float) -> float:
    """A lab rate (MB = 2^20 bytes) in the sim core's MB/s (10^6 bytes)."""
    return mib_per_second * MB / SIM_MB


def subnet_of(interface: Any) -> Any:
    return parse_subnet(interface.subnet)


def candidate_interfaces(host: Host, cluster: bool) -> list[Any]:
    """Interfaces a host migrates over.  A cluster uses its own networks
    when the host names no migration network (2008 R2 hosts have no
    Add-VMMigrationNetwork), so cluster moves fall back to every interface."""
    chosen = host.migration_interfaces()
    if cluster and not chosen:
        return host.interfaces()
    return chosen


def shared_interfaces(source: Host, destination: Host,
                      cluster: bool = False) -> tuple[list[Any], list[Any]]:
    """The migration interfaces of each end that sit on a subnet the other
    end also migrates on (the lab's networks are not routed), in priority
    order."""
    src, dst = candidate_interfaces(source, cluster), candidate_interfaces(destination, cluster)
    common = {subnet_of(i) for i in src} & {subnet_of(i) for i in dst}
    return [i for i in src if subnet_of(i) in common], [i for i in dst if subnet_of(i) in common]


def _jumbo(nic: Any) -> bool:
    # The sim core knows two frame sizes; only 9014-byte frames count as
    # jumbo (4088-byte frames gain part of the way).
    return nic.jumbo_packet >= JUMBO_FRAME


def nic_specs(host: Host, interfaces: Iterable[Any]) -> tuple[NicSpec, ...]:
    specs: list[NicSpec] = []
    for iface in interfaces:
        if isinstance(iface, NicTeam):
            mode = _TEAM_MODES[iface.load_balancing_algorithm]
            for member in (host.nic(name) for name in iface.members):
                if member is not None:
                    specs.append(NicSpec(member.name, member.speed_gbps, rdma=False,
                                         jumbo=_jumbo(member), team=iface.interface_name,
                                         team_mode=mode))
        else:
            specs.append(NicSpec(iface.name, iface.speed_gbps, rdma=iface.rdma_active,
                                 jumbo=_jumbo(iface)))
    return tuple(specs)


def host_spec(host: Host, interfaces: Iterable[Any]) -> HostSpec:
    limit = host.smb_bandwidth_limits.get("LiveMigration")
    return HostSpec(host.name, host.version.name, logical_processors=host.logical_processors,
                    cpu_demand=host.cpu_busy_fraction(),
                    migration_nics=nic_specs(host, interfaces),
                    max_live_migrations=host.max_vm_migrations,
                    max_storage_migrations=host.max_storage_migrations,
                    smb_limit=None if limit is None else float(limit))


def workload_spec(vm: VM) -> WorkloadSpec:
    """What the guest does, for the memory model: its assigned memory (the
    startup memory when it is not running) and Set-LabWorkload's figures.
    A paused guest dirties nothing and writes nothing."""
    memory = vm.memory_assigned() or vm.saved_memory or vm.memory_startup
    return guest_spec(vm.workload, memory, active=vm.state is VMState.Running)


def guest_spec(workload: Workload, memory: int, active: bool = True) -> WorkloadSpec:
    """`workload` on `memory` bytes in the sim core's terms (rates in 10^6
    bytes/s); an inactive guest dirties and writes nothing."""
    return WorkloadSpec(
        memory_bytes=memory,
        working_set_bytes=min(workload.working_set, memory),
        dirty_rate_mbps=sim_mbps(workload.dirty_rate_mbps) if active else 0.0,
        zero_page_percent=workload.zero_page_percent,
        compression_ratio=max(1.0, workload.compression_ratio),
        cpu_percent=min(100.0, workload.cpu_percent),
        guest_os=workload.guest_os.name,
        disk_write_mbps=sim_mbps(workload.disk_write_mbps) if active else 0.0)


def storage_spec(location: StorageLocation) -> StorageSpec:
    return StorageSpec(location.name, _STORAGE_KINDS[location.storage_type],
                       sim_mbps(location.throughput_mbps))


# ---------------------------------------------------------------------------
# What a move asks for
# ---------------------------------------------------------------------------

@attrs.frozen
class FileMove:
    """A virtual hard disk file and where it goes."""
    vhd: VirtualHardDisk
    destination: str


@attrs.define(eq=False)
class MoveRequest:
    """One VM's move: where to, which files go where, and who asks (the
    command named in messages; `cluster` for moves the cluster makes)."""
    vm: VM
    kind: MigrationKind
    source: Host
    destination: Host
    files: list[FileMove] = attrs.Factory(list)
    vm_path: str | None = None
    snapshot_path: str | None = None
    smart_paging_path: str | None = None
    cluster: bool = False
    command: str = "Move-VM"

    @property
    def running(self) -> bool:
        return self.vm.state in LIVE_STATES

    @property
    def changes_host(self) -> bool:
        return self.kind is not MigrationKind.Storage

    def describe(self) -> str:
        """'to HV02' or 'to D:\\VMs' for messages."""
        if self.kind is MigrationKind.Storage:
            target = self.vm_path or (self.files[0].destination if self.files else "")
            return f"to '{target}'" if target else "to new storage"
        return f"to host '{self.destination.name}'"


def disk_files(lab: Lab, vm: VM) -> list[VirtualHardDisk]:
    """The VM's disk files (those its drives and checkpoints use), each
    differencing file after its parents."""
    found: list[VirtualHardDisk] = []
    paths = [d.path for d in vm.hard_drives if d.path]
    paths += [entry[3] for snap in vm.snapshots for entry in snap.hard_drive_paths if entry[3]]
    for path in paths:
        for item in reversed(chain(lab, vm.host_name, path)):
            if item not in found:
                found.append(item)
    return found


def _absolute(path: str, parameter: str) -> str:
    text = str(path).strip()
    if not (text.startswith("\\\\") or (len(text) >= 3 and text[1] == ":" and text[2] in "\\/")):
        raise invalid_argument(f"-{parameter} needs a full path such as D:\\VMs\\SQL01 or "
                               f"\\\\SOFS\\VMs\\SQL01 (got '{path}').", path)
    return text.rstrip("\\/") or text


def _file_moves(lab: Lab, vm: VM, destination: Host, storage_path: str | None,
                vhds: list[tuple[str, str]]) -> list[FileMove]:
    """The disk files that move: all of them into `storage_path`'s disk
    folder, or the ones -Vhds lists (SourceFilePath -> DestinationFilePath)."""
    files = disk_files(lab, vm)
    moves: list[FileMove] = []
    if storage_path is not None:
        folder = ntpath.join(storage_path, VHD_FOLDER)
        for vhd in files:
            moves.append(FileMove(vhd, ntpath.join(folder, ntpath.basename(vhd.path))))
    else:
        by_path = {norm_path(v.path): v for v in files}
        for source, target in vhds:
            vhd = by_path.get(norm_path(source))
            if vhd is None:
                known = ", ".join(v.path for v in files) or "none"
                raise invalid_argument(
                    f"'{source}' is not a virtual hard disk of '{vm.name}' (its disks: {known}). "
                    "Give each -Vhds entry a SourceFilePath the VM uses.", source)
            moves.append(FileMove(vhd, _absolute(target, "Vhds DestinationFilePath")))
    seen: dict[str, str] = {}
    kept = []
    for move in moves:
        reachable_storage(lab, destination, move.destination, "destination path")
        key = norm_path(move.destination)
        if key in seen:
            raise invalid_argument(
                f"Two disks would both go to '{move.destination}' ('{seen[key]}' and "
                f"'{move.vhd.path}'). Give each its own destination.", move.destination)
        seen[key] = move.vhd.path
        same_place = (destination.name.lower() == vm.host_name.lower()
                      and key == norm_path(move.vhd.path))
        if same_place:
            continue
        if lab.find_vhd(destination.name, move.destination) is not None:
            raise invalid_argument(f"The file '{move.destination}' already exists on "
                                   f"'{destination.name}'. Choose another destination.",
                                   move.destination)
        kept.append(move)
    return kept


def _storage_paths(lab: Lab, destination: Host, storage_path: str | None, vm_path: str | None,
                   snapshot_path: str | None, smart_paging_path: str | None,
                   ) -> tuple[str | None, str | None, str | None]:
    """Where the configuration, checkpoints and smart paging file go."""
    names = ("VirtualMachinePath", "SnapshotFilePath", "SmartPagingFilePath")
    values = [vm_path, snapshot_path, smart_paging_path]
    if storage_path is not None:
        values = [storage_path if v is None else v for v in values]
    out = []
    for value, name in zip(values, names):
        if value is not None:
            value = _absolute(value, name)
            reachable_storage(lab, destination, value, name)
        out.append(value)
    return out[0], out[1], out[2]


def plan_move(lab: Lab, vm: VM, destination: Host, *, include_storage: bool = False,
              storage_path: str | None = None, vhds: list[tuple[str, str]] | None = None,
              vm_path: str | None = None, snapshot_path: str | None = None,
              smart_paging_path: str | None = None, command: str = "Move-VM") -> MoveRequest:
    """Move-VM's request; raises LabError for parameters that cannot work."""
    vhds = list(vhds or [])
    granular = [n for n, v in (("DestinationStoragePath", storage_path), ("Vhds", vhds),
                               ("VirtualMachinePath", vm_path),
                               ("SnapshotFilePath", snapshot_path),
                               ("SmartPagingFilePath", smart_paging_path)) if v]
    source = vm.host
    if not include_storage:
        if granular:
            raise invalid_argument(
                f"-{granular[0]} says where the virtual machine's files go, which only a move "
                "with its storage does: add -IncludeStorage.", vm.name)
        return MoveRequest(vm, MigrationKind.Live, source, destination, command=command)
    if storage_path is None and not vhds and vm_path is None:
        raise invalid_argument(
            f"Moving '{vm.name}' with its storage needs to know where the files go: give "
            "-DestinationStoragePath (one folder for all of them), or -VirtualMachinePath and "
            "-Vhds @{SourceFilePath=...; DestinationFilePath=...}.", vm.name)
    if storage_path is not None:
        storage_path = _absolute(storage_path, "DestinationStoragePath")
        if vhds:
            raise invalid_argument("-DestinationStoragePath puts every file in one folder; "
                                   "-Vhds places them one by one. Use one of them.", vm.name)
    files = _file_moves(lab, vm, destination, storage_path, vhds)
    paths = _storage_paths(lab, destination, storage_path, vm_path, snapshot_path,
                           smart_paging_path)
    return MoveRequest(vm, MigrationKind.SharedNothing, source, destination, files, *paths,
                       command=command)


def plan_storage_move(lab: Lab, vm: VM, *, storage_path: str | None = None,
                      vhds: list[tuple[str, str]] | None = None, vm_path: str | None = None,
                      snapshot_path: str | None = None,
                      smart_paging_path: str | None = None) -> MoveRequest:
    """Move-VMStorage's request: the files move, the VM stays on its host."""
    host = vm.host
    vhds = list(vhds or [])
    if storage_path is not None:
        storage_path = _absolute(storage_path, "DestinationStoragePath")
    files = _file_moves(lab, vm, host, storage_path, vhds)
    paths = _storage_paths(lab, host, storage_path, vm_path, snapshot_path, smart_paging_path)
    if storage_path is not None and norm_path(storage_path) == norm_path(vm.path) and not files:
        paths = (None, None, None)
    if not files and not any(paths):
        raise invalid_argument(
            f"Nothing of '{vm.name}' would move: its files are already where you asked. Give "
            "-DestinationStoragePath, or -Vhds and -VirtualMachinePath with new places.", vm.name)
    return MoveRequest(vm, MigrationKind.Storage, host, host, files, *paths,
                       command="Move-VMStorage")


def cluster_request(lab: Lab, request: MoveRequest) -> MoveRequest | None:
    """The live move the cluster would make for `request`: a role moving
    between two nodes of its cluster (None otherwise)."""
    vm = request.vm
    cluster = lab.cluster_of(request.source.name)
    if (request.kind is not MigrationKind.Live or lab.cluster_group_of(vm) is None
            or cluster is None or not cluster.has_node(request.destination.name)):
        return None
    return plan_cluster_move(lab, vm, request.destination, command=request.command)


def plan_cluster_move(lab: Lab, vm: VM, destination: Host, quick: bool = False,
                      command: str = "Move-ClusterVirtualMachineRole") -> MoveRequest:
    """A move the cluster makes between its nodes: live, or quick (save to
    the shared volume, restore on the new owner)."""
    kind = MigrationKind.Quick if quick and vm.state in LIVE_STATES else MigrationKind.Live
    return MoveRequest(vm, kind, vm.host, destination, cluster=True, command=command)



# ---------------------------------------------------------------------------
# The migration model's input for a request
# ---------------------------------------------------------------------------

def option_of(host: Host) -> PerformanceOption:
    return PerformanceOption(host.performance_option.name)


def _largest(places: dict[str, tuple[StorageLocation, int]]) -> StorageLocation | None:
    best = None
    for location, total in places.values():
        if best is None or total > best[1]:
            best = (location, total)
    return best[0] if best else None


def spec_for(lab: Lab, request: MoveRequest, option: PerformanceOption | None = None,
             ) -> MigrationSpec:
    """The sim core's MigrationSpec of `request` (with the source's
    performance option unless `option` is given).  Disks that move are
    copied from the location holding most of their bytes to the one
    receiving most of them."""
    vm, src, dst = request.vm, request.source, request.destination
    if request.kind is MigrationKind.Storage:
        mine = theirs = []
    else:
        mine, theirs = shared_interfaces(src, dst, request.cluster)
    source = host_spec(src, mine)
    destination = source if request.kind is MigrationKind.Storage else host_spec(dst, theirs)
    kwargs: dict[str, Any] = {}
    if request.kind in (MigrationKind.Storage, MigrationKind.SharedNothing):
        sources: dict[str, tuple[StorageLocation, int]] = {}
        targets: dict[str, tuple[StorageLocation, int]] = {}
        total = 0
        for move in request.files:
            size = move.vhd.FileSize
            total += size
            for places, location in ((sources, lab.vhd_location(move.vhd)),
                                     (targets, lab.storage_for_path(dst.name, move.destination))):
                if location is not None:
                    places[location.name] = (location, places.get(location.name,
                                                                  (location, 0))[1] + size)
        from_ = _largest(sources) or lab.storage_for_path(src.name, vm.path)
        to = _largest(targets) or lab.storage_for_path(dst.name, request.vm_path or vm.path)
        from_, to = from_ or to, to or from_
        kwargs.update(disk_bytes=total, source_storage=storage_spec(from_),
                      destination_storage=storage_spec(to))
    elif request.kind is MigrationKind.Quick:
        kwargs.update(source_storage=storage_spec(lab.storage_for_path(src.name, vm.path)))
    if option is None:
        option = option_of(src)
    return MigrationSpec(vm.name, request.kind, workload_spec(vm), source, destination,
                         option=option, running=request.running, **kwargs)
