"""Members of values: `.Property`, `.Method(args)` and `[type]::Static`.

Instance methods cover what admin scripts call on strings, numbers, dates,
time spans, arrays and hashtables; model objects expose their upper-case
methods.  `MemberError` carries PowerShell's message.
"""
from __future__ import annotations

import datetime as dt
import enum
import math
import re
from typing import Any, Callable

from hvshell.pstypes.registry import find_type
from hvshell.runtime.classes import ClassError, ScriptObject, class_of
from hvshell.runtime.conversions import (AutomationNullType, ConversionError, Version, convert,
                                         canonical_type_name, parse_datetime, parse_timespan,
                                         to_string)
from hvshell.runtime import dotnet_limits as limits
from hvshell.runtime.dotnet_format import FormatError, composite_format, format_value
from hvshell.runtime.dotnet_limits import DotNetError, from_python
from hvshell.runtime.psobject import (MISSING, DictionaryEntry, Hashtable, PSObject,
                                      get_property, method_names, to_display_string, type_name)


METHOD_INVOCATION = "System.Management.Automation.MethodInvocationException"


class MemberError(Exception):
    """`exception_type` is MethodInvocationException when the method itself
    threw (PowerShell shows NotSpecified and the thrown exception's name as
    FullyQualifiedErrorId), None when the call could not be made at all."""

    def __init__(self, message: str, error_id: str = "MethodNotFound",
                 exception_type: str | None = None):
        super().__init__(message)
        self.error_id = error_id
        self.exception_type = exception_type


# What a Python failure inside a method stands for in .NET, when it is not
# one of dotnet_limits' edges.
_THROWN = ((FormatError, "System.FormatException"), (ConversionError, "System.InvalidCastException"),
           (IndexError, "System.ArgumentOutOfRangeException"), (ValueError, "System.ArgumentException"),
           (TypeError, "System.ArgumentException"))
_CAUGHT = (DotNetError, ArithmeticError, MemoryError, re.error) + tuple(k for k, _ in _THROWN)


def invocation_error(name: str, args: list, error: Exception) -> MemberError:
    """The exception a method threw, wrapped as PowerShell wraps it."""
    thrown = from_python(error)
    if thrown is None:
        type_name = next(t for k, t in _THROWN if isinstance(error, k)) \
            if isinstance(error, tuple(k for k, _ in _THROWN)) else "System.Exception"
        thrown = DotNetError(str(error), type_name)
    return MemberError(f'Exception calling "{name}" with "{len(args)}" argument(s): "{thrown}"',
                       thrown.short_name, METHOD_INVOCATION)


class TypeInfo:
    """What `[int]` or `$x.GetType()` gives: a type by name."""

    PS_TYPE = "System.RuntimeType"

    def __init__(self, full_name: str):
        self.name = full_name

    @property
    def Name(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def FullName(self) -> str:
        return self.name

    @property
    def IsPublic(self) -> bool:
        return True

    @property
    def IsSerial(self) -> bool:
        return True

    @property
    def BaseType(self) -> str:
        return "System.Object"

    def ToString(self) -> str:
        return self.name


def _args_count(name: str, args: list, *counts: int) -> None:
    if len(args) not in counts:
        raise MemberError(
            f'Cannot find an overload for "{name}" and the argument count: "{len(args)}".',
            "MethodCountCouldNotFindBest")


def _str_method(s: str, name: str, args: list) -> Any:
    n = name.lower()
    text_args = [to_string(a) for a in args]
    if n == "toupper" or n == "toupperinvariant":
        return s.upper()
    if n == "tolower" or n == "tolowerinvariant":
        return s.lower()
    if n in ("trim", "trimstart", "trimend"):
        chars = "".join(text_args) if args else None
        return {"trim": s.strip, "trimstart": s.lstrip, "trimend": s.rstrip}[n](chars)
    if n == "split":
        _args_count(name, args, 1, 2)
        separators = args[0]
        if isinstance(separators, (list, tuple)):
            seps = [to_string(x) for x in separators]
        else:
            seps = list(to_string(separators)) if len(to_string(separators)) > 1 and len(args) == 1 \
                else [to_string(separators)]
        pattern = "|".join(re.escape(x) for x in seps if x) or r"\s"
        parts = re.split(pattern, s)
        if len(args) > 1 and isinstance(args[1], int) and not isinstance(args[1], bool):
            parts = re.split(pattern, s, maxsplit=max(args[1] - 1, 0))
        return parts
    if n == "replace":
        _args_count(name, args, 2)
        return s.replace(text_args[0], text_args[1])
    if n == "contains":
        _args_count(name, args, 1)
        return text_args[0] in s
    if n == "startswith":
        return s.startswith(text_args[0]) if len(args) == 1 else s.lower().startswith(text_args[0].lower())
    if n == "endswith":
        return s.endswith(text_args[0]) if len(args) == 1 else s.lower().endswith(text_args[0].lower())
    if n == "indexof":
        return s.find(text_args[0], *(int(a) for a in args[1:]))
    if n == "lastindexof":
        return s.rfind(text_args[0])
    if n == "substring":
        _args_count(name, args, 1, 2)
        start = int(convert(args[0], "int"))
        length = int(convert(args[1], "int")) if len(args) > 1 else len(s) - start
        if start < 0 or length < 0 or start + length > len(s):
            raise MemberError(
                'Exception calling "Substring" with "%d" argument(s): "Index and length must '
                'refer to a location within the string."' % len(args), "ArgumentOutOfRangeException",
                METHOD_INVOCATION)
        return s[start:start + length]
    if n in ("padleft", "padright"):
        width = int(convert(args[0], "int"))
        fill = text_args[1] if len(args) > 1 else " "
        return s.rjust(width, fill) if n == "padleft" else s.ljust(width, fill)
    if n == "insert":
        index = int(convert(args[0], "int"))
        return s[:index] + text_args[1] + s[index:]
    if n == "remove":
        start = int(convert(args[0], "int"))
        count = int(convert(args[1], "int")) if len(args) > 1 else len(s) - start
        return s[:start] + s[start + count:]
    if n == "equals":
        return s == text_args[0]
    if n == "compareto":
        other = text_args[0]
        return (s > other) - (s < other)
    if n == "tochararray":
        return list(s)
    if n == "tostring":
        return s
    if n == "normalize":
        return s
    raise KeyError(name)


def _number_method(x: Any, name: str, args: list) -> Any:
    n = name.lower()
    if n == "tostring":
        if not args:
            return to_display_string(x)
        return format_value(x, to_string(args[0]))
    if n == "equals":
        return x == args[0]
    if n == "compareto":
        other = convert(args[0], "double")
        return (x > other) - (x < other)
    raise KeyError(name)


def _datetime_method(d: dt.datetime, name: str, args: list) -> Any:
    n = name.lower()
    adders = {"adddays": "days", "addhours": "hours", "addminutes": "minutes",
              "addseconds": "seconds", "addmilliseconds": "milliseconds"}
    if n in adders:
        try:
            span = dt.timedelta(**{adders[n]: float(convert(args[0], "double"))})
        except OverflowError:
            raise DotNetError(limits.DATETIME_RANGE_MESSAGE, limits.ARGUMENT_OUT_OF_RANGE) from None
        return limits.add_to_datetime(d, span)
    if n == "addmonths" or n == "addyears":
        months = int(convert(args[0], "int")) * (12 if n == "addyears" else 1)
        total = d.month - 1 + months
        year, month = d.year + total // 12, total % 12 + 1
        if not 1 <= year <= 9999:
            raise DotNetError(limits.DATETIME_RANGE_MESSAGE, limits.ARGUMENT_OUT_OF_RANGE)
        import calendar
        day = min(d.day, calendar.monthrange(year, month)[1])
        return d.replace(year=year, month=month, day=day)
    if n == "add":
        return limits.add_to_datetime(d, convert(args[0], "timespan"))
    if n == "subtract":
        other = args[0]
        if isinstance(other, dt.timedelta):
            return limits.add_to_datetime(d, -other)
        return d - (other if isinstance(other, dt.datetime) else convert(other, "datetime"))
    if n == "tostring":
        return format_value(d, to_string(args[0])) if args else to_display_string(d)
    if n == "toshortdatestring":
        return format_value(d, "d")
    if n == "tolongdatestring":
        return format_value(d, "D")
    if n == "toshorttimestring":
        return format_value(d, "t")
    if n == "tolongtimestring":
        return format_value(d, "T")
    if n == "touniversaltime" or n == "tolocaltime":
        return d
    raise KeyError(name)


def _timespan_method(t: dt.timedelta, name: str, args: list) -> Any:
    n = name.lower()
    if n == "tostring":
        return format_value(t, to_string(args[0])) if args else to_display_string(t)
    if n == "add":
        return limits.timespan(t + convert(args[0], "timespan"))
    if n == "subtract":
        return limits.timespan(t - convert(args[0], "timespan"))
    raise KeyError(name)


def _list_method(items: list, name: str, args: list, interp: Any) -> Any:
    n = name.lower()
    if n == "where":
        return interp.intrinsic_where(items, args)
    if n == "foreach":
        return interp.intrinsic_foreach(items, args)
    if n == "contains":
        from hvshell.runtime.operators import compare
        return compare("ccontains", items, args[0])
    if n == "indexof":
        for index, item in enumerate(items):
            if item == args[0]:
                return index
        return -1
    if n == "tostring":
        return "System.Object[]"
    if n == "clone":
        return list(items)
    if n == "add":
        raise MemberError('Exception calling "Add" with "1" argument(s): "Collection was of a fixed size."',
                          "NotSupportedException", METHOD_INVOCATION)
    raise KeyError(name)


def _hashtable_method(h: Hashtable, name: str, args: list) -> Any:
    n = name.lower()
    if n in ("containskey", "contains"):
        return args[0] in h
    if n == "containsvalue":
        return any(v == args[0] for v in h.values())
    if n == "add":
        _args_count(name, args, 2)
        try:
            h.add_new(args[0], args[1])
        except KeyError:
            raise MemberError(
                f'Exception calling "Add" with "2" argument(s): "Item has already been added. '
                f"Key in dictionary: '{args[0]}'  Key being added: '{args[0]}'\"",
                "ArgumentException", METHOD_INVOCATION) from None
        return None
    if n == "remove":
        h.remove(args[0])
        return None
    if n == "clear":
        for key in h.keys():
            h.remove(key)
        return None
    if n == "clone":
        return h.copy()
    if n == "getenumerator":
        return [DictionaryEntry(k, v) for k, v in h.items()]
    if n == "tostring":
        return type_name(h)
    raise KeyError(name)


def invoke_method(target: Any, name: str, args: list, interp: Any) -> Any:
    """`target.name(args)`."""
    if isinstance(target, AutomationNullType) or target is None:
        raise MemberError("You cannot call a method on a null-valued expression.",
                          "InvokeMethodOnNull")
    lname = name.lower()
    if lname == "gettype":
        return TypeInfo(type_name(target))
    try:
        if isinstance(target, str):
            return _str_method(target, name, args)
        if isinstance(target, bool):
            if lname == "tostring":
                return to_display_string(target)
            raise KeyError(name)
        if isinstance(target, (int, float)):
            return _number_method(target, name, args)
        if isinstance(target, dt.datetime):
            return _datetime_method(target, name, args)
        if isinstance(target, dt.timedelta):
            return _timespan_method(target, name, args)
        if isinstance(target, (list, tuple)):
            return _list_method(list(target), name, args, interp)
        if isinstance(target, Hashtable):
            return _hashtable_method(target, name, args)
        if isinstance(target, ScriptObject):
            info = target.ps_class
            if lname == "tostring" and info.find_method(lname, len(args), static=False) is None:
                return target.ps_to_string()
            return _class_call(info.invoke, target, name, args)
        if isinstance(target, PSObject):
            if lname == "tostring":
                return to_display_string(target)
            value = target.get(name)
            from hvshell.runtime.scriptblock import ScriptBlock
            if isinstance(value, ScriptBlock):
                return interp.invoke_scriptblock_value(value, args)
            raise KeyError(name)
        if lname == "invoke" and type(target).__name__ == "ScriptBlock":
            return interp.invoke_scriptblock_value(target, args)
        if lname == "tostring":
            return to_display_string(target)
        if lname == "equals":
            return target is args[0] or target == args[0]
        for real in method_names(target):
            if real.lower() == lname:
                return getattr(target, real)(*args)
        raise KeyError(name)
    except KeyError:
        pass
    except _CAUGHT as error:
        raise invocation_error(name, args, error) from None
    raise MemberError(
        f"Method invocation failed because [{type_name(target)}] does not contain a method "
        f"named '{name}'.", "MethodNotFound")


# ---------------------------------------------------------------------------
# Static members of types
# ---------------------------------------------------------------------------

def _double(value: Any) -> float:
    return float(convert(value, "double"))


def _math_round(args: list) -> Any:
    digits = int(convert(args[1], "int")) if len(args) > 1 else 0
    return limits.math_round(_double(args[0]), digits)


# System.Math with IEEE results (Infinity, NaN) where Python's math raises.
_MATH: dict[str, Callable[[list], Any]] = {
    "round": _math_round,
    "floor": lambda a: limits.math_floor(_double(a[0])),
    "ceiling": lambda a: limits.math_ceiling(_double(a[0])),
    "truncate": lambda a: limits.math_truncate(_double(a[0])),
    "abs": lambda a: limits.math_abs(a[0] if isinstance(a[0], (int, float)) else _double(a[0])),
    "max": lambda a: max(a[0], a[1]),
    "min": lambda a: min(a[0], a[1]),
    "pow": lambda a: limits.math_pow(_double(a[0]), _double(a[1])),
    "sqrt": lambda a: limits.math_sqrt(_double(a[0])),
    "log": lambda a: limits.math_log(_double(a[0]), *(_double(x) for x in a[1:2])),
    "log10": lambda a: limits.math_log10(_double(a[0])),
    "exp": lambda a: limits.math_exp(_double(a[0])),
    "sign": lambda a: limits.math_sign(a[0]),
}


def _class_call(call: Callable[..., Any], *args: Any) -> Any:
    """A member of a script class; its failures worded as member errors."""
    try:
        return call(*args)
    except ClassError as error:
        raise MemberError(str(error), error.error_id) from None


_DOUBLE_CONSTANTS = {"positiveinfinity": math.inf, "negativeinfinity": -math.inf, "nan": math.nan,
                     "epsilon": 5e-324}


def static_member(type_text: str, name: str, interp: Any) -> Any:
    """`[type]::Name` (a property or constant)."""
    canonical = canonical_type_name(type_text)
    key = name.lower()
    defined = find_type(canonical)
    if defined is not None:
        info = class_of(defined)
        if info is not None:
            return _class_call(info.static_get, name)
        if issubclass(defined, enum.Enum):
            for member in defined:
                if member.name.lower() == key:
                    return member
    ranges = {
        "System.Int32": (-2**31, 2**31 - 1), "System.Int64": (-2**63, 2**63 - 1),
        "System.Byte": (0, 255), "System.UInt32": (0, 2**32 - 1), "System.Int16": (-2**15, 2**15 - 1),
        "System.Double": (-1.7976931348623157e308, 1.7976931348623157e308),
        "System.DateTime": (limits.DATETIME_MIN, limits.DATETIME_MAX),
        "System.TimeSpan": (limits.TIMESPAN_MIN, limits.TIMESPAN_MAX),
        "System.Char": ("\0", chr(limits.CHAR_MAX)),
    }
    if canonical in ranges and key in ("maxvalue", "minvalue"):
        return ranges[canonical][1 if key == "maxvalue" else 0]
    if canonical == "System.Double" and key in _DOUBLE_CONSTANTS:
        return _DOUBLE_CONSTANTS[key]
    if canonical == "System.Math":
        if key == "pi":
            return math.pi
        if key == "e":
            return math.e
    if canonical == "System.String" and key == "empty":
        return ""
    if canonical == "System.DateTime":
        if key in ("now", "utcnow"):
            return interp.session.lab.clock.datetime if interp.session.lab is not None else \
                dt.datetime(2014, 3, 25, 9, 0, 0)
        if key == "today":
            now = static_member(type_text, "Now", interp)
            return now.replace(hour=0, minute=0, second=0, microsecond=0)
    if canonical == "System.TimeSpan" and key == "zero":
        return dt.timedelta(0)
    if canonical == "System.Environment" and key == "newline":
        return "\n"
    if canonical == "System.IO.Path" and key == "directoryseparatorchar":
        return "\\"
    raise MemberError(f"The property '{name}' cannot be found on type [{canonical}].",
                      "PropertyNotFound")


def _path_parts(text: str) -> tuple[str, str]:
    text = text.replace("/", "\\")
    head, _, tail = text.rpartition("\\")
    return head, tail


def invoke_static(type_text: str, name: str, args: list, interp: Any) -> Any:
    """`[type]::Method(args)`."""
    canonical = canonical_type_name(type_text)
    key = name.lower()
    info = class_of(find_type(canonical))
    if info is not None:
        return _class_call(info.invoke_static, name, args)
    try:
        if canonical == "System.Math" and key in _MATH:
            return _MATH[key](args)
        if canonical == "System.String":
            if key == "isnullorempty":
                return args[0] is None or to_string(args[0]) == ""
            if key == "isnullorwhitespace":
                return args[0] is None or to_string(args[0]).strip() == ""
            if key == "join":
                items = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else args[1:]
                return to_string(args[0]).join(to_display_string(x, True) for x in items)
            if key == "format":
                rest = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else args[1:]
                return composite_format(to_string(args[0]), list(rest))
            if key == "concat":
                return "".join(to_string(x) for x in args)
        if canonical == "System.DateTime":
            if key == "parse":
                return parse_datetime(to_string(args[0]))
            if key == "daysinmonth":
                import calendar
                return calendar.monthrange(int(args[0]), int(args[1]))[1]
        if canonical == "System.TimeSpan":
            units = {"fromseconds": "seconds", "fromminutes": "minutes", "fromhours": "hours",
                     "fromdays": "days", "frommilliseconds": "milliseconds"}
            if key in units:
                return limits.timespan_of(**{units[key]: float(convert(args[0], "double"))})
            if key == "parse":
                return parse_timespan(to_string(args[0]))
        if canonical in ("System.Int32", "System.Int64", "System.Double") and key == "parse":
            try:
                return convert(to_string(args[0]), canonical)
            except ConversionError:     # .NET's Parse throws FormatException, not a cast error
                raise DotNetError("Input string was not in a correct format.",
                                  "System.FormatException") from None
        if canonical == "System.Guid":
            if key == "newguid":
                return interp.new_guid()
            if key == "parse":
                return convert(args[0], "guid")
        if canonical == "System.Text.RegularExpressions.Regex":
            from hvshell.runtime.dotnet_regex import compile_regex, replacement
            if key == "escape":
                return re.escape(to_string(args[0]))
            if key == "ismatch":
                return compile_regex(to_string(args[1]), True).search(to_string(args[0])) is not None
            if key == "replace":
                return compile_regex(to_string(args[1]), True).sub(replacement(to_string(args[2])),
                                                                   to_string(args[0]))
            if key == "split":
                return compile_regex(to_string(args[1]), True).split(to_string(args[0]))
        if canonical == "System.IO.Path":
            if key == "combine":
                parts = [to_string(a) for a in args]
                return "\\".join(p.rstrip("\\/") for p in parts[:-1]) + "\\" + parts[-1] \
                    if len(parts) > 1 else parts[0]
            if key == "getfilename":
                return _path_parts(to_string(args[0]))[1]
            if key == "getdirectoryname":
                return _path_parts(to_string(args[0]))[0]
            if key == "getextension":
                tail = _path_parts(to_string(args[0]))[1]
                return "." + tail.rsplit(".", 1)[1] if "." in tail else ""
            if key == "getfilenamewithoutextension":
                tail = _path_parts(to_string(args[0]))[1]
                return tail.rsplit(".", 1)[0] if "." in tail else tail
        if canonical == "System.Convert":
            conversions = {"toint32": "int", "toint64": "long", "todouble": "double",
                           "tostring": "string", "toboolean": "bool"}
            if key in conversions:
                return convert(args[0], conversions[key])
        if canonical == "System.Version" and key == "parse":
            return Version(to_string(args[0]))
    except _CAUGHT as error:
        raise invocation_error(name, args, error) from None
    raise MemberError(
        f"Method invocation failed because [{canonical}] does not contain a method named "
        f"'{name}'.", "MethodNotFound")


def get_member(target: Any, name: str) -> Any:
    """`target.name` with member-access enumeration over collections;
    MISSING when no object has it."""
    if isinstance(target, (list, tuple)):
        value = get_property(target, name)
        if value is not MISSING:
            return value
        results = []
        for item in target:
            item_value = get_member(item, name)
            if item_value is MISSING:
                continue
            if isinstance(item_value, (list, tuple)):
                results.extend(item_value)
            else:
                results.append(item_value)
        if not results:
            return MISSING
        return results[0] if len(results) == 1 else results
    value = get_property(target, name)
    if value is MISSING and name.lower() in ("count", "length"):
        return 1          # any single object counts as one (PowerShell 3.0 and later)
    return value


__all__ = ["MemberError", "TypeInfo", "invoke_method", "invoke_static", "static_member",
           "get_member"]
