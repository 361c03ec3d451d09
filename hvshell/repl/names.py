"""Object names in the live lab, for completing parameter values.

The one place where completion reads the lab.  Each function takes the lab
(and the scope the user already typed, such as -ComputerName) and returns
names in the order they are offered (sorted, case-insensitively).  A lab
that lacks a collection yields no names rather than an error: completion
must never fail because of the lab.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable


def _items(container: Any) -> list[Any]:
    if container is None:
        return []
    if isinstance(container, dict):
        return list(container.values())
    return list(container)


def _name(obj: Any) -> str | None:
    for attr in ("Name", "name", "ComputerName"):
        value = getattr(obj, attr, None)
        if isinstance(value, str):
            return value
    return None


def _sorted(names: Iterable[str | None]) -> list[str]:
    return sorted({n for n in names if n}, key=str.lower)


def _host(lab: Any, computer_name: str | None) -> Any:
    finder = getattr(lab, "find_host", None)
    if finder is not None and computer_name:
        return finder(computer_name)
    wanted = (computer_name or "").lower()
    for host in _items(getattr(lab, "hosts", None)):
        if (_name(host) or "").lower() == wanted:
            return host
    return None


def host_names(lab: Any, scope: dict[str, str]) -> list[str]:
    return _sorted(_name(h) for h in _items(getattr(lab, "hosts", None)))


def vm_names(lab: Any, scope: dict[str, str]) -> list[str]:
    host = _host(lab, scope.get("computer_name"))
    return _sorted(_name(vm) for vm in _items(getattr(host, "vms", None)))


def switch_names(lab: Any, scope: dict[str, str]) -> list[str]:
    host = _host(lab, scope.get("computer_name"))
    return _sorted(_name(s) for s in _items(getattr(host, "switches", None)))


def _clusters(lab: Any, scope: dict[str, str]) -> list[Any]:
    clusters = _items(getattr(lab, "clusters", None))
    wanted = scope.get("cluster")
    if wanted:
        clusters = [c for c in clusters if (_name(c) or "").lower() == wanted.lower()]
    return clusters


def cluster_names(lab: Any, scope: dict[str, str]) -> list[str]:
    return _sorted(_name(c) for c in _items(getattr(lab, "clusters", None)))


def cluster_node_names(lab: Any, scope: dict[str, str]) -> list[str]:
    return _sorted(_name(node) for c in _clusters(lab, scope)
                   for node in _items(getattr(c, "nodes", None)))


def cluster_group_names(lab: Any, scope: dict[str, str]) -> list[str]:
    return _sorted(_name(group) for c in _clusters(lab, scope)
                   for group in _items(getattr(c, "groups", None)))


def storage_names(lab: Any, scope: dict[str, str]) -> list[str]:
    return _sorted(_name(s) for s in _items(getattr(lab, "storage", None)))


def storage_paths(lab: Any, scope: dict[str, str]) -> list[str]:
    return _sorted(getattr(s, "path", None) for s in _items(getattr(lab, "storage", None)))


def vhd_paths(lab: Any, scope: dict[str, str]) -> list[str]:
    host = _host(lab, scope.get("computer_name"))
    return _sorted(getattr(disk, "path", None) for vm in _items(getattr(host, "vms", None))
                   for disk in _items(getattr(vm, "disks", None)))


def checkpoint_names(lab: Any, scope: dict[str, str]) -> list[str]:
    host = _host(lab, scope.get("computer_name"))
    vms = _items(getattr(host, "vms", None))
    wanted = scope.get("vm_name")
    if wanted:
        vms = [vm for vm in vms if (_name(vm) or "").lower() == wanted.lower()]
    return _sorted(_name(cp) for vm in vms for cp in _items(getattr(vm, "checkpoints", None)))


# Parameter(complete=...) kind -> the names it offers.
SOURCES: dict[str, Callable[[Any, dict[str, str]], list[str]]] = {
    "vm": vm_names,
    "host": host_names,
    "switch": switch_names,
    "cluster": cluster_names,
    "clusternode": cluster_node_names,
    "clustergroup": cluster_group_names,
    "storage": storage_names,
    "vhd": vhd_paths,
    "checkpoint": checkpoint_names,
    "path": storage_paths,
}


def names_for(kind: str, lab: Any, scope: dict[str, str]) -> list[str]:
    """The names of kind `kind` (a `Parameter.complete` value) in `lab`.
    `scope` holds what the command line already narrows: computer_name
    (always set: the typed -ComputerName, else the session host), cluster,
    vm_name."""
    source = SOURCES.get(kind)
    if source is None or lab is None:
        return []
    return source(lab, scope)
