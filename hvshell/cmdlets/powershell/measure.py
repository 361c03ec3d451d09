"""Measure-Object: counts, sums, averages, extremes, and lines, words and
characters of text."""
from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from hvshell.cmdlets.powershell.objects import UTILITY, _is_null, compare_values
from hvshell.format.properties import safe_property
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.pstypes.wildcards import has_wildcard, compile_wildcard
from hvshell.runtime.conversions import ConversionError, to_number
from hvshell.runtime.psobject import MISSING, property_names, to_display_string


@attrs.define(eq=False)
class GenericMeasureInfo:
    PS_TYPE = "Microsoft.PowerShell.Commands.GenericMeasureInfo"

    Count: int
    Average: float | None
    Sum: float | None
    Maximum: Any
    Minimum: Any
    Property: str | None


@attrs.define(eq=False)
class TextMeasureInfo:
    PS_TYPE = "Microsoft.PowerShell.Commands.TextMeasureInfo"

    Lines: int | None
    Words: int | None
    Characters: int | None
    Property: str | None


class _Stats:
    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.numeric = True
        self.maximum: Any = None
        self.minimum: Any = None
        self.lines = self.words = self.characters = 0


class MeasureObject(Cmdlet):
    """Calculates the numeric properties of objects, and the characters,
    words and lines in string objects.

    Without statistics switches it counts the objects; -Sum, -Average,
    -Maximum and -Minimum measure a -Property (or the objects themselves).
    -Line, -Word and -Character measure text."""

    name = "Measure-Object"
    module = UTILITY
    aliases = ("measure",)
    default_set = "GenericMeasure"

    InputObject = Parameter(object, pipeline=True)
    Property = Parameter(str, array=True, position=0)
    Sum = Parameter(Switch, sets=("GenericMeasure",))
    Average = Parameter(Switch, sets=("GenericMeasure",))
    Maximum = Parameter(Switch, sets=("GenericMeasure",))
    Minimum = Parameter(Switch, sets=("GenericMeasure",))
    Line = Parameter(Switch, sets=("TextMeasure",))
    Word = Parameter(Switch, sets=("TextMeasure",))
    Character = Parameter(Switch, sets=("TextMeasure",))
    IgnoreWhiteSpace = Parameter(Switch, sets=("TextMeasure",))

    def begin(self) -> None:
        self._stats: dict[str, _Stats] = {}
        self._order: list[str] = []
        self._seen_property: set[str] = set()
        self._text = self.parameter_set == "TextMeasure"

    def _entry(self, name: str) -> _Stats:
        key = name.lower()
        if key not in self._stats:
            self._stats[key] = _Stats()
            self._order.append(name)
        return self._stats[key]

    def process(self) -> None:
        # A null input is not counted, as in Windows PowerShell (`$null | Measure-Object` is 0).
        if "InputObject" not in self.bound or _is_null(self.InputObject):
            return
        obj = self.InputObject
        if not self.Property:
            self._measure("", obj)
            return
        for pattern in self.Property:
            names = [n for n in property_names(obj) if compile_wildcard(pattern).match(n)] \
                if has_wildcard(pattern) else [pattern]
            for name in names:
                value = safe_property(obj, name)
                if value is MISSING or _is_null(value):
                    continue
                self._seen_property.add(pattern.lower())
                real = next((n for n in property_names(obj) if n.lower() == name.lower()), name)
                self._measure(real, value)

    def _measure(self, name: str, value: Any) -> None:
        stats = self._entry(name)
        stats.count += 1
        if self._text:
            text = to_display_string(value)
            stats.lines += len([line for line in text.split("\n") if line.strip("\r")])
            stats.words += len(text.split())
            stats.characters += len("".join(text.split()) if self.IgnoreWhiteSpace else text)
            return
        if self.Sum or self.Average:
            try:
                stats.total += float(to_number(value))
            except ConversionError:
                self.write_error(f'Input object "{to_display_string(value)}" is not numeric.',
                                 "NonNumericInputObject", "InvalidType", value,
                                 "System.InvalidOperationException")
                stats.count -= 1
                return
        if self.Maximum or self.Minimum:
            comparable = _as_double(value)
            if stats.maximum is None or compare_values(comparable, stats.maximum) > 0:
                stats.maximum = comparable
            if stats.minimum is None or compare_values(comparable, stats.minimum) < 0:
                stats.minimum = comparable

    def end(self) -> None:
        for pattern in self.Property or ():
            if pattern.lower() not in self._seen_property and not has_wildcard(pattern):
                self.write_error(f'The property "{pattern}" cannot be found in the input for '
                                 f'any objects.', "GenericMeasurePropertyNotFound",
                                 "InvalidArgument", pattern,
                                 "System.Management.Automation.PSArgumentException")
        if not self._order and not self.Property:
            self._entry("")
        for name in self._order:
            stats = self._stats[name.lower()]
            prop = name or None
            if self._text:
                self.write(TextMeasureInfo(
                    stats.lines if self.Line else None, stats.words if self.Word else None,
                    stats.characters if self.Character else None, prop))
                continue
            average = stats.total / stats.count if self.Average and stats.count else None
            self.write(GenericMeasureInfo(
                stats.count, average, stats.total if self.Sum else None,
                stats.maximum if self.Maximum else None,
                stats.minimum if self.Minimum else None, prop))


def _as_double(value: Any) -> Any:
    """Numbers (and numeric text) are measured as doubles; other values as
    they are."""
    try:
        return float(to_number(value)) if not isinstance(value, (dt.datetime, dt.timedelta)) \
            else value
    except ConversionError:
        return value
