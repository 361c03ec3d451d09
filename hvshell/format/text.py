"""How one value reads in a table cell or list entry (PowerShell's
SmartToString), which values align right, and how wide text is on screen."""
from __future__ import annotations

import enum
import unicodedata
from typing import Any

from hvshell.runtime.psobject import (MISSING, Hashtable, get_property, is_model_object,
                                      printable, to_display_string)

# $FormatEnumerationLimit: how many items of a collection a cell shows.
ENUMERATION_LIMIT = 4
ELLIPSIS = "..."


def _is_null(value: Any) -> bool:
    return value is None or value is MISSING or type(value).__name__ == "AutomationNullType"


def is_scalar(value: Any) -> bool:
    """The types PowerShell always prints with ToString, never as a table or
    list: strings, numbers, booleans and enums."""
    return isinstance(value, (str, int, float, enum.Enum))


def is_right_aligned(value: Any) -> bool:
    """A default-aligned column holding `value` (in its first row) is
    right-aligned: numbers, booleans and enums are; strings and the rest
    are not."""
    return is_scalar(value) and not isinstance(value, str)


# Properties that name an element inside `{...}` when it has no ToString
# of its own (PowerShell's default display-name patterns).
_NAME_PROPERTIES = ("Name", "Id", "Key")


def element_text(value: Any) -> str:
    """One element of a collection inside a cell."""
    if _is_null(value):
        return "$null"
    if isinstance(value, (list, tuple)):
        return "System.Object[]"
    if is_model_object(value) and not callable(getattr(value, "ToString", None)):
        for name in _NAME_PROPERTIES:
            found = get_property(value, name)
            if found is not MISSING and found is not None:
                return to_display_string(found)
    return to_display_string(value)


def cell_text(value: Any, limit: int = ENUMERATION_LIMIT) -> str:
    """A value as a cell or list entry shows it: collections as
    `{a, b, c, d...}` (at most `limit` items), null as nothing."""
    if _is_null(value):
        return ""
    if isinstance(value, Hashtable):
        items: list[Any] = value.keys()
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return printable(to_display_string(value))
    shown = [element_text(item) for item in items[:limit]]
    more = ELLIPSIS if len(items) > limit else ""
    return printable("{" + ", ".join(shown) + more + "}")


def display_width(text: str) -> int:
    """Screen cells: East Asian wide characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def head(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` screen cells."""
    if text.isascii():
        return text[:cells]
    used = 0
    for index, ch in enumerate(text):
        used += display_width(ch)
        if used > cells:
            return text[:index]
    return text


def tail(text: str, cells: int) -> str:
    """The longest end of `text` that fits in `cells` screen cells."""
    if text.isascii():
        return text[len(text) - cells:] if cells > 0 else ""
    used = 0
    for index in range(len(text) - 1, -1, -1):
        used += display_width(text[index])
        if used > cells:
            return text[index + 1:]
    return text
