"""Parameter binding as PowerShell does it (lang-spec 8.14, about_Parameter_Binding).

Order: named arguments (exact name, alias, or unambiguous prefix), then
positional arguments by position, then for each pipeline object ByValue
(exact type, then with conversion) and ByPropertyName; parameter sets are
narrowed at every step.  Cmdlets and script functions are bound by the same
code: both are described by a `CommandSpec`.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Container

import attrs

from hvshell.lang.ast import Extent
from hvshell.runtime.cmdlet import ALL_SETS, CommonParameter, Parameter, Switch
from hvshell.runtime.conversions import (AutomationNullType, ConversionError, SwitchValue,
                                         canonical_type_name, convert, to_bool)
from hvshell.runtime.psobject import (MISSING, Hashtable, get_property, is_model_object,
                                      to_display_string, type_label)


class BindingError(Exception):
    def __init__(self, message: str, error_id: str, extent: Extent | None = None,
                 category: str = "InvalidArgument", target: Any = None):
        super().__init__(message)
        self.error_id = error_id
        self.extent = extent
        self.category = category
        self.target = target


@attrs.define
class CommandSpec:
    """What the binder needs to know about a command."""
    name: str
    parameters: dict[str, Parameter]
    sets: list[str]
    default_set: str | None
    common: tuple[CommonParameter, ...]
    accepts_extra_args: bool = False      # simple functions put leftovers in $args
    is_script: bool = False               # a function: SwitchValue switches, typed-parameter wording


@attrs.define
class Arg:
    """One argument as written: a named parameter (maybe with its value) or
    a positional value."""
    name: str | None
    value: Any = None
    has_value: bool = False
    extent: Extent | None = None
    text: str = ""                        # the parameter token as typed, e.g. '-Dest'


@attrs.define
class Binding:
    values: dict[str, Any]                # parameter name -> converted value
    common: dict[str, Any]                # common parameter name -> value
    sets: list[str]                       # parameter sets still possible
    extra_args: list[Any]

    @property
    def parameter_set(self) -> str:
        return self.sets[0] if self.sets else ALL_SETS


@attrs.define
class Prospect:
    """What a half-typed command's arguments can still bind to
    (`Binder.prospect`): values are the text typed, unconverted."""
    values: dict[str, Any]                # parameter name -> value, by name or position
    common: set[str]                      # common parameters given
    sets: list[str]                       # parameter sets still possible
    awaiting: Parameter | CommonParameter | None   # the named parameter missing its value
    awaiting_unknown: bool                # a -Name naming no parameter is missing its value
    following: list[Parameter]            # what a further positional value may bind to


def _is_value_type(param: Parameter) -> bool:
    """An enum, date or time-span parameter: .NET cannot hold $null in it."""
    kind = param.type
    return isinstance(kind, enum.EnumMeta) or kind in (dt.datetime, dt.timedelta)


def _type_text(param: Parameter) -> str:
    if isinstance(param.type, str):
        return canonical_type_name(param.type)
    if param.type is Switch:
        return "System.Management.Automation.SwitchParameter"
    names = {str: "System.String", int: "System.Int64", float: "System.Double",
             bool: "System.Boolean", object: "System.Object"}
    if param.type in names:
        return names[param.type] + ("[]" if param.array else "")
    full = getattr(param.type, "PS_TYPE", None) or type_label(param.type)
    return full + ("[]" if param.array else "")


class Binder:
    def __init__(self, spec: CommandSpec):
        self.spec = spec
        self._lookup: dict[str, Parameter | CommonParameter] = {}
        for param in spec.parameters.values():
            self._lookup[param.name.lower()] = param
            for alias in param.aliases:
                self._lookup[alias.lower()] = param
        for common in spec.common:
            if common.name.lower() not in self._lookup:
                self._lookup[common.name.lower()] = common
            for alias in common.aliases:
                self._lookup.setdefault(alias.lower(), common)

    # ---- names ------------------------------------------------------------

    def resolve_name(self, text: str, extent: Extent | None) -> Parameter | CommonParameter:
        key = text.lower()
        if key in self._lookup:
            return self._lookup[key]
        matches: list[Parameter | CommonParameter] = []
        for name, param in self._lookup.items():
            if name.startswith(key) and param not in matches:
                matches.append(param)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise BindingError(
                f"A parameter cannot be found that matches parameter name '{text}'.",
                "NamedParameterNotFound", extent, target=text)
        names = " ".join(f"-{m.name}" for m in matches)
        raise BindingError(
            f"Parameter cannot be processed because the parameter name '{text}' is ambiguous. "
            f"Possible matches include: {names}.", "AmbiguousParameter", extent, target=text)

    # ---- conversion -------------------------------------------------------

    def convert_value(self, param: Parameter, value: Any, extent: Extent | None) -> Any:
        if isinstance(value, AutomationNullType):
            value = None
        if param.is_switch:
            if isinstance(value, (bool, int, float, SwitchValue)) or value is None:
                flag = to_bool(value)
                return SwitchValue(flag) if self.spec.is_script else flag
            raise self._cannot_convert(param, value, extent,
                                       "Cannot convert value to type System.Boolean.")
        if value is None:
            if param.mandatory and not param.allow_empty:
                raise BindingError(
                    f"Cannot bind argument to parameter '{param.name}' because it is null.",
                    "ParameterArgumentValidationErrorNullNotAllowed", extent)
            if param.array:
                return []
            if _is_value_type(param):
                raise BindingError(f"Cannot bind parameter '{param.name}'. Cannot convert null "
                                   f"to type \"{_type_text(param)}\".",
                                   "CannotConvertArgumentNoMessage", extent)
            self._validate(param, None, extent)
            # $null converts to a number's zero, as .NET value types do.
            return {int: 0, float: 0.0}.get(param.type) if isinstance(param.type, type) else None
        if param.array:
            items = list(value) if isinstance(value, (list, tuple)) else [value]
            converted = [self._convert_one(param, item, extent) for item in items]
            if param.type is not object and any(item is None for item in converted):
                # The cmdlets' [ValidateNotNullOrEmpty()]: a name list cannot hold $null.
                raise BindingError(
                    f"Cannot validate argument on parameter '{param.name}'. The argument is null, "
                    f"empty, or an element of the argument collection contains a null value. "
                    f"Supply a collection that does not contain any null values and then try "
                    f"the command again.", "ParameterArgumentValidationError", extent)
            if not converted and param.mandatory and not param.allow_empty:
                raise BindingError(
                    f"Cannot bind argument to parameter '{param.name}' because it is an empty array.",
                    "ParameterArgumentValidationErrorEmptyArrayNotAllowed", extent)
            if param.count_check is not None:
                self._check(param, param.count_check(converted), extent)
            for item in converted:
                self._validate(param, item, extent)
            return converted
        if isinstance(value, (list, tuple)) and param.type is not object and not (
                isinstance(param.type, str) and canonical_type_name(param.type) in
                ("System.Object", "System.Array") or str(param.type).endswith("[]")):
            if len(value) == 1 and not isinstance(param.type, str):
                return self.convert_value(param, value[0], extent)
            else:
                raise BindingError(
                    f"Cannot convert 'System.Object[]' to the type '{_type_text(param)}' required "
                    f"by parameter '{param.name}'. Specified method is not supported.",
                    "CannotConvertArgument", extent)
        converted = self._convert_one(param, value, extent)
        if converted == "" and isinstance(converted, str) and param.mandatory \
                and not param.allow_empty:
            raise BindingError(
                f"Cannot bind argument to parameter '{param.name}' because it is an empty string.",
                "ParameterArgumentValidationErrorEmptyStringNotAllowed", extent)
        if isinstance(converted, list):         # a typed array of a script parameter
            if param.count_check is not None:
                self._check(param, param.count_check(converted), extent)
            for item in converted:
                self._validate(param, item, extent)
        else:
            self._validate(param, converted, extent)
        return converted

    def _convert_one(self, param: Parameter, value: Any, extent: Extent | None) -> Any:
        target = param.type
        if target is object:
            return value
        if target is bool:
            if isinstance(value, (bool, int, float, SwitchValue)):
                return to_bool(value)
            raise self._cannot_convert(param, value, extent,
                                       "Cannot convert value to type System.Boolean. Boolean "
                                       "parameters accept only Boolean values and numbers, such "
                                       "as $True, $False, 1 or 0.")
        if target is str and (is_model_object(value) or isinstance(value, Hashtable)) \
                and not hasattr(value, "ToString"):
            raise self._cannot_convert(param, value, extent, None)
        try:
            return convert(value, target)
        except ConversionError as error:
            raise self._wrap(param, error, extent) from None

    def _cannot_convert(self, param: Parameter, value: Any, extent: Extent | None,
                        reason: str | None) -> BindingError:
        text = (f"Cannot bind parameter '{param.name}'. Cannot convert value "
                f"\"{to_display_string(value)}\" to type \"{_type_text(param)}\".")
        if reason:
            text += f" Error: \"{reason}\""
        return BindingError(text, "CannotConvertArgumentNoMessage", extent, target=value)

    def _wrap(self, param: Parameter, error: ConversionError, extent: Extent | None) -> BindingError:
        if self.spec.is_script:
            # A typed script parameter converts through an argument transformation.
            return BindingError(f"Cannot process argument transformation on parameter "
                                f"'{param.name}'. {error}",
                                "ParameterArgumentTransformationError", extent)
        return BindingError(f"Cannot bind parameter '{param.name}'. {error}",
                            "CannotConvertArgumentNoMessage", extent)

    def _check(self, param: Parameter, problem: str | None, extent: Extent | None) -> None:
        if problem:
            raise BindingError(f"Cannot validate argument on parameter '{param.name}'. {problem}",
                               "ParameterArgumentValidationError", extent)

    def _validate(self, param: Parameter, value: Any, extent: Extent | None) -> None:
        for check in param.checks:
            self._check(param, check(value), extent)
        if param.validate_set and not isinstance(value, enum.Enum):     # $null is not in the set
            text = to_display_string(value)
            allowed = {v.lower(): v for v in param.validate_set}
            if text.lower() not in allowed:
                raise BindingError(
                    f"Cannot validate argument on parameter '{param.name}'. The argument "
                    f"\"{text}\" does not belong to the set \"{','.join(param.validate_set)}\" "
                    f"specified by the ValidateSet attribute. Supply an argument that is in the "
                    f"set and then try the command again.",
                    "ParameterArgumentValidationError", extent, target=text)
        if param.validate_range and value is not None:
            low, high = param.validate_range
            if not low <= value <= high:
                if value < low:
                    detail = (f"The {value} argument is less than the minimum allowed range of "
                              f"{low}. Supply an argument that is greater than or equal to {low} "
                              f"and then try the command again.")
                else:
                    detail = (f"The {value} argument is greater than the maximum allowed range "
                              f"of {high}. Supply an argument that is less than or equal to "
                              f"{high} and then try the command again.")
                raise BindingError(
                    f"Cannot validate argument on parameter '{param.name}'. {detail}",
                    "ParameterArgumentValidationError", extent, target=value)

    # ---- arguments ----------------------------------------------------------

    def bind(self, args: list[Arg], command_extent: Extent | None) -> Binding:
        """Bind named and positional arguments; the result still lacks the
        pipeline's contribution and the mandatory check."""
        values: dict[str, Any] = {}
        common: dict[str, Any] = {}
        positional: list[Arg] = []
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg.name is None:
                positional.append(arg)
                continue
            try:
                param = self.resolve_name(arg.name, arg.extent)
            except BindingError as error:
                if not self.spec.accepts_extra_args or error.error_id != "NamedParameterNotFound":
                    raise
                # A simple function takes a parameter it does not declare as an
                # argument like any other (`f -x 1`: $args is '-x', 1).
                written = arg.text or f"-{arg.name}"
                positional.append(Arg(None, written + (":" if arg.has_value else ""), True, arg.extent))
                if arg.has_value:
                    positional.append(Arg(None, arg.value, True, arg.extent))
                continue
            if param.name in values or param.name in common:
                raise BindingError(
                    f"Cannot bind parameter because parameter '{param.name}' is specified more "
                    f"than once. To provide multiple values to parameters that can accept "
                    f"multiple values, use the array syntax. For example, "
                    f"\"-parameter value1,value2,value3\".", "ParameterAlreadyBound", arg.extent)
            found, value, value_extent, i = _named_value(arg, param, args, i)
            if not found:
                raise BindingError(
                    f"Missing an argument for parameter '{param.name}'. Specify a parameter of "
                    f"type '{_common_type(param) if isinstance(param, CommonParameter) else _type_text(param)}' and try again.",
                    "MissingArgument", arg.extent)
            if isinstance(param, CommonParameter):
                common[param.name] = self._convert_common(param, value, value_extent)
            else:
                values[param.name] = self.convert_value(param, value, value_extent)
        sets = self._sets_with(values.keys())
        if not sets:
            raise BindingError("Parameter set cannot be resolved using the specified named "
                               "parameters.", "AmbiguousParameterSet", command_extent)
        extra: list[Any] = []
        if positional:
            sets, extra = self._bind_positional(positional, values, sets)
        return Binding(values, common, sets, extra)

    def _convert_common(self, param: CommonParameter, value: Any, extent: Extent | None) -> Any:
        if param.is_switch:
            return to_bool(value)
        if param.type == "ActionPreference":
            from hvshell.runtime.preferences import parse_action_preference
            try:
                return parse_action_preference(value)
            except ValueError as error:
                raise BindingError(f"Cannot bind parameter '{param.name}'. {error}",
                                   "CannotConvertArgumentNoMessage", extent) from None
        if param.type is int:
            return convert(value, "int")
        return to_display_string(value)

    def _sets_with(self, names: Any) -> list[str]:
        sets = list(self.spec.sets)
        for name in names:
            member_of = self.spec.parameters[name].set_names()
            if member_of:
                sets = [s for s in sets if s in member_of]
        return sets

    def _positional_slots(self, set_name: str, bound: Container[str]
                          ) -> tuple[list[Parameter], Parameter | None]:
        """The positional parameters of `set_name` not in `bound`, by
        position, and its ValueFromRemainingArguments parameter if unbound."""
        params = self.spec.parameters.values()
        slots = sorted(((m.position, p) for p in params if p.name not in bound
                        and (m := p.in_set(set_name)) is not None and m.position is not None),
                       key=lambda pair: pair[0])
        remaining = next((p for p in params
                          if p.remaining and p.name not in bound and p.in_set(set_name)), None)
        return [p for _, p in slots], remaining

    def _bind_positional(self, positional: list[Arg], values: dict[str, Any],
                         sets: list[str]) -> tuple[list[str], list[Any]]:
        """Try each remaining set; keep those that take every positional
        argument with a successful conversion."""
        outcomes: list[tuple[str, dict[str, Any]]] = []
        first_error: BindingError | None = None
        leftover_best: list[Any] | None = None
        for set_name in sets:
            slots, remaining = self._positional_slots(set_name, values)
            bound: dict[str, Any] = {}
            ok = True
            here = positional
            if remaining is not None and len(here) > len(slots):
                take = len(here) - len(slots) + (1 if remaining in slots else 0)
                surplus = [a.value for a in here[len(here) - take:]]
                here = here[:len(here) - take]
                slots = [p for p in slots if p is not remaining]
                try:
                    bound[remaining.name] = self.convert_value(
                        remaining, surplus if remaining.array or len(surplus) > 1 else surplus[0],
                        None)
                except BindingError as error:
                    first_error = first_error or error
                    continue
            for index, arg in enumerate(here):
                if index >= len(slots):
                    if self.spec.accepts_extra_args:
                        leftover_best = [a.value for a in here[index:]]
                        break
                    ok = False
                    if first_error is None:
                        first_error = BindingError(
                            f"A positional parameter cannot be found that accepts argument "
                            f"'{to_display_string(arg.value)}'.", "PositionalParameterNotFound",
                            arg.extent, target=arg.value)
                    break
                param = slots[index]
                try:
                    bound[param.name] = self.convert_value(param, arg.value, arg.extent)
                except BindingError as error:
                    ok = False
                    if first_error is None:
                        first_error = error
                    break
            if ok:
                outcomes.append((set_name, bound))
        if not outcomes:
            assert first_error is not None
            raise first_error
        preferred = [o for o in outcomes if o[0] == self.spec.default_set] or outcomes
        values.update(preferred[0][1])
        kept = [name for name, bound in outcomes if bound.keys() == preferred[0][1].keys()]
        return kept, leftover_best or []

    # ---- what a half-typed command can still become ------------------------

    def prospect(self, args: list[Arg]) -> Prospect:
        """What `args` bind to as far as their text tells, converting and
        checking nothing (tab completion has only the words typed so far):
        the parameters bound by name and by position (as `bind` would place
        the values, the default set first), the sets still possible, the
        parameter still missing its value, and what a further positional
        value could bind to."""
        values: dict[str, Any] = {}
        common: set[str] = set()
        positional: list[Any] = []
        awaiting: Parameter | CommonParameter | None = None
        awaiting_unknown = False
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg.name is None:
                positional.append(arg.value)
                continue
            try:
                param: Parameter | CommonParameter | None = self.resolve_name(arg.name, None)
            except BindingError:
                param = None                # unknown or ambiguous: taken to want a value
            found, value, _, i = _named_value(arg, param, args, i)
            awaiting, awaiting_unknown = (None, False) if found else (param, param is None)
            if isinstance(param, CommonParameter):
                common.add(param.name)
            elif param is not None:
                values[param.name] = value
        sets = self._sets_with(values.keys())
        # Each set that has room for the positional values, the default set first.
        fits = []
        for set_name in sorted(sets, key=lambda s: s != self.spec.default_set):
            slots, remaining = self._positional_slots(set_name, values)
            if len(positional) <= len(slots) or remaining is not None \
                    or self.spec.accepts_extra_args:
                taken = slots[:len(positional)]
                after = slots[len(positional)] if len(positional) < len(slots) else remaining
                fits.append((set_name, taken, after))
        following: list[Parameter] = []
        if fits:
            taken = fits[0][1]
            values.update((p.name, v) for p, v in zip(taken, positional))
            fits = [f for f in fits if f[1] == taken]
            sets = [s for s in sets if any(f[0] == s for f in fits)]
            following = list(dict.fromkeys(f[2] for f in fits if f[2] is not None))
        return Prospect(values, common, sets, awaiting, awaiting_unknown, following)

    # ---- pipeline ---------------------------------------------------------

    def pipeline_parameters(self, binding: Binding) -> bool:
        """Whether any remaining set takes pipeline input."""
        for set_name in binding.sets:
            for param in self.spec.parameters.values():
                m = param.in_set(set_name)
                if m and (m.pipeline or m.by_property) and param.name not in binding.values:
                    return True
        return False

    def bind_pipeline(self, binding: Binding, obj: Any, extent: Extent | None) -> tuple[str, dict[str, Any]]:
        """Values for pipeline parameters from one input object, and the set
        they settle on."""
        # PowerShell's order (about_Pipelines): by value, then by property
        # name, without type conversion; then both again with conversion.
        attempts = (("value", False), ("property", False), ("value", True), ("property", True))
        for kind, with_conversion in attempts:
            for set_name in binding.sets:
                found = self._pipeline_in_set(binding, set_name, obj, kind, with_conversion, extent)
                if found is not None:
                    return set_name, found
        raise BindingError(
            "The input object cannot be bound to any parameters for the command either because "
            "the command does not take pipeline input or the input and its properties do not "
            "match any of the parameters that take pipeline input.",
            "InputObjectNotBound", extent, target=obj)

    def _pipeline_in_set(self, binding: Binding, set_name: str, obj: Any, kind: str,
                         with_conversion: bool, extent: Extent | None) -> dict[str, Any] | None:
        result: dict[str, Any] = {}
        for param in self.spec.parameters.values():
            m = param.in_set(set_name)
            if m is None or param.name in binding.values:
                continue
            if kind == "value" and m.pipeline:
                if not with_conversion and not _exact_type(param, obj):
                    continue
                try:
                    result[param.name] = self.convert_value(param, obj, extent)
                    return result
                except BindingError:
                    continue
            if kind == "property" and m.by_property:
                for name in (param.name,) + param.aliases:
                    value = get_property(obj, name)
                    if value is MISSING:
                        continue
                    if not with_conversion and not _exact_type(param, value):
                        continue
                    try:
                        result[param.name] = self.convert_value(param, value, extent)
                    except BindingError:
                        pass
                    break
        return result or None

    # ---- mandatory --------------------------------------------------------

    def bind_command(self, args: list[Arg], extent: Extent | None,
                     expecting_pipeline: bool) -> Binding:
        """`bind`, then the mandatory check a command makes before it begins."""
        binding = self.bind(args, extent)
        self.check_mandatory(binding, expecting_pipeline, extent)
        return binding

    def check_mandatory(self, binding: Binding, expecting_pipeline: bool,
                        extent: Extent | None) -> None:
        missing = self.missing_mandatory(binding, expecting_pipeline)
        if missing:
            raise BindingError(
                f"Cannot process command because of one or more missing mandatory parameters: "
                f"{' '.join(missing)}.", "MissingMandatoryParameter", extent)

    def missing_mandatory(self, binding: Binding, expecting_pipeline: bool) -> list[str]:
        """Mandatory parameters still unbound in the best remaining set
        (those the pipeline can fill are excused when input is coming)."""
        best: list[str] | None = None
        for set_name in binding.sets:
            missing = []
            for param in self.spec.parameters.values():
                m = param.in_set(set_name)
                if m is None or not m.mandatory or param.name in binding.values:
                    continue
                if expecting_pipeline and (m.pipeline or m.by_property):
                    continue
                missing.append(param.name)
            if best is None or len(missing) < len(best):
                best = missing
                if not missing:
                    binding.sets = [set_name] + [s for s in binding.sets if s != set_name]
                    break
        return best or []


def _named_value(arg: Arg, param: Parameter | CommonParameter | None, args: list[Arg],
                 i: int) -> tuple[bool, Any, Extent | None, int]:
    """The value of the named argument `arg` (`args[i]` follows it): its
    own (`-Name:value`), True for a switch, else the positional argument
    after it.  (found, value, its extent, the index after it); `param` None
    (no such parameter) wants a value."""
    if arg.has_value:
        return True, arg.value, arg.extent, i
    if param is not None and param.is_switch:
        return True, True, arg.extent, i
    if i < len(args) and args[i].name is None:
        return True, args[i].value, args[i].extent or arg.extent, i + 1
    return False, None, arg.extent, i


def _common_type(param: CommonParameter) -> str:
    if param.type == "ActionPreference":
        return "System.Management.Automation.ActionPreference"
    return {str: "System.String", int: "System.Int32"}.get(param.type, "System.Object")


def _exact_type(param: Parameter, value: Any) -> bool:
    target = param.type
    if isinstance(value, (list, tuple)):
        return param.array and all(_exact_type_scalar(target, v) for v in value)
    return _exact_type_scalar(target, value)


def _exact_type_scalar(target: Any, value: Any) -> bool:
    if target is object:
        return True
    if isinstance(target, str):
        from hvshell.runtime.conversions import type_matches
        return type_matches(value, target)
    if target is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if target is float:
        return isinstance(value, float)
    if isinstance(target, type):
        return isinstance(value, target)
    return False
