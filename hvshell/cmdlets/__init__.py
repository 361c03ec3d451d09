"""The cmdlets, a subpackage per PowerShell module family and a module per
noun family:

    powershell  the core engine and utility cmdlets (Where-Object, Select-Object,
                Format-*, Get-Help, jobs, Get-Date/Start-Sleep, sessions,
                Restart-Computer)
    hyperv      the Hyper-V module (VMs, VHDs, switches, checkpoints, export,
                migration, Replica, metering, host settings)
    clusters    the FailoverClusters module
    windows     other Windows Server modules Hyper-V admins use with it
                (NetAdapter, NetLbfo, SmbShare)
    lab         hvshell's own *-Lab* cmdlets that build and fault the lab

Importing a module registers its cmdlets."""
from __future__ import annotations

import importlib
import pkgutil
import threading

_started = False
_done = False
# The REPL loads the cmdlets in the background while the user types; a
# command run meanwhile waits here for the whole registry.  Re-entrant: a
# module being imported may call back in.
_lock = threading.RLock()


def loaded() -> bool:
    """Whether every cmdlet is registered (asked without waiting for a load
    under way: the REPL colours commands only once they can be judged)."""
    return _done


def load_all() -> None:
    global _started, _done
    if _done:
        return
    with _lock:
        if _started:
            return
        _started = True
        try:
            for info in pkgutil.walk_packages(__path__, f"{__name__}."):
                if not info.name.rpartition(".")[2].startswith("_"):
                    importlib.import_module(info.name)
        except BaseException:
            _started = False      # the next call tries again (and reports) instead of
            raise                 # going on with half a registry
        _done = True
