""".NET formatting as the `-f` operator and `.ToString('N2')` use it (en-US).

Composite format items `{index[,alignment][:format]}`, standard numeric
formats (N F D X P E G C R) with precision, custom numeric patterns
(`0.00`, `#,##0.0`), and DateTime/TimeSpan patterns (`yyyy-MM-dd HH:mm:ss`,
`hh\\:mm\\:ss`).
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from typing import Any

from hvshell.runtime.psobject import format_double, format_timespan, to_display_string


class FormatError(Exception):
    pass


def _round_half_away(value: float, digits: int, percent: bool = False) -> decimal.Decimal:
    """.NET's numeric format strings round half away from zero."""
    quant = decimal.Decimal(1).scaleb(-digits)
    # Enough precision for every double's integer digits (up to 309) and the fraction's.
    context = decimal.Context(prec=digits + 330)
    exact = decimal.Decimal(repr(float(value)))
    if percent:                     # x100 in decimal: a double near its maximum does not overflow
        exact = exact.scaleb(2)
    return exact.quantize(quant, rounding=decimal.ROUND_HALF_UP, context=context)


def _group(int_text: str) -> str:
    sign = "-" if int_text.startswith("-") else ""
    digits = int_text.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + ",".join(groups)


def _fixed(value: float, digits: int, grouped: bool, percent: bool = False) -> str:
    text = f"{_round_half_away(value, digits, percent):f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    if grouped:
        whole, _, frac = text.partition(".")
        text = _group(whole) + ("." + frac if frac else "")
    return text


def format_number(value: Any, spec: str) -> str:
    """A number with a .NET standard or custom numeric format string."""
    if isinstance(value, bool):
        return "True" if value else "False"
    # One letter and at most two digits is a standard format (a third digit
    # makes it a custom pattern, as in .NET Framework); an unknown letter is refused.
    m = re.fullmatch(r"([A-Za-z])(\d{0,2})", spec)
    if not m:
        return _custom_number(value, spec)
    kind, precision = m.group(1), m.group(2)
    digits = int(precision) if precision else None
    upper = kind.upper()
    if upper not in "NFDXPECGR" or (upper in "DX" and not isinstance(value, int)):
        raise FormatError("Format specifier was invalid.")
    if isinstance(value, float) and not math.isfinite(value):
        return _non_finite(value)
    if upper == "N":
        return _fixed(value, 2 if digits is None else digits, True)
    if upper == "F":
        return _fixed(value, 2 if digits is None else digits, False)
    if upper == "D":
        text = str(abs(value)).rjust(digits or 0, "0")
        return ("-" if value < 0 else "") + text
    if upper == "X":
        text = format(value & (2**64 - 1) if value < 0 else value, "x" if kind == "x" else "X")
        return text.rjust(digits or 0, "0")
    if upper == "P":
        return _fixed(value, 2 if digits is None else digits, True, percent=True) + " %"
    if upper == "C":
        text = _fixed(abs(value), 2 if digits is None else digits, True)
        return f"(${text})" if value < 0 else f"${text}"
    if upper == "E":
        text = f"{float(value):.{6 if digits is None else digits}E}"
        mantissa, exponent = text.split("E")
        sign = exponent[0]
        text = f"{mantissa}E{sign}{exponent[1:].rjust(3, '0')}"
        return text if kind == "E" else text.lower()
    if upper in ("G", "R"):
        if digits and not isinstance(value, int):
            text = "%.*G" % (digits, value)
            return text
        return format_double(value) if isinstance(value, float) else str(value)
    raise FormatError("Format specifier was invalid.")


def _non_finite(value: float) -> str:
    """What every numeric format shows for a double that is not a number."""
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _custom_number(value: Any, spec: str) -> str:
    """Custom numeric patterns: 0 and # placeholders, one '.', ',' grouping,
    '%' (×100), literal text in quotes."""
    if isinstance(value, float) and not math.isfinite(value):
        return _non_finite(value)
    sections = spec.split(";")
    if len(sections) > 1 and value < 0:
        spec, value = sections[1], -value
    elif len(sections) > 2 and value == 0:
        spec = sections[2]
    else:
        spec = sections[0]
    literal_parts = re.split(r"('[^']*'|\"[^\"]*\")", spec)
    pattern = "".join(p for p in literal_parts if not p[:1] in ("'", '"'))
    if "0" not in pattern and "#" not in pattern:
        # No digit placeholder: the pattern is all literal text.
        return "".join(p[1:-1] if p[:1] in ("'", '"') else p for p in literal_parts)
    number = float(value)
    int_pattern, _, frac_pattern = pattern.partition(".")
    frac_pattern = re.sub(r"[^0#]", "", frac_pattern)
    grouped = "," in int_pattern.strip(",").rstrip("0#") or re.search(r"[0#],[0#]", int_pattern)
    min_int = int_pattern.count("0")
    max_frac = len(frac_pattern)
    min_frac = len(frac_pattern.rstrip("#"))
    text = f"{_round_half_away(abs(number), max_frac, '%' in pattern):f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(min_frac, "0") if max_frac else ""
    whole = whole.lstrip("0").rjust(min_int, "0") if min_int else whole.lstrip("0")
    if grouped and whole:
        whole = _group(whole)
    body = whole + ("." + frac if frac else "")
    if number < 0 and float(body or 0) != 0:
        body = "-" + body
    # Re-insert literal text and non-placeholder characters around the number.
    prefix = re.match(r"^[^0#.,]*", pattern).group(0)
    suffix = re.search(r"[^0#.,]*$", pattern).group(0)
    literals = [p[1:-1] for p in literal_parts if p[:1] in ("'", '"')]
    if literals and spec.startswith(("'", '"')):
        prefix = literals[0] + prefix
    elif literals:
        suffix = suffix + "".join(literals)
    return prefix + (body or "0" if min_int else body) + suffix


_DATE_TOKENS = re.compile(
    r"yyyy|yy|MMMM|MMM|MM|M|dddd|ddd|dd|d|HH|H|hh|h|mm|m|ss|s|fffffff|ffffff|fff|ff|f|tt|t|zzz|K|'[^']*'|\"[^\"]*\"|\\.|.")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def format_datetime_spec(value: dt.datetime, spec: str) -> str:
    standard = {
        "d": "M/d/yyyy", "D": "dddd, MMMM d, yyyy", "t": "h:mm tt", "T": "h:mm:ss tt",
        "f": "dddd, MMMM d, yyyy h:mm tt", "F": "dddd, MMMM d, yyyy h:mm:ss tt",
        "g": "M/d/yyyy h:mm tt", "G": "M/d/yyyy h:mm:ss tt", "s": "yyyy-MM-ddTHH:mm:ss",
        "u": "yyyy-MM-dd HH:mm:ssZ", "o": "yyyy-MM-ddTHH:mm:ss.fffffff", "O": "yyyy-MM-ddTHH:mm:ss.fffffff",
        "m": "MMMM d", "M": "MMMM d", "y": "MMMM yyyy", "Y": "MMMM yyyy",
    }
    if spec in standard:
        spec = standard[spec]
    out = []
    for token in _DATE_TOKENS.findall(spec):
        hour12 = value.hour % 12 or 12
        mapping = {
            "yyyy": f"{value.year:04d}", "yy": f"{value.year % 100:02d}",
            "MMMM": _MONTHS[value.month - 1], "MMM": _MONTHS[value.month - 1][:3],
            "MM": f"{value.month:02d}", "M": str(value.month),
            "dddd": _DAYS[value.weekday()], "ddd": _DAYS[value.weekday()][:3],
            "dd": f"{value.day:02d}", "d": str(value.day),
            "HH": f"{value.hour:02d}", "H": str(value.hour),
            "hh": f"{hour12:02d}", "h": str(hour12),
            "mm": f"{value.minute:02d}", "m": str(value.minute),
            "ss": f"{value.second:02d}", "s": str(value.second),
            "tt": "AM" if value.hour < 12 else "PM", "t": "A" if value.hour < 12 else "P",
            "zzz": "+00:00", "K": "",
        }
        if token in mapping:
            out.append(mapping[token])
        elif token.startswith("f"):
            out.append(f"{value.microsecond:06d}0"[:len(token)])
        elif token[:1] in ("'", '"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        else:
            out.append(token)
    return "".join(out)


_SPAN_TOKENS = re.compile(r"d+|hh|h|mm|m|ss|s|f+|'[^']*'|\\.|.")


def format_timespan_spec(value: dt.timedelta, spec: str) -> str:
    if spec in ("c", "t", "T", ""):
        return format_timespan(value)
    if spec in ("g", "G"):
        text = format_timespan(value)
        return text
    total = abs(value.total_seconds())
    days, rest = divmod(int(total), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    fraction = f"{round((total - int(total)) * 10**7):07d}"
    out = []
    for token in _SPAN_TOKENS.findall(spec):
        if token.startswith("d"):
            out.append(str(days).rjust(len(token), "0"))
        elif token in ("hh", "h"):
            out.append(f"{hours:0{len(token)}d}")
        elif token in ("mm", "m"):
            out.append(f"{minutes:0{len(token)}d}")
        elif token in ("ss", "s"):
            out.append(f"{seconds:0{len(token)}d}")
        elif token.startswith("f"):
            out.append(fraction[:len(token)])
        elif token.startswith("'"):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        else:
            raise FormatError("Input string was not in a correct format.")
    return "".join(out)


def format_value(value: Any, spec: str) -> str:
    """`value.ToString(spec)` for numbers, dates and time spans."""
    if spec == "":
        return to_display_string(value)
    if isinstance(value, bool):
        return to_display_string(value)
    if isinstance(value, (int, float)):
        return format_number(value, spec)
    if isinstance(value, dt.datetime):
        return format_datetime_spec(value, spec)
    if isinstance(value, dt.timedelta):
        return format_timespan_spec(value, spec)
    return to_display_string(value)


_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)\s*(?:,\s*(-?\d+))?\s*(?::([^}]*))?\}|[{}]")
_FORMAT_ERROR = "Input string was not in a correct format."


def _item_number(digits: str) -> int:
    """An index or width as .NET reads it: digits stop counting once the
    value reaches 1,000,000, and a digit after that is a format error."""
    value = 0
    for digit in digits:
        if value >= 1_000_000:
            raise FormatError(_FORMAT_ERROR)
        value = value * 10 + ord(digit) - 48
    return value


def composite_format(template: str, args: list[Any]) -> str:
    """String.Format(template, args) as `-f` does it."""
    out = []
    pos = 0
    for m in _ITEM.finditer(template):
        out.append(template[pos:m.start()])
        pos = m.end()
        token = m.group(0)
        if token == "{{":
            out.append("{")
            continue
        if token == "}}":
            out.append("}")
            continue
        if m.group(1) is None:
            raise FormatError(_FORMAT_ERROR)
        index = _item_number(m.group(1))
        if index >= len(args):
            raise FormatError("Index (zero based) must be greater than or equal to zero and "
                              "less than the size of the argument list.")
        value = args[index]
        spec = m.group(3)
        text = format_value(value, spec) if spec is not None else \
            to_display_string(value, invariant=False)
        if isinstance(value, (list, tuple)) and spec is None:
            text = "System.Object[]"
        if m.group(2):
            width = _item_number(m.group(2).lstrip("-")) * (-1 if m.group(2).startswith("-") else 1)
            text = text.rjust(width) if width > 0 else text.ljust(-width)
        out.append(text)
    out.append(template[pos:])
    return "".join(out)
