"""Error records and the exceptions that carry them.

An `ErrorRecord` is what `$Error`, `$_` in a catch block and the error
display see.  A cmdlet reports a non-terminating error with
`Cmdlet.write_error(...)` and a terminating one by raising `CmdletError`;
the interpreter fills in where it happened (command name, extent, source).
A parse failure (hvshell.lang's `ParseError`) becomes one record per error
(`parse_error_records`).
"""
from __future__ import annotations

from typing import Any

import attrs

from hvshell.lang.ast import Extent, Source
from hvshell.lang.errors import ParseError


# The base class of each .NET exception type the shell's errors carry, so
# that `catch [System.ArithmeticException]` catches a DivideByZeroException
# and `catch [System.Management.Automation.RuntimeException]` what the
# engine throws.  A type not listed derives from System.Exception.
_SMA = "System.Management.Automation."
EXCEPTION_BASES = {
    "System.SystemException": "System.Exception",
    "System.ArithmeticException": "System.SystemException",
    "System.DivideByZeroException": "System.ArithmeticException",
    "System.OverflowException": "System.ArithmeticException",
    "System.FormatException": "System.SystemException",
    "System.InvalidCastException": "System.SystemException",
    "System.InvalidOperationException": "System.SystemException",
    "System.NotSupportedException": "System.SystemException",
    "System.NotImplementedException": "System.SystemException",
    "System.ArgumentException": "System.SystemException",
    "System.ArgumentNullException": "System.ArgumentException",
    "System.ArgumentOutOfRangeException": "System.ArgumentException",
    "System.IndexOutOfRangeException": "System.SystemException",
    "System.NullReferenceException": "System.SystemException",
    "System.UnauthorizedAccessException": "System.SystemException",
    "System.OutOfMemoryException": "System.SystemException",
    "System.TimeoutException": "System.SystemException",
    "System.IO.IOException": "System.SystemException",
    "System.IO.FileNotFoundException": "System.IO.IOException",
    "System.IO.DirectoryNotFoundException": "System.IO.IOException",
    "System.Collections.Generic.KeyNotFoundException": "System.SystemException",
    "System.Text.RegularExpressions.RegexMatchTimeoutException": "System.TimeoutException",
    "Microsoft.PowerShell.Commands.WriteErrorException": "System.SystemException",
    _SMA + "RuntimeException": "System.SystemException",
    _SMA + "ParameterBindingException": _SMA + "RuntimeException",
    _SMA + "ParameterBindingValidationException": _SMA + "ParameterBindingException",
    _SMA + "CommandNotFoundException": _SMA + "RuntimeException",
    _SMA + "ParseException": _SMA + "RuntimeException",
    _SMA + "SessionStateException": _SMA + "RuntimeException",
    _SMA + "ItemNotFoundException": _SMA + "SessionStateException",
    _SMA + "DriveNotFoundException": _SMA + "SessionStateException",
    _SMA + "SessionStateUnauthorizedAccessException": _SMA + "SessionStateException",
    _SMA + "PSInvalidCastException": _SMA + "RuntimeException",
    _SMA + "MethodException": _SMA + "RuntimeException",
    _SMA + "MethodInvocationException": _SMA + "MethodException",
    _SMA + "ActionPreferenceStopException": _SMA + "RuntimeException",
    _SMA + "PipelineStoppedException": _SMA + "RuntimeException",
    _SMA + "ValidationMetadataException": _SMA + "RuntimeException",
    _SMA + "PSInvalidOperationException": "System.InvalidOperationException",
    _SMA + "PSArgumentException": "System.ArgumentException",
    _SMA + "PSArgumentNullException": "System.ArgumentNullException",
    _SMA + "PSArgumentOutOfRangeException": "System.ArgumentOutOfRangeException",
    _SMA + "PSNotSupportedException": "System.NotSupportedException",
    _SMA + "Host.HostException": _SMA + "RuntimeException",
}


def exception_named(short: str) -> str:
    """The full name of the exception type whose last part is `short`."""
    key = short.lower()
    for name in EXCEPTION_BASES:
        if name.lower().rsplit(".", 1)[-1] == key:
            return name
    return f"System.{short}"


def exception_lineage(type_name: str) -> list[str]:
    """`type_name` and its base classes up to System.Exception."""
    lineage = [type_name]
    while lineage[-1] != "System.Exception" and len(lineage) < 16:
        lineage.append(EXCEPTION_BASES.get(lineage[-1], "System.Exception"))
    return lineage


@attrs.define(eq=False)
class ExceptionInfo:
    """What `$_.Exception` shows: the .NET exception type and its message."""
    PS_TYPE = "System.Exception"
    Message: str
    type_name: str = "System.Management.Automation.RuntimeException"
    inner_type: str | None = None

    @property
    def InnerException(self) -> "ExceptionInfo | None":
        return ExceptionInfo(self.Message, self.inner_type) if self.inner_type else None

    def ps_type_names(self) -> list[str]:
        """The exception's own class and its bases (`GetType()`, `-is`)."""
        return exception_lineage(self.type_name)

    def ToString(self) -> str:
        return f"{self.type_name}: {self.Message}"

    def __str__(self) -> str:
        return self.Message


@attrs.frozen
class ErrorCategoryInfo:
    """`$_.CategoryInfo`: what the error display's CategoryInfo line shows, in parts."""
    PS_TYPE = "System.Management.Automation.ErrorCategoryInfo"
    Category: str
    Activity: str
    Reason: str
    TargetName: str
    TargetType: str

    def ToString(self) -> str:
        return (f"{self.Category}: ({self.TargetName}:{self.TargetType}) [{self.Activity}], "
                f"{self.Reason}")


@attrs.frozen
class CommandName:
    """`$_.InvocationInfo.MyCommand`: the command the error came from."""
    PS_TYPE = "System.Management.Automation.CommandInfo"
    Name: str

    def ToString(self) -> str:
        return self.Name


@attrs.frozen
class ErrorInvocation:
    """`$_.InvocationInfo`: where the error happened."""
    PS_TYPE = "System.Management.Automation.InvocationInfo"
    MyCommand: CommandName | None
    ScriptName: str
    ScriptLineNumber: int
    OffsetInLine: int
    Line: str

    @property
    def InvocationName(self) -> str:
        return self.MyCommand.Name if self.MyCommand else ""

    @property
    def PositionMessage(self) -> str:
        where = self.ScriptName or "line"
        return f"At {where}:{self.ScriptLineNumber} char:{self.OffsetInLine}\n+ {self.Line}"


@attrs.define(eq=False)
class ErrorRecord:
    """One error.  `error_id` is the first half of FullyQualifiedErrorId; the
    second half is the command's type name (`command_type`)."""
    PS_TYPE = "System.Management.Automation.ErrorRecord"

    message: str
    error_id: str = "RuntimeException"
    category: str = "NotSpecified"
    target: Any = None
    exception_type: str = "System.Management.Automation.RuntimeException"
    command: str | None = None            # the command name as typed
    command_type: str | None = None       # e.g. Microsoft.HyperV.PowerShell.Commands.GetVM
    extent: Extent | None = None
    source: Source | None = None
    is_parse_error: bool = False
    is_throw: bool = False                # raised by `throw`: shown without a command prefix
    thrown_value: Any = None              # the object given to `throw`
    inner_exception_type: str | None = None   # e.g. System.DivideByZeroException
    activity: str | None = None           # CategoryInfo's [activity]; default: the command

    @property
    def Exception(self) -> ExceptionInfo:
        return ExceptionInfo(self.message, self.exception_type, self.inner_exception_type)

    @property
    def TargetObject(self) -> Any:
        return self.target

    @property
    def FullyQualifiedErrorId(self) -> str:
        return f"{self.error_id},{self.command_type}" if self.command_type else self.error_id

    @property
    def CategoryInfo(self) -> ErrorCategoryInfo:
        name, kind = self.target_text()
        return ErrorCategoryInfo(self.category, self._activity(), self._reason(), name, kind)

    @property
    def InvocationInfo(self) -> ErrorInvocation | None:
        if self.extent is None and self.command is None:
            return None
        line = self.extent.line if self.extent else 0
        return ErrorInvocation(CommandName(self.command) if self.command else None,
                               (self.source.path or "") if self.source else "", line,
                               self.extent.column if self.extent else 0,
                               self.source.line_text(line) if self.source and line else "")

    @property
    def ScriptStackTrace(self) -> str:
        if self.extent is None:
            return ""
        where = self.source.path if self.source and self.source.path else "<ScriptBlock>"
        return f"at {where}: line {self.extent.line}"

    def target_text(self) -> tuple[str, str]:
        """(TargetName, TargetType) for the CategoryInfo line."""
        if self.target is None:
            return "", ""
        from hvshell.runtime.psobject import type_name_short, to_display_string
        return to_display_string(self.target), type_name_short(self.target)

    def _activity(self) -> str:
        return self.activity if self.activity is not None else (self.command or "")

    def _reason(self) -> str:
        return self.exception_type.rsplit(".", 1)[-1]

    def category_info(self) -> str:
        return self.CategoryInfo.ToString()

    def ToString(self) -> str:
        return self.message

    def __str__(self) -> str:
        return self.message


class PSError(Exception):
    """A terminating error travelling up the interpreter."""

    def __init__(self, record: ErrorRecord):
        super().__init__(record.message)
        self.record = record


class CmdletError(PSError):
    """Raised by cmdlet code for a terminating error (ThrowTerminatingError)."""

    def __init__(self, message: str, error_id: str = "InvalidOperation",
                 category: str = "InvalidOperation", target: Any = None,
                 exception_type: str = "System.InvalidOperationException"):
        super().__init__(ErrorRecord(message, error_id, category, target, exception_type))


CALL_DEPTH_MESSAGE = "The script failed due to call depth overflow."
CALL_DEPTH_EXCEPTION = "System.Management.Automation.ScriptCallDepthException"


def internal_error_record(error: BaseException) -> ErrorRecord:
    """A defect in hvshell, reported as an error record rather than a
    traceback (the statement fails, the session goes on)."""
    return ErrorRecord(f"The command failed unexpectedly: {type(error).__name__}: {error}",
                       "InternalError", "NotSpecified", None, "System.InvalidOperationException")


def parse_error_records(error: ParseError) -> list[ErrorRecord]:
    """The error records of a parse failure, one per error, in order."""
    return [ErrorRecord(problem.message, problem.error_id, "ParserError", None,
                        "System.Management.Automation.ParseException",
                        extent=problem.extent, source=problem.source, is_parse_error=True)
            for problem in error.records]


__all__ = ["ExceptionInfo", "ErrorRecord", "PSError", "CmdletError", "ParseError",
           "parse_error_records", "internal_error_record", "CALL_DEPTH_MESSAGE",
           "CALL_DEPTH_EXCEPTION"]
