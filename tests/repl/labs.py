"""Small real labs for the REPL tests, built straight from the model."""
from __future__ import annotations

from hvshell.model.compute.host import Host
from hvshell.model.lab import Lab
from hvshell.model.compute.versions import V2012R2
from hvshell.model.compute.vm import VM


def make_lab(hosts: dict[str, list[str]]) -> Lab:
    """A lab with the given hosts, each holding VMs of the given names."""
    lab = Lab(seed=1)
    for index, (host_name, vm_names) in enumerate(hosts.items()):
        host = lab.add_host(Host(host_name, V2012R2, index))
        for vm_name in vm_names:
            vm = VM(vm_name, lab.new_guid(), host_name, 2, "C:\\VMs\\" + vm_name, "5.0", 0.0)
            lab.place_vm(vm, host)
    return lab
