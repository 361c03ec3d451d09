"""Object-shaping cmdlets: Select-Object, Sort-Object, Group-Object, and
the comparison of values they share with Measure-Object (measure.py).
Get-Member is in members.py."""
from __future__ import annotations

import datetime as dt
import enum
import functools
from typing import Any

import attrs

from hvshell.format.properties import (GROUP_KEYS, SELECT_KEYS, SORT_KEYS, EvaluationError,
                                       expand, parse_properties, safe_property)
from hvshell.format.text import cell_text
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.runtime.conversions import AutomationNullType, ConversionError, to_number
from hvshell.runtime.errors import CmdletError
from hvshell.pstypes.wildcards import compile_wildcard
from hvshell.runtime.psobject import (MISSING, Hashtable, PSObject, is_numeric,
                                      to_display_string, type_name)
from hvshell.runtime.signals import StopPipeline

UTILITY = "Microsoft.PowerShell.Utility"


def _is_null(value: Any) -> bool:
    return value is None or value is MISSING or isinstance(value, AutomationNullType)


# ---------------------------------------------------------------------------
# Comparing values as Sort-Object and Group-Object do
# ---------------------------------------------------------------------------

def _compare_text(a: str, b: str, case_sensitive: bool) -> int:
    """Culture-style order: letters compare ignoring case; with case
    sensitivity a lower-case letter sorts before its capital."""
    fa, fb = a.casefold(), b.casefold()
    if fa != fb:
        return -1 if fa < fb else 1
    if not case_sensitive or a == b:
        return 0
    return -1 if a.swapcase() < b.swapcase() else 1


def compare_values(a: Any, b: Any, case_sensitive: bool = False) -> int:
    """-1, 0 or 1.  Null sorts first; the right value is converted to the
    left one's type (numbers numerically, enums by value, strings as text);
    values that cannot be compared that way compare as their text."""
    if _is_null(a) or _is_null(b):
        return (not _is_null(a)) - (not _is_null(b))
    try:
        if isinstance(a, str):
            return _compare_text(a, to_display_string(b), case_sensitive)
        if isinstance(a, enum.Enum) and isinstance(b, enum.Enum):
            left, right = a.value, b.value
        elif isinstance(a, (dt.datetime, dt.timedelta)) and type(a) is type(b):
            left, right = a, b
        elif is_numeric(a) or isinstance(a, (bool, enum.Enum)):
            left, right = to_number(a), to_number(b)
        else:
            raise TypeError
        return (left > right) - (left < right)
    except (ConversionError, TypeError):
        return _compare_text(to_display_string(a), to_display_string(b), case_sensitive)


# ---------------------------------------------------------------------------
# Select-Object
# ---------------------------------------------------------------------------

class SelectObject(Cmdlet):
    """Selects objects or object properties.

    -Property builds new objects with the properties named (wildcards and
    calculated properties `@{Name=...; Expression={...}}`); -ExpandProperty
    outputs a property's values instead.  -First, -Last, -Skip, -Index and
    -Unique choose which input objects pass."""

    name = "Select-Object"
    module = UTILITY
    aliases = ("select",)
    default_set = "DefaultParameter"

    InputObject = Parameter(object, pipeline=True)
    Property = Parameter(object, array=True, position=0)
    ExcludeProperty = Parameter(str, array=True, sets=("DefaultParameter",))
    ExpandProperty = Parameter(str, sets=("DefaultParameter",))
    Unique = Parameter(Switch)
    Last = Parameter(int, sets=("DefaultParameter",), validate_range=(0, 2**31 - 1))
    First = Parameter(int, sets=("DefaultParameter",), validate_range=(0, 2**31 - 1))
    Skip = Parameter(int, sets=("DefaultParameter",), validate_range=(0, 2**31 - 1))
    Index = Parameter(int, array=True, sets=("IndexParameter",))

    def begin(self) -> None:
        self._specs = parse_properties(self.Property, SELECT_KEYS, self.name)
        # Windows PowerShell 5.1 applies -ExcludeProperty only with -Property.
        self._exclude = [compile_wildcard(p) for p in self.ExcludeProperty or ()] \
            if self._specs else []
        self._seen = 0           # input objects counted so far
        self._emitted = 0        # objects passed on by -First
        self._held: list[Any] = []
        self._unique: list[Any] = []
        self._indexes = set(self.Index or ())
        # Only -First (with or without -Skip) can stop reading early.
        self._streaming = "Last" not in self.bound and "Index" not in self.bound

    def process(self) -> None:
        if "InputObject" not in self.bound or _is_null(self.InputObject):
            return
        position = self._seen
        self._seen += 1
        if "Index" in self.bound:
            if position in self._indexes:
                self._held.append(self.InputObject)
            return
        if not self._streaming:
            self._held.append(self.InputObject)
            return
        if position < (self.Skip or 0):
            return
        if "First" in self.bound and self._emitted >= self.First:
            raise StopPipeline()
        self._emitted += self._output(self.InputObject)
        if "First" in self.bound and self._emitted >= self.First:
            raise StopPipeline()

    def end(self) -> None:
        if self._streaming and "Index" not in self.bound:
            return
        items = self._held
        if "Last" in self.bound:
            skip = self.Skip or 0
            kept = items[:len(items) - skip] if skip else items
            last = kept[len(kept) - self.Last:] if self.Last else []
            first = kept[:self.First] if "First" in self.bound else []
            items = first + [x for x in last if not any(x is f for f in first)] \
                if "First" in self.bound else last
        for obj in items:
            self._output(obj)

    def _output(self, obj: Any) -> int:
        """Send the selection made from `obj`; how many objects went out."""
        results = self._select(obj)
        sent = 0
        for result in results:
            if self.Unique:
                if any(_same(result, other) for other in self._unique):
                    continue
                self._unique.append(result)
            self.write(result)
            sent += 1
        return sent if results else 0

    def _select(self, obj: Any) -> list[Any]:
        selected = self._build(obj) if self._specs else obj
        if self.ExpandProperty is None:
            return [selected]
        value = safe_property(obj, self.ExpandProperty)
        if value is MISSING:
            self.write_error(f'Property "{self.ExpandProperty}" cannot be found.',
                             "ExpandPropertyNotFound", "InvalidArgument", obj,
                             "System.Management.Automation.PSArgumentException")
            return []
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if self._specs and isinstance(selected, PSObject):
            values = [_with_properties(v, selected) for v in values]
        return values

    def _build(self, obj: Any) -> PSObject | None:
        out = PSObject(type_names=[f"Selected.{type_name(obj)}",
                                   "System.Management.Automation.PSCustomObject"])
        for spec in expand(self._specs, obj):
            name = spec.name
            if any(p.match(name) for p in self._exclude):
                continue
            if out.has(name):
                self.write_error(
                    f'The property cannot be processed because the property "{name}" already '
                    f'exists.', "AlreadyExistingUserSpecifiedPropertyNoExpand", "InvalidOperation",
                    obj, "System.Management.Automation.PSArgumentException")
                continue
            if spec.is_block or spec.label is not None:
                try:
                    value = spec.evaluate(obj, self.ctx)
                except EvaluationError:
                    value = None
            else:
                value = safe_property(obj, name)
            out.add(name, None if value is MISSING else value)
        return out


def _with_properties(value: Any, selected: PSObject) -> Any:
    """An expanded object that is itself a custom object also receives the
    properties -Property selected (as PowerShell adds note properties)."""
    if not isinstance(value, PSObject):
        return value
    merged = PSObject(value.items(), type_names=list(value.type_names))
    for name, item in selected.items():
        if not merged.has(name):
            merged.add(name, item)
    return merged


def _same(a: Any, b: Any) -> bool:
    """Select-Object -Unique: equal values, or custom objects with equal
    property names and values (text compared with case)."""
    if isinstance(a, PSObject) and isinstance(b, PSObject):
        return a.names() == b.names() and all(
            _same(x, y) for x, y in zip((v for _, v in a.items()), (v for _, v in b.items())))
    if type(a) is not type(b):
        return to_display_string(a) == to_display_string(b)
    try:
        return bool(a == b)
    except Exception:  # an object that cannot compare is only equal to itself
        return a is b


# ---------------------------------------------------------------------------
# Sort-Object
# ---------------------------------------------------------------------------

class SortObject(Cmdlet):
    """Sorts objects by property values.

    Text compares without regard to case (unless -CaseSensitive), numbers
    by value.  Several properties sort by the first, then the next;
    a calculated property `@{Expression=...; Descending=$true}` sets its
    own order.  Objects that compare equal keep their input order."""

    name = "Sort-Object"
    module = UTILITY
    aliases = ("sort",)

    InputObject = Parameter(object, pipeline=True)
    Property = Parameter(object, array=True, position=0)
    Descending = Parameter(Switch)
    Unique = Parameter(Switch)
    CaseSensitive = Parameter(Switch)

    def begin(self) -> None:
        self._specs = parse_properties(self.Property, SORT_KEYS, self.name)
        self._items: list[Any] = []

    def process(self) -> None:
        if "InputObject" in self.bound and not isinstance(self.InputObject, AutomationNullType):
            self._items.append(self.InputObject)

    def _keys(self, obj: Any) -> list[Any]:
        if not self._specs:
            return [obj]
        keys = []
        for spec in expand(self._specs, obj):
            try:
                keys.append(spec.evaluate(obj, self.ctx))
            except EvaluationError as error:
                self.write_error(f"Sort-Object could not evaluate {spec.name} for an object: "
                                 f"{error}", "ExpressionEvaluation", "InvalidResult", obj,
                                 "System.Management.Automation.RuntimeException")
                keys.append(None)
        return keys

    def end(self) -> None:
        keyed = [(self._keys(obj), obj) for obj in self._items]
        orders = [bool(self.Descending) if s.descending is None else s.descending
                  for s in self._specs] or [bool(self.Descending)]
        case = bool(self.CaseSensitive)

        def order(left: tuple[list[Any], Any], right: tuple[list[Any], Any]) -> int:
            for index, (a, b) in enumerate(zip(left[0], right[0])):
                descending = orders[min(index, len(orders) - 1)]
                if _is_null(a) != _is_null(b):
                    # a missing value sorts first whatever the direction
                    return -1 if _is_null(a) else 1
                result = compare_values(a, b, case)
                if result:
                    return -result if descending else result
            return 0

        keyed.sort(key=functools.cmp_to_key(order))
        previous = None
        for entry in keyed:
            if self.Unique and previous is not None and order(previous, entry) == 0:
                continue
            previous = entry
            self.write(entry[1])


# ---------------------------------------------------------------------------
# Group-Object
# ---------------------------------------------------------------------------

@attrs.define(eq=False)
class GroupInfo:
    """One group of Group-Object's output."""
    PS_TYPE = "Microsoft.PowerShell.Commands.GroupInfo"

    Values: list[Any]
    Count: int
    Group: list[Any]
    Name: str

    def ToString(self) -> str:
        return self.Name


@attrs.define(eq=False)
class GroupInfoNoElement(GroupInfo):
    PS_TYPE = "Microsoft.PowerShell.Commands.GroupInfoNoElement"



def _group_key(value: Any, case_sensitive: bool) -> Any:
    """Values Group-Object puts together: text ignoring case, numbers by
    value whatever their type."""
    if _is_null(value):
        return ("null",)
    if isinstance(value, enum.Enum):
        return ("text", value.name.casefold() if not case_sensitive else value.name)
    if is_numeric(value):
        return ("number", float(value))
    text = to_display_string(value)
    return ("text", text if case_sensitive else text.casefold())


class GroupObject(Cmdlet):
    """Groups objects that contain the same value for specified properties.

    Each group has a Count, a Name (the values, as text), its Values and the
    objects in it (Group).  Groups come in the order their first object
    arrived.  -AsHashTable returns one hashtable from value to objects."""

    name = "Group-Object"
    module = UTILITY
    aliases = ("group",)

    InputObject = Parameter(object, pipeline=True)
    Property = Parameter(object, array=True, position=0)
    NoElement = Parameter(Switch)
    AsHashTable = Parameter(Switch, aliases=("AHT",))
    AsString = Parameter(Switch)
    CaseSensitive = Parameter(Switch)

    def begin(self) -> None:
        if self.AsString and not self.AsHashTable:
            raise CmdletError("The AsString parameter works only together with AsHashTable. "
                              "Add -AsHashTable, or leave out -AsString.",
                              "ArgumentOutOfRange", "InvalidArgument", None,
                              "System.Management.Automation.PSArgumentException")
        self._specs = parse_properties(self.Property, GROUP_KEYS, self.name)
        self._groups: dict[tuple, tuple[list[Any], list[Any]]] = {}

    def process(self) -> None:
        if "InputObject" not in self.bound or isinstance(self.InputObject, AutomationNullType):
            return
        obj = self.InputObject
        values = self._values(obj)
        key = tuple(_group_key(v, bool(self.CaseSensitive)) for v in values)
        if key not in self._groups:
            self._groups[key] = (values, [])
        self._groups[key][1].append(obj)

    def _values(self, obj: Any) -> list[Any]:
        if not self._specs:
            return [obj]
        values = []
        for spec in expand(self._specs, obj):
            try:
                value = spec.evaluate(obj, self.ctx)
            except EvaluationError:
                value = None
            values.append(None if value is MISSING else value)
        return values

    def end(self) -> None:
        groups = []
        for values, members in self._groups.values():
            name = ", ".join(cell_text(v) for v in values)
            if self.NoElement:
                groups.append(GroupInfoNoElement(values, len(members), [], name))
            else:
                groups.append(GroupInfo(values, len(members), members, name))
        if not self.AsHashTable:
            for group in groups:
                self.write(group)
            return
        table = Hashtable()
        for group in groups:
            key = group.Name if self.AsString or len(group.Values) != 1 else group.Values[0]
            table[key] = group.Group
        self.write(table)
