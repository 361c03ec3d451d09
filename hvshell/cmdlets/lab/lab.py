"""The simulator's own cmdlets (module hvshell.Lab, docs/cmdlets.md):
build and inspect the lab, give VMs workloads, inject faults, save and
load the whole lab."""
from __future__ import annotations

import datetime as dt

from hvshell.cmdlets.hyperv._common import (OperationCmdlet, computer_name_param, host_named, lab,
                                            report, target_vms, terminate, vm_name_param,
                                            vm_object_param, vms_named)
from hvshell.model.compute import build, config, power
from hvshell.model.kernel.errors import LabError, LabFileError, lab_argument
from hvshell.model.kernel.events import EventKind
from hvshell.model.compute.host import HostState, LabHost, ProcessorVendor
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.model.network.objects import DEFAULT_SUBNET
from hvshell.model.kernel.persist import lab_from_bytes, lab_to_text
from hvshell.model.compute.power import HOST_FAULTS, STORAGE_FAULTS
from hvshell.model.kernel.schedule import schedule_action
from hvshell.model.storage.objects import StorageLocation, StorageType, VhdType
from hvshell.model.compute.versions import HostVersion
from hvshell.model.compute.workload import GuestOS, LabWorkload, WorkloadProfile
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch

LAB = "hvshell.Lab"
GB = 2**30
TB = 2**40


class NewLabHost(Cmdlet):
    """Adds a Hyper-V host to the lab, with a local volume C: (2 TB,
    500 MB/s, 20000 IOPS) and one 10 Gbps NIC named NIC1 on 10.0.0.0/24.

    The first host created is where the shell stands ($env:COMPUTERNAME).
    Like the lab's other building cmdlets it outputs nothing unless asked
    with -PassThru, so set-up scripts stay quiet."""
    name = "New-LabHost"
    module = LAB
    supports_should_process = True
    output_type = LabHost.PS_TYPE

    Name = Parameter(str, position=0, mandatory=True, pipeline=True, by_property=True)
    # A validate-set of names: `-Version 2012` arrives as a number.
    Version = Parameter(str, default="2012R2",
                        validate_set=tuple(member.name for member in HostVersion))
    ProcessorVendor = Parameter(ProcessorVendor, default=ProcessorVendor.Intel)
    ProcessorGeneration = Parameter(int, default=3)
    LogicalProcessors = Parameter(int, default=32)
    Memory = Parameter(int, default=256 * GB)
    Domain = Parameter(str, default="lab.local")
    PassThru = Parameter(Switch)

    def process(self) -> None:
        if not self.should_process(self.Name, "New-LabHost"):
            return
        try:
            host = build.new_host(lab(self), self.Name, HostVersion.parse(self.Version),
                                  self.ProcessorVendor,
                                  self.ProcessorGeneration, self.LogicalProcessors, self.Memory,
                                  self.Domain)
        except LabError as error:
            report(self, error)
            return
        if self.PassThru:
            self.write(LabHost(host))


class AddLabNic(Cmdlet):
    """Adds a physical network adapter to a lab host."""
    name = "Add-LabNic"
    module = LAB
    supports_should_process = True

    ComputerName = Parameter(str, by_property=True, complete="host")
    Name = Parameter(str, position=0, mandatory=True)
    SpeedGbps = Parameter(float, default=10.0)
    Rdma = Parameter(Switch)
    Subnet = Parameter(str, default=DEFAULT_SUBNET)

    def process(self) -> None:
        host = host_named(self, self.ComputerName, require_up=False)
        if host is None or not self.should_process(f"{host.name}\\{self.Name}", "Add-LabNic"):
            return
        try:
            self.write(build.add_nic(lab(self), host, self.Name, self.SpeedGbps, self.Rdma,
                                     self.Subnet))
        except LabError as error:
            report(self, error)


class NewLabStorage(Cmdlet):
    """Adds storage: a local volume of a host (-Type Local -ComputerName),
    a cluster shared volume (-Type CSV -Cluster) or an SMB 3.0 share
    (-Type SMB -Path \\\\SERVER\\Share)."""
    name = "New-LabStorage"
    module = LAB
    supports_should_process = True

    Name = Parameter(str, position=0, mandatory=True)
    Type = Parameter(StorageType, mandatory=True)
    Path = Parameter(str)
    ComputerName = Parameter(str, complete="host")
    Cluster = Parameter(str, complete="cluster")
    Capacity = Parameter(int, default=4 * TB)
    ThroughputMBps = Parameter(float, default=1000.0)
    Iops = Parameter(float, default=50000.0)

    def process(self) -> None:
        the_lab = lab(self)
        host = cluster = None
        if self.Cluster is not None:
            cluster = the_lab.find_cluster(self.Cluster)
            if cluster is None:
                report(self, lab_argument(f"There is no cluster named '{self.Cluster}' in the "
                                          "lab. Create it with New-Cluster.", self.Cluster))
                return
        if self.Type is StorageType.Local:
            host = host_named(self, self.ComputerName, require_up=False)
            if host is None:
                return
        elif self.ComputerName is not None:
            host = host_named(self, self.ComputerName, require_up=False)
            if host is None:
                return
        if not self.should_process(self.Name, "New-LabStorage"):
            return
        try:
            self.write(build.new_storage(the_lab, self.Name, self.Type, self.Path, host, cluster,
                                         self.Capacity, self.ThroughputMBps, self.Iops))
        except LabError as error:
            report(self, error)


class SetLabWorkload(Cmdlet):
    """Sets what runs inside VMs: a -Profile sets every figure (working set,
    dirty rate, CPU, IOPS, disk writes, zero pages, compressibility);
    explicit values override it."""
    name = "Set-LabWorkload"
    module = LAB
    supports_should_process = True

    VMName = Parameter(str, array=True, position=0, mandatory=True, pipeline=True,
                       by_property=True, aliases=("Name",), complete="vm")
    ComputerName = Parameter(str, array=True, by_property=True, complete="host")
    Profile = Parameter(WorkloadProfile)
    GuestOS = Parameter(GuestOS)
    WorkingSet = Parameter(int)
    DirtyRateMBps = Parameter(float)
    CpuPercent = Parameter(float)
    Iops = Parameter(float)
    DiskWriteMBps = Parameter(float)
    ZeroPagePercent = Parameter(float)
    CompressionRatio = Parameter(float)
    PassThru = Parameter(Switch)

    def process(self) -> None:
        for vm in vms_named(self, self.VMName, self.ComputerName):
            if not self.should_process(vm.name, "Set-LabWorkload"):
                continue
            try:
                config.set_workload(
                    vm, profile=self.Profile, guest_os=self.GuestOS, working_set=self.WorkingSet,
                    dirty_rate_mbps=self.DirtyRateMBps, cpu_percent=self.CpuPercent,
                    iops=self.Iops, disk_write_mbps=self.DiskWriteMBps,
                    zero_page_percent=self.ZeroPagePercent,
                    compression_ratio=self.CompressionRatio)
            except LabError as error:
                report(self, error)
                continue
            if self.PassThru:
                self.write(LabWorkload(vm))


class SetLabGuestDisk(Cmdlet):
    """Says what the guest has partitioned and written on a virtual disk.

    A new VHD has no partition and nothing used; a dynamic file grows with
    what is written."""
    name = "Set-LabGuestDisk"
    module = LAB
    supports_should_process = True

    Path = Parameter(str, position=0, mandatory=True, pipeline=True, by_property=True,
                     aliases=("FullName",), complete="vhd")
    ComputerName = Parameter(str, by_property=True, complete="host")
    PartitionSize = Parameter(int)
    UsedSize = Parameter(int)
    PassThru = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        host = host_named(self, self.ComputerName)
        if host is None:
            return
        vhd = the_lab.find_vhd(host.name, self.Path)
        if vhd is None:
            report(self, LabError(f"There is no virtual hard disk '{self.Path}' on host "
                                  f"'{host.name}'. Create it with New-VHD or New-VM -NewVHDPath.",
                                  "ObjectNotFound", "ObjectNotFound", self.Path,
                                  "System.Management.Automation.ItemNotFoundException"))
            return
        partition = vhd.partition_size if self.PartitionSize is None else int(self.PartitionSize)
        used = vhd.used_size if self.UsedSize is None else int(self.UsedSize)
        problem = None
        if partition < 0 or used < 0:
            problem = "-PartitionSize and -UsedSize cannot be negative."
        elif partition > vhd.size:
            problem = (f"The partition ({partition // 2**20} MB) cannot be larger than the disk "
                       f"({vhd.size // 2**20} MB). Enlarge the disk first (Resize-VHD).")
        elif used > partition:
            problem = (f"The guest cannot have written {used // 2**20} MB on a "
                       f"{partition // 2**20} MB partition. Raise -PartitionSize, or lower "
                       "-UsedSize.")
        if problem is None and vhd.vhd_type is not VhdType.Fixed:
            location = the_lab.vhd_location(vhd)
            before = vhd.FileSize
            old_used = vhd.used_size
            vhd.used_size = used
            growth = vhd.FileSize - before
            vhd.used_size = old_used
            if location is not None and growth > location.FreeSpace:
                problem = (f"Storage '{location.name}' has {location.FreeSpace // 2**20} MB free; "
                           f"the file would grow by {growth // 2**20} MB.")
        if problem is not None:
            report(self, lab_argument(problem, self.Path))
            return
        if not self.should_process(vhd.path, "Set-LabGuestDisk"):
            return
        vhd.partition_size = partition
        vhd.used_size = used
        if self.PassThru:
            self.write(vhd)


class GrantLabDelegation(Cmdlet):
    """Tells the lab's domain that hosts may delegate credentials to others
    (Active Directory's constrained delegation to their cifs and Microsoft
    Virtual System Migration Service services), which live migration with
    Kerberos authentication needs: -ComputerName may delegate to each of
    -DelegateTo. Delegation goes one way; grant both ways to migrate both
    ways."""
    name = "Grant-LabDelegation"
    module = LAB
    supports_should_process = True

    ComputerName = Parameter(str, array=True, position=0, mandatory=True, by_property=True,
                             complete="host")
    DelegateTo = Parameter(str, array=True, position=1, mandatory=True, complete="host")

    def process(self) -> None:
        targets = [host_named(self, name, require_up=False) for name in self.DelegateTo]
        if any(t is None for t in targets):
            return
        for name in self.ComputerName:
            host = host_named(self, name, require_up=False)
            if host is None or not self.should_process(
                    host.name, f"Grant-LabDelegation to {', '.join(t.name for t in targets)}"):
                continue
            try:
                config.grant_delegation(host, targets)
            except LabError as error:
                report(self, error)


class UpdateLabIntegrationServices(OperationCmdlet):
    """Updates a guest's integration components to its host's, as an
    administrator does inside the guest after moving it from Windows Server
    2012 to 2012 R2 (IntegrationServicesState "Update required"). Setup
    runs in the guest, then the guest restarts: that restart is downtime
    (in the event log). A guest already up to date is left alone."""
    name = "Update-LabIntegrationServices"
    module = LAB
    default_set = "Name"
    supports_should_process = True

    ComputerName = computer_name_param()
    Name = vm_name_param()
    VM = vm_object_param()
    AsJob = Parameter(Switch)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        for vm in target_vms(self):
            if not self.should_process(vm.name, "Update-LabIntegrationServices"):
                continue
            if vm.guest_ready() and not vm.integration_update_required():
                self.write_warning(f"The integration services of '{vm.name}' are up to date "
                                   f"({vm.guest_integration_build()}).")
            self.ops.run(vm, lambda vm=vm: power.begin_integration_update(vm),
                         vm if self.Passthru else None)


class GetLabHost(Cmdlet):
    """Lists the lab's hosts: state, version, processors, memory (free),
    VMs, cluster."""
    name = "Get-LabHost"
    module = LAB
    output_type = LabHost.PS_TYPE

    Name = Parameter(str, array=True, position=0, complete="host")

    def process(self) -> None:
        hosts = lab(self).hosts
        for pattern in self.Name or ["*"]:
            hits = [h for h in hosts if wildcard_match(pattern, h.name)]
            if not hits and not has_wildcard(pattern):
                report(self, LabError(f"There is no host named '{pattern}' in the lab.",
                                      "HostNotFound", "ObjectNotFound", pattern,
                                      "System.ArgumentException"))
            for host in hits:
                self.write(LabHost(host))


class GetLabStorage(Cmdlet):
    """Lists the lab's storage locations: type, path, capacity and free
    space (virtual hard disks and the VMs' state files counted), throughput,
    state."""
    name = "Get-LabStorage"
    module = LAB
    output_type = StorageLocation.PS_TYPE

    Name = Parameter(str, array=True, position=0, complete="storage")

    def process(self) -> None:
        storage = lab(self).storage
        for pattern in self.Name or ["*"]:
            hits = [s for s in storage if wildcard_match(pattern, s.name)]
            if not hits and not has_wildcard(pattern):
                report(self, lab_argument(f"There is no storage named '{pattern}' in the lab. "
                                          "Get-LabStorage lists them all.", pattern))
            for location in hits:
                self.write(location)


class GetLabEvent(Cmdlet):
    """The lab's timeline: host and VM state changes, faults, jobs,
    migrations."""
    name = "Get-LabEvent"
    module = LAB

    After = Parameter(dt.datetime)
    Kind = Parameter(str, array=True, position=0)

    def process(self) -> None:
        the_lab = lab(self)
        for event in the_lab.events:
            if self.After is not None and the_lab.time_at(event.time) <= self.After:
                continue
            if self.Kind and not any(wildcard_match(k, event.kind) for k in self.Kind):
                continue
            self.write(event)


class InvokeLabFault(Cmdlet):
    """Injects a fault at simulated time now + -After seconds: a host
    crashes or recovers, loses or regains its network; storage goes
    offline or comes back."""
    name = "Invoke-LabFault"
    module = LAB
    default_set = "Host"
    supports_should_process = True

    ComputerName = Parameter(str, mandatory=True, sets=("Host",), complete="host")
    Storage = Parameter(str, mandatory=True, sets=("Storage",), complete="storage")
    Fault = Parameter(str, mandatory=True, validate_set=HOST_FAULTS + STORAGE_FAULTS)
    After = Parameter(float, default=0.0)

    def process(self) -> None:
        the_lab = lab(self)
        fault = next(f for f in HOST_FAULTS + STORAGE_FAULTS if f.lower() == self.Fault.lower())
        if self.After < 0:
            raise terminate(lab_argument("-After is a number of seconds from now, 0 or more.",
                                         self.After))
        if self.parameter_set == "Storage":
            if fault not in STORAGE_FAULTS:
                raise terminate(lab_argument(f"{fault} is a host fault: use -ComputerName.", fault))
            location = the_lab.find_storage(self.Storage)
            if location is None:
                raise terminate(lab_argument(
                    f"There is no storage named '{self.Storage}'. Storage: "
                    f"{', '.join(s.name for s in the_lab.storage) or 'none'}.", self.Storage))
            target = location.name
        else:
            if fault not in HOST_FAULTS:
                raise terminate(lab_argument(f"{fault} is a storage fault: use -Storage.", fault))
            host = the_lab.find_host(self.ComputerName)
            if host is None:
                raise terminate(lab_argument(f"There is no host named '{self.ComputerName}' in "
                                             "the lab.", self.ComputerName))
            if fault == "HostRecover" and host.state is not HostState.Down and self.After == 0:
                self.write_warning(f"Host {host.name} is not down; HostRecover does nothing.")
            target = host.name
        if not self.should_process(target, f"Invoke-LabFault {fault}"):
            return
        schedule_action(the_lab, self.After, fault, target)
        the_lab.record(EventKind.FaultScheduled, target, f"{fault} on {target} at "
                       f"{the_lab.time_at(the_lab.clock.now + self.After):%H:%M:%S}.")
        if self.After == 0:
            the_lab.clock.run_until(the_lab.clock.now)


class ExportLab(Cmdlet):
    """Saves the whole lab to one file (atomically)."""
    name = "Export-Lab"
    module = LAB
    supports_should_process = True

    Path = Parameter(str, position=0, mandatory=True)

    def process(self) -> None:
        if not self.should_process(str(self.Path), "Export-Lab"):
            return
        self.ctx.files.replace(self.Path, lab_to_text(lab(self)).encode("utf-8"))


class ImportLab(Cmdlet):
    """Replaces the lab with one saved by Export-Lab (or --lab)."""
    name = "Import-Lab"
    module = LAB
    supports_should_process = True

    Path = Parameter(str, position=0, mandatory=True)

    def process(self) -> None:
        data = self.ctx.files.read(self.Path)
        if not self.should_process(str(self.Path), "Import-Lab"):
            return
        try:
            new_lab = lab_from_bytes(data, f"'{self.Path}'")
        except LabFileError as error:
            raise terminate(error) from None
        self.ctx.lab = new_lab
        here = self.ctx.computer_name
        if new_lab.find_host(here) is None or here == new_lab.local_host_name:
            self.ctx.computer_name = None
