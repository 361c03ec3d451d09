"""Default views: how each type prints when nothing asks for a format.

A module that defines a type registers its view here, keyed by the type's
full name (PS_TYPE), e.g. in hvshell/format/hyperv_views.py:

    register_view("Microsoft.HyperV.PowerShell.VirtualMachine", TableView((
        Column("Name"),
        Column("State"),
        Column("CPUUsage(%)", "CPUUsage"),
        Column("MemoryAssigned(M)", lambda vm: vm.MemoryAssigned // 2**20),
        ...)))

A column's value is a property name or a function of the object; `align`
None means PowerShell's rule (numbers right-aligned, the rest left).
"""
from __future__ import annotations

from typing import Any, Callable

import attrs


@attrs.frozen
class Column:
    label: str
    value: str | Callable[[Any], Any] | None = None   # None: the property named `label`
    width: int | None = None
    align: str | None = None                          # 'left', 'right' or None (auto)

    def get(self, obj: Any) -> Any:
        from hvshell.runtime.psobject import get_property
        source = self.value if self.value is not None else self.label
        if callable(source):
            try:
                return source(obj)
            except Exception:  # a view column never breaks output, like PowerShell's
                return None
        return get_property(obj, source, None)


@attrs.frozen
class TableView:
    columns: tuple[Column, ...]


@attrs.frozen
class ListView:
    items: tuple[Column, ...]


View = TableView | ListView

_VIEWS: dict[str, View] = {}


def register_view(type_name: str, view: View) -> None:
    _VIEWS[type_name.lower()] = view


def view_for(type_names: list[str]) -> View | None:
    """The registered view for the most specific of `type_names`."""
    _load_view_modules()
    for name in type_names:
        view = _VIEWS.get(name.lower())
        if view is not None:
            return view
    return None


_loaded = False


def _load_view_modules() -> None:
    """Views are declared beside the cmdlets that return the types; importing
    the cmdlet modules registers them."""
    global _loaded
    if not _loaded:
        _loaded = True
        from hvshell.cmdlets import load_all
        load_all()
