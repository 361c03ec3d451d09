"""Moving virtual machines: Move-VM, Move-VMStorage and Compare-VM
(docs/cmdlets.md), and the simulator's Get-LabMigration,
Measure-LabMigration and Show-LabMigration (docs/model.md).

A move is checked against every rule first (a refusal is an error that
leaves no trace); then it runs on the lab's clock through
hvshell.model.mobility.service.  Without -AsJob the command returns when the
migration ends, the clock having advanced by its duration (and everything
else in the lab with it), reporting progress as it goes; with -AsJob it
returns a job at once.
"""
from __future__ import annotations

from typing import Any

import hvshell.format.migration_views as charts
from hvshell.cmdlets.hyperv._common import (LOCAL_NAMES, OperationCmdlet, Operations,
                                     computer_name_param, host_named, lab, local_name, report,
                                     vms_named)
from hvshell.model.kernel.errors import LabError
from hvshell.model.kernel.jobs import PAST_NO_RETURN
from hvshell.model.compute.host import VMMigrationPerformance
from hvshell.model.mobility.records import LabMigrationState, MigrationForecast, MigrationRecord
from hvshell.model.mobility.mapping import (MoveRequest, cluster_request, plan_move,
                                             plan_storage_move)
from hvshell.model.mobility.rules import VMCompatibilityReport, authentication, refusal
from hvshell.model.mobility.service import mobility, watch
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.model.compute.power import launch
from hvshell.model.compute.vm import VM
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.runtime.errors import CmdletError
from hvshell.runtime.psobject import Hashtable
from hvshell.sim import MigrationState, PerformanceOption

LAB = "hvshell.Lab"
MB = 2**20
GB = 2**30
# Simulated seconds between progress reports of a command run to its end.
PROGRESS_TICK_S = 1.0


def vhd_pairs(tables: list[Any] | None) -> list[tuple[str, str]]:
    """-Vhds: one hashtable per disk, @{SourceFilePath=...; DestinationFilePath=...}."""
    pairs = []
    for table in tables or []:
        source = table.get("SourceFilePath") if isinstance(table, Hashtable) else None
        target = table.get("DestinationFilePath") if isinstance(table, Hashtable) else None
        if source is None or target is None:
            raise CmdletError(
                "Each -Vhds entry is a hashtable naming one disk and where it goes: "
                "@{SourceFilePath='C:\\VMs\\a.vhdx'; DestinationFilePath='D:\\VMs\\a.vhdx'}.",
                "InvalidParameter", "InvalidArgument", table,
                "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
        pairs.append((str(source), str(target)))
    return pairs


def _rate(bytes_per_second: float) -> str:
    if bytes_per_second >= GB:
        return f"{bytes_per_second / GB:.1f} GB/s"
    return f"{bytes_per_second / MB:.0f} MB/s"


def progress_status(record: MigrationRecord) -> tuple[str, float, float]:
    """What a progress bar shows for a migration now: status text
    ('Pass 3, 1.1 GB/s'), percent and seconds left (-1: unknown)."""
    handle = record.handle
    if handle is None:
        return record.State.name, 100.0, 0.0
    progress = handle.progress()
    if progress.state is MigrationState.Queued:
        return "Queued: waiting for a free migration slot on both hosts", 0.0, -1.0
    if progress.pass_index is not None and progress.activity.startswith("Copying"):
        status = f"Pass {progress.pass_index + 1}"
    elif progress.activity == "Queued":     # its first step has not begun yet
        status = "Starting"
    else:
        status = progress.activity
    if progress.rate > 0:
        status += f", {_rate(progress.rate)}"
    left = -1.0 if progress.seconds_left is None else progress.seconds_left
    return status, progress.percent, left


def follow(cmdlet: Cmdlet, event: Any, activity: str, status: Any,
           records: list[MigrationRecord], timeout: float | None = None) -> bool:
    """Advance the clock until `event` triggers (or `timeout` simulated
    seconds pass), reporting progress (`status()` gives text, percent and
    seconds left) at least every PROGRESS_TICK_S.  Ctrl+C cancels the
    `records`' migrations (their VMs stay where they were).  True when the
    event triggered; its failure is raised."""
    clock = lab(cmdlet).clock
    deadline = None if timeout is None else clock.now + timeout
    shown = None
    try:
        while not event.triggered:
            text, percent, left = status()
            if (text, int(percent)) != shown:
                shown = (text, int(percent))
                cmdlet.write_progress(activity, text, percent, left)
            when = clock.next_time()
            limit = clock.now + PROGRESS_TICK_S
            if deadline is not None:
                if clock.now >= deadline:
                    return False
                limit = min(limit, deadline)
            if when is None:
                break
            if when <= limit:
                clock.step()
            else:
                clock.run_until(limit)
    except KeyboardInterrupt:
        late = [record.vm_name for record in records
                if not mobility(lab(cmdlet)).cancel(
                    record, "The operation was cancelled (Ctrl+C); the virtual machine stayed "
                            f"on {record.source}.") and record.handle is not None]
        if not late:
            raise
        cmdlet.write_warning(f"The migration of {', '.join(late)} could not be cancelled: "
                             f"{PAST_NO_RETURN}.")
    finally:
        cmdlet.write_progress(activity, "", 100, 0, completed=True)
    clock.run_until_done(event)
    return True


class Mover(Operations):
    """Runs a cmdlet's moves: each to its end (progress reported as the
    clock advances), or, under -AsJob, all in one job returned at the end."""

    def move(self, request: MoveRequest, output: Any = None) -> None:
        cmdlet = self.cmdlet
        the_lab = lab(cmdlet)
        try:
            record = mobility(the_lab).submit(request, started_on=local_name(cmdlet))
        except LabError as error:
            report(cmdlet, error)
            return
        vm = request.vm
        body = watch(record, output)
        if self.as_job:
            launch(the_lab, vm, body, self.job_for(vm.host_name))
            return
        process = launch(the_lab, vm, body)
        try:
            follow(cmdlet, process, f"Moving virtual machine '{vm.name}' {request.describe()}",
                   lambda: progress_status(record), [record])
        except LabError as error:
            report(cmdlet, error)
            return
        if output is not None:
            cmdlet.write(output)


def _whatif(cmdlet: Cmdlet, request: MoveRequest) -> bool:
    vm = request.vm
    what = "move the storage of" if request.kind.value == "Storage" else "move"
    return cmdlet.should_process(vm.name, whatif_text=f'{cmdlet.name} will {what} the virtual '
                                                      f'machine "{vm.name}" '
                                                      f'{request.describe()}.')


class _MoveTarget:
    """The parameters Move-VM, Compare-VM and Measure-LabMigration share:
    which VM (-Name/-ComputerName, -VM, or a compatibility report), where
    to, and where its files go with -IncludeStorage."""

    ComputerName = computer_name_param(sets=("Name",))
    Name = Parameter(str, position=0, mandatory=True, sets=("Name",), pipeline=True,
                     complete="vm")
    VM = Parameter(VM, position=0, mandatory=True, sets=("VM",), pipeline=True)
    CompatibilityReport = Parameter(VMCompatibilityReport, position=0, mandatory=True,
                                    sets=("CompatibilityReport",), pipeline=True)
    DestinationHost = Parameter(str, position=1, mandatory=True, sets=("Name", "VM"),
                                complete="host")
    IncludeStorage = Parameter(Switch, sets=("Name", "VM"))
    DestinationStoragePath = Parameter(str, sets=("Name", "VM"))
    VirtualMachinePath = Parameter(str, sets=("Name", "VM"))
    SnapshotFilePath = Parameter(str, sets=("Name", "VM"))
    SmartPagingFilePath = Parameter(str, sets=("Name", "VM"))
    Vhds = Parameter(Hashtable, array=True, sets=("Name", "VM"))

    def requests(self: Any) -> list[MoveRequest]:
        """The moves asked for (a parameter that cannot work is reported
        per VM)."""
        if self.parameter_set == "CompatibilityReport":
            return [self.CompatibilityReport.request]
        if str(self.DestinationHost).strip().lower() in LOCAL_NAMES:
            destination = host_named(self, local_name(self), require_up=False)
        else:
            destination = host_named(self, self.DestinationHost, require_up=False)
        if destination is None:
            return []
        if self.parameter_set == "VM":
            vms = [self.VM] if lab(self).vm_by_id(self.VM.id) is self.VM else []
            if not vms:
                self.write_error(f"The virtual machine '{self.VM.name}' no longer exists.",
                                 "ObjectNotFound", "ObjectNotFound", self.VM.name,
                                 "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
        else:
            vms = vms_named(self, [self.Name], self.ComputerName)
        pairs = vhd_pairs(self.Vhds)
        found = []
        for vm in vms:
            try:
                found.append(plan_move(
                    lab(self), vm, destination, include_storage=bool(self.IncludeStorage),
                    storage_path=self.DestinationStoragePath, vhds=pairs,
                    vm_path=self.VirtualMachinePath, snapshot_path=self.SnapshotFilePath,
                    smart_paging_path=self.SmartPagingFilePath, command=self.name))
            except LabError as error:
                report(self, error)
        return found


class MoveVM(_MoveTarget, OperationCmdlet):
    """Moves a virtual machine to another Hyper-V host: live when it runs,
    with its storage (shared-nothing) when -IncludeStorage is given.

    Without -IncludeStorage the VM's files must be on storage both hosts
    reach (an SMB 3.0 share, or a cluster shared volume between nodes).
    Rules are checked first (Compare-VM lists them); a move that fails once
    started leaves the VM running on the source."""
    name = "Move-VM"
    default_set = "Name"
    supports_should_process = True
    output_type = VM.PS_TYPE

    AsJob = Parameter(Switch)
    Passthru = Parameter(Switch)

    def begin(self) -> None:
        self.ops = Mover(self, self.AsJob)

    def process(self) -> None:
        for request in self.requests():
            if _whatif(self, request):
                self.ops.move(request, request.vm if self.Passthru else None)


class MoveVMStorage(OperationCmdlet):
    """Moves a virtual machine's storage (configuration, checkpoints, smart
    paging file and virtual hard disks) while it keeps running on its host.

    -DestinationStoragePath puts everything under one folder (the disks in
    its 'Virtual Hard Disks' subfolder); -VirtualMachinePath, -Vhds and the
    other paths place the files one by one."""
    name = "Move-VMStorage"
    default_set = "NameSingleDestination"
    supports_should_process = True

    ComputerName = computer_name_param(sets=("NameSingleDestination",
                                             "NameMultipleDestinations"))
    VMName = Parameter(str, position=0, mandatory=True, pipeline=True, complete="vm",
                       sets=("NameSingleDestination", "NameMultipleDestinations"))
    VM = Parameter(VM, position=0, mandatory=True, pipeline=True,
                   sets=("VMSingleDestination", "VMMultipleDestinations"))
    DestinationStoragePath = Parameter(str, position=1, mandatory=True,
                                       sets=("NameSingleDestination", "VMSingleDestination"))
    VirtualMachinePath = Parameter(str, sets=("NameMultipleDestinations",
                                              "VMMultipleDestinations"))
    SnapshotFilePath = Parameter(str, sets=("NameMultipleDestinations", "VMMultipleDestinations"))
    SmartPagingFilePath = Parameter(str, sets=("NameMultipleDestinations",
                                               "VMMultipleDestinations"))
    Vhds = Parameter(Hashtable, array=True, sets=("NameMultipleDestinations",
                                                  "VMMultipleDestinations"))
    AsJob = Parameter(Switch)

    def begin(self) -> None:
        self.ops = Mover(self, self.AsJob)

    def process(self) -> None:
        if self.parameter_set.startswith("VM"):
            vms = [self.VM] if lab(self).vm_by_id(self.VM.id) is self.VM else []
        else:
            vms = vms_named(self, [self.VMName], self.ComputerName)
        pairs = vhd_pairs(self.Vhds)
        for vm in vms:
            try:
                request = plan_storage_move(
                    lab(self), vm, storage_path=self.DestinationStoragePath, vhds=pairs,
                    vm_path=self.VirtualMachinePath, snapshot_path=self.SnapshotFilePath,
                    smart_paging_path=self.SmartPagingFilePath)
            except LabError as error:
                report(self, error)
                continue
            if _whatif(self, request):
                self.ops.move(request)


class CompareVM(_MoveTarget, OperationCmdlet):
    """Checks whether a virtual machine can move to a host, without moving
    it: a compatibility report whose Incompatibilities say what stands in
    the way (Message, MessageId, Source).

    Fix them, re-check with Compare-VM -CompatibilityReport, and move with
    Move-VM -CompatibilityReport."""
    name = "Compare-VM"
    default_set = "Name"
    output_type = VMCompatibilityReport.PS_TYPE

    AsJob = Parameter(Switch)

    def process(self) -> None:
        service = mobility(lab(self))
        for request in self.requests():
            result = VMCompatibilityReport(request, service.check(request))
            if self.AsJob:
                self.ops.job_for(request.vm.host_name).add(_at_once(result))
            else:
                self.write(result)


def _at_once(value: Any) -> Any:
    """A job process that returns `value` as soon as it runs."""
    yield 0.0
    return value


# ---------------------------------------------------------------------------
# The simulator's own migration cmdlets
# ---------------------------------------------------------------------------

class GetLabMigration(Cmdlet):
    """Lists the lab's migrations, past and present: what moved where, of
    which type and over which transport, when it was queued, started and
    ended, how long it took, the VM's downtime, the dirty passes, the bytes
    sent, and why it failed."""
    name = "Get-LabMigration"
    module = LAB
    output_type = MigrationRecord.PS_TYPE

    VMName = Parameter(str, array=True, position=0, pipeline=True, by_property=True,
                       aliases=("Name",), complete="vm")
    State = Parameter(LabMigrationState, array=True)

    def process(self) -> None:
        the_lab = lab(self)
        mobility(the_lab)      # settles migrations a reloaded lab was saved with
        records = the_lab.migrations
        for record in records:
            if self.VMName and not any(wildcard_match(str(p), record.vm_name)
                                       for p in self.VMName):
                continue
            if self.State and record.State not in self.State:
                continue
            self.write(record)
        for pattern in self.VMName or []:
            if not has_wildcard(str(pattern)) and not any(
                    r.vm_name.lower() == str(pattern).lower() for r in records):
                self.write_error(f"The lab has no migration of a virtual machine named "
                                 f"'{pattern}'. Get-LabMigration without -VMName lists them all.",
                                 "MigrationNotFound", "ObjectNotFound", pattern,
                                 "System.ArgumentException")


class MeasureLabMigration(_MoveTarget, Cmdlet):
    """Predicts a move without making it: Move-VM's parameters, and a row
    per -PerformanceOption (default: the source host's) with the duration,
    the downtime, the dirty passes and the bytes sent.

    The migration is predicted alone, started now: the clock does not move
    and nothing in the lab changes. A cluster role between two 2008 R2
    nodes is predicted as Move-ClusterVirtualMachineRole would move it. A
    move that Move-VM could not start from this host (CredSSP, Kerberos
    without delegation), or that would wait for a free migration slot (a
    2008 R2 host runs one at a time), is predicted all the same, with a
    warning saying why."""
    name = "Measure-LabMigration"
    module = LAB
    default_set = "Name"
    output_type = MigrationForecast.PS_TYPE

    PerformanceOption = Parameter(VMMigrationPerformance, array=True)

    def process(self) -> None:
        service = mobility(lab(self))
        for request in self.requests():
            problems = service.check(request)
            cluster_move = cluster_request(lab(self), request)
            if problems and cluster_move is not None and not service.check(cluster_move):
                # 2008 R2 nodes: what Move-ClusterVirtualMachineRole would run.
                request, problems = cluster_move, []
            if problems:
                report(self, refusal(request, problems))
                continue
            denied = None if request.cluster else authentication(request, local_name(self))
            if denied is not None:
                self.write_warning(f"Move-VM started here would fail: {denied.message}")
            waiting = service.queue_ahead(request)
            if waiting:
                self.write_warning(
                    f"{waiting}. Started now, this move would wait in the queue for a free "
                    "slot; the prediction is for the move alone.")
            options = self.PerformanceOption or [request.source.performance_option]
            for option in options:
                try:
                    result = service.predict(request, PerformanceOption(option.name))
                except LabError as error:
                    report(self, error)
                    continue
                self.write(MigrationForecast(result))


class ShowLabMigration(Cmdlet):
    """Draws one migration's passes: the bytes each sent (as a bar), its
    rate and duration, and the downtime, as text; with -OutFile, as an SVG
    chart written to that file.

    Without -Id, -VMName or piped input, the latest migration."""
    name = "Show-LabMigration"
    module = LAB
    default_set = "VMName"

    VMName = Parameter(str, position=0, sets=("VMName",), complete="vm")
    Id = Parameter(int, mandatory=True, sets=("Id",))
    InputObject = Parameter(MigrationRecord, mandatory=True, pipeline=True,
                            sets=("InputObject",))
    OutFile = Parameter(str)

    def begin(self) -> None:
        self.records: list[MigrationRecord] = []

    def process(self) -> None:
        the_lab = lab(self)
        mobility(the_lab)      # settles migrations a reloaded lab was saved with
        records = the_lab.migrations
        if self.parameter_set == "InputObject":
            chosen = [self.InputObject]
        elif self.parameter_set == "Id":
            chosen = [r for r in records if r.id == self.Id]
            if not chosen:
                raise CmdletError(f"The lab has no migration with Id {self.Id} "
                                  f"(Get-LabMigration lists them).", "MigrationNotFound",
                                  "ObjectNotFound", self.Id, "System.ArgumentException")
        else:
            chosen = [r for r in records if self.VMName is None
                      or r.vm_name.lower() == self.VMName.lower()][-1:]
            if not chosen:
                what = (f"of a virtual machine named '{self.VMName}'" if self.VMName else "yet")
                raise CmdletError(f"The lab has no migration {what}. Move a virtual machine "
                                  "first (Move-VM), or list them with Get-LabMigration.",
                                  "MigrationNotFound", "ObjectNotFound", self.VMName,
                                  "System.ArgumentException")
        self.records += chosen

    def end(self) -> None:
        if self.OutFile is None:
            for number, record in enumerate(self.records):
                lines = charts.text_chart(record)
                for line in ([""] if number else []) + lines:
                    self.write(line)
            return
        if len(self.records) != 1:
            raise CmdletError(f"-OutFile draws one migration, but {len(self.records)} were "
                              "given. Choose one with -Id.", "TooManyMigrations",
                              "InvalidArgument", self.OutFile, "System.ArgumentException")
        self.ctx.files.write(self.OutFile, charts.svg_chart(self.records[0]).encode("utf-8"))
