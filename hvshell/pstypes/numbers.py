"""The integer widths Python's int does not have.

PowerShell's integers are Int32 or Int64, and the width decides what an
overflow does: Int32 arithmetic past Int32 gives a Double, Int64 arithmetic
stays Int64 up to its own limit.  hvshell keeps integers as Python ints and
reads the width from the size (a value past Int32 is an Int64), except
where a value is an Int64 that fits Int32: a `10l` literal, a `[long]`
cast, an Int64 result.  Those are `Long`.
"""
from __future__ import annotations

from typing import Any

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


class Long(int):
    """An Int64 whose value would fit an Int32.  It prints as the number
    (str() and repr() are int's)."""

    __slots__ = ()


def is_int64(value: Any) -> bool:
    """An integer PowerShell holds as Int64."""
    return isinstance(value, int) and not isinstance(value, bool) and (
        isinstance(value, Long) or not INT32_MIN <= value <= INT32_MAX)


def as_int64(value: int) -> int:
    """`value` held as an Int64 (a Long when it would otherwise read as Int32)."""
    return Long(value) if INT32_MIN <= value <= INT32_MAX else int(value)
