"""Checkpoints: Checkpoint-VM, Get-, Restore-, Remove- and
Export-VMSnapshot (docs/cmdlets.md), also reachable by their
later *-VMCheckpoint names."""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.hyperv._common import (RETURNED, OperationCmdlet, computer_name_param, hosts_for,
                                     lab, target_vms, vm_name_param, vm_object_param,
                                     vms_by_vm_name, vms_named)
from hvshell.model.storage import export_import as exports, checkpoints as snapshots
from hvshell.model.storage.vmsnapshot import SnapshotType, VMSnapshot
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.model.compute.vm import VM
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch

SNAPSHOT_TYPE = VMSnapshot.PS_TYPE
INVALID_ARGUMENT = "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException"


def _by_creation(vm: VM) -> list[VMSnapshot]:
    return sorted(vm.snapshots, key=lambda s: s.creation_time)


def _not_found(cmdlet: Cmdlet, vm: VM, name: str) -> None:
    cmdlet.write_error(f"Unable to find a snapshot matching the given criteria: '{vm.name}' has "
                       f"no checkpoint named '{name}'. List them with Get-VMSnapshot -VMName "
                       f"{vm.name}.", "InvalidParameter", "ObjectNotFound", name,
                       INVALID_ARGUMENT)


def snapshots_named(cmdlet: Cmdlet, vm: VM, names: list[str] | None) -> list[VMSnapshot]:
    """The VM's checkpoints matching the names (wildcards allowed; all of
    them without names), oldest first."""
    if not names:
        return _by_creation(vm)
    found: list[VMSnapshot] = []
    for pattern in names:
        matched = [s for s in _by_creation(vm) if wildcard_match(str(pattern), s.name)]
        if not matched and not has_wildcard(str(pattern)):
            _not_found(cmdlet, vm, str(pattern))
        found.extend(s for s in matched if s not in found)
    return found


def _live(cmdlet: Cmdlet, snapshot: VMSnapshot) -> bool:
    vm = snapshot.vm
    if vm is not None and snapshot in vm.snapshots and lab(cmdlet).vm_by_id(vm.id) is vm:
        return True
    cmdlet.write_error(f"The checkpoint '{snapshot.name}' no longer exists.", "ObjectNotFound",
                       "ObjectNotFound", snapshot.name, INVALID_ARGUMENT)
    return False


class CheckpointVM(OperationCmdlet):
    """Creates a checkpoint (snapshot) of a virtual machine.

    Without -SnapshotName it is named after the VM and the time. A running
    VM's memory is saved with it, which takes its size over the storage's
    throughput. Up to 50 per VM; not for VMs with a shared VHDX."""
    name = "Checkpoint-VM"
    default_set = "Name"
    supports_should_process = True

    Name = vm_name_param()
    VM = vm_object_param()
    SnapshotName = Parameter(str, position=1)
    ComputerName = computer_name_param(sets=("Name",))
    AsJob = Parameter(Switch)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        for vm in target_vms(self):
            if not self.should_process(vm.name, whatif_text=f'Checkpoint-VM will create a '
                                                             f'checkpoint of the virtual machine '
                                                             f'"{vm.name}".'):
                continue
            self.ops.run(vm, lambda vm=vm: snapshots.begin_checkpoint(the_lab, vm,
                                                                      self.SnapshotName),
                         RETURNED if self.Passthru else None)


class GetVMSnapshot(Cmdlet):
    """Gets the checkpoints of virtual machines, oldest first: by VM and
    name (wildcards), by Id, or the children or parent of a checkpoint."""
    name = "Get-VMSnapshot"
    aliases = ("Get-VMCheckpoint",)
    default_set = "VMName"
    output_type = SNAPSHOT_TYPE

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("VMName",),
                       pipeline=True, complete="vm")
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    Id = Parameter("guid", position=0, mandatory=True, sets=("Id",), pipeline=True,
                   by_property=True)
    ChildOf = Parameter(VMSnapshot, mandatory=True, sets=("Child",))
    ParentOf = Parameter(object, mandatory=True, sets=("Parent",))
    Name = Parameter(str, position=1, sets=("VMName", "VMObject", "Child", "Parent"),
                     complete="checkpoint")
    SnapshotType = Parameter(SnapshotType, sets=("VMName", "VMObject", "Child", "Parent"))
    ComputerName = computer_name_param(sets=("VMName", "Id"))

    def process(self) -> None:
        if self.parameter_set == "Id":
            found = [s for host in hosts_for(self, self.ComputerName) for vm in host.vms
                     for s in vm.snapshots if s.id == self.Id]
            if not found:
                self.write_error(f'Unable to find a snapshot matching the given criteria: no '
                                 f'checkpoint has the id "{self.Id}".', "InvalidParameter",
                                 "ObjectNotFound", self.Id, INVALID_ARGUMENT)
        elif self.parameter_set == "Child":
            parent = self.ChildOf
            found = [s for s in _by_creation(parent.vm) if s.parent_snapshot_id == parent.id]
        elif self.parameter_set == "Parent":
            found = self._parent(self.ParentOf)
        else:
            found = [s for vm in vms_by_vm_name(self)
                     for s in snapshots_named(self, vm, [self.Name] if self.Name else None)]
        for snapshot in found:
            if self.Name and self.parameter_set in ("Child", "Parent") and \
                    not wildcard_match(self.Name, snapshot.name):
                continue
            if self.SnapshotType is None or snapshot.snapshot_type is self.SnapshotType:
                self.write(snapshot)

    def _parent(self, item: Any) -> list[VMSnapshot]:
        if isinstance(item, VMSnapshot):
            vm, parent_id = item.vm, item.parent_snapshot_id
        elif isinstance(item, VM):
            vm, parent_id = item, item.parent_snapshot_id
        else:
            self.write_error("-ParentOf takes a virtual machine or a checkpoint (from Get-VM or "
                             "Get-VMSnapshot).", "InvalidParameter", "InvalidArgument", item,
                             INVALID_ARGUMENT)
            return []
        parent = vm.snapshot_by_id(parent_id)
        return [parent] if parent is not None else []


class RestoreVMSnapshot(OperationCmdlet):
    """Applies a checkpoint: the VM returns to it (Off, or Saved when the
    checkpoint holds memory); its present state is discarded."""
    name = "Restore-VMSnapshot"
    aliases = ("Restore-VMCheckpoint",)
    default_set = "SnapshotName"
    supports_should_process = True
    confirm_impact = "High"

    Name = Parameter(str, mandatory=True, sets=("SnapshotName", "VM"), complete="checkpoint")
    VMName = Parameter(str, position=1, mandatory=True, sets=("SnapshotName",), complete="vm")
    VMSnapshot = Parameter(VMSnapshot, array=True, position=0, mandatory=True,
                           sets=("SnapshotObject",), pipeline=True)
    VM = Parameter(VM, position=0, mandatory=True, sets=("VM",), pipeline=True)
    ComputerName = computer_name_param(sets=("SnapshotName",))
    AsJob = Parameter(Switch)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        if self.parameter_set == "SnapshotObject":
            found = [s for s in self.VMSnapshot if _live(self, s)]
        else:
            vms = [self.VM] if self.VM is not None else vms_named(self, [self.VMName],
                                                                  self.ComputerName)
            found = []
            for vm in vms:
                matched = [s for s in vm.snapshots if s.name.lower() == self.Name.lower()]
                if not matched:
                    _not_found(self, vm, self.Name)
                found.extend(matched[:1])
        the_lab = lab(self)
        for snapshot in found:
            vm = snapshot.vm
            if not self.should_process(snapshot.name, whatif_text=f'Restore-VMSnapshot will '
                                                                   f'restore checkpoint '
                                                                   f'"{snapshot.name}".'):
                continue
            self.ops.run(vm, lambda snapshot=snapshot: snapshots.begin_restore(the_lab, snapshot),
                         snapshot if self.Passthru else None)


class RemoveVMSnapshot(OperationCmdlet):
    """Deletes checkpoints (with -IncludeAllChildSnapshots, their subtrees
    too). Their differencing disks are merged, which takes the time of
    copying their data on the storage; the VM keeps running meanwhile."""
    name = "Remove-VMSnapshot"
    aliases = ("Remove-VMCheckpoint",)
    default_set = "SnapshotName"
    supports_should_process = True

    VMName = Parameter(str, array=True, position=0, mandatory=True, sets=("SnapshotName",),
                       complete="vm")
    VMSnapshot = Parameter(VMSnapshot, array=True, position=0, mandatory=True,
                           sets=("SnapshotObject",), pipeline=True)
    VM = Parameter(VM, array=True, position=0, mandatory=True, sets=("VMObject",), pipeline=True)
    Name = Parameter(str, array=True, position=1, sets=("SnapshotName", "VMObject"),
                     pipeline=True, complete="checkpoint")
    IncludeAllChildSnapshots = Parameter(Switch)
    ComputerName = computer_name_param(sets=("SnapshotName",))
    AsJob = Parameter(Switch)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        groups: dict[int, tuple[VM, list[VMSnapshot]]] = {}
        if self.parameter_set == "SnapshotObject":
            for snapshot in self.VMSnapshot:
                if _live(self, snapshot):
                    groups.setdefault(id(snapshot.vm), (snapshot.vm, []))[1].append(snapshot)
        else:
            for vm in vms_by_vm_name(self):
                found = snapshots_named(self, vm, self.Name)
                if found:
                    groups[id(vm)] = (vm, found)
        the_lab = lab(self)
        for vm, chosen in groups.values():
            names = ", ".join(f'"{s.name}"' for s in chosen)
            if not self.should_process(vm.name, whatif_text=f'Remove-VMSnapshot will remove '
                                                             f'checkpoint {names}.'):
                continue
            self.ops.run(vm, lambda vm=vm, chosen=chosen: snapshots.begin_remove(
                the_lab, vm, chosen, bool(self.IncludeAllChildSnapshots)),
                vm if self.Passthru else None)


class ExportVMSnapshot(OperationCmdlet):
    """Exports a checkpoint as a virtual machine that Import-VM can read:
    its settings and one merged disk per drive, under <Path>\\<VMName>.
    A running VM's checkpoint exports only on Windows Server 2012 R2."""
    name = "Export-VMSnapshot"
    aliases = ("Export-VMCheckpoint",)
    default_set = "SnapshotName"
    supports_should_process = True

    Name = Parameter(str, array=True, position=0, mandatory=True, sets=("SnapshotName",
                                                                       "VMObject"),
                     pipeline=True, complete="checkpoint")
    VMName = Parameter(str, array=True, mandatory=True, sets=("SnapshotName",), complete="vm")
    VMSnapshot = Parameter(VMSnapshot, array=True, position=0, mandatory=True,
                           sets=("SnapshotObject",), pipeline=True)
    VM = Parameter(VM, array=True, mandatory=True, sets=("VMObject",), pipeline=True)
    Path = Parameter(str, position=1, mandatory=True)
    ComputerName = computer_name_param(sets=("SnapshotName",))
    AsJob = Parameter(Switch)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        if self.parameter_set == "SnapshotObject":
            found = [s for s in self.VMSnapshot if _live(self, s)]
        else:
            found = [s for vm in vms_by_vm_name(self)
                     for s in snapshots_named(self, vm, self.Name)]
        the_lab = lab(self)
        for snapshot in found:
            if not self.should_process(snapshot.name, whatif_text=f'Export-VMSnapshot will '
                                                                   f'export checkpoint '
                                                                   f'"{snapshot.name}" to '
                                                                   f'"{self.Path}".'):
                continue
            self.ops.run(snapshot.vm, lambda snapshot=snapshot: exports.begin_export(
                the_lab, snapshot.vm, self.Path, snapshot),
                snapshot if self.Passthru else None)
