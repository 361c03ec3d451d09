"""Command processors: what runs each element of a pipeline.

Every processor has `begin()`, `receive(obj)` (one pipeline object),
`run_once()` (no pipeline input: the first command) and `end()`, and hands
its output to `downstream`.  Objects stream one at a time, as in PowerShell.
Cmdlets and script code (functions, script blocks) share the binder.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from hvshell.lang import ast
from hvshell.runtime.binder import Arg, Binder, Binding, BindingError, CommandSpec
from hvshell.runtime.cmdlet import Cmdlet, In, Parameter
from hvshell.runtime.conversions import AutomationNullType, ConversionError, convert
from hvshell.runtime.errors import ErrorRecord, PSError
from hvshell.runtime.validation import ALLOW_EMPTY, count_check, parameter_checks
from hvshell.runtime.invocation import InvocationInfo, ScriptCmdlet, TerminatingError, block_info
from hvshell.runtime.preferences import ActionPreference
from hvshell.runtime.psobject import Hashtable
from hvshell.runtime.scope import Scope
from hvshell.runtime.scriptblock import ScriptBlock
from hvshell.runtime.signals import ReturnSignal

if TYPE_CHECKING:
    from hvshell.runtime.interpreter import Interpreter

Sink = Callable[[Any], None]
AUTOMATION_NULL = AutomationNullType()


def unwrap(items: list[Any]) -> Any:
    """A pipeline's result as a value: nothing, one object, or an array."""
    if not items:
        return AUTOMATION_NULL
    if len(items) == 1:
        return items[0]
    return items


def denull(value: Any) -> Any:
    """AutomationNull (a pipeline that output nothing) as plain $null."""
    return None if isinstance(value, AutomationNullType) else value

# Nested script calls allowed before "call depth overflow"; Python's own stack
# bounds how deep a tree-walking interpreter can safely go.
MAX_CALL_DEPTH = 100


def binding_error(error: BindingError, command: str, command_type: str | None,
                  fallback: ast.Extent | None, source: ast.Source | None) -> PSError:
    exception = "System.Management.Automation.ParameterBindingException"
    if "Validation" in error.error_id:
        exception = "System.Management.Automation.ParameterBindingValidationException"
    record = ErrorRecord(str(error), error.error_id, error.category, error.target, exception,
                         command=command, command_type=command_type,
                         extent=error.extent or fallback, source=source)
    return PSError(record)


class Processor:
    downstream: Sink

    def begin(self) -> None:
        pass

    def receive(self, obj: Any) -> None:
        raise NotImplementedError

    def run_once(self) -> None:
        pass

    def end(self) -> None:
        pass


# ---------------------------------------------------------------------------
# Cmdlets
# ---------------------------------------------------------------------------

def cmdlet_spec(cls: type[Cmdlet]) -> CommandSpec:
    spec = cls.__dict__.get("_binder_spec")
    if spec is None:
        spec = CommandSpec(cls.name, cls.parameters(), cls.parameter_sets(), cls.default_set,
                           cls.common_parameters())
        type.__setattr__(cls, "_binder_spec", spec)
    return spec


class CmdletProcessor(Processor):
    def __init__(self, interp: "Interpreter", cls: type[Cmdlet], args: list[Arg],
                 invocation_name: str, extent: ast.Extent, expects_input: bool):
        self.interp = interp
        self.cls = cls
        self.args = args
        self.invocation_name = invocation_name
        self.extent = extent
        self.expects_input = expects_input
        self.source = interp.source
        self.binder = Binder(cmdlet_spec(cls))
        self.instance: Cmdlet | None = None
        self.binding: Binding | None = None
        self.pipeline_params: list[str] = []

    def _error(self, error: BindingError) -> PSError:
        return binding_error(error, self.invocation_name, self.cls.command_type(),
                             self.extent, self.source)

    def begin(self) -> None:
        try:
            binding = self.binder.bind_command(self.args, self.extent, self.expects_input)
        except BindingError as error:
            raise self._error(error) from None
        self.binding = binding
        instance = self.cls()
        for name, param in self.cls.parameters().items():
            default = param.default
            if param.is_switch and default is None:
                default = False
            setattr(instance, name, list(default) if isinstance(default, list) else default)
        for name, value in binding.values.items():
            setattr(instance, name, value)
        instance.ctx = self.interp.session
        instance.bound = dict(binding.values)
        instance.parameter_set = binding.parameter_set
        instance.invocation_name = self.invocation_name
        instance.common = binding.common
        instance._processor = self
        self.instance = instance
        self.interp.call(self, instance.begin)

    def run_once(self) -> None:
        assert self.instance is not None
        self.interp.call(self, self.instance.process)

    def receive(self, obj: Any) -> None:
        instance = self.instance
        assert instance is not None and self.binding is not None
        if not self.binder.pipeline_parameters(self.binding):
            # A command that takes no pipeline input still runs once per object
            # only if it could bind it; PowerShell reports the object instead.
            self.interp.report_error_record(self, self._error(BindingError(
                "The input object cannot be bound to any parameters for the command either "
                "because the command does not take pipeline input or the input and its "
                "properties do not match any of the parameters that take pipeline input.",
                "InputObjectNotBound", self.extent, target=obj)).record)
            return
        try:
            set_name, values = self.binder.bind_pipeline(self.binding, obj, self.extent)
        except BindingError as error:
            self.interp.report_error_record(self, self._error(error).record)
            return
        for name in self.pipeline_params:
            param = self.cls.parameters()[name]
            setattr(instance, name, param.default)
            instance.bound.pop(name, None)
        self.pipeline_params = list(values)
        for name, value in values.items():
            setattr(instance, name, value)
            instance.bound[name] = value
        instance.parameter_set = set_name
        try:
            self.binder.check_mandatory(
                Binding({**self.binding.values, **values}, {}, [set_name], []), False, self.extent)
        except BindingError as error:
            self.interp.report_error_record(self, self._error(error).record)
            return
        self.interp.call(self, instance.process)

    def end(self) -> None:
        if self.instance is not None:
            self.interp.call(self, self.instance.end)

    # Called through Session by Cmdlet.write():
    def emit(self, obj: Any, enumerate: bool) -> None:
        if enumerate and isinstance(obj, (list, tuple)):
            for item in obj:
                self.downstream(item)
        else:
            self.downstream(obj)


# ---------------------------------------------------------------------------
# Script code: functions and script blocks
# ---------------------------------------------------------------------------

class FunctionInfo:
    """A function defined in the session (what Get-Command lists)."""

    PS_TYPE = "System.Management.Automation.FunctionInfo"

    def __init__(self, name: str, body: ast.ScriptBody, source: ast.Source):
        self.name = name
        self.body = body
        self.source = source

    @property
    def Name(self) -> str:
        return self.name

    @property
    def CommandType(self) -> str:
        return "Function"

    @property
    def Definition(self) -> str:
        extent = self.body.extent
        return self.source.text[extent.start + 1:extent.end - 1] if extent.end > extent.start else ""

    def ToString(self) -> str:
        return self.name


def _attribute_args(attribute: ast.Attribute, interp: "Interpreter") -> tuple[list[Any], dict[str, Any]]:
    positional = [interp.evaluate(expr) for expr in attribute.positional]
    named = {name.lower(): interp.evaluate(expr) for name, expr in attribute.named}
    return positional, named


def script_spec(name: str, body: ast.ScriptBody, interp: "Interpreter") -> tuple[CommandSpec, dict[str, ast.ParameterDecl]]:
    """The binder's view of a param() block."""
    from hvshell.runtime.cmdlet import COMMON_PARAMETERS, RISK_PARAMETERS
    decls = body.parameters or ()
    advanced = any(a.name.lower() == "cmdletbinding" for a in body.attributes)
    supports_should_process = False
    default_set = None
    for attribute in body.attributes:
        if attribute.name.lower() == "cmdletbinding":
            _, named = _attribute_args(attribute, interp)
            supports_should_process = bool(named.get("supportsshouldprocess"))
            default_set = named.get("defaultparametersetname")
    any_position = False
    parsed: list[tuple[ast.ParameterDecl, dict[str, Any]]] = []
    for decl in decls:
        info: dict[str, Any] = {"sets": [], "aliases": (), "validate_set": None,
                                "validate_range": None, "mandatory": False, "position": None,
                                "pipeline": False, "by_property": False, "remaining": False,
                                "checks": [], "count": None, "allow_empty": False}
        for attribute in decl.attributes:
            key = attribute.name.lower()
            positional, named = _attribute_args(attribute, interp)
            if key == "parameter":
                advanced = True
                entry = {"mandatory": bool(named.get("mandatory", False)),
                         "position": named.get("position"),
                         "pipeline": bool(named.get("valuefrompipeline", False)),
                         "by_property": bool(named.get("valuefrompipelinebypropertyname", False))}
                info["remaining"] = info["remaining"] or bool(
                    named.get("valuefromremainingarguments", False))
                if entry["position"] is not None:
                    any_position = True
                set_name = named.get("parametersetname")
                if set_name and set_name != "__AllParameterSets":
                    info["sets"].append((str(set_name), entry))
                else:
                    info.update(entry)
            elif key == "alias":
                info["aliases"] = tuple(str(a) for a in _flatten(positional))
            elif key == "validateset":
                info["validate_set"] = tuple(str(a) for a in _flatten(positional))
            elif key == "validaterange":
                info["validate_range"] = (positional[0], positional[1])
            elif key == "validatecount" and len(positional) >= 2:
                info["count"] = count_check(int(positional[0]), int(positional[1]))
            elif key in ALLOW_EMPTY:
                info["allow_empty"] = True
            else:
                check = parameter_checks(key, positional, interp)
                if check is not None:
                    info["checks"].append(check)
        parsed.append((decl, info))
    parameters: dict[str, Parameter] = {}
    by_name: dict[str, ast.ParameterDecl] = {}
    for index, (decl, info) in enumerate(parsed):
        position = info["position"]
        if position is None and not any_position:
            position = index
        sets = tuple(In(s, position=e["position"] if e["position"] is not None else position,
                        mandatory=e["mandatory"], pipeline=e["pipeline"],
                        by_property=e["by_property"]) for s, e in info["sets"])
        type_name = decl.type_name or "object"
        param = Parameter(type_name if type_name.lower() != "switch" else "switch",
                          position=position, mandatory=info["mandatory"], sets=sets,
                          pipeline=info["pipeline"], by_property=info["by_property"],
                          aliases=info["aliases"], validate_set=info["validate_set"],
                          validate_range=info["validate_range"], remaining=info["remaining"],
                          checks=info["checks"], count_check=info["count"],
                          allow_empty=info["allow_empty"])
        param.name = decl.name
        if type_name.lower() == "switch":
            param.position = None
        parameters[decl.name] = param
        by_name[decl.name] = decl
    set_names: list[str] = []
    if default_set:
        set_names.append(str(default_set))
    for param in parameters.values():
        for s in param.set_names():
            if s not in set_names:
                set_names.append(s)
    common = (COMMON_PARAMETERS + (RISK_PARAMETERS if supports_should_process else ())) if advanced else ()
    spec = CommandSpec(name, parameters, set_names or ["__AllParameterSets"], default_set, common,
                       accepts_extra_args=not advanced, is_script=True)
    return spec, by_name


def _script_binder(name: str, body: ast.ScriptBody, interp: "Interpreter"
                   ) -> tuple[CommandSpec, dict[str, ast.ParameterDecl], Binder]:
    """A param() block's spec and binder, made once per body: attribute
    arguments are constants, so a function called in a loop need not
    rebuild them.  The cache holds the body, so its id stays unique."""
    cached = interp.script_binders.get(id(body))
    if cached is None or cached[0] is not body or cached[1].name != name:
        spec, decls = script_spec(name, body, interp)
        cached = interp.script_binders[id(body)] = (body, spec, decls, Binder(spec))
    return cached[1], cached[2], cached[3]


def _flatten(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if isinstance(value, (list, tuple)):
            out.extend(value)
        else:
            out.append(value)
    return out


class ScriptProcessor(Processor):
    """Runs a function or script block as a pipeline element: binds its
    param() block, then begin, process (per object, with $_), end."""

    def __init__(self, interp: "Interpreter", name: str, body: ast.ScriptBody, source: ast.Source,
                 args: list[Arg], extent: ast.Extent, expects_input: bool, dot_source: bool = False,
                 command: Any = None):
        self.interp = interp
        self.name = name
        self.command = command          # $MyInvocation.MyCommand: a FunctionInfo or ScriptInfo
        self.caller = interp.source     # where the call is written
        self.invocation_name = name     # the name as typed (an alias, say)
        self.body = body
        self.source = source
        self.args = args
        self.extent = extent
        self.expects_input = expects_input
        self.dot_source = dot_source
        self.scope: Scope | None = None
        self.inputs: list[Any] = []
        self.binding: Binding | None = None
        self.binder: Binder | None = None

    def _error(self, error: BindingError) -> PSError:
        # A function's FullyQualifiedErrorId ends with the function's name.
        return binding_error(error, self.name, self.name, self.extent, self.interp.source)

    def begin(self) -> None:
        interp = self.interp
        if interp.call_depth >= MAX_CALL_DEPTH:
            raise interp.call_depth_error(self.extent)
        self.scope = interp.scope if self.dot_source else Scope(interp.scope)
        with interp.entered(self.scope, self.source):
            self.bind_parameters()
            if self.body.begin is not None:
                self._run(self.body.begin, None, False)

    def bind_parameters(self) -> None:
        """Bind the arguments to the param() block: each parameter, bound or
        defaulted, becomes a variable of the current scope, with
        $PSBoundParameters and $args."""
        interp = self.interp
        if self.body.dynamicparam is not None:
            self._dynamic_parameters()
        spec, decls, self.binder = _script_binder(self.name, self.body, interp)
        try:
            binding = self.binder.bind_command(self.args, self.extent, self.expects_input)
        except BindingError as error:
            raise self._error(error) from None
        self.binding = binding
        bound = Hashtable()
        for name, decl in decls.items():
            if name in binding.values:
                value = binding.values[name]
                bound[name] = value
            elif decl.default is not None:
                value = interp.evaluate(decl.default)
                if decl.type_name:
                    value = self._typed(decl, value)
            elif spec.parameters[name].type == "switch":
                from hvshell.runtime.conversions import SwitchValue
                value = SwitchValue(False)
            else:
                value = None
            self.scope.set_local(name, value)
            if decl.type_name:                  # a typed parameter stays of its type
                self.scope.constrain(name, decl.type_name)
        for name, value in binding.common.items():
            bound[name] = value
        self.scope.set_local("PSBoundParameters", bound)
        self.scope.set_local("args", list(binding.extra_args))
        invocation = InvocationInfo(self.command or block_info(self.name), self.invocation_name, bound,
                                    list(binding.extra_args), self.extent, self.caller,
                                    self.expects_input)
        self.scope.set_local("MyInvocation", invocation)
        if not spec.accepts_extra_args:             # an advanced function or script
            supports = any(c.name == "WhatIf" for c in spec.common)
            self.scope.set_local("PSCmdlet", ScriptCmdlet(self, invocation, supports))
        for name, value in binding.common.items():
            if name == "ErrorAction":
                self.scope.set_local("ErrorActionPreference", value)
            elif name == "Verbose" and value:
                self.scope.set_local("VerbosePreference", ActionPreference.Continue)
            elif name == "WhatIf":
                self.scope.set_local("WhatIfPreference", bool(value))

    def _dynamic_parameters(self) -> None:
        """Run the DynamicParam block (its errors are the command's); the
        parameters it would add cannot be bound: say so rather than drop them."""
        found = [v for v in self.interp.collect_block(self.body.dynamicparam) if v is not None]
        if found:
            raise self._error(BindingError(
                f"The DynamicParam block of '{self.name}' defines parameters at run time, which "
                f"hvshell does not bind: declare them in the param() block instead.",
                "DynamicParametersNotSupported", self.extent))

    def _typed(self, decl: ast.ParameterDecl, value: Any) -> Any:
        try:
            return convert(value, decl.type_name)
        except ConversionError as error:
            raise self._error(BindingError(
                f"Cannot process argument transformation on parameter '{decl.name}'. {error}",
                "ParameterArgumentTransformationError", self.extent)) from None

    def _run(self, block: ast.StatementBlock, item: Any, set_item: bool) -> None:
        interp = self.interp
        interp.call_depth += 1
        try:
            with interp.entered(self.scope, self.source):
                if set_item:
                    self.scope.set_local("_", item)
                try:
                    interp.run_block(block, self.downstream)
                except ReturnSignal:
                    pass
                except TerminatingError as error:
                    if error.processor is not self:
                        raise
                    # The function has ended; to its caller this is an ordinary error.
                    raise PSError(error.record) from None
        finally:
            interp.call_depth -= 1

    def receive(self, obj: Any) -> None:
        if self.body.process is not None:
            if self.binder is not None and self.binding is not None and \
                    self.binder.pipeline_parameters(self.binding):
                try:
                    _, values = self.binder.bind_pipeline(self.binding, obj, self.extent)
                except BindingError as error:
                    self.interp.report_error_record(self, self._error(error).record)
                    return
                for name, value in values.items():
                    self.scope.set_local(name, value)
            self._run(self.body.process, obj, True)
        else:
            self.inputs.append(obj)

    def run_once(self) -> None:
        if self.body.process is not None:
            self._run(self.body.process, None, False)

    def end(self) -> None:
        if self.body.end is not None:
            with self.interp.entered(self.scope, self.source):
                self.scope.set_local("input", list(self.inputs))
            self._run(self.body.end, None, False)


def scriptblock_processor(interp: "Interpreter", block: ScriptBlock, args: list[Arg],
                          extent: ast.Extent, expects_input: bool, dot_source: bool) -> ScriptProcessor:
    return ScriptProcessor(interp, "<ScriptBlock>", block.body, block.source, args, extent,
                           expects_input, dot_source, block_info(block.text))


class ExpressionProcessor(Processor):
    """A value at the head of a pipeline: unrolled one level."""

    def __init__(self, value: Any):
        self.value = value

    def run_once(self) -> None:
        value = self.value
        if isinstance(value, AutomationNullType):
            return
        if isinstance(value, (list, tuple)):
            for item in value:
                self.downstream(item)
        else:
            self.downstream(value)

    def receive(self, obj: Any) -> None:  # never downstream of anything
        raise AssertionError("an expression cannot receive pipeline input")

