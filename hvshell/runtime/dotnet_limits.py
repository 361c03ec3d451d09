""".NET's value ranges and the exceptions raised at their edges.

Python's numbers, dates and strings reach further than .NET's (unbounded
integers, timedelta to 999,999,999 days, strings as long as memory), and
fail differently where they stop (OverflowError, ValueError).  What a
PowerShell user sees is .NET's behaviour, so every operation that can leave
a .NET range goes through one of the checks here, and fails with a
`DotNetError` naming the exception .NET would throw.  The interpreter turns
it into the record PowerShell shows (for a method call, 'Exception calling
"M" with "N" argument(s): ...' with the exception's name as
FullyQualifiedErrorId; for an operator, a RuntimeException wrapping it).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from hvshell.pstypes.numbers import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, as_int64, is_int64
CHAR_MAX = 0xFFFF

# .NET holds a TimeSpan in Int64 ticks of 100 ns; a timedelta holds microseconds.
TIMESPAN_MAX = dt.timedelta(microseconds=INT64_MAX // 10)
TIMESPAN_MIN = -TIMESPAN_MAX
DATETIME_MAX = dt.datetime.max            # 9999-12-31 23:59:59.999999, as [datetime]::MaxValue
DATETIME_MIN = dt.datetime.min

# hvshell's ceiling on one string or array built by an operator or method:
# .NET would try to allocate it (and fail near 2^30 characters); here a
# value this large is refused before it takes the machine's memory.
MAX_VALUE_LENGTH = 1 << 27

ARGUMENT = "System.ArgumentException"
ARGUMENT_OUT_OF_RANGE = "System.ArgumentOutOfRangeException"
OVERFLOW = "System.OverflowException"
ARITHMETIC = "System.ArithmeticException"
DIVIDE_BY_ZERO = "System.DivideByZeroException"
FORMAT = "System.FormatException"
OUT_OF_MEMORY = "System.OutOfMemoryException"
REGEX_TIMEOUT = "System.Text.RegularExpressions.RegexMatchTimeoutException"

DATETIME_RANGE_MESSAGE = "The added or subtracted value results in an un-representable DateTime."
TIMESPAN_RANGE_MESSAGE = "TimeSpan overflowed because the duration is too long."
OVERFLOW_MESSAGE = "Arithmetic operation resulted in an overflow."
OUT_OF_MEMORY_MESSAGE = "Exception of type 'System.OutOfMemoryException' was thrown."


class DotNetError(Exception):
    """A failure .NET would report as the exception `type_name`."""

    def __init__(self, message: str, type_name: str = ARGUMENT):
        super().__init__(message)
        self.type_name = type_name

    @property
    def short_name(self) -> str:
        return self.type_name.rsplit(".", 1)[-1]


def from_python(error: BaseException) -> DotNetError | None:
    """The .NET exception a Python failure at a value's edge stands for, or
    None when it is not one (a defect, which stays a defect)."""
    if isinstance(error, DotNetError):
        return error
    if isinstance(error, MemoryError):
        return DotNetError(OUT_OF_MEMORY_MESSAGE, OUT_OF_MEMORY)
    if isinstance(error, ZeroDivisionError):
        return DotNetError("Attempted to divide by zero.", DIVIDE_BY_ZERO)
    if isinstance(error, OverflowError):
        text = str(error)
        if "date value out of range" in text or "year" in text:
            return DotNetError(DATETIME_RANGE_MESSAGE, ARGUMENT_OUT_OF_RANGE)
        if "timedelta" in text or "days=" in text:
            return DotNetError(TIMESPAN_RANGE_MESSAGE, OVERFLOW)
        return DotNetError(OVERFLOW_MESSAGE, OVERFLOW)
    if isinstance(error, re.error):
        return DotNetError(f'parsing "{error.pattern}" - {error.msg}.', ARGUMENT)
    return None


# ---- numbers ---------------------------------------------------------------

def widen(value: Any, *operands: Any) -> Any:
    """An arithmetic result as PowerShell holds it: PowerShell widens where
    C# would overflow.  Given the operands, an integer result has the width
    of the wider one (an Int64 operand makes an Int64) and past that width
    becomes a Double: Int32 + Int32 past Int32 is a Double."""
    if not isinstance(value, int) or isinstance(value, bool):
        return value
    if not INT64_MIN <= value <= INT64_MAX:
        return float(value)
    if not operands:
        return value
    if any(is_int64(operand) for operand in operands):
        return as_int64(value)
    return value if INT32_MIN <= value <= INT32_MAX else float(value)


def shift(value: int, count: int, left: bool) -> int:
    """-shl / -shr as .NET shifts: the count is masked to the operand's
    width (31 for Int32, 63 for Int64) and the result wraps to that width."""
    bits = 32 if -(1 << 31) <= value < (1 << 31) else 64
    count &= bits - 1
    result = value << count if left else value >> count
    result &= (1 << bits) - 1
    return result - (1 << bits) if result >> (bits - 1) else result


def char(code: int) -> str:
    """[char] of a number: a UTF-16 code unit (0 to 0xFFFF)."""
    if not 0 <= code <= CHAR_MAX:
        raise DotNetError("Value was either too large or too small for a character.", OVERFLOW)
    return chr(code)


def check_length(length: int) -> int:
    """Refuse to build a string or array past MAX_VALUE_LENGTH."""
    if length > MAX_VALUE_LENGTH:
        raise DotNetError(OUT_OF_MEMORY_MESSAGE, OUT_OF_MEMORY)
    return length


# ---- System.Math -------------------------------------------------------------

def _finite_or(value: float, function: Any) -> float:
    return float(function(value)) if math.isfinite(value) else value


def ieee_divide(a: float, b: float) -> float:
    """Double division as IEEE 754 defines it (x/0 is an infinity or NaN)."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def math_pow(x: float, y: float) -> float:
    try:
        return math.pow(x, y)
    except OverflowError:
        odd = x < 0 and float(y).is_integer() and int(y) % 2 == 1
        return -math.inf if odd else math.inf
    except ValueError:
        if x == 0:                   # 0 to a negative power
            odd = float(y).is_integer() and int(y) % 2 == 1
            return math.copysign(math.inf, x) if odd else math.inf
        return math.nan              # a negative base to a fractional power


def math_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def math_sqrt(x: float) -> float:
    return math.nan if x < 0 or math.isnan(x) else math.sqrt(x)


def math_log(x: float, base: float | None = None) -> float:
    def ln(v: float) -> float:
        if math.isnan(v) or v < 0:
            return math.nan
        return -math.inf if v == 0 else math.log(v)
    if base is None:
        return ln(x)
    if base == 1 or base < 0 or math.isnan(base) or math.isnan(x):
        return math.nan
    return ieee_divide(ln(x), ln(base))


def math_log10(x: float) -> float:
    return ieee_divide(math_log(x), math.log(10)) if x != 0 else -math.inf


def math_floor(x: float) -> float:
    return _finite_or(x, math.floor)


def math_ceiling(x: float) -> float:
    return _finite_or(x, math.ceil)


def math_truncate(x: float) -> float:
    return _finite_or(x, math.trunc)


def math_round(x: float, digits: int = 0) -> float:
    if not 0 <= digits <= 15:
        raise DotNetError("Rounding digits must be between 0 and 15, inclusive.",
                          ARGUMENT_OUT_OF_RANGE)
    return float(round(x, digits)) if math.isfinite(x) else x   # half to even, as .NET


def math_abs(x: Any) -> Any:
    if type(x) is int and x == INT64_MIN:
        raise DotNetError("Negating the minimum value of a twos complement number is invalid.",
                          OVERFLOW)
    return abs(x)


def math_sign(x: Any) -> int:
    if isinstance(x, float) and math.isnan(x):
        raise DotNetError("Function does not accept floating point Not-a-Number values.",
                          ARITHMETIC)
    return (x > 0) - (x < 0)


# ---- dates and times --------------------------------------------------------

def timespan(value: dt.timedelta) -> dt.timedelta:
    """A TimeSpan result, refused past .NET's Int64-tick range."""
    if not TIMESPAN_MIN <= value <= TIMESPAN_MAX:
        raise DotNetError(TIMESPAN_RANGE_MESSAGE, OVERFLOW)
    return value


def timespan_of(**units: float) -> dt.timedelta:
    """timedelta(**units) with .NET's range and overflow exception."""
    for value in units.values():
        if isinstance(value, float) and math.isnan(value):
            raise DotNetError("TimeSpan does not accept floating point Not-a-Number values.",
                              ARGUMENT)
    try:
        return timespan(dt.timedelta(**units))
    except OverflowError:
        raise DotNetError(TIMESPAN_RANGE_MESSAGE, OVERFLOW) from None


def add_to_datetime(value: dt.datetime, span: dt.timedelta) -> dt.datetime:
    """DateTime + TimeSpan; ArgumentOutOfRangeException past either end."""
    try:
        return value + span
    except OverflowError:
        raise DotNetError(DATETIME_RANGE_MESSAGE, ARGUMENT_OUT_OF_RANGE) from None


__all__ = ["DotNetError", "from_python", "widen", "shift", "char",
           "check_length", "timespan", "timespan_of", "add_to_datetime", "ieee_divide",
           "MAX_VALUE_LENGTH", "TIMESPAN_MAX", "TIMESPAN_MIN", "DATETIME_MAX", "DATETIME_MIN"]
