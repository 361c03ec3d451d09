"""Objects to format records: the choice of view and the text of each cell.

The rules are PowerShell's (Format-Default, Format-Table, Format-List):

- Strings, numbers, booleans, enums and objects without properties print
  as their ToString, on their own line ("out of band"), wherever they come;
  so do types whose view is marked out of band (error records).
- Arrays are unrolled; a hashtable is shown as its Name/Value entries.
- The first other object opens a block and fixes its view: the type's
  registered view, or, for a type without one, a table of its properties
  when it has at most 4 and a list otherwise (Format-Table and Format-List
  force the shape; -Property chooses the columns).
- A block built from a registered view takes only objects of the types
  that view covers; any other object is printed out of band as a list.
  A block Out-Default builds from properties takes the objects of the
  first object's type, with its columns (a later object's other
  properties do not show: every [pscustomobject] is of one type); objects
  of other types print out of band as lists.  A block that Format-Table or
  Format-List builds from properties takes every object.
- With a group-by property, a new group (header and table head) starts
  whenever its value changes.
"""
from __future__ import annotations

from typing import Any, Callable

from hvshell.format import records as rec
from hvshell.format.layout import LEFT, RIGHT
from hvshell.format.properties import PropertySpec, expand, value_or_null
from hvshell.format.text import ENUMERATION_LIMIT, cell_text, is_right_aligned, is_scalar
from hvshell.format.views import Column, CustomView, ListView, TableView, View, view_for
from hvshell.runtime.conversions import AutomationNullType
from hvshell.runtime.dotnet_format import FormatError, format_value
from hvshell.runtime.psobject import (DictionaryEntry, Hashtable, property_names,
                                      to_display_string, type_names)

# Properties of more than this many make a type without a view a list.
TABLE_PROPERTY_LIMIT = 4

GROUP_INDENT = "   "


def _text(value: Any, format_string: str | None = None) -> str:
    if format_string and value is not None:
        try:
            return format_value(value, format_string)
        except (FormatError, ValueError, TypeError):
            pass
    return cell_text(value, ENUMERATION_LIMIT)


def _safe(getter: Callable[[Any], Any], obj: Any) -> Any:
    try:
        return getter(obj)
    except Exception:  # a display column never breaks output, like PowerShell's
        return None


class _Field:
    """One column or list item: a label and how to get its value."""

    def __init__(self, label: str, getter: Callable[[Any], Any], width: int | None = None,
                 align: str | None = None, format_string: str | None = None):
        self.label = label
        self.getter = getter
        self.width = width
        self.align = align
        self.format_string = format_string

    def text(self, obj: Any) -> str:
        return _text(_safe(self.getter, obj), self.format_string)

    @classmethod
    def from_column(cls, column: Column) -> "_Field":
        return cls(column.label, column.get, column.width, column.align)

    @classmethod
    def from_spec(cls, spec: PropertySpec, ctx: Any) -> "_Field":
        return cls(spec.name, lambda obj: value_or_null(spec, obj, ctx), spec.width,
                   spec.alignment, spec.format_string)

    @classmethod
    def from_name(cls, name: str) -> "_Field":
        return cls.from_spec(PropertySpec(name), None)


class _Block:
    """The open block: its shape, its view (None when built from
    properties), and how to turn one object into an entry."""

    def __init__(self, shape: str, view: View | None, kind: type | None,
                 fields: list[_Field] | None = None,
                 list_fields: Callable[[Any], list[_Field]] | None = None,
                 render: Callable[[Any], str] | None = None, only_type: str | None = None):
        self.shape = shape
        self.view = view
        self.kind = kind
        self.fields = fields or []
        self.list_fields = list_fields
        self.render = render
        self.only_type = only_type        # property-built by Out-Default: this type only

    def covers(self, obj: Any) -> bool:
        if self.view is None:
            return self.only_type is None or type_names(obj)[0] == self.only_type
        return view_for(type_names(obj), self.kind) is self.view

    def entry(self, obj: Any) -> rec.FormatEntry:
        if self.shape == rec.TABLE:
            return rec.FormatEntry(rec.TABLE, values=[f.text(obj) for f in self.fields])
        if self.shape == rec.LIST:
            fields = self.list_fields(obj) if self.list_fields else self.fields
            return rec.FormatEntry(rec.LIST, values=[f.text(obj) for f in fields],
                                   labels=[f.label for f in fields])
        return rec.FormatEntry(rec.CUSTOM, text=_safe(self.render, obj) or "")


def _all_properties(obj: Any) -> list[_Field]:
    return [_Field.from_name(name) for name in property_names(obj)]


def _list_entry(obj: Any, out_of_band: bool) -> rec.FormatEntry:
    fields = _all_properties(obj)
    return rec.FormatEntry(rec.LIST, values=[f.text(obj) for f in fields],
                           labels=[f.label for f in fields], out_of_band=out_of_band)


class Formatter:
    """Turns objects into format records.  `shape` None is Out-Default's
    choice; 'table' and 'list' are Format-Table and Format-List, with
    their -Property arguments in `properties`."""

    def __init__(self, shape: str | None = None, properties: list[PropertySpec] | None = None,
                 group_by: PropertySpec | None = None, autosize: bool | None = None,
                 hide_header: bool = False, wrap: bool = False, ctx: Any = None):
        self.shape = shape
        self.properties = properties or []
        self.group_by = group_by
        self.autosize = autosize
        self.hide_header = hide_header
        self.wrap = wrap
        self.ctx = ctx
        self._block: _Block | None = None
        self._group_field: _Field | None = None
        self._group_value: str | None = None

    @property
    def is_open(self) -> bool:
        return self._block is not None

    def process(self, obj: Any) -> list[Any]:
        out: list[Any] = []
        self._process(obj, out)
        return out

    def end(self) -> list[Any]:
        """Close the open block, if any."""
        if self._block is None:
            return []
        self._block = None
        return [rec.GroupEnd(), rec.FormatEnd()]

    # ---- one object -----------------------------------------------------

    def _process(self, obj: Any, out: list[Any]) -> None:
        if obj is None or isinstance(obj, AutomationNullType):
            return
        if rec.is_record(obj):
            # already formatted (Format-Table output): a block of its own closes
            # ours first; its lone out-of-band lines fit anywhere
            if not (isinstance(obj, rec.FormatEntry) and obj.out_of_band):
                out.extend(self.end())
            out.append(obj)
            return
        if isinstance(obj, (list, tuple)):
            for item in obj:
                self._process(item, out)
            return
        if isinstance(obj, Hashtable):
            for key, value in obj.items():
                self._process(DictionaryEntry(key, value), out)
            return
        if is_scalar(obj):
            out.append(rec.FormatEntry(rec.CUSTOM, text=to_display_string(obj), out_of_band=True))
            return
        names = type_names(obj)
        view = view_for(names)
        if not property_names(obj) and view is None:
            out.append(rec.FormatEntry(rec.CUSTOM, text=to_display_string(obj), out_of_band=True))
            return
        if isinstance(view, CustomView) and view.out_of_band:
            out.append(rec.FormatEntry(rec.CUSTOM, text=_safe(view.render, obj) or "",
                                       out_of_band=True))
            return
        if self._block is None:
            self._block = self._open(obj)
            out.append(self._start_record(obj))
            self._group_value = self._group_text(obj)
            out.append(rec.GroupStart(self._group_label()))
        elif not self._block.covers(obj):
            out.append(_list_entry(obj, out_of_band=True))
            return
        else:
            value = self._group_text(obj)
            if value != self._group_value:
                self._group_value = value
                out.append(rec.GroupEnd())
                out.append(rec.GroupStart(self._group_label()))
        out.append(self._block.entry(obj))

    # ---- opening a block ------------------------------------------------

    def _open(self, obj: Any) -> _Block:
        names = type_names(obj)
        if self.shape is None:
            view = view_for(names)
            if view is not None:
                return self._from_view(view, None)
            count = len(property_names(obj))
            shape = rec.TABLE if count <= TABLE_PROPERTY_LIMIT else rec.LIST
            block = self._from_properties(shape, obj)
            block.only_type = names[0]
            return block
        kind = TableView if self.shape == rec.TABLE else ListView
        if not self.properties:
            view = view_for(names, kind)
            if view is not None:
                return self._from_view(view, kind)
        return self._from_properties(self.shape, obj)

    def _from_view(self, view: View, kind: type | None) -> _Block:
        if isinstance(view, TableView):
            if view.group_by is not None and self.group_by is None:
                label = view.group_label or (view.group_by if isinstance(view.group_by, str) else "")
                self._group_field = _Field.from_column(Column(label, view.group_by))
            return _Block(rec.TABLE, view, kind, [_Field.from_column(c) for c in view.columns])
        if isinstance(view, ListView):
            return _Block(rec.LIST, view, kind, [_Field.from_column(c) for c in view.items])
        assert isinstance(view, CustomView)
        return _Block(rec.CUSTOM, view, kind, render=view.render)

    def _from_properties(self, shape: str, first: Any) -> _Block:
        specs = self.properties
        if shape == rec.TABLE:
            fields = ([_Field.from_spec(s, self.ctx) for s in expand(specs, first)] if specs
                      else _all_properties(first))
            return _Block(rec.TABLE, None, None, fields)
        if specs:
            return _Block(rec.LIST, None, None, list_fields=lambda obj: [
                _Field.from_spec(s, self.ctx) for s in expand(specs, obj)])
        return _Block(rec.LIST, None, None, list_fields=_all_properties)

    def _start_record(self, first: Any) -> rec.FormatStart:
        block = self._block
        assert block is not None
        if self.group_by is not None:
            self._group_field = _Field.from_spec(self.group_by, self.ctx)
        if block.shape != rec.TABLE:
            return rec.FormatStart(block.shape)
        aligns = []
        for field in block.fields:
            if field.align:
                aligns.append(field.align)
            else:
                aligns.append(RIGHT if is_right_aligned(_safe(field.getter, first)) else LEFT)
        view_autosize = isinstance(block.view, TableView) and block.view.autosize
        autosize = self.autosize if self.autosize is not None else view_autosize
        return rec.FormatStart(rec.TABLE, labels=[f.label for f in block.fields],
                               widths=[f.width for f in block.fields], aligns=aligns,
                               autosize=autosize, hide_header=self.hide_header, wrap=self.wrap)

    # ---- groups ---------------------------------------------------------

    def _group_text(self, obj: Any) -> str | None:
        return None if self._group_field is None else self._group_field.text(obj)

    def _group_label(self) -> str | None:
        if self._group_field is None:
            return None
        return f"{GROUP_INDENT}{self._group_field.label}: {self._group_value}"
