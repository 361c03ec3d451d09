"""Default views: how each type prints when nothing asks for a format.

The view modules of this package (VIEW_MODULES) register a view per type,
keyed by the type's full name (PS_TYPE), e.g. in hvshell/format/hyperv_views.py:

    register_view("Microsoft.HyperV.PowerShell.VirtualMachine", TableView((
        Column("Name"),
        Column("State"),
        Column("CPUUsage(%)", "CPUUsage"),
        Column("MemoryAssigned(M)", lambda vm: vm.MemoryAssigned // 2**20),
        ...)))

A column's value is a property name or a function of the object; `align`
None means PowerShell's rule (numbers right-aligned, the rest left).

A table view may ask for its columns to be fitted to the data (`autosize`)
and for a group header whenever a property changes (`group_by`, shown as
`   <group_label>: <value>`, as Get-Member shows `TypeName`).  A
`CustomView` prints each object as text (DateTime's long form, help
topics).  A type may have one view per kind: `register_view` makes a view
the type's default unless `default=False`, and Format-Table/Format-List
ask for their kind with `view_for(names, kind=TableView)`.
"""
from __future__ import annotations

import importlib
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
    autosize: bool = False
    group_by: str | Callable[[Any], Any] | None = None
    group_label: str | None = None


@attrs.frozen
class ListView:
    items: tuple[Column, ...]


@attrs.frozen
class CustomView:
    render: Callable[[Any], str]
    out_of_band: bool = False     # printed on its own, never inside a block (error records)


View = TableView | ListView | CustomView

_VIEWS: dict[str, View] = {}
_VIEWS_BY_KIND: dict[tuple[str, type], View] = {}


def register_view(type_name: str, view: View, default: bool = True) -> None:
    """Register `view` for `type_name`; default=False adds it only as the
    view of its kind (a list view Format-List uses, say)."""
    key = type_name.lower()
    if default:
        _VIEWS[key] = view
    _VIEWS_BY_KIND[(key, type(view))] = view


def view_for(type_names: list[str], kind: type | None = None) -> View | None:
    """The registered view for the most specific of `type_names` (of the
    given kind, when asked)."""
    _load_view_modules()
    for name in type_names:
        key = name.lower()
        view = _VIEWS.get(key) if kind is None else _VIEWS_BY_KIND.get((key, kind))
        if view is not None:
            return view
    return None


_loaded = False


# The modules that declare views, each for one family of types.
VIEW_MODULES = ("powershell_views", "hyperv_views", "storage_views", "migration_views",
                "replica_views")


def _load_view_modules() -> None:
    """Importing the view modules registers their views (once)."""
    global _loaded
    if not _loaded:
        _loaded = True
        for name in VIEW_MODULES:
            importlib.import_module(f"{__package__}.{name}")
