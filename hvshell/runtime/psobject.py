"""How Python values look to the shell: PowerShell's object model.

Values are plain Python where PowerShell's are plain .NET: int, float, str,
bool, None, datetime (DateTime), timedelta (TimeSpan), list (object[]).
PowerShell-only kinds live here: `PSObject` ([pscustomobject] and the objects
Select-Object builds) and `Hashtable`.  Model objects follow the convention
of `hvshell.pstypes.objects` (PS_TYPE, upper-case members).  Everything that asks
"what properties does this have, what is it called, how does it print" goes
through the functions below.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Iterable, Iterator

from hvshell.pstypes.numbers import is_int64
from hvshell.pstypes.objects import PSEnum, ps_method_names, ps_property_names

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING", "__bool__": lambda self: False})()


class PSObject:
    """A property bag with ordered, case-insensitive names.  `type_names`
    lists its type names, most specific first (Select-Object prefixes the
    source's type with 'Selected.')."""

    __slots__ = ("_props", "type_names")

    def __init__(self, props: Iterable[tuple[str, Any]] | dict | None = None,
                 type_names: list[str] | None = None):
        self._props: dict[str, list] = {}
        self.type_names = type_names or ["System.Management.Automation.PSCustomObject"]
        if props:
            items = props.items() if isinstance(props, dict) else props
            for name, value in items:
                self.add(name, value)

    def add(self, name: str, value: Any) -> None:
        key = name.lower()
        if key in self._props:
            self._props[key][1] = value
        else:
            self._props[key] = [name, value]

    def has(self, name: str) -> bool:
        return name.lower() in self._props

    def get(self, name: str, default: Any = MISSING) -> Any:
        entry = self._props.get(name.lower())
        return entry[1] if entry else default

    def remove(self, name: str) -> None:
        self._props.pop(name.lower(), None)

    def names(self) -> list[str]:
        return [entry[0] for entry in self._props.values()]

    def items(self) -> Iterator[tuple[str, Any]]:
        for name, value in self._props.values():
            yield name, value

    def __repr__(self) -> str:
        return f"PSObject({dict(self.items())!r})"


class Hashtable:
    """`@{}`: case-insensitive keys (string keys fold case; others compare by
    value), kept in insertion order so output is deterministic."""

    __slots__ = ("_data", "ordered")

    def __init__(self, items: Iterable[tuple[Any, Any]] | None = None, ordered: bool = False):
        self._data: dict[Any, list] = {}
        self.ordered = ordered
        for key, value in items or ():
            self[key] = value

    @staticmethod
    def _fold(key: Any) -> Any:
        if isinstance(key, str):
            return ("s", key.lower())
        try:
            hash(key)
        except TypeError:            # an array or a hashtable: .NET hashes it by reference
            return ("r", id(key))    # (the entry holds the key, so the id stays its own)
        return ("o", key)

    def __setitem__(self, key: Any, value: Any) -> None:
        folded = self._fold(key)
        if folded in self._data:
            self._data[folded][1] = value
        else:
            self._data[folded] = [key, value]

    def __getitem__(self, key: Any) -> Any:
        entry = self._data.get(self._fold(key))
        return entry[1] if entry else None

    def __contains__(self, key: Any) -> bool:
        return self._fold(key) in self._data

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Any, default: Any = None) -> Any:
        entry = self._data.get(self._fold(key))
        return entry[1] if entry else default

    def add_new(self, key: Any, value: Any) -> None:
        """Hashtable.Add: a duplicate key is an error."""
        if key in self:
            raise KeyError(key)
        self[key] = value

    def remove(self, key: Any) -> None:
        self._data.pop(self._fold(key), None)

    def keys(self) -> list[Any]:
        return [entry[0] for entry in self._data.values()]

    def values(self) -> list[Any]:
        return [entry[1] for entry in self._data.values()]

    def items(self) -> list[tuple[Any, Any]]:
        return [(entry[0], entry[1]) for entry in self._data.values()]

    def copy(self) -> "Hashtable":
        return Hashtable(self.items(), self.ordered)

    def __repr__(self) -> str:
        return f"Hashtable({self.items()!r})"


class DictionaryEntry:
    """One key/value pair, as a hashtable's enumerator and its table view
    give them (Name/Key, Value)."""

    PS_TYPE = "System.Collections.DictionaryEntry"

    def __init__(self, key: Any, value: Any):
        self._key = key
        self._value = value

    # Properties (not plain attributes) so the shell sees them as members,
    # in PowerShell's order: Name, Key, Value.
    @property
    def Name(self) -> Any:
        return self._key

    @property
    def Key(self) -> Any:
        return self._key

    @Key.setter
    def Key(self, value: Any) -> None:
        self._key = value

    @property
    def Value(self) -> Any:
        return self._value

    @Value.setter
    def Value(self, value: Any) -> None:
        self._value = value


# ---------------------------------------------------------------------------
# Type names
# ---------------------------------------------------------------------------

_PRIMITIVE_NAMES = {
    bool: "System.Boolean", str: "System.String", float: "System.Double",
    dt.datetime: "System.DateTime", dt.timedelta: "System.TimeSpan",
    list: "System.Object[]", tuple: "System.Object[]",
}


def type_names(obj: Any) -> list[str]:
    """Full type names, most specific first, ending with System.Object."""
    if isinstance(obj, PSObject):
        return list(obj.type_names) + ["System.Object"]
    if isinstance(obj, bool):
        return ["System.Boolean", "System.ValueType", "System.Object"]
    if isinstance(obj, int):
        name = "System.Int64" if is_int64(obj) else "System.Int32"
        return [name, "System.ValueType", "System.Object"]
    for py_type, name in _PRIMITIVE_NAMES.items():
        if isinstance(obj, py_type):
            return [name, "System.Object"]
    if isinstance(obj, Hashtable):
        return ["System.Collections.Specialized.OrderedDictionary" if obj.ordered
                else "System.Collections.Hashtable", "System.Object"]
    own = getattr(obj, "ps_type_names", None)       # an object whose type is data ($_.Exception)
    if own is not None and not isinstance(obj, type):
        return own() + ["System.Object"]
    names = []
    for klass in type(obj).__mro__:
        ps_type = klass.__dict__.get("PS_TYPE")
        # (in an Enum body `PS_TYPE = ...` would be a member, not a name)
        if isinstance(ps_type, str) and ps_type not in names:
            names.append(ps_type)
    if isinstance(obj, enum.Enum) and not names:
        names.append(type(obj).__name__)
    return (names or [type(obj).__name__]) + ["System.Object"]


def type_name(obj: Any) -> str:
    return type_names(obj)[0]


def type_name_short(obj: Any) -> str:
    """The last dotted part: String, Int32, VirtualMachine."""
    return type_name(obj).rsplit(".", 1)[-1]


_TYPE_LABELS = {str: "String", int: "Int64", float: "Double", bool: "Boolean",
                dt.datetime: "DateTime", dt.timedelta: "TimeSpan", object: "Object"}


def type_label(py_type: Any) -> str:
    """A declared parameter type as help shows it."""
    if isinstance(py_type, str):
        return py_type
    if py_type in _TYPE_LABELS:
        return _TYPE_LABELS[py_type]
    ps_type = getattr(py_type, "PS_TYPE", None)
    if ps_type:
        return ps_type.rsplit(".", 1)[-1]
    return getattr(py_type, "__name__", str(py_type))


# ---------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------

def _member_map(cls: type) -> dict[str, str]:
    cached = cls.__dict__.get("_ps_member_map")
    if cached is None:
        cached = {n.lower(): n for n in ps_property_names(cls)}
        type.__setattr__(cls, "_ps_member_map", cached)
    return cached


def is_model_object(obj: Any) -> bool:
    return hasattr(type(obj), "PS_TYPE") and not isinstance(obj, (PSObject, Hashtable))


def property_names(obj: Any) -> list[str]:
    """The properties a formatter or `Select-Object *` sees."""
    if isinstance(obj, PSObject):
        return obj.names()
    if isinstance(obj, Hashtable):
        return ["IsReadOnly", "IsFixedSize", "IsSynchronized", "Keys", "Values", "SyncRoot", "Count"]
    if isinstance(obj, str):
        return ["Length"]
    if is_model_object(obj):
        return list(ps_property_names(type(obj)))
    if isinstance(obj, dt.timedelta):
        # the order of TimeSpan's own console view
        return ["Days", "Hours", "Minutes", "Seconds", "Milliseconds", "Ticks", "TotalDays",
                "TotalHours", "TotalMinutes", "TotalSeconds", "TotalMilliseconds"]
    if isinstance(obj, dt.datetime):
        return ["Date", "Day", "DayOfWeek", "DayOfYear", "Hour", "Kind", "Millisecond",
                "Minute", "Month", "Second", "Ticks", "TimeOfDay", "Year", "DateTime"]
    return []


_TICKS = 10_000_000


def _timespan_property(span: dt.timedelta, key: str) -> Any:
    total = span.total_seconds()
    whole = int(total)
    sign = -1 if total < 0 else 1
    whole_abs = abs(whole)
    values = {
        "days": sign * (whole_abs // 86400),
        "hours": sign * (whole_abs // 3600 % 24),
        "minutes": sign * (whole_abs // 60 % 60),
        "seconds": sign * (whole_abs % 60),
        "milliseconds": sign * (round(abs(total) * 1000) % 1000),
        "ticks": round(total * _TICKS),
        "totaldays": total / 86400, "totalhours": total / 3600,
        "totalminutes": total / 60, "totalseconds": total,
        "totalmilliseconds": total * 1000,
    }
    return values.get(key, MISSING)


_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _datetime_property(value: dt.datetime, key: str) -> Any:
    values = {
        "year": value.year, "month": value.month, "day": value.day, "hour": value.hour,
        "minute": value.minute, "second": value.second,
        "millisecond": value.microsecond // 1000,
        "dayofweek": _DAY_NAMES[value.weekday()], "dayofyear": value.timetuple().tm_yday,
        "date": value.replace(hour=0, minute=0, second=0, microsecond=0),
        "timeofday": value - value.replace(hour=0, minute=0, second=0, microsecond=0),
        "ticks": (value - dt.datetime(1, 1, 1)) // dt.timedelta(microseconds=1) * 10,
        "kind": "Unspecified",
    }
    if key == "datetime":
        return format_datetime(value, long=True)
    return values.get(key, MISSING)


def get_property(obj: Any, name: str, default: Any = MISSING) -> Any:
    """`obj.Name` for a property (not a method); `default` when absent."""
    key = name.lower()
    if isinstance(obj, PSObject):
        return obj.get(name, default)
    if isinstance(obj, Hashtable):
        if name in obj:
            return obj[name]
        if key == "count":
            return len(obj)
        if key == "keys":
            return obj.keys()
        if key == "values":
            return obj.values()
        return default
    if isinstance(obj, str):
        return len(obj) if key == "length" else default
    if isinstance(obj, (list, tuple)):
        if key in ("count", "length"):
            return len(obj)
        return default
    if isinstance(obj, dt.timedelta):
        value = _timespan_property(obj, key)
        return default if value is MISSING else value
    if isinstance(obj, dt.datetime):
        value = _datetime_property(obj, key)
        return default if value is MISSING else value
    if isinstance(obj, enum.Enum):
        if key == "value__":
            return obj.value
        return default
    if obj is None or isinstance(obj, (bool, int, float)):
        return default
    real = _member_map(type(obj)).get(key)
    if real is None:
        return default
    return getattr(obj, real)


def has_property(obj: Any, name: str) -> bool:
    return get_property(obj, name) is not MISSING


def set_property(obj: Any, name: str, value: Any) -> None:
    """`obj.Name = value`; raises AttributeError when the property does not
    exist or is read-only (the caller words the error)."""
    if isinstance(obj, PSObject):
        if not obj.has(name):
            raise AttributeError(name)
        obj.add(name, value)
        return
    if isinstance(obj, Hashtable):
        obj[name] = value
        return
    if is_model_object(obj):
        real = _member_map(type(obj)).get(name.lower())
        if real is None:
            raise AttributeError(name)
        descriptor = getattr(type(obj), real, None)
        if isinstance(descriptor, property) and descriptor.fset is None:
            raise AttributeError(name)
        setattr(obj, real, value)
        return
    raise AttributeError(name)


def method_names(obj: Any) -> list[str]:
    if is_model_object(obj):
        return list(ps_method_names(type(obj)))
    return []


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

def format_double(value: float) -> str:
    """Double.ToString() as .NET Framework prints it (15 significant digits)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    text = "%.15G" % value
    if "E" in text:
        mantissa, exponent = text.split("E")
        sign = exponent[0]
        digits = exponent[1:].lstrip("0").rjust(2, "0")
        text = f"{mantissa}E{sign}{digits}"
    return "0" if text == "-0" else text


def format_timespan(span: dt.timedelta) -> str:
    """TimeSpan.ToString(): [-][d.]hh:mm:ss[.fffffff]."""
    ticks = round(span.total_seconds() * _TICKS)
    sign = "-" if ticks < 0 else ""
    ticks = abs(ticks)
    seconds, fraction = divmod(ticks, _TICKS)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = f"{sign}{days}." if days else sign
    text += f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if fraction:
        text += f".{fraction:07d}"
    return text


def format_datetime(value: dt.datetime, long: bool = False, invariant: bool = False) -> str:
    """DateTime as en-US .NET prints it: ToString() '3/25/2014 9:00:00 AM',
    the console's long form 'Tuesday, March 25, 2014 9:00:00 AM', or the
    invariant form string expansion uses, '03/25/2014 09:00:00'."""
    if invariant:
        return value.strftime("%m/%d/%Y %H:%M:%S")
    hour12 = value.hour % 12 or 12
    ampm = "AM" if value.hour < 12 else "PM"
    clock = f"{hour12}:{value.minute:02d}:{value.second:02d} {ampm}"
    if long:
        return f"{_DAY_NAMES[value.weekday()]}, {value.strftime('%B')} {value.day}, {value.year} {clock}"
    return f"{value.month}/{value.day}/{value.year} {clock}"


_CONTROL_NAMES = {"\0": "`0", "\a": "`a", "\b": "`b", "\f": "`f", "\v": "`v", "\x1b": "`e"}
_CONTROLS = {code: _CONTROL_NAMES.get(chr(code), f"`u{{{code:x}}}")
             for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(code) not in "\t\n\r"}


def printable(text: str) -> str:
    """`text` with its control characters shown as PowerShell escapes
    (`e, `a, `u{9b} ...) instead of obeyed: a name from a lab file or an
    error message must not clear or retitle the terminal.  Tabs and line
    breaks stay."""
    return text.translate(_CONTROLS) if not text.isprintable() else text


def to_display_string(obj: Any, invariant: bool = False) -> str:
    """obj.ToString() as PowerShell shows it; `invariant` gives what string
    expansion (`"$x"`) produces, which differs for dates, arrays and
    custom objects."""
    if obj is None:
        return ""
    if isinstance(obj, bool):
        return "True" if obj else "False"
    if isinstance(obj, str):
        return obj
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        return format_double(obj)
    if isinstance(obj, enum.Enum):
        return obj.name
    if isinstance(obj, dt.datetime):
        return format_datetime(obj, invariant=invariant)
    if isinstance(obj, dt.timedelta):
        return format_timespan(obj)
    if isinstance(obj, (list, tuple)):
        if invariant:
            return " ".join(to_display_string(x, True) for x in obj)
        return "System.Object[]"
    if isinstance(obj, PSObject):
        own = getattr(obj, "ps_to_string", None)        # an instance of a script class
        if own is not None:
            return own()
        if "System.Management.Automation.PSCustomObject" in obj.type_names[-1:] or invariant:
            inner = "; ".join(f"{n}={to_display_string(v, True)}" for n, v in obj.items())
            return "@{" + inner + "}"
        return ""
    if isinstance(obj, Hashtable):
        return type_name(obj)
    to_string = getattr(obj, "ToString", None)
    if callable(to_string):
        return str(to_string())
    if is_model_object(obj):
        return type_name(obj)
    return str(obj)


def is_numeric(obj: Any) -> bool:
    return isinstance(obj, (int, float)) and not isinstance(obj, bool)


def is_enumerable(obj: Any) -> bool:
    """Whether the pipeline unrolls it (lists do; strings and hashtables don't)."""
    return isinstance(obj, (list, tuple))


__all__ = [
    "MISSING", "PSObject", "Hashtable", "DictionaryEntry", "PSEnum", "type_names", "type_name",
    "type_name_short", "type_label", "property_names", "get_property", "has_property",
    "set_property", "method_names", "to_display_string", "format_double", "format_timespan",
    "format_datetime", "is_numeric", "is_enumerable", "is_model_object",
]
