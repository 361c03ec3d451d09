"""Export-VM and Import-VM (docs/cmdlets.md).  Copies take
simulated time from the bytes the files hold and the storage throughput;
-AsJob returns a job at once.  Import's compatibility-report set
(Compare-VM) is not modelled."""
from __future__ import annotations

from hvshell.cmdlets.hyperv._common import (RETURNED, OperationCmdlet, computer_name_param, hosts_for,
                                     lab, report, target_vms, vm_name_param, vm_object_param)
from hvshell.model.storage import export_import as exports
from hvshell.model.kernel.errors import LabError
from hvshell.model.compute.vm import VM
from hvshell.runtime.cmdlet import Parameter, Switch


class ExportVM(OperationCmdlet):
    """Exports a virtual machine to <Path>\\<VMName>: its configuration,
    checkpoints and disks, ready for Import-VM.

    A running VM exports only on Windows Server 2012 R2, as a copy in a
    saved state (a live clone); older hosts need it off or saved."""
    name = "Export-VM"
    default_set = "Name"
    supports_should_process = True

    Name = vm_name_param()
    VM = vm_object_param()
    Path = Parameter(str, position=1, mandatory=True)
    ComputerName = computer_name_param()
    AsJob = Parameter(Switch)
    Passthru = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        for vm in target_vms(self):
            if not self.should_process(vm.name, whatif_text=f'Export-VM will export the virtual '
                                                             f'machine "{vm.name}" to '
                                                             f'"{self.Path}".'):
                continue
            self.ops.run(vm, lambda vm=vm: exports.begin_export(the_lab, vm, self.Path),
                         vm if self.Passthru else None)


class ImportVM(OperationCmdlet):
    """Imports an exported virtual machine from its configuration file
    (<export>\\Virtual Machines\\<Id>.XML).

    By default it is registered where it is, keeping its Id. -Copy copies
    its files to the host's default folders (or -VhdDestinationPath,
    -VirtualMachinePath ...), keeping the Id unless -GenerateNewId. The
    host needs the VM's virtual switches."""
    name = "Import-VM"
    default_set = "Register"
    supports_should_process = True
    output_type = VM.PS_TYPE

    Path = Parameter(str, position=0, mandatory=True, pipeline=True)
    Register = Parameter(Switch, sets=("Register",))
    Copy = Parameter(Switch, mandatory=True, sets=("Copy",))
    VhdDestinationPath = Parameter(str, position=1, sets=("Copy",))
    VirtualMachinePath = Parameter(str, sets=("Copy",))
    SnapshotFilePath = Parameter(str, sets=("Copy",))
    SmartPagingFilePath = Parameter(str, sets=("Copy",))
    GenerateNewId = Parameter(Switch, sets=("Copy",))
    ComputerName = computer_name_param(sets=())
    AsJob = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        copy = self.parameter_set == "Copy"
        for host in hosts_for(self, self.ComputerName):
            try:
                record = exports.find_export(the_lab, host, self.Path)
            except LabError as error:
                report(self, error)
                continue
            if not self.should_process(record.vm.name, whatif_text=f'Import-VM will import the '
                                                                    f'virtual machine '
                                                                    f'"{record.vm.name}" on '
                                                                    f'{host.name}.'):
                continue
            self.ops.run(None, lambda host=host, record=record: exports.begin_import(
                the_lab, host, record, copy, bool(self.GenerateNewId), self.VhdDestinationPath,
                self.VirtualMachinePath, self.SnapshotFilePath, self.SmartPagingFilePath),
                RETURNED, host.name)
