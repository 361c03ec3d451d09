"""Object-shaping cmdlets: Select-Object, Sort-Object, Group-Object,
Measure-Object, Get-Member."""
from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
import typing
from typing import Any

import attrs

from hvshell.format.properties import (GROUP_KEYS, SELECT_KEYS, SORT_KEYS, EvaluationError,
                                       expand, parse_properties, safe_property)
from hvshell.format.text import cell_text
from hvshell.format.views import Column, ListView, TableView, register_view
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.runtime.conversions import AutomationNullType, ConversionError, to_number
from hvshell.runtime.errors import CmdletError
from hvshell.pstypes.wildcards import has_wildcard, wildcard_regex
from hvshell.runtime.psobject import (MISSING, Hashtable, PSObject, is_numeric,
                                      method_names, property_names, to_display_string,
                                      type_name, type_names)
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
        self._exclude = [wildcard_regex(p) for p in self.ExcludeProperty or ()] \
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


# Microsoft.PowerShell.Commands.GroupInfo's table view (PowerShellCore.format.ps1xml).
register_view(GroupInfo.PS_TYPE, TableView((
    Column("Count", width=5, align="right"), Column("Name", width=25, align="left"),
    Column("Group", align="left"))))
register_view(GroupInfoNoElement.PS_TYPE, TableView((
    Column("Count", width=5, align="right"), Column("Name", width=25, align="left"))))


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


# ---------------------------------------------------------------------------
# Measure-Object
# ---------------------------------------------------------------------------

@attrs.define(eq=False)
class GenericMeasureInfo:
    PS_TYPE = "Microsoft.PowerShell.Commands.GenericMeasureInfo"

    Count: int
    Average: float | None
    Sum: float | None
    Maximum: Any
    Minimum: Any
    Property: str | None


@attrs.define(eq=False)
class TextMeasureInfo:
    PS_TYPE = "Microsoft.PowerShell.Commands.TextMeasureInfo"

    Lines: int | None
    Words: int | None
    Characters: int | None
    Property: str | None


register_view(GenericMeasureInfo.PS_TYPE, ListView(tuple(Column(n) for n in (
    "Count", "Average", "Sum", "Maximum", "Minimum", "Property"))))
register_view(TextMeasureInfo.PS_TYPE, TableView(tuple(Column(n, align=a) for n, a in (
    ("Lines", "right"), ("Words", "right"), ("Characters", "right"), ("Property", "left")))))


class _Stats:
    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.numeric = True
        self.maximum: Any = None
        self.minimum: Any = None
        self.lines = self.words = self.characters = 0


class MeasureObject(Cmdlet):
    """Calculates the numeric properties of objects, and the characters,
    words and lines in string objects.

    Without statistics switches it counts the objects; -Sum, -Average,
    -Maximum and -Minimum measure a -Property (or the objects themselves).
    -Line, -Word and -Character measure text."""

    name = "Measure-Object"
    module = UTILITY
    aliases = ("measure",)
    default_set = "GenericMeasure"

    InputObject = Parameter(object, pipeline=True)
    Property = Parameter(str, array=True, position=0)
    Sum = Parameter(Switch, sets=("GenericMeasure",))
    Average = Parameter(Switch, sets=("GenericMeasure",))
    Maximum = Parameter(Switch, sets=("GenericMeasure",))
    Minimum = Parameter(Switch, sets=("GenericMeasure",))
    Line = Parameter(Switch, sets=("TextMeasure",))
    Word = Parameter(Switch, sets=("TextMeasure",))
    Character = Parameter(Switch, sets=("TextMeasure",))
    IgnoreWhiteSpace = Parameter(Switch, sets=("TextMeasure",))

    def begin(self) -> None:
        self._stats: dict[str, _Stats] = {}
        self._order: list[str] = []
        self._seen_property: set[str] = set()
        self._text = self.parameter_set == "TextMeasure"

    def _entry(self, name: str) -> _Stats:
        key = name.lower()
        if key not in self._stats:
            self._stats[key] = _Stats()
            self._order.append(name)
        return self._stats[key]

    def process(self) -> None:
        if "InputObject" not in self.bound or isinstance(self.InputObject, AutomationNullType):
            return
        obj = self.InputObject
        if not self.Property:
            self._measure("", obj)
            return
        for pattern in self.Property:
            names = [n for n in property_names(obj) if wildcard_regex(pattern).match(n)] \
                if has_wildcard(pattern) else [pattern]
            for name in names:
                value = safe_property(obj, name)
                if value is MISSING or _is_null(value):
                    continue
                self._seen_property.add(pattern.lower())
                real = next((n for n in property_names(obj) if n.lower() == name.lower()), name)
                self._measure(real, value)

    def _measure(self, name: str, value: Any) -> None:
        stats = self._entry(name)
        stats.count += 1
        if self._text:
            text = to_display_string(value)
            stats.lines += len([line for line in text.split("\n") if line.strip("\r")])
            stats.words += len(text.split())
            stats.characters += len("".join(text.split()) if self.IgnoreWhiteSpace else text)
            return
        if self.Sum or self.Average:
            try:
                stats.total += float(to_number(value))
            except ConversionError:
                self.write_error(f'Input object "{to_display_string(value)}" is not numeric.',
                                 "NonNumericInputObject", "InvalidType", value,
                                 "System.InvalidOperationException")
                stats.count -= 1
                return
        if self.Maximum or self.Minimum:
            comparable = _as_double(value)
            if stats.maximum is None or compare_values(comparable, stats.maximum) > 0:
                stats.maximum = comparable
            if stats.minimum is None or compare_values(comparable, stats.minimum) < 0:
                stats.minimum = comparable

    def end(self) -> None:
        for pattern in self.Property or ():
            if pattern.lower() not in self._seen_property and not has_wildcard(pattern):
                self.write_error(f'The property "{pattern}" cannot be found in the input for '
                                 f'any objects.', "GenericMeasurePropertyNotFound",
                                 "InvalidArgument", pattern,
                                 "System.Management.Automation.PSArgumentException")
        if not self._order and not self.Property:
            self._entry("")
        for name in self._order:
            stats = self._stats[name.lower()]
            prop = name or None
            if self._text:
                self.write(TextMeasureInfo(
                    stats.lines if self.Line else None, stats.words if self.Word else None,
                    stats.characters if self.Character else None, prop))
                continue
            average = stats.total / stats.count if self.Average and stats.count else None
            self.write(GenericMeasureInfo(
                stats.count, average, stats.total if self.Sum else None,
                stats.maximum if self.Maximum else None,
                stats.minimum if self.Minimum else None, prop))


def _as_double(value: Any) -> Any:
    """Numbers (and numeric text) are measured as doubles; other values as
    they are."""
    try:
        return float(to_number(value)) if not isinstance(value, (dt.datetime, dt.timedelta)) \
            else value
    except ConversionError:
        return value


# ---------------------------------------------------------------------------
# Get-Member
# ---------------------------------------------------------------------------

@attrs.define(eq=False)
class MemberDefinition:
    PS_TYPE = "Microsoft.PowerShell.Commands.MemberDefinition"

    TypeName: str
    Name: str
    MemberType: str
    Definition: str

    def ToString(self) -> str:
        return self.Definition


# Microsoft.PowerShell.Commands.MemberDefinition's view: fitted to the data,
# one table per type under a `TypeName:` header.
register_view(MemberDefinition.PS_TYPE, TableView(
    (Column("Name", align="left"), Column("MemberType", align="left"),
     Column("Definition", align="left")),
    autosize=True, group_by="TypeName", group_label="TypeName"))

MEMBER_TYPES = ("AliasProperty", "CodeProperty", "Property", "NoteProperty", "ScriptProperty",
                "Properties", "PropertySet", "Method", "CodeMethod", "ScriptMethod", "Methods",
                "ParameterizedProperty", "MemberSet", "Event", "Dynamic", "All")
_PROPERTY_KINDS = {"AliasProperty", "CodeProperty", "Property", "NoteProperty", "ScriptProperty"}
_METHOD_KINDS = {"Method", "CodeMethod", "ScriptMethod"}

# How Get-Member names common .NET types in definitions.
_SHORT_TYPES = {
    "System.String": "string", "System.Int32": "int", "System.Int64": "long",
    "System.Double": "double", "System.Boolean": "bool", "System.DateTime": "datetime",
    "System.TimeSpan": "timespan", "System.Guid": "guid", "System.Char": "char",
    "System.Byte": "byte", "System.Single": "float", "System.Decimal": "decimal",
    "System.Object": "System.Object", "System.Type": "type",
    "System.Collections.Hashtable": "hashtable",
    "System.Management.Automation.ScriptBlock": "scriptblock",
}
_PYTHON_TYPES = {str: "System.String", bool: "System.Boolean", int: "System.Int32",
                 float: "System.Double", dt.datetime: "System.DateTime",
                 dt.timedelta: "System.TimeSpan", type(None): "System.Void"}

# Every object's own methods (System.Object).
_OBJECT_METHODS = (("Equals", "bool Equals(System.Object obj)"),
                   ("GetHashCode", "int GetHashCode()"), ("GetType", "type GetType()"),
                   ("ToString", "string ToString()"))

# Members of the built-in types, as Get-Member lists them (one overload each).
_BUILTIN_MEMBERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "System.String": (
        ("Length", "Property", "int Length {get;}"),
        ("Clone", "Method", "System.Object Clone()"),
        ("CompareTo", "Method", "int CompareTo(string strB)"),
        ("Contains", "Method", "bool Contains(string value)"),
        ("EndsWith", "Method", "bool EndsWith(string value)"),
        ("IndexOf", "Method", "int IndexOf(string value)"),
        ("Insert", "Method", "string Insert(int startIndex, string value)"),
        ("LastIndexOf", "Method", "int LastIndexOf(string value)"),
        ("PadLeft", "Method", "string PadLeft(int totalWidth)"),
        ("PadRight", "Method", "string PadRight(int totalWidth)"),
        ("Remove", "Method", "string Remove(int startIndex, int count)"),
        ("Replace", "Method", "string Replace(string oldValue, string newValue)"),
        ("Split", "Method", "string[] Split(Params char[] separator)"),
        ("StartsWith", "Method", "bool StartsWith(string value)"),
        ("Substring", "Method", "string Substring(int startIndex, int length)"),
        ("ToCharArray", "Method", "char[] ToCharArray()"),
        ("ToLower", "Method", "string ToLower()"),
        ("ToLowerInvariant", "Method", "string ToLowerInvariant()"),
        ("ToUpper", "Method", "string ToUpper()"),
        ("ToUpperInvariant", "Method", "string ToUpperInvariant()"),
        ("Trim", "Method", "string Trim(Params char[] trimChars)"),
        ("TrimEnd", "Method", "string TrimEnd(Params char[] trimChars)"),
        ("TrimStart", "Method", "string TrimStart(Params char[] trimChars)"),
    ),
    "System.DateTime": (
        ("Add", "Method", "datetime Add(timespan value)"),
        ("AddDays", "Method", "datetime AddDays(double value)"),
        ("AddHours", "Method", "datetime AddHours(double value)"),
        ("AddMilliseconds", "Method", "datetime AddMilliseconds(double value)"),
        ("AddMinutes", "Method", "datetime AddMinutes(double value)"),
        ("AddMonths", "Method", "datetime AddMonths(int months)"),
        ("AddSeconds", "Method", "datetime AddSeconds(double value)"),
        ("AddYears", "Method", "datetime AddYears(int value)"),
        ("Subtract", "Method", "timespan Subtract(datetime value)"),
        ("ToLongDateString", "Method", "string ToLongDateString()"),
        ("ToLongTimeString", "Method", "string ToLongTimeString()"),
        ("ToShortDateString", "Method", "string ToShortDateString()"),
        ("ToShortTimeString", "Method", "string ToShortTimeString()"),
        ("ToUniversalTime", "Method", "datetime ToUniversalTime()"),
    ),
    "System.TimeSpan": (
        ("Add", "Method", "timespan Add(timespan ts)"),
        ("Subtract", "Method", "timespan Subtract(timespan ts)"),
    ),
    "System.Collections.Hashtable": (
        ("Add", "Method", "void Add(System.Object key, System.Object value)"),
        ("Clear", "Method", "void Clear()"),
        ("Clone", "Method", "System.Object Clone()"),
        ("Contains", "Method", "bool Contains(System.Object key)"),
        ("ContainsKey", "Method", "bool ContainsKey(System.Object key)"),
        ("ContainsValue", "Method", "bool ContainsValue(System.Object value)"),
        ("GetEnumerator", "Method", "System.Collections.IDictionaryEnumerator GetEnumerator()"),
        ("Remove", "Method", "void Remove(System.Object key)"),
        ("Count", "Property", "int Count {get;}"),
        ("IsFixedSize", "Property", "bool IsFixedSize {get;}"),
        ("IsReadOnly", "Property", "bool IsReadOnly {get;}"),
        ("IsSynchronized", "Property", "bool IsSynchronized {get;}"),
        ("Keys", "Property", "System.Collections.ICollection Keys {get;}"),
        ("SyncRoot", "Property", "System.Object SyncRoot {get;}"),
        ("Values", "Property", "System.Collections.ICollection Values {get;}"),
    ),
    "System.Object[]": (
        ("Clone", "Method", "System.Object Clone()"),
        ("Contains", "Method", "bool Contains(System.Object value)"),
        ("IndexOf", "Method", "int IndexOf(System.Object value)"),
        ("Count", "AliasProperty", "Count = Length"),
        ("IsFixedSize", "Property", "bool IsFixedSize {get;}"),
        ("IsReadOnly", "Property", "bool IsReadOnly {get;}"),
        ("Length", "Property", "int Length {get;}"),
        ("Rank", "Property", "int Rank {get;}"),
    ),
}
_NUMBER_MEMBERS = (("CompareTo", "Method", "int CompareTo(System.Object value)"),
                   ("GetTypeCode", "Method", "System.TypeCode GetTypeCode()"),
                   ("ToString", "Method", "string ToString(string format)"))
for _number_type in ("System.Int32", "System.Int64", "System.Double", "System.Boolean"):
    _BUILTIN_MEMBERS[_number_type] = _NUMBER_MEMBERS


def short_type(full_name: str) -> str:
    suffix = ""
    while full_name.endswith("[]"):
        full_name, suffix = full_name[:-2], suffix + "[]"
    return _SHORT_TYPES.get(full_name, full_name) + suffix


def _value_type(value: Any) -> str:
    if _is_null(value):
        return "System.Object"
    return type_name(value)


def _annotation_type(annotation: Any, fallback: Any) -> str:
    """The .NET type name for a Python annotation; `fallback` (a value)
    decides when the annotation says too little."""
    if isinstance(annotation, type):
        if annotation in _PYTHON_TYPES:
            if annotation is int and not _is_null(fallback) and is_numeric(fallback):
                return _value_type(fallback)
            return _PYTHON_TYPES[annotation]
        ps_type = annotation.__dict__.get("PS_TYPE")
        if ps_type:
            return ps_type
        if issubclass(annotation, enum.Enum):
            return annotation.__name__
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (list, tuple) and args:
        return _annotation_type(args[0], None) + "[]"
    if origin in (list, tuple):
        return "System.Object[]"
    if len(args) == 1:
        return _annotation_type(args[0], fallback)
    return _value_type(fallback)


def _hints(cls: type) -> dict[str, Any]:
    cached = cls.__dict__.get("_ps_type_hints")
    if cached is None:
        try:
            cached = typing.get_type_hints(cls)
        except Exception:  # annotations naming types out of reach: fall back to values
            cached = {}
        type.__setattr__(cls, "_ps_type_hints", cached)
    return cached


def _settable(cls: type, name: str) -> bool:
    descriptor = inspect.getattr_static(cls, name, None)
    if isinstance(descriptor, property):
        return descriptor.fset is not None
    return getattr(cls.__setattr__, "__name__", "") != "_frozen_setattrs"


def _model_members(obj: Any) -> list[tuple[str, str, str]]:
    cls = type(obj)
    hints = _hints(cls)
    members = []
    for name in property_names(obj):
        value = safe_property(obj, name)
        descriptor = inspect.getattr_static(cls, name, None)
        annotation = descriptor.fget.__annotations__.get("return") \
            if isinstance(descriptor, property) and descriptor.fget else hints.get(name)
        if isinstance(annotation, str):
            annotation = hints.get(name)
        kind = _annotation_type(annotation, value)
        access = "{get;set;}" if _settable(cls, name) else "{get;}"
        members.append((name, "Property", f"{short_type(kind)} {name} {access}"))
    for name in method_names(obj):
        members.append((name, "Method", _method_definition(cls, name)))
    return members


def _method_definition(cls: type, name: str) -> str:
    function = getattr(cls, name)
    try:
        signature = inspect.signature(function)
        hints = typing.get_type_hints(function)
    except Exception:  # builtins and odd callables: show a bare signature
        return f"System.Object {name}()"
    params = []
    for param in list(signature.parameters.values())[1:]:
        params.append(f"{short_type(_annotation_type(hints.get(param.name), None))} {param.name}")
    returns = hints.get("return", inspect.Signature.empty)
    result = "void" if returns is type(None) else \
        "System.Object" if returns is inspect.Signature.empty else \
        short_type(_annotation_type(returns, None))
    return f"{result} {name}({', '.join(params)})"


def _note_definition(name: str, value: Any) -> str:
    if _is_null(value):
        return f"object {name}=null"
    return f"{short_type(_value_type(value))} {name}={to_display_string(value)}"


def members_of(obj: Any) -> list[tuple[str, str, str]]:
    """(Name, MemberType, Definition) of every member of `obj`."""
    members = [(n, "Method", d) for n, d in _OBJECT_METHODS]
    names = type_names(obj)
    if isinstance(obj, PSObject):
        members += [(n, "NoteProperty", _note_definition(n, v)) for n, v in obj.items()]
    elif names[0] in _BUILTIN_MEMBERS:
        members += list(_BUILTIN_MEMBERS[names[0]])
        if isinstance(obj, (dt.datetime, dt.timedelta)):
            members += [(n, "Property",
                         f"{short_type(_value_type(safe_property(obj, n)))} {n} {{get;}}")
                        for n in property_names(obj)]
    else:
        members += _model_members(obj)
    unique: dict[str, tuple[str, str, str]] = {}
    for member in members:
        unique[member[0].lower()] = member
    return sorted(unique.values(), key=lambda m: (m[1].lower(), m[0].lower()))


def _kind_matches(kind: str, wanted: list[str]) -> bool:
    for want in wanted:
        if want == "All" or want == kind or (want == "Properties" and kind in _PROPERTY_KINDS) \
                or (want == "Methods" and kind in _METHOD_KINDS):
            return True
    return False


class GetMember(Cmdlet):
    """Gets the properties and methods of objects.

    One table per type of input object: each member's name, kind
    (Property, NoteProperty, Method ...) and definition."""

    name = "Get-Member"
    module = UTILITY
    aliases = ("gm",)

    InputObject = Parameter(object, pipeline=True)
    Name = Parameter(str, array=True, position=0)
    MemberType = Parameter(str, array=True, aliases=("Type",), validate_set=MEMBER_TYPES)

    def begin(self) -> None:
        self._types: set[str] = set()
        self._any = False

    def process(self) -> None:
        if "InputObject" not in self.bound or _is_null(self.InputObject):
            return
        obj = self.InputObject
        self._any = True
        type_full = type_names(obj)[0]
        if type_full in self._types:
            return
        self._types.add(type_full)
        names = [wildcard_regex(n) for n in self.Name or ()]
        wanted = self._canonical_kinds()
        for name, kind, definition in members_of(obj):
            if names and not any(p.match(name) for p in names):
                continue
            if wanted and not _kind_matches(kind, wanted):
                continue
            self.write(MemberDefinition(type_full, name, kind, definition))

    def _canonical_kinds(self) -> list[str]:
        lookup = {k.lower(): k for k in MEMBER_TYPES}
        return [lookup[k.lower()] for k in self.MemberType or ()]

    def end(self) -> None:
        if not self._any:
            raise CmdletError("You must specify an object for the Get-Member cmdlet: pipe "
                              "objects to it, or use -InputObject.", "NoObjectInGetMember",
                              "CloseError", None, "System.InvalidOperationException")

