"""Hyper-V Replica: Set- and Get-VMReplicationServer, Enable-,
Get-, Suspend-, Resume- and Remove-VMReplication, Start-VMInitialReplication,
Measure-VMReplication, Start-, Complete- and Stop-VMFailover
(docs/cmdlets.md)."""
from __future__ import annotations

from typing import Any, Callable

from hvshell.cmdlets.hyperv._common import (RETURNED, OperationCmdlet, computer_name_param, hosts_for,
                                     lab, report, sorted_vms, target_vms, vm_object_param)
from hvshell.model.replica import cycles, lifecycle
from hvshell.model.replica import views as replica_views
from hvshell.model.replica import failover as replica_failover
from hvshell.model.kernel.errors import LabError
from hvshell.model.replica.settings import (RecoveryAuthenticationType, ReplicationAuthenticationType,
                                       ReplicationRelationshipType)
from hvshell.model.compute.vm import VM, ReplicationHealth, ReplicationMode, ReplicationState
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch

INVALID_ARGUMENT = "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException"


def _vm_name_param(mandatory: bool = True) -> Parameter:
    return Parameter(str, array=True, position=0, mandatory=mandatory, sets=("VMName",),
                     pipeline=True, aliases=("Name",), complete="vm")


class _ReplicaCmdlet(OperationCmdlet):
    """The VMName (-ComputerName) and VMObject sets every replica cmdlet has."""
    default_set = "VMName"
    supports_should_process = True

    VMName = _vm_name_param()
    VM = vm_object_param()
    ComputerName = computer_name_param(sets=("VMName",))
    PassThru = Parameter(Switch)

    def each(self, verb: str, change: Callable[[VM], Any], output: Callable[[VM], Any]) -> None:
        """Apply an instant change to each VM (reporting a refusal and going
        on), writing `output(vm)` under -PassThru."""
        for vm in target_vms(self):
            if not self.should_process(vm.name, whatif_text=f'{self.name} will {verb} of the '
                                                             f'virtual machine "{vm.name}".'):
                continue
            try:
                change(vm)
            except LabError as error:
                report(self, error)
                continue
            if self.PassThru:
                self.write(output(vm))


class SetVMReplicationServer(Cmdlet):
    """Configures a host as a replica server: whether it accepts
    replication, with which authentication, from any primary server (then
    into -DefaultStorageLocation), and its Kerberos (HTTP) port."""
    name = "Set-VMReplicationServer"
    supports_should_process = True

    ReplicationEnabled = Parameter(bool, position=0, aliases=("RepEnabled",))
    AllowedAuthenticationType = Parameter(RecoveryAuthenticationType, position=1,
                                          aliases=("AuthType",))
    ReplicationAllowedFromAnyServer = Parameter(bool, position=2, aliases=("AllowAnyServer",))
    DefaultStorageLocation = Parameter(str, aliases=("StorageLoc",))
    KerberosAuthenticationPort = Parameter(int, aliases=("KerbAuthPort",))
    ComputerName = computer_name_param(sets=())
    Force = Parameter(Switch)
    PassThru = Parameter(Switch)

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            if not self.should_process(host.name, whatif_text=f'Set-VMReplicationServer will '
                                                               f'configure the replication '
                                                               f'server "{host.name}".'):
                continue
            try:
                lifecycle.set_replication_server(
                    host, self.ReplicationEnabled, self.AllowedAuthenticationType,
                    self.ReplicationAllowedFromAnyServer, self.DefaultStorageLocation,
                    self.KerberosAuthenticationPort)
            except LabError as error:
                report(self, error)
                continue
            if self.PassThru:
                self.write(replica_views.VMReplicationServer(host))


class GetVMReplicationServer(Cmdlet):
    """Gets the replica-server settings of hosts."""
    name = "Get-VMReplicationServer"
    output_type = replica_views.VMReplicationServer.PS_TYPE

    ComputerName = computer_name_param(sets=(), position=0)

    def process(self) -> None:
        for host in hosts_for(self, self.ComputerName):
            self.write(replica_views.VMReplicationServer(host))


class EnableVMReplication(_ReplicaCmdlet):
    """Enables replication of virtual machines to a replica server: the
    replica VM is created there (off); run Start-VMInitialReplication next.
    -ReplicationFrequencySec takes 30, 300 or 900 on Windows Server 2012 R2;
    Windows Server 2012 replicates every 300 seconds only.  Run on the
    replica server for a replica VM, it enables extended replication to a
    third Windows Server 2012 R2 server (every 300 or 900 seconds)."""
    name = "Enable-VMReplication"

    ReplicaServerName = Parameter(str, position=1, mandatory=True, aliases=("ReplicaServer",),
                                  complete="host")
    ReplicaServerPort = Parameter(int, position=2, mandatory=True, aliases=("ReplicaPort",))
    AuthenticationType = Parameter(ReplicationAuthenticationType, position=3, mandatory=True,
                                   aliases=("AuthType",))
    CompressionEnabled = Parameter(bool, default=True)
    RecoveryHistory = Parameter(int, default=0, aliases=("RecHist",))
    VSSSnapshotFrequencyHour = Parameter(int, default=0, aliases=("VSSFreq",))
    ReplicationFrequencySec = Parameter(int, aliases=("RepFreq",))

    def process(self) -> None:
        the_lab = lab(self)
        self.each("enable replication", lambda vm: lifecycle.enable(
            the_lab, vm, self.ReplicaServerName, self.ReplicaServerPort,
            self.AuthenticationType, self.ReplicationFrequencySec, self.RecoveryHistory,
            self.VSSSnapshotFrequencyHour, self.CompressionEnabled),
            lambda vm: replica_views.VMReplication(the_lab, vm))


class SetVMReplication(_ReplicaCmdlet):
    """Changes a relationship's frequency (30, 300 or 900 s on Windows
    Server 2012 R2, 300 s on 2012), compression and recovery points; or,
    with -Reverse on the replica server after a planned failover, makes
    the failed-over VM the primary replicating back."""
    name = "Set-VMReplication"

    CompressionEnabled = Parameter(bool)
    RecoveryHistory = Parameter(int, aliases=("RecHist",))
    VSSSnapshotFrequencyHour = Parameter(int, aliases=("VSSFreq",))
    ReplicationFrequencySec = Parameter(int, aliases=("RepFreq",))
    Reverse = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)

        def change(vm: VM) -> None:
            if self.Reverse:
                replica_failover.reverse(the_lab, vm)
            lifecycle.configure(the_lab, vm, self.ReplicationFrequencySec,
                              self.CompressionEnabled, self.RecoveryHistory,
                              self.VSSSnapshotFrequencyHour)

        self.each("change the replication settings", change,
                  lambda vm: replica_views.VMReplication(the_lab, vm))


class StartVMInitialReplication(_ReplicaCmdlet):
    """Copies a replicated VM's disks to its replica server over the
    network (run on the replica server, a replica VM's to its extended
    replica server); replication then runs every cycle."""
    name = "Start-VMInitialReplication"

    AsJob = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        for vm in target_vms(self):
            if self.should_process(vm.name, whatif_text=f'Start-VMInitialReplication will '
                                                         f'start the initial replication of the '
                                                         f'virtual machine "{vm.name}".'):
                self.ops.run(vm, lambda vm=vm: lifecycle.begin_initial_replication(the_lab, vm),
                             RETURNED if self.PassThru else None)


class _ReplicationQuery(Cmdlet):
    """Get- and Measure-VMReplication: the relationships of the hosts'
    VMs (or those named), filtered by state, health, mode and relationship
    type.  A replica VM's extended relationship shows with
    -ReplicationRelationshipType Extended; an extended replica's always."""
    default_set = "VMName"

    VMName = _vm_name_param(mandatory=False)
    VM = vm_object_param()
    ComputerName = computer_name_param(sets=("VMName",))
    ReplicationState = Parameter(ReplicationState, sets=("VMName",), aliases=("State",))
    ReplicationHealth = Parameter(ReplicationHealth, sets=("VMName",), aliases=("Health",))
    ReplicationMode = Parameter(ReplicationMode, sets=("VMName",), aliases=("Mode",))
    ReplicationRelationshipType = Parameter(ReplicationRelationshipType,
                                            aliases=("Relationship",))

    view: Any = None        # the output type, built from (lab, vm, relationship)

    def _relationship(self, vm: VM) -> ReplicationRelationshipType | None:
        """The relationship of the VM asked for, or None if it has none."""
        if vm.replication is None:
            return None
        if vm.replication_mode is ReplicationMode.ExtendedReplica:
            extended = ReplicationRelationshipType.Extended
            return None if self.ReplicationRelationshipType is \
                ReplicationRelationshipType.Simple else extended
        if self.ReplicationRelationshipType is ReplicationRelationshipType.Extended:
            return self.ReplicationRelationshipType if vm.replication.extended is not None \
                else None
        return ReplicationRelationshipType.Simple

    def process(self) -> None:
        named = bool(self.VM or self.VMName)
        if named:
            vms = target_vms(self)
        else:
            vms = [vm for host in hosts_for(self, self.ComputerName) for vm in sorted_vms(host)]
        for vm in vms:
            relationship = self._relationship(vm)
            if relationship is None:
                if named:
                    kind = self.ReplicationRelationshipType
                    what = f"{kind.name} replication" if kind is not None else "Replication"
                    self.write_error(f"{what} is not enabled for virtual machine '{vm.name}'. "
                                     "Enable it with Enable-VMReplication.",
                                     "InvalidParameter", "InvalidArgument", vm.name,
                                     INVALID_ARGUMENT)
                continue
            item = self.view(lab(self), vm, relationship)
            if self.ReplicationState is not None and item.State is not self.ReplicationState:
                continue
            if self.ReplicationHealth is not None and item.Health is not \
                    self.ReplicationHealth:
                continue
            if self.ReplicationMode is not None and vm.replication_mode is not \
                    self.ReplicationMode:
                continue
            self.write(item)


class GetVMReplication(_ReplicationQuery):
    """Gets the replication settings of virtual machines."""
    name = "Get-VMReplication"
    output_type = replica_views.VMReplication.PS_TYPE
    view = replica_views.VMReplication


class MeasureVMReplication(_ReplicationQuery):
    """Gets replication statistics over the monitoring window: state,
    health, last replication time, pending and average log sizes,
    successful and missed cycles."""
    name = "Measure-VMReplication"
    output_type = replica_views.VMReplicationHealth.PS_TYPE
    view = replica_views.VMReplicationHealth


def _relationship_param() -> Parameter:
    return Parameter(ReplicationRelationshipType, sets=("VMName", "VMObject"),
                     aliases=("Relationship",))


class SuspendVMReplication(_ReplicaCmdlet):
    """Pauses replication (with -ReplicationRelationshipType Extended on
    the replica server, the extended relationship); writes keep being
    tracked and are sent once it is resumed."""
    name = "Suspend-VMReplication"

    ReplicationRelationshipType = _relationship_param()

    def process(self) -> None:
        the_lab = lab(self)
        kind = self.ReplicationRelationshipType or ReplicationRelationshipType.Simple
        self.each("suspend replication", lambda vm: cycles.suspend(the_lab, vm, kind),
                  lambda vm: replica_views.VMReplication(the_lab, vm, kind))


class ResumeVMReplication(_ReplicaCmdlet):
    """Resumes suspended replication (or the extended relationship) at
    the next cycle."""
    name = "Resume-VMReplication"

    ReplicationRelationshipType = _relationship_param()

    def process(self) -> None:
        the_lab = lab(self)
        kind = self.ReplicationRelationshipType or ReplicationRelationshipType.Simple
        self.each("resume replication", lambda vm: cycles.resume(the_lab, vm, kind),
                  lambda vm: replica_views.VMReplication(the_lab, vm, kind))


class RemoveVMReplication(_ReplicaCmdlet):
    """Removes a relationship on this side (the VM's ReplicationState
    becomes Disabled; the VM stays); with -ReplicationRelationshipType
    Extended on the replica server, the replica VM's extended one.  The
    other side, in Error, is removed there with the same cmdlet."""
    name = "Remove-VMReplication"

    ReplicationRelationshipType = _relationship_param()

    def process(self) -> None:
        the_lab = lab(self)
        relationship = self.ReplicationRelationshipType or ReplicationRelationshipType.Simple
        self.each("remove replication", lambda vm: lifecycle.remove(the_lab, vm, relationship),
                  lambda vm: vm)


class StartVMFailover(_ReplicaCmdlet):
    """On the replica server, fails a replica VM over to its latest
    recovery point (start it with Start-VM); on the primary, -Prepare sends
    the last writes of a VM that is off, for a planned failover."""
    name = "Start-VMFailover"

    Prepare = Parameter(Switch)
    AsJob = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        begin = replica_failover.begin_prepare if self.Prepare else replica_failover.begin_failover
        for vm in target_vms(self):
            if self.should_process(vm.name, whatif_text=f'Start-VMFailover will '
                                                         f'{"prepare" if self.Prepare else "start"}'
                                                         f' the failover of the virtual machine '
                                                         f'"{vm.name}".'):
                self.ops.run(vm, lambda vm=vm: begin(the_lab, vm),
                             RETURNED if self.PassThru else None)


class CompleteVMFailover(_ReplicaCmdlet):
    """Commits a failover on the replica server (the other recovery points
    are deleted)."""
    name = "Complete-VMFailover"

    def process(self) -> None:
        the_lab = lab(self)
        self.each("complete the failover",
                  lambda vm: replica_failover.complete_failover(the_lab, vm), lambda vm: vm)


class StopVMFailover(_ReplicaCmdlet):
    """Cancels a failover not yet completed, or a prepared planned
    failover; replication goes on."""
    name = "Stop-VMFailover"

    def process(self) -> None:
        the_lab = lab(self)
        self.each("cancel the failover", lambda vm: replica_failover.stop_failover(the_lab, vm),
                  lambda vm: vm)
