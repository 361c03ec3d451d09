"""Object names in the live lab, for completing parameter values.

The one place where completion reads the lab (`hvshell.model.lab.Lab`).
Each function takes the lab and the scope the command line already
narrows, and yields the names there; `names_for` filters and sorts them.  A
scope that names nothing in the lab (a host that does not exist) yields no
names: completion never fails because of what was typed.

scope keys: computer_name (always set: the typed -ComputerName, else the
session host), cluster (a typed -Cluster), vm_name (a typed -VMName); for
real files, root (the directory files must stay below) and word (the path
typed so far).
"""
from __future__ import annotations

import pathlib
from typing import Any, Callable, Iterable


def _host(lab: Any, scope: dict[str, str]) -> Any:
    name = scope.get("computer_name")
    return lab.find_host(name) if name else None


def host_names(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    return (h.name for h in lab.hosts)


def vm_names(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    host = _host(lab, scope)
    return (vm.name for vm in host.vms) if host else []


def switch_names(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    host = _host(lab, scope)
    return (s.name for s in host.switches) if host else []


def _cluster(lab: Any, scope: dict[str, str]) -> Any:
    """The typed -Cluster, else the cluster the session host belongs to
    (the FailoverClusters cmdlets' own default)."""
    if scope.get("cluster"):
        return lab.find_cluster(scope["cluster"])
    return lab.cluster_of(scope.get("computer_name") or "")


def cluster_names(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    return (c.name for c in lab.clusters)


def cluster_node_names(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    cluster = _cluster(lab, scope)
    return cluster.node_names() if cluster else []


def cluster_group_names(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    cluster = _cluster(lab, scope)
    return (g.name for g in cluster.groups) if cluster else []


def storage_names(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    return (s.name for s in lab.storage)


def storage_paths(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    """Roots of the storage the session host sees (volumes, CSVs, shares)."""
    return (s.path for s in lab.storage_visible_from(scope.get("computer_name") or ""))


def vhd_paths(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    """Virtual hard disk files the host can open: its own local ones and
    those on shared storage it sees."""
    host = scope.get("computer_name") or ""
    return (v.path for v in lab.vhds.values() if lab.find_vhd(host, v.path) is v)


def checkpoint_names(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    host = _host(lab, scope)
    if host is None:
        return []
    wanted = (scope.get("vm_name") or "").lower()
    return (s.name for vm in host.vms if not wanted or vm.name.lower() == wanted
            for s in vm.snapshots)


def file_paths(lab: Any, scope: dict[str, str]) -> Iterable[str]:
    """Real files and folders in the folder the typed path names, below the
    root that file cmdlets are confined to; folders end with the separator
    the user types (`\\` unless they type `/`).  Dot-files show only when
    the typed name starts with a dot."""
    root = pathlib.Path(scope.get("root") or ".").resolve()
    word = scope.get("word") or ""
    cut = max(word.rfind("\\"), word.rfind("/")) + 1
    folder_text, name_part = word[:cut], word[cut:]
    separator = "/" if "/" in word and "\\" not in word else "\\"
    folder = (root / folder_text.replace("\\", "/")).resolve()
    if folder != root and root not in folder.parents:
        return []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return (folder_text + entry.name + (separator if entry.is_dir() else "")
            for entry in entries if name_part.startswith(".") or not entry.name.startswith("."))


# Parameter(complete=...) kind -> the names it offers.
SOURCES: dict[str, Callable[[Any, dict[str, str]], Iterable[str]]] = {
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
    "file": file_paths,
}


# What the menu shows beside a name of each kind.
LABELS = {"vm": "Virtual machine", "host": "Host", "switch": "Virtual switch",
          "cluster": "Cluster", "clusternode": "Cluster node", "clustergroup": "Cluster group",
          "storage": "Storage", "vhd": "Virtual hard disk", "checkpoint": "Checkpoint",
          "path": "Storage path", "file": "File"}


def names_for(kind: str, lab: Any, scope: dict[str, str],
              keep: Callable[[str], bool] = bool) -> list[str]:
    """The names of kind `kind` (a `Parameter.complete` value) in `lab`
    that `keep` accepts, sorted case-insensitively, without duplicates.
    Filtering before sorting keeps a Tab on a host of thousands of VMs cheap."""
    source = SOURCES.get(kind)
    if source is None or (lab is None and kind != "file"):
        return []
    return sorted({n for n in source(lab, scope) if n and keep(n)}, key=str.lower)
