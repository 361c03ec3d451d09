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
from hvshell.runtime.dotnet_format import FormatError, composite_format, format_value
from hvshell.runtime.psobject import (MISSING, DictionaryEntry, Hashtable, PSObject,
                                      get_property, method_names, to_display_string, type_name)


class MemberError(Exception):
    def __init__(self, message: str, error_id: str = "MethodNotFound"):
        super().__init__(message)
        self.error_id = error_id


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
                'refer to a location within the string."' % len(args), "ArgumentOutOfRangeException")
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
        try:
            return format_value(x, to_string(args[0]))
        except FormatError as error:
            raise MemberError(str(error), "FormatException") from None
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
        return d + dt.timedelta(**{adders[n]: float(convert(args[0], "double"))})
    if n == "addmonths" or n == "addyears":
        months = int(convert(args[0], "int")) * (12 if n == "addyears" else 1)
        total = d.month - 1 + months
        year, month = d.year + total // 12, total % 12 + 1
        import calendar
        day = min(d.day, calendar.monthrange(year, month)[1])
        return d.replace(year=year, month=month, day=day)
    if n == "add":
        return d + convert(args[0], "timespan")
    if n == "subtract":
        other = args[0]
        return d - (other if isinstance(other, (dt.datetime, dt.timedelta)) else convert(other, "datetime"))
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
        return t + convert(args[0], "timespan")
    if n == "subtract":
        return t - convert(args[0], "timespan")
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
                          "NotSupportedException")
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
                "ArgumentException") from None
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
    except (ConversionError, ValueError, IndexError, TypeError) as error:
        raise MemberError(
            f'Exception calling "{name}" with "{len(args)}" argument(s): "{error}"',
            "MethodInvocationException") from None
    raise MemberError(
        f"Method invocation failed because [{type_name(target)}] does not contain a method "
        f"named '{name}'.", "MethodNotFound")


# ---------------------------------------------------------------------------
# Static members of types
# ---------------------------------------------------------------------------

def _math_round(args: list) -> Any:
    value = float(convert(args[0], "double"))
    digits = int(convert(args[1], "int")) if len(args) > 1 else 0
    result = round(value, digits)               # .NET Math.Round: half to even, as here
    return float(result) if digits else float(result)


_MATH: dict[str, Callable[[list], Any]] = {
    "round": _math_round,
    "floor": lambda a: float(math.floor(convert(a[0], "double"))),
    "ceiling": lambda a: float(math.ceil(convert(a[0], "double"))),
    "truncate": lambda a: float(math.trunc(convert(a[0], "double"))),
    "abs": lambda a: abs(a[0]) if isinstance(a[0], (int, float)) else abs(convert(a[0], "double")),
    "max": lambda a: max(a[0], a[1]),
    "min": lambda a: min(a[0], a[1]),
    "pow": lambda a: float(convert(a[0], "double")) ** float(convert(a[1], "double")),
    "sqrt": lambda a: math.sqrt(convert(a[0], "double")),
    "log": lambda a: math.log(convert(a[0], "double"), *(convert(x, "double") for x in a[1:])),
    "log10": lambda a: math.log10(convert(a[0], "double")),
    "exp": lambda a: math.exp(convert(a[0], "double")),
    "sign": lambda a: (a[0] > 0) - (a[0] < 0),
}


def _class_call(call: Callable[..., Any], *args: Any) -> Any:
    """A member of a script class; its failures worded as member errors."""
    try:
        return call(*args)
    except ClassError as error:
        raise MemberError(str(error), error.error_id) from None


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
    limits = {
        "System.Int32": (-2**31, 2**31 - 1), "System.Int64": (-2**63, 2**63 - 1),
        "System.Byte": (0, 255), "System.UInt32": (0, 2**32 - 1), "System.Int16": (-2**15, 2**15 - 1),
        "System.Double": (-1.7976931348623157e308, 1.7976931348623157e308),
    }
    if canonical in limits and key in ("maxvalue", "minvalue"):
        return limits[canonical][1 if key == "maxvalue" else 0]
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
                return dt.timedelta(**{units[key]: float(convert(args[0], "double"))})
            if key == "parse":
                return parse_timespan(to_string(args[0]))
        if canonical in ("System.Int32", "System.Int64", "System.Double") and key == "parse":
            return convert(to_string(args[0]), canonical)
        if canonical == "System.Guid":
            if key == "newguid":
                return interp.new_guid()
            if key == "parse":
                return convert(args[0], "guid")
        if canonical == "System.Text.RegularExpressions.Regex":
            from hvshell.runtime.operators import dotnet_regex
            if key == "escape":
                return re.escape(to_string(args[0]))
            if key == "ismatch":
                return dotnet_regex(to_string(args[1]), True).search(to_string(args[0])) is not None
            if key == "replace":
                from hvshell.runtime.operators import compare
                return compare("creplace", to_string(args[0]), [args[1], args[2]])
            if key == "split":
                return dotnet_regex(to_string(args[1]), True).split(to_string(args[0]))
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
    except (ConversionError, ValueError, IndexError, TypeError, FormatError) as error:
        raise MemberError(
            f'Exception calling "{name}" with "{len(args)}" argument(s): "{error}"',
            "MethodInvocationException") from None
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
