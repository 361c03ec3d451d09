"""Literal values: numbers with type suffixes and multipliers, and the
backtick escapes of double-quoted strings and bare words.

Both modes of the lexer read numbers the same way; only what may follow a
number differs (see `hvshell.lang.lexer`).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from hvshell.pstypes.numbers import as_int64

# A number at the start of a token: hex or decimal, then an optional type
# suffix (`l` long, `d` decimal), then an optional multiplier.  `1..10` must
# stay a range, so a dot followed by another dot does not belong to the number.
NUMBER_RE = re.compile(
    r"(?:0[xX](?P<hex>[0-9a-fA-F]+)"
    r"|(?P<dec>(?:[0-9]+(?:\.(?!\.)[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?))"
    r"(?P<suffix>[lLdD])?(?P<mult>[kKmMgGtTpP][bB])?")

_MULTIPLIERS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
_INT32_MAX = (1 << 31) - 1
_INT64_MAX = (1 << 63) - 1


def number_value(m: re.Match, negative: bool = False) -> int | float | Decimal | None:
    """The value of a NUMBER_RE match, or None when it is not a valid number
    (e.g. a hex literal with the decimal suffix).  Integers keep Python's
    int: the Int32/Int64 distinction is the interpreter's to make from the
    size; a value beyond Int64 becomes a double, as in PowerShell."""
    suffix = (m.group("suffix") or "").lower()
    mult_text = m.group("mult")
    mult = _MULTIPLIERS[mult_text[0].lower()] if mult_text else 1
    hex_digits = m.group("hex")
    if hex_digits is not None:
        if suffix == "d":
            return None
        value = int(hex_digits, 16)
        # Hex literals are two's-complement Int32 or Int64 (0xFFFFFFFF is -1).
        if value <= 0xFFFFFFFF and suffix != "l":
            value = value - (1 << 32) if value > _INT32_MAX else value
        elif value <= 0xFFFFFFFFFFFFFFFF:
            value = value - (1 << 64) if value > _INT64_MAX else value
        else:
            return None
        value *= mult
    else:
        digits = m.group("dec")
        if suffix == "d":
            try:
                value = Decimal(digits) * mult
            except InvalidOperation:
                return None
        elif "." in digits or "e" in digits or "E" in digits:
            value = float(digits) * mult
        else:
            value = integer_text(digits) * mult
            if isinstance(value, int) and value > _INT64_MAX:
                value = float(value)
    if negative:
        value = -value
    if suffix == "l" and isinstance(value, int):
        value = as_int64(value)         # `10l` is an Int64 however small
    return value


def integer_text(digits: str) -> int | float:
    """Decimal digits as a number: an int when it fits Int64, else the
    double the text reads as (Infinity past a double's range).  Reading long
    text as a float never meets Python's limit on digits in int('...')."""
    if len(digits.lstrip("0")) > 19:
        return float(digits)
    value = int(digits or "0")
    return float(value) if value > _INT64_MAX else value


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f",
            "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_UNICODE_ESCAPE = re.compile(r"u\{([0-9a-fA-F]{1,6})\}")


def escape(text: str, pos: int) -> tuple[str, int]:
    """The character written by the backtick escape whose letter is at
    `pos`; returns it with the position after the escape."""
    c = text[pos]
    if c == "u":
        m = _UNICODE_ESCAPE.match(text, pos)
        if m:
            code = int(m.group(1), 16)
            if code <= 0x10FFFF:
                return chr(code), m.end()
    return _ESCAPES.get(c, c), pos + 1
