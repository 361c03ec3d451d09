"""The composition root: a shell is the runtime with hvshell's cmdlets, lab
model and console formatter plugged in.

    interp = new_interpreter(Session(lab), stdout=..., width=...)

The runtime (hvshell.runtime) sits below the cmdlets, the model and the
formatter and imports none of them; this module, above them all, connects
them, and every shell is built here (the CLI, the demo lab's build script,
the tests' shells, the benchmarks):

- the cmdlet registry (hvshell/runtime/cmdlet.py) gets a loader that
  imports every cmdlet module (`hvshell.cmdlets.load_all`) on the first
  look-up of a command;
- the type registry (hvshell/pstypes/registry.py) gets a loader that
  imports every module of the model, so `-is`, casts and `[Type]` literals
  know every model type whatever was imported before;
- each interpreter gets the console formatter (hvshell/format/outdefault.py).

All three load on first use, not here: `hvshell -c 1` imports neither the
cmdlets nor the model, and the REPL loads them in the background behind its
first prompt (hvshell/repl/app.py), where a command typed meanwhile waits
for the loading under way (the lock in hvshell/cmdlets/__init__.py).
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from hvshell.pstypes import registry as types
from hvshell.runtime import cmdlet
from hvshell.runtime.interpreter import Interpreter
from hvshell.runtime.session import Session

_model_loaded = False
_model_lock = threading.RLock()


def load_cmdlets() -> None:
    """Every cmdlet registered (and the model modules they use)."""
    from hvshell.cmdlets import load_all
    load_all()


def load_model() -> None:
    """Every module of hvshell.model imported, so every model type is registered."""
    global _model_loaded
    if _model_loaded:
        return
    with _model_lock:
        if _model_loaded:
            return
        import importlib
        import pkgutil

        import hvshell.model
        for info in pkgutil.walk_packages(hvshell.model.__path__, "hvshell.model."):
            importlib.import_module(info.name)
        _model_loaded = True


class ConsoleOutput:
    """The runtime's Output: hvshell/format/outdefault.py, imported on the
    first object printed."""

    def console(self, write: Callable[[str], None], width: int) -> Any:
        from hvshell.format.outdefault import OutDefault
        return OutDefault(write, width)

    def render(self, objects: list[Any], width: int) -> str:
        from hvshell.format.outdefault import render
        return render(objects, width)


CONSOLE = ConsoleOutput()


def install() -> None:
    """Plug the cmdlets and the model into the runtime's registries."""
    cmdlet.set_loader(load_cmdlets)
    types.set_loader(load_model)


def new_interpreter(session: Session, **options: Any) -> Interpreter:
    """An interpreter on `session` with everything plugged in; `options`
    are Interpreter's (stdout, stderr, width)."""
    install()
    return Interpreter(session, output=CONSOLE, **options)
