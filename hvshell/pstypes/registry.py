"""Which class a PowerShell type name means: `[Microsoft.HyperV.PowerShell.VirtualMachine]`.

A class the shell can name is registered where it is defined, with the
name it declares in `PS_TYPE`:

    @ps_type
    @attrs.define(eq=False)
    class VM:
        PS_TYPE = "Microsoft.HyperV.PowerShell.VirtualMachine"

The runtime asks `find_type(name)` for `-is`, `-as`, casts and `[Type]`
literals (hvshell/runtime/conversions.py).  Names are matched exactly, as
written in `PS_TYPE`.

Classes and enums that a script defines (`class Foo {}`) are not
registered here but in their interpreter's own table, which `find_type`
consults first while that interpreter runs (`script_types`).

Why a look-up finds every type whatever was imported before: the classes
are the model's (hvshell.model), which sits above the runtime, so the
runtime cannot import it to fill this registry.  Instead the composition
root (hvshell/shell.py, through which every shell is built: the CLI, the
demo lab's build, the test shells) installs a loader with `set_loader`;
every look-up runs it, and it imports every module of hvshell.model (at
once the first time, then it only checks that it did).  Each registered
class is defined in one of those modules and defining it registers it, so
once the loader has run the registry holds them all.  Nothing is loaded
before the first look-up: `hvshell -c 1` never imports the model.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Callable, Iterator, TypeVar

T = TypeVar("T", bound=type)

_TYPES: dict[str, type] = {}
_loader: Callable[[], None] | None = None
# The classes and enums a script defines belong to the shell that ran it:
# each interpreter keeps its own table (lower-case name -> class) and makes
# it the current one while it runs (hvshell/runtime/interpreter.py).
_script_types: ContextVar[dict[str, type] | None] = ContextVar("script_types", default=None)


def ps_type(cls: T) -> T:
    """Class decorator: register `cls` under its own `PS_TYPE`."""
    name = cls.__dict__.get("PS_TYPE")
    if not isinstance(name, str) or not name:
        raise TypeError(f"{cls.__qualname__} declares no PS_TYPE of its own")
    known = _TYPES.get(name)
    if known is not None and (known.__module__, known.__qualname__) != \
            (cls.__module__, cls.__qualname__):
        raise ValueError(f"PowerShell type {name} is already {known.__module__}.{known.__qualname__}")
    _TYPES[name] = cls          # the same class defined again (a module reloaded) replaces itself
    return cls


def set_loader(load: Callable[[], None] | None) -> None:
    """What to run before a look-up so that every class is registered
    (idempotent and thread-safe: the REPL may be loading in the background)."""
    global _loader
    _loader = load


@contextlib.contextmanager
def script_types(table: dict[str, type]) -> Iterator[None]:
    """Look-ups see the types in `table` until the block ends (a shell
    started meanwhile, such as the one building the demo lab, sees its own)."""
    token = _script_types.set(table)
    try:
        yield
    finally:
        _script_types.reset(token)


def find_type(name: str) -> type | None:
    """The class a script defined as `name` (any case), else the class
    registered as `name`, or None."""
    scripted = _script_types.get()
    if scripted:
        found = scripted.get(name.lower())
        if found is not None:
            return found
    if _loader is not None:
        _loader()
    return _TYPES.get(name)


def registered_types() -> dict[str, type]:
    """Every registered class by its type name (after loading)."""
    if _loader is not None:
        _loader()
    return dict(_TYPES)
