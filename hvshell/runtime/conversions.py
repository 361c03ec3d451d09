"""PowerShell's conversion rules: to bool, to number, casts to named types.

`convert(value, target)` is the one conversion used by casts, by the binder
and by comparison operators; it raises `ConversionError` with the message
PowerShell would give ('Cannot convert value "x" to type "System.Int32".
Error: "Input string was not in a correct format."').
"""
from __future__ import annotations

import datetime as dt
import enum
import math
import re
import uuid
from typing import Any

from hvshell.lang.literals import integer_text
from hvshell.pstypes.numbers import as_int64
from hvshell.pstypes.registry import find_type
from hvshell.runtime import dotnet_limits
from hvshell.runtime.dotnet_limits import DotNetError, widen
from hvshell.runtime.psobject import (Hashtable, PSObject, is_model_object,
                                      to_display_string, type_name)
from hvshell.runtime.scriptblock import ScriptBlock


class ConversionError(Exception):
    """`error_id`, when set, is the FullyQualifiedErrorId a cast shows."""
    error_id: str | None = None


class TypeNotFoundError(ConversionError):
    """`[nosuchtype]`: the name is not a type hvshell knows."""


class AutomationNullType:
    """What a pipeline that output nothing yields: behaves as $null, but
    `@()` around it is empty."""
    _instance = None

    def __new__(cls) -> "AutomationNullType":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "AutomationNull"


def to_bool(value: Any) -> bool:
    """PowerShell truthiness (about_Booleans)."""
    if value is None or isinstance(value, AutomationNullType):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        return len(value) > 0
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            return False
        if len(value) == 1:
            return to_bool(value[0])
        return True
    if isinstance(value, SwitchValue):
        return value.is_present
    return True


class SwitchValue:
    """A [switch] parameter's value: `.IsPresent`, and true/false as a bool."""

    PS_TYPE = "System.Management.Automation.SwitchParameter"

    def __init__(self, is_present: bool):
        self.is_present = bool(is_present)

    @property
    def IsPresent(self) -> bool:
        return self.is_present

    def ToString(self) -> str:
        return "True" if self.is_present else "False"

    def __bool__(self) -> bool:
        return self.is_present

    def __eq__(self, other: Any) -> bool:
        return bool(self) == bool(other)

    def __hash__(self) -> int:
        return hash(self.is_present)


UINT64_MAX = (1 << 64) - 1
_MULTIPLIERS = {"kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4, "pb": 1024**5}
_NUMBER_RE = re.compile(
    r"^\s*(?P<sign>[+-]?)(?:(?P<hex>0x[0-9a-f]+)|(?P<num>(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))"
    r"(?P<suffix>l|d)?(?P<mult>kb|mb|gb|tb|pb)?\s*$", re.IGNORECASE)


def parse_number(text: str) -> int | float | None:
    """A string as PowerShell reads a number from it (decimal, hex,
    exponent, kb..pb multipliers, surrounding blanks); None if it isn't one."""
    if text.strip() == "":
        return 0
    m = _NUMBER_RE.match(text)
    if not m:
        return None
    sign = -1 if m.group("sign") == "-" else 1
    if m.group("hex"):
        value: int | float = int(m.group("hex"), 16)
        if value > UINT64_MAX:
            return None
    else:
        num = m.group("num")
        if re.fullmatch(r"\d+", num):
            value = integer_text(num)
        else:
            value = float(num)
            if m.group("suffix") is None and value.is_integer() and "e" not in num.lower() \
                    and "." not in num:
                value = int(value)
    mult = m.group("mult")
    if mult:
        value = value * _MULTIPLIERS[mult.lower()]
    return widen(sign * value)


def to_number(value: Any) -> int | float:
    """A value as a number for arithmetic ($null is 0, bools 0/1)."""
    if value is None or isinstance(value, AutomationNullType):
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        number = parse_number(value)
        if number is None:
            raise ConversionError(
                f'Cannot convert value "{value}" to type "System.Int32". '
                f'Error: "Input string was not in a correct format."')
        return number
    if isinstance(value, enum.Enum):
        return value.value if isinstance(value.value, (int, float)) else 0
    if isinstance(value, SwitchValue):
        return int(value.is_present)
    if isinstance(value, (list, tuple)) and len(value) == 1:
        return to_number(value[0])
    raise ConversionError(
        f'Cannot convert the "{to_display_string(value)}" value of type "{type_name(value)}" '
        f'to type "System.Int32".')


def to_string(value: Any) -> str:
    """A value as `[string]` casts it (arrays joined with spaces)."""
    if isinstance(value, AutomationNullType):
        return ""
    return to_display_string(value, invariant=True)


# ---------------------------------------------------------------------------
# Named types
# ---------------------------------------------------------------------------

_INT_RANGES = {
    "System.Int32": (-2**31, 2**31 - 1), "System.Int64": (-2**63, 2**63 - 1),
    "System.Int16": (-2**15, 2**15 - 1), "System.Byte": (0, 255),
    "System.SByte": (-128, 127), "System.UInt16": (0, 2**16 - 1),
    "System.UInt32": (0, 2**32 - 1), "System.UInt64": (0, 2**64 - 1),
}

TYPE_ALIASES = {
    "int": "System.Int32", "int32": "System.Int32", "long": "System.Int64",
    "int64": "System.Int64", "int16": "System.Int16", "short": "System.Int16",
    "byte": "System.Byte", "sbyte": "System.SByte", "uint16": "System.UInt16",
    "uint32": "System.UInt32", "uint64": "System.UInt64", "ulong": "System.UInt64",
    "uint": "System.UInt32",
    "double": "System.Double", "float": "System.Single", "single": "System.Single",
    "decimal": "System.Decimal", "string": "System.String", "char": "System.Char",
    "bool": "System.Boolean", "boolean": "System.Boolean",
    "datetime": "System.DateTime", "timespan": "System.TimeSpan",
    "array": "System.Array", "object": "System.Object", "psobject": "System.Management.Automation.PSObject",
    "pscustomobject": "System.Management.Automation.PSCustomObject",
    "hashtable": "System.Collections.Hashtable",
    "ordered": "System.Collections.Specialized.OrderedDictionary",
    "scriptblock": "System.Management.Automation.ScriptBlock",
    "switch": "System.Management.Automation.SwitchParameter",
    "guid": "System.Guid", "version": "System.Version", "regex": "System.Text.RegularExpressions.Regex",
    "void": "System.Void", "math": "System.Math", "environment": "System.Environment",
    "io.path": "System.IO.Path", "path": "System.IO.Path",
    "errorrecord": "System.Management.Automation.ErrorRecord",
}


def canonical_type_name(name: str) -> str:
    """'int' -> 'System.Int32'; 'string[]' -> 'System.String[]'; unknown
    names are returned as written (model types, e.g. a Hyper-V type)."""
    text = name.strip()
    suffix = ""
    while text.endswith("[]"):
        suffix += "[]"
        text = text[:-2].strip()
    key = text.lower()
    if key.startswith("system."):
        short = key[len("system."):]
        full = TYPE_ALIASES.get(short)
        if full and full.lower() == key:
            return full + suffix
        if full:
            return full + suffix
    return TYPE_ALIASES.get(key, text) + suffix


def is_known_type(name: str) -> bool:
    canonical = canonical_type_name(name)
    base = canonical.rstrip("[]")
    return base.startswith("System.") or find_type(base) is not None


def _convert_error(value: Any, target: str, reason: str | None = None) -> ConversionError:
    shown = to_display_string(value, invariant=True)
    if isinstance(value, (list, tuple)):
        text = f'Cannot convert the "{shown}" value of type "System.Object[]" to type "{target}".'
        return ConversionError(text)
    text = f'Cannot convert value "{shown}" to type "{target}".'
    if reason:
        text += f' Error: "{reason}"'
    return ConversionError(text)


def parse_datetime(text: str) -> dt.datetime:
    """DateTime parsing in the invariant culture: ISO forms and M/d/yyyy."""
    s = text.strip()
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
                "%Y-%m-%d", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
                "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%Y-%m-%dT%H:%M:%S.%f"):
        try:
            return dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
    raise ValueError("String was not recognized as a valid DateTime.")


_TIMESPAN_RE = re.compile(r"^\s*(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?\s*$")


def parse_timespan(text: str) -> dt.timedelta:
    m = _TIMESPAN_RE.match(text)
    if not m:
        days = re.fullmatch(r"\s*(-?\d+)\s*", text)
        if days:
            return dt.timedelta(days=int(days.group(1)))
        raise ValueError("String was not recognized as a valid TimeSpan.")
    sign, days, hours, minutes, seconds, fraction = m.groups()
    span = dt.timedelta(days=int(days or 0), hours=int(hours), minutes=int(minutes),
                        seconds=int(seconds or 0),
                        microseconds=int((fraction or "0").ljust(7, "0")) / 10)
    return -span if sign else span


def _to_int(value: Any, target: str) -> int:
    lo, hi = _INT_RANGES[target]
    if isinstance(value, bool):
        result = int(value)
    elif isinstance(value, int):
        result = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _overflow_error(value, target, _too_large(target))
        result = round(value)                      # .NET rounds half to even, as Python does
    elif isinstance(value, str):
        number = parse_number(value)
        if number is None:
            raise _convert_error(value, target, "Input string was not in a correct format.")
        if isinstance(number, float) and not math.isfinite(number):
            raise _convert_error(value, target, _too_large(target))
        result = round(number) if isinstance(number, float) else number
    elif isinstance(value, enum.Enum) and isinstance(value.value, int):
        result = value.value
    elif isinstance(value, SwitchValue):
        result = int(value.is_present)
    elif value is None or isinstance(value, AutomationNullType):
        result = 0
    else:
        raise _convert_error(value, target)
    if not lo <= result <= hi:
        raise _overflow_error(value, target, _too_large(target))
    return result


_RANGE_NAMES = {"System.Byte": "an unsigned byte", "System.SByte": "a signed byte",
                "System.UInt16": "a UInt16", "System.UInt32": "a UInt32",
                "System.UInt64": "a UInt64"}


def _too_large(target: str) -> str:
    """.NET's OverflowException message for a conversion to `target`."""
    name = _RANGE_NAMES.get(target) or "an " + target.split(".")[-1]
    return f"Value was either too large or too small for {name}."


def _overflow_error(value: Any, target: str, reason: str) -> ConversionError:
    """A number outside `target`'s range: .NET's IConvertible overflows."""
    error = _convert_error(value, target, reason)
    if not isinstance(value, str):
        error.error_id = "InvalidCastIConvertible"
    return error


def _to_float(value: Any, target: str) -> float:
    if isinstance(value, (bool, int, float)):
        return float(value)
    if isinstance(value, str):
        number = parse_number(value)
        if number is None:
            raise _convert_error(value, target, "Input string was not in a correct format.")
        return float(number)
    if value is None or isinstance(value, AutomationNullType):
        return 0.0
    if isinstance(value, enum.Enum) and isinstance(value.value, (int, float)):
        return float(value.value)
    raise _convert_error(value, target)


def _to_enum(value: Any, enum_type: type[enum.Enum]) -> enum.Enum:
    if isinstance(value, enum_type):
        return value
    target = getattr(enum_type, "PS_TYPE", enum_type.__name__)
    if isinstance(value, enum.Enum):
        value = value.name
    if isinstance(value, str):
        parse = getattr(enum_type, "parse", None)
        try:
            if parse:
                return parse(value)
            for member in enum_type:
                if member.name.lower() == value.strip().lower():
                    return member
            raise ValueError(
                f"Unable to match the identifier name {value} to a valid enumerator name. "
                f"Specify one of the following enumerator names and try again: "
                f"{', '.join(m.name for m in enum_type)}")
        except ValueError as error:
            raise _convert_error(value, target, str(error)) from None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return enum_type(value)
        except ValueError:
            raise _convert_error(value, target) from None
    raise _convert_error(value, target)


def convert(value: Any, target: Any) -> Any:
    """Convert `value` to `target`: a type name ('int', 'string[]',
    'System.DateTime'), a Python type (str, int, float, bool, datetime,
    timedelta, object), a PSEnum class or a model class."""
    if isinstance(target, str):
        return _convert_named(value, canonical_type_name(target))
    if target is object or target is Any:
        return value
    if target is str:
        return _convert_named(value, "System.String")
    if target is bool:
        return _convert_named(value, "System.Boolean")
    if target is int:            # a cmdlet's integer parameter: the width follows the size
        return int(_convert_named(value, "System.Int64"))
    if target is float:
        return _convert_named(value, "System.Double")
    if target is dt.datetime:
        return _convert_named(value, "System.DateTime")
    if target is dt.timedelta:
        return _convert_named(value, "System.TimeSpan")
    if target is ScriptBlock:
        return _convert_named(value, "System.Management.Automation.ScriptBlock")
    if target is Hashtable:
        return _convert_named(value, "System.Collections.Hashtable")
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return _to_enum(value, target)
    if isinstance(target, type):
        if isinstance(value, target):
            return value
        raise _convert_error(value, getattr(target, "PS_TYPE", target.__name__))
    raise _convert_error(value, str(target))


def _convert_named(value: Any, target: str) -> Any:
    if isinstance(value, AutomationNullType):
        value = None
    if target.endswith("[]"):
        element = target[:-2]
        items = list(value) if isinstance(value, (list, tuple)) else ([] if value is None else [value])
        return [_convert_named(item, element) for item in items] if element != "System.Object" else items
    if target in ("System.Object", "System.Management.Automation.PSObject"):
        return value
    if target in _INT_RANGES:
        if isinstance(value, (list, tuple)):
            raise _convert_error(value, target)
        result = _to_int(value, target)
        return as_int64(result) if target == "System.Int64" else result
    if target in ("System.Double", "System.Single", "System.Decimal"):
        if isinstance(value, (list, tuple)):
            raise _convert_error(value, target)
        return _to_float(value, target)
    if target == "System.String":
        return None if value is None else to_string(value)
    if target == "System.Char":
        if isinstance(value, str) and len(value) == 1:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return dotnet_limits.char(value)
            except DotNetError as error:
                raise _overflow_error(value, target, str(error)) from None
        raise _convert_error(value, target, "String must be exactly one character long.")
    if target == "System.Boolean":
        return to_bool(value)
    if target == "System.Management.Automation.SwitchParameter":
        return SwitchValue(to_bool(value))
    if target == "System.DateTime":
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return parse_datetime(value)
            except ValueError as error:
                raise _convert_error(value, target, str(error)) from None
        if value is None:
            return dt.datetime(1, 1, 1)
        raise _convert_error(value, target)
    if target == "System.TimeSpan":
        if isinstance(value, dt.timedelta):
            return value
        if isinstance(value, str):
            try:
                return parse_timespan(value)
            except ValueError as error:
                raise _convert_error(value, target, str(error)) from None
        if isinstance(value, int) and not isinstance(value, bool):
            return dt.timedelta(microseconds=value / 10)   # ticks
        if value is None:
            return dt.timedelta(0)
        raise _convert_error(value, target)
    if target == "System.Array":
        if isinstance(value, (list, tuple)):
            return list(value)
        return [] if value is None else [value]
    if target in ("System.Collections.Hashtable", "System.Collections.Specialized.OrderedDictionary"):
        if isinstance(value, Hashtable):
            return value
        raise _convert_error(value, target)
    if target == "System.Management.Automation.PSCustomObject":
        if isinstance(value, Hashtable):
            return PSObject((to_string(key), item) for key, item in value.items())
        return value
    if target == "System.Management.Automation.ScriptBlock":
        if isinstance(value, ScriptBlock):
            return value
        raise _convert_error(value, target)
    if target == "System.Guid":
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise _convert_error(value, target, "Unrecognized Guid format.") from None
    if target == "System.Version":
        text = to_string(value)
        if re.fullmatch(r"\d+(\.\d+){1,3}", text):
            return Version(text)
        raise _convert_error(value, target, "Version string portion was too short or too long.")
    if target == "System.Void":
        return None
    model = find_type(target)
    if model is not None:
        if isinstance(value, model):
            return value
        if issubclass(model, enum.Enum):
            return _to_enum(value, model)
        converter = getattr(model, "ps_convert", None)     # a script class: its own rules
        if converter is not None:
            return converter(value)
        raise _convert_error(value, target)
    if isinstance(value, PSObject) and target in value.type_names:
        return value
    raise TypeNotFoundError(f'Unable to find type [{target}].')


def type_matches(value: Any, type_name_text: str) -> bool:
    """`value -is [type]`."""
    from hvshell.runtime.psobject import type_names
    canonical = canonical_type_name(type_name_text)
    if canonical == "System.Object":
        return value is not None
    if canonical in ("System.Array", "System.Object[]"):
        return isinstance(value, (list, tuple))
    if canonical == "System.Management.Automation.PSObject":
        return value is not None
    names = type_names(value) if value is not None else []
    if canonical in names:
        return True
    if canonical == "System.ValueType":
        return isinstance(value, (int, float, bool, dt.datetime, dt.timedelta))
    if canonical.endswith("[]"):
        return isinstance(value, (list, tuple))
    if canonical in ("System.Int64", "System.Double", "System.Int32") and isinstance(value, int) \
            and not isinstance(value, bool):
        return canonical == type_names(value)[0]
    model = find_type(canonical)
    return model is not None and isinstance(value, model)


class Version:
    """[version]: Major.Minor[.Build[.Revision]], comparable."""

    PS_TYPE = "System.Version"

    def __init__(self, text: str):
        self.parts = tuple(int(p) for p in text.split("."))

    @property
    def Major(self) -> int:
        return self.parts[0]

    @property
    def Minor(self) -> int:
        return self.parts[1]

    @property
    def Build(self) -> int:
        return self.parts[2] if len(self.parts) > 2 else -1

    @property
    def Revision(self) -> int:
        return self.parts[3] if len(self.parts) > 3 else -1

    def ToString(self) -> str:
        return ".".join(str(p) for p in self.parts)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Version) and self.parts == other.parts

    def __lt__(self, other: "Version") -> bool:
        return self.parts < other.parts

    def __hash__(self) -> int:
        return hash(self.parts)


__all__ = ["ConversionError", "AutomationNullType", "SwitchValue", "to_bool", "to_number",
           "to_string", "parse_number", "convert", "canonical_type_name", "type_matches",
           "is_known_type", "Version", "parse_datetime", "parse_timespan",
           "is_model_object"]
