"""The cmdlets, one module per noun family.  Importing a module registers
its cmdlets (and the views of the types they return)."""
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


def load_all() -> None:
    global _started, _done
    if _done:
        return
    with _lock:
        if _started:
            return
        _started = True
        try:
            for info in pkgutil.iter_modules(__path__):
                if not info.name.startswith("_"):
                    importlib.import_module(f"{__name__}.{info.name}")
        except BaseException:
            _started = False      # the next call tries again (and reports) instead of
            raise                 # going on with half a registry
        _done = True
