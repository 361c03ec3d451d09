"""The validation attributes of script parameters (about_Functions_Advanced_Parameters):
`[ValidateNotNull()]`, `[ValidateNotNullOrEmpty()]`, `[ValidateScript({ })]`,
`[ValidatePattern()]`, `[ValidateLength()]`, `[ValidateCount()]`, and the
`[AllowNull()]`, `[AllowEmptyString()]`, `[AllowEmptyCollection()]` that
let a mandatory parameter take what it would refuse.

Each check becomes a function of one value (each element of an array
parameter) that returns what is wrong with it, in PowerShell's words, or
None; the binder (hvshell/runtime/binder.py) puts the words after "Cannot
validate argument on parameter 'Name'." ValidateSet and ValidateRange are
the binder's own (cmdlets declare them too).
"""
from __future__ import annotations

from typing import Any, Callable

from hvshell.runtime.conversions import to_bool, to_string
from hvshell.runtime.errors import PSError
from hvshell.runtime.psobject import to_display_string

Check = Callable[[Any], "str | None"]

ALLOW_EMPTY = frozenset({"allownull", "allowemptystring", "allowemptycollection"})


def _not_null(value: Any) -> str | None:
    if value is None:
        return ("The argument is null. Provide a valid value for the argument, and then try "
                "running the command again.")
    return None


def _not_null_or_empty(value: Any) -> str | None:
    if value is None or value == "" or (isinstance(value, (list, tuple)) and not value):
        return ("The argument is null or empty. Provide an argument that is not null or empty, "
                "and then try the command again.")
    return None


def _script(block: Any, interp: Any) -> Check:
    def check(value: Any) -> str | None:
        from hvshell.runtime.pipeline import unwrap
        try:
            passed = to_bool(unwrap(interp.invoke_scriptblock(block, input=value)))
        except PSError as error:
            return error.record.message
        if passed:
            return None
        return (f'The "{block.text.strip()}" validation script for the argument with value '
                f'"{to_display_string(value)}" did not return a result of True. Determine why the '
                f'validation script failed, and then try the command again.')
    return check


def _pattern(pattern: str, interp: Any) -> Check:
    from hvshell.runtime.dotnet_regex import compile_regex
    compiled = compile_regex(pattern, False)

    def check(value: Any) -> str | None:
        text = to_string(value)
        if compiled.search(text):
            return None
        return (f'The argument "{text}" does not match the "{pattern}" pattern. Supply an '
                f'argument that matches "{pattern}" and try the command again.')
    return check


def _length(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        length = len(to_string(value))
        if length < low:
            return (f'The character length ({length}) of the argument is too short. Specify an '
                    f'argument with a length that is greater than or equal to "{low}", and then '
                    f'try the command again.')
        if length > high:
            return (f'The character length of the {length} argument is too long. Shorten the '
                    f'character length of the argument so it is fewer than or equal to "{high}" '
                    f'characters, and then try the command again.')
        return None
    return check


def parameter_checks(key: str, positional: list[Any], interp: Any) -> Check | None:
    """The check an attribute named `key` (lower case) makes, if it is one
    of the validation attributes above (not ValidateCount: `count_check`)."""
    if key == "validatenotnull":
        return _not_null
    if key == "validatenotnullorempty":
        return _not_null_or_empty
    if key == "validatescript" and positional:
        return _script(positional[0], interp)
    if key == "validatepattern" and positional:
        return _pattern(to_string(positional[0]), interp)
    if key == "validatelength" and len(positional) >= 2:
        return _length(int(positional[0]), int(positional[1]))
    return None


def count_check(low: int, high: int) -> Check:
    """`[ValidateCount(low, high)]`, for the whole array."""
    def check(items: Any) -> str | None:
        count = len(items) if isinstance(items, (list, tuple)) else 1
        if count < low:
            return (f"The number of provided arguments ({count}) is fewer than the minimum number "
                    f"of allowed arguments ({low}). Provide more than {low} arguments, and then "
                    f"try the command again.")
        if count > high:
            return (f"The number of provided arguments ({count}) exceeds the maximum number of "
                    f"allowed arguments ({high}). Provide fewer than {high} arguments, and then "
                    f"try the command again.")
        return None
    return check
