"""Pipeline and stream cmdlets: Where-Object, ForEach-Object, Write-*, Out-Null,
Out-Default, Out-Host, New-Object."""
from __future__ import annotations


from hvshell.runtime import operators as ops
from hvshell.runtime.classes import ClassError, script_class
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.runtime.conversions import to_bool, to_string
from hvshell.runtime.errors import CmdletError, ErrorRecord
from hvshell.runtime.psobject import MISSING, Hashtable, PSObject, to_display_string
from hvshell.runtime.scriptblock import ScriptBlock
from hvshell.runtime.members import MemberError, get_member, invoke_method

UTILITY = "Microsoft.PowerShell.Utility"
CORE = "Microsoft.PowerShell.Core"

# Where-Object's simplified syntax: one switch per operator, each in its own
# parameter set (PowerShell 4.0's list).  Name -> operator used by `compare`.
WHERE_OPERATORS = {
    "EQ": "eq", "CEQ": "ceq", "NE": "ne", "CNE": "cne", "GT": "gt", "CGT": "cgt",
    "LT": "lt", "CLT": "clt", "GE": "ge", "CGE": "cge", "LE": "le", "CLE": "cle",
    "Like": "like", "CLike": "clike", "NotLike": "notlike", "CNotLike": "cnotlike",
    "Match": "match", "CMatch": "cmatch", "NotMatch": "notmatch", "CNotMatch": "cnotmatch",
    "Contains": "contains", "CContains": "ccontains", "NotContains": "notcontains",
    "CNotContains": "cnotcontains", "In": "in", "CIn": "cin", "NotIn": "notin",
    "CNotIn": "cnotin", "Is": "is", "IsNot": "isnot",
}


def _set_name(op: str) -> str:
    return f"{op}Set"


class WhereObject(Cmdlet):
    """Selects objects from a collection based on their property values.

    Use a script block (`Where-Object { $_.State -eq 'Running' }`) or the
    simplified syntax (`Where-Object State -eq Running`)."""

    name = "Where-Object"
    module = CORE
    aliases = ("where", "?")
    default_set = "ScriptBlockSet"

    InputObject = Parameter(object, pipeline=True)
    FilterScript = Parameter(ScriptBlock, position=0, mandatory=True, sets=("ScriptBlockSet",))
    Property = Parameter(str, position=0, mandatory=True,
                         sets=tuple(_set_name(op) for op in WHERE_OPERATORS))
    Value = Parameter(object, position=1, sets=tuple(_set_name(op) for op in WHERE_OPERATORS))
    # -EQ may be left out: `Where-Object State Running` compares, and
    # `Where-Object IsClustered` with no value keeps objects whose property is true.
    locals().update({op: Parameter(Switch, mandatory=op != "EQ", sets=(_set_name(op),))
                     for op in WHERE_OPERATORS})

    def process(self) -> None:
        obj = self.InputObject
        if self.parameter_set == "ScriptBlockSet":
            result = self.ctx.invoke_scriptblock(self.FilterScript, input=obj)
            keep = to_bool(result[0] if len(result) == 1 else result)
        else:
            op = WHERE_OPERATORS[self.parameter_set[:-3]]
            value = get_member(obj, self.Property) if obj is not None else MISSING
            if value is MISSING:
                return
            if op == "eq" and "EQ" not in self.bound and "Value" not in self.bound:
                keep = to_bool(value)
            elif op in ("is", "isnot"):
                keep = ops.is_type(value, self.Value) == (op == "is")
            else:
                keep = to_bool(ops.compare(op, value, self.Value))
        if keep:
            self.write(obj)


class ForEachObject(Cmdlet):
    """Performs an operation against each item in a collection of input objects.

    `ForEach-Object { $_.Name }` runs the script block for every object;
    `ForEach-Object Name` outputs a property (or calls a method) of each."""

    name = "ForEach-Object"
    module = CORE
    aliases = ("foreach", "%")
    default_set = "ScriptBlockSet"

    InputObject = Parameter(object, pipeline=True)
    Begin = Parameter(ScriptBlock, sets=("ScriptBlockSet",))
    Process = Parameter(ScriptBlock, array=True, position=0, mandatory=True,
                        sets=("ScriptBlockSet",), remaining=True)
    End = Parameter(ScriptBlock, sets=("ScriptBlockSet",))
    MemberName = Parameter(str, position=0, mandatory=True, sets=("PropertyAndMethodSet",))
    ArgumentList = Parameter(object, array=True, aliases=("Args",), sets=("PropertyAndMethodSet",),
                             remaining=True)

    def _blocks(self) -> tuple[ScriptBlock | None, ScriptBlock | None, ScriptBlock | None]:
        blocks = list(self.Process or [])
        if len(blocks) == 1:
            return self.Begin, blocks[0], self.End
        if len(blocks) == 2:
            return blocks[0], blocks[1], self.End
        return blocks[0], blocks[1], blocks[2]

    def begin(self) -> None:
        if self.parameter_set == "ScriptBlockSet":
            begin, _, _ = self._blocks()
            if begin is not None:
                self.write(self.ctx.invoke_scriptblock(begin, use_input=False), enumerate=True)

    def process(self) -> None:
        obj = self.InputObject
        if self.parameter_set == "ScriptBlockSet":
            _, block, _ = self._blocks()
            if block is not None:
                self.write(self.ctx.invoke_scriptblock(block, input=obj), enumerate=True)
            return
        if obj is None:
            return
        # A property's value, else the method's result (`'a' | % ToUpper`).
        value = get_member(obj, self.MemberName) if not self.ArgumentList else MISSING
        if value is not MISSING:
            self.write(value, enumerate=True)
            return
        try:
            result = invoke_method(obj, self.MemberName, list(self.ArgumentList or ()),
                                   self.ctx.interpreter)
        except MemberError as error:
            if error.error_id != "MethodNotFound":
                raise CmdletError(str(error), error.error_id, "InvalidOperation", obj,
                                  "System.Management.Automation.MethodException") from None
            if self.ArgumentList:
                self.write_error(f'Input name "{self.MemberName}" cannot be resolved to a method.',
                                 "MethodNotFound", "InvalidArgument", obj,
                                 "System.Management.Automation.PSArgumentException")
            return
        self.write(result, enumerate=True)

    def end(self) -> None:
        if self.parameter_set == "ScriptBlockSet":
            _, _, end = self._blocks()
            if end is not None:
                self.write(self.ctx.invoke_scriptblock(end, use_input=False), enumerate=True)


class WriteOutput(Cmdlet):
    """Sends the specified objects to the next command in the pipeline."""

    name = "Write-Output"
    module = UTILITY
    aliases = ("echo", "write")

    InputObject = Parameter(object, array=True, position=0, mandatory=True, pipeline=True,
                            remaining=True, allow_empty=True)
    NoEnumerate = Parameter(Switch)

    def process(self) -> None:
        items = self.InputObject
        if self.NoEnumerate:
            self.write(items if len(items) != 1 else items[0])
        else:
            self.write(items, enumerate=True)


class WriteHost(Cmdlet):
    """Writes text to the host display, bypassing the pipeline."""

    name = "Write-Host"
    module = UTILITY

    Object = Parameter(object, position=0, pipeline=True, remaining=True)
    NoNewline = Parameter(Switch)
    Separator = Parameter(object, default=" ")
    ForegroundColor = Parameter(str, validate_set=(
        "Black", "DarkBlue", "DarkGreen", "DarkCyan", "DarkRed", "DarkMagenta", "DarkYellow",
        "Gray", "DarkGray", "Blue", "Green", "Cyan", "Red", "Magenta", "Yellow", "White"))
    BackgroundColor = Parameter(str, validate_set=ForegroundColor.validate_set)

    def process(self) -> None:
        value = self.Object
        separator = to_string(self.Separator)
        if isinstance(value, (list, tuple)):
            text = separator.join(to_display_string(v, invariant=True) for v in value)
        else:
            text = to_display_string(value, invariant=True)
        self.ctx.interpreter.write_information(text, newline=not self.NoNewline)


class WriteWarning(Cmdlet):
    """Writes a warning message (WARNING: text)."""

    name = "Write-Warning"
    module = UTILITY

    Message = Parameter(str, position=0, mandatory=True, pipeline=True, aliases=("Msg",),
                        allow_empty=True)

    def process(self) -> None:
        self.write_warning(self.Message)


class WriteVerbose(Cmdlet):
    """Writes text to the verbose stream (shown with -Verbose or
    $VerbosePreference = 'Continue')."""

    name = "Write-Verbose"
    module = UTILITY

    Message = Parameter(str, position=0, mandatory=True, pipeline=True, aliases=("Msg",),
                        allow_empty=True)

    def process(self) -> None:
        self.write_verbose(self.Message)


class WriteDebug(Cmdlet):
    """Writes text to the debug stream (shown with -Debug or
    $DebugPreference = 'Continue')."""

    name = "Write-Debug"
    module = UTILITY

    Message = Parameter(str, position=0, mandatory=True, pipeline=True, aliases=("Msg",),
                        allow_empty=True)

    def process(self) -> None:
        self.write_debug(self.Message)


ERROR_CATEGORIES = (
    "NotSpecified", "OpenError", "CloseError", "DeviceError", "DeadlockDetected",
    "InvalidArgument", "InvalidData", "InvalidOperation", "InvalidResult", "InvalidType",
    "MetadataError", "NotImplemented", "NotInstalled", "ObjectNotFound", "OperationStopped",
    "OperationTimeout", "SyntaxError", "ParserError", "PermissionDenied", "ResourceBusy",
    "ResourceExists", "ResourceUnavailable", "ReadError", "WriteError", "FromStdErr",
    "SecurityError", "ProtocolError", "ConnectionError", "AuthenticationError",
    "LimitsExceeded", "QuotaExceeded", "NotEnabled")


class WriteError(Cmdlet):
    """Writes a non-terminating error to the error stream."""

    name = "Write-Error"
    module = UTILITY
    default_set = "NoException"

    Message = Parameter(str, position=0, mandatory=True, pipeline=True, aliases=("Msg",),
                        sets=("NoException",))
    ErrorRecord = Parameter(ErrorRecord, mandatory=True, sets=("ErrorRecord",))
    Category = Parameter(str, validate_set=ERROR_CATEGORIES, default="NotSpecified",
                         sets=("NoException",))
    ErrorId = Parameter(str, sets=("NoException",))
    TargetObject = Parameter(object, sets=("NoException",))

    def process(self) -> None:
        if self.ErrorRecord is not None:
            record = self.ErrorRecord
            self.ctx.report_error(self, ErrorRecord(
                record.message, record.error_id, record.category, record.target,
                record.exception_type, command=record.command, command_type=record.command_type,
                extent=record.extent, source=record.source))
            return
        # Write-Error's FullyQualifiedErrorId carries no command type.
        record = ErrorRecord(self.Message,
                             self.ErrorId or "Microsoft.PowerShell.Commands.WriteErrorException",
                             self.Category, self.TargetObject,
                             "Microsoft.PowerShell.Commands.WriteErrorException",
                             command=self.invocation_name)
        self.ctx.report_error(self, record)


class WriteProgress(Cmdlet):
    """Displays a progress bar in the interactive shell (scripts show none)."""

    name = "Write-Progress"
    module = UTILITY

    Activity = Parameter(str, position=0, mandatory=True)
    Status = Parameter(str, position=1, default="Processing")
    Id = Parameter(int, position=2, default=0)
    PercentComplete = Parameter(int, default=-1)
    SecondsRemaining = Parameter(int, default=-1)
    CurrentOperation = Parameter(str)
    Completed = Parameter(Switch)

    def process(self) -> None:
        self.write_progress(self.Activity, self.Status, self.PercentComplete,
                            self.SecondsRemaining, bool(self.Completed))


class OutNull(Cmdlet):
    """Hides the output instead of sending it down the pipeline or displaying it."""

    name = "Out-Null"
    module = CORE

    InputObject = Parameter(object, pipeline=True)


class OutDefaultCmdlet(Cmdlet):
    """Sends the output to the default formatter and the console.

    Like PowerShell's, an explicit Out-Default formats its own input as a
    block of its own, so `$x | Out-Default` starts a fresh table."""

    name = "Out-Default"
    module = CORE

    InputObject = Parameter(object, pipeline=True)

    def begin(self) -> None:
        from hvshell.format.outdefault import OutDefault
        interp = self.ctx.interpreter
        interp.flush()
        self._out = OutDefault(interp.stdout.write, interp.width)

    def process(self) -> None:
        if "InputObject" in self.bound:
            self._out.write(self.InputObject)

    def end(self) -> None:
        self._out.close()


class OutHost(OutDefaultCmdlet):
    """Sends the output to the console."""

    name = "Out-Host"
    Paging = Parameter(Switch)


class NewObject(Cmdlet):
    """Creates an object: `New-Object PSObject -Property @{...}`."""

    name = "New-Object"
    module = UTILITY

    TypeName = Parameter(str, position=0, mandatory=True)
    ArgumentList = Parameter(object, array=True, position=1, aliases=("Args",))
    Property = Parameter(Hashtable)

    def process(self) -> None:
        kind = self.TypeName.lower()
        if kind in ("psobject", "pscustomobject", "system.management.automation.psobject",
                    "system.object", "object"):
            self.write(PSObject(self.Property.items() if self.Property else ()))
            return
        info = script_class(self.TypeName)
        if info is not None:
            try:
                obj = info.new(list(self.ArgumentList or ()))
                for key, value in (self.Property.items() if self.Property else ()):
                    obj.add(str(key), value)
            except (ClassError, ValueError) as error:
                raise CmdletError(f"Cannot create an object of type [{info.name}]: {error}",
                                  "ConstructorInvokedThrowException", "InvalidOperation",
                                  self.TypeName, "System.Management.Automation.MethodException") \
                    from None
            self.write(obj)
            return
        raise CmdletError(
            f'Cannot find type [{self.TypeName}]: hvshell creates only PSObject (and the classes '
            f'scripts define) with New-Object; '
            f'use [pscustomobject]@{{...}} or a cast such as [datetime]"...".',
            "TypeNotFound", "InvalidType", self.TypeName,
            "System.Management.Automation.PSArgumentException")


class AddMember(Cmdlet):
    """Adds a note property to a custom object (`[pscustomobject]`,
    Select-Object output, Import-Csv rows)."""

    name = "Add-Member"
    module = UTILITY
    default_set = "TypeNameSet"

    InputObject = Parameter(object, mandatory=True, pipeline=True)
    MemberType = Parameter(str, position=0, mandatory=True, aliases=("Type",),
                           validate_set=("NoteProperty",), sets=("MemberSet",))
    Name = Parameter(str, position=1, mandatory=True, sets=("MemberSet",))
    Value = Parameter(object, position=2, sets=("MemberSet",))
    NotePropertyName = Parameter(str, position=0, mandatory=True, sets=("NotePropertySingleMemberSet",))
    NotePropertyValue = Parameter(object, position=1, mandatory=True,
                                  sets=("NotePropertySingleMemberSet",))
    NotePropertyMembers = Parameter(Hashtable, position=0, mandatory=True,
                                    sets=("NotePropertyMultiMemberSet",))
    Force = Parameter(Switch)
    PassThru = Parameter(Switch)

    def process(self) -> None:
        target = self.InputObject
        if not isinstance(target, PSObject):
            raise CmdletError(
                "Add-Member adds properties to custom objects only; build one with "
                "[pscustomobject]@{...} or Select-Object first.", "CannotAddMember",
                "InvalidOperation", target, "System.InvalidOperationException")
        if self.parameter_set == "NotePropertyMultiMemberSet":
            members = list(self.NotePropertyMembers.items())
        elif self.parameter_set == "NotePropertySingleMemberSet":
            members = [(self.NotePropertyName, self.NotePropertyValue)]
        else:
            members = [(self.Name, self.Value)]
        for name, value in members:
            name = to_string(name)
            if target.has(name) and not self.Force:
                self.write_error(
                    f'Cannot add a member with the name "{name}" because a member with that name '
                    f'already exists. To overwrite the member anyway, add the Force parameter to '
                    f'your command.', "MemberAlreadyExists", "InvalidOperation", target)
                continue
            target.add(name, value)
        if self.PassThru:
            self.write(target)
