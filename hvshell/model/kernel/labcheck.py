"""What a saved lab must hold before anything uses it.

A lab file may come from anywhere: an older hvshell, an editor, a disk
that flipped a bit, someone testing the loader.  `load_lab` checks the
document in two passes and refuses (LabFileError, naming the first fault
and where it is) rather than let a later command fail on it:

- the JSON itself (`check_document`): nesting no deeper than a lab ever is,
  every number finite, not negative (the model keeps no negative quantity)
  and within Int64, the lab member an object with its host list;
- the structured lab (`check_lab`): names present and hosts unique, each
  VM on exactly one host and knowing which, processors and memory above
  zero, cluster nodes that are hosts of the lab, and the clock within the
  DateTime range.
"""
from __future__ import annotations

import math
from typing import Any

from hvshell.model.kernel.errors import LabFileError
from hvshell.sim.clock import LAST_SECOND

INT64_MAX = (1 << 63) - 1
# A saved lab nests about a dozen levels (lab, host, VM, drive, record ...).
MAX_DEPTH = 48


def _fault(source: str, where: str, what: str) -> LabFileError:
    return LabFileError(f"{source} is damaged: {where} {what}. Use a file written by "
                        f"Export-Lab or --lab.", source)


def check_document(document: dict[str, Any], source: str) -> None:
    """The JSON of a lab, before it is turned into objects."""
    lab = document.get("lab")
    if not isinstance(lab, dict) or not isinstance(lab.get("hosts"), list):
        raise _fault(source, "its \"lab\" member", "is not a lab (an object with a list of hosts)")
    clock = document.get("clock")
    if isinstance(clock, bool) or not isinstance(clock, (int, float)) \
            or not 0 <= clock <= LAST_SECOND:
        raise _fault(source, "its clock", f"({clock!r}) is not a time between 2014-03-25 and "
                                          f"9999-12-31")
    check_values(lab, source)


def check_values(lab: Any, source: str) -> None:
    """Every number in the lab's JSON finite, not negative, within Int64."""
    _check_values(lab, source, "lab", 0)


def _check_values(value: Any, source: str, where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _fault(source, where, f"nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_values(item, source, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, source, f"{where}[{index}]", depth + 1)
    elif isinstance(value, bool) or value is None or isinstance(value, str):
        return
    elif isinstance(value, int):
        if not 0 <= value <= INT64_MAX:
            raise _fault(source, where, f"holds {_short(value)}, outside 0 to {INT64_MAX}")
    elif isinstance(value, float):
        if not math.isfinite(value) or value < 0:
            raise _fault(source, where, f"holds {value!r}, not a quantity")


def _short(value: int) -> str:
    text = str(value) if abs(value) < 10**30 else f"a number of {len(str(abs(value)))} digits"
    return text


def check_lab(lab: Any, source: str) -> None:
    """The invariants the model relies on, on the structured lab."""
    hosts: dict[str, Any] = {}
    vm_hosts: dict[Any, str] = {}
    for index, host in enumerate(lab.hosts):
        where = f"host {index + 1}"
        if not host.name.strip():
            raise _fault(source, where, "has no name")
        key = host.name.lower()
        if key in hosts:
            raise _fault(source, f"host '{host.name}'", "appears twice")
        hosts[key] = host
        if host.logical_processors < 1:
            raise _fault(source, f"host '{host.name}'", "has no logical processors")
        if host.memory < 1:
            raise _fault(source, f"host '{host.name}'", "has no memory")
        for vm in host.vms:
            name = f"VM '{vm.name}' on host '{host.name}'"
            if vm.id in vm_hosts:
                raise _fault(source, f"VM '{vm.name}' ({vm.id})",
                             f"is on two hosts ('{vm_hosts[vm.id]}' and '{host.name}')")
            vm_hosts[vm.id] = host.name
            if vm.host_name.lower() != key:
                raise _fault(source, name, f"says it is on host '{vm.host_name}'")
            if not vm.name.strip():
                raise _fault(source, f"a VM on host '{host.name}'", "has no name")
            if vm.processor_count < 1:
                raise _fault(source, name, "has no virtual processors")
            if vm.memory_startup < 1:
                raise _fault(source, name, "has no startup memory")
            if vm.generation not in (1, 2):
                raise _fault(source, name, f"is of generation {vm.generation} (1 or 2)")
    for cluster in lab.clusters:
        for node in cluster.nodes:
            if node.name.lower() not in hosts:
                raise _fault(source, f"cluster '{cluster.name}'",
                             f"has node '{node.name}', which is no host of the lab")
