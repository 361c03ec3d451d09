"""Enter-PSSession / Exit-PSSession: move the shell to another lab host
($env:COMPUTERNAME, the default of every -ComputerName) and back."""
from __future__ import annotations

from hvshell.runtime.cmdlet import Cmdlet, Parameter
from hvshell.runtime.errors import CmdletError


class EnterPSSession(Cmdlet):
    """Starts an interactive session on a lab host: commands then run
    there, and the prompt shows its name."""
    name = "Enter-PSSession"
    module = "Microsoft.PowerShell.Core"
    aliases = ("etsn",)

    ComputerName = Parameter(str, position=0, mandatory=True, aliases=("Cn",), complete="host")

    def process(self) -> None:
        lab = self.ctx.lab
        host = lab.find_host(self.ComputerName) if lab is not None else None
        if host is None:
            known = ", ".join(h.name for h in lab.hosts) if lab is not None else ""
            raise CmdletError(
                f"Connecting to remote server {self.ComputerName} failed: there is no host named "
                f"'{self.ComputerName}' in the lab (hosts: {known or 'none'}).",
                "CreateRemoteRunspaceFailed", "InvalidArgument", self.ComputerName,
                "System.Management.Automation.Remoting.PSRemotingTransportException")
        if not host.is_up:
            raise CmdletError(
                f"Connecting to remote server {host.name} failed: the host is "
                f"{host.state.name.lower()} and does not answer. Bring it back with "
                f"Invoke-LabFault -ComputerName {host.name} -Fault HostRecover.",
                "CreateRemoteRunspaceFailed", "ResourceUnavailable", host.name,
                "System.Management.Automation.Remoting.PSRemotingTransportException")
        local = lab.local_host_name
        self.ctx.computer_name = None if local and host.name.lower() == local.lower() else host.name


class ExitPSSession(Cmdlet):
    """Ends the interactive session: the shell is back on the host it
    started on."""
    name = "Exit-PSSession"
    module = "Microsoft.PowerShell.Core"
    aliases = ("exsn",)

    def process(self) -> None:
        self.ctx.computer_name = None
