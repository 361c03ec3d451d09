"""The lab's update service (module hvshell.Lab): the updates
Cluster-Aware Updating finds and installs."""
from __future__ import annotations

from hvshell.cmdlets.hyperv._common import lab, report
from hvshell.model.cluster import updating
from hvshell.model.cluster.cau_views import LabUpdateView
from hvshell.model.compute.versions import HostVersion
from hvshell.model.kernel.errors import LabError
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch

LAB = "hvshell.Lab"


class AddLabUpdate(Cmdlet):
    """Publishes an update on the lab's update service: its id (a KB
    number), how long it takes to install, whether the node must restart
    after it, and the Windows Server versions it applies to (all of them
    by default). Invoke-CauScan finds it on the nodes that lack it;
    Invoke-CauRun installs it."""
    name = "Add-LabUpdate"
    module = LAB
    supports_should_process = True
    output_type = LabUpdateView.PS_TYPE

    Name = Parameter(str, position=0, mandatory=True)
    Title = Parameter(str)
    InstallSeconds = Parameter(float, default=600.0)
    RebootRequired = Parameter(Switch)
    Applicable = Parameter(str, array=True,
                           validate_set=tuple(member.name for member in HostVersion))
    PassThru = Parameter(Switch)

    def process(self) -> None:
        if not self.should_process(self.Name, "Add-LabUpdate"):
            return
        versions = [HostVersion.parse(v).name for v in self.Applicable] if self.Applicable \
            else [member.name for member in HostVersion]
        try:
            update = updating.add_update(lab(self), self.Name, self.Title, self.InstallSeconds,
                                         bool(self.RebootRequired), versions)
        except LabError as error:
            report(self, error)
            return
        if self.PassThru:
            self.write(LabUpdateView(update))
