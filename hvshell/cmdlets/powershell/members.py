"""Get-Member: the properties and methods of objects, as definitions in
PowerShell's notation (`int Count {get;}`, `string ToString()`)."""
from __future__ import annotations

import datetime as dt
import enum
import inspect
import typing
from typing import Any

import attrs

from hvshell.cmdlets.powershell.objects import UTILITY, _is_null
from hvshell.format.properties import safe_property
from hvshell.pstypes.wildcards import compile_wildcard
from hvshell.runtime.cmdlet import Cmdlet, Parameter
from hvshell.runtime.errors import CmdletError
from hvshell.runtime.classes import ScriptObject
from hvshell.runtime.psobject import (PSObject, is_numeric, method_names, property_names,
                                      to_display_string, type_name, type_names)


@attrs.define(eq=False)
class MemberDefinition:
    PS_TYPE = "Microsoft.PowerShell.Commands.MemberDefinition"

    TypeName: str
    Name: str
    MemberType: str
    Definition: str

    def ToString(self) -> str:
        return self.Definition


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
    if isinstance(obj, ScriptObject):
        members += obj.ps_class.member_definitions()
    elif isinstance(obj, PSObject):
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
        names = [compile_wildcard(n) for n in self.Name or ()]
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
