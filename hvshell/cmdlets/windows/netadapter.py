"""Host networking cmdlets of the SmbShare, NetLbfo and NetAdapter modules:
Set-, Get-, Remove-SmbBandwidthLimit; New-, Get-NetLbfoTeam; Enable-,
Disable-, Get-NetAdapterRdma; Set-, Get-NetAdapterAdvancedProperty (jumbo
frames).  Like the real CIM cmdlets without -CimSession they act on the
host the shell stands on (Enter-PSSession to change it)."""
from __future__ import annotations

from typing import Any, Callable, ClassVar, Generator

from hvshell.cmdlets.hyperv._common import RETURNED, OperationCmdlet, host_named, lab, report
from hvshell.model.network import config as netconfig
from hvshell.model.kernel.errors import LabError
from hvshell.model.compute.host import Host
from hvshell.model.network.objects import HostNic, LoadBalancingAlgorithm, NicTeam, TeamingMode
from hvshell.model.network.config import (BandwidthLimitCategory, NetAdapterJumboPacket,
                                     NetAdapterRdma, SmbBandwidthLimit)
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.runtime.cmdlet import Parameter, Switch

CIM_EXCEPTION = "Microsoft.Management.Infrastructure.CimException"


class _CimCmdlet(OperationCmdlet):
    """A CIM cmdlet: acts on the local host; -AsJob returns a job."""

    def host(self) -> Host | None:
        return host_named(self, None)

    def report(self, error: LabError) -> None:
        error.exception_type = CIM_EXCEPTION   # what a CIM cmdlet reports
        report(self, error)

    def run(self, host: Host, action: Callable[[], Any]) -> None:
        """Do `action` now (or in a job), writing what it returns."""
        def operation() -> Generator[Any, Any, Any]:
            yield 0.0
            try:
                return action()
            except LabError as error:
                error.exception_type = CIM_EXCEPTION
                raise
        self.ops.run(None, operation, RETURNED, host.name)


# ---------------------------------------------------------------------------
# SMB bandwidth limits (Windows Server 2012 R2, feature FS-SMBBW)
# ---------------------------------------------------------------------------

class SetSmbBandwidthLimit(_CimCmdlet):
    """Limits the bandwidth SMB uses for one category of traffic: Default,
    VirtualMachine (VM storage on SMB shares) or LiveMigration (SMB live
    migration). At least 1 MB per second."""
    name = "Set-SmbBandwidthLimit"
    module = "SmbShare"
    supports_should_process = True

    Category = Parameter(BandwidthLimitCategory, mandatory=True)
    BytesPerSecond = Parameter("UInt64", mandatory=True)
    AsJob = Parameter(Switch)

    def process(self) -> None:
        host = self.host()
        if host is None or not self.should_process(self.Category.name, "Set-SmbBandwidthLimit"):
            return
        self.run(host, lambda: netconfig.set_smb_limit(lab(self), host, self.Category,
                                                       self.BytesPerSecond))


class GetSmbBandwidthLimit(_CimCmdlet):
    """Gets the SMB bandwidth limits set on the host (none: no output)."""
    name = "Get-SmbBandwidthLimit"
    module = "SmbShare"
    output_type = SmbBandwidthLimit.PS_TYPE

    Category = Parameter(BandwidthLimitCategory, array=True, position=1, by_property=True)
    AsJob = Parameter(Switch)

    def process(self) -> None:
        host = self.host()
        if host is None:
            return
        wanted = self.Category or list(BandwidthLimitCategory)
        self.run(host, lambda: [SmbBandwidthLimit(host, c) for c in BandwidthLimitCategory
                                if c in wanted and c.name in host.smb_bandwidth_limits] or None)


class RemoveSmbBandwidthLimit(_CimCmdlet):
    """Removes SMB bandwidth limits (all categories unless -Category)."""
    name = "Remove-SmbBandwidthLimit"
    module = "SmbShare"
    supports_should_process = True

    Category = Parameter(BandwidthLimitCategory, array=True, position=1, by_property=True)
    AsJob = Parameter(Switch)

    def process(self) -> None:
        host = self.host()
        if host is None:
            return
        for category in self.Category or list(BandwidthLimitCategory):
            if self.should_process(category.name, "Remove-SmbBandwidthLimit"):
                self.run(host, lambda c=category: netconfig.remove_smb_limit(lab(self), host, c)
                         and None)


# ---------------------------------------------------------------------------
# NIC teaming
# ---------------------------------------------------------------------------

class NewNetLbfoTeam(_CimCmdlet):
    """Creates a NIC team of the host's adapters (names may hold wildcards).

    The team interface (-TeamNicName, default the team's name) takes the
    first member's address; bind a virtual switch to it with New-VMSwitch
    -NetAdapterName. RDMA does not work through a team; the Dynamic
    algorithm needs Windows Server 2012 R2."""
    name = "New-NetLbfoTeam"
    module = "NetLbfo"
    supports_should_process = True
    output_type = NicTeam.PS_TYPE

    Name = Parameter(str, position=0, mandatory=True)
    TeamMembers = Parameter(str, array=True, position=1, mandatory=True)
    TeamNicName = Parameter(str, position=2)
    TeamingMode = Parameter(TeamingMode, position=3, aliases=("tm",),
                            default=TeamingMode.SwitchIndependent)
    LoadBalancingAlgorithm = Parameter(LoadBalancingAlgorithm, position=4, aliases=("lba",),
                                       default=LoadBalancingAlgorithm.TransportPorts)
    AsJob = Parameter(Switch)

    def process(self) -> None:
        host = self.host()
        if host is None or not self.should_process(self.Name, "New-NetLbfoTeam"):
            return
        self.run(host, lambda: self._create(host))

    def _create(self, host: Host) -> NicTeam:
        team, warnings = netconfig.new_team(lab(self), host, self.Name, list(self.TeamMembers),
                                            self.TeamNicName, self.TeamingMode,
                                            self.LoadBalancingAlgorithm)
        for text in warnings:
            self.write_warning(text)
        return team


class GetNetLbfoTeam(_CimCmdlet):
    """Gets the host's NIC teams."""
    name = "Get-NetLbfoTeam"
    module = "NetLbfo"
    output_type = NicTeam.PS_TYPE

    Name = Parameter(str, array=True, position=0)
    AsJob = Parameter(Switch)

    def process(self) -> None:
        host = self.host()
        if host is None:
            return
        teams = []
        for pattern in self.Name or ["*"]:
            matched = [t for t in host.teams if wildcard_match(str(pattern), t.name)]
            if not matched and not has_wildcard(str(pattern)):
                self.write_error(f"Host '{host.name}' has no NIC team named '{pattern}'.",
                                 "ObjectNotFound", "ObjectNotFound", pattern, CIM_EXCEPTION)
            teams.extend(t for t in matched if t not in teams)
        self.run(host, lambda: teams or None)


# ---------------------------------------------------------------------------
# NetAdapter: RDMA and advanced properties
# ---------------------------------------------------------------------------

class _AdapterCmdlet(_CimCmdlet):
    """Shows or sets one setting of the host's NICs named by -Name; each
    NIC is written as its live view (`view`)."""
    module = "NetAdapter"
    view: ClassVar[type]

    Name = Parameter(str, array=True, position=0, by_property=True,
                     aliases=("ifAlias", "InterfaceAlias"))

    def nics(self, host: Host) -> list[HostNic]:
        """The host's NICs named by -Name (all of them without it); a team
        interface is refused: RDMA and advanced properties are set on the
        physical members."""
        names = self.Name or ["*"]
        for pattern in names:
            team = next((t for t in host.teams if wildcard_match(str(pattern), t.interface_name)
                         and not has_wildcard(str(pattern))), None)
            if team is not None:
                raise LabError(f"'{pattern}' is the interface of NIC team '{team.name}'. Set "
                               f"this on its members ({', '.join(team.members)}); RDMA does not "
                               "work through a team.", "InvalidParameter", "InvalidArgument",
                               pattern, CIM_EXCEPTION)
        return netconfig.nics_matching(host, [str(n) for n in names], "(-Name)")

    def wanted(self) -> Any:
        """The value a Set cmdlet sets, read from its parameters before the
        NICs are chosen (a LabError refuses the command)."""
        return None

    def apply(self, host: Host, nics: list[HostNic], value: Any) -> None:
        raise NotImplementedError

    def process(self) -> None:
        host = self.host()
        if host is None:
            return
        try:
            value = self.wanted()
            nics = self.nics(host)
        except LabError as error:
            self.report(error)
            return
        self.apply(host, nics, value)


class _AdapterGetter(_AdapterCmdlet):
    """Writes the view of each NIC chosen."""

    def apply(self, host: Host, nics: list[HostNic], value: Any) -> None:
        self.run(host, lambda: [self.view(n) for n in nics] or None)


class _AdapterSetter(_AdapterCmdlet):
    """Sets the value on each NIC chosen; a NIC whose value changes
    restarts unless -NoRestart; -PassThru writes its view."""
    supports_should_process = True

    def current(self, nic: HostNic) -> Any:
        raise NotImplementedError

    def store(self, nic: HostNic, value: Any) -> None:
        raise NotImplementedError

    def apply(self, host: Host, nics: list[HostNic], value: Any) -> None:
        for nic in nics:
            if self.should_process(nic.name, self.name):
                self.run(host, lambda nic=nic: self._set(nic, value))

    def _set(self, nic: HostNic, value: Any) -> Any:
        changed = self.current(nic) != value
        self.store(nic, value)
        if changed and not self.NoRestart:
            netconfig.restart_adapter(lab(self), nic)
        return self.view(nic) if self.PassThru else None


class _RdmaSwitch(_AdapterSetter):
    view = NetAdapterRdma
    enable: bool

    NoRestart = Parameter(Switch)
    PassThru = Parameter(Switch)
    AsJob = Parameter(Switch)

    def wanted(self) -> bool:
        return self.enable

    def current(self, nic: HostNic) -> bool:
        return nic.rdma_enabled

    def store(self, nic: HostNic, value: bool) -> None:
        netconfig.set_rdma(lab(self), nic, value)


class EnableNetAdapterRdma(_RdmaSwitch):
    """Enables RDMA on RDMA-capable adapters (SMB Direct: SMB live migration
    and storage with little CPU). Not through a team or a virtual switch."""
    name = "Enable-NetAdapterRdma"
    enable = True


class DisableNetAdapterRdma(_RdmaSwitch):
    """Disables RDMA on adapters."""
    name = "Disable-NetAdapterRdma"
    enable = False


class GetNetAdapterRdma(_AdapterGetter):
    """Gets the RDMA setting of the host's RDMA-capable adapters."""
    name = "Get-NetAdapterRdma"
    output_type = NetAdapterRdma.PS_TYPE
    view = NetAdapterRdma

    AsJob = Parameter(Switch)

    def nics(self, host: Host) -> list[HostNic]:
        return [n for n in super().nics(host) if n.rdma_capable]


class SetNetAdapterAdvancedProperty(_AdapterSetter):
    """Sets an advanced property of adapters. The lab models Jumbo Packet:
    -RegistryKeyword '*JumboPacket' -RegistryValue 9014 (or 4088, 1514 to
    turn it off), or -DisplayName 'Jumbo Packet' -DisplayValue '9014 Bytes'.
    The adapter restarts unless -NoRestart."""
    name = "Set-NetAdapterAdvancedProperty"
    view = NetAdapterJumboPacket

    DisplayName = Parameter(str, array=True, by_property=True, aliases=("DispN",))
    DisplayValue = Parameter(str, by_property=True)
    RegistryKeyword = Parameter(str, array=True, by_property=True, aliases=("RegKey",))
    RegistryValue = Parameter(str, array=True, by_property=True)
    NoRestart = Parameter(Switch)
    PassThru = Parameter(Switch)
    AsJob = Parameter(Switch)

    def wanted(self) -> int:
        return netconfig.parse_jumbo(
            self.RegistryKeyword[0] if self.RegistryKeyword else None,
            self.RegistryValue[0] if self.RegistryValue else None,
            self.DisplayName[0] if self.DisplayName else None, self.DisplayValue)

    def current(self, nic: HostNic) -> int:
        return nic.jumbo_packet

    def store(self, nic: HostNic, value: int) -> None:
        netconfig.set_jumbo(lab(self), nic, value)


class GetNetAdapterAdvancedProperty(_AdapterGetter):
    """Gets advanced properties of the host's adapters (the lab models
    Jumbo Packet)."""
    name = "Get-NetAdapterAdvancedProperty"
    output_type = NetAdapterJumboPacket.PS_TYPE
    view = NetAdapterJumboPacket

    AsJob = Parameter(Switch)
