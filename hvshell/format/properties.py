"""Property arguments of Select-Object, Sort-Object, Group-Object and the
Format-* cmdlets: names (with wildcards), script blocks, and calculated
properties written as hashtables (`@{ n = 'MemGB'; e = { $_.MemoryAssigned / 1GB } }`).

Hashtable keys may be shortened to any unambiguous prefix of the keys the
cmdlet accepts (`n`, `l`, `e`, `w`, `a`, `f`).
"""
from __future__ import annotations

from typing import Any

import attrs

from hvshell.runtime.errors import CmdletError, PSError
from hvshell.pstypes.wildcards import has_wildcard, compile_wildcard
from hvshell.runtime.psobject import (MISSING, Hashtable, get_property, property_names,
                                      to_display_string)
from hvshell.runtime.scriptblock import ScriptBlock

SELECT_KEYS = ("Name", "Label", "Expression")
TABLE_KEYS = ("Name", "Label", "Expression", "FormatString", "Width", "Alignment")
LIST_KEYS = ("Name", "Label", "Expression", "FormatString")
SORT_KEYS = ("Expression", "Ascending", "Descending")
GROUP_KEYS = ("Expression",)

ALIGNMENTS = ("Left", "Center", "Right")


class EvaluationError(Exception):
    """A script-block property failed; `record` is the error it raised."""

    def __init__(self, record: Any):
        super().__init__(str(record))
        self.record = record


@attrs.define
class PropertySpec:
    """One property argument: a property name (maybe a wildcard pattern)
    or a script block, with what a calculated property may add."""
    expression: str | ScriptBlock
    label: str | None = None
    width: int | None = None
    alignment: str | None = None            # 'left', 'center', 'right'
    format_string: str | None = None
    descending: bool | None = None          # Sort-Object's per-key order

    @property
    def is_block(self) -> bool:
        return isinstance(self.expression, ScriptBlock)

    @property
    def is_pattern(self) -> bool:
        return not self.is_block and self.label is None and has_wildcard(self.expression)

    @property
    def name(self) -> str:
        """The column or property name it produces."""
        if self.label is not None:
            return self.label
        if isinstance(self.expression, ScriptBlock):
            return self.expression.text
        return self.expression

    def names_on(self, obj: Any) -> list[str]:
        """The property names of `obj` this argument stands for: every
        match of a wildcard pattern, else itself."""
        if not self.is_pattern:
            return [self.name]
        pattern = compile_wildcard(self.expression)
        return [name for name in property_names(obj) if pattern.match(name)]

    def evaluate(self, obj: Any, ctx: Any) -> Any:
        """The value for `obj`: MISSING when a named property is absent;
        raises EvaluationError when a script block fails."""
        if isinstance(self.expression, ScriptBlock):
            return invoke(self.expression, obj, ctx)
        return safe_property(obj, self.expression)

    def for_name(self, name: str) -> "PropertySpec":
        """This argument narrowed to one name a pattern matched."""
        return attrs.evolve(self, expression=name)


def safe_property(obj: Any, name: str) -> Any:
    """A property value, MISSING when absent; a property whose getter
    fails reads as null, as a failing .NET getter does in a table."""
    try:
        return get_property(obj, name)
    except Exception:  # model getters are not expected to fail; output must not
        return None


def invoke(block: ScriptBlock, obj: Any, ctx: Any) -> Any:
    """Run `block` with `$_` = obj: null, its single output, or a list."""
    try:
        results = ctx.invoke_scriptblock(block, input=obj)
    except PSError as error:
        raise EvaluationError(error.record) from None
    if not results:
        return None
    return results[0] if len(results) == 1 else list(results)


def _resolve_key(key: Any, allowed: tuple[str, ...], command: str) -> str:
    text = to_display_string(key)
    lowered = text.lower()
    matches = [k for k in allowed if k.lower().startswith(lowered)] if lowered else []
    exact = [k for k in allowed if k.lower() == lowered]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    valid = ", ".join(allowed)
    if not matches:
        raise CmdletError(
            f'The "{text}" key is not valid in a calculated property for {command}. '
            f'Use one of these keys: {valid}.', "IllegalKey", "InvalidArgument", text,
            "System.NotSupportedException")
    raise CmdletError(
        f'The "{text}" key is ambiguous: it could mean {" or ".join(matches)}. '
        f'Write more of the key name.', "DictionaryKeyAmbiguous", "InvalidArgument", text,
        "System.NotSupportedException")


def parse_property(item: Any, allowed: tuple[str, ...], command: str) -> PropertySpec:
    """A property argument as the cmdlet named `command` accepts it."""
    if isinstance(item, ScriptBlock):
        return PropertySpec(item)
    if not isinstance(item, Hashtable):
        return PropertySpec(to_display_string(item))
    entries: dict[str, Any] = {}
    for key, value in item.items():
        canonical = _resolve_key(key, allowed, command)
        if canonical in entries or (canonical in ("Name", "Label")
                                    and ({"Name", "Label"} & entries.keys())):
            raise CmdletError(
                f'The "{to_display_string(key)}" key is given twice in a calculated property '
                f'(Name and Label are the same key). Keep only one of them.',
                "DictionaryKeyDuplicate", "InvalidArgument", to_display_string(key),
                "System.NotSupportedException")
        entries[canonical] = value
    if "Expression" not in entries:
        raise CmdletError(
            f"A calculated property for {command} needs an Expression key: a script block "
            f"such as e={{ $_.Name }}, or a property name.", "MissingExpressionKey",
            "InvalidArgument", None, "System.NotSupportedException")
    expression = entries["Expression"]
    if not isinstance(expression, (ScriptBlock, str)):
        raise _bad_value("Expression", expression, "a script block or a property name")
    label = entries.get("Name", entries.get("Label"))
    spec = PropertySpec(expression, label=None if label is None else to_display_string(label))
    if "Width" in entries:
        width = entries["Width"]
        if not isinstance(width, int) or isinstance(width, bool) or width < 1:
            raise _bad_value("Width", width, "a whole number of 1 or more")
        spec.width = width
    if "Alignment" in entries:
        text = to_display_string(entries["Alignment"])
        found = [a for a in ALIGNMENTS if a.lower() == text.lower()]
        if not found:
            raise _bad_value("Alignment", text, "Left, Center or Right")
        spec.alignment = found[0].lower()
    if "FormatString" in entries:
        spec.format_string = to_display_string(entries["FormatString"])
    if "Ascending" in entries:
        spec.descending = not _truthy(entries["Ascending"])
    if "Descending" in entries:
        spec.descending = _truthy(entries["Descending"])
    return spec


def _truthy(value: Any) -> bool:
    from hvshell.runtime.conversions import to_bool
    return to_bool(value)


def _bad_value(key: str, value: Any, wanted: str) -> CmdletError:
    shown = to_display_string(value)
    return CmdletError(
        f'The value "{shown}" of the {key} key is not valid: it must be {wanted}.',
        "IllegalValue", "InvalidArgument", shown, "System.ArgumentException")


def parse_properties(items: Any, allowed: tuple[str, ...], command: str) -> list[PropertySpec]:
    if items is None:
        return []
    if not isinstance(items, (list, tuple)):
        items = [items]
    return [parse_property(item, allowed, command) for item in items]


def expand(specs: list[PropertySpec], obj: Any) -> list[PropertySpec]:
    """Wildcard patterns replaced by the names they match on `obj`
    (a name a pattern matches again is not repeated)."""
    out: list[PropertySpec] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.is_pattern:
            for name in spec.names_on(obj):
                if name.lower() not in seen:
                    seen.add(name.lower())
                    out.append(spec.for_name(name))
        else:
            seen.add(spec.name.lower())
            out.append(spec)
    return out


def value_or_null(spec: PropertySpec, obj: Any, ctx: Any) -> Any:
    """The value for display: missing properties and failing script
    blocks read as null, as in PowerShell's tables and lists."""
    try:
        value = spec.evaluate(obj, ctx)
    except EvaluationError:
        return None
    return None if value is MISSING else value
