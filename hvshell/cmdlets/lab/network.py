"""Lab-wide network settings (module hvshell.Lab): whether the lab's
networks have a DHCP server."""
from __future__ import annotations

from hvshell.cmdlets.hyperv._common import lab
from hvshell.runtime.cmdlet import Cmdlet, Parameter

LAB = "hvshell.Lab"


class SetLabNetwork(Cmdlet):
    """Changes the lab's network services. -Dhcp $false takes the DHCP
    server away: New-Cluster then needs -StaticAddress, as on a network
    whose addresses are all assigned by hand. A new lab has DHCP."""
    name = "Set-LabNetwork"
    module = LAB
    supports_should_process = True

    Dhcp = Parameter(bool, mandatory=True)

    def process(self) -> None:
        if self.should_process("lab networks", f"Set DHCP {'on' if self.Dhcp else 'off'}"):
            lab(self).dhcp = bool(self.Dhcp)
