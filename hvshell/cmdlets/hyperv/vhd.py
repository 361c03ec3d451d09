"""Virtual hard disk files: New-VHD, Get-VHD, Resize-VHD
(docs/cmdlets.md).  The guest's partitions on a disk are set with Set-LabGuestDisk."""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.hyperv._common import (RETURNED, OperationCmdlet, computer_name_param, hosts_for,
                                     lab, report)
from hvshell.model.storage import disks
from hvshell.model.compute import usage
from hvshell.model.kernel.errors import LabError
from hvshell.model.compute.host import Host
from hvshell.model.storage.objects import VirtualHardDisk
from hvshell.runtime.cmdlet import Cmdlet, In, Parameter, Switch

VHD_TYPE = VirtualHardDisk.PS_TYPE
SECTOR_SIZES = ("512", "4096")


def _path(sets: tuple = ()) -> Parameter:
    return Parameter(str, array=True, position=0, mandatory=True, sets=sets, pipeline=True,
                     by_property=True, aliases=("FullName",), complete="vhd")


def find_vhd(cmdlet: Cmdlet, host: Host, path: str) -> VirtualHardDisk | None:
    """The file, or None after reporting that it does not exist."""
    try:
        return disks.find(lab(cmdlet), host, path)
    except LabError as error:
        report(cmdlet, error)
        return None


class NewVHD(OperationCmdlet):
    """Creates a virtual hard disk file: VHD or VHDX, chosen by the extension.

    Dynamic unless -Fixed; -ParentPath makes a differencing disk. A fixed
    disk is written out in full, which takes its size over the storage's
    throughput. Relative paths are under the host's VirtualHardDiskPath."""
    name = "New-VHD"
    default_set = "DynamicWithoutSource"
    supports_should_process = True
    output_type = VHD_TYPE

    Path = Parameter(str, array=True, position=0, mandatory=True, pipeline=True,
                     by_property=True, complete="path")
    SizeBytes = Parameter("UInt64", sets=(In("DynamicWithoutSource", position=1, mandatory=True),
                                          In("FixedWithoutSource", position=1, mandatory=True),
                                          In("Differencing", position=2)))
    ParentPath = Parameter(str, position=1, mandatory=True, sets=("Differencing",),
                           complete="vhd")
    Differencing = Parameter(Switch, sets=("Differencing",))
    Dynamic = Parameter(Switch, sets=("DynamicWithoutSource",))
    Fixed = Parameter(Switch, mandatory=True, sets=("FixedWithoutSource",))
    BlockSizeBytes = Parameter("UInt32")
    LogicalSectorSizeBytes = Parameter("UInt32", sets=("DynamicWithoutSource",
                                                       "FixedWithoutSource"),
                                       validate_set=SECTOR_SIZES)
    PhysicalSectorSizeBytes = Parameter("UInt32", sets=("DynamicWithoutSource", "Differencing",
                                                        "FixedWithoutSource"),
                                        validate_set=SECTOR_SIZES)
    AsJob = Parameter(Switch)
    ComputerName = computer_name_param(sets=())

    def process(self) -> None:
        the_lab = lab(self)
        for host in hosts_for(self, self.ComputerName):
            for path in self.Path:
                if not self.should_process(path, "New-VHD"):
                    continue
                self.ops.run(None, lambda host=host, path=path: disks.begin_new_vhd(
                    the_lab, host, path, self.SizeBytes, bool(self.Fixed), self.ParentPath,
                    self.BlockSizeBytes or 0, self.LogicalSectorSizeBytes,
                    self.PhysicalSectorSizeBytes), RETURNED, host.name)


class GetVHD(Cmdlet):
    """Gets virtual hard disk files: by path, or those attached to a VM
    (-VMId, or piped from Get-VMHardDiskDrive)."""
    name = "Get-VHD"
    default_set = "Path"
    output_type = VHD_TYPE

    Path = _path(("Path",))
    VMId = Parameter("guid", array=True, position=0, mandatory=True, sets=("VMId",),
                     pipeline=True, by_property=True, aliases=("Id",))
    ComputerName = computer_name_param(sets=())

    def process(self) -> None:
        the_lab = lab(self)
        usage.sync(the_lab)
        for host in hosts_for(self, self.ComputerName):
            if self.parameter_set == "VMId":
                for vm_id in self.VMId:
                    self._of_vm(host, vm_id)
                continue
            for path in self.Path:
                vhd = find_vhd(self, host, path)
                if vhd is not None and self._readable(host, vhd):
                    self.write(vhd)

    def _of_vm(self, host: Host, vm_id: Any) -> None:
        vm = next((v for v in host.vms if v.id == vm_id), None)
        if vm is None:
            self.write_error(f'Hyper-V was unable to find a virtual machine with id "{vm_id}" '
                             f"on host '{host.name}'. Give the VM's host with -ComputerName.",
                             "InvalidParameter", "InvalidArgument", vm_id,
                             "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
            return
        for drive in vm.hard_drives:
            if drive.path:
                vhd = find_vhd(self, host, drive.path)
                if vhd is not None:
                    self.write(vhd)

    def _readable(self, host: Host, vhd: VirtualHardDisk) -> bool:
        """A disk in use by a running VM on another host is locked by that
        host (shared VHDX excepted)."""
        for drive in lab(self).drives_using(vhd):
            vm = drive.vm
            if vm.is_running and vm.host_name != host.name and \
                    not drive.support_persistent_reservations:
                self.write_error(
                    f"Getting the virtual hard disk '{vhd.path}' failed: it is in use by "
                    f"'{vm.name}' on host '{vm.host_name}', which holds it open. Ask that host "
                    f"(-ComputerName {vm.host_name}).", "ObjectInUse", "ResourceBusy", vhd.path,
                    "Microsoft.HyperV.PowerShell.VirtualizationOperationFailedException")
                return False
        return True


class ResizeVHD(OperationCmdlet):
    """Changes the size of a virtual hard disk.

    Both formats grow; only VHDX shrinks, and never below its MinimumSize
    (the end of the guest's partitions). A disk attached to a running VM
    can be resized only if it is a VHDX on a SCSI controller of a Windows
    Server 2012 R2 host."""
    name = "Resize-VHD"
    default_set = "Size"
    supports_should_process = True

    Path = _path()
    SizeBytes = Parameter("UInt64", position=1, mandatory=True, sets=("Size",))
    ToMinimumSize = Parameter(Switch, mandatory=True, sets=("MinimumSize",))
    AsJob = Parameter(Switch)
    Passthru = Parameter(Switch)
    ComputerName = computer_name_param(sets=())

    def process(self) -> None:
        the_lab = lab(self)
        for host in hosts_for(self, self.ComputerName):
            for path in self.Path:
                vhd = find_vhd(self, host, path)
                if vhd is None or not self.should_process(vhd.path, "Resize-VHD"):
                    continue
                self.ops.run(None, lambda vhd=vhd: disks.begin_resize(
                    the_lab, vhd, self.SizeBytes, bool(self.ToMinimumSize)),
                    vhd if self.Passthru else None, host.name)
