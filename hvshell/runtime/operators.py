"""PowerShell's operators on values (about_Operators, about_Comparison_Operators).

Comparisons ignore case unless the `c` form is used, convert the right
operand to the left operand's type, and filter when the left operand is a
collection.  `OperatorError` carries PowerShell's message; the interpreter
turns it into an error record at the operator's position.
"""
from __future__ import annotations

import datetime as dt
import enum
import math
import re
from typing import Any

from hvshell.pstypes.wildcards import wildcard_match
from hvshell.runtime.conversions import (AutomationNullType, ConversionError, SwitchValue,
                                         Version, convert, to_bool, to_number, to_string,
                                         type_matches)
from hvshell.runtime import dotnet_limits as limits
from hvshell.runtime.dotnet_format import FormatError, composite_format
from hvshell.runtime.dotnet_limits import DotNetError
from hvshell.runtime.dotnet_regex import (DotNetRegex, RegexError, compile_regex, match_groups,
                                          replacement)
from hvshell.runtime.psobject import Hashtable, is_numeric, to_display_string, type_name


class OperatorError(Exception):
    """`inner` names the .NET exception PowerShell wraps in its
    RuntimeException (so `catch [System.DivideByZeroException]` matches)."""

    def __init__(self, message: str, error_id: str = "RuntimeException", inner: str | None = None):
        super().__init__(message)
        self.error_id = error_id
        self.inner = inner

    @classmethod
    def wrapping(cls, error: DotNetError) -> "OperatorError":
        """A .NET exception thrown inside an operator, as PowerShell wraps it."""
        return cls(str(error), "RuntimeException", error.type_name)


def _null(value: Any) -> Any:
    return None if isinstance(value, AutomationNullType) else value


# ---------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------

def add(left: Any, right: Any) -> Any:
    left, right = _null(left), _null(right)
    if isinstance(left, (list, tuple)):
        return list(left) + (list(right) if isinstance(right, (list, tuple)) else [right])
    if isinstance(left, Hashtable):
        if not isinstance(right, Hashtable):
            raise OperatorError("A hash table can only be added to another hash table.",
                                "AddHashTableToNonHashTable")
        merged = left.copy()
        for key, value in right.items():
            if key in merged:
                raise OperatorError(
                    f"Item has already been added. Key in dictionary: '{key}'  Key being added: '{key}'",
                    "DuplicateKeyInHashLiteral")
            merged[key] = value
        return merged
    if isinstance(left, str):
        return left + to_string(right)
    if left is None:
        if right is None:
            return None
        return right if not isinstance(right, (list, tuple)) else list(right)
    if isinstance(left, dt.datetime):
        if isinstance(right, dt.timedelta):
            return limits.add_to_datetime(left, right)
        raise _op_error("+", left, right)
    if isinstance(left, dt.timedelta):
        if isinstance(right, dt.timedelta):
            return limits.timespan(left + right)
        if isinstance(right, dt.datetime):
            return limits.add_to_datetime(right, left)
        raise _op_error("+", left, right)
    try:
        a, b = to_number(left), to_number(right)
        return limits.widen(a + b, a, b)
    except ConversionError as error:
        raise OperatorError(str(error), "InvalidCastFromStringToInteger") from None


def _op_error(op: str, left: Any, right: Any) -> OperatorError:
    return OperatorError(
        f"Method invocation failed because [{type_name(left)}] does not contain a method named "
        f"'op_{ {'+': 'Addition', '-': 'Subtraction', '*': 'Multiply', '/': 'Division'}.get(op, op)}'.",
        "MethodNotFound")


def subtract(left: Any, right: Any) -> Any:
    left, right = _null(left), _null(right)
    if isinstance(left, dt.datetime):
        if isinstance(right, dt.datetime):
            return left - right
        if isinstance(right, dt.timedelta):
            return limits.add_to_datetime(left, -right)
        raise _op_error("-", left, right)
    if isinstance(left, dt.timedelta) and isinstance(right, dt.timedelta):
        return limits.timespan(left - right)
    if isinstance(left, (list, tuple, Hashtable)):
        raise _op_error("-", left, right)
    try:
        a, b = to_number(left), to_number(right)
        return limits.widen(a - b, a, b)
    except ConversionError as error:
        raise OperatorError(str(error), "InvalidCastFromStringToInteger") from None


def multiply(left: Any, right: Any) -> Any:
    left, right = _null(left), _null(right)
    if isinstance(left, (str, list, tuple)):
        count = max(int(convert(right, "int")), 0)
        limits.check_length(len(left) * count)
        return left * count if isinstance(left, str) else list(left) * count
    if isinstance(left, dt.timedelta):
        return _scaled_timespan(left, to_number(right))
    try:
        a, b = to_number(left), to_number(right)
        return limits.widen(a * b, a, b)
    except ConversionError as error:
        raise OperatorError(str(error), "InvalidCastFromStringToInteger") from None


def divide(left: Any, right: Any) -> Any:
    left, right = _null(left), _null(right)
    if isinstance(left, dt.timedelta):
        divisor = to_number(right)
        if divisor == 0:
            raise OperatorError("Attempted to divide by zero.", "RuntimeException",
                                "System.DivideByZeroException")
        return _scaled_timespan(left, 1 / divisor)
    try:
        a, b = to_number(left), to_number(right)
    except ConversionError as error:
        raise OperatorError(str(error), "InvalidCastFromStringToInteger") from None
    if b == 0:
        raise OperatorError("Attempted to divide by zero.", "RuntimeException",
                            "System.DivideByZeroException")
    if isinstance(a, int) and isinstance(b, int) and a % b == 0:
        return limits.widen(a // b, a, b)    # [long]::MinValue / -1 widens to a double
    return limits.ieee_divide(float(a), float(b)) if isinstance(a, float) or isinstance(b, float) \
        else a / b


def _scaled_timespan(span: dt.timedelta, factor: Any) -> dt.timedelta:
    """TimeSpan times a number, with .NET's range (and no NaN)."""
    if isinstance(factor, float) and not math.isfinite(factor):
        raise DotNetError(limits.TIMESPAN_RANGE_MESSAGE, limits.OVERFLOW)
    try:
        return limits.timespan(span * factor)
    except OverflowError:
        raise DotNetError(limits.TIMESPAN_RANGE_MESSAGE, limits.OVERFLOW) from None


def modulo(left: Any, right: Any) -> Any:
    try:
        a, b = to_number(_null(left)), to_number(_null(right))
    except ConversionError as error:
        raise OperatorError(str(error), "InvalidCastFromStringToInteger") from None
    if b == 0:
        raise OperatorError("Attempted to divide by zero.", "RuntimeException",
                            "System.DivideByZeroException")
    if isinstance(a, int) and isinstance(b, int):
        result = abs(a) % abs(b)         # .NET: the remainder takes the dividend's sign
        return limits.widen(-result if a < 0 else result, a, b)
    if math.isinf(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


def negate(value: Any) -> Any:
    value = _null(value)
    if isinstance(value, dt.timedelta):
        return -value
    try:
        number = to_number(value)
        return limits.widen(-number, number)
    except ConversionError as error:
        raise OperatorError(str(error), "InvalidCastFromStringToInteger") from None


def make_range(left: Any, right: Any) -> list[int]:
    try:
        start, end = int(convert(left, "int")), int(convert(right, "int"))
    except ConversionError as error:
        raise OperatorError(str(error), "InvalidCastFromStringToInteger") from None
    if abs(end - start) > 50_000_000:
        raise OperatorError("The range is too large: it would hold more than 50,000,000 numbers.",
                            "RangeTooLarge")
    step = 1 if end >= start else -1
    return list(range(start, end + step, step))


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------

def _coerce_right(left: Any, right: Any) -> Any:
    """Convert the right operand to the left operand's type, as PowerShell
    does before comparing; raises ConversionError when it cannot."""
    if isinstance(left, bool):
        return to_bool(right)
    if is_numeric(left):
        if is_numeric(right):
            return right
        if right is None:
            raise ConversionError("null")
        if isinstance(right, str):
            value = convert(right, "double")
            return int(value) if isinstance(left, int) and float(value).is_integer() else value
        return to_number(right)
    if isinstance(left, str):
        return to_string(right) if right is not None else None
    if isinstance(left, enum.Enum):
        if isinstance(right, type(left)):
            return right
        return convert(right, type(left))
    if isinstance(left, dt.datetime):
        return convert(right, "datetime")
    if isinstance(left, dt.timedelta):
        return convert(right, "timespan")
    if isinstance(left, Version):
        return convert(right, "version")
    return right


def _equal(left: Any, right: Any, case: bool) -> bool:
    left, right = _null(left), _null(right)
    if left is None:
        return right is None
    if right is None:
        return False
    if isinstance(left, SwitchValue):
        left = left.is_present
    try:
        right = _coerce_right(left, right)
    except ConversionError:
        return False
    if isinstance(left, str):
        return left == right if case else left.lower() == (right or "").lower()
    if isinstance(left, enum.Enum):
        return left is right
    return left == right


def _compare(left: Any, right: Any, case: bool, op: str) -> int:
    """-1/0/1 for left vs right; raises OperatorError when not comparable."""
    left, right = _null(left), _null(right)
    if left is None and right is None:
        return 0
    if left is None:
        return -1
    if right is None:
        return 1
    try:
        coerced = _coerce_right(left, right)
    except ConversionError as error:
        raise OperatorError(
            f'Could not compare "{to_display_string(left)}" to "{to_display_string(right)}". '
            f'Error: "{error}"', "ComparisonFailure") from None
    a, b = left, coerced
    if isinstance(a, str):
        a, b = (a, b) if case else (a.lower(), b.lower())
    elif isinstance(a, enum.Enum):
        a, b = a.value, b.value
    elif isinstance(a, bool):
        a, b = int(a), int(b)
    try:
        return (a > b) - (a < b)
    except TypeError:
        raise OperatorError(
            f'Cannot compare "{to_display_string(left)}" because it is not IComparable.',
            "NotIcomparable") from None


def dotnet_regex(pattern: str, case: bool) -> DotNetRegex:
    """The regex an operator (or `switch -Regex`) matches with; an invalid
    pattern is the operator's InvalidRegularExpression error."""
    try:
        return compile_regex(pattern, case)
    except RegexError as error:
        raise OperatorError(
            f'The regular expression pattern {pattern} is not valid: {error.reason}',
            "InvalidRegularExpression") from None


def _scalar_compare(op: str, left: Any, right: Any, case: bool, session: Any) -> bool:
    if op == "eq":
        return _equal(left, right, case)
    if op == "ne":
        return not _equal(left, right, case)
    if op in ("gt", "ge", "lt", "le"):
        result = _compare(left, right, case, op)
        return {"gt": result > 0, "ge": result >= 0, "lt": result < 0, "le": result <= 0}[op]
    if op in ("like", "notlike"):
        hit = wildcard_match(to_string(right), to_string(left), case)
        return hit if op == "like" else not hit
    if op in ("match", "notmatch"):
        m = dotnet_regex(to_string(right), case).search(to_string(left))
        if m and session is not None and op == "match":
            session.set_matches(match_groups(m))
        return bool(m) if op == "match" else not m
    raise OperatorError(f"Unknown operator -{op}.")


_FILTERING = {"eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch"}


def compare(op: str, left: Any, right: Any, session: Any = None) -> Any:
    """A comparison operator (`op` without the dash, maybe with a c/i prefix)."""
    case = op.startswith("c") and op[1:] in _FILTERING | {"contains", "notcontains", "in", "notin",
                                                             "replace", "split"}
    base = op[1:] if (op.startswith(("c", "i")) and op[1:] in _FILTERING | {
        "contains", "notcontains", "in", "notin", "replace", "split"}) else op
    left = _null(left)
    if base in _FILTERING:
        if isinstance(left, (list, tuple)):
            result = []
            for item in left:
                # filtering with -match does not set $Matches
                hit = _scalar_compare(base, item, right, case,
                                      None if base in ("match", "notmatch") else session)
                if hit:
                    result.append(item)
            return result
        return _scalar_compare(base, left, right, case, session)
    if base in ("contains", "notcontains"):
        items = left if isinstance(left, (list, tuple)) else [left]
        hit = any(_equal(item, right, case) for item in items)
        return hit if base == "contains" else not hit
    if base in ("in", "notin"):
        items = right if isinstance(right, (list, tuple)) else [right]
        hit = any(_equal(item, left, case) for item in items)
        return hit if base == "in" else not hit
    if base == "replace":
        pattern, sub = _replace_args(right)
        regex = dotnet_regex(pattern, case)
        if isinstance(left, (list, tuple)):
            return [regex.sub(replacement(sub), to_string(item)) for item in left]
        return regex.sub(replacement(sub), to_string(left))
    if base == "split":
        return split(left, right, case)
    raise OperatorError(f"Unknown operator -{op}.")


def _replace_args(right: Any) -> tuple[str, str]:
    if isinstance(right, (list, tuple)):
        if len(right) > 2:
            raise OperatorError(
                "The -replace operator allows only two elements to follow it, not "
                f"{len(right)}.", "BadReplaceArgument")
        return to_string(right[0]), to_string(right[1]) if len(right) > 1 else ""
    return to_string(right), ""


def split(left: Any, right: Any, case: bool = False) -> list[str]:
    """Binary -split: `text -split pattern[, max]`."""
    limit = 0
    if isinstance(right, (list, tuple)):
        pattern = to_string(right[0])
        if len(right) > 1:
            limit = int(convert(right[1], "int"))
    else:
        pattern = to_string(right)
    regex = dotnet_regex(pattern, case)
    items = left if isinstance(left, (list, tuple)) else [left]
    result: list[str] = []
    for item in items:
        text = to_string(item)
        parts = regex.split(text, maxsplit=max(limit - 1, 0)) if limit != 1 else [text]
        if regex.groups:
            parts = [p for p in parts if p is not None]
        result.extend(parts)
    return result


def unary_split(value: Any) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else [value]
    result: list[str] = []
    for item in items:
        result.extend(p for p in re.split(r"\s+", to_string(item).strip()) if p != "")
    return result


def join(left: Any, right: Any) -> str:
    items = left if isinstance(left, (list, tuple)) else [left]
    return to_string(right).join(to_display_string(item, invariant=True) for item in items)


def format_operator(left: Any, right: Any) -> str:
    args = list(right) if isinstance(right, (list, tuple)) else [right]
    try:
        return composite_format(to_string(left), args)
    except FormatError as error:
        # PowerShell appends its own period to the .NET message.
        raise OperatorError(f'Error formatting a string: {error}.', "FormatError") from None


def bitwise(op: str, left: Any, right: Any) -> int:
    a = int(convert(left, "long"))
    b = int(convert(right, "long"))
    if op == "-band":
        return a & b
    if op == "-bor":
        return a | b
    if op == "-bxor":
        return a ^ b
    if op in ("-shl", "-shr"):
        return limits.shift(a, b, op == "-shl")
    raise OperatorError(f"Unknown operator {op}.")


def is_type(value: Any, type_value: Any) -> bool:
    name = type_value.name if hasattr(type_value, "name") and hasattr(type_value, "FullName") \
        else to_string(type_value)
    return type_matches(_null(value), name)


def as_type(value: Any, type_value: Any) -> Any:
    name = type_value.name if hasattr(type_value, "FullName") else to_string(type_value)
    try:
        return convert(_null(value), name)
    except ConversionError:
        return None
