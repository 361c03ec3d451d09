"""Formatting and output cmdlets: Format-Table, Format-List, Out-String,
Out-File."""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.powershell.data import ENCODINGS, write_text
from hvshell.format import properties as props
from hvshell.format import records as rec
from hvshell.format.formatter import Formatter
from hvshell.format.outdefault import DEFAULT_WIDTH, LineOutput
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from hvshell.runtime.errors import CmdletError

UTILITY = "Microsoft.PowerShell.Utility"


def console_columns(ctx: Any) -> int:
    """The columns Out-String and Out-File fill when no -Width is given:
    the console's, less the one 5.1 leaves free."""
    interpreter = getattr(ctx, "interpreter", None)
    return getattr(interpreter, "width", DEFAULT_WIDTH) - 1


class _FormatCmdlet(Cmdlet):
    """What Format-Table and Format-List share: they turn their input into
    format records, which only the Out-* commands print."""

    module = UTILITY
    shape = ""
    keys: tuple[str, ...] = ()

    InputObject = Parameter(object, pipeline=True)
    GroupBy = Parameter(object)

    def begin(self) -> None:
        self._formatter = self.make_formatter()

    def group_spec(self) -> props.PropertySpec | None:
        if self.GroupBy is None:
            return None
        return props.parse_property(self.GroupBy, props.LIST_KEYS, self.name)

    def make_formatter(self) -> Formatter:
        raise NotImplementedError

    def process(self) -> None:
        if "InputObject" in self.bound:
            for record in self._formatter.process(self.InputObject):
                self.write(record)

    def end(self) -> None:
        for record in self._formatter.end():
            self.write(record)


class FormatTable(_FormatCmdlet):
    """Formats the output as a table.

    The default view of the objects' type picks the columns, or -Property
    names them (wildcards and calculated properties with Label, Expression,
    Width, Alignment and FormatString).  -AutoSize fits the columns to the
    data; -Wrap shows long values on several lines instead of cutting them."""

    name = "Format-Table"
    aliases = ("ft",)

    Property = Parameter(object, array=True, position=0)
    AutoSize = Parameter(Switch)
    HideTableHeaders = Parameter(Switch)
    Wrap = Parameter(Switch)

    def make_formatter(self) -> Formatter:
        return Formatter(rec.TABLE, props.parse_properties(self.Property, props.TABLE_KEYS,
                                                           self.name),
                         group_by=self.group_spec(), autosize=True if self.AutoSize else None,
                         hide_header=bool(self.HideTableHeaders), wrap=bool(self.Wrap),
                         ctx=self.ctx)


class FormatList(_FormatCmdlet):
    """Formats the output as a list of properties, each on its own line.

    -Property picks the properties (wildcards and calculated properties with
    Label, Expression and FormatString); `Format-List *` shows them all."""

    name = "Format-List"
    aliases = ("fl",)

    Property = Parameter(object, array=True, position=0)

    def make_formatter(self) -> Formatter:
        return Formatter(rec.LIST, props.parse_properties(self.Property, props.LIST_KEYS,
                                                          self.name),
                         group_by=self.group_spec(), ctx=self.ctx)


class OutString(Cmdlet):
    """Sends objects to the host as a series of strings.

    The text is what the console would show, as one string (with a
    newline after every line), or with -Stream one string per line."""

    name = "Out-String"
    module = UTILITY

    InputObject = Parameter(object, pipeline=True)
    Stream = Parameter(Switch)
    Width = Parameter(int, validate_range=(2, 2**31 - 1))

    def begin(self) -> None:
        self._lines: list[str] = []
        emit = self.write if self.Stream else self._lines.append
        columns = self.Width if "Width" in self.bound else console_columns(self.ctx)
        self._output = LineOutput(emit, columns)

    def process(self) -> None:
        if "InputObject" in self.bound:
            self._output.write(self.InputObject)

    def end(self) -> None:
        self._output.close()
        if not self.Stream:
            self.write("".join(line + "\n" for line in self._lines))


class OutFile(Cmdlet):
    """Sends output to a file, formatted as the console shows it.

    hvshell writes UTF-8 unless -Encoding asks for another encoding (Unicode
    writes UTF-16 as Windows PowerShell does by default), with newline
    line endings."""

    name = "Out-File"
    module = UTILITY
    supports_should_process = True

    FilePath = Parameter(str, position=0, mandatory=True, aliases=("Path",), complete="path")
    Encoding = Parameter(str, position=1, validate_set=ENCODINGS)
    Append = Parameter(Switch)
    Force = Parameter(Switch)
    NoClobber = Parameter(Switch, aliases=("NoOverwrite",))
    Width = Parameter(int, validate_range=(2, 2**31 - 1))
    InputObject = Parameter(object, pipeline=True)

    def begin(self) -> None:
        self._lines: list[str] | None = None
        kind = self.ctx.files.kind(self.FilePath)
        if kind == "directory":
            raise self.ctx.files.is_directory(self.FilePath)
        if self.NoClobber and not self.Append and kind is not None:
            raise CmdletError(
                f"The file '{self.FilePath}' already exists. Remove -NoClobber to overwrite it, "
                f"or use -Append.", "NoClobber", "ResourceExists", self.FilePath,
                "System.IO.IOException")
        if not self.should_process(str(self.FilePath), "Output to File"):
            return
        self._lines = []
        columns = self.Width if "Width" in self.bound else console_columns(self.ctx)
        self._output = LineOutput(self._lines.append, columns)

    def process(self) -> None:
        if self._lines is not None and "InputObject" in self.bound:
            self._output.write(self.InputObject)

    def end(self) -> None:
        if self._lines is None:
            return
        self._output.close()
        write_text(self.ctx.files, self.FilePath, "".join(line + "\n" for line in self._lines),
                   self.Encoding, append=bool(self.Append))
