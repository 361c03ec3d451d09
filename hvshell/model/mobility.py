"""Moving virtual machines: the lab's objects mapped onto the migration
model, the rules a move must meet, and the lab's migration scheduler.

- Mapping (SPEC.md sections 4 and 5): a host becomes a `HostSpec` with the
  NICs and teams on the migration networks both ends share (speed, RDMA,
  jumbo frames, team membership and mode), its version, processors, the CPU
  its VMs keep busy, its migration limits and its SMB bandwidth limit for
  LiveMigration; a VM becomes a `WorkloadSpec` (memory assigned and
  Set-LabWorkload's figures); storage locations become `StorageSpec`s.  The
  files a VM keeps decide the kind: on storage the destination reaches, a
  move is Live (memory only); with -IncludeStorage it is SharedNothing
  (storage, then memory); Move-VMStorage is Storage; the cluster's quick
  migration is Quick.
- Rules: `check` lists every rule a move breaks (Compare-VM shows them all;
  Move-VM refuses with them); a refused move changes nothing and leaves no
  record.
- `Mobility`: one per lab, owning the sim core's `MigrationScheduler` on the
  lab's clock.  An accepted move gets a `MigrationRecord` at once; when its
  migration ends the VM really moves (host, disk paths, cluster owner) or,
  if it failed or was cancelled, stays where it was, untouched.  Lab faults
  (Invoke-LabFault) reach running migrations through the event log.

Units: the lab counts MB as 2^20 bytes (hvshell.model.workload); the sim
core counts MB/s as 10^6 bytes per second (hvshell.sim.specs).
"""
from __future__ import annotations

import ntpath
import weakref
from collections.abc import Generator, Iterable
from typing import Any

import attrs
import numpy as np

from hvshell.model import snapshots, usage
from hvshell.model.errors import (
    OPERATION_FAILED_EXCEPTION,
    LabError,
    OperationCancelled,
    invalid_argument,
    operation_failed,
)
from hvshell.model.events import add_event_hook
from hvshell.model.host import Host, vm_memory_overhead
from hvshell.model.migration import FINISHED_STATES, LabMigrationState, MigrationRecord
from hvshell.model.network import (
    JUMBO_FRAME,
    LoadBalancingAlgorithm,
    NicTeam,
    parse_subnet,
)
from hvshell.model.storage import (
    StorageLocation,
    StorageType,
    VirtualHardDisk,
    norm_path,
)
from hvshell.model.versions import V2008R2, V2012, V2012R2, product_name
from hvshell.model.vm import VM, VMProcessor, VMState
from hvshell.sim import (
    HostSpec,
    MigrationKind,
    MigrationResult,
    MigrationScheduler,
    MigrationSpec,
    MigrationState,
    NicSpec,
    PerformanceOption,
    Progress,
    StorageKind,
    StorageSpec,
    TransportError,
    WorkloadSpec,
    plan_migration,
    resolve_route,
)

MB = 2**20
# The sim core's megabyte (hvshell.sim.specs: "MB/s" fields are 10^6 bytes/s).
SIM_MB = 1e6
# Where a single -DestinationStoragePath puts the disks: Hyper-V keeps a
# VM's disks in a 'Virtual Hard Disks' folder under the VM's folder, as
# Export-VM does (hyperv-cmdlets.md section 3).
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

# Compare-VM's MessageId for each rule.  Only 33012 (a virtual switch
# missing at the destination) is documented (hyperv-cmdlets.md, Compare-VM
# notes); Microsoft publishes no others, so hvshell numbers its own rules
# from 40001, one id per rule, stable across releases.
MSG_SWITCH = 33012
MSG_STATE = 40001
MSG_HOST_DOWN = 40002
MSG_DOMAIN = 40003
MSG_VERSION = 40004
MSG_LEGACY_HOST = 40005
MSG_MIGRATION_DISABLED = 40006
MSG_NETWORK = 40007
MSG_VENDOR = 40008
MSG_PROCESSOR = 40009
MSG_MEMORY = 40010
MSG_HOST_LIMITS = 40011
MSG_STORAGE_UNREACHABLE = 40012
MSG_STORAGE_OFFLINE = 40013
MSG_STORAGE_SPACE = 40014
MSG_SHARED_VHDX = 40015
MSG_CLUSTER = 40016
MSG_TRANSPORT = 40017
MSG_BUSY = 40018
MSG_SAME_HOST = 40019


# ---------------------------------------------------------------------------
# Mapping lab objects onto the migration model
# ---------------------------------------------------------------------------

def sim_mbps(mib_per_second: float) -> float:
    """A lab rate (MB = 2^20 bytes) in the sim core's MB/s (10^6 bytes)."""
    return mib_per_second * MB / SIM_MB


def _subnet(interface: Any) -> Any:
    return parse_subnet(interface.subnet)


def _candidates(host: Host, cluster: bool) -> list[Any]:
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
    src, dst = _candidates(source, cluster), _candidates(destination, cluster)
    common = {_subnet(i) for i in src} & {_subnet(i) for i in dst}
    return [i for i in src if _subnet(i) in common], [i for i in dst if _subnet(i) in common]


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
    workload = vm.workload
    memory = vm.memory_assigned() or vm.saved_memory or vm.memory_startup
    active = vm.state is VMState.Running
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


def _disk_chain(lab: Any, vm: VM) -> list[VirtualHardDisk]:
    """The VM's disk files (those its drives and checkpoints use), each
    differencing file after its parents."""
    found: list[VirtualHardDisk] = []
    paths = [d.path for d in vm.hard_drives if d.path]
    paths += [entry[3] for snap in vm.snapshots for entry in snap.hard_drive_paths if entry[3]]
    for path in paths:
        chain = []
        vhd = lab.find_vhd(vm.host_name, path)
        while vhd is not None and vhd not in chain:
            chain.append(vhd)
            vhd = lab.find_vhd(vm.host_name, vhd.parent_path) if vhd.parent_path else None
        for item in reversed(chain):
            if item not in found:
                found.append(item)
    return found


def _require_location(lab: Any, host: Host, path: str, what: str) -> StorageLocation:
    location = lab.storage_for_path(host.name, path)
    if location is None:
        visible = ", ".join(s.path for s in lab.storage_visible_from(host.name)) or "none"
        raise invalid_argument(
            f"The {what} '{path}' is not on storage host '{host.name}' reaches (it sees: "
            f"{visible}). Use a folder on one of them.", path)
    return location


def _absolute(path: str, parameter: str) -> str:
    text = str(path).strip()
    if not (text.startswith("\\\\") or (len(text) >= 3 and text[1] == ":" and text[2] in "\\/")):
        raise invalid_argument(f"-{parameter} needs a full path such as D:\\VMs\\SQL01 or "
                               f"\\\\SOFS\\VMs\\SQL01 (got '{path}').", path)
    return text.rstrip("\\/") or text


def _file_moves(lab: Any, vm: VM, destination: Host, storage_path: str | None,
                vhds: list[tuple[str, str]]) -> list[FileMove]:
    """The disk files that move: all of them into `storage_path`'s disk
    folder, or the ones -Vhds lists (SourceFilePath -> DestinationFilePath)."""
    files = _disk_chain(lab, vm)
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
        _require_location(lab, destination, move.destination, "destination path")
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


def _storage_paths(lab: Any, destination: Host, storage_path: str | None, vm_path: str | None,
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
            _require_location(lab, destination, value, name)
        out.append(value)
    return out[0], out[1], out[2]


def plan_move(lab: Any, vm: VM, destination: Host, *, include_storage: bool = False,
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


def plan_storage_move(lab: Any, vm: VM, *, storage_path: str | None = None,
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


def plan_cluster_move(lab: Any, vm: VM, destination: Host, quick: bool = False,
                      command: str = "Move-ClusterVirtualMachineRole") -> MoveRequest:
    """A move the cluster makes between its nodes: live, or quick (save to
    the shared volume, restore on the new owner)."""
    kind = MigrationKind.Quick if quick and vm.state in LIVE_STATES else MigrationKind.Live
    return MoveRequest(vm, kind, vm.host, destination, cluster=True, command=command)


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------

@attrs.define(eq=False)
class Incompatibility:
    """One rule a move breaks (Compare-VM's VMCompatibilityError): what is
    wrong and how to fix it, a MessageId, and the object at fault."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMCompatibilityError"

    message: str
    message_id: int
    source: Any = None
    category: str = "InvalidOperation"

    @property
    def Message(self) -> str:
        return self.message

    @property
    def MessageId(self) -> int:
        return self.message_id

    @property
    def Source(self) -> Any:
        return self.source

    def ToString(self) -> str:
        # A report lists its incompatibilities by id: Incompatibilities : {33012}
        return str(self.message_id)


def _files_of(lab: Any, vm: VM) -> list[tuple[str, str]]:
    """(what, path) for every file the VM keeps: configuration and disks."""
    out = [("configuration", vm.path)]
    out += [("virtual hard disk", v.path) for v in _disk_chain(lab, vm)]
    return out


class _Rules:
    """Collects the rules one request breaks."""

    def __init__(self, lab: Any, request: MoveRequest, reserved: int, migrating: list[VM]):
        self.lab = lab
        self.request = request
        self.reserved = reserved
        self.migrating = migrating
        self.found: list[Incompatibility] = []
        vm = request.vm
        self.vm = vm
        self.src = request.source
        self.dst = request.destination

    def add(self, message: str, message_id: int, source: Any = None,
            category: str = "InvalidOperation") -> None:
        self.found.append(Incompatibility(message, message_id, source, category))

    def run(self) -> list[Incompatibility]:
        if self.request.changes_host and self.src is self.dst:
            self.add(f"'{self.vm.name}' is already on host '{self.dst.name}'. Name another "
                     "destination host.", MSG_SAME_HOST, self.dst, "InvalidArgument")
            return self.found
        if not self._state():
            return self.found
        if not self._hosts_up():
            return self.found
        if self.request.changes_host:
            self._cluster()
            self._versions()
            if self.found:      # the wrong hosts: what else is wrong does not matter
                return self.found
            self._domain()
            self._migration_settings()
            self._processor()
            self._switches()
            self._capacity()
            self._transport()
        else:
            self._storage_version()
        self._storage()
        return self.found

    # ---- the VM and the hosts ------------------------------------------------

    def _state(self) -> bool:
        vm = self.vm
        if vm in self.migrating:
            self.add(f"'{vm.name}' is already being migrated. Wait for that migration to end "
                     "(Get-LabMigration shows it), or stop it first.", MSG_BUSY, vm)
            return False
        if vm.operation is not None and not vm.operation.triggered:
            self.add(f"'{vm.name}' is busy: another operation on it (a migration, a checkpoint, "
                     "an export ...) is still running. Wait for it (Wait-Job), then try again.",
                     MSG_BUSY, vm)
            return False
        allowed = LIVE_STATES if self.request.kind is MigrationKind.Quick else \
            LIVE_STATES + OFFLINE_STATES
        if vm.state not in allowed:
            hint = ("Start it first." if self.request.kind is MigrationKind.Quick else
                    "Wait for the operation in progress to finish.")
            self.add(f"'{vm.name}' cannot be moved while it is {vm.state.name}. {hint}",
                     MSG_STATE, vm, "InvalidOperation")
            return False
        return True

    def _hosts_up(self) -> bool:
        ok = True
        for host in dict.fromkeys((self.src, self.dst)):
            if not host.is_up:
                self.add(f"Host '{host.name}' is {host.state.name.lower()} and does not answer. "
                         f"Wait for it, or bring it back with Invoke-LabFault -ComputerName "
                         f"{host.name} -Fault HostRecover.", MSG_HOST_DOWN, host,
                         "ResourceUnavailable")
                ok = False
            elif self.request.changes_host and not host.network_up:
                self.add(f"The network of host '{host.name}' is down. Bring it back with "
                         f"Invoke-LabFault -ComputerName {host.name} -Fault NetworkUp.",
                         MSG_HOST_DOWN, host, "ResourceUnavailable")
                ok = False
        return ok

    def _cluster(self) -> None:
        lab, vm, dst = self.lab, self.vm, self.dst
        group = lab.cluster_group_of(vm)
        cluster = lab.cluster_of(self.src.name)
        if self.request.cluster:
            if cluster is None or not cluster.has_node(dst.name):
                name = cluster.name if cluster else "its cluster"
                self.add(f"'{dst.name}' is not a node of cluster {name}; a clustered virtual "
                         f"machine moves between the nodes of its cluster.", MSG_CLUSTER, dst)
                return
            record = cluster.node_record(dst.name)
            if record is not None and record.paused:
                self.add(f"Node '{dst.name}' of cluster {cluster.name} is paused and takes no "
                         f"roles. Resume it first (Resume-ClusterNode {dst.name}).",
                         MSG_CLUSTER, dst)
            return
        if group is not None and not cluster.has_node(dst.name):
            self.add(f"'{vm.name}' is a role of cluster {cluster.name} and can move only to "
                     f"another node of it ({', '.join(cluster.node_names())}). Move it with "
                     f"Move-ClusterVirtualMachineRole, or remove the role before moving it "
                     f"out of the cluster.", MSG_CLUSTER, group)

    def _versions(self) -> None:
        src, dst = self.src, self.dst
        if V2008R2 in (src.version, dst.version) and not self.request.cluster:
            legacy = src if src.version is V2008R2 else dst
            self.add(f"Host '{legacy.name}' runs {product_name(V2008R2)}, which live-migrates "
                     "only between the nodes of one failover cluster. Make both hosts nodes of "
                     "one cluster and move the virtual machine with "
                     "Move-ClusterVirtualMachineRole.", MSG_LEGACY_HOST, legacy,
                     "InvalidOperation")
            return
        if src.version is dst.version or (src.version is V2012 and dst.version is V2012R2):
            return
        self.add(f"'{self.vm.name}' cannot move from {src.name} ({product_name(src.version)}) "
                 f"to {dst.name} ({product_name(dst.version)}): a virtual machine moves only to "
                 f"a host of the same version, or from {product_name(V2012)} to "
                 f"{product_name(V2012R2)}, never back. Choose a destination running "
                 f"{product_name(src.version)} or later.", MSG_VERSION, dst, "InvalidOperation")

    def _domain(self) -> None:
        src, dst = self.src, self.dst
        if src.domain.lower() != dst.domain.lower():
            self.add(f"Host '{src.name}' is in domain {src.domain} and '{dst.name}' in "
                     f"{dst.domain}: live migration authenticates both hosts in one domain. "
                     "Move between hosts of the same domain.", MSG_DOMAIN, dst,
                     "SecurityError")

    def _migration_settings(self) -> None:
        src, dst = self.src, self.dst
        if not self.request.cluster:
            off = [h.name for h in dict.fromkeys((src, dst)) if not h.migration_enabled]
            if off:
                self.add(f"Live migration is not enabled on {_hosts_phrase(off)}: "
                         f"{'it refuses' if len(off) == 1 else 'they refuse'} migrations. Turn "
                         f"it on with Enable-VMMigration -ComputerName {', '.join(off)}.",
                         MSG_MIGRATION_DISABLED, self.lab.host(off[0]), "ConnectionError")
        own_src, own_dst = _candidates(src, self.request.cluster), \
            _candidates(dst, self.request.cluster)
        for host, own in ((src, own_src), (dst, own_dst)):
            if not own:
                self.add(f"Host '{host.name}' has no network adapter on a migration network. "
                         f"Add one with Add-VMMigrationNetwork <subnet> -ComputerName "
                         f"{host.name} (a subnet its NICs are on), or set Set-VMHost "
                         f"{host.name} -UseAnyNetworkForMigration $true.", MSG_NETWORK, host,
                         "ConnectionError")
        if not own_src or not own_dst:
            return
        mine, _ = shared_interfaces(src, dst, self.request.cluster)
        if not mine:
            self.add(f"Hosts '{src.name}' ({_subnets(own_src)}) and '{dst.name}' "
                     f"({_subnets(own_dst)}) share no migration network. Put both on one "
                     "subnet (Add-LabNic -Subnet) and add it with Add-VMMigrationNetwork on "
                     "each.", MSG_NETWORK, dst, "ConnectionError")

    def _processor(self) -> None:
        vm, src, dst = self.vm, self.src, self.dst
        if vm.state is VMState.Off:
            return      # a cold start adapts to any processor
        if src.processor_vendor is not dst.processor_vendor:
            self.add(f"'{vm.name}' runs on {src.processor_vendor.name} processors ({src.name}) and "
                     f"'{dst.name}' has {dst.processor_vendor.name} processors: a running or "
                     "saved virtual machine cannot change processor vendor. Shut it down and "
                     "move it while it is off.", MSG_VENDOR, VMProcessor(vm), "InvalidOperation")
        elif dst.processor_generation < src.processor_generation and \
                not vm.compatibility_for_migration:
            self.add(f"Virtual machine '{vm.name}' is using processor-specific features not "
                     f"supported on host '{dst.name}' (generation {dst.processor_generation}, "
                     f"older than {src.name}'s generation {src.processor_generation}). Shut it "
                     f"down and turn on processor compatibility: Set-VMProcessor {vm.name} "
                     "-CompatibilityForMigrationEnabled $true.", MSG_PROCESSOR,
                     VMProcessor(vm), "InvalidOperation")

    def _switches(self) -> None:
        dst = self.dst
        for adapter in self.vm.network_adapters:
            if adapter.switch_name and dst.switch(adapter.switch_name) is None:
                self.add(f"Could not find Ethernet switch '{adapter.switch_name}' on host "
                         f"'{dst.name}'. Create it there (New-VMSwitch -ComputerName {dst.name}), "
                         "or disconnect the adapter (Disconnect-VMNetworkAdapter).", MSG_SWITCH,
                         adapter, "ObjectNotFound")

    def _capacity(self) -> None:
        vm, dst = self.vm, self.dst
        limits = dst.limits
        if vm.processor_count > dst.logical_processors:
            self.add(f"'{vm.name}' has {vm.processor_count} virtual processors and host "
                     f"'{dst.name}' only {dst.logical_processors} logical processors. Lower "
                     "the count (Set-VMProcessor -Count) or choose a larger host.",
                     MSG_HOST_LIMITS, dst, "LimitsExceeded")
        if not self.request.running:
            return
        running = sum(1 for v in dst.vms if v.is_running)
        if running >= limits.max_running_vms:
            self.add(f"Host '{dst.name}' already runs {running} virtual machines, the most "
                     f"{dst.product_name} supports. Move or stop one there first.",
                     MSG_HOST_LIMITS, dst, "LimitsExceeded")
        assigned = vm.memory_assigned()
        need = assigned + vm_memory_overhead(assigned)
        free = max(0, dst.available_memory() - self.reserved)
        if need > free:
            pending = (f" ({self.reserved // MB} MB of it promised to migrations already under "
                       "way)" if self.reserved else "")
            self.add(f"Not enough memory on host '{dst.name}' for '{vm.name}': it needs "
                     f"{need // MB} MB (with overhead) and the host has {free // MB} MB free"
                     f"{pending}. Stop or move virtual machines there, or choose another host.",
                     MSG_MEMORY, dst, "ResourceUnavailable")

    def _transport(self) -> None:
        if self.found:
            return
        if self.request.kind is MigrationKind.Quick:
            return
        mine, theirs = shared_interfaces(self.src, self.dst, self.request.cluster)
        try:
            resolve_route(host_spec(self.src, mine), host_spec(self.dst, theirs),
                          option_of(self.src))
        except TransportError as error:
            self.add(str(error), MSG_TRANSPORT, self.src, "InvalidOperation")

    # ---- storage -----------------------------------------------------------------

    def _storage_version(self) -> None:
        host = self.src
        if host.version is V2008R2:
            self.add(f"Host '{host.name}' runs {product_name(V2008R2)}, which has no live "
                     f"storage migration: that needs {product_name(V2012)} or later. Upgrade the "
                     "host to move storage without stopping the virtual machine.",
                     MSG_LEGACY_HOST, host, "InvalidOperation")

    def _storage(self) -> None:
        lab, vm, request = self.lab, self.vm, self.request
        moving = {norm_path(m.vhd.path) for m in request.files}
        if request.changes_host:
            stranded = []
            for what, path in _files_of(lab, vm):
                if norm_path(path) in moving or (what == "configuration" and request.vm_path):
                    continue
                here = lab.storage_for_path(vm.host_name, path)
                there = lab.storage_for_path(self.dst.name, path)
                if there is None or there is not here:
                    stranded.append((what, path, here))
            if stranded:
                self.add(self._unreachable(stranded), MSG_STORAGE_UNREACHABLE, vm,
                         "ResourceUnavailable")
        for move in request.files:
            if any(d.support_persistent_reservations for d in lab.drives_using(move.vhd)):
                self.add(f"'{move.vhd.path}' is a shared VHDX (a guest cluster's disk): storage "
                         "migration cannot move a shared virtual hard disk. Leave it where it "
                         "is.", MSG_SHARED_VHDX, move.vhd, "InvalidOperation")
        self._online()
        self._space()

    def _unreachable(self, stranded: list[tuple[str, str, StorageLocation | None]]) -> str:
        vm, dst = self.vm, self.dst
        files = "; ".join(f"its {what} '{path}'" + (f" ({here.name})" if here else "")
                          for what, path, here in stranded)
        text = f"'{vm.name}' keeps files on storage that host '{dst.name}' does not reach: {files}."
        if self.request.cluster:
            return (text + " A clustered virtual machine needs its files on a cluster shared "
                    "volume or an SMB 3.0 share.")
        return (text + f" Move it with its storage: {self.request.command} {vm.name} {dst.name} "
                f"-IncludeStorage -DestinationStoragePath <a folder on {dst.name}>.")

    def _online(self) -> None:
        lab, request = self.lab, self.request
        places = [lab.vhd_location(m.vhd) for m in request.files]
        places += [lab.storage_for_path(request.destination.name, m.destination)
                   for m in request.files]
        places.append(lab.storage_for_path(self.vm.host_name, self.vm.path))
        if request.vm_path:
            places.append(lab.storage_for_path(request.destination.name, request.vm_path))
        for location in dict.fromkeys(p for p in places if p is not None):
            if not location.online:
                self.add(f"Storage '{location.name}' ({location.path}) is offline. Bring it "
                         f"back with Invoke-LabFault -Storage {location.name} -Fault StorageUp.",
                         MSG_STORAGE_OFFLINE, location, "ResourceUnavailable")

    def _space(self) -> None:
        lab = self.lab
        needed: dict[str, tuple[StorageLocation, int]] = {}
        for move in self.request.files:
            location = lab.storage_for_path(self.request.destination.name, move.destination)
            if location is None or location is lab.vhd_location(move.vhd):
                continue
            _, total = needed.get(location.name, (location, 0))
            needed[location.name] = (location, total + move.vhd.FileSize)
        for location, total in needed.values():
            if total > location.FreeSpace:
                self.add(f"Storage '{location.name}' has {location.FreeSpace // MB} MB free and "
                         f"the files of '{self.vm.name}' take {total // MB} MB. Free space there "
                         "or choose another destination.", MSG_STORAGE_SPACE, location,
                         "ResourceUnavailable")


class VMCompatibilityReport:
    """What Compare-VM returns: a move and what stands in its way.  Fix the
    Incompatibilities, re-check it (Compare-VM -CompatibilityReport) and
    move with it (Move-VM -CompatibilityReport)."""
    PS_TYPE = "Microsoft.HyperV.PowerShell.VMCompatibilityReport"
    __slots__ = ("incompatibilities", "request")

    def __init__(self, request: MoveRequest, incompatibilities: list[Incompatibility]):
        self.request = request
        self.incompatibilities = incompatibilities

    @property
    def VM(self) -> VM:
        return self.request.vm

    @property
    def OperationType(self) -> str:
        # The operation types of a move report (hyperv-cmdlets.md section 3:
        # "migration op types exist too"); Import-VM's is ImportVirtualMachine.
        if self.request.kind is MigrationKind.SharedNothing:
            return "MoveVirtualMachineAndStorage"
        return "MoveVirtualMachine"

    @property
    def Destination(self) -> str:
        return self.request.destination.name

    @property
    def Path(self) -> str | None:
        return self.request.vm_path

    @property
    def SnapshotPath(self) -> str | None:
        return self.request.snapshot_path

    @property
    def VhdDestinationPath(self) -> str | None:
        folders = {ntpath.dirname(m.destination) for m in self.request.files}
        return folders.pop() if len(folders) == 1 else None

    @property
    def VhdSourcePath(self) -> str | None:
        folders = {ntpath.dirname(m.vhd.path) for m in self.request.files}
        return folders.pop() if len(folders) == 1 else None

    @property
    def Incompatibilities(self) -> list[Incompatibility]:
        return list(self.incompatibilities)


def _hosts_phrase(names: list[str]) -> str:
    if len(names) == 1:
        return f"host '{names[0]}'"
    return "hosts " + " and ".join(f"'{n}'" for n in names)


def _subnets(interfaces: list[Any]) -> str:
    found = list(dict.fromkeys(str(_subnet(i)) for i in interfaces))
    return ", ".join(found)


def refusal(request: MoveRequest, problems: list[Incompatibility]) -> LabError:
    """The error a refused move reports: every problem, each with its fix."""
    vm = request.vm
    if len(problems) == 1:
        message = problems[0].message
    else:
        lines = [f"'{vm.name}' cannot move {request.describe()} for {len(problems)} reasons:"]
        lines += [f"- {p.message}" for p in problems]
        message = "\n".join(lines)
    return LabError(message, "VMMigrationRefused", problems[0].category, vm.name,
                    OPERATION_FAILED_EXCEPTION)


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


def spec_for(lab: Any, request: MoveRequest, option: PerformanceOption | None = None,
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


# ---------------------------------------------------------------------------
# The lab's migrations
# ---------------------------------------------------------------------------

class Mobility:
    """The lab's migrations on its clock: the sim core's scheduler, the
    requests in flight and what happens when each ends."""

    def __init__(self, lab: Any):
        self.lab = lab
        self.scheduler = MigrationScheduler(lab.clock, seed=lab.seed,
                                            on_progress=self._progress)
        self._requests: dict[int, MoveRequest] = {}
        self._records: dict[int, MigrationRecord] = {}
        self._started: set[int] = set()
        # Clustered roles a drain moved off each node, for Resume-ClusterNode
        # -Failback: (cluster, node) -> group names.
        self.drained: dict[tuple[str, str], list[str]] = {}
        for record in lab.migrations:
            if record.state not in FINISHED_STATES:    # saved mid-flight: cannot resume
                record.state = LabMigrationState.Failed
                record.reason = ("interrupted: the lab was reloaded; the virtual machine stayed "
                                 f"on {record.source}")
                if record.end_time is None:
                    record.end_time = lab.clock.now

    # ---- checking and predicting ------------------------------------------------

    def reserved_memory(self, destination: Host) -> int:
        """Memory promised on `destination` to live migrations under way."""
        total = 0
        for vm in self.incoming(destination):
            if vm.is_running:
                assigned = vm.memory_assigned()
                total += assigned + vm_memory_overhead(assigned)
        return total

    def incoming(self, host: Host) -> list[VM]:
        """VMs on their way to `host` (migrations queued or running)."""
        return [r.vm for r in self._requests.values()
                if r.changes_host and r.destination is host]

    def check(self, request: MoveRequest) -> list[Incompatibility]:
        migrating = [r.vm for r in self._requests.values()]
        return _Rules(self.lab, request, self.reserved_memory(request.destination),
                      migrating).run()

    def predict(self, request: MoveRequest, option: PerformanceOption) -> MigrationResult:
        """The migration alone, now, with `option` (nothing changes).  The
        caller checks the rules first (`check`).  It draws the random
        numbers the same move would draw if it were submitted next, so a
        prediction and the move that follows agree when nothing else runs."""
        spec = spec_for(self.lab, request, option)
        try:
            return plan_migration(spec, rng=np.random.default_rng(
                [self.lab.seed, len(self.lab.migrations) + 1]))
        except TransportError as error:
            raise operation_failed(str(error), request.vm.name, "InvalidOperation") from None

    # ---- running -------------------------------------------------------------------

    def submit(self, request: MoveRequest) -> MigrationRecord:
        """Check `request` and queue its migration now (LabError when a
        rule refuses it: nothing changes then)."""
        lab = self.lab
        problems = self.check(request)
        if problems:
            raise refusal(request, problems)
        spec = spec_for(lab, request)
        vm = request.vm
        record = MigrationRecord(
            id=len(lab.migrations) + 1, vm_name=vm.name, vm_id=vm.id, kind=request.kind.value,
            source=request.source.name, destination=request.destination.name,
            option=spec.option.value if spec.uses_network else "",
            transport=_transport_text(spec), queued_at=lab.clock.now)
        handle = self.scheduler.submit(spec, rng=np.random.default_rng([lab.seed, record.id]))
        record.handle = handle
        record.done = lab.clock.event()
        lab.migrations.append(record)
        self._requests[record.id] = request
        self._records[record.id] = record
        lab.record("MigrationQueued", vm.name, f"{record.kind} migration of '{vm.name}' "
                   f"{request.describe()} queued ({record.transport}).")
        handle.done.on_done(lambda event: self._finished(record, event))
        if handle.state is MigrationState.Running:
            self._mark_started(record)
        return record

    def cancel(self, record: MigrationRecord, reason: str) -> bool:
        handle = record.handle
        return handle is not None and handle.cancel(reason)

    def _record_of(self, vm_name: str) -> MigrationRecord | None:
        for record in self._records.values():
            if record.vm_name == vm_name:
                return record
        return None

    def _progress(self, progress: Progress) -> None:
        record = self._record_of(progress.vm_name)
        if record is None:
            return
        if progress.state is MigrationState.Running:
            self._mark_started(record)

    def _mark_started(self, record: MigrationRecord) -> None:
        if record.id in self._started:
            return
        self._started.add(record.id)
        request = self._requests[record.id]
        request.vm.status_text = "Migrating"
        waited = self.lab.clock.now - record.queued_at
        self.lab.record("MigrationStarted", record.vm_name,
                        f"{record.kind} migration of '{record.vm_name}' {request.describe()} "
                        "started" + (f" after {waited:.1f} s in the queue." if waited > 0 else "."))

    def _finished(self, record: MigrationRecord, event: Any) -> None:
        try:
            self._take_outcome(record, event)
        finally:
            if event.ok:
                record.done.succeed(record)
            else:
                record.done.fail(event.value)

    def _take_outcome(self, record: MigrationRecord, event: Any) -> None:
        request = self._requests.pop(record.id)
        self._records.pop(record.id)
        self._started.discard(record.id)
        vm = request.vm
        if vm.status_text == "Migrating":
            vm.status_text = None
        if not event.ok:     # a defect of the model: the waiter sees the exception
            record.handle = None
            record.state = LabMigrationState.Failed
            record.reason = f"internal error: {event.value}"
            record.end_time = self.lab.clock.now
            return
        record.conclude(event.value)
        if record.state is LabMigrationState.Completed:
            problem = self._still_movable(request)
            if problem is None:
                self._apply(request, record)
                return
            record.state = LabMigrationState.Failed
            record.reason = problem
        verb = "was cancelled" if record.state is LabMigrationState.Cancelled else "failed"
        self.lab.record(f"Migration{record.state.name}", vm.name,
                        f"{record.kind} migration of '{vm.name}' {request.describe()} {verb}: "
                        f"{record.reason}")

    def _still_movable(self, request: MoveRequest) -> str | None:
        """Why a migration that finished cannot take effect (the VM was
        removed or stopped meanwhile), or None."""
        vm = request.vm
        if self.lab.vm_by_id(vm.id) is not vm or vm.host_name != request.source.name:
            return f"'{vm.name}' was removed or moved during the migration."
        if request.running and request.changes_host and not vm.is_running:
            return (f"'{vm.name}' stopped during the migration; it stays, off, on "
                    f"{request.source.name}.")
        return None

    def _apply(self, request: MoveRequest, record: MigrationRecord) -> None:
        """The migration completed: the VM, its files and its cluster role
        are where the request sent them."""
        lab = self.lab
        vm = request.vm
        usage.sync(lab)
        group = lab.cluster_group_of(vm)
        old_paths = {}
        for move in request.files:
            old = move.vhd.path
            old_paths[norm_path(old)] = move.destination
            lab.move_vhd(move.vhd, request.destination.name, move.destination)
        if old_paths:
            for drive in vm.hard_drives:
                if drive.path and norm_path(drive.path) in old_paths:
                    drive.path = old_paths[norm_path(drive.path)]
            for snap in vm.snapshots:
                snap.hard_drive_paths = [
                    (kind, number, slot, old_paths.get(norm_path(path), path) if path else path)
                    for kind, number, slot, path in snap.hard_drive_paths]
            for vhd in lab.vhds.values():
                if vhd.parent_path and norm_path(vhd.parent_path) in old_paths:
                    vhd.parent_path = old_paths[norm_path(vhd.parent_path)]
            snapshots.follow_moved_files(vm, old_paths)
        if request.vm_path:
            vm.path = request.vm_path
        if request.snapshot_path:
            vm.snapshot_file_location = request.snapshot_path
            for snap in vm.snapshots:
                snap.path = request.snapshot_path
        if request.smart_paging_path:
            vm.smart_paging_file_path = request.smart_paging_path
        if request.changes_host:
            lab.place_vm(vm, request.destination)
            if group is not None:
                group.owner_node = request.destination.name
        how = {"Live": "live" if request.running else "(off)", "SharedNothing":
               "with its storage", "Storage": "its storage", "Quick": "by quick migration"}
        downtime = f", downtime {record.Downtime:g} ms" if record.downtime > 0 else ""
        lab.record("MigrationCompleted", vm.name,
                   f"'{vm.name}' moved {how[record.kind]} {request.describe()} in "
                   f"{record.duration:.1f} s{downtime}.")

    # ---- faults ------------------------------------------------------------------

    def fault(self, kind: str, target: str) -> None:
        self.scheduler.inject_fault(kind, target)


def _transport_text(spec: MigrationSpec) -> str:
    """How the bytes will travel, known before the migration starts."""
    if spec.uses_network:
        return resolve_route(spec.source, spec.destination, spec.option).description
    if spec.kind is MigrationKind.Quick:
        return f"Saved state on {spec.source_storage.name}"
    return f"{spec.source_storage.name} to {spec.destination_storage.name}"


_SERVICES: weakref.WeakKeyDictionary[Any, Mobility] = weakref.WeakKeyDictionary()


def mobility(lab: Any) -> Mobility:
    """The lab's migration service (made on first use: a lab loaded from a
    file gets a fresh one, which fails the migrations it was saved with)."""
    service = _SERVICES.get(lab)
    if service is None or service.scheduler.clock is not lab.clock:
        service = Mobility(lab)
        _SERVICES[lab] = service
    return service


# Lab events that are faults the running migrations must feel (the event
# log is how power.py's fault handlers announce them).
_FAULTS = {"HostDown": "HostCrash", "HostRestart": "HostCrash", "HostUp": "HostRecover",
           "NetworkDown": "NetworkDown", "NetworkUp": "NetworkUp",
           "StorageDown": "StorageDown", "StorageUp": "StorageUp"}


def _on_event(lab: Any, event: Any) -> None:
    kind = _FAULTS.get(event.kind)
    service = _SERVICES.get(lab)
    if kind is not None and service is not None:
        service.fault(kind, event.source)


add_event_hook(_on_event)


# ---------------------------------------------------------------------------
# Waiting for a migration (a job's process, or a command run to its end)
# ---------------------------------------------------------------------------

def watch(record: MigrationRecord, output: Any = None) -> Generator[Any, Any, Any]:
    """A clock process that ends with the migration: returns `output` when
    it completed, raises LabError when it failed or was cancelled.  Stopping
    it (Stop-Job) cancels the migration; a crash of the VM's host (which
    interrupts the VM's operation) is left to the migration, which fails."""
    while record.done is not None and not record.done.triggered:
        try:
            yield record.done
        except OperationCancelled:
            if record.handle is not None:
                record.handle.cancel("The operation was stopped (Stop-Job); the virtual "
                                     f"machine stayed on {record.source}.")
            raise
        except LabError:
            continue
    if record.state is LabMigrationState.Completed:
        return output
    raise operation_failed(f"{record.kind} migration of '{record.vm_name}' from "
                           f"{record.source} to {record.destination} "
                           f"{'was cancelled' if record.state is LabMigrationState.Cancelled else 'failed'}"
                           f": {record.reason}", record.vm_name)

