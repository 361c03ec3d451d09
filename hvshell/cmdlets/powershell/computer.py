"""Restart-Computer: an orderly restart of a lab host (patching), which runs
its VMs' automatic stop actions, reboots, then their automatic start actions."""
from __future__ import annotations

from hvshell.cmdlets.hyperv._common import hosts_for, lab, report
from hvshell.model.kernel.errors import LabError
from hvshell.model.compute.host import HostState
from hvshell.model.compute.power import restart_host
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch


class RestartComputer(Cmdlet):
    """Restarts computers: here, lab hosts.

    Each running VM first gets its AutomaticStopAction (Save, ShutDown or
    TurnOff); after the reboot the VMs whose AutomaticStartAction says so
    start again. Without -Wait the command returns once the restart has
    begun; with -Wait it returns when the host is up again."""

    name = "Restart-Computer"
    module = "Microsoft.PowerShell.Management"
    supports_should_process = True

    ComputerName = Parameter(str, array=True, position=0, by_property=True, pipeline=True,
                             aliases=("CN", "__SERVER", "Server", "IPAddress"), complete="host")
    Force = Parameter(Switch)
    Wait = Parameter(Switch)

    def process(self) -> None:
        the_lab = lab(self)
        for host in hosts_for(self, self.ComputerName):
            if not self.should_process(host.name, "Restart the computer."):
                continue
            try:
                stopping = the_lab.clock.process(restart_host(the_lab, host))
                if self.Wait:
                    the_lab.clock.run_until_done(stopping)
                    while host.state is not HostState.Up and the_lab.clock.step():
                        pass
                else:
                    the_lab.clock.run_until(the_lab.clock.now)   # the restart begins now
            except LabError as error:
                report(self, error)
