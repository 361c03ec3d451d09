"""The lab: hosts, clusters, storage, files, jobs, the event log, the
clock and the random generator, and the look-ups every layer uses.

The lab is the root of everything saved (`hvshell.model.kernel.persist`).  Back
references (a VM's `lab`, a drive's `vm`) are not saved; `relink()` sets
them after a load or any structural change made outside these methods.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Iterator

import attrs
import numpy as np

from hvshell.model.cluster.objects import Cluster, ClusterGroup
from hvshell.model.compute.accounts import Accounts
from hvshell.model.cluster.updating import CauRunRecord, LabUpdate
from hvshell.model.kernel.errors import LabError
from hvshell.model.domains import DOMAINS
from hvshell.model.kernel.domain import Domains
from hvshell.model.kernel.events import EventKind, LabEvent
from hvshell.model.storage.exported_vm import ExportedVM
from hvshell.model.compute.host import Host
from hvshell.model.kernel.ids import Guid, derive_guid, mac_range
from hvshell.model.kernel.jobs import Job
from hvshell.model.mobility.records import MigrationRecord
from hvshell.model.network.objects import HostNic, parse_subnet
from hvshell.model.kernel.schedule import ScheduledAction
from hvshell.model.storage.objects import StorageLocation, StorageType, VirtualHardDisk, norm_path
from hvshell.model.compute.vm import VM
from hvshell.sim.clock import EPOCH, Clock

# The seed a lab gets when none is given (docs/model.md, Lab defaults).
DEFAULT_SEED = 20140325


@attrs.define(eq=False)
class Lab:
    # What the lab's domains do on their own (hvshell.model.domains).
    domains: ClassVar[Domains] = DOMAINS

    seed: int = DEFAULT_SEED
    hosts: list[Host] = attrs.Factory(list)
    clusters: list[Cluster] = attrs.Factory(list)
    storage: list[StorageLocation] = attrs.Factory(list)
    vhds: dict[str, VirtualHardDisk] = attrs.Factory(dict)
    # Exported VM configurations by file key (hvshell.model.storage.export_import).
    exports: dict[str, ExportedVM] = attrs.Factory(dict)
    jobs: list[Job] = attrs.Factory(list)
    events: list[LabEvent] = attrs.Factory(list)
    scheduled: list[ScheduledAction] = attrs.Factory(list)
    # Every migration accepted so far (hvshell.model.mobility.service).
    migrations: list[MigrationRecord] = attrs.Factory(list)
    guid_counter: int = 0
    # Whether the lab's networks have a DHCP server (Set-LabNetwork -Dhcp):
    # New-Cluster then leases the cluster's address when -StaticAddress is
    # not given, as on most real networks.
    dhcp: bool = True
    # The lab's update service (Add-LabUpdate) and the clusters' updating
    # runs (hvshell.model.cluster.updating).
    updates: list[LabUpdate] = attrs.Factory(list)
    cau_runs: list[CauRunRecord] = attrs.Factory(list)
    next_job_id: int = 1
    clock: Clock = attrs.field(init=False, factory=Clock, repr=False)
    rng: np.random.Generator = attrs.field(init=False, default=None, repr=False)
    _host_index: dict[str, Host] = attrs.field(init=False, factory=dict, repr=False)
    _vm_index: dict[Guid, VM] = attrs.field(init=False, factory=dict, repr=False)
    _job_index: dict[int, Job] = attrs.field(init=False, factory=dict, repr=False)
    # storage location name (lower case) -> FileSize of the VHD files on it,
    # and the files whose size changed since (settled when read)
    _bytes_on: dict[str, int] = attrs.field(init=False, factory=dict, repr=False)
    _resized: dict[VirtualHardDisk, None] = attrs.field(init=False, factory=dict, repr=False)
    # host name (lower case) -> the storage it sees (dropped when storage or clusters change)
    _visible: dict[str, list[StorageLocation]] = attrs.field(init=False, factory=dict, repr=False)
    # Hosts' memory and CPU totals over their VMs (hvshell.model.compute.accounts).
    accounts: Accounts = attrs.field(init=False, default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.accounts = Accounts(self)
        self.relink()

    # ---- structure -----------------------------------------------------------

    def relink(self) -> None:
        """Rebuild indexes and back references."""
        self._host_index = {h.name.lower(): h for h in self.hosts}
        self._vm_index = {}
        for host in self.hosts:
            host.lab = self
            for nic in host.nics:
                nic.host_name = host.name
            for vm in host.vms:
                vm.relink(self)
                self._vm_index[vm.id] = vm
        for cluster in self.clusters:
            cluster.lab = self
            for group in cluster.groups:
                group.lab = self
        for location in self.storage:
            location.lab = self
        for vhd in self.vhds.values():
            vhd.lab = self
        self.reindex_files()
        self._job_index = {}
        for job in self.jobs:
            job.lab = self
            self._job_index[job.id] = job
        for event in self.events:
            event.lab = self
        self.accounts.recount()

    @property
    def local_host_name(self) -> str | None:
        """The host the shell stands on at start: the first one created."""
        return self.hosts[0].name if self.hosts else None

    def new_guid(self) -> Guid:
        self.guid_counter += 1
        return derive_guid(self.seed, self.guid_counter)

    def time_at(self, seconds: float) -> dt.datetime:
        return EPOCH + dt.timedelta(seconds=seconds)

    @property
    def now(self) -> dt.datetime:
        return self.clock.datetime

    # ---- hosts ---------------------------------------------------------------

    def find_host(self, name: str) -> Host | None:
        """The host called `name` (or its FQDN), or None."""
        key = str(name).strip().lower()
        host = self._host_index.get(key)
        if host is None and "." in key:
            short, _, domain = key.partition(".")
            candidate = self._host_index.get(short)
            if candidate is not None and candidate.domain.lower() == domain:
                host = candidate
        return host

    def host(self, name: str) -> Host:
        host = self.find_host(name)
        if host is None:
            raise LabError(f"There is no host named '{name}' in the lab. Hosts: "
                           f"{', '.join(h.name for h in self.hosts) or '(none)'}; "
                           "create one with New-LabHost.", "HostNotFound", "ObjectNotFound",
                           name, "System.ArgumentException")
        return host

    def add_host(self, host: Host) -> Host:
        if self.find_host(host.name) is not None:
            raise LabError(f"The lab already has a host named '{host.name}'. Choose another "
                           "name.", "HostExists", "ResourceExists", host.name,
                           "System.ArgumentException")
        host.index = len(self.hosts)
        host.mac_address_minimum, host.mac_address_maximum = mac_range(host.index)
        self.hosts.append(host)
        self._host_index[host.name.lower()] = host
        host.lab = self
        return host

    def allocate_address(self, subnet: str) -> str:
        """The next free host address on `subnet` (from .11 up, leaving the
        low addresses to gateways and cluster names)."""
        network = parse_subnet(subnet)
        taken = {iface.ip_address for h in self.hosts for iface in h.interfaces()}
        taken |= {nic.ip_address for h in self.hosts for nic in h.nics}
        for cluster in self.clusters:
            taken |= set(cluster.addresses())
        for offset, address in enumerate(network.hosts()):
            if offset >= 10 and str(address) not in taken:
                return str(address)
        raise LabError(f"Subnet {subnet} has no free address left for another interface. "
                       "Use a larger subnet.", "SubnetFull", "LimitsExceeded", subnet,
                       "System.InvalidOperationException")

    def add_nic(self, host: Host, nic: HostNic) -> HostNic:
        nic.host_name = host.name
        host.nics.append(nic)
        return nic

    # ---- VMs -----------------------------------------------------------------

    def all_vms(self) -> Iterator[VM]:
        for host in self.hosts:
            yield from host.vms

    def vm_by_id(self, vm_id: Any) -> VM | None:
        # A Guid, or its text as saved (which hashes and compares as the Guid
        # does): found without parsing; any other text is parsed.
        vm = self._vm_index.get(vm_id) if isinstance(vm_id, (Guid, str)) else None
        if vm is None and not isinstance(vm_id, Guid):
            vm = self._vm_index.get(Guid.parse(vm_id))
        return vm

    def place_vm(self, vm: VM, host: Host, index: int | None = None) -> None:
        """Put `vm` on `host` (creating it there, or moving it from its
        current host), last in its list of VMs or at `index`."""
        current = self.find_host(vm.host_name)
        if current is not None and vm in current.vms:
            current.vms.remove(vm)
            current.vms_changed()
        vm.host_name = host.name
        host.vms.append(vm)
        host.vms_changed()
        vm.relink(self)
        self._vm_index[vm.id] = vm
        self.accounts.placed(vm, host)
        if index is not None:
            host.vms.remove(vm)
            host.vms.insert(index, vm)
            self.accounts.reordered(host)

    def remove_vm(self, vm: VM) -> None:
        host = self.find_host(vm.host_name)
        if host is not None and vm in host.vms:
            host.vms.remove(vm)
            host.vms_changed()
        self._vm_index.pop(vm.id, None)
        self.accounts.removed(vm)

    # ---- clusters --------------------------------------------------------------

    def find_cluster(self, name: str) -> Cluster | None:
        key = str(name).strip().lower()
        for cluster in self.clusters:
            if cluster.name.lower() == key or f"{cluster.name}.{cluster.domain}".lower() == key:
                return cluster
        return None

    def cluster_of(self, host_name: str) -> Cluster | None:
        for cluster in self.clusters:
            if cluster.has_node(host_name):
                return cluster
        return None

    def cluster_group_of(self, vm: VM) -> ClusterGroup | None:
        cluster = self.cluster_of(vm.host_name)
        if cluster is None:
            return None
        for group in cluster.groups:
            if group.vm_id == vm.id:
                return group
        return None

    # ---- storage and files -----------------------------------------------------

    def storage_visible_from(self, host_name: str) -> list[StorageLocation]:
        key = host_name.lower()
        visible = self._visible.get(key)
        if visible is None:
            cluster = self.cluster_of(host_name)
            nodes = cluster.node_names() if cluster else None
            visible = self._visible[key] = [s for s in self.storage
                                            if s.visible_from(host_name, nodes)]
        return list(visible)

    def storage_changed(self) -> None:
        """Storage was added or a cluster formed: which host sees what, and
        which storage holds each file, are worked out again."""
        self._visible = {}
        self.reindex_files()
        self.accounts.everything_changed()

    def storage_for_path(self, host_name: str, path: str) -> StorageLocation | None:
        """The storage location (seen from `host_name`) that holds `path`:
        the one with the longest matching root."""
        best: StorageLocation | None = None
        for location in self.storage_visible_from(host_name):
            if location.contains(path) and (best is None or len(location.path) > len(best.path)):
                best = location
        return best

    def find_storage(self, name: str) -> StorageLocation | None:
        key = str(name).strip().lower()
        return next((s for s in self.storage if s.name.lower() == key), None)

    def file_key(self, host_name: str, path: str) -> str:
        """Where a file lives: shared paths are one file for every host;
        local paths are per host."""
        location = self.storage_for_path(host_name, path)
        if location is not None and location.storage_type is not StorageType.Local:
            return norm_path(path)
        return f"{host_name.lower()}|{norm_path(path)}"

    def find_vhd(self, host_name: str, path: str) -> VirtualHardDisk | None:
        return self.vhds.get(self.file_key(host_name, path))

    def reindex_files(self) -> None:
        """Recompute which storage holds each file (after storage changes)."""
        self._bytes_on = {}
        self._resized = {}
        for key, vhd in self.vhds.items():
            vhd.counted = (None, 0)
            self._index_file(key, vhd)

    def _index_file(self, key: str, vhd: VirtualHardDisk) -> None:
        location = self.vhd_location(vhd)
        self._count_file(vhd, location.name.lower() if location is not None else None)

    def _count_file(self, vhd: VirtualHardDisk, where: str | None) -> None:
        """Count `vhd`'s FileSize on the location named `where` (None: nowhere)."""
        was, size = vhd.counted
        if was is not None:
            self._bytes_on[was] -= size
        size = vhd.FileSize if where is not None else 0
        if where is not None:
            self._bytes_on[where] = self._bytes_on.get(where, 0) + size
        vhd.counted = (where, size)

    def file_changed(self, vhd: VirtualHardDisk) -> None:
        """A field FileSize depends on changed (VirtualHardDisk's on_setattr)."""
        self._resized[vhd] = None

    def add_vhd(self, vhd: VirtualHardDisk) -> VirtualHardDisk:
        """Register a new file (its path and computer_name say where)."""
        key = self.file_key(vhd.computer_name, vhd.path)
        replaced = self.vhds.get(key)
        if replaced is not None and replaced is not vhd:
            self._count_file(replaced, None)
        self.vhds[key] = vhd
        vhd.lab = self
        self._index_file(key, vhd)
        return vhd

    def remove_vhd(self, vhd: VirtualHardDisk) -> None:
        """Delete a file from the lab."""
        key = self.file_key(vhd.computer_name, vhd.path)
        if self.vhds.get(key) is vhd:
            self._count_file(vhd, None)
        self.vhds.pop(key, None)

    def move_vhd(self, vhd: VirtualHardDisk, host_name: str, path: str) -> None:
        """The file now lives at `path` (as seen from `host_name`)."""
        self.remove_vhd(vhd)
        vhd.computer_name = host_name
        vhd.path = path
        self.add_vhd(vhd)

    def vhd_location(self, vhd: VirtualHardDisk) -> StorageLocation | None:
        return self.storage_for_path(vhd.computer_name, vhd.path)

    def drives_using(self, vhd: VirtualHardDisk) -> list[Any]:
        """The hard drives (of any VM) that have this file attached."""
        key = self.file_key(vhd.computer_name, vhd.path)
        found = []
        for vm in self.all_vms():
            for drive in vm.hard_drives:
                if drive.path and self.file_key(vm.host_name, drive.path) == key:
                    found.append(drive)
        return found

    def bytes_used_on(self, location: StorageLocation) -> int:
        """VHD files and the VMs' state files (saved memory, or the .BIN a
        running VM keeps for its Save stop action) stored on `location`."""
        while self._resized:
            vhd = next(iter(self._resized))
            del self._resized[vhd]
            if vhd.counted[0] is not None:
                self._count_file(vhd, vhd.counted[0])
        used = self._bytes_on.get(location.name.lower(), 0)
        for host in self._hosts_seeing(location):
            for vm in host.vms:
                state = vm.state_file_bytes()
                if state and self.storage_for_path(vm.host_name, vm.path) is location:
                    used += state
        return used

    def _hosts_seeing(self, location: StorageLocation) -> list[Host]:
        if location.storage_type is StorageType.Local:
            host = self.find_host(location.host_name or "")
            return [host] if host is not None else []
        if location.storage_type is StorageType.CSV:
            cluster = self.find_cluster(location.cluster_name or "")
            return [self.host(n) for n in cluster.node_names()] if cluster else []
        return list(self.hosts)

    # ---- jobs and events -------------------------------------------------------

    def new_job(self, command: str, location: str) -> Job:
        # PowerShell numbers jobs from 1 and gives each job's child job the
        # next id, so the jobs a user sees are 1, 3, 5 ...
        job = Job(self.next_job_id, f"Job{self.next_job_id}", command, location)
        self.next_job_id += 2
        job.lab = self
        self.jobs.append(job)
        self._job_index[job.id] = job
        return job

    def has_job(self, job: Job) -> bool:
        """`job` is one of this lab's (not removed, not from a lab replaced since)."""
        return self._job_index.get(job.id) is job

    def remove_job(self, job: Job) -> None:
        self.jobs.remove(job)
        del self._job_index[job.id]

    def record(self, kind: EventKind, source: str, message: str) -> LabEvent:
        event = LabEvent(self.clock.now, kind, source, message)
        event.lab = self
        self.events.append(event)
        for react in self.domains.reactions_to(kind):
            react(self, event)
        return event
