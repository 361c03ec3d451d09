"""Export-VM, Export-VMSnapshot and Import-VM.

An export writes `<Path>\\<VMName>\\` with the configuration under
'Virtual Machines' and the disks under 'Virtual Hard Disks' (docs/cmdlets.md,
Export-VM).  Copies take simulated time: the bytes the files hold
(their used blocks, not their virtual size) plus any saved memory, at the
slower of the source and destination storage throughput, and no faster
than the host's network when an SMB share is involved.

Exporting a running (or paused) VM needs Windows Server 2012 R2: the copy
is taken like a checkpoint, so the exported VM is in a saved state (a live
clone).  Export-VMSnapshot exports the VM as it was at a checkpoint, its
disk chains merged into one file each.

Import-VM registers an export in place (keeping its Id), or copies it
(-Copy) to the host's default folders or the ones given, keeping the Id or
taking a new one (-GenerateNewId).

Each accepted export and import is listed by Get-LabMigration (Type Export
or Import) with its duration and bytes; a refused one leaves no record.
"""
from __future__ import annotations

import ntpath
from typing import TYPE_CHECKING, Any, Generator

from hvshell.model.compute import build, usage
from hvshell.model.storage.disks import chain, require_idle
from hvshell.model.kernel.errors import (LabError, OperationCancelled, invalid_argument, invalid_state,
                                  operation_failed)
from hvshell.model.kernel.codec import detached_copy
from hvshell.model.kernel.events import EventKind
from hvshell.model.storage.exported_vm import ExportedVM
from hvshell.model.mobility.records import LabMigrationState, MigrationPass, MigrationRecord
from hvshell.model.compute.host import Host
from hvshell.model.storage.objects import (ControllerType, HardDiskDrive, StorageType, VirtualHardDisk,
                                   is_absolute, norm_path)
from hvshell.model.compute.versions import require_feature
from hvshell.model.compute.vm import VM, VMState
from hvshell.model.compute.usage import VMUsage

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20
# Writing the configuration, creating the folders, registering the VM:
# a couple of seconds (reasoning; the file copies are timed from bytes).
EXPORT_SETUP_SECONDS = 2.0
IMPORT_SETUP_SECONDS = 2.0
VM_FOLDER = "Virtual Machines"
VHD_FOLDER = "Virtual Hard Disks"
SNAPSHOT_FOLDER = "Snapshots"
EXPORTABLE_STATES = (VMState.Off, VMState.Saved, VMState.Running, VMState.Paused)


def _in_folder(path: str, folder: str) -> bool:
    key, root = norm_path(path), norm_path(folder)
    return key == root or key.startswith(root + "\\")


def _copy_rate(lab: Lab, host: Host, locations: list[Any]) -> float:
    """Bytes per second of a copy between these locations: the slowest
    storage, and the host's fastest interface when a share is involved."""
    rate = min(location.throughput_mbps for location in locations) * MB
    if any(location.storage_type is StorageType.SMB for location in locations):
        links = [iface.speed_gbps for iface in host.nics if iface.up]
        if links:
            rate = min(rate, max(links) * 1e9 / 8)
    return rate


def _require_absolute(path: str, what: str) -> str:
    text = str(path).strip().rstrip("\\/")
    if not is_absolute(text):
        raise invalid_argument(f"{what} '{path}' is not a full path. Give one such as "
                               "D:\\Exports or \\\\server\\share\\Exports.", path)
    return text


def _free_folder(lab: Lab, host: Host, folder: str) -> None:
    """Refuse a destination that already holds an export or disk files."""
    for record in lab.exports.values():
        if _in_folder(record.config_path, folder) and lab.file_key(
                host.name, record.config_path) == lab.file_key(record.computer_name,
                                                               record.config_path):
            raise invalid_argument(
                f"'{folder}' already holds an exported virtual machine. Export to another "
                "-Path.", folder)
    for vhd in lab.vhds.values():
        if _in_folder(vhd.path, folder) and lab.find_vhd(host.name, vhd.path) is vhd:
            raise invalid_argument(f"'{folder}' already holds files ('{vhd.path}'). Export to "
                                   "another -Path.", folder)


def _chain_files(lab: Lab, host_name: str, paths: list[str]) -> list[VirtualHardDisk]:
    """The files of these paths and all their parents, each once, parents
    first."""
    found: list[VirtualHardDisk] = []
    for path in paths:
        files = chain(lab, host_name, path)
        if not files:
            raise operation_failed(f"The virtual hard disk '{path}' is missing, so it cannot be "
                                   "copied.", path, "ObjectNotFound")
        found.extend(v for v in reversed(files) if v not in found)
    return found


def _unique_names(files: list[VirtualHardDisk], folder: str) -> None:
    seen: dict[str, str] = {}
    for vhd in files:
        name = ntpath.basename(vhd.path).lower()
        if name in seen and seen[name] != norm_path(vhd.path):
            raise invalid_argument(
                f"Two disks are named '{ntpath.basename(vhd.path)}' ('{seen[name]}' and "
                f"'{vhd.path}'), and both would be copied to '{folder}'. Rename one first.",
                vhd.path)
        seen[name] = norm_path(vhd.path)


def copy_files(lab: Lab, host: Host, files: list[VirtualHardDisk], folder: str) -> dict[str, str]:
    """Copy the files into `folder` (keeping names and parent links);
    returns old path key -> new path."""
    moved: dict[str, str] = {}
    for vhd in files:
        new_path = ntpath.join(folder, ntpath.basename(vhd.path))
        parent = moved.get(norm_path(vhd.parent_path)) if vhd.parent_path else None
        copy = VirtualHardDisk(path=new_path, computer_name=host.name,
                               vhd_format=vhd.vhd_format, vhd_type=vhd.vhd_type, size=vhd.size,
                               disk_identifier=vhd.disk_identifier, block_size=vhd.block_size,
                               logical_sector_size=vhd.logical_sector_size,
                               physical_sector_size=vhd.physical_sector_size,
                               parent_path=parent or vhd.parent_path,
                               partition_size=vhd.partition_size, used_size=vhd.used_size)
        lab.add_vhd(copy)
        moved[norm_path(vhd.path)] = new_path
    return moved


def remap_disks(vm: VM, moved: dict[str, str]) -> None:
    for drive in vm.hard_drives:
        if drive.path:
            drive.path = moved.get(norm_path(drive.path), drive.path)
    for snapshot in vm.snapshots:
        snapshot.hard_drive_paths = [(kind, number, location,
                                      moved.get(norm_path(path), path))
                                     for kind, number, location, path in
                                     snapshot.hard_drive_paths]


def _detached(vm: VM) -> VM:
    """The VM's configuration as a separate object (not in the lab)."""
    copy = detached_copy(vm)
    copy.usage = VMUsage()
    copy.lab = None
    for item in (*copy.hard_drives, *copy.dvd_drives, *copy.network_adapters, *copy.snapshots):
        item.vm = copy
    return copy


def _as_saved_copy(copy: VM, memory: int) -> None:
    """An exported configuration is at rest: off, or saved with memory."""
    copy.state = VMState.Saved if memory else VMState.Off
    copy.saved_memory = memory
    copy.started_at = copy.guest_ready_at = None
    copy.transition_from = None
    copy.status_text = None
    copy.running_at_host_stop = False


def _copy_record(lab: Lab, vm: VM, kind: str, source: str, destination: str) -> MigrationRecord:
    """The Get-LabMigration entry of an export or import starting now."""
    now = lab.clock.now
    record = MigrationRecord(id=len(lab.migrations) + 1, vm_name=vm.name, vm_id=vm.id, kind=kind,
                             source=source, destination=destination, option="",
                             transport="File copy", queued_at=now,
                             state=LabMigrationState.Running, start_time=now)
    lab.migrations.append(record)
    return record


def _recorded(lab: Lab, record: MigrationRecord, total: int,
              body: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """Run `body` (one copy of `total` bytes) and write its outcome into
    `record`: Completed, Failed (a fault, a refusal found at the end) or
    Cancelled (Stop-Job)."""
    try:
        result = yield from body
    except (LabError, OperationCancelled) as error:
        record.state = (LabMigrationState.Cancelled if isinstance(error, OperationCancelled)
                        else LabMigrationState.Failed)
        record.reason = str(error)
        record.end_time = lab.clock.now
        record.duration = record.end_time - record.start_time
        raise
    record.state = LabMigrationState.Completed
    record.end_time = lab.clock.now
    record.duration = record.end_time - record.start_time
    record.bytes_transferred = float(total)
    record.passes = [MigrationPass("Copy", 0, float(total), float(total), 0.0, record.duration)]
    return result


# ---------------------------------------------------------------------------
# Export-VM and Export-VMSnapshot
# ---------------------------------------------------------------------------

def _check_export(lab: Lab, vm: VM, path: str, snapshot: Any = None) -> tuple[Any, ...]:
    """Every rule of an export; returns the export folder, the files to
    copy, the memory to save, the seconds the copy takes and its bytes."""
    host = vm.host
    what = f"checkpoint '{snapshot.name}' of '{vm.name}'" if snapshot else f"'{vm.name}'"
    if vm.state not in EXPORTABLE_STATES:
        raise invalid_state(f"Cannot export {what} while the virtual machine is "
                            f"{vm.state.name}. Wait for the operation in progress.", vm.name)
    if not host.is_up:
        raise operation_failed(f"Cannot export {what}: host '{host.name}' is "
                               f"{host.state.name.lower()}.", vm.name, "ResourceUnavailable")
    if vm.is_running:
        require_feature(host.version, "LiveExport", host.name,
                        f"Turn '{vm.name}' off or save it (Stop-VM, or Stop-VM -Save), then "
                        "export it.")
    if snapshot is not None and snapshot not in vm.snapshots:
        raise LabError(f"The checkpoint '{snapshot.name}' of '{vm.name}' no longer exists.",
                       "ObjectNotFound", "ObjectNotFound", snapshot.name,
                       "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
    root = _require_absolute(path, "The export path")
    destination = build.require_storage(lab, host, root, "export path")
    folder = ntpath.join(root, vm.name)
    _free_folder(lab, host, folder)
    if snapshot is None:
        paths = [d.path for d in vm.hard_drives if d.path] + [
            p for s in vm.snapshots for _, _, _, p in s.hard_drive_paths]
        files = _chain_files(lab, vm.host_name, paths)
        data = sum(v.FileSize for v in files)
        memory = vm.saved_memory if vm.state is VMState.Saved else (
            vm.memory_assigned() if vm.is_running else 0)
    else:
        files = _chain_files(lab, vm.host_name, [p for _, _, _, p in snapshot.hard_drive_paths])
        data = sum(_merged(lab, vm, p).FileSize for _, _, _, p in snapshot.hard_drive_paths)
        memory = snapshot.saved_memory_bytes
    _unique_names(files, ntpath.join(folder, VHD_FOLDER))
    sources = []
    for vhd in files:
        location = lab.vhd_location(vhd)
        if location is not None:
            if not location.online:
                raise operation_failed(f"Cannot export {what}: the storage '{location.name}' of "
                                       f"'{vhd.path}' is offline.", vm.name, "ResourceUnavailable")
            sources.append(location)
    total = data + memory
    if total > destination.FreeSpace:
        raise operation_failed(
            f"There is not enough space on '{destination.name}' ({destination.FreeSpace // MB} MB "
            f"free) to export {what} ({total // MB} MB).", vm.name, "ResourceUnavailable")
    rate = _copy_rate(lab, host, sources + [destination])
    return folder, files, memory, EXPORT_SETUP_SECONDS + total / rate, total


def _merged(lab: Lab, vm: VM, path: str) -> VirtualHardDisk:
    """One file holding a chain's data (how a checkpoint's disk is exported):
    the base's format and kind, the top's size, the chain's written bytes."""
    chain = _chain_files(lab, vm.host_name, [path])
    base, top = chain[0], chain[-1]
    used = min(top.partition_size or top.size, sum(v.used_size for v in chain))
    return VirtualHardDisk(path=ntpath.basename(base.path), computer_name=vm.host_name,
                           vhd_format=base.vhd_format, vhd_type=base.vhd_type, size=top.size,
                           disk_identifier=base.disk_identifier, block_size=base.block_size,
                           logical_sector_size=base.logical_sector_size,
                           physical_sector_size=base.physical_sector_size,
                           partition_size=top.partition_size, used_size=used)


def begin_export(lab: Lab, vm: VM, path: str, snapshot: Any = None,
                 ) -> Generator[Any, Any, ExportedVM]:
    """Export-VM (or Export-VMSnapshot with `snapshot`)."""
    usage.sync(lab)
    require_idle(vm, "export")
    folder, _, _, seconds, total = _check_export(lab, vm, path, snapshot)
    host = vm.host
    started = lab.clock.now
    status = vm.status_text
    vm.status_text = "Exporting"
    entry = _copy_record(lab, vm, "Export", host.name, folder)

    def run() -> Generator[Any, Any, ExportedVM]:
        try:
            yield seconds
        finally:
            vm.status_text = status
        folder, files, memory, _, _ = _check_export(lab, vm, path, snapshot)
        disk_folder = ntpath.join(folder, VHD_FOLDER)
        copy = _detached(vm)
        if snapshot is None:
            moved = copy_files(lab, host, files, disk_folder)
            remap_disks(copy, moved)
        else:
            _as_checkpoint(lab, vm, copy, snapshot, disk_folder)
        _as_saved_copy(copy, memory)
        copy.path = folder
        copy.snapshot_file_location = ntpath.join(folder, SNAPSHOT_FOLDER)
        copy.smart_paging_file_path = folder
        config_path = ntpath.join(folder, VM_FOLDER, f"{str(vm.id).upper()}.XML")
        record = ExportedVM(config_path, host.name, folder, copy, started)
        lab.exports[lab.file_key(host.name, config_path)] = record
        what = f"Checkpoint '{snapshot.name}' of '{vm.name}'" if snapshot else f"'{vm.name}'"
        lab.record(EventKind.VMExported, vm.name, f"{what} was exported to {folder}"
                   + (" (a saved-state copy of the running VM)." if vm.is_running and
                      snapshot is None else "."))
        return record

    return _recorded(lab, entry, total, run())


def _as_checkpoint(lab: Lab, vm: VM, copy: VM, snapshot: Any, folder: str) -> None:
    """Make `copy` the VM as it was at `snapshot`: its settings, and one
    merged file per disk."""
    copy.snapshots = []
    copy.parent_snapshot_id = None
    copy.processor_count = snapshot.processor_count
    copy.memory_startup = snapshot.memory_startup
    copy.dynamic_memory_enabled = snapshot.dynamic_memory_enabled
    copy.memory_minimum = snapshot.memory_minimum
    copy.memory_maximum = snapshot.memory_maximum
    frozen = {(kind, number, location): path
              for kind, number, location, path in snapshot.hard_drive_paths}
    drives = []
    for drive in copy.hard_drives:
        key = (drive.controller_type.name, drive.controller_number, drive.controller_location)
        if key in frozen:
            merged = _merged(lab, vm, frozen.pop(key))
            merged.path = ntpath.join(folder, merged.path)
            lab.add_vhd(merged)
            drive.path = merged.path
            drives.append(drive)
    copy.hard_drives = drives
    for (kind, number, location), path in frozen.items():
        merged = _merged(lab, vm, path)
        merged.path = ntpath.join(folder, merged.path)
        lab.add_vhd(merged)
        drive = HardDiskDrive(ControllerType[kind], number, location, merged.path)
        drive.vm = copy
        copy.hard_drives.append(drive)


# ---------------------------------------------------------------------------
# Import-VM
# ---------------------------------------------------------------------------

def find_export(lab: Lab, host: Host, path: str) -> ExportedVM:
    """The export whose configuration file is `path` (as `host` sees it)."""
    text = str(path).strip()
    record = lab.exports.get(lab.file_key(host.name, text))
    if record is not None and lab.file_key(record.computer_name, record.config_path) == \
            lab.file_key(host.name, text):
        return record
    hint = (" Give the .XML configuration file that Export-VM wrote under the export's "
            f"'{VM_FOLDER}' folder.")
    for candidate in lab.exports.values():
        if _in_folder(candidate.config_path, text) and lab.file_key(
                host.name, candidate.config_path) == lab.file_key(candidate.computer_name,
                                                                  candidate.config_path):
            hint = (" That is an export folder: give its configuration file, "
                    f"'{candidate.config_path}'.")
            break
    raise LabError(f"Host '{host.name}' finds no exported virtual machine configuration at "
                   f"'{text}'.{hint}", "ObjectNotFound", "ObjectNotFound", text,
                   "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")


def _config_error(detail: str, target: Any) -> LabError:
    return LabError("Unable to import virtual machine due to configuration errors: " + detail,
                    "OperationFailed", "NotSpecified", target,
                    "Microsoft.HyperV.PowerShell.VirtualizationOperationFailedException")


def _check_import(lab: Lab, host: Host, record: ExportedVM, copy: bool, new_id: bool,
                  vhd_destination: str | None, vm_destination: str | None,
                  snapshot_destination: str | None, paging_destination: str | None,
                  ) -> tuple[list[VirtualHardDisk], str, str, float, int]:
    """Every rule of an import; returns the files to copy (or register),
    the disk and configuration folders, the seconds it takes and the bytes
    it copies."""
    source = record.vm
    if not host.is_up:
        raise operation_failed(f"Host '{host.name}' is {host.state.name.lower()}; it cannot "
                               "import virtual machines.", host.name, "ResourceUnavailable")
    if source.generation == 2:
        require_feature(host.version, "Generation2", host.name,
                        f"'{source.name}' is a generation 2 virtual machine: import it on a "
                        "Windows Server 2012 R2 host.")
    mine = host.limits.vm_config_version
    if source.version and (not mine or float(source.version) > float(mine)):
        raise _config_error(
            f"'{source.name}' has configuration version {source.version}, newer than the "
            f"{mine or 'unversioned'} configurations {host.product_name} runs. Import it on a "
            "host of the version that exported it or newer.", source.name)
    if source.processor_count > host.logical_processors:
        raise _config_error(f"'{source.name}' has {source.processor_count} virtual processors "
                            f"and host '{host.name}' has {host.logical_processors} logical "
                            "processors.", source.name)
    if source.memory_startup > host.limits.max_vm_memory:
        raise _config_error(f"'{source.name}' starts with {source.memory_startup // MB} MB, more "
                            f"than {host.product_name} gives a virtual machine.", source.name)
    for adapter in source.network_adapters:
        if adapter.switch_name and host.switch(adapter.switch_name) is None:
            raise _config_error(
                f"could not find Ethernet switch '{adapter.switch_name}' on host '{host.name}' "
                f"(network adapter '{adapter.name}'). Create it there with New-VMSwitch, then "
                "import again.", source.name)
    if not (copy and new_id):
        existing = lab.vm_by_id(source.id)
        if existing is not None:
            raise LabError(
                f"A virtual machine with the identifier {source.id} already exists "
                f"('{existing.name}' on host '{existing.host_name}'). Import a copy with a new "
                "identifier (Import-VM -Copy -GenerateNewId), or remove that virtual machine "
                "first.", "OperationFailed", "ResourceExists", source.name,
                "Microsoft.HyperV.PowerShell.VirtualizationOperationFailedException")
    paths = [d.path for d in source.hard_drives if d.path] + [
        p for s in source.snapshots for _, _, _, p in s.hard_drive_paths]
    for path in paths:
        if lab.find_vhd(host.name, path) is None:
            raise _config_error(
                f"the virtual hard disk '{path}' is not reachable from host '{host.name}'. "
                "Import on the host that holds the export, or export to storage this host "
                "reaches (a cluster shared volume or an SMB share).", source.name)
    files = _chain_files(lab, host.name, paths)
    if not copy:
        return files, record.folder, record.folder, IMPORT_SETUP_SECONDS, 0
    vhd_folder = (_require_absolute(vhd_destination, "-VhdDestinationPath")
                  if vhd_destination else host.virtual_hard_disk_path)
    vm_folder = (_require_absolute(vm_destination, "-VirtualMachinePath")
                 if vm_destination else host.virtual_machine_path)
    for folder, what in ((vhd_folder, "virtual hard disk destination"),
                         (vm_folder, "virtual machine path"),
                         (snapshot_destination, "snapshot file path"),
                         (paging_destination, "smart paging file path")):
        if folder:
            build.require_storage(lab, host, _require_absolute(folder, f"The {what}"), what)
    _unique_names(files, vhd_folder)
    for vhd in files:
        target = ntpath.join(vhd_folder, ntpath.basename(vhd.path))
        if lab.find_vhd(host.name, target) is not None:
            raise operation_failed(
                f"The file '{target}' already exists, so '{vhd.path}' cannot be copied there. "
                "Import to another folder (-VhdDestinationPath).", target, "ResourceExists")
    destination = lab.storage_for_path(host.name, vhd_folder)
    total = sum(v.FileSize for v in files) + source.saved_memory
    if total > destination.FreeSpace:
        raise operation_failed(
            f"There is not enough space on '{destination.name}' ({destination.FreeSpace // MB} "
            f"MB free) to copy '{source.name}' ({total // MB} MB).", source.name,
            "ResourceUnavailable")
    sources = [lab.vhd_location(v) for v in files if lab.vhd_location(v) is not None]
    for location in sources:
        if not location.online:
            raise operation_failed(f"The storage '{location.name}' of the export is offline.",
                                   source.name, "ResourceUnavailable")
    seconds = IMPORT_SETUP_SECONDS + total / _copy_rate(lab, host, sources + [destination])
    return files, vhd_folder, vm_folder, seconds, total


def begin_import(lab: Lab, host: Host, record: ExportedVM, copy: bool = False,
                 new_id: bool = False, vhd_destination: str | None = None,
                 vm_destination: str | None = None, snapshot_destination: str | None = None,
                 paging_destination: str | None = None) -> Generator[Any, Any, VM]:
    """Import-VM: register in place, or copy (-Copy) and register."""
    args = (copy, new_id, vhd_destination, vm_destination, snapshot_destination,
            paging_destination)
    _, _, _, seconds, total = _check_import(lab, host, record, *args)
    entry = _copy_record(lab, record.vm, "Import", record.folder, host.name)

    def run() -> Generator[Any, Any, VM]:
        yield seconds
        files, vhd_folder, vm_folder, _, _ = _check_import(lab, host, record, *args)
        vm = _detached(record.vm)
        if copy:
            remap_disks(vm, copy_files(lab, host, files, vhd_folder))
            vm.path = vm_folder
            vm.snapshot_file_location = snapshot_destination or vm_folder
            vm.smart_paging_file_path = paging_destination or vm_folder
        if copy and new_id:
            vm.id = lab.new_guid()
            for adapter in vm.network_adapters:
                if adapter.dynamic_mac_address:
                    adapter.mac_address = host.allocate_mac()
        vm.host_name = host.name
        vm.version = host.limits.vm_config_version
        vm.creation_time = lab.clock.now
        lab.place_vm(vm, host)
        usage.sync(lab)
        how = "copied" if copy else "registered in place"
        lab.record(EventKind.VMImported, vm.name, f"'{vm.name}' was imported on {host.name} ({how}"
                   + (", new identifier)." if copy and new_id else ")."))
        entry.vm_id = vm.id
        return vm

    return _recorded(lab, entry, total, run())
