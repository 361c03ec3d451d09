"""Restart-Computer: an orderly restart of a lab host (patching), which runs
its VMs' automatic stop actions, reboots, then their automatic start actions."""
from __future__ import annotations

from hvshell.cmdlets.hyperv._common import hosts_for, lab, report
from hvshell.model.kernel.errors import LabError
from hvshell.model.cluster.objects import ClusterNode, ClusterNodeState
from hvshell.model.compute.host import Host, HostState
from hvshell.model.lab import Lab
from hvshell.model.compute.power import restart_host
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch


def _back(the_lab: Lab, host: Host) -> bool:
    """The host is up and, if it is a cluster node, no longer Down."""
    if host.state is not HostState.Up:
        return False
    cluster = the_lab.cluster_of(host.name)
    if cluster is None:
        return True
    return ClusterNode(cluster, cluster.node_record(host.name)).State is not ClusterNodeState.Down


class RestartComputer(Cmdlet):
    """Restarts computers: here, lab hosts.

    Each running VM first gets its AutomaticStopAction (Save, ShutDown or
    TurnOff); after the reboot the VMs whose AutomaticStartAction says so
    start again. Without -Wait the command returns once the restart has
    begun; with -Wait it returns when the host is up again and, for a
    cluster node, has joined its cluster (Up, or Paused if it was paused)."""

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
                    while not _back(the_lab, host) and the_lab.clock.step():
                        pass
                else:
                    the_lab.clock.run_until(the_lab.clock.now)   # the restart begins now
            except LabError as error:
                report(self, error)
