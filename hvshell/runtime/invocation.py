"""What running script code knows about its own call: `$MyInvocation`
(an InvocationInfo: the command, how it was called, its arguments) and, in
an advanced function or script, `$PSCmdlet` (ShouldProcess, WriteError,
ThrowTerminatingError, ParameterSetName ...).

A function, a script file and a script block each get their own
`$MyInvocation` when they are called (hvshell/runtime/pipeline.py
ScriptProcessor); a script run from the command line gets one too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from hvshell.lang import ast
from hvshell.runtime.conversions import AutomationNullType, to_bool
from hvshell.runtime.errors import ErrorRecord, PSError
from hvshell.runtime.psobject import Hashtable, to_display_string

if TYPE_CHECKING:
    from hvshell.runtime.pipeline import ScriptProcessor


_VOID = AutomationNullType()


class ScriptInfo:
    """`$MyInvocation.MyCommand` of a script file or a script block (a
    function's is its FunctionInfo)."""

    PS_TYPE = "System.Management.Automation.ExternalScriptInfo"

    def __init__(self, name: str, path: str, definition: str, command_type: str):
        self._name = name
        self._path = path
        self._definition = definition
        self._type = command_type

    @property
    def Name(self) -> str:
        return self._name

    @property
    def Path(self) -> str:
        return self._path

    @property
    def Source(self) -> str:
        return self._path

    @property
    def Definition(self) -> str:
        return self._definition

    @property
    def CommandType(self) -> str:
        return self._type

    def ToString(self) -> str:
        return self._name or self._definition


def script_info(path: str) -> ScriptInfo:
    """The command of a script file (`path` as the shell was given it)."""
    return ScriptInfo(path.replace("/", "\\").rpartition("\\")[2], path, path, "ExternalScript")


def block_info(text: str) -> ScriptInfo:
    return ScriptInfo("", "", text, "Script")


class InvocationInfo:
    """`$MyInvocation`."""

    PS_TYPE = "System.Management.Automation.InvocationInfo"

    def __init__(self, command: Any, invocation_name: str, bound: Hashtable, unbound: list,
                 extent: ast.Extent | None, caller: ast.Source | None, expecting_input: bool):
        self._command = command
        self._name = invocation_name
        self._bound = bound
        self._unbound = unbound
        self._extent = extent if extent is not None and extent.end else None
        self._caller = caller
        self._expecting = expecting_input

    @property
    def MyCommand(self) -> Any:
        return self._command

    @property
    def InvocationName(self) -> str:
        return self._name

    @property
    def BoundParameters(self) -> Hashtable:
        return self._bound

    @property
    def UnboundArguments(self) -> list:
        return self._unbound

    @property
    def ScriptName(self) -> str:
        """The script the call was written in ('' from the console)."""
        return (self._caller.path or "") if self._caller is not None else ""

    @property
    def ScriptLineNumber(self) -> int:
        return self._extent.line if self._extent else 0

    @property
    def OffsetInLine(self) -> int:
        return self._extent.column if self._extent else 0

    @property
    def Line(self) -> str:
        if self._extent is None or self._caller is None:
            return ""
        return self._caller.line_text(self._extent.line)

    @property
    def PositionMessage(self) -> str:
        if self._extent is None or self._caller is None:
            return ""
        where = self._caller.path or "line"
        return f"At {where}:{self._extent.line} char:{self._extent.column}\n+ {self.Line}"

    @property
    def PSCommandPath(self) -> str:
        return self.ScriptName

    @property
    def PSScriptRoot(self) -> str:
        return self.ScriptName.replace("/", "\\").rpartition("\\")[0]

    @property
    def ExpectingInput(self) -> bool:
        return self._expecting

    @property
    def PipelineLength(self) -> int:
        return 1

    @property
    def PipelinePosition(self) -> int:
        return 1

    @property
    def CommandOrigin(self) -> str:
        return "Runspace" if self._caller is None else "Internal"

    def ToString(self) -> str:
        return "System.Management.Automation.InvocationInfo"


class TerminatingError(PSError):
    """`$PSCmdlet.ThrowTerminatingError()`: it ends the function that threw
    it (whatever statement it stands in), then is the calling statement's
    error."""

    def __init__(self, record: ErrorRecord, processor: "ScriptProcessor"):
        super().__init__(record)
        self.processor = processor


class ScriptCmdlet:
    """`$PSCmdlet` in an advanced function or script."""

    PS_TYPE = "System.Management.Automation.PSScriptCmdlet"

    def __init__(self, processor: "ScriptProcessor", invocation: InvocationInfo,
                 supports_should_process: bool):
        self._processor = processor
        self._invocation = invocation
        self._supports = supports_should_process

    @property
    def ParameterSetName(self) -> str:
        binding = self._processor.binding
        return binding.parameter_set if binding is not None else "__AllParameterSets"

    @property
    def MyInvocation(self) -> InvocationInfo:
        return self._invocation

    @property
    def CommandRuntime(self) -> str:
        return self._processor.name

    def ShouldProcess(self, target: Any, action: Any = None, caption: Any = None) -> bool:
        """`ShouldProcess(target[, action])`, or with three arguments
        `(description, warning, caption)`: False under -WhatIf after saying
        what would happen; `-Confirm` never asks (hvshell has no prompts)."""
        if not self._supports:
            return True
        if caption is not None:
            text = to_display_string(target)
        else:
            what = self._processor.name if action is None else to_display_string(action)
            text = f'Performing the operation "{what}" on target "{to_display_string(target)}".'
        interp = self._processor.interp
        if to_bool(interp.get_variable("WhatIfPreference")):
            interp.write_host_text(f"What if: {text}")
            return False
        interp.write_stream(None, "verbose", text)
        return True

    def ShouldContinue(self, query: Any, caption: Any, *rest: Any) -> bool:
        raise PSError(ErrorRecord(
            "Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not "
            "available.", "HostFunctionNotImplemented", "ResourceUnavailable", None,
            "System.Management.Automation.Host.HostException"))

    # The Write* methods are void: a call outputs nothing (AutomationNull).
    def WriteObject(self, obj: Any, enumerate: Any = False) -> AutomationNullType:
        if to_bool(enumerate) and isinstance(obj, (list, tuple)):
            for item in obj:
                self._processor.downstream(item)
        else:
            self._processor.downstream(obj)
        return _VOID

    def WriteError(self, record: Any) -> AutomationNullType:
        error = _record(record)
        if error.command is None:
            error.command = self._processor.name
        self._processor.interp.report_error_record(self._processor, error)
        return _VOID

    def ThrowTerminatingError(self, record: Any) -> None:
        """The error as the function's own, at the statement that called it."""
        processor = self._processor
        error = attrs.evolve(_record(record), command=processor.name, command_type=processor.name,
                             extent=processor.extent if processor.extent.end else None,
                             source=processor.caller, is_throw=False)
        raise TerminatingError(error, processor)

    def WriteVerbose(self, text: Any) -> AutomationNullType:
        self._processor.interp.write_stream(None, "verbose", to_display_string(text))
        return _VOID

    def WriteWarning(self, text: Any) -> AutomationNullType:
        self._processor.interp.write_stream(None, "warning", to_display_string(text))
        return _VOID

    def WriteDebug(self, text: Any) -> AutomationNullType:
        self._processor.interp.write_stream(None, "debug", to_display_string(text))
        return _VOID

    def ToString(self) -> str:
        return self._processor.name


def _record(value: Any) -> ErrorRecord:
    """An ErrorRecord as given, or one made of a message."""
    if isinstance(value, ErrorRecord):
        return value
    message = to_display_string(value)
    return ErrorRecord(message, message, "NotSpecified", None,
                       "System.Management.Automation.RuntimeException")
