"""The rules a move must meet (docs/model.md), checked before anything
moves: `check` lists every rule a request breaks, each with what is wrong
and how to fix it.  Compare-VM shows them as a compatibility report;
Move-VM and the cluster moves refuse with them (`refusal`), changing
nothing and leaving no record.
"""
from __future__ import annotations

import ntpath
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import attrs

from hvshell.model.kernel.errors import OPERATION_FAILED_EXCEPTION, LabError, operation_failed
from hvshell.model.compute.host import MigrationAuthenticationType, vm_memory_overhead
from hvshell.model.mobility.mapping import (LIVE_STATES, MB, OFFLINE_STATES, MoveRequest,
                                             candidate_interfaces, disk_files, host_spec, option_of,
                                             shared_interfaces, subnet_of)
from hvshell.model.storage.objects import StorageLocation, norm_path
from hvshell.model.compute.versions import V2008R2, V2012, V2012R2, product_name
from hvshell.model.compute.vm import VM, VMProcessor, VMState
from hvshell.pstypes.registry import ps_type
from hvshell.sim import MigrationKind, TransportError, resolve_route

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

# Compare-VM's MessageId for each rule.  Only 33012 (a virtual switch
# missing at the destination) is documented (docs/model.md, Migration
# rules); Microsoft publishes no others, so hvshell numbers its own rules
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
# Rules
# ---------------------------------------------------------------------------

@ps_type
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


def _files_of(lab: Lab, vm: VM) -> list[tuple[str, str]]:
    """(what, path) for every file the VM keeps: configuration and disks."""
    out = [("configuration", vm.path)]
    out += [("virtual hard disk", v.path) for v in disk_files(lab, vm)]
    return out


class _Rules:
    """Collects the rules one request breaks."""

    def __init__(self, lab: Lab, request: MoveRequest, reserved: int,
                 migrating: Collection[VM]):
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
        own_src, own_dst = candidate_interfaces(src, self.request.cluster), \
            candidate_interfaces(dst, self.request.cluster)
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
        # The VM's state files (.BIN or saved state) go with its configuration.
        state = self.vm.state_file_bytes()
        if self.request.vm_path and state:
            location = lab.storage_for_path(self.request.destination.name, self.request.vm_path)
            if location is not None and location is not lab.storage_for_path(self.vm.host_name,
                                                                             self.vm.path):
                _, total = needed.get(location.name, (location, 0))
                needed[location.name] = (location, total + state)
        for location, total in needed.values():
            if total > location.FreeSpace:
                self.add(f"Storage '{location.name}' has {location.FreeSpace // MB} MB free and "
                         f"the files of '{self.vm.name}' take {total // MB} MB. Free space there "
                         "or choose another destination.", MSG_STORAGE_SPACE, location,
                         "ResourceUnavailable")


def check(lab: Lab, request: MoveRequest, reserved: int = 0,
          migrating: Collection[VM] = ()) -> list[Incompatibility]:
    """Every rule `request` breaks.  `reserved` is the memory of the
    destination promised to migrations under way; `migrating` the VMs
    being migrated now."""
    return _Rules(lab, request, reserved, migrating).run()


@ps_type
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
        # The operation types of a move report (docs/cmdlets.md, Compare-VM);
        # Import-VM's is ImportVirtualMachine.
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
    found = list(dict.fromkeys(str(subnet_of(i)) for i in interfaces))
    return ", ".join(found)


# Windows' SEC_E_NO_CREDENTIALS: what a source host without usable
# credentials for the destination reports.
NO_CREDENTIALS = "No credentials are available in the security package (0x8009030E)"


def authentication(request: MoveRequest, started_on: str) -> LabError | None:
    """Why the source host cannot authenticate to the destination for a
    move an administrator started on host `started_on`, or None.

    The source authenticates with the user's credentials as its own
    VirtualMachineMigrationAuthenticationType says.  CredSSP needs them
    entered on the source itself: a move started anywhere else (even on the
    destination) reaches the source without credentials it can pass on.
    Kerberos works from anywhere once the source's domain account may
    delegate to the destination's migration and file services (constrained
    delegation).  The cluster moves its roles with its own account."""
    if not request.changes_host or request.cluster:
        return None
    src, dst, vm = request.source, request.destination, request.vm
    failed = (f"Virtual machine migration operation for '{vm.name}' failed at migration "
              f"source '{src.name}': it could not authenticate to host '{dst.name}': "
              f"{NO_CREDENTIALS}.")
    kerberos = (f"Set-VMHost {src.name}, {dst.name} -VirtualMachineMigrationAuthenticationType "
                f"Kerberos with constrained delegation from '{src.name}' to '{dst.name}' "
                f"(Grant-LabDelegation -ComputerName {src.name} -DelegateTo {dst.name})")
    if src.authentication_type is MigrationAuthenticationType.CredSSP:
        if started_on.lower() == src.name.lower():
            return None
        message = (f"{failed} '{src.name}' authenticates migrations with CredSSP, which needs "
                   f"you signed in on the source host; this move was started on "
                   f"'{started_on}'. Start it on '{src.name}' (Enter-PSSession {src.name}), or "
                   f"use {kerberos}.")
    else:
        if dst.name.lower() in (n.lower() for n in src.delegates_to):
            return None
        message = (f"{failed} '{src.name}' authenticates migrations with Kerberos, which needs "
                   f"its domain account trusted to delegate to '{dst.name}'. Grant it with "
                   f"Grant-LabDelegation -ComputerName {src.name} -DelegateTo {dst.name}, or go "
                   f"back to CredSSP and start the move on '{src.name}'.")
    return operation_failed(message, vm.name, "AuthenticationError")


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
