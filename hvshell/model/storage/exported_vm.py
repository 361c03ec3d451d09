"""Exported virtual machines: the configuration files Export-VM and
Export-VMSnapshot write, which Import-VM reads back.

The exported disks are ordinary VHD files of the lab (under the export's
'Virtual Hard Disks' folder); this record holds the configuration, kept
in the lab by the configuration file's path.
"""
from __future__ import annotations

import attrs

from hvshell.model.compute.vm import VM


@attrs.define(eq=False)
class ExportedVM:
    config_path: str        # <Path>\<VMName>\Virtual Machines\<VM Id>.XML
    computer_name: str      # the host that wrote it (local paths are per host)
    folder: str             # <Path>\<VMName>
    vm: VM                  # the configuration as exported, not part of the lab
    exported_at: float      # simulated seconds
