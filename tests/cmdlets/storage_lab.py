"""A small lab for the disk, checkpoint, export, network and metering
cmdlet tests: a two-node 2012 R2 cluster with a CSV, an SMB share, a 2012
host and a 2008 R2 host; and a check that a refused command left the lab
exactly as it was."""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

from hvshell.model.compute import usage
from hvshell.model.kernel.persist import lab_to_document
from tests.cmdlets.hyperv_shell import Shell, lab_shell

MB = 2**20
GB = 2**30
TB = 2**40
CSV = "C:\\ClusterStorage\\Volume1"
SHARE = "\\\\SOFS\\VMs"
DEFAULT_VHD_FOLDER = "C:\\Users\\Public\\Documents\\Hyper-V\\Virtual Hard Disks"

BASE = f"""
New-LabHost HV01 -Memory 64GB | Out-Null
New-LabHost HV02 -Memory 64GB | Out-Null
New-LabHost HV12 -Version 2012 -Memory 64GB | Out-Null
New-LabHost HV08 -Version 2008R2 -Memory 64GB | Out-Null
New-Cluster -Name C1 -Node HV01, HV02 -StaticAddress 10.0.0.5 -NoStorage | Out-Null
New-LabStorage CSV1 -Type CSV -Cluster C1 -Capacity 4TB -ThroughputMBps 1000 -Iops 50000 | Out-Null
New-LabStorage SOFS -Type SMB -Path {SHARE} -Capacity 4TB -ThroughputMBps 2000 | Out-Null
"""


def storage_shell(script: str = "") -> Shell:
    return lab_shell(BASE + script)


def new_vm_script(name: str, generation: int = 2, host: str = "HV01", folder: str = CSV,
                  size: str = "60GB", memory: str = "2GB", used: str = "20GB") -> str:
    """A VM with a boot disk of `size` (partitioned whole, `used` written)."""
    extension = "vhd" if host == "HV08" else "vhdx"
    disk = f"{folder}\\{name}\\{name}.{extension}" if folder else f"{name}.{extension}"
    full = disk if folder else f"'{DEFAULT_VHD_FOLDER}\\{disk}'"
    path = f"-Path {folder}" if folder else ""
    return (f"New-VM {name} {memory} -Generation {generation} -ComputerName {host} {path} "
            f"-NewVHDPath {disk} -NewVHDSizeBytes {size} | Out-Null\n"
            f"Set-LabGuestDisk {full} -ComputerName {host} -PartitionSize {size} "
            f"-UsedSize {used}\n")


@contextlib.contextmanager
def unchanged(shell: Shell) -> Iterator[None]:
    """The block must leave the lab (and its clock) exactly as it was.  The
    usage totals are brought up to the clock first: reading them does that
    (hvshell.model.compute.usage), and it is bookkeeping, not a change."""
    usage.sync(shell.lab)
    before = lab_to_document(shell.lab)
    yield
    assert lab_to_document(shell.lab) == before


def refused(shell: Shell, command: str, *words: str) -> Any:
    """Run a command that must fail with an error holding `words`, and
    change nothing; return the error record."""
    shell.clear_errors()
    with unchanged(shell):
        shell.run(command)
    assert shell.errors, f"{command!r} was not refused"
    record = shell.errors[-1]
    for word in words:
        assert word in record.message, (word, record.message)
    shell.clear_errors()
    return record
